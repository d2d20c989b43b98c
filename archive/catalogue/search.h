// Searching and browsing an Index. A hit is one object, shown in its version that is current
// (the newest one, or the newest created on or before --as-of); withdrawn (撤回) objects are left
// out unless asked for. Terms match as exact substrings (query.h). Ranking: objects whose title
// holds more of the query's groups first, then BM25 (title weighted 10x the body, catalogue
// fields 4x), then newest; BM25 orders the first 1,000 results of (title groups, newest), the
// rest follow newest first (docs/search.md: why).
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "archive/catalogue/index.h"
#include "common/status.h"

namespace gk::catalogue {

struct Filters {
  std::optional<int> year;            // 发布日期 year
  std::string from, to;               // 发布日期 range, inclusive, YYYY-MM-DD
  std::string issuer;                 // substring of 发布机构
  std::string category;               // 主题分类, or a parent class of it ("综合政务")
  std::string genre, mode, validity;  // exact values (validated by validate_filters)
  std::string status;                 // exact; asking for 撤回 includes withdrawn items
  std::string as_of;                  // YYYY-MM-DD; empty = now
  bool include_withdrawn = false;
};

// Usage errors for filter values: unknown enumerated values, impossible dates, from > to.
Status validate_filters(const Filters& f);
// Whether s is a real calendar date YYYY-MM-DD.
bool is_valid_date(const std::string& s);

struct SearchRequest {
  std::string query;
  Filters filters;
  int page = 1, per_page = 20;
  std::string mark_open = "【", mark_close = "】";  // around matched terms in snippets
  // Results are counted up to this many (at least to the end of the page); 0 counts them all.
  // Past it the total is a lower bound ("1000+"): counting every match of a common phrase reads
  // its positions in every document (docs/search.md).
  int64_t count_limit = 1000;
  // How many results, in (title groups, newest) order, BM25 orders; the rest follow newest first.
  size_t rank_window = 1000;
  std::function<void(const char* point)> test_hook;  // tests: called at "rows-read"
};

struct Hit {
  std::string object_id;
  int version = 0;
  std::string created, index_no, title, issuer, doc_number, genre, subject, published_date;
  std::string mode, validity, status;
  double score = 0;  // BM25: higher is better (0 past the ranked window)
  std::string snippet;
};

struct SearchResult {
  int64_t total = 0;        // matching objects: all of them, or a lower bound when !total_exact
  bool total_exact = true;  // false when counting stopped at SearchRequest::count_limit
  int page = 1, per_page = 20;
  std::vector<Hit> hits;
};

// Errors whose message starts with "query: " are usage errors (bad query or filter).
Result<SearchResult> search(const Index& ix, const SearchRequest& req);

// 公开目录 tree: counts of current, visible objects per 主题分类 and 发布日期 year.
struct CatalogueCount {
  std::string subject, year;
  int64_t count = 0;
};
Result<std::vector<CatalogueCount>> browse(const Index& ix, const Filters& f);

// A snippet of `text` around the first occurrence of any term, terms marked.
std::string make_snippet(const std::string& text, const std::vector<std::string>& folded_terms,
                         const std::string& open, const std::string& close, size_t width_chars = 60);

}  // namespace gk::catalogue
