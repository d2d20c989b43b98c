// The Index's group contract (index.h): a group announces its size, takes its entries newest
// first, all above the last key, and is one transaction; a broken contract leaves the file as it
// was. And the FTS5 rowid scheme that makes ascending scans newest first.
#include <boost/test/unit_test.hpp>

#include "archive/catalogue/catalogue.h"
#include "catalogue_fixture.h"
#include "common/files.h"

using namespace gk::catalogue;
using namespace cat_test;

namespace {

Entry entry(const std::string& id, int version, const std::string& created) {
  Entry e;
  e.object_id = id;
  e.version = version;
  e.created = created;
  e.key = order_key(created, id, version);
  e.title = "关于" + id + "的通知";
  e.status = "发布";
  e.body = "扶贫工作";
  return e;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(catalogue_index)

BOOST_AUTO_TEST_CASE(fts_rowids_read_newer_groups_first_and_give_back_seq) {
  // Groups [1, 3], [4, 4], [5, 9]: rows added in seq order within a group.
  std::vector<std::pair<int64_t, int64_t>> rows{{1, 1}, {1, 2}, {1, 3}, {4, 4}, {5, 5}, {5, 9}, {5, (int64_t{1} << 31) - 1}};
  for (auto [first, seq] : rows) {
    int64_t r = fts_rowid(first, seq);
    BOOST_TEST(seq_of_rowid(r) == seq);
    BOOST_TEST(group_first_of_rowid(r) == first);
  }
  BOOST_TEST(fts_rowid(1, 1) < fts_rowid(1, 3));               // within a group: order added
  BOOST_TEST(fts_rowid(4, 4) < fts_rowid(1, 1));               // a newer group comes first
  BOOST_TEST(fts_rowid(5, (int64_t{1} << 31) - 1) < fts_rowid(4, 4));
}


BOOST_AUTO_TEST_CASE(a_broken_group_contract_is_an_error_and_writes_nothing) {
  TempDir dir{"index"};
  std::string path = (dir.path / "c.sqlite").string();
  auto ix = Index::create(path, false);
  BOOST_REQUIRE(ix);
  const std::string t = "2024-05-01T08:00:00+08:00";
  BOOST_REQUIRE(ix->begin_group(2));
  BOOST_REQUIRE(ix->add(entry("b", 1, t)));
  BOOST_REQUIRE(ix->add(entry("a", 1, t)));
  BOOST_REQUIRE(ix->commit_group());
  std::string before = gk::read_file(path).value();

  // Fewer entries than announced.
  BOOST_REQUIRE(ix->begin_group(2));
  BOOST_REQUIRE(ix->add(entry("d", 1, "2024-05-02T08:00:00+08:00")));
  auto short_group = ix->commit_group();
  BOOST_REQUIRE(!short_group);
  BOOST_TEST(short_group.error().message == "catalogue group ended 1 entries short");
  // Oldest first within a group.
  BOOST_REQUIRE(ix->begin_group(2));
  BOOST_REQUIRE(ix->add(entry("c", 1, "2024-05-02T08:00:00+08:00")));
  auto order = ix->add(entry("d", 1, "2024-05-02T08:00:00+08:00"));
  BOOST_REQUIRE(!order);
  BOOST_TEST(order.error().message.rfind("catalogue append out of order: ", 0) == 0u);
  // More entries than announced.
  BOOST_REQUIRE(ix->begin_group(1));
  BOOST_REQUIRE(ix->add(entry("d", 1, "2024-05-02T08:00:00+08:00")));
  auto more = ix->add(entry("c", 1, "2024-05-02T08:00:00+08:00"));
  BOOST_REQUIRE(!more);
  BOOST_TEST(more.error().message.rfind("catalogue group has more entries than announced: ", 0) == 0u);
  // Not above the last key.
  BOOST_REQUIRE(ix->begin_group(1));
  auto old = ix->add(entry("a", 2, t));
  BOOST_REQUIRE(!old);
  BOOST_TEST(old.error().message.rfind("catalogue append out of order: ", 0) == 0u);

  ix = gk::make_error("closed");
  BOOST_TEST((gk::read_file(path).value() == before));
}

BOOST_AUTO_TEST_CASE(versions_in_one_group_get_until_dates_and_newest_first_order) {
  TempDir dir{"index"};
  std::string path = (dir.path / "c.sqlite").string();
  // Object x: v1 on 05-01, v2 and v3 on 05-03 in one group; y: v1 on 05-02.
  std::vector<Entry> entries{entry("x", 1, "2024-05-01T08:00:00+08:00"), entry("y", 1, "2024-05-02T08:00:00+08:00")};
  auto v2 = entry("x", 2, "2024-05-03T08:00:00+08:00"), v3 = entry("x", 3, "2024-05-03T08:00:00+08:00");
  v2.key = order_key("2024-05-03T08:00:00+08:00", "x", 2);
  v3.key = order_key("2024-05-03T08:00:00+08:00", "x", 3);
  entries.push_back(v2);
  entries.push_back(v3);
  BOOST_REQUIRE(build_file(entries, path, false));
  auto ix = Index::open(path, false, true);
  BOOST_REQUIRE(ix);
  Stmt st(ix->db(), "SELECT object_id, version, coalesce(until_date, '-') FROM versions ORDER BY object_id, version");
  std::vector<std::string> rows;
  while (st.step() == SQLITE_ROW) rows.push_back(st.text(0) + st.text(1) + " " + st.text(2));
  BOOST_TEST((rows == std::vector<std::string>{"x1 2024-05-03", "x2 2024-05-03", "x3 -", "y1 -"}));
  // Ascending FTS5 rowids: x v3, x v2 (the newest group, newest first), then y, then x v1.
  Stmt f(ix->db(), "SELECT v.object_id || v.version FROM fts JOIN versions v ON v.seq = (fts.rowid & 4294967295) "
                   "WHERE fts MATCH '\"扶贫\"' ORDER BY fts.rowid");
  std::vector<std::string> order;
  while (f.step() == SQLITE_ROW) order.push_back(f.text(0));
  BOOST_TEST((order == std::vector<std::string>{"x3", "x2", "y1", "x1"}));
}

// SQL functions take at most 127 arguments: a query's phrases are scored through one pointer
// argument, so a query of 200 terms, a long OR chain or many exclusions still answers.
BOOST_AUTO_TEST_CASE(queries_with_hundreds_of_phrases_are_answered) {
  TempDir dir{"many"};
  std::vector<Entry> entries;
  for (int i = 0; i < 6; ++i) {
    Entry e = entry("o" + std::to_string(i), 1, "2024-05-01T08:00:00+08:00");
    e.body = i % 2 ? "扶贫工作甲乙丙丁" : "扶贫工作";
    entries.push_back(e);
  }
  auto ix = built_index(entries, (dir.path / "c.sqlite").string());
  auto repeat = [](const std::string& term, int n, const std::string& sep) {
    std::string q;
    for (int i = 0; i < n; ++i) q += (i ? sep : "") + term;
    return q;
  };
  const std::set<std::string> odd{"o1", "o3", "o5"}, even{"o0", "o2", "o4"};
  BOOST_TEST(ids_of(ix, repeat("甲乙", 200, " ")) == odd);
  BOOST_TEST(ids_of(ix, repeat("甲乙丙丁 OR 乙丙", 100, " OR ")) == odd);
  BOOST_TEST(ids_of(ix, "扶贫 " + repeat("-甲乙丙", 130, " ")) == even);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(catalogue_index_readers)

// A search leaves no statement running: a reader that stops counting early must not keep its
// read lock, or every writer (index_versions in another process) waits for it.
BOOST_AUTO_TEST_CASE(a_search_holds_no_lock_after_it_returns) {
  TempDir dir{"reader"};
  std::string path = (dir.path / "c.sqlite").string();
  std::vector<Entry> entries;
  for (int i = 0; i < 30; ++i) entries.push_back(entry("o" + std::to_string(100 + i), 1, "2024-05-01T08:00:00+08:00"));
  BOOST_REQUIRE(build_file(entries, path, false));
  auto ix = Index::open(path, false, false);
  BOOST_REQUIRE(ix);
  SearchRequest req;
  req.query = "扶贫";
  req.per_page = 2;
  req.count_limit = 5;  // stops inside the scan
  req.rank_window = 3;
  auto res = search(*ix, req);
  BOOST_REQUIRE(res);
  BOOST_TEST(!res->total_exact);
  sqlite3* w = nullptr;
  BOOST_REQUIRE(sqlite3_open(path.c_str(), &w) == SQLITE_OK);
  BOOST_TEST(sqlite3_exec(w, "BEGIN IMMEDIATE; UPDATE meta SET value = value WHERE key = 'last_key'; COMMIT", nullptr,
                          nullptr, nullptr) == SQLITE_OK, sqlite3_errmsg(w));
  sqlite3_exec(w, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(w);
}

// A reader keeps the hidden rows (superseded and withdrawn versions) between searches: a version
// another connection supersedes or withdraws meanwhile is hidden at the next search.
BOOST_AUTO_TEST_CASE(a_long_lived_reader_hides_versions_superseded_by_another_connection) {
  TempDir dir{"reader"};
  std::string path = (dir.path / "c.sqlite").string();
  BOOST_REQUIRE(build_file({entry("x", 1, "2024-05-01T08:00:00+08:00"), entry("y", 1, "2024-05-02T08:00:00+08:00")}, path, false));
  auto reader = Index::open(path, false, false);
  BOOST_REQUIRE(reader);
  auto hits = [&] {
    SearchRequest req;
    req.query = "扶贫";
    auto res = search(*reader, req);
    BOOST_REQUIRE(res);
    std::vector<std::string> out;
    for (const auto& h : res->hits) out.push_back(h.object_id + std::to_string(h.version));
    std::sort(out.begin(), out.end());
    return out;
  };
  BOOST_TEST((hits() == std::vector<std::string>{"x1", "y1"}));
  {
    auto writer = Index::open(path, true, false);
    BOOST_REQUIRE(writer);
    BOOST_REQUIRE(writer->append(entry("x", 2, "2024-05-03T08:00:00+08:00")));
    Entry withdrawn = entry("y", 2, "2024-05-04T08:00:00+08:00");
    withdrawn.status = "撤回";
    BOOST_REQUIRE(writer->append(withdrawn));
  }
  BOOST_TEST((hits() == std::vector<std::string>{"x2"}));
}

// A search is one read transaction: a version committed by another connection while it scans
// (between reading the hidden rows and the index) would otherwise be shown beside the version it
// supersedes. The writer waits for the search instead.
BOOST_AUTO_TEST_CASE(a_search_sees_one_committed_state) {
  TempDir dir{"reader"};
  std::string path = (dir.path / "c.sqlite").string();
  BOOST_REQUIRE(build_file({entry("x", 1, "2024-05-01T08:00:00+08:00"), entry("y", 1, "2024-05-02T08:00:00+08:00")}, path, false));
  auto reader = Index::open(path, false, false);
  auto writer = Index::open(path, true, false);
  BOOST_REQUIRE(reader);
  BOOST_REQUIRE(writer);
  sqlite3_busy_timeout(writer->db(), 0);
  SearchRequest req;
  req.query = "扶贫";
  std::string during;
  req.test_hook = [&](const char* point) {
    auto s = writer->append(entry("x", 2, "2024-05-03T08:00:00+08:00"));
    during = std::string(point) + (s ? " committed" : " " + s.error().message);
  };
  auto res = search(*reader, req);
  BOOST_REQUIRE(res);
  std::vector<std::string> got;
  for (const auto& h : res->hits) got.push_back(h.object_id + std::to_string(h.version));
  std::sort(got.begin(), got.end());
  BOOST_TEST((got == std::vector<std::string>{"x1", "y1"}));
  BOOST_TEST(during == "rows-read catalogue database error: database is locked", during);
  // Once the search has returned the writer commits, and the next search shows the new version.
  writer = Index::open(path, true, false);
  BOOST_REQUIRE(writer);
  BOOST_REQUIRE(writer->append(entry("x", 2, "2024-05-03T08:00:00+08:00")));
  req.test_hook = nullptr;
  auto after = search(*reader, req);
  BOOST_REQUIRE(after);
  BOOST_TEST(after->hits.size() == 2u);
  BOOST_TEST(after->hits[0].object_id + std::to_string(after->hits[0].version) == "x2");
}

BOOST_AUTO_TEST_SUITE_END()
