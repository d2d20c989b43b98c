#include "archive/catalogue/query.h"

#include <algorithm>

#include "archive/catalogue/text.h"

namespace gk::catalogue {

size_t next_char_count(std::string_view s);

namespace {

constexpr std::string_view kOpenQuote = "\u201C", kCloseQuote = "\u201D";  // “ ”

struct Token {
  std::string text;
  bool quoted = false;
  bool excluded = false;
};

bool is_space_at(std::string_view s, size_t i, size_t& len) {
  if (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
    len = 1;
    return true;
  }
  if (s.substr(i, 3) == "\u3000") {  // ideographic space, what Chinese input methods type
    len = 3;
    return true;
  }
  return false;
}

Result<std::vector<Token>> lex(std::string_view s) {
  std::vector<Token> out;
  size_t i = 0, sl = 0;
  while (i < s.size()) {
    if (is_space_at(s, i, sl)) {
      i += sl;
      continue;
    }
    Token t;
    if (s[i] == '-' && i + 1 < s.size() && !is_space_at(s, i + 1, sl)) {
      t.excluded = true;
      ++i;
    }
    // Chinese quotation marks around a whole term quote it as "…" does (what a Chinese input
    // method types for "); inside or at one end of a term they are its text (“放管服”改革, as
    // copied from a document, is that literal string).
    size_t cjk_close = s.substr(i, 3) == kOpenQuote ? s.find(kCloseQuote, i + 3) : std::string_view::npos;
    if (cjk_close != std::string_view::npos && (cjk_close + 3 == s.size() || is_space_at(s, cjk_close + 3, sl))) {
      t.text = std::string(s.substr(i + 3, cjk_close - i - 3));
      t.quoted = true;
      i = cjk_close + 3;
    } else if (s[i] == '"') {
      size_t close = s.find('"', i + 1);
      if (close == std::string_view::npos)
        return make_error("unbalanced quotes in query: " + std::string(s));
      t.text = std::string(s.substr(i + 1, close - i - 1));
      t.quoted = true;
      i = close + 1;
    } else {
      size_t j = i;  // a quote inside a word ends it and starts a phrase: 扶贫"搬迁" is 扶贫 "搬迁"
      while (j < s.size() && !is_space_at(s, j, sl) && s[j] != '"') ++j;
      t.text = std::string(s.substr(i, j - i));
      i = j;
    }
    out.push_back(std::move(t));
  }
  return out;
}

Result<Term> make_term(const std::string& raw) {
  Term t;
  t.text = fold(raw);
  t.runs = word_runs(t.text);
  if (t.runs.empty()) {
    if (raw.empty()) return make_error("empty phrase \"\" in query");
    return make_error("query term '" + raw + "' has no letters, digits or characters to search for");
  }
  // A run inside the term is a whole run of the text too, so a 1-character one emits no bigram
  // there and does not break the chain; the first and last runs may be parts of longer runs.
  const bool one_column = t.text.find('\n') == std::string::npos;
  std::string chain;
  for (const auto& run : t.runs) {
    if (!one_column || next_char_count(run) == 1) {
      t.phrases.push_back(run);  // a 1-character run becomes its marker token (fts.h)
      continue;
    }
    chain += (chain.empty() ? "" : " ") + run;
  }
  if (!chain.empty()) t.phrases.insert(t.phrases.begin(), chain);
  return t;
}

void append_quoted(std::string& out, const std::string& run) {
  out += '"';
  out += run;  // phrases hold no '"': it is punctuation
  out += '"';
}

std::string term_expression(const Term& t) {
  std::string e;
  for (size_t i = 0; i < t.phrases.size(); ++i) {
    if (i) e += " AND ";
    append_quoted(e, t.phrases[i]);
  }
  return t.phrases.size() > 1 ? "(" + e + ")" : e;
}

}  // namespace

std::vector<std::string> Query::highlight() const {
  std::vector<std::string> out;
  for (const auto& g : all_of)
    for (const auto& t : g) out.push_back(t.text);
  return out;
}

Result<Query> parse_query(std::string_view text) {
  if (std::string why = text_problem(text); !why.empty()) return make_error("query " + why);
  auto toks = lex(text);
  if (!toks) return toks.error();
  if (toks->empty()) return make_error("empty query");
  Query q;
  bool pending_or = false;
  for (size_t i = 0; i < toks->size(); ++i) {
    const Token& t = (*toks)[i];
    if (!t.quoted && !t.excluded && t.text == "OR") {
      if (i > 0 && (*toks)[i - 1].excluded) return make_error("an excluded -term cannot be part of OR");
      if (q.all_of.empty() || pending_or || i + 1 == toks->size())
        return make_error("OR needs a term on each side");
      if ((*toks)[i + 1].excluded) return make_error("an excluded -term cannot be part of OR");
      pending_or = true;
      continue;
    }
    auto term = make_term(t.text);
    if (!term) return term.error();
    if (t.excluded) {
      if (pending_or) return make_error("an excluded -term cannot be part of OR");
      q.none_of.push_back(std::move(*term));
    } else if (pending_or) {
      q.all_of.back().push_back(std::move(*term));
      pending_or = false;
    } else {
      q.all_of.push_back({std::move(*term)});
    }
  }
  if (q.all_of.empty()) return make_error("a query needs at least one term that is not excluded");
  return q;
}

std::string fts_expression(const Query& q) {
  std::string e = "(";
  for (size_t g = 0; g < q.all_of.size(); ++g) {
    if (g) e += " AND ";
    const auto& alts = q.all_of[g];
    if (alts.size() > 1) e += "(";
    for (size_t k = 0; k < alts.size(); ++k) {
      if (k) e += " OR ";
      e += term_expression(alts[k]);
    }
    if (alts.size() > 1) e += ")";
  }
  e += ")";
  for (const auto& t : q.none_of)
    if (!t.needs_check()) e += " NOT " + term_expression(t);
  return e;
}

std::string with_doc_number_brackets(std::string_view query) {
  static const std::pair<std::string_view, std::string_view> kPairs[] = {
      {"[", "]"}, {"(", ")"}, {"\uFF08", "\uFF09"}, {"\u3010", "\u3011"}, {"\uFF3B", "\uFF3D"}, {"\u3016", "\u3017"}, {"\uFE5D", "\uFE5E"}};
  std::string out;
  bool changed = false;
  for (size_t i = 0; i < query.size();) {
    bool done = false;
    for (const auto& [open, close] : kPairs) {
      const size_t year = i + open.size(), after = year + 4;
      if (query.compare(i, open.size(), open) != 0 || after > query.size() || query.compare(after, close.size(), close) != 0)
        continue;
      std::string_view y = query.substr(year, 4);
      if (!std::all_of(y.begin(), y.end(), [](char c) { return c >= '0' && c <= '9'; })) continue;
      out += "\u3014";
      out += y;
      out += "\u3015";
      i = after + close.size();
      changed = done = true;
      break;
    }
    if (!done) out += query[i++];
  }
  return changed ? out : std::string();
}

std::string without_stray_quotes(std::string_view query) {
  std::string out;
  bool changed = false;
  size_t sl = 0;
  for (size_t i = 0; i < query.size();) {
    if (is_space_at(query, i, sl)) {
      out.append(query.substr(i, sl));
      i += sl;
      continue;
    }
    size_t j = i;
    while (j < query.size() && !is_space_at(query, j, sl)) ++j;
    std::string_view token = query.substr(i, j - i);
    const bool minus = token[0] == '-';
    std::string_view body = token.substr(minus ? 1 : 0);
    const bool has_open = body.find(kOpenQuote) != std::string_view::npos;
    const bool has_close = body.find(kCloseQuote) != std::string_view::npos;
    if (body.size() > 3 && body.substr(0, 3) == kOpenQuote && !has_close) {
      body.remove_prefix(3);
      changed = true;
    } else if (body.size() > 3 && body.substr(body.size() - 3) == kCloseQuote && !has_open) {
      body.remove_suffix(3);
      changed = true;
    }
    if (minus) out += '-';
    out.append(body);
    i = j;
  }
  return changed ? out : std::string();
}

std::string with_halfwidth_alphanumerics(std::string_view query) {
  std::string out;
  bool changed = false;
  for (size_t i = 0; i < query.size();) {
    size_t start = i;
    char32_t c = next_char(query, i);
    if ((c >= 0xFF10 && c <= 0xFF19) || (c >= 0xFF21 && c <= 0xFF3A) || (c >= 0xFF41 && c <= 0xFF5A)) {
      out += static_cast<char>(c - 0xFEE0);  // the full-width forms are ASCII + 0xFEE0
      changed = true;
    } else {
      out.append(query.substr(start, i - start));
    }
  }
  return changed ? out : std::string();
}

size_t next_char_count(std::string_view s) {
  size_t n = 0;
  for (size_t i = 0; i < s.size(); ++n) next_char(s, i);
  return n;
}

}  // namespace gk::catalogue
