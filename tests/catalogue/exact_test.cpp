// Exactness: on a generated corpus, every query's result set equals a plain substring scan.
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <map>
#include <set>

#include "archive/catalogue/query.h"
#include "archive/catalogue/text.h"
#include "catalogue_fixture.h"

using namespace gk::catalogue;
using namespace cat_test;

namespace {

// Independent of the library: ASCII lower-casing and std::string::find.
std::string lower(std::string s) {
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  return s;
}
bool has(const std::string& text, const std::string& term) { return lower(text).find(lower(term)) != std::string::npos; }

struct Corpus {
  TempDir dir{"exact"};
  std::vector<Entry> entries;
  std::vector<std::string> texts;  // title, catalogue fields, body: what a reader can search
  std::optional<Index> ix;

  Corpus() {
    Rng r(20240501);
    for (int i = 0; i < 400; ++i) {
      Doc d = make_doc(r, i);
      Entry e;
      e.object_id = "doc-" + std::to_string(i);
      e.version = 1;
      e.created = "2024-05-01T08:00:00+08:00";
      e.key = order_key(e.created, e.object_id, 1);
      e.index_no = d.index_no;
      e.title = d.title;
      e.issuer = d.issuer;
      e.doc_number = d.doc_number;
      e.genre = d.genre;
      e.subject = d.subject;
      e.keywords = d.keywords;
      e.published_date = d.published;
      e.written_date = d.written;
      e.mode = d.mode;
      e.validity = d.validity;
      e.status = "发布";
      for (const auto& p : d.paragraphs) e.body += (e.body.empty() ? "" : "\n") + p;
      // The catalogue lines as the PDF and the 公开目录 show them: 成文日期 2023年12月8日.
      const int y = std::stoi(d.written.substr(0, 4)), m = std::stoi(d.written.substr(5, 2)), day = std::stoi(d.written.substr(8, 2));
      std::string t = d.title + "\n" + d.index_no + "\n" + d.doc_number + "\n" + d.issuer + "\n" + d.subject + "\n" +
                      std::to_string(y) + "年" + std::to_string(m) + "月" + std::to_string(day) + "日";
      for (const auto& k : d.keywords) t += "\n" + k;
      texts.push_back(t + "\n" + e.body);
      entries.push_back(std::move(e));
    }
    ix.emplace(built_index(entries, (dir.path / "c.sqlite").string()));
  }

  std::set<std::string> run(const std::string& query) {
    SearchRequest req;
    req.query = query;
    req.per_page = 1000;
    auto res = search(*ix, req);
    BOOST_REQUIRE_MESSAGE(res, query + ": " + err(res));
    std::set<std::string> ids;
    for (const auto& h : res->hits) ids.insert(h.object_id);
    BOOST_TEST(res->total == static_cast<int64_t>(ids.size()));
    return ids;
  }
  template <class Pred>
  std::set<std::string> brute(Pred p) {
    std::set<std::string> ids;
    for (size_t i = 0; i < texts.size(); ++i)
      if (p(texts[i])) ids.insert(entries[i].object_id);
    return ids;
  }
};

Corpus& corpus() {
  static Corpus c;
  return c;
}

// n characters of s starting at character `from` (UTF-8).
std::string chars(const std::string& s, size_t from, size_t n) {
  size_t i = 0, k = 0;
  while (i < s.size() && k < from) {
    gk::catalogue::next_char(s, i);
    ++k;
  }
  size_t start = i;
  for (k = 0; k < n && i < s.size(); ++k) gk::catalogue::next_char(s, i);
  return s.substr(start, i - start);
}

size_t count_chars(const std::string& s) {
  size_t n = 0;
  for (size_t i = 0; i < s.size(); ++n) gk::catalogue::next_char(s, i);
  return n;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(catalogue_exact)

BOOST_AUTO_TEST_CASE(tokenizer_runs_and_folding) {
  BOOST_TEST((word_runs("政务、公开 ABC〔2022〕12号") == std::vector<std::string>{"政务", "公开", "abc", "2022", "12号"}));
  BOOST_TEST(contains_folded("下载PDF文件", "pdf"));
  BOOST_TEST(!contains_folded("政务、公开", "政务公开"));
}

BOOST_AUTO_TEST_CASE(stored_token_layout) {
  // The layout of format 9, read back through FTS5's own fts5vocab: the body is column 0 (its
  // position lists need no column header), markers are at position 0, the bigrams from 1, a
  // separator carrying the next run's first character between runs.
  TempDir dir{"layout"};
  Entry e;
  e.object_id = "a";
  e.version = 1;
  e.created = "2024-05-01T08:00:00+08:00";
  e.key = order_key(e.created, e.object_id, 1);
  e.title = "标题";
  e.status = "发布";
  e.body = "政务公开，公开";
  std::string path = (dir.path / "t.sqlite").string();
  BOOST_REQUIRE(build_file({e}, path, false));
  auto ix = Index::open(path, false, true);
  BOOST_REQUIRE_MESSAGE(ix, err(ix));
  BOOST_REQUIRE(sqlite3_exec(ix->db(), "CREATE VIRTUAL TABLE temp.v USING fts5vocab(main, fts, instance)", nullptr,
                             nullptr, nullptr) == SQLITE_OK);
  Stmt st(ix->db(), "SELECT term, offset FROM temp.v WHERE col = 'body' ORDER BY offset, term");
  BOOST_REQUIRE(st.ok());
  std::string got;
  while (st.step() == SQLITE_ROW) {
    std::string t = st.text(0);
    if (t[0] == '\x01') t = "M" + t.substr(1);
    if (t[0] == '\x02') t = "S" + t.substr(1);
    got += t + "@" + std::to_string(st.integer(1)) + " ";
  }
  BOOST_TEST(got == "M公@0 M务@0 M开@0 M政@0 政务@1 务公@2 公开@3 S公@4 公开@5 ");
  Stmt cols(ix->db(), "SELECT DISTINCT col FROM temp.v ORDER BY col");
  BOOST_REQUIRE(cols.ok());
  std::string names;
  while (cols.step() == SQLITE_ROW) names += cols.text(0) + " ";
  BOOST_TEST(names == "body title ");  // meta is empty here
  Stmt order(ix->db(), "SELECT group_concat(name, ' ') FROM pragma_table_info('fts')");
  BOOST_REQUIRE(order.ok() && order.step() == SQLITE_ROW);
  BOOST_TEST(order.text(0) == "body meta title");
}

BOOST_AUTO_TEST_CASE(sampled_substrings_equal_brute_force) {
  auto& c = corpus();
  Rng r(7);
  int checked = 0, nonempty = 0;
  for (size_t len : {1, 2, 3, 4, 6}) {
    for (int k = 0; k < 50; ++k) {
      const std::string& t = c.texts[r.below(c.texts.size())];
      size_t n = count_chars(t);
      std::string term = chars(t, r.below(n > len ? n - len : 1), len);
      if (term.find_first_of(" \n\"") != std::string::npos || word_runs(term).empty()) continue;
      if (term[0] == '-') continue;
      auto got = c.run(term);
      auto want = c.brute([&](const std::string& x) { return has(x, term); });
      BOOST_TEST((got == want), "term '" << term << "': " << got.size() << " vs " << want.size());
      ++checked;
      nonempty += !want.empty();
    }
  }
  BOOST_TEST(checked >= 200);
  BOOST_TEST(nonempty == checked);  // every sampled term occurs somewhere
}

BOOST_AUTO_TEST_CASE(chosen_terms_equal_brute_force) {
  auto& c = corpus();
  // Straddling words, punctuation-split terms, Latin and digits, 文号, absent terms, 1-char terms.
  std::vector<std::string> terms{"扶贫", "帮扶贫困", "扶贫困", "贫困", "政务公开", "务公", "公开政务", "APP", "app", "Pdf",
                                 "5G", "12345", "2345热线", "〔2022〕", "2022", "〔2021〕1", "青扶贫办〔2020〕", "号",
                                 "的", "扶", "G", "乡村振兴", "村振", "服务中心", "不存在的词", "XYZ", "政务服务营商环境",
                                 "11519900008452170L", "8452170L/2021", "青川市", "通知", "关于"};
  for (const auto& w : words()) terms.push_back(w);
  for (const auto& term : terms) {
    auto got = c.run(term);
    auto want = c.brute([&](const std::string& x) { return has(x, term); });
    BOOST_TEST((got == want), "term '" << term << "': " << got.size() << " vs " << want.size());
  }
}

BOOST_AUTO_TEST_CASE(terms_across_punctuation_match_only_as_written) {
  auto& c = corpus();
  // "政务、公开" occurs where a 、 follows 政务 before 公开; "政务公开" only where written so.
  for (std::string term : {"政务、公开", "公开，政务", "扶贫。", "（教育", "要求；", "“政务"}) {
    auto got = c.run(term);
    auto want = c.brute([&](const std::string& x) { return has(x, term); });
    BOOST_TEST((got == want), "term '" << term << "': " << got.size() << " vs " << want.size());
  }
  auto split = c.brute([&](const std::string& x) { return has(x, "政务、公开") && !has(x, "政务公开"); });
  for (const auto& id : split) BOOST_TEST(!c.run("政务公开").count(id));
}

BOOST_AUTO_TEST_CASE(punctuated_terms_are_one_phrase_of_their_runs) {
  // The runs of 2+ characters of a term are one FTS5 phrase (consecutive bigram positions), 1-character
  // runs their markers; a term with a line break keeps one phrase per run (it may span columns).
  auto q = parse_query("青府办〔2022〕5号 的、政务、A、公开。X \"政务\n公开\"");
  BOOST_REQUIRE(q);
  BOOST_TEST(fts_expression(*q) ==
             "(\"青府办 2022 5号\" AND (\"政务 公开\" AND \"的\" AND \"a\" AND \"x\") AND (\"政务\" AND \"公开\"))");
  auto& c = corpus();
  Rng r(11);
  int checked = 0;
  for (int k = 0; checked < 150 && k < 5000; ++k) {
    const std::string& t = c.texts[r.below(c.texts.size())];
    size_t n = count_chars(t);
    size_t len = 3 + r.below(10);
    std::string term = chars(t, r.below(n > len ? n - len : 1), len);
    if (term.find_first_of(" \n\"") != std::string::npos || term[0] == '-' || word_runs(term).size() < 2) continue;
    auto got = c.run(term);
    auto want = c.brute([&](const std::string& x) { return has(x, term); });
    BOOST_TEST((got == want), "term '" << term << "': " << got.size() << " vs " << want.size());
    ++checked;
  }
  BOOST_TEST(checked == 150);
  // Across the title and the catalogue lines: the line break separates columns.
  const std::string& t0 = c.texts[3];
  size_t nl = t0.find('\n');
  std::string across = t0.substr(nl - 6, 6) + "\n" + t0.substr(nl + 1, 6);
  auto want = c.brute([&](const std::string& x) { return has(x, across); });
  BOOST_TEST(!want.empty());
  BOOST_TEST((c.run("\"" + across + "\"") == want));
}

BOOST_AUTO_TEST_CASE(and_or_not_and_phrases) {
  auto& c = corpus();
  struct Case {
    std::string q;
    std::function<bool(const std::string&)> p;
  };
  std::vector<Case> cases{
      {"扶贫 教育", [](auto& x) { return has(x, "扶贫") && has(x, "教育"); }},
      {"扶贫 OR 教育", [](auto& x) { return has(x, "扶贫") || has(x, "教育"); }},
      {"扶贫 -帮扶贫困", [](auto& x) { return has(x, "扶贫") && !has(x, "帮扶贫困"); }},
      {"政务 -政务、公开", [](auto& x) { return has(x, "政务") && !has(x, "政务、公开"); }},
      {"\"APP 5G\"", [](auto& x) { return has(x, "APP 5G"); }},
      {"\"的 和\" OR 〔2022〕 年度", [](auto& x) { return (has(x, "的 和") || has(x, "〔2022〕")) && has(x, "年度"); }},
      {"补贴 OR 低保 OR 特困 -的", [](auto& x) { return (has(x, "补贴") || has(x, "低保") || has(x, "特困")) && !has(x, "的"); }},
      // The 主题分类 and the 成文日期 as printed (2022年3月10日) are catalogue lines (format 14).
      {"应急管理", [](auto& x) { return has(x, "应急管理"); }},
      {"卫生、体育", [](auto& x) { return has(x, "卫生、体育"); }},
      {"年3月1", [](auto& x) { return has(x, "年3月1"); }},
      // Chinese quotation marks around a whole term quote it; elsewhere they are text.
      {"“政务公开”", [](auto& x) { return has(x, "政务公开"); }},
      {"“APP 5G” -“帮扶贫困”", [](auto& x) { return has(x, "APP 5G") && !has(x, "帮扶贫困"); }},
      {"“政务", [](auto& x) { return has(x, "“政务"); }},
      {"公开”", [](auto& x) { return has(x, "公开”"); }},
      {"”扶贫“", [](auto& x) { return has(x, "”扶贫“"); }},
  };
  for (const auto& k : cases) {
    auto got = c.run(k.q);
    auto want = c.brute(k.p);
    BOOST_TEST((got == want), "query " << k.q << ": " << got.size() << " vs " << want.size());
  }
}

BOOST_AUTO_TEST_CASE(snippets) {
  // The searchable text: title, catalogue lines, a blank line, the body (index.cpp).
  const std::string head = "关于扶贫的通知\n11519900008452170L/2023-00001\n\n";
  auto snip = [](const std::string& text, std::vector<std::string> terms) { return make_snippet(text, terms, "【", "】", 20); };
  // A match at the start of the body: no ellipsis (the body starts there), none after its end.
  BOOST_TEST(snip(head + "扶贫。\n", {"扶贫"}) == "【扶贫】。");
  // Overlapping matches are one mark.
  BOOST_TEST(snip(head + "政务公开工作要点", {"政务公开", "公开工作"}) == "【政务公开工作】要点");
  BOOST_TEST(snip(head + "政务公开，公开工作", {"政务公开", "公开工作"}) == "【政务公开】，【公开工作】");
  // Occurrences of one term overlapping each other too: 呀呀呀 occurs at every one of the 8 places
  // in 10 呀 (the mark stopped one short, at the non-overlapping ones).
  BOOST_TEST(snip(head + "呀呀呀呀呀呀呀呀呀呀。", {"呀呀呀"}) == "【呀呀呀呀呀呀呀呀呀呀】。");
  BOOST_TEST(snip(head + "aAaA。", {"aaa"}) == "【aAaA】。");
  // Near the end of a long body the window is full (20 characters), not cut short.
  std::string body;
  for (int i = 0; i < 30; ++i) body += "甲";
  body += "扶贫";
  std::string s = snip(head + body, {"扶贫"});
  BOOST_TEST(s == "…" + body.substr(body.size() - 20 * 3, 18 * 3) + "【扶贫】", s);
  // In the middle: a quarter of the window before the match, ellipses on both sides.
  std::string mid = body + body;
  BOOST_TEST(snip(head + mid, {"扶贫"}) == "…甲甲甲甲甲【扶贫】甲甲甲甲甲甲甲甲甲甲甲甲甲…");
  // A mark is never cut at the window's end.
  const std::string term = "扶贫工作扶贫工作扶贫工作扶贫工作";  // 16 characters: past the window
  BOOST_TEST(snip(head + mid + "乙" + term + mid, {term}) == "…甲甲扶贫乙【" + term + "】…");
  // Title matches only: the snippet starts at the title.
  BOOST_TEST(snip(head + "正文", {"扶贫"}).rfind("关于【扶贫】的通知", 0) == 0u);
}

BOOST_AUTO_TEST_CASE(ranking_puts_title_matches_first_and_snippets_mark_terms) {
  auto& c = corpus();
  SearchRequest req;
  req.query = "扶贫";
  req.per_page = 1000;
  auto res = search(*c.ix, req);
  BOOST_REQUIRE(res);
  bool seen_body_only = false;
  for (const auto& h : res->hits) {
    bool in_title = h.title.find("扶贫") != std::string::npos;
    if (!in_title) seen_body_only = true;
    else BOOST_TEST(!seen_body_only, "title match " << h.object_id << " ranked after a body-only match");
    BOOST_TEST(h.snippet.find("【扶贫】") != std::string::npos, h.snippet);
  }
  // Paging: page 2 continues page 1.
  req.per_page = 7;
  req.page = 2;
  auto p2 = search(*c.ix, req);
  BOOST_REQUIRE(p2);
  BOOST_REQUIRE(p2->hits.size() == 7u);
  BOOST_TEST(p2->hits[0].object_id == res->hits[7].object_id);
}

BOOST_AUTO_TEST_CASE(title_matches_come_from_the_titles_table_with_exclusions_applied) {
  // Rows with every group in the title are read from the titles table; excluded terms (in the
  // title or only in the body) still remove them, and every other match follows, once.
  auto& c = corpus();
  auto title_of = [&](const std::string& id) {
    for (size_t i = 0; i < c.entries.size(); ++i)
      if (c.entries[i].object_id == id) return c.entries[i].title;
    return std::string();
  };
  std::string excluded;  // a word in the body of some document with 通知 in its title
  for (size_t i = 0; i < c.entries.size() && excluded.empty(); ++i)
    if (c.entries[i].title.find("通知") != std::string::npos)
      for (const auto& w : words())
        if (c.entries[i].body.find(w) != std::string::npos && c.entries[i].title.find(w) == std::string::npos) {
          excluded = w;
          break;
        }
  BOOST_REQUIRE(!excluded.empty());
  struct Case {
    std::string q;
    std::function<bool(const std::string&)> p;
    std::vector<std::string> title_terms;
  };
  std::vector<Case> cases{
      {"通知 -" + excluded, [&](auto& x) { return has(x, "通知") && !has(x, excluded); }, {"通知"}},
      {"扶贫 OR 教育 -贫困", [](auto& x) { return (has(x, "扶贫") || has(x, "教育")) && !has(x, "贫困"); }, {}},
      {"青川市 -〔2022〕", [](auto& x) { return has(x, "青川市") && !has(x, "〔2022〕"); }, {"青川市"}},
      {"通知 -扶贫", [](auto& x) { return has(x, "通知") && !has(x, "扶贫"); }, {"通知"}},
      {"政务 -政务公开 -的", [](auto& x) { return has(x, "政务") && !has(x, "政务公开") && !has(x, "的"); }, {"政务"}},
  };
  for (const auto& k : cases) {
    SearchRequest req;
    req.query = k.q;
    req.per_page = 1000;
    auto res = search(*c.ix, req);
    BOOST_REQUIRE_MESSAGE(res, err(res));
    std::set<std::string> got;
    bool seen_other = false;
    for (const auto& h : res->hits) {
      got.insert(h.object_id);
      if (k.title_terms.empty()) continue;
      bool all = true;
      for (const auto& t : k.title_terms) all &= title_of(h.object_id).find(t) != std::string::npos;
      if (!all) seen_other = true;
      else BOOST_TEST(!seen_other, k.q << ": title match " << h.object_id << " after another match");
    }
    BOOST_TEST(res->total == static_cast<int64_t>(res->hits.size()));
    auto want = c.brute(k.p);
    BOOST_TEST((got == want), "query " << k.q << ": " << got.size() << " vs " << want.size());
  }
  // The titles table holds one row per version.
  Stmt n(c.ix->db(), "SELECT count(*) FROM titles");
  BOOST_REQUIRE(n.ok() && n.step() == SQLITE_ROW);
  BOOST_TEST(n.integer(0) == static_cast<int64_t>(c.entries.size()));
}

BOOST_AUTO_TEST_CASE(title_matches_are_ordered_by_the_title_alone) {
  // Among rows with the term in the title, BM25 of the title orders: a short title that is mostly
  // the term comes before a long one, however often the long one's body repeats the term.
  TempDir dir{"title-rank"};
  auto entry = [](const std::string& id, const std::string& title, const std::string& body) {
    Entry e;
    e.object_id = id;
    e.version = 1;
    e.created = "2024-05-01T08:00:00+08:00";
    e.key = order_key(e.created, e.object_id, 1);
    e.title = title;
    e.status = "发布";
    e.body = body;
    return e;
  };
  std::string often, filler;
  for (int i = 0; i < 50; ++i) often += "扶贫，";
  for (int i = 0; i < 300; ++i) filler += "工作";
  std::string path = (dir.path / "t.sqlite").string();
  BOOST_REQUIRE(build_file({entry("a", "关于开展扶贫工作的通知", often + filler.substr(0, 300)), entry("b", "扶贫", filler),
                            entry("c", "其他事项的通知", often)},
                           path, false));
  auto ix = Index::open(path, false, true);
  BOOST_REQUIRE_MESSAGE(ix, err(ix));
  SearchRequest req;
  req.query = "扶贫";
  auto res = search(*ix, req);
  BOOST_REQUIRE_MESSAGE(res, err(res));
  BOOST_REQUIRE(res->hits.size() == 3u);
  BOOST_TEST(res->hits[0].object_id == "b");
  BOOST_TEST(res->hits[1].object_id == "a");
  BOOST_TEST(res->hits[2].object_id == "c");
}

BOOST_AUTO_TEST_CASE(window_scores_equal_fts5_bm25) {
  // gk_score with the caller's idf (exact below 500 matches; the corpus has 400 documents): for rows without every group in
  // the title the scores equal FTS5's own bm25(fts, 1, 4, 10).
  auto& c = corpus();
  for (std::string query : {"扶贫 教育", "政务 OR 公开 工作", "年度 扶贫 -教育"}) {
    auto q = parse_query(query);
    BOOST_REQUIRE(q);
    std::map<std::string, double> want;
    Stmt st(c.ix->db(), "SELECT v.object_id, bm25(fts, 1, 4, 10) FROM fts JOIN versions v ON v.seq = (fts.rowid & 4294967295) WHERE fts MATCH ?");
    BOOST_REQUIRE(st.ok());
    st.bind(1, fts_expression(*q));
    while (st.step() == SQLITE_ROW) want[st.text(0)] = -st.real(1);
    SearchRequest req;
    req.query = query;
    req.per_page = 1000;
    auto res = search(*c.ix, req);
    BOOST_REQUIRE_MESSAGE(res, err(res));
    BOOST_REQUIRE(!res->hits.empty());
    int compared = 0;
    for (const auto& h : res->hits) {
      bool all_in_title = true;
      for (const auto& g : q->all_of) {
        bool any = false;
        for (const auto& t : g) any |= h.title.find(t.text) != std::string::npos;
        all_in_title &= any;
      }
      if (all_in_title) continue;  // tier 1: BM25 of the title alone
      BOOST_REQUIRE(want.count(h.object_id));
      BOOST_TEST(std::abs(h.score - want[h.object_id]) <= 1e-9 * std::max(1.0, std::abs(want[h.object_id])),
                 query << " " << h.object_id << ": " << h.score << " vs " << want[h.object_id]);
      ++compared;
    }
    BOOST_TEST(compared > 0);
  }
}

BOOST_AUTO_TEST_CASE(pages_beyond_the_ranked_window_and_capped_totals) {
  auto& c = corpus();
  auto want = c.brute([](const std::string& x) { return has(x, "的"); });
  BOOST_REQUIRE(want.size() > 100u);
  // A window of 7: pages of 10 still list every match once, title matches first.
  SearchRequest req;
  req.query = "的";
  req.per_page = 10;
  req.rank_window = 7;
  std::set<std::string> seen;
  size_t listed = 0;
  for (req.page = 1;; ++req.page) {
    auto res = search(*c.ix, req);
    BOOST_REQUIRE_MESSAGE(res, err(res));
    BOOST_TEST(res->total == static_cast<int64_t>(want.size()));
    BOOST_TEST(res->total_exact);
    if (res->hits.empty()) break;
    for (const auto& h : res->hits) seen.insert(h.object_id), ++listed;
  }
  BOOST_TEST((seen == want));
  BOOST_TEST(listed == want.size());
  // Counting stops at count_limit (but never before the end of the page): a lower bound.
  req.page = 2;
  req.count_limit = 25;
  auto capped = search(*c.ix, req);
  BOOST_REQUIRE(capped);
  BOOST_TEST(capped->total == 25);
  BOOST_TEST(!capped->total_exact);
  BOOST_TEST(capped->hits.size() == 10u);
  req.count_limit = 0;
  auto all = search(*c.ix, req);
  BOOST_REQUIRE(all);
  BOOST_TEST(all->total == static_cast<int64_t>(want.size()));
  BOOST_TEST(all->total_exact);
}

BOOST_AUTO_TEST_CASE(bad_queries_are_usage_errors) {
  std::vector<std::pair<std::string, std::string>> cases{
      {"", "empty query"},
      {"   ", "empty query"},
      {"，。、", "query term '，。、' has no letters, digits or characters to search for"},
      {"\"政务公开", "unbalanced quotes in query: \"政务公开"},
      {"政务\"公开", "unbalanced quotes in query: 政务\"公开"},
      {"-扶贫", "a query needs at least one term that is not excluded"},
      {"OR 扶贫", "OR needs a term on each side"},
      {"扶贫 OR", "OR needs a term on each side"},
      {"-值班 OR 搬迁", "an excluded -term cannot be part of OR"},  // it said "OR needs a term on each side"
      {"扶贫 -值班 OR 搬迁", "an excluded -term cannot be part of OR"},
      {"值班 OR -搬迁", "an excluded -term cannot be part of OR"},
      {"政\xff务", "query is not valid UTF-8 (byte 0xFF at byte 4)"},
      {"\xc0\x80扶贫", "query is not valid UTF-8 (byte 0xC0 at byte 1)"},           // overlong NUL
      {"扶贫\xed\xa0\x80", "query is not valid UTF-8 (byte 0xED at byte 7)"},       // a surrogate
      {"扶贫\x1b[31m", "query contains the control character U+001B (at byte 7)"},  // a terminal escape
      {"扶贫\xc2\x9b", "query contains the control character U+009B (at byte 7)"},   // C1 CSI
  };
  for (const auto& [q, msg] : cases) {
    auto r = parse_query(q);
    BOOST_REQUIRE_MESSAGE(!r, q);
    BOOST_TEST(r.error().message == msg);
  }
  // Tabs, line breaks and U+FFFD as typed are text; a quote inside a word starts a phrase.
  BOOST_TEST(parse_query("扶贫\t工作\n文\xef\xbf\xbd件").is_ok());
  auto cjk = parse_query("“政务 公开” -“帮扶” “放管服”改革 开展“放管服” “”政务");
  BOOST_REQUIRE(cjk.is_ok());
  BOOST_REQUIRE(cjk->all_of.size() == 4u);
  BOOST_TEST(cjk->all_of[0][0].text == "政务 公开");
  BOOST_TEST(cjk->none_of.at(0).text == "帮扶");
  BOOST_TEST(cjk->all_of[1][0].text == "“放管服”改革");  // copied from a document: the literal text
  BOOST_TEST(cjk->all_of[2][0].text == "开展“放管服”");
  BOOST_TEST(cjk->all_of[3][0].text == "“”政务");
  BOOST_TEST(parse_query("“”").error().message == "empty phrase \"\" in query");
  // A 文号's year as people type it, written as documents write it (offered when nothing is found).
  BOOST_TEST(with_doc_number_brackets("青府办[2021]12号 扶贫") == "青府办〔2021〕12号 扶贫");
  BOOST_TEST(with_doc_number_brackets("（2020）3号 【2021】 ［2022］ (2023) 〖2024〗 ﹝2025﹞") ==
             "〔2020〕3号 〔2021〕 〔2022〕 〔2023〕 〔2024〕 〔2025〕");
  for (const char* unchanged : {"青府办〔2021〕12号", "[21]", "[2021", "(20a1)", "[20211]", "（2021]", "扶贫"})
    BOOST_TEST(with_doc_number_brackets(unchanged) == "", unchanged);
  BOOST_TEST(with_halfwidth_alphanumerics("青府办〔２０２１〕１２号 ＡＰＰ ｐｄｆ") == "青府办〔2021〕12号 APP pdf");
  BOOST_TEST(without_stray_quotes("“政务公开 扶贫” -“帮扶\u3000教育") == "政务公开 扶贫 -帮扶\u3000教育");
  for (const char* unchanged : {"“政务公开”", "“放管服”改革", "开展“放管服”", "“", "”", "政务"})
    BOOST_TEST(without_stray_quotes(unchanged) == "", unchanged);
  for (const char* unchanged : {"青府办〔2021〕12号", "（扶贫），！", "\uFF0F\uFF1A\uFF20\uFF5B"})  // ／：＠｛: punctuation stays
    BOOST_TEST(with_halfwidth_alphanumerics(unchanged) == "", unchanged);
  auto split = parse_query("扶贫\"易地 搬迁\"工作");
  BOOST_REQUIRE(split.is_ok());
  BOOST_REQUIRE(split->all_of.size() == 3u);
  BOOST_TEST(split->all_of[1][0].text == "易地 搬迁");
}

BOOST_AUTO_TEST_SUITE_END()
