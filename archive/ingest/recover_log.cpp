// `gongkai audit recover`: entries for the versions a crash left between commit and audit append
// (contract in audit_hook.h).
#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <map>
#include <tuple>

#include "archive/ingest/audit_hook.h"
#include "archive/audit/log.h"
#include "archive/ingest/ingest.h"
#include "archive/ocfl/fsutil.h"
#include "archive/ocfl/rules.h"
#include "common/files.h"
#include "archive/ocfl/store.h"
#include "archive/verify/entries.h"
#include "common/digest.h"

namespace gk::ingest {

namespace fs = std::filesystem;

Result<LogRecovery> log_unlogged_versions(const std::string& root, const audit::PrivateKey* key, bool lost_log) {
  auto store = ocfl::Store::open(root);
  if (!store) return store.error();
  const std::string dir = audit::audit_dir(root);
  const std::string log_path = dir + "/" + audit::kLogFile, heads_path = dir + "/" + audit::kHeadsFile;
  std::error_code ec;
  const bool log_exists = fs::exists(log_path, ec), heads_exist = fs::exists(heads_path, ec);
  // Removed files (found by a black-box review), decided before the open creates anything: the
  // heads alone removed is a headless log, which this signs once it is checked; the log removed
  // beside its heads lost its history, which only a backup brings back.
  if (!log_exists && heads_exist)
    return make_error(std::string(audit::kLogFile) + " is missing although its signed tree heads are here: the log's history "
                                                     "is lost; restore it from a backup (nothing was written)",
                      heads_path);
  // An empty (or missing) log while the store holds versions is a log removed or emptied, not
  // keygen's crash: its history is lost, and a new one is written only when asked for.
  auto empty_or_missing = [&](const std::string& p) { return !fs::exists(p, ec) || fs::file_size(p, ec) == 0; };
  bool new_log = false;
  if (key && empty_or_missing(log_path) && empty_or_missing(heads_path)) {
    auto ids = store->list_objects();
    if (!ids) return ids.error();
    if (!ids->empty() && !lost_log)
      return make_error("the audit log is empty but the store holds " + std::to_string(ids->size()) +
                        " object(s): the log was removed or emptied and its history is lost; restore " + audit::kLogFile +
                        " and " + audit::kHeadsFile + " from a backup, or start a new log from the store with `gongkai "
                        "audit recover " + root + " --lost-log` (every entry marked recovered); nothing was written");
    new_log = !ids->empty();
  }
  if (log_exists && !heads_exist)
    if (auto s = write_file_atomic(heads_path, ""); !s) return s.error();
  // The store's write lock first, exclusively (the order writers take them in): a writer holds it
  // shared from its commit to its entry, so no version found now is still on its way to the log
  // (without it, a version of a long batch could be logged twice: here and by its writer).
  auto writing = ocfl::fsx::FileLock::acquire(ocfl::Store::write_lock_path(root), true, true);
  if (!writing) return writing.error();
  // Then the log for writing: its lock keeps other appends out while the versions are compared
  // with the entries.
  auto log = audit::AuditLog::open(audit::audit_dir(root), audit::OpenOptions{false, true});
  if (!log) return log.error();
  // keygen killed between writing config.json and logging its key leaves a key and an empty log:
  // every signing writer refuses that (audit_hook.h), and this finishes keygen's entry.
  const uint64_t size_before = log->size();
  const bool out_new_log = new_log;
  bool logged_key = false;
  if (key && log->size() == 0 && !log->latest_head()) {
    auto cfg = gk::read_file(root + "/" + audit::kSigningConfig);
    if (!cfg) return cfg.error();
    audit::Entry e = key_rotate_entry(*cfg, key->fingerprint());
    const char* user = std::getenv("USER");
    e.actor = user && *user ? user : "gongkai";
    e.detail["recovered"] = "logged by audit recover at " + audit::now_rfc3339_utc() +
                            (out_new_log ? ": a new log, the old one was lost" : ": keygen stopped before its entry");
    if (auto seq = log->append(std::move(e)); !seq) return seq.error();
    logged_key = true;
  }
  auto index = verify::LogIndex::build(*log);
  if (!index) return index.error();
  auto ids = store->list_objects();
  if (!ids) return ids.error();
  struct Found {
    int64_t created;
    std::string object;
    int number;
    CommittedVersion version;
  };
  std::vector<Found> found;
  LogRecovery out;
  out.store = store->recovery();
  // Metadata is read only for unlogged versions (and the version before each, for the action).
  auto read_meta = [&](const ocfl::Inventory& inv, const std::string& name) -> Result<std::pair<std::string, Metadata>> {
    auto text = store->read_file(inv, name, kMetadataFile);
    if (!text) return make_error("object '" + inv.id + "' " + name + ": no readable " + kMetadataFile + ": " + text.error().message);
    auto meta = Metadata::from_json(*text, inv.id + " " + name + "/" + kMetadataFile);
    if (!meta) return meta.error();
    return std::make_pair(std::move(*text), std::move(*meta));
  };
  const char* login = std::getenv("USER");
  for (const auto& id : *ids) {
    auto inv = store->inventory(id);
    if (!inv) return inv.error();
    for (const auto& [n, ver] : inv->versions) {
      std::string name = ocfl::version_name(n);
      if (!index->find(id, name).empty()) continue;
      int64_t created = ocfl::rfc3339_epoch(ver.created);
      auto m = read_meta(*inv, name);
      if (!m) return m.error();
      bool same_files = false;
      if (n > 1) {
        auto before = read_meta(*inv, ocfl::version_name(n - 1));
        if (!before) return before.error();
        same_files = m->second.files == before->second.files;
      }
      CommittedVersion c = committed_version(id, name, same_files ? audit::kActionStatusChange : audit::kActionVersionAdd,
                                             m->second, digest_of(m->first));
      // The action is inferred: `archive add --status` with unchanged files also makes such a version.
      c.detail["recovered"] = std::string(out_new_log ? "logged into a new audit log (the old one was lost) for the commit of "
                                                      : "logged after a crash between commit (") +
                              ver.created + (out_new_log ? ", by " : ") and audit append, by ") +
                              (login && *login ? login : "gongkai") + " at " + audit::now_rfc3339_utc() +
                              "; action inferred from the files (" +
                              (same_files ? "the same as the previous version's" : "changed") + ")";
      found.push_back({created, id, n, std::move(c)});
    }
  }
  std::sort(found.begin(), found.end(), [](const Found& a, const Found& b) {
    return std::tie(a.created, a.object, a.number) < std::tie(b.created, b.object, b.number);
  });
  // Entries after the last signed head (a crash before the signature, or removed heads: verify
  // tells which): the operator has checked them by running this, so the new head covers them. No
  // head at all with a key: keygen's was removed (writers refuse such a log), so all of them.
  const auto& head = log->latest_head();
  if (key) out.signed_tail = size_before - (head ? std::min(head->size, size_before) : 0);  // entries found unsigned
  out.logged_key = logged_key;
  out.new_log = out_new_log;
  if (found.empty()) {
    if (key && (out.signed_tail > 0 || logged_key))
      if (auto h = log->sign_head(*key); !h) return h.error();
    return out;
  }
  std::vector<audit::Entry> entries;
  for (auto& f : found) {
    entries.push_back(audit_entry(f.version));
    out.logged.push_back(std::move(f.version));
  }
  if (auto r = log->append_all(std::move(entries)); !r) return r.error();
  if (key)
    if (auto h = log->sign_head(*key); !h) return h.error();
  return out;
}

}  // namespace gk::ingest
