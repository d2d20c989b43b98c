// SQLite extension points used by the catalogue: the "gk_bigram" FTS5 tokenizer and the
// gk_contains(text, folded_term) SQL function. Register both on every connection.
//
// Tokenizer contract (docs/search.md): for each run of word characters c0..cN-1 (text.h), a
// document yields, first, once per distinct word character X of the text, a marker token "\x01X",
// all at position 0; then the overlapping bigrams c0c1, c1c2, ... at consecutive positions.
// Between the bigrams of two runs comes a separator "\x02C" (C: the next run's first character).
// A query yields a run's bigrams, or the marker of a 1-character run. Two bigrams at consecutive
// positions always come from one run, so the phrase of a run's bigrams matches exactly the
// documents containing that run, and a marker exactly the documents containing the character
// (a prefix query "X*" would do too, but merges every bigram starting with X: 0.6 s for 的).
#pragma once
#include <sqlite3.h>

#include <cstddef>
#include <cstdint>

#include "common/status.h"

namespace gk::catalogue {

Status register_sqlite_extensions(sqlite3* db);

// BM25 document lengths by seq (seq_of_rowid, index.h); rows outside it ask FTS5.
struct RowLengths {
  const uint32_t* len = nullptr;
  size_t size = 0;
};

// What gk_score(table, args) needs besides the row, handed over as one pointer argument
// (sqlite3_bind_pointer, type kScoreArgsType): SQL functions take at most 127 arguments, and a
// query may have more phrases than that.
struct ScoreArgs {
  RowLengths lengths;
  const int* group = nullptr;    // per phrase of the MATCH expression: its query group, -1 if excluded
  const double* idf = nullptr;   // per phrase
  size_t phrases = 0;            // the first `phrases` phrases are scored
  // Average row length, taken by the first call: FTS5 reads its totals from the index again on
  // every xRowCount/xColumnTotalSize (a blob read per scored row: ~6 % of a query). They cannot
  // change while the caller's read transaction lasts, so one ScoreArgs serves one search.
  mutable double avg_length = -1;
};
inline constexpr const char* kScoreArgsType = "gk_score_args";

}  // namespace gk::catalogue
