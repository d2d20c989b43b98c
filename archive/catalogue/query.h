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
  // The FTS5 phrases whose AND selects a superset of the documents containing the term: its
  // runs of 2+ characters as ONE phrase (runs separated only by punctuation in the text are
  // consecutive bigram positions, so `青府办〔2022〕5号` looks up `青府办2022 5号`-like sequences
  // rather than any text holding the three runs anywhere), plus each 1-character run's marker.
  // A term with a line break inside may span columns: then each run is its own phrase.
  std::vector<std::string> phrases;
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

// The query with each year of a 文号 bracketed as people type it ([2022], (2022), （2022）,
// 【2022】, ［2022］, 〖2022〗, ﹝2022﹞) written as documents write it, 〔2022〕; "" when the
// query has none. Terms match as written, so a search with no result offers this one.
std::string with_doc_number_brackets(std::string_view query);

// The query without a Chinese quotation mark that opens a term and is never closed (“政务公开)
// or closes one never opened (政务公开”): what a phrase typed half-way looks like; "" when none.
std::string without_stray_quotes(std::string_view query);

// The query with full-width digits and Latin letters (２０２２, ＡＰＰ, what an input method in
// full-width mode types) half-width, as documents write them; "" when it has none.
std::string with_halfwidth_alphanumerics(std::string_view query);

// The FTS5 MATCH expression selecting a superset of the matches (exact for terms without
// needs_check()); exclusions of checked terms are left to the SQL check.
std::string fts_expression(const Query& q);

}  // namespace gk::catalogue
