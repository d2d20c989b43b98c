// gongkai archive verify: recompute and cross-check everything an archive claims (archive/verify).
#include <iostream>

#include "archive/ingest/audit_hook.h"
#include "archive/verify/verify.h"
#include "cli/command.h"
#include "cli/options.h"
#include "cli/progress.h"

using namespace gk;

namespace {

const char* kHelp =
    "usage: gongkai archive verify ROOT [--key PUB ...] [--kept-head FILE] [--threads N] [--no-log]\n"
    "\n"
    "Reads every content file of the archive and checks its sha512 (manifest) and sm3 (fixity),\n"
    "every inventory against its sidecar, the storage root's files, the OCFL 1.1 rules, the audit\n"
    "log's tree heads (signatures with PUB, by default the public key the archive carries) and\n"
    "that every version has its log entry and every entry its version, with the digests it\n"
    "recorded. Prints one line per problem (kind, object, version, file, what) and exits 1 if\n"
    "there is any. Nothing is repaired. Writers may run meanwhile: what looks wrong is read again\n"
    "while new writes wait, and only what is still wrong is reported.\n"
    "\n"
    "--kept-head FILE: a tree head kept from an earlier inspection (`gongkai audit head ROOT --out\n"
    "FILE`); the log must extend it. An archive replaced whole by an older copy is consistent in\n"
    "itself: only a head kept outside it shows that (problem kind \"rolled-back\").\n"
    "\n"
    "The run itself is then logged (a signed \"verify\" entry with its result) when the archive\n"
    "is writable and its signing key loads; otherwise, or with --no-log, it is not, and a note\n"
    "says why. Logging never changes the exit code.\n";

// A verification is an operation on the archive (issue: every operation is logged). Signed or
// not at all: an unsigned entry would itself be reported by the next verify.
void log_run(const std::string& root, const verify::VerifyReport& r) {
  auto key = ingest::load_signing_key(root);
  if (!key || !*key) {
    std::cerr << "gongkai: note: this verification was not logged: "
              << (key ? std::string("the archive has no signing key") : key.error().str()) << "\n";
    return;
  }
  auto seq = ingest::log_operation(root, verify::run_entry(r), &**key);
  if (!seq) std::cerr << "gongkai: note: this verification was not logged: " << seq.error().str() << "\n";
  else std::cout << "logged as audit entry " << *seq << "\n";
}

int run(const cli::Args& args) {
  std::string err;
  auto o = cli::parse_options(args, {"key", "threads", "kept-head"}, {"help", "no-log"}, err);
  if (!o) return cli::fail(err + "\n" + kHelp, cli::kUsage);
  if (o->has("help")) {
    std::cout << kHelp;
    return cli::kOk;
  }
  if (o->positional.size() != 1) {
    std::string extra = cli::extra_argument(*o, 1);
    return cli::fail((extra.empty() ? "archive verify needs ROOT" : extra) + "\n" + kHelp, cli::kUsage);
  }
  verify::VerifyOptions vo;
  auto threads = cli::number_option(*o, "threads", 1, 256, vo.threads, err);
  if (!threads) return cli::fail(err + "\n" + kHelp, cli::kUsage);
  vo.threads = *threads;
  vo.kept_head = o->get("kept-head").value_or("");
  for (auto& k : o->all("key")) {
    auto pk = audit::PublicKey::load(k);
    if (!pk) return cli::fail(pk.error().str());
    vo.trusted.push_back(*pk);
  }
  std::optional<cli::Progress> bar;
  vo.progress = [&](size_t done, size_t total) {
    if (!bar) bar.emplace("verify", total);
    bar->tick();
  };
  auto r = verify::verify_archive(o->positional[0], vo);
  if (bar) bar->finish();
  if (!r) return cli::fail(r.error().str());
  if (r->unconfirmed)
    std::cerr << "gongkai: note: " << r->unconfirmed
              << " problem(s) of the first reading were writes in progress (gone when read again with writers held back); "
                 "not reported\n";
  if (r->recheck_skipped)
    std::cerr << "gongkai: note: a writer has held the archive's write lock for " << vo.lock_wait_seconds
              << " s, so the problems below were not read again with writers held back; some may be a write in progress "
                 "(run verify again when no write is running)\n";
  for (auto& p : r->problems) std::cout << p.str() << "\n";
  std::cout << (r->ok() ? "verified: " : "FAILED: ") << r->objects << " objects, " << r->versions << " versions, "
            << r->files << " content files (" << r->bytes << " bytes), " << r->entries << " log entries, " << r->heads
            << " signed heads";
  if (!r->ok()) std::cout << "; " << r->problems.size() << " problem(s)";
  std::cout << "\n";
  if (!o->has("no-log")) log_run(o->positional[0], *r);
  return r->ok() ? cli::kOk : cli::kFailed;
}

GK_SUBCOMMAND("archive", "verify", "check every byte, digest, inventory and log entry of an archive", run);

}  // namespace
