#include "archive/ingest/audit_hook.h"

#include <cstdlib>
#include <filesystem>
#include <optional>
#include <vector>

#include "archive/audit/head.h"
#include "archive/audit/log.h"
#include "archive/ocfl/fsutil.h"
#include "archive/ocfl/json.h"
#include "archive/ocfl/rules.h"
#include "archive/ocfl/store.h"
#include "common/digest.h"
#include "common/files.h"

namespace fs = std::filesystem;

namespace gk::ingest {

namespace {

std::string public_key_dir(const std::string& root) { return root + "/extensions/" + kSigningExtension; }
std::string config_path(const std::string& root) { return root + "/" + audit::kSigningConfig; }

// A path from config.json: absolute, or relative to the storage root.
std::string resolve(const std::string& root, const std::string& p) {
  return fs::path(p).is_absolute() ? p : (fs::path(root) / p).lexically_normal().string();
}

// Refuses a key whose public half is not published in the root: heads it signs could not be
// verified by anyone holding only the archive.
Status check_published(const std::string& root, const audit::PrivateKey& key, const std::string& where) {
  std::string pub = public_key_dir(root) + "/" + key.fingerprint() + ".pem";
  if (!fs::exists(pub))
    return make_error("signing key " + key.fingerprint() + " is not one of this archive's public keys (" +
                          public_key_dir(root) + "); use the key made by `gongkai archive keygen`",
                      where);
  return {};
}

}  // namespace

std::string default_key_path(const std::string& root) {
  fs::path r = fs::absolute(root).lexically_normal();
  if (!r.has_filename()) r = r.parent_path();
  return (r.parent_path() / (r.filename().string() + ".audit-key.pem")).string();
}

Result<std::optional<audit::PrivateKey>> load_signing_key(const std::string& root, const std::string& explicit_path,
                                                          const std::string& option) {
  std::string path, source;
  if (!explicit_path.empty()) {
    path = explicit_path;
    source = option;
  } else if (const char* env = std::getenv("GONGKAI_KEY"); env && *env) {
    path = env;
    source = "GONGKAI_KEY";
  } else if (fs::exists(config_path(root))) {
    auto text = gk::read_file(config_path(root));
    if (!text) return text.error();
    auto j = ocfl::parse_json(*text);
    const ocfl::Json* k = j && j->is_object() ? j->find("signing_key") : nullptr;
    if (!k || !k->is_string()) return make_error("no \"signing_key\" path in the audit configuration", config_path(root));
    path = resolve(root, k->str());
    source = config_path(root);
  } else {
    return std::optional<audit::PrivateKey>{};
  }
  auto key = audit::PrivateKey::load(path);
  if (!key) return make_error("cannot load the signing key named by " + source + ": " + key.error().str());
  if (auto s = check_published(root, *key, path); !s) return s.error();
  return std::optional<audit::PrivateKey>(std::move(*key));
}

namespace {

void set_actor(audit::Entry& e) {
  if (!e.actor.empty()) return;
  const char* user = std::getenv("USER");
  e.actor = user && *user ? user : "gongkai";
}

// A signing writer never signs over entries it did not write and no head covers: they are what a
// crash between an append and its signature leaves, or what tampering leaves after removing the
// heads that covered altered entries; signing them would launder the change. A log without any
// head is refused too: keygen, the one way an archive gets a key, signs one over its key-rotate
// entry, so the heads were removed (emptying heads.jsonl let the next writer sign over a forged
// entry: a black-box review). keygen itself asks only when a head exists (an archive that adopts
// a key: its first head covers every unsigned entry).
// With `signer` (a writer's key; keygen passes none), the latest head must also verify with it: a
// head line signed by another key, or by none, would otherwise count as signed and let the
// writer's head cover a forged entry (a review put its own key and head in; verify then passed).
Status require_covered_tail(const audit::AuditLog& log, const std::string& root, const audit::PrivateKey* signer) {
  const auto& head = log.latest_head();
  if (!head) {
    uint64_t n = log.size();
    if (n == 0)
      return make_error("the audit log is empty though this archive has a signing key: keygen stopped before logging it, or "
                        "the log was emptied; nothing was written. Check the archive with `gongkai archive verify " + root +
                        "`, then `gongkai audit recover " + root + "` logs the key and signs");
    return make_error("the audit log has " + std::to_string(n) + " entr" + (n == 1 ? "y" : "ies") +
                      " and no signed tree head, though this archive has a signing key (keygen signs one over its "
                      "key-rotate entry): heads were removed, or keygen stopped before signing; nothing was written. "
                      "Check the archive with `gongkai archive verify " + root + "`, then sign them with `gongkai audit recover " +
                      root + "`");
  }
  if (signer)
    if (auto s = audit::verify_head(*head, signer->public_key(), audit::audit_dir(root) + "/" + audit::kHeadsFile); !s)
      return make_error("the latest tree head of the audit log is not signed by this archive's key (" + s.error().message +
                        "): a head was added or altered to cover entries; nothing was written. `gongkai archive verify " +
                        root + "` names it");
  if (log.size() <= head->size) return {};
  uint64_t n = log.size() - head->size;
  return make_error("the audit log has " + std::to_string(n) + " entr" + (n == 1 ? "y" : "ies") + " after its last signed head (seq " +
                    std::to_string(head->size) + (n > 1 ? " to " + std::to_string(log.size() - 1) : std::string()) +
                    "), left by a crash between an append and its signature or by removing heads; nothing was written. "
                    "Check the archive with `gongkai archive verify " + root + "`, then sign them with `gongkai audit recover " +
                    root + "`");
}

}  // namespace

Status check_log_before_write(const std::string& root, const audit::PrivateKey* key) {
  const std::string dir = audit::audit_dir(root);
  const std::string tail = "; nothing was written. `gongkai archive verify " + root + "` names what changed";
  // A removed log.jsonl would be created empty by the writer's own open, which then fails (its
  // heads cover entries it no longer has) only after the commit; checked without opening the log,
  // so a writer without a key still takes no lock of it before its commit.
  // The heads file first: AuditLog::open creates the log, then the heads, so a first writer at
  // work beside this one never shows heads without a log, nor heads missing beside a log with
  // entries (its new log is empty).
  std::error_code ec;
  const std::string heads = (fs::path(dir) / audit::kHeadsFile).string(), log_path = (fs::path(dir) / audit::kLogFile).string();
  const bool heads_exist = fs::exists(heads, ec);
  const bool log_exists = fs::exists(log_path, ec);
  if (!heads_exist && log_exists && fs::file_size(log_path, ec) > 0 && !ec)
    return make_error(std::string(audit::kHeadsFile) + " is missing although " + audit::kLogFile +
                          " holds entries: the signed tree heads were removed; nothing was written. Check the archive with "
                          "`gongkai archive verify " + root + "`, then `gongkai audit recover " + root + "` signs the log again",
                      heads);
  if (!log_exists) {
    if (heads_exist)
      return make_error(std::string(audit::kLogFile) + " is missing although its signed tree heads are here: the log was removed" + tail,
                        heads);
    if (key)  // keygen made the log and signed its first head
      return make_error(std::string(audit::kLogFile) + " and " + audit::kHeadsFile +
                            " are missing though this archive has a signing key: the audit log was removed" + tail,
                        dir);
    return {};
  }
  if (!key) return {};
  auto log = audit::AuditLog::open(dir, audit::OpenOptions{true, false});
  if (!log) {
    // A torn last line: the writer's own open repairs it. Anything else (entries altered or
    // truncated under a signed head) would fail only after the commit, leaving versions the log
    // cannot record: refuse now.
    if (log.error().message.rfind("incomplete final line", 0) == 0) return {};
    Error e = log.error();
    e.message += tail;
    return e;
  }
  return require_covered_tail(*log, root, key);
}

Status check_versions_not_logged(const ocfl::Store& store, const std::vector<ocfl::NewVersion>& versions) {
  const std::string& root = store.root();
  std::vector<std::pair<std::string, std::string>> planned;
  for (const auto& v : versions)
    if (v.expected_number > 0) planned.emplace_back(v.object_id, ocfl::version_name(v.expected_number));
  auto found = audit::find_version_entries(audit::audit_dir(root), planned);
  if (!found) return found.error();
  for (const audit::LoggedVersion& f : *found) {
    // Another writer of the object committed and logged that number since this one prepared
    // (the objects are locked only inside add_versions): a conflict, which the caller retries,
    // not a lost version (found by a code review).
    auto inv = store.inventory(f.object);
    auto number = ocfl::parse_version_name(f.version);
    if (inv && number && inv->head_number() >= number->number)
      return make_error("object '" + f.object + "' was " + ocfl::kConcurrentChange + " (" + f.version + ")");
  }
  if (found->empty()) return {};
  const audit::LoggedVersion& f = found->front();
  return make_error("the audit log already records " + f.version + " of object '" + f.object + "' (entry seq " +
                    std::to_string(f.seq) + "), which the store does not have: the object was put back from an older "
                    "copy or the version removed; nothing was written. Restore the version from a backup (`gongkai "
                    "archive verify " + root + "` names what is missing)");
}

Result<uint64_t> log_operation(const std::string& root, audit::Entry e, const audit::PrivateKey* key) {
  set_actor(e);
  // The store's write lock first, shared, as version writers take it: `audit recover` and keygen
  // hold it exclusively, and the log with it, for as long as they scan; waiting here (announced
  // after 2 s) beats failing after the log's 10 s with the operation done but not logged.
  // Without the staging directory no writer of this protocol has run, and nothing is to wait for.
  std::optional<ocfl::fsx::FileLock> writing;
  std::error_code ec;
  if (std::string lock = ocfl::Store::write_lock_path(root); fs::is_directory(fs::path(lock).parent_path(), ec)) {
    auto w = ocfl::fsx::FileLock::acquire(lock, false, true);
    if (!w) return w.error();
    writing.emplace(std::move(*w));
  }
  // recover: as every writer does, cut a torn last line that no signed head covers.
  auto log = audit::AuditLog::open(audit::audit_dir(root), audit::OpenOptions{false, true});
  if (!log) return log.error();
  if (key)
    if (auto s = require_covered_tail(*log, root, key); !s) return s.error();
  auto seq = log->append(std::move(e));
  if (!seq) return seq.error();
  if (key)
    if (auto h = log->sign_head(*key); !h) return h.error();
  return seq;
}

namespace {

// Where a new private key would really land: the parent directory with symlinks resolved, plus
// the file name (or a symlink's target), so a link into the root cannot smuggle the key in.
Result<std::string> real_key_path(const fs::path& p, int depth = 0) {
  std::error_code ec;
  fs::path dir = fs::canonical(p.parent_path(), ec);
  if (ec) return make_error("cannot resolve the key's directory: " + ec.message(), p.parent_path().string());
  fs::path real = dir / p.filename();
  if (!fs::is_symlink(real, ec)) return real.string();
  // A link, maybe dangling (which canonical cannot follow): where its target would be written.
  fs::path target = fs::read_symlink(real, ec);
  if (ec || depth > 8) return make_error("cannot resolve the symbolic link", p.string());
  return real_key_path((target.is_absolute() ? target : dir / target).lexically_normal(), depth + 1);
}

bool inside(const std::string& path, const std::string& dir) { return path == dir || path.rfind(dir + "/", 0) == 0; }

// Removes what a keygen made when its key-rotate entry could not be appended: nothing in the log
// refers to these files yet, and leaving config.json would make an unlogged key the archive's.
void undo_keygen(const std::vector<std::string>& made) {
  std::error_code ec;
  for (auto it = made.rbegin(); it != made.rend(); ++it) fs::remove(*it, ec);
}

}  // namespace

Result<KeygenResult> keygen(const std::string& root, const std::string& private_path) {
  auto store = ocfl::Store::open(root);
  if (!store) return store.error();
  KeygenResult r;
  bool is_default = private_path.empty();
  r.private_path = is_default ? default_key_path(root) : fs::absolute(private_path).lexically_normal().string();
  std::error_code ec;
  std::string root_real = fs::canonical(root, ec).string();
  if (ec) return make_error("cannot resolve the storage root: " + ec.message(), root);
  auto real = real_key_path(r.private_path);
  if (!real) return real.error();
  std::string root_abs = fs::absolute(root).lexically_normal().string();
  if (inside(r.private_path, root_abs) || inside(*real, root_real))
    return make_error("the private key must be kept outside the storage root (the archive may be copied or published)" +
                          (*real != r.private_path ? "; this path resolves to " + *real : std::string()),
                      r.private_path);
  const Error has_key = make_error("this archive already has a signing key; keys are never replaced by keygen", config_path(root));
  if (fs::exists(config_path(root))) return has_key;  // checked again under the lock below
  if (fs::exists(fs::symlink_status(r.private_path, ec)))
    return make_error("already exists; a key is never overwritten", r.private_path);
  // The audit log's exclusive lock is what every writer of the archive as a whole holds (log
  // appends, audit recover): held from the check below to the entry, a second keygen waits here
  // and then finds this one's config.json instead of racing it (found by a black-box review).
  // The store's write lock first (the order writers take them in): versions being committed by a
  // writer that found no key are logged before the key exists, and later writers find it.
  auto writing = ocfl::fsx::FileLock::acquire(ocfl::Store::write_lock_path(root), true, true);
  if (!writing) return writing.error();
  auto log = audit::AuditLog::open(audit::audit_dir(root), audit::OpenOptions{false, true});
  if (!log) return log.error();
  if (fs::exists(config_path(root))) return has_key;
  // config.json removed: the log still says which key the archive has.
  std::optional<uint64_t> rotated;
  if (auto s = log->for_each_entry([&](const audit::Entry& e) {
        if (e.action == audit::kActionKeyRotate && !rotated) rotated = e.seq;
        return Status{};
      });
      !s)
    return s.error();
  if (rotated)
    return make_error("this archive already has a signing key (key-rotate entry seq " + std::to_string(*rotated) +
                          ", although config.json is missing); keys are never replaced by keygen",
                      config_path(root));
  if (log->latest_head())  // a root whose config.json was removed: refuse before making anything
    if (auto s = require_covered_tail(*log, root, nullptr); !s) return s.error();
  if (auto s = ocfl::fsx::make_dirs(public_key_dir(root)); !s) return s.error();
  std::string tmp_pub = public_key_dir(root) + "/new-" + ocfl::fsx::random_token() + ".tmp";
  auto pub = audit::generate_keypair(r.private_path, tmp_pub);
  if (!pub) {
    // A failure naming the public file came after the private key was written: ours to remove.
    if (pub.error().file == tmp_pub) undo_keygen({r.private_path, tmp_pub});
    return pub.error();
  }
  r.fingerprint = pub->fingerprint();
  r.public_path = public_key_dir(root) + "/" + r.fingerprint + ".pem";
  std::vector<std::string> made{r.private_path, tmp_pub};
  auto fail = [&](const Error& e) -> Result<KeygenResult> {
    undo_keygen(made);
    return make_error("no key was made: " + e.str());
  };
  if (auto s = ocfl::fsx::rename_path(tmp_pub, r.public_path); !s) return fail(s.error());
  made.back() = r.public_path;
  ocfl::Json::Object cfg;
  // Relative to the root for the default location, so that root and key can be moved together.
  cfg["signing_key"] = is_default ? "../" + fs::path(r.private_path).filename().string() : r.private_path;
  cfg["public_key"] = std::string("extensions/") + kSigningExtension + "/" + r.fingerprint + ".pem";
  std::string cfg_text = ocfl::write_json(ocfl::Json(std::move(cfg)));
  made.push_back(config_path(root));
  if (auto s = gk::write_file_atomic(config_path(root), cfg_text); !s) return fail(s.error());
  if (auto s = gk::sync_directory(public_key_dir(root)); !s) return fail(s.error());
  // The key's arrival is itself logged, signed by the new key: the entry pins config.json.
  auto key = audit::PrivateKey::load(r.private_path);
  if (!key) return fail(key.error());
  audit::Entry e = key_rotate_entry(cfg_text, r.fingerprint);
  set_actor(e);
  if (auto seq = log->append(std::move(e)); !seq) return fail(seq.error());
  // From here the log names the key: keep it, and say how to finish.
  if (auto h = log->sign_head(*key); !h)
    return make_error("the key was made and its key-rotate entry appended, but no tree head was signed (" + h.error().str() +
                      "); sign it with `gongkai audit recover " + root + "`");
  return r;
}

audit::Entry key_rotate_entry(const std::string& config_json, const std::string& fingerprint) {
  audit::Entry e;
  e.action = audit::kActionKeyRotate;
  e.digests = {{"sha512", digest_hex(DigestAlgorithm::sha512, config_json)}, {"sm3", digest_hex(DigestAlgorithm::sm3, config_json)}};
  e.detail = {{"fingerprint", fingerprint},
              {"public-key", std::string("extensions/") + kSigningExtension + "/" + fingerprint + ".pem"},
              {"digests-of", audit::kSigningConfig}};
  return e;
}

CommittedVersion committed_version(const std::string& object_id, const std::string& version, const std::string& action,
                                   const Metadata& meta, const FileDigests& metadata_digests) {
  CommittedVersion c{object_id, version, action, meta.user_address.empty() ? meta.user_name : meta.user_address,
                     metadata_digests, {}};
  c.detail["status"] = meta.status;
  c.detail["user"] = meta.user_name;
  c.detail["message"] = meta.message;
  for (const auto& [path, d] : meta.files) {
    c.detail["sha512:" + path] = d.sha512;
    c.detail["sm3:" + path] = d.sm3;
  }
  return c;
}

audit::Entry audit_entry(const CommittedVersion& v) {
  audit::Entry e;
  e.actor = v.actor;
  e.action = v.action;
  e.object = v.object_id;
  e.version = v.version;
  e.digests = {{"sha512", v.metadata.sha512}, {"sm3", v.metadata.sm3}};
  e.detail = v.detail;
  return e;
}

Status after_commit(const std::string& root, const std::vector<CommittedVersion>& versions, const audit::PrivateKey* key) {
  if (versions.empty()) return {};
  // recover: a writer killed mid-append left a torn last line that no signed head covers.
  auto log = audit::AuditLog::open(audit::audit_dir(root), audit::OpenOptions{false, true});
  if (!log) return log.error();
  if (key)
    if (auto s = require_covered_tail(*log, root, key); !s) return s;
  std::vector<audit::Entry> entries;
  entries.reserve(versions.size());
  for (const auto& v : versions) entries.push_back(audit_entry(v));
  // One write and one fsync for the whole group (a batch of 1,000 versions is one flush).
  if (auto r = log->append_all(std::move(entries)); !r) return r.error();
  if (key)
    if (auto h = log->sign_head(*key); !h) return h.error();
  return {};
}

}  // namespace gk::ingest
