// An empty OCFL store for catalogue tests, and created times one minute apart.
#pragma once
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "catalogue_fixture.h"

namespace cat_test {

inline std::string created_at(int minute) {
  char b[40];
  std::snprintf(b, sizeof b, "2023-%02d-%02dT%02d:%02d:00+08:00", 1 + (minute / 1440 / 28) % 12, 1 + (minute / 1440) % 28,
                (minute / 60) % 24, minute % 60);
  return b;
}

struct StoreFixture {
  TempDir dir{"store"};
  std::string root = (dir.path / "archive").string();
  std::optional<gk::ocfl::Store> store;
  std::vector<Doc> docs;
  StoreFixture() {
    auto s = gk::ocfl::Store::init(root, {false});
    BOOST_REQUIRE(s);
    store.emplace(std::move(*s));
  }
  std::string cat() const { return gk::catalogue::default_path(root); }
  std::string id(int i) const { return "urn:gongkai:" + std::to_string(i); }
  // Adds n generated documents (ids 0..n-1, created a minute apart); returns the generator, for
  // more documents like them.
  Rng add_docs(int n, unsigned long long seed) {
    Rng r(seed);
    for (int i = 0; i < n; ++i) {
      docs.push_back(make_doc(r, i));
      BOOST_REQUIRE(add(*store, id(i), docs.back(), created_at(i)));
    }
    return r;
  }
};

}  // namespace cat_test
