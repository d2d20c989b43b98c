// gongkai audit head|prove|consistency|check: the audit log's evidence for inspectors.
// head/prove/consistency read the archive (shared lock, never write); check needs only the
// public key and the files, so an inspector can run it on another machine.
#include <iostream>

#include "archive/audit/log.h"
#include "archive/ingest/audit_hook.h"
#include "archive/verify/entries.h"
#include "cli/command.h"
#include "cli/options.h"
#include "common/files.h"

using namespace gk;

namespace {

const char* kHeadHelp =
    "usage: gongkai audit head ROOT [--out FILE]\n"
    "Prints (or writes) the latest signed tree head of the archive's audit log.\n";
const char* kProveHelp =
    "usage: gongkai audit prove ROOT ID VERSION [--out FILE]\n"
    "Inclusion proof that the log entry of object ID, version VERSION is in the log of the latest\n"
    "signed tree head (write that head with `gongkai audit head`).\n";
const char* kConsistencyHelp =
    "usage: gongkai audit consistency ROOT OLD_HEAD_FILE [--out FILE]\n"
    "Consistency proof that the log of the latest signed head extends the log of OLD_HEAD_FILE.\n";
const char* kRecoverHelp =
    "usage: gongkai audit recover ROOT [--key PATH] [--lost-log]\n"
    "Logs the versions a crash left without an audit entry (committed, then interrupted before the\n"
    "append; `gongkai archive verify` reports them as unlogged). Each entry is rebuilt from the\n"
    "version's metadata.json and marked \"recovered\" with who logged it and when; then a tree head\n"
    "is signed. It waits for writers in progress (they hold the store's write lock from commit to\n"
    "entry), so it may run at any time. Opening the store first finishes or discards the transactions\n"
    "interrupted writes left in extensions/gongkai-staging/ (listed as it does so).\n"
    "Entries no signed head covers (heads removed, or a crash before signing) are signed once the\n"
    "archive is checked. A log removed or emptied while the store holds versions lost its history:\n"
    "restore it from a backup, or start a new one from the store with --lost-log.\n";
const char* kCheckHelp =
    "usage: gongkai audit check --key PUB --head HEAD [--proof FILE]\n"
    "       gongkai audit check --key PUB --old-head OLD --head NEW --proof FILE\n"
    "Checks, with only the public key(s), a tree head's signature, an inclusion proof against a\n"
    "head, or a consistency proof between two heads. --key may be repeated.\n";

int usage(const std::string& why, const char* help) { return cli::fail(why + "\n" + help, cli::kUsage); }
// The command's own "needs …" unless an argument too many is what is wrong.
int usage(const cli::Options& o, size_t max, const std::string& why, const char* help) {
  std::string extra = cli::extra_argument(o, max);
  return usage(extra.empty() ? why : extra, help);
}

std::optional<cli::Options> parse(const cli::Args& a, std::set<std::string> values, const char* help, int& rc,
                                  std::set<std::string> flags = {}) {
  std::string err;
  flags.insert("help");
  auto o = cli::parse_options(a, values, flags, err);
  if (!o) rc = usage(err, help);
  else if (o->has("help")) {
    std::cout << help;
    rc = cli::kOk;
    return std::nullopt;
  }
  return o;
}

Result<audit::AuditLog> open_log(const std::string& root) {
  auto log = audit::AuditLog::open(audit::audit_dir(root), {.read_only = true});
  if (!log) return log.error();
  if (!log->latest_head()) return make_error("the audit log has no signed tree head yet", log->heads_path());
  return log;
}

int emit(const cli::Options& o, const std::string& text) {
  if (auto out = o.get("out")) {
    if (auto s = write_file_atomic(*out, text); !s) return cli::fail(s.error().str());
    return cli::kOk;
  }
  std::cout << text;
  return cli::kOk;
}

int head(const cli::Args& a) {
  int rc = 0;
  auto o = parse(a, {"out"}, kHeadHelp, rc);
  if (!o) return rc;
  if (o->positional.size() != 1) return usage(*o, 1, "audit head needs ROOT", kHeadHelp);
  auto log = open_log(o->positional[0]);
  if (!log) return cli::fail(log.error().str());
  return emit(*o, log->latest_head()->file_text());
}

int prove(const cli::Args& a) {
  int rc = 0;
  auto o = parse(a, {"out"}, kProveHelp, rc);
  if (!o) return rc;
  if (o->positional.size() != 3) return usage(*o, 3, "audit prove needs ROOT ID VERSION", kProveHelp);
  auto log = open_log(o->positional[0]);
  if (!log) return cli::fail(log.error().str());
  auto seq = verify::find_version_entry(*log, o->positional[1], o->positional[2]);
  if (!seq) return cli::fail(seq.error().str());
  if (*seq >= log->latest_head()->size)
    return cli::fail("the entry of " + o->positional[1] + " " + o->positional[2] + " (seq " + std::to_string(*seq) +
                     ") is not yet covered by a signed tree head");
  auto proof = log->inclusion_proof(*seq);
  if (!proof) return cli::fail(proof.error().str());
  return emit(*o, proof->text());
}

int consistency(const cli::Args& a) {
  int rc = 0;
  auto o = parse(a, {"out"}, kConsistencyHelp, rc);
  if (!o) return rc;
  if (o->positional.size() != 2) return usage(*o, 2, "audit consistency needs ROOT OLD_HEAD_FILE", kConsistencyHelp);
  auto log = open_log(o->positional[0]);
  if (!log) return cli::fail(log.error().str());
  auto old = audit::read_head_file(o->positional[1]);
  if (!old) return cli::fail(old.error().str());
  if (old->size > log->latest_head()->size)
    return cli::fail(o->positional[1] + ": the old head covers " + std::to_string(old->size) +
                     " entries but the latest head only " + std::to_string(log->latest_head()->size) +
                     ": the log was truncated or the head is from another archive");
  // A proof is only meaningful if the old head is one of ours; say so here rather than leave
  // the inspector with a failing check.
  auto r = log->root(old->size);
  if (!r) return cli::fail(r.error().str());
  if (*r != old->root)
    return cli::fail(o->positional[1] + ": this log's first " + std::to_string(old->size) +
                     " entries do not have the old head's root: history was rewritten, or the head is from another archive");
  auto proof = log->consistency_proof(old->size);
  if (!proof) return cli::fail(proof.error().str());
  return emit(*o, proof->text());
}

int check(const cli::Args& a) {
  int rc = 0;
  auto o = parse(a, {"key", "head", "old-head", "proof"}, kCheckHelp, rc);
  if (!o) return rc;
  if (!o->positional.empty()) return usage("audit check takes no positional arguments", kCheckHelp);
  auto keys = o->all("key"), heads = o->all("head");
  if (keys.empty()) return usage("audit check needs --key PUB", kCheckHelp);
  if (heads.size() != 1) return usage("audit check needs exactly one --head", kCheckHelp);
  std::vector<audit::PublicKey> trusted;
  for (auto& k : keys) {
    auto pk = audit::PublicKey::load(k);
    if (!pk) return cli::fail(pk.error().str());
    trusted.push_back(*pk);
  }
  auto proof = o->get("proof");
  auto old = o->get("old-head");
  if (!proof) {
    if (old) return usage("--old-head needs --proof (a consistency proof)", kCheckHelp);
    auto h = audit::read_head_file(heads[0]);
    if (!h) return cli::fail(h.error().str());
    if (auto s = audit::verify_head(*h, trusted, heads[0]); !s) return cli::fail(s.error().str());
    std::cout << heads[0] << ": tree head of size " << h->size << " at " << h->time << " is signed by key "
              << h->key.substr(0, 16) << "\n";
    return cli::kOk;
  }
  std::vector<std::string> hp;
  if (old) hp.push_back(*old);
  hp.push_back(heads[0]);
  auto r = audit::check_proof_file(*proof, hp, trusted);
  if (!r) return cli::fail(r.error().str());
  std::cout << *r << "\n";
  return cli::kOk;
}

int recover(const cli::Args& a) {
  int rc = 0;
  auto o = parse(a, {"key"}, kRecoverHelp, rc, {"lost-log"});
  if (!o) return rc;
  if (o->positional.size() != 1) return usage(*o, 1, "audit recover needs ROOT", kRecoverHelp);
  const std::string& root = o->positional[0];
  auto key = ingest::load_signing_key(root, o->get("key").value_or(""));
  if (!key) return cli::fail(key.error().str());
  auto r = ingest::log_unlogged_versions(root, *key ? &**key : nullptr, o->has("lost-log"));
  if (!r) return cli::fail(r.error().str());
  std::cout << r->store.str();  // interrupted writes finished or discarded on opening the store
  if (r->new_log) std::cout << "started a new audit log (the old one was lost): logged the signing key's key-rotate entry\n";
  else if (r->logged_key)
    std::cout << "logged the key-rotate entry of the signing key (keygen stopped before it)"
              << (r->logged.empty() ? " and signed a tree head" : "") << "\n";
  for (const auto& v : r->logged) std::cout << "logged: " << v.object_id << " " << v.version << " (" << v.action << ")\n";
  if (r->signed_tail > 0)
    std::cout << "signed a tree head over " << r->signed_tail << " entr" << (r->signed_tail == 1 ? "y" : "ies")
              << " that no head covered\n";
  if (r->logged.empty()) {
    if (r->signed_tail == 0 && !r->logged_key) std::cout << "every version has its audit entry: nothing written\n";
  } else {
    std::cout << r->logged.size() << " version(s) had no audit entry and are now logged"
              << (*key ? ", under a signed tree head" : " (no signing key: unsigned)") << "\n";
  }
  return cli::kOk;
}

GK_SUBCOMMAND("audit", "recover", "log the versions a crash left without an audit entry", recover);
GK_SUBCOMMAND("audit", "head", "print the latest signed tree head of an archive's audit log", head);
GK_SUBCOMMAND("audit", "prove", "inclusion proof for the log entry of one version", prove);
GK_SUBCOMMAND("audit", "consistency", "consistency proof from an older tree head to the latest", consistency);
GK_SUBCOMMAND("audit", "check", "check a head, inclusion or consistency proof with only the public key", check);

}  // namespace
