#include "archive/catalogue/search.h"

#include <algorithm>
#include <set>

#include "archive/catalogue/query.h"
#include "archive/catalogue/text.h"

namespace gk::catalogue {

namespace {

const std::set<std::string> kGenres{"决议", "决定", "命令", "令", "公报", "公告", "通告", "意见", "通知", "通报", "报告",
                                    "请示", "批复", "议案", "函", "纪要", "方案", "规划", "办法", "规定", "其他"};
const std::set<std::string> kModes{"主动公开", "依申请公开", "不予公开"};
const std::set<std::string> kValidity{"有效", "失效", "废止"};
const std::set<std::string> kStatus{"发布", "修改", "废止", "失效", "撤回"};

std::string list(const std::set<std::string>& s) {
  std::string out;
  for (const auto& v : s) out += (out.empty() ? "" : ", ") + v;
  return out;
}

Status check_enum(const std::string& what, const std::string& v, const std::set<std::string>& allowed) {
  if (v.empty() || allowed.count(v)) return {};
  return make_error("query: unknown " + what + " '" + v + "' (one of: " + list(allowed) + ")");
}

// WHERE clauses on `v` (versions) for the version and filter rules; parameters appended to args.
std::string filter_sql(const Filters& f, std::vector<std::string>& args) {
  std::string w;
  auto add = [&](const std::string& clause, std::initializer_list<std::string> vals) {
    w += " AND " + clause;
    for (const auto& v : vals) args.push_back(v);
  };
  if (f.as_of.empty()) w += " AND v.until_date IS NULL";
  else add("v.created_date <= ? AND (v.until_date IS NULL OR v.until_date > ?)", {f.as_of, f.as_of});
  if (!f.status.empty()) add("v.status = ?", {f.status});
  else if (!f.include_withdrawn) w += " AND v.status <> '撤回'";
  if (f.year) add("substr(v.published_date, 1, 4) = ?", {std::to_string(*f.year)});
  if (!f.from.empty()) add("v.published_date >= ?", {f.from});
  if (!f.to.empty()) add("v.published_date <= ?", {f.to});
  if (!f.issuer.empty()) add("instr(v.issuer, ?) > 0", {f.issuer});
  if (!f.category.empty()) add("(v.subject = ? OR substr(v.subject, 1, length(?) + 1) = ? || '\\')", {f.category, f.category, f.category});
  if (!f.genre.empty()) add("v.genre = ?", {f.genre});
  if (!f.mode.empty()) add("v.mode = ?", {f.mode});
  if (!f.validity.empty()) add("v.validity = ?", {f.validity});
  return w;
}

// SQL check of the terms the index cannot answer exactly (query.h Term::needs_check).
std::string check_sql(const Query& q, std::vector<std::string>& args) {
  std::string w;
  for (const auto& alts : q.all_of) {
    bool need = std::any_of(alts.begin(), alts.end(), [](const Term& t) { return t.needs_check(); });
    if (!need) continue;
    w += " AND (";
    for (size_t k = 0; k < alts.size(); ++k) {
      w += (k ? " OR " : "") + std::string("gk_contains(t.text, ?)");
      args.push_back(alts[k].text);
    }
    w += ")";
  }
  for (const auto& t : q.none_of)
    if (t.needs_check()) {
      w += " AND NOT gk_contains(t.text, ?)";
      args.push_back(t.text);
    }
  return w;
}

size_t char_start_before(const std::string& s, size_t pos, size_t nchars) {
  while (nchars > 0 && pos > 0) {
    --pos;
    while (pos > 0 && (static_cast<unsigned char>(s[pos]) & 0xC0) == 0x80) --pos;
    --nchars;
  }
  return pos;
}

size_t char_end_after(const std::string& s, size_t pos, size_t nchars) {
  while (nchars > 0 && pos < s.size()) {
    next_char(s, pos);
    --nchars;
  }
  return pos;
}

}  // namespace

bool is_valid_date(const std::string& s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (int i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (s[i] < '0' || s[i] > '9') return false;
  int y = std::stoi(s.substr(0, 4)), m = std::stoi(s.substr(5, 2)), d = std::stoi(s.substr(8, 2));
  if (y < 1 || m < 1 || m > 12 || d < 1) return false;
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return d <= days[m - 1] + (m == 2 && leap ? 1 : 0);
}

Status validate_filters(const Filters& f) {
  for (auto [name, v] : {std::pair<const char*, const std::string*>{"--from", &f.from}, {"--to", &f.to}, {"--as-of", &f.as_of}})
    if (!v->empty() && !is_valid_date(*v))
      return make_error(std::string("query: ") + name + " '" + *v + "' is not a date (YYYY-MM-DD that exists)");
  if (!f.from.empty() && !f.to.empty() && f.from > f.to)
    return make_error("query: --from " + f.from + " is after --to " + f.to);
  if (f.year && (*f.year < 1000 || *f.year > 9999)) return make_error("query: --year must be a 4-digit year");
  if (auto s = check_enum("体裁 (--genre)", f.genre, kGenres); !s) return s;
  if (auto s = check_enum("公开方式 (--mode)", f.mode, kModes); !s) return s;
  if (auto s = check_enum("有效性 (--validity)", f.validity, kValidity); !s) return s;
  if (auto s = check_enum("status (--status)", f.status, kStatus); !s) return s;
  return {};
}

std::string make_snippet(const std::string& text, const std::vector<std::string>& terms, const std::string& open,
                         const std::string& close, size_t width) {
  // Prefer a match in the body (after the title and catalogue lines), else anywhere.
  size_t body = 0;
  size_t first = std::string::npos;
  std::vector<std::pair<size_t, size_t>> marks;  // [start, end) of every match, any term
  for (const auto& t : terms)
    for (size_t p : find_all_folded(text, t)) marks.emplace_back(p, p + t.size());
  std::sort(marks.begin(), marks.end(), [](auto& a, auto& b) { return a.first != b.first ? a.first < b.first : a.second > b.second; });
  if (size_t blank = text.find("\n\n"); blank != std::string::npos) body = blank + 2;
  for (auto& m : marks)
    if (m.first >= body) {
      first = m.first;
      break;
    }
  if (first == std::string::npos) first = marks.empty() ? body : marks.front().first;
  size_t from = char_start_before(text, first, width / 4);
  if (first >= body && from < body) from = body;
  size_t to = char_end_after(text, from, width);
  std::string out = from > 0 ? "…" : "";
  size_t pos = from;
  for (auto& m : marks) {
    if (m.first < pos || m.first >= to) continue;
    out += text.substr(pos, m.first - pos);
    out += open + text.substr(m.first, m.second - m.first) + close;
    pos = m.second;
  }
  if (pos < to) out += text.substr(pos, to - pos);
  if (to < text.size()) out += "…";
  for (char& c : out)
    if (c == '\n' || c == '\t') c = ' ';
  return out;
}

Result<SearchResult> search(const Index& ix, const SearchRequest& req) {
  auto q = parse_query(req.query);
  if (!q) return make_error("query: " + q.error().message);
  if (auto s = validate_filters(req.filters); !s) return s.error();
  if (req.page < 1 || req.per_page < 1 || req.per_page > 1000)
    return make_error("query: --page must be 1 or more and --per-page between 1 and 1000");
  // Title matches first: the number of positive term groups found in the title, then BM25.
  std::vector<std::string> args;
  std::string title_score;
  for (const auto& alts : q->all_of) {
    title_score += title_score.empty() ? "(" : " + (";
    for (size_t k = 0; k < alts.size(); ++k) {
      title_score += (k ? " OR " : "") + std::string("gk_contains(v.title, ?)");
      args.push_back(alts[k].text);
    }
    title_score += ")";
  }
  args.push_back(fts_expression(*q));
  std::string checks = check_sql(*q, args);
  std::string where = filter_sql(req.filters, args);
  std::string sql = "SELECT v.seq, bm25(fts, 10.0, 4.0, 1.0), " + title_score +
                    " FROM fts JOIN versions v ON v.seq = fts.rowid";
  if (!checks.empty()) sql += " JOIN texts t ON t.seq = v.seq";
  sql += " WHERE fts MATCH ?" + checks + where;
  // Parameters are bound in the order they appear: title score, MATCH, checks, filters.
  Stmt st(ix.db(), sql);
  if (!st.ok()) return make_error(st.error(), ix.path());
  for (size_t i = 0; i < args.size(); ++i) st.bind(static_cast<int>(i + 1), args[i]);
  struct Ranked {
    int64_t title;
    double score;
    int64_t seq;
  };
  std::vector<Ranked> all;
  int rc;
  while ((rc = st.step()) == SQLITE_ROW) all.push_back({st.integer(2), st.real(1), st.integer(0)});
  if (rc != SQLITE_DONE) return make_error(std::string("damaged: ") + sqlite3_errmsg(ix.db()), ix.path());

  SearchResult res;
  res.total = static_cast<int64_t>(all.size());
  res.page = req.page;
  res.per_page = req.per_page;
  size_t begin = static_cast<size_t>(req.page - 1) * static_cast<size_t>(req.per_page);
  if (begin >= all.size()) return res;
  size_t end = std::min(all.size(), begin + static_cast<size_t>(req.per_page));
  auto order = [](const Ranked& a, const Ranked& b) {
    if (a.title != b.title) return a.title > b.title;
    return a.score != b.score ? a.score < b.score : a.seq > b.seq;
  };
  std::partial_sort(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(end), all.end(), order);

  Stmt row(ix.db(),
           "SELECT v.object_id, v.version, v.created, v.index_no, v.title, v.issuer, v.doc_number, v.genre, v.subject, "
           "v.published_date, v.mode, v.validity, v.status, t.text FROM versions v JOIN texts t ON t.seq = v.seq "
           "WHERE v.seq = ?");
  if (!row.ok()) return make_error(row.error(), ix.path());
  auto terms = q->highlight();
  for (size_t i = begin; i < end; ++i) {
    sqlite3_reset(row.raw());
    row.bind(1, all[i].seq);
    if (row.step() != SQLITE_ROW) return make_error(std::string("damaged: ") + sqlite3_errmsg(ix.db()), ix.path());
    Hit h;
    h.object_id = row.text(0);
    h.version = static_cast<int>(row.integer(1));
    h.created = row.text(2);
    h.index_no = row.text(3);
    h.title = row.text(4);
    h.issuer = row.text(5);
    h.doc_number = row.text(6);
    h.genre = row.text(7);
    h.subject = row.text(8);
    h.published_date = row.text(9);
    h.mode = row.text(10);
    h.validity = row.text(11);
    h.status = row.text(12);
    h.score = all[i].score;
    h.snippet = make_snippet(row.text(13), terms, req.mark_open, req.mark_close);
    res.hits.push_back(std::move(h));
  }
  return res;
}

Result<std::vector<CatalogueCount>> browse(const Index& ix, const Filters& f) {
  if (auto s = validate_filters(f); !s) return s.error();
  std::vector<std::string> args;
  std::string where = filter_sql(f, args);
  Stmt st(ix.db(), "SELECT v.subject, substr(v.published_date, 1, 4), count(*) FROM versions v WHERE 1" + where +
                       " GROUP BY 1, 2 ORDER BY 1, 2");
  if (!st.ok()) return make_error(st.error(), ix.path());
  for (size_t i = 0; i < args.size(); ++i) st.bind(static_cast<int>(i + 1), args[i]);
  std::vector<CatalogueCount> out;
  int rc;
  while ((rc = st.step()) == SQLITE_ROW) out.push_back({st.text(0), st.text(1), st.integer(2)});
  if (rc != SQLITE_DONE) return make_error(std::string("damaged: ") + sqlite3_errmsg(ix.db()), ix.path());
  return out;
}

}  // namespace gk::catalogue
