#include "archive/catalogue/search.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <set>

#include "archive/catalogue/checksum_vfs.h"
#include "archive/catalogue/fts.h"
#include "archive/catalogue/query.h"
#include "archive/catalogue/text.h"
#include "common/dates.h"

namespace gk::catalogue {

namespace {

constexpr int64_t kDfCount = 500;     // document frequencies counted exactly up to this
constexpr double kTitleUnit = 1e6;    // gk_score = title groups * kTitleUnit + BM25

const std::set<std::string> kGenres{"决议", "决定", "命令", "令", "公报", "公告", "通告", "意见", "通知", "通报", "报告",
                                    "请示", "批复", "议案", "函", "纪要", "方案", "规划", "办法", "规定", "其他"};
const std::set<std::string> kModes{"主动公开", "依申请公开", "不予公开"};
const std::set<std::string> kValidity{"有效", "失效", "废止"};
const std::set<std::string> kStatus{"发布", "修改", "废止", "失效", "撤回"};

// ?1 (or the next parameter) against v.subject: whole levels, separated by '\'.
constexpr const char* kCategoryMatch = "instr('\\' || v.subject || '\\', '\\' || ? || '\\') > 0";

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
  // As `archive get --as-of` (docs/archive.md): a version takes effect on its creation day, a
  // first version on its 发布日期 if that is earlier (archived after it was published).
  if (f.as_of.empty()) w += " AND v.until_date IS NULL";
  else add("(CASE WHEN v.version = 1 AND v.published_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' AND "
           "v.published_date < v.created_date THEN v.published_date ELSE v.created_date END) <= ? "
           "AND (v.until_date IS NULL OR v.until_date > ?)", {f.as_of, f.as_of});
  // Status "" (unknown: metadata.json damaged, extract.cpp) is never shown: it may be a withdrawal.
  if (!f.status.empty()) add("v.status = ?", {f.status});
  else w += f.include_withdrawn ? " AND v.status <> ''" : " AND v.status NOT IN ('撤回', '')";
  if (f.year) add("substr(v.published_date, 1, 4) = ?", {std::to_string(*f.year)});
  if (!f.from.empty()) add("v.published_date >= ?", {f.from});
  if (!f.to.empty()) add("v.published_date <= ?", {f.to});
  if (!f.issuer.empty()) add("instr(v.issuer, ?) > 0", {f.issuer});
  // The class as a whole path of 主题分类 levels anywhere in it: 综合政务 (and all below it),
  // 综合政务\政务公开, or 政务公开 alone, as the 公开目录 tree shows it.
  if (!f.category.empty()) add(kCategoryMatch, {f.category});
  if (!f.genre.empty()) add("v.genre = ?", {f.genre});
  if (!f.mode.empty()) add("v.mode = ?", {f.mode});
  if (!f.validity.empty()) add("v.validity = ?", {f.validity});
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

bool is_valid_date(const std::string& s) { return is_calendar_date(s); }

Status validate_filters(const Filters& f) {
  for (auto [name, v] : {std::pair<const char*, const std::string*>{"--issuer", &f.issuer}, {"--category", &f.category},
                         {"--genre", &f.genre}, {"--mode", &f.mode}, {"--validity", &f.validity}, {"--status", &f.status}})
    if (std::string why = text_problem(*v); !why.empty()) return make_error(std::string("query: ") + name + " " + why);
  for (auto [name, v] : {std::pair<const char*, const std::string*>{"--from", &f.from}, {"--to", &f.to}, {"--as-of", &f.as_of}})
    if (!v->empty() && !is_valid_date(*v))
      return make_error(std::string("query: ") + name + " '" + *v + "' is not a date (YYYY-MM-DD that exists)");
  if (!f.from.empty() && !f.to.empty() && f.from > f.to)
    return make_error("query: --from " + f.from + " is after --to " + f.to);
  if (f.year && (*f.year < 1000 || *f.year > 9999)) {
    char y[16];
    std::snprintf(y, sizeof y, "%04d", *f.year);
    return make_error(std::string("query: --year ") + y + " is not a year from 1000 to 9999");
  }
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
  std::vector<std::pair<size_t, size_t>> found;  // [start, end) of every match, any term
  for (const auto& t : terms)
    for (size_t p : find_all_folded(text, t)) found.emplace_back(p, p + t.size());
  std::sort(found.begin(), found.end());
  // Overlapping or touching matches are one mark (政务公开 and 公开工作 in 政务公开工作).
  std::vector<std::pair<size_t, size_t>> marks;
  for (const auto& m : found) {
    if (!marks.empty() && m.first <= marks.back().second) marks.back().second = std::max(marks.back().second, m.second);
    else marks.push_back(m);
  }
  if (size_t blank = text.find("\n\n"); blank != std::string::npos) body = blank + 2;
  for (auto& m : marks)
    if (m.first >= body) {
      first = m.first;
      break;
    }
  if (first == std::string::npos) first = marks.empty() ? body : marks.front().first;
  const size_t lowest = first >= body ? body : 0;  // a body match's snippet stays in the body
  size_t from = std::max(char_start_before(text, first, width / 4), lowest);
  size_t to = char_end_after(text, from, width);
  if (to == text.size()) from = std::max(char_start_before(text, to, width), lowest);  // near the end: a full window
  // Trailing line ends and spaces are not shown.
  while (to > from && (text[to - 1] == '\n' || text[to - 1] == ' ' || text[to - 1] == '\t' || text[to - 1] == '\r')) --to;
  for (const auto& m : marks)  // a mark is never cut
    if (m.first < to && m.second > to) to = m.second;
  std::string out = from > lowest ? "…" : "";
  size_t pos = from;
  // One line, and no control character of the archived text reaches a terminal (the marks may).
  for (auto& m : marks) {
    if (m.first < pos || m.first >= to) continue;
    out += for_terminal(std::string_view(text).substr(pos, m.first - pos));
    out += open + for_terminal(std::string_view(text).substr(m.first, m.second - m.first)) + close;
    pos = m.second;
  }
  if (pos < to) out += for_terminal(std::string_view(text).substr(pos, to - pos));
  if (to < text.size() && text.find_first_not_of(" \t\r\n", to) != std::string::npos) out += "…";
  return out;
}

namespace {

// Phrases of the MATCH expression in the order fts_expression writes them (one per run).
struct Phrase {
  int group = -1;  // index into Query::all_of; -1 for an excluded term
  int term = 0;    // global index of its term
};

std::vector<Phrase> phrases_of(const Query& q) {
  std::vector<Phrase> out;
  int term = 0;
  for (size_t g = 0; g < q.all_of.size(); ++g)
    for (const auto& t : q.all_of[g]) {
      for (size_t r = 0; r < t.phrases.size(); ++r) out.push_back({static_cast<int>(g), term});
      ++term;
    }
  for (const auto& t : q.none_of)
    if (!t.needs_check())
      for (size_t r = 0; r < t.phrases.size(); ++r) out.push_back({-1, term});
  return out;
}

// Every positive group with a term found in the title (phrases of checked terms: all of them),
// as an expression on the titles table.
std::string title_expression(const Query& q) {
  std::string e;
  for (size_t g = 0; g < q.all_of.size(); ++g) {
    e += g ? " AND (" : "(";
    for (size_t k = 0; k < q.all_of[g].size(); ++k) {
      e += k ? " OR (" : "(";
      const auto& ph = q.all_of[g][k].phrases;
      for (size_t r = 0; r < ph.size(); ++r) e += (r ? " AND \"" : "\"") + ph[r] + "\"";
      e += ")";
    }
    e += ")";
  }
  // A row whose title holds an excluded term (one the index answers exactly) is not a result:
  // pruned here instead of by reading its text (`政务 -政务公开`: most titles with 政务).
  for (const auto& t : q.none_of) {
    if (t.needs_check()) continue;
    e += " NOT (";
    for (size_t r = 0; r < t.phrases.size(); ++r) e += (r ? " AND \"" : "\"") + t.phrases[r] + "\"";
    e += ")";
  }
  return e;
}

// Ascending FTS5 rowids are newest first (index.h). `oldest_group` gets the first seq of the
// group of the last row read.
int64_t count_capped(const Index& ix, const std::string& match, int64_t cap, int64_t& oldest_group) {
  Stmt& st = ix.prepared("SELECT rowid FROM fts WHERE fts MATCH ? ORDER BY rowid LIMIT ?");  // newest first
  st.bind(1, match).bind(2, cap);
  int64_t n = 0;
  while (st.step() == SQLITE_ROW) {
    ++n;
    oldest_group = group_first_of_rowid(st.integer(0));
  }
  return n;
}

}  // namespace

Result<SearchResult> search(const Index& ix, const SearchRequest& req) {
  // One read transaction: every statement sees the same committed state, so a version another
  // connection supersedes between two of them is never shown beside its successor (the hidden
  // rows and lengths are read, or found current, inside it). Writers wait for it (milliseconds).
  struct Snapshot {
    const Index& ix;
    bool began = sqlite3_get_autocommit(ix.db()) && sqlite3_exec(ix.db(), "BEGIN", nullptr, nullptr, nullptr) == SQLITE_OK;
    ~Snapshot() {
      ix.reset_statements();  // scans that stop early (counting, paging) must not keep a read lock
      if (began) sqlite3_exec(ix.db(), "COMMIT", nullptr, nullptr, nullptr);
    }
  } snapshot{ix};
  auto q = parse_query(req.query);
  if (!q) return make_error("query: " + q.error().message);
  if (auto s = validate_filters(req.filters); !s) return s.error();
  if (req.page < 1 || req.per_page < 1 || req.per_page > 1000)
    return make_error("query: --page must be 1 or more and --per-page between 1 and 1000");
  auto damaged = [&]() { return make_error(std::string("damaged: ") + db_error(ix.db()), ix.path()); };
  const std::string expr = fts_expression(*q);
  const auto phrases = phrases_of(*q);
  bool checked = false;
  for (const auto& g : q->all_of)
    for (const auto& t : g) checked |= t.needs_check();
  for (const auto& t : q->none_of) checked |= t.needs_check();

  // Which rows count: the default rule is a set lookup; other filters ask the versions table.
  const Filters& f = req.filters;
  bool plain = f.as_of.empty() && f.status.empty() && !f.include_withdrawn && !f.year && f.from.empty() &&
               f.to.empty() && f.issuer.empty() && f.category.empty() && f.genre.empty() && f.mode.empty() &&
               f.validity.empty();
  const HiddenRows* hidden = nullptr;
  std::optional<Stmt> filter_st;
  std::vector<std::string> fargs;
  if (plain) {
    auto h = ix.hidden_rows();
    if (!h) return h.error();
    hidden = *h;
  } else {
    filter_st.emplace(ix.db(), "SELECT 1 FROM versions v WHERE v.seq = ?1" + filter_sql(f, fargs));
    if (!filter_st->ok()) return make_error(filter_st->error(), ix.path());
  }
  Stmt text_st(ix.db(), "SELECT text FROM texts WHERE seq = ?");
  if (!text_st.ok()) return make_error(text_st.error(), ix.path());
  // Whether row `seq` is a result; for checked terms also the exact title-group count.
  // Tier 1 rows come from the titles table: their excluded terms (all of them) are checked here.
  auto accept = [&](int64_t seq, int* title_groups, bool from_titles) -> Result<bool> {
    if (plain) {
      if (hidden->has(seq)) return false;
    } else {
      sqlite3_reset(filter_st->raw());
      filter_st->bind(1, seq);
      for (size_t i = 0; i < fargs.size(); ++i) filter_st->bind(static_cast<int>(i + 2), fargs[i]);
      int rc = filter_st->step();
      if (rc == SQLITE_DONE) return false;
      if (rc != SQLITE_ROW) return damaged();
    }
    if (!checked && !(from_titles && !q->none_of.empty())) return true;
    sqlite3_reset(text_st.raw());
    text_st.bind(1, seq);
    if (text_st.step() != SQLITE_ROW) return damaged();
    std::string_view text(reinterpret_cast<const char*>(sqlite3_column_text(text_st.raw(), 0)),
                          static_cast<size_t>(sqlite3_column_bytes(text_st.raw(), 0)));
    std::string_view title = text.substr(0, text.find('\n'));
    int in_title = 0;
    for (const auto& alts : q->all_of) {
      // The index matched the group, but with a checked alternative (a superset) it may have
      // matched through that one only: then every alternative is checked on the text.
      bool group_checked = std::any_of(alts.begin(), alts.end(), [](const Term& t) { return t.needs_check(); });
      bool any = false, title_any = false;
      for (const auto& t : alts) {
        if (!group_checked || contains_folded(text, t.text)) any = true;
        if (contains_folded(title, t.text)) title_any = true;
      }
      if (!any) return false;
      in_title += title_any;
    }
    for (const auto& t : q->none_of)
      if ((from_titles || t.needs_check()) && contains_folded(text, t.text)) return false;
    if (title_groups) *title_groups = in_title;
    return true;
  };

  auto lengths = ix.doc_lengths();
  if (!lengths) return lengths.error();
  RowLengths fts_lengths{(*lengths)->fts.data(), (*lengths)->fts.size()};
  RowLengths title_lengths{(*lengths)->titles.data(), (*lengths)->titles.size()};
  if (req.test_hook) req.test_hook("rows-read");  // the hidden rows and lengths

  // BM25 statistics over the whole index: N rows, and per phrase its document frequency, counted
  // up to kDfCount matches and above that extrapolated from the density of the newest matches.
  int64_t n_rows = 0;
  {
    Stmt& m = ix.prepared("SELECT coalesce(max(seq), 0) FROM versions");
    if (!m.ok() || m.step() != SQLITE_ROW) return damaged();
    n_rows = m.integer(0);
  }
  std::vector<double> idf(phrases.size(), 1.0);
  bool single = phrases.size() == 1 || std::count_if(phrases.begin(), phrases.end(), [](const Phrase& p) { return p.group >= 0; }) == 1;
  if (!single) {
    std::vector<std::string> runs;
    for (const auto& g : q->all_of)
      for (const auto& t : g) runs.insert(runs.end(), t.phrases.begin(), t.phrases.end());
    for (size_t i = 0; i < phrases.size() && i < runs.size(); ++i) {
      int64_t first = n_rows;
      double df = static_cast<double>(count_capped(ix, "\"" + runs[i] + "\"", kDfCount, first));
      // The rows read are at most those from the last row's group on: a slight overestimate.
      if (df >= kDfCount) df = df * static_cast<double>(n_rows) / static_cast<double>(std::max<int64_t>(1, n_rows - first + 1));
      double v = std::log((static_cast<double>(n_rows) - df + 0.5) / (df + 0.5));
      idf[i] = v > 1e-6 ? v : 1e-6;  // as FTS5's bm25: a term in most documents weighs almost nothing
    }
  }
  // ?9: ScoreArgs, the lengths, groups and idf (one pointer: SQL functions take at most 127
  // arguments); the other parameters are numbered ?1, ?2.
  std::vector<int> groups;
  for (const auto& p : phrases) groups.push_back(p.group);
  const ScoreArgs fts_args{fts_lengths, groups.data(), idf.data(), phrases.size()};
  const std::string score_sql = "gk_score(fts, ?9)";
  // The same over the titles table: the positive phrases (they come first), BM25 of the title alone.
  size_t positive = static_cast<size_t>(std::count_if(phrases.begin(), phrases.end(), [](const Phrase& p) { return p.group >= 0; }));
  const ScoreArgs title_args{title_lengths, groups.data(), idf.data(), positive};
  const std::string title_score_sql = "gk_score(titles, ?9)";

  // Candidates in stream order: rows with every group in the title first (tier 1, read from the
  // titles table: short doclists), then the other matches (tier 2), each newest first. The first
  // kWindow results are ranked by (title groups, BM25, newest); the rest follow in stream order.
  // Totals are exact up to count_limit, a lower bound beyond.
  struct Ranked {
    int64_t seq, rowid;
    int title;
    double score;
  };
  std::vector<Ranked> window;
  const size_t kWindow = std::max<size_t>(1, req.rank_window);
  std::vector<int64_t> rest;
  const size_t page_end = static_cast<size_t>(req.page) * static_cast<size_t>(req.per_page);
  const int64_t limit = req.count_limit > 0 ? std::max<int64_t>(req.count_limit, static_cast<int64_t>(page_end)) : 0;
  int64_t total = 0;
  bool capped = false;
  // Tier 1, from the titles table. Its rows hold every group in the title, so among them BM25 of
  // the title alone orders (a point query on the main index per row would cost ~0.1 ms: the whole
  // window of 1,000 would take 100 ms). Every row it reads is remembered (ascending rowids): tier
  // 2, the other matches of the main index, skips them.
  std::vector<int64_t> title_rows;
  const int all_groups = static_cast<int>(q->all_of.size());
  const std::string texpr = title_expression(*q);
  auto read_tier = [&](bool titles) -> Status {
    const std::string& match = titles ? texpr : expr;
    Stmt st(ix.db(), titles ? "SELECT rowid, " + title_score_sql + " FROM titles WHERE titles MATCH ?1 ORDER BY rowid"
                            : "SELECT rowid, " + score_sql + " FROM fts WHERE fts MATCH ?1 ORDER BY rowid");
    if (!st.ok()) return make_error(st.error(), ix.path());
    st.bind(1, match);
    sqlite3_bind_pointer(st.raw(), 9, const_cast<ScoreArgs*>(titles ? &title_args : &fts_args), kScoreArgsType, nullptr);
    auto own = [&](int64_t rowid) {  // whether this tier answers for the row
      if (titles) title_rows.push_back(rowid);
      return titles || !std::binary_search(title_rows.begin(), title_rows.end(), rowid);
    };
    int rc = SQLITE_DONE;
    int64_t last = INT64_MIN;  // rowid of the last row read (none yet: from the start)
    while (window.size() < kWindow && (rc = st.step()) == SQLITE_ROW) {
      int64_t rowid = st.integer(0), seq = seq_of_rowid(rowid);
      last = rowid;
      if (!own(rowid)) continue;
      int tg = -1;
      auto ok = accept(seq, &tg, titles);
      if (!ok) return ok.error();
      if (!*ok) continue;
      double v = st.real(1);
      if (titles && checked && tg < all_groups) {
        // A checked term's phrases are in the title, the term itself is not: score it as tier 2 does.
        Stmt one(ix.db(), "SELECT " + score_sql + " FROM fts WHERE fts MATCH ?1 AND rowid = ?2");
        one.bind(1, expr).bind(2, rowid);
        sqlite3_bind_pointer(one.raw(), 9, const_cast<ScoreArgs*>(&fts_args), kScoreArgsType, nullptr);
        if (!one.ok() || one.step() != SQLITE_ROW) return damaged();
        v = one.real(0);
      }
      int t = static_cast<int>(v / kTitleUnit);
      window.push_back({seq, rowid, checked ? tg : t, v - t * kTitleUnit});
      ++total;
    }
    if (window.size() < kWindow) return rc == SQLITE_DONE ? Status{} : Status(damaged());
    // Past the window: no scores, only rowids (cheaper), until the page is filled and counted.
    Stmt& more = titles ? ix.prepared("SELECT rowid FROM titles WHERE titles MATCH ? AND rowid > ? ORDER BY rowid")
                        : ix.prepared("SELECT rowid FROM fts WHERE fts MATCH ? AND rowid > ? ORDER BY rowid");
    more.bind(1, match).bind(2, last);
    while ((rc = more.step()) == SQLITE_ROW) {
      if (limit > 0 && total >= limit) {
        capped = true;
        return {};
      }
      int64_t rowid = more.integer(0), seq = seq_of_rowid(rowid);
      if (!own(rowid)) continue;
      auto ok = accept(seq, nullptr, titles);
      if (!ok) return ok.error();
      if (!*ok) continue;
      if (static_cast<size_t>(total) < page_end) rest.push_back(seq);
      ++total;
    }
    return rc == SQLITE_DONE ? Status{} : Status(damaged());
  };
  if (auto s = read_tier(true); !s) return s.error();
  if (!capped)
    if (auto s = read_tier(false); !s) return s.error();
  // Only the window's part up to the page's end is shown: ordered, the rest left (a total order,
  // so the same first rows as a full sort; that was 5 % of a query).
  std::partial_sort(window.begin(), window.begin() + static_cast<std::ptrdiff_t>(std::min(page_end, window.size())), window.end(),
                    [](const Ranked& a, const Ranked& b) {
                      if (a.title != b.title) return a.title > b.title;
                      return a.score != b.score ? a.score > b.score : a.rowid < b.rowid;  // then newest (read order)
                    });

  // No result with a 主题分类 no version has: a typo (an unknown filter value), not an empty
  // answer. Checked only then, so a search that finds something never pays the scan.
  if (total == 0 && !f.category.empty()) {
    Stmt has(ix.db(), std::string("SELECT 1 FROM versions v WHERE ") + kCategoryMatch + " LIMIT 1");
    if (!has.ok()) return make_error(has.error(), ix.path());
    has.bind(1, f.category);
    int rc = has.step();
    if (rc == SQLITE_DONE) {
      Stmt top(ix.db(), "SELECT DISTINCT CASE WHEN instr(subject, '\\') > 0 THEN substr(subject, 1, instr(subject, '\\') - 1) "
                        "ELSE subject END FROM versions WHERE subject <> '' ORDER BY 1");
      std::string known;
      while (top.ok() && top.step() == SQLITE_ROW) known += (known.empty() ? "" : ", ") + top.text(0);
      // No class at all (an archive with nothing in it yet): nothing to tell a typo from.
      if (!known.empty())
        return make_error("query: no 主题分类 (--category) '" + f.category + "' in the catalogue (its classes: " + known + ")");
    } else if (rc != SQLITE_ROW) {
      return damaged();
    }
  }

  SearchResult res;
  res.total = total;
  res.total_exact = !capped;
  res.page = req.page;
  res.per_page = req.per_page;
  size_t begin = static_cast<size_t>(req.page - 1) * static_cast<size_t>(req.per_page);
  Stmt row(ix.db(),
           "SELECT v.object_id, v.version, v.created, v.index_no, v.title, v.issuer, v.doc_number, v.genre, v.subject, "
           "v.published_date, v.mode, v.validity, v.status, t.text FROM versions v JOIN texts t ON t.seq = v.seq "
           "WHERE v.seq = ?");
  if (!row.ok()) return make_error(row.error(), ix.path());
  auto terms = q->highlight();
  for (size_t i = begin; i < page_end && i < window.size() + rest.size(); ++i) {
    bool in_window = i < window.size();
    int64_t seq = in_window ? window[i].seq : rest[i - window.size()];
    sqlite3_reset(row.raw());
    row.bind(1, seq);
    if (row.step() != SQLITE_ROW) return damaged();
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
    h.score = in_window ? window[i].score : 0;
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
  if (rc != SQLITE_DONE) return make_error(std::string("damaged: ") + db_error(ix.db()), ix.path());
  return out;
}

}  // namespace gk::catalogue
