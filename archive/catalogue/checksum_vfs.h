// Page checksums for the catalogue file: an SQLite VFS shim over the default one. SQLite's own
// checks (quick_check) see the b-tree structure, not the bytes inside a page: one changed bit in
// an FTS5 index leaf or a stored text gave wrong results silently. A catalogue created with
// kChecksumReserve reserved bytes per page carries, in those bytes, XXH3-64 of the rest of the
// page seeded with its page number (a page written to the wrong place fails too).
//
// Contract: every full-page read of a main database whose header says kChecksumReserve reserved
// bytes is verified; a mismatch fails the read with SQLITE_IOERR_DATA, and
// last_checksum_failure() names the page. Every full-page write of such a file gets its
// checksum. Other files (journals, temp files, databases with other reserves) pass through
// untouched. Memory-mapped pages are checked when first fetched; a page checked once is not
// hashed again until the header's change counter moves (every commit moves it).
// Checksums depend on the page's bytes only, so equal catalogues stay byte-for-byte equal.
#pragma once
#include <sqlite3.h>

#include <string>

#include "common/status.h"

namespace gk::catalogue {

constexpr int kChecksumReserve = 8;
constexpr const char* kChecksumVfs = "gk-checksum";

// Registers the VFS (not as the default); idempotent and thread-safe.
Status register_checksum_vfs();

// "page 50 of FILE fails its checksum" for the last failure in this thread, or "" if none.
std::string last_checksum_failure();
void forget_checksum_failure();

// The message for a failed SQLite call: the checksum failure when that was the cause (SQLite
// itself says only "disk I/O error"), else sqlite3_errmsg; made safe for one line of a
// terminal (a damaged schema's bytes reach the message).
std::string db_error(sqlite3* db);

}  // namespace gk::catalogue
