// The record of a catalogue's last full check (docs/search.md, "Trusting the catalogue"): a small
// file "<catalogue>.checked" beside it. A full check reads the whole catalogue (quick_check: 2 s
// at 1.8 GB) and walks the storage root (2 s at 20,000 objects), far more than a search; the
// stamp lets the next open skip both while neither the catalogue nor the store has changed.
//
// What "changed" means: the catalogue file's identity, size, mtime and ctime; the mtimes and
// ctimes of the storage root and of its staging directory (every commit through ocfl::Store
// creates and removes a txn-* directory there); the audit log's identity, size, mtime and ctime
// (a restore or mirror of a newer archive brings its log, and sets mtimes back, never ctimes).
// A stamp is honoured for an hour at most, so a store changed by other tools than gongkai without
// any of these (one object's folder copied in by hand) is noticed within the hour.
#pragma once
#include <string>

#include "archive/ocfl/store.h"

namespace gk::catalogue {

// The state the stamp compares, read before a check starts (so a commit during the check makes
// the stamp stale, never falsely fresh). `state` is empty when any part cannot be read.
// `settled`: every time in it was at least 2 s old when read. Only such a state may be recorded:
// a change within the file system's timestamp granularity (milliseconds) of the last one could
// keep the same mtime, and the observation must come after that window has closed.
struct Observed {
  std::string state;
  bool settled = false;
};
Observed observe(const ocfl::Store& store, const std::string& catalogue_path);

// True when "<catalogue>.checked" holds this state, written less than an hour ago.
bool stamp_matches(const std::string& catalogue_path, const Observed& now);

// Records the state observed before a full check that found nothing to repair, if settled.
// Failing to write (a read-only directory) is not an error: the next open checks in full.
void write_stamp(const std::string& catalogue_path, const Observed& before);

}  // namespace gk::catalogue
