// The catalogue of an OCFL storage root (docs/search.md): derived data, rebuilt from the objects
// alone, kept current by the write path, and checked before it answers.
//
// Canonical order: versions are appended in order of (created time in UTC, taken as the maximum
// over the object's versions so far; object id; version number). Consecutive entries with the
// same created time form one group, written in one transaction (index.h): a batch ingest that
// gives its versions one created time is one transaction. index_versions() appends when its new
// versions start a new group after the last one indexed (the normal case: new commits are
// newest), and otherwise rebuilds the file. A rebuild appends the same entries in the same order
// and the same groups, so reindex and the incremental path give byte-identical files.
#pragma once
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "archive/catalogue/index.h"
#include "archive/catalogue/search.h"
#include "archive/ocfl/store.h"
#include "common/status.h"

namespace gk::catalogue {

// Default location: beside the storage root, "<parent>/<root name>.catalogue.sqlite", so the
// OCFL root holds only OCFL content and the catalogue is never copied as if it were archival.
std::string default_path(const std::string& ocfl_root);

// An error unless `path` may hold this store's catalogue: it is outside the storage root, and a
// file already there is an SQLite database (or empty). Anything else ("--catalogue key.pem") would
// be taken for a damaged catalogue and replaced. At the default path any file counts as a
// damaged catalogue (nothing else lives there), and is rebuilt.
Status check_catalogue_path(const ocfl::Store& store, const std::string& path);

// The newest group of the catalogue at `path` (default_path when empty): its epoch second and
// the number of versions indexed; zeros when the catalogue is missing, empty or unreadable. A
// version created in that second would continue a committed group, which only a full rebuild
// can place (same bytes as a reindex): writers start after it (ingest, created_after_catalogue).
struct CatalogueTail {
  int64_t last_second = 0;
  int64_t versions = 0;
};
CatalogueTail catalogue_tail(const ocfl::Store& store, const std::string& path = {});

// Reads one version of an object into an Entry: metadata.json when present (catalogue fields and
// status), else status 发布 and the catalogue of record.xml; text from record.xml's body, or the
// text of document.pdf (pdftotext) when the record has no body.
Result<Entry> read_entry(const ocfl::Store& store, const ocfl::Inventory& inv, int version);

// "<algorithm>:<hex>" from the inventory sidecar in `dir` (an object root or a vN directory), ""
// when it cannot be read: what Entry::inventory_digest holds.
std::string inventory_digest_of(const std::string& dir, const std::string& algorithm);

// Adds these versions (and any earlier unindexed versions of the same objects) to the catalogue
// at `path` (default_path when empty), creating it if missing. Idempotent. Serialised between
// processes by a lock file "<path>.lock". Entries are read and written one at a time (memory
// does not grow with the number of versions); call it once per batch so a batch is one group.
Status index_versions(const ocfl::Store& store, const std::vector<std::pair<std::string, int>>& object_versions,
                      const std::string& path = {});

struct RebuildReport {
  int64_t objects = 0, versions = 0;
};
// Builds the catalogue from the store into a temporary file and renames it over `path`.
Result<RebuildReport> rebuild(const ocfl::Store& store, const std::string& path = {});

struct CheckReport {
  bool current = false;  // the catalogue's bytes equal a rebuild's
  int64_t versions = 0;  // versions the rebuild indexed
  std::string why;       // when not current and its header tells why: "it was written by another version ..."
};
// `reindex --check`: rebuilds the catalogue into a scratch file beside `path` (or in the temp
// directory when that directory is not writable: an inspector's read-only copy) and compares
// bytes. The scratch file is locked while in use ("<scratch>.lock") and removed afterwards;
// those of checks that were killed are removed by the next check and by every writer. Writers
// go on meanwhile; a catalogue one of them changed during the check is checked again (up to 3
// times, then an error). `after_rebuild` (tests) runs between the rebuild and the comparison.
Result<CheckReport> check_rebuild(const ocfl::Store& store, const std::string& path = {},
                                  const std::function<void()>& after_rebuild = {});

// Builds a catalogue file from entries (sorted here into canonical order); used by rebuild and
// by the benchmark, which indexes without OCFL.
Status build_file(std::vector<Entry> entries, const std::string& path, bool durable);

// Canonical order key of an entry (see above); `created_max` is the RFC 3339 time to use.
std::string order_key(const std::string& created_max, const std::string& object_id, int version);
// The key of version n of an object (created_max over its versions 1..n).
std::string version_key(const ocfl::Inventory& inv, int n);
// What tells one content of version n from another under the same number (a store restored from
// a backup and written again): the digest read_entry records (record.xml's, else document.pdf's)
// and the version's created time, as Index::identity_of gives them. "" when there is no version n.
std::string version_identity(const ocfl::Inventory& inv, int n);

struct OpenReport {
  std::vector<std::string> notices;  // what was repaired, one line each, for stderr
  bool full_check = true;            // false: the check stamp showed nothing changed since the last
};

// Opens the catalogue of `store` for reading after making sure it can be trusted: a missing,
// damaged (not a catalogue, SQLite quick_check fails) or stale (objects or versions in the
// store it does not hold) catalogue is rebuilt or brought up to date, and `report` says so.
// A full check that finds nothing to repair is recorded in "<path>.checked" (check_stamp.h);
// while neither the catalogue nor the store changes, later opens skip it for up to an hour.
// Also adds damage_notice's line when the catalogue holds damaged versions.
Result<Index> open_checked(const ocfl::Store& store, const std::string& path, OpenReport& report);

// "" when no version of the catalogue is damaged (Entry::damage), else one line naming them (the
// first three) and what to do, for stderr: searches answer from the rest and say so.
std::string damage_notice(const Index& ix, const std::string& ocfl_root);

}  // namespace gk::catalogue
