// Search query syntax (docs/search.md): terms separated by spaces are ANDed; "a quoted phrase"
// is one term that may contain spaces; `A OR B` matches either; `-term` excludes. Every term is
// matched as an exact substring of the text as written (ASCII letters folded).
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace gk::catalogue {

struct Term {
  std::string text;               // as typed (without quotes), ASCII-folded
  std::vector<std::string> runs;  // its runs of word characters (text.h)
  // A term of one run is answered exactly by the index; other terms (with punctuation or spaces
  // inside) need a final check against the stored text.
  bool needs_check() const { return runs.size() != 1 || runs[0].size() != text.size(); }
};

struct Query {
  std::vector<std::vector<Term>> all_of;  // each inner list: any of these terms
  std::vector<Term> none_of;              // excluded terms
  std::vector<std::string> highlight() const;  // the positive terms, for snippets
};

// Errors are usage errors the user can fix; their messages are stable (tests compare them).
Result<Query> parse_query(std::string_view text);

// The FTS5 MATCH expression selecting a superset of the matches (exact for terms without
// needs_check()); exclusions of checked terms are left to the SQL check.
std::string fts_expression(const Query& q);

}  // namespace gk::catalogue
