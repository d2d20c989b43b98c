// Searching an OCFL store's catalogue by its catalogue fields and versions: filters against brute
// force, --as-of (as `archive get --as-of` answers), withdrawn items.
#include <boost/test/unit_test.hpp>
#include <algorithm>
#include <map>
#include <set>

#include "archive/ingest/history.h"
#include "store_fixture.h"

using namespace gk::catalogue;
using namespace cat_test;
namespace ocfl = gk::ocfl;

BOOST_AUTO_TEST_SUITE(catalogue_versions)

BOOST_AUTO_TEST_CASE(filters_equal_brute_force) {
  StoreFixture f;
  f.add_docs(60, 5);
  OpenReport rep;
  auto ix = open_checked(*f.store, "", rep);
  BOOST_REQUIRE_MESSAGE(ix, err(ix));
  BOOST_REQUIRE(rep.notices.size() == 1u);
  BOOST_TEST(rep.notices[0] == "catalogue " + f.cat() + " is missing; building it from the store");
  auto brute = [&](auto pred) {
    std::set<std::string> out;
    for (size_t i = 0; i < f.docs.size(); ++i)
      if (pred(f.docs[i])) out.insert(f.id(static_cast<int>(i)));
    return out;
  };
  auto check = [&](const std::string& name, Filters flt, auto pred) {
    auto got = ids_of(*ix, "青川市", flt);
    auto want = brute(pred);
    BOOST_TEST((got == want), name << ": " << got.size() << " vs " << want.size());
    BOOST_TEST(!want.empty(), name);
  };
  Filters fl;
  fl.year = 2021;
  check("year", fl, [](const Doc& d) { return d.published.substr(0, 4) == "2021"; });
  fl = {};
  fl.from = "2020-03-01";
  fl.to = "2021-06-30";
  check("from/to", fl, [](const Doc& d) { return d.published >= "2020-03-01" && d.published <= "2021-06-30"; });
  fl = {};
  fl.issuer = "扶贫开发";
  check("issuer", fl, [](const Doc& d) { return d.issuer.find("扶贫开发") != std::string::npos; });
  fl = {};
  fl.category = "综合政务";
  check("category parent", fl, [](const Doc& d) { return d.subject.rfind("综合政务\\", 0) == 0; });
  fl.category = "农业、林业、水利\\扶贫";
  check("category leaf", fl, [](const Doc& d) { return d.subject == "农业、林业、水利\\扶贫"; });
  // A class named at a lower level alone, as the 公开目录 tree shows it: whole levels only.
  auto levels = [](const std::string& path) {
    std::vector<std::string> out(1);
    for (char ch : path) {
      if (ch == '\\') out.emplace_back();
      else out.back().push_back(ch);
    }
    return out;
  };
  auto below = [&](const std::string& subject, const std::string& cls) {
    auto s = levels(subject), c = levels(cls);
    for (size_t i = 0; i + c.size() <= s.size(); ++i)
      if (std::equal(c.begin(), c.end(), s.begin() + static_cast<std::ptrdiff_t>(i))) return true;
    return false;
  };
  for (std::string cls : {"扶贫", "政务公开", "卫生、体育\\卫生"}) {
    fl.category = cls;
    check("category " + cls, fl, [&](const Doc& d) { return below(d.subject, cls); });
  }
  for (std::string part : {"公开", "综合", "政务公开\\综合政务"}) {  // not whole levels, or not in this order
    fl.category = part;
    auto none = search(*ix, [&] {
      SearchRequest q;
      q.query = "青川市";
      q.filters = fl;
      return q;
    }());
    BOOST_REQUIRE(!none);
    BOOST_TEST(none.error().message.rfind("query: no 主题分类 (--category) '" + part + "' in the catalogue (its classes: ", 0) == 0u,
               none.error().message);
  }
  fl = {};
  fl.genre = "公告";
  check("genre", fl, [](const Doc& d) { return d.genre == "公告"; });
  fl = {};
  fl.mode = "依申请公开";
  check("mode", fl, [](const Doc& d) { return d.mode == "依申请公开"; });
  fl = {};
  fl.validity = "废止";
  check("validity", fl, [](const Doc& d) { return d.validity == "废止"; });
  fl = {};
  fl.status = "发布";
  check("status", fl, [](const Doc&) { return true; });

  auto tree = browse(*ix, {});
  BOOST_REQUIRE(tree);
  int64_t total = 0;
  for (const auto& c : *tree) total += c.count;
  BOOST_TEST(total == 60);
}

BOOST_AUTO_TEST_CASE(as_of_and_withdrawn) {
  StoreFixture f;
  Doc x;
  x.index_no = "11519900008452170L/2023-00001";
  x.title = "青川市关于扶贫资金管理的通知";
  x.issuer = "青川市人民政府";
  x.paragraphs = {"各县区要做好扶贫资金管理。"};
  BOOST_REQUIRE(add(*f.store, "x", x, "2023-01-10T09:00:00+08:00"));
  x.title = "青川市关于乡村振兴资金管理的通知";
  x.paragraphs = {"各县区要做好乡村振兴资金管理。"};
  BOOST_REQUIRE(add(*f.store, "x", x, "2023-06-01T09:00:00+08:00", "修改", 2));
  Doc y = x;
  y.index_no = "11519900008452170L/2023-00002";
  y.title = "青川市关于扶贫项目公示的公告";
  y.paragraphs = {"扶贫项目公示如下。"};
  y.doc_number = "青公通〔2023〕7号";
  BOOST_REQUIRE(add(*f.store, "y", y, "2023-01-10T10:00:00+08:00"));
  BOOST_REQUIRE(add(*f.store, "y", y, "2023-07-01T10:00:00+08:00", "撤回", 2));
  BOOST_REQUIRE(index_versions(*f.store, {{"x", 2}, {"y", 2}}));
  auto ix = Index::open(f.cat(), false, true);
  BOOST_REQUIRE(ix);

  BOOST_TEST(ids_of(*ix, "扶贫").empty());  // x no longer says it; y is withdrawn
  BOOST_TEST((ids_of(*ix, "乡村振兴") == std::set<std::string>{"x"}));
  Filters f1;
  f1.as_of = "2023-03-01";
  BOOST_TEST((ids_of(*ix, "扶贫", f1) == std::set<std::string>{"x", "y"}));
  BOOST_TEST(ids_of(*ix, "乡村振兴", f1).empty());
  f1.as_of = "2023-06-01";  // the day v2 of x was made: v2 is current
  BOOST_TEST((ids_of(*ix, "扶贫", f1) == std::set<std::string>{"y"}));
  f1.as_of = "2023-07-01";
  BOOST_TEST(ids_of(*ix, "扶贫", f1).empty());
  f1.as_of = "2022-03-14";  // x and y were archived in 2023, but published on 2022-03-15
  BOOST_TEST(ids_of(*ix, "资金").empty() == false);
  BOOST_TEST(ids_of(*ix, "资金", f1).empty());
  f1.as_of = "2022-03-15";
  BOOST_TEST((ids_of(*ix, "扶贫", f1) == std::set<std::string>{"x", "y"}));
  Filters w;
  w.include_withdrawn = true;
  BOOST_TEST((ids_of(*ix, "扶贫", w) == std::set<std::string>{"y"}));
  Filters st;
  st.status = "撤回";
  BOOST_TEST((ids_of(*ix, "青川市", st) == std::set<std::string>{"y"}));
  st.status = "修改";
  BOOST_TEST((ids_of(*ix, "青川市", st) == std::set<std::string>{"x"}));
  // The command line says that withdrawn items match a search that finds nothing else (it said
  // only "共 0 条结果", as if nothing had ever been published: a black-box review).
  auto none = run_cli("search " + q(f.root) + " 项目公示");
  BOOST_TEST(none.code == 0, none.err);
  BOOST_TEST(none.out == "共 0 条结果\n提示：另有 1 条已撤回的结果，加 --include-withdrawn 查看\n", none.out);
  auto json = run_cli("search " + q(f.root) + " 项目公示 --json");
  BOOST_TEST(json.out.find("\"suggestion\": {\n    \"include_withdrawn\": true,") != std::string::npos, json.out);
  // Typed with [2023] as well (the two hints together: a code review of the first).
  auto typed = run_cli("search " + q(f.root) + " '青公通[2023]7号'");
  BOOST_TEST(typed.out == "共 0 条结果\n提示：文号中的年份写作〔〕，搜索 青公通〔2023〕7号 有 1 条已撤回的结果，加 "
                         "--include-withdrawn 查看\n",
             typed.out);
  auto gone = run_cli("search " + q(f.root) + " 没有的词");
  BOOST_TEST(gone.out == "共 0 条结果\n", gone.out);
}

// search --as-of and archive get --as-of name the same version for every object and day: a
// version counts from its creation day, a first version from its 发布日期 when that is earlier.
// (Search used the creation day alone: a notice archived after publication was absent for every
// day before its archiving, while get returned it.)
BOOST_AUTO_TEST_CASE(as_of_agrees_with_archive_get) {
  StoreFixture f;
  struct Plan {
    std::string id, published;
    std::vector<std::string> created;
  };
  const std::vector<Plan> plans{{"a", "2022-03-15", {"2023-01-10T09:00:00+08:00", "2023-06-01T09:00:00+08:00"}},
                                {"b", "2023-02-01", {"2023-01-10T10:00:00+08:00"}},  // archived before its 发布日期
                                {"c", "2023-01-10", {"2023-01-10T11:00:00+08:00", "2023-01-10T12:00:00+08:00"}},
                                {"d", "2023-09-09", {"2023-03-03T08:00:00+08:00", "2023-04-04T08:00:00+08:00", "2023-05-05T08:00:00+08:00"}},
                                // Writers in other offsets: v2's day (12-04) is after v3's (12-03), minutes apart.
                                {"e", "2026-12-01", {"2026-12-03T17:00:00+00:00", "2026-12-04T01:10:00+08:00", "2026-12-03T17:20:00+00:00"}}};
  std::vector<std::pair<std::string, int>> heads;
  int n = 0;
  for (const auto& p : plans) {
    Doc d;
    d.index_no = "11519900008452170L/2023-0010" + std::to_string(n++);
    d.title = "青川市关于" + p.id + "的通知";
    d.issuer = "青川市人民政府";
    d.published = p.published;
    d.paragraphs = {"各县区认真执行。"};
    for (size_t v = 0; v < p.created.size(); ++v)
      BOOST_REQUIRE(add(*f.store, p.id, d, p.created[v], v ? "修改" : "发布", static_cast<int>(v + 1)));
    heads.emplace_back(p.id, static_cast<int>(p.created.size()));
  }
  auto indexed = index_versions(*f.store, heads);
  BOOST_REQUIRE_MESSAGE(indexed, err(indexed));
  auto ix = Index::open(f.cat(), false, true);
  BOOST_REQUIRE(ix);
  int compared = 0;
  for (const char* day : {"2022-03-14", "2022-03-15", "2022-12-31", "2023-01-09", "2023-01-10", "2023-01-31", "2023-02-01",
                          "2023-03-03", "2023-04-03", "2023-04-04", "2023-05-31", "2023-06-01", "2024-01-01", "2026-12-02",
                          "2026-12-03", "2026-12-04"}) {
    SearchRequest req;
    req.query = "青川市";
    req.per_page = 100;
    req.filters.as_of = day;
    req.filters.include_withdrawn = true;
    auto res = search(*ix, req);
    BOOST_REQUIRE_MESSAGE(res, err(res));
    std::map<std::string, int> got;
    for (const auto& h : res->hits) {
      BOOST_TEST(!got.count(h.object_id), h.object_id << " twice as of " << day);
      got[h.object_id] = h.version;
    }
    for (const auto& p : plans) {
      auto want = gk::ingest::version_as_of(*f.store, p.id, day);
      std::string g = got.count(p.id) ? "v" + std::to_string(got[p.id]) : "none";
      std::string w = want ? *want : "none (" + want.error().message + ")";
      BOOST_TEST(g == (want ? *want : std::string("none")), p.id << " as of " << day << ": " << g << " vs " << w);
      ++compared;
    }
  }
  BOOST_TEST(compared == 80);
}

// An archive with nothing in it has no 主题分类 to tell a typo from: an empty answer, not "its
// classes: none" (exit 2).
BOOST_AUTO_TEST_CASE(a_category_in_an_empty_archive_is_an_empty_answer) {
  StoreFixture f;
  OpenReport rep;
  auto ix = open_checked(*f.store, "", rep);
  BOOST_REQUIRE_MESSAGE(ix, err(ix));
  SearchRequest q;
  q.query = "青川";
  q.filters.category = "综合政务";
  auto res = search(*ix, q);
  BOOST_REQUIRE_MESSAGE(res, err(res));
  BOOST_TEST(res->total == 0);
}

BOOST_AUTO_TEST_SUITE_END()
