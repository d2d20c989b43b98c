// SQLite extension points used by the catalogue: the "gk_bigram" FTS5 tokenizer and the
// gk_contains(text, folded_term) SQL function. Register both on every connection.
//
// Tokenizer contract (docs/search.md): for each run of word characters c0..cN-1 (text.h), a
// document yields the overlapping bigrams c0c1, c1c2, ... at consecutive positions followed by the
// unigram cN-1; a query yields the bigrams only (or the single character of a 1-character run).
// Two bigrams at consecutive positions therefore always come from one run, so the phrase of a
// run's bigrams matches exactly the documents containing that run; a 1-character run is found
// with a prefix query ("X" *): every occurrence of X starts a bigram or is a run's last unigram.
#pragma once
#include <sqlite3.h>

#include "common/status.h"

namespace gk::catalogue {

Status register_sqlite_extensions(sqlite3* db);

}  // namespace gk::catalogue
