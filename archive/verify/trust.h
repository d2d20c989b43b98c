// Which of the public keys an archive carries may sign its tree heads (docs/audit.md, "Which
// keys are trusted"). A key file in extensions/gongkai-signing/ is only a candidate: the log
// itself must have introduced it, with a key-rotate entry (written by `archive keygen`, signed by
// the new key) that records its fingerprint, covered by every head the key signs. A file dropped
// beside the archive's key is therefore reported and never trusted (found by a black-box review).
// Archives whose log has no key-rotate entry (made before keygen logged its key, or whose keys
// were written by hand) fall back to the key their config.json names, or, without config.json,
// to every key in the directory: integrity only, as an inspector's own --key always was.
#pragma once
#include <map>
#include <set>
#include <string>
#include <vector>

#include "archive/audit/entry.h"
#include "archive/audit/head.h"
#include "archive/audit/keys.h"
#include "archive/verify/verify.h"
#include "common/status.h"

namespace gk::verify {

struct KeyFile {
  std::string file;  // relative to the storage root
  audit::PublicKey key;
};

// Every public key file (*.pem / *.pub holding no private key) directly in
// extensions/gongkai-signing/, sorted by name. A file that is not exactly the PEM of one Ed25519
// public key is an error naming it: a damaged key is a finding, not something to skip.
Result<std::vector<KeyFile>> signing_key_files(const std::string& root);

// Fed the log's entries in order; judges each head's signer by the entries it covers.
class KeyTrust {
 public:
  static Result<KeyTrust> load(const std::string& root);

  // Records the fingerprint a key-rotate entry introduces (idempotent: a replay may repeat entries).
  void see(const audit::Entry& e);
  // Ok when the head's key was introduced by an entry already seen (i.e. one the head covers), or,
  // before any key-rotate entry, is a key the archive had before it logged keys (see above).
  // A key introduced by a later key-rotate entry is trusted once a head of a trusted key covers
  // that entry (keygen never replaces a key; rotation needs the old key's consent).
  Status check_head(const audit::Head& h, const std::string& heads_path, int line);
  // After the whole log: key files that the log did not introduce, as "extra" problems.
  std::vector<Problem> extra_keys() const;
  // The candidate keys, to check signatures with (check_head then decides on the signer).
  std::vector<audit::PublicKey> candidates() const;
  // The keys the whole log trusts (introduced, or the fallback of a log without key-rotate).
  std::vector<audit::PublicKey> trusted() const;

 private:
  bool trusted_fingerprint(const std::string& fp, bool rotated) const;
  std::vector<KeyFile> files_;
  std::set<std::string> introduced_;  // fingerprints recorded by key-rotate entries
  std::map<std::string, uint64_t> pending_;  // later key-rotate entries no trusted head covers yet, with their seq
  std::set<std::string> before_log_;  // trusted while no key-rotate entry has been seen
  bool config_names_key_ = false;
};

}  // namespace gk::verify
