// Exactness on a corpus over a five-character alphabet: every term of 1 to 4 characters, and
// terms with punctuation inside, compared with a plain substring scan. With so few characters
// every bigram occurs everywhere, also on both sides of punctuation ("甲乙，乙丙"), which is
// where a bigram index can over-match ("甲乙丙" must not find "甲乙，乙丙").
#include <boost/test/unit_test.hpp>
#include <algorithm>
#include <set>

#include "archive/catalogue/catalogue.h"
#include "catalogue_fixture.h"

using namespace gk::catalogue;
using namespace cat_test;

namespace {

const std::vector<std::string> kChars{"甲", "乙", "丙", "A", "1"};
const std::vector<std::string> kSeps{"，", "、", " ", "\n", "（"};

std::string lower(std::string s) {
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  return s;
}

struct Small {
  TempDir dir{"alphabet"};
  std::vector<std::string> bodies;
  std::optional<Index> ix;

  Small() {
    Rng r(99);
    std::vector<Entry> entries;
    for (int i = 0; i < 300; ++i) {
      std::string body;
      for (int k = 0; k < 24; ++k) body += r.below(4) == 0 ? r.pick(kSeps) : r.pick(kChars);
      Entry e;
      e.object_id = "s-" + std::to_string(1000 + i);
      e.version = 1;
      e.created = "2024-05-01T08:00:00+08:00";
      e.key = order_key(e.created, e.object_id, 1);
      e.title = "通知";  // no character of the alphabet: terms are searched in the body
      e.status = "发布";
      e.body = body;
      bodies.push_back(body);
      entries.push_back(std::move(e));
    }
    ix.emplace(built_index(entries, (dir.path / "s.sqlite").string()));
  }

  std::set<std::string> run(const std::string& term) { return ids_of(*ix, "\"" + term + "\""); }
  std::set<std::string> brute(const std::string& term) {
    std::set<std::string> ids;
    for (size_t i = 0; i < bodies.size(); ++i)
      if (lower(bodies[i]).find(lower(term)) != std::string::npos) ids.insert("s-" + std::to_string(1000 + i));
    return ids;
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(catalogue_alphabet)

BOOST_AUTO_TEST_CASE(every_short_term_equals_brute_force) {
  Small s;
  std::vector<std::string> terms{""};
  int checked = 0, wrong = 0;
  for (int len = 1; len <= 4; ++len) {
    std::vector<std::string> longer;
    for (const auto& t : terms)
      for (const auto& c : kChars) longer.push_back(t + c);
    terms = longer;
    for (const auto& t : terms) {
      auto got = s.run(t), want = s.brute(t);
      if (got != want && ++wrong <= 5) BOOST_ERROR("term '" << t << "': " << got.size() << " vs " << want.size());
      ++checked;
    }
  }
  BOOST_TEST(checked == 5 + 25 + 125 + 625);
  BOOST_TEST(wrong == 0);
}

BOOST_AUTO_TEST_CASE(terms_with_punctuation_equal_brute_force) {
  Small s;
  Rng r(5);
  int checked = 0, wrong = 0;
  for (int k = 0; k < 400; ++k) {
    std::string t;
    int len = 3 + static_cast<int>(r.below(4));
    for (int i = 0; i < len; ++i) t += (i > 0 && i < len - 1 && r.below(3) == 0) ? r.pick(kSeps) : r.pick(kChars);
    if (t.find('\n') != std::string::npos) continue;  // a line break may span columns: tested elsewhere
    auto got = s.run(t), want = s.brute(t);
    if (got != want && ++wrong <= 5) BOOST_ERROR("term '" << t << "': " << got.size() << " vs " << want.size());
    ++checked;
  }
  BOOST_TEST(checked >= 300);
  BOOST_TEST(wrong == 0);
}

// Queries combining such terms: OR groups mixing terms the index answers exactly with terms it
// only narrows down (punctuation inside), AND of groups, exclusions. The group `甲、乙 OR 丙丙`
// matched every document the index offered for either alternative, so a document with 甲 乙 (a
// space) was a result: the checked alternative's superset stood for the whole group.
BOOST_AUTO_TEST_CASE(or_and_not_combinations_equal_brute_force) {
  Small s;
  Rng r(11);
  const std::vector<std::string> inner{"，", "、", " ", "（"};
  auto term = [&](bool spaces) {
    std::string t;
    int len = 1 + static_cast<int>(r.below(4));
    for (int i = 0; i < len; ++i) {
      bool sep = i > 0 && i < len - 1 && r.below(3) == 0;
      std::string c = sep ? r.pick(inner) : r.pick(kChars);
      if (!spaces && c == " ") c = "，";
      t += c;
    }
    return t;
  };
  auto has = [&](size_t doc, const std::string& t) { return lower(s.bodies[doc]).find(lower(t)) != std::string::npos; };
  int checked = 0, wrong = 0;
  for (int k = 0; k < 300; ++k) {
    std::vector<std::vector<std::string>> groups(1 + r.below(2));
    for (auto& g : groups) g.resize(1 + r.below(3));
    for (auto& g : groups)
      for (auto& t : g) t = term(true);
    std::vector<std::string> excluded(r.below(2));
    for (auto& t : excluded) t = term(false);
    std::string query;
    for (const auto& g : groups) {
      if (!query.empty()) query += " ";
      for (size_t i = 0; i < g.size(); ++i) query += (i ? " OR \"" : "\"") + g[i] + "\"";
    }
    for (const auto& t : excluded) query += " -" + t;
    std::set<std::string> want;
    for (size_t d = 0; d < s.bodies.size(); ++d) {
      bool ok = true;
      for (const auto& g : groups) ok = ok && std::any_of(g.begin(), g.end(), [&](const std::string& t) { return has(d, t); });
      for (const auto& t : excluded) ok = ok && !has(d, t);
      if (ok) want.insert("s-" + std::to_string(1000 + d));
    }
    auto got = ids_of(*s.ix, query);
    if (got != want && ++wrong <= 5) BOOST_ERROR("query '" << query << "': " << got.size() << " vs " << want.size());
    ++checked;
  }
  BOOST_TEST(checked == 300);
  BOOST_TEST(wrong == 0);
}

BOOST_AUTO_TEST_SUITE_END()
