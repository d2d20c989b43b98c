#include "archive/verify/trust.h"

#include <algorithm>
#include <filesystem>

#include "archive/audit/log.h"
#include "archive/audit/scan.h"
#include "archive/ocfl/json.h"
#include "common/files.h"

namespace fs = std::filesystem;

namespace gk::verify {

namespace {

std::string signing_rel() { return std::string("extensions/") + audit::kSigningExtension; }

}  // namespace

Result<std::vector<KeyFile>> signing_key_files(const std::string& root) {
  std::vector<fs::path> paths;
  std::error_code ec;
  for (auto& f : fs::directory_iterator(root + "/" + signing_rel(), ec)) {
    auto ext = f.path().extension().string();
    if (f.is_regular_file() && (ext == ".pub" || ext == ".pem")) paths.push_back(f.path());
  }
  std::sort(paths.begin(), paths.end());
  std::vector<KeyFile> out;
  for (auto& p : paths) {
    std::string rel = signing_rel() + "/" + p.filename().string();
    auto text = read_file(p.string());
    if (!text) return make_error(text.error().message, rel);
    if (text->find("PRIVATE KEY") != std::string::npos) continue;  // reported by the signing check, never used
    auto k = audit::PublicKey::from_pem(*text, rel);
    if (!k) return k.error();
    // PEM readers skip stray bytes around the armour; the file must be exactly the key's PEM.
    if (k->pem() != *text) return make_error("public key file altered (not exactly the PEM of its key)", rel);
    out.push_back({rel, *k});
  }
  return out;
}

Result<KeyTrust> KeyTrust::load(const std::string& root) {
  auto files = signing_key_files(root);
  if (!files) return files.error();
  KeyTrust t;
  t.files_ = std::move(*files);
  // The key config.json names, if it is one of the files (its form is checked elsewhere).
  auto text = read_file(root + "/" + audit::kSigningConfig);
  auto j = text ? ocfl::parse_json(*text) : Result<ocfl::Json>(text.error());
  const ocfl::Json* pub = j && j->is_object() ? j->find("public_key") : nullptr;
  if (pub && pub->is_string())
    for (auto& f : t.files_)
      if (f.file == pub->str()) {
        t.before_log_.insert(f.key.fingerprint());
        t.config_names_key_ = true;
      }
  if (!t.config_names_key_ && !text)  // no configuration at all: the oldest archives
    for (auto& f : t.files_) t.before_log_.insert(f.key.fingerprint());
  return t;
}

void KeyTrust::see(const audit::Entry& e) {
  if (e.action != audit::kActionKeyRotate) return;
  auto fp = e.detail.find("fingerprint");
  if (fp == e.detail.end() || introduced_.count(fp->second)) return;
  // The first key-rotate entry introduces the archive's key. A later one is signed only by the key
  // it introduces, so anyone who can write to the archive could add one: it counts once a head
  // signed by a key already trusted covers it.
  if (introduced_.empty()) introduced_.insert(fp->second);
  else pending_.emplace(fp->second, e.seq);
}

bool KeyTrust::trusted_fingerprint(const std::string& fp, bool rotated) const {
  return introduced_.count(fp) || (!rotated && before_log_.count(fp));
}

Status KeyTrust::check_head(const audit::Head& h, const std::string& heads_path, int line) {
  if (trusted_fingerprint(h.key, !introduced_.empty())) {
    for (auto& [fp, seq] : pending_) introduced_.insert(fp);  // vouched for by this head
    pending_.clear();
    return {};
  }
  std::string file;
  for (auto& f : files_)
    if (f.key.fingerprint() == h.key) file = " (" + f.file + ")";
  if (auto p = pending_.find(h.key); p != pending_.end())
    return make_error("signed by key " + h.key + file + ", which a later key-rotate entry (seq " + std::to_string(p->second) +
                          ") introduced that no head of the archive's trusted key covers: not trusted",
                      heads_path, line);
  return make_error("signed by key " + h.key + file + ", which no key-rotate entry that this head covers introduced: not trusted",
                    heads_path, line);
}

std::vector<Problem> KeyTrust::extra_keys() const {
  std::vector<Problem> out;
  const bool rotated = !introduced_.empty();
  for (auto& f : files_) {
    const std::string& fp = f.key.fingerprint();
    if (trusted_fingerprint(fp, rotated)) continue;
    out.push_back({"extra", "", "", f.file,
                   rotated ? "public key " + fp + " that no key-rotate entry introduced"
                           : "public key " + fp + " that config.json does not name (the log has no key-rotate entry)"});
  }
  return out;
}

std::vector<audit::PublicKey> KeyTrust::candidates() const {
  std::vector<audit::PublicKey> out;
  for (auto& f : files_) out.push_back(f.key);
  return out;
}

std::vector<audit::PublicKey> KeyTrust::trusted() const {
  std::vector<audit::PublicKey> out;
  for (auto& f : files_)
    if (trusted_fingerprint(f.key.fingerprint(), !introduced_.empty())) out.push_back(f.key);
  return out;
}

// Export and other readers that want the verdict only: one scan of the log for its key-rotate entries.
Result<std::vector<audit::PublicKey>> archive_public_keys(const std::string& root) {
  auto t = KeyTrust::load(root);
  if (!t) return t.error();
  std::string dir = audit::audit_dir(root);
  std::error_code ec;
  // A line that is no entry stops the scan: the keys introduced before it count, and the damage
  // itself is the log check's to report.
  if (fs::exists(dir + "/" + audit::kLogFile, ec))
    (void)audit::scan_entries(dir, [&](const audit::Entry& e, std::string_view, uint64_t) {
      t->see(e);
      return Status{};
    });
  return t->trusted();
}

}  // namespace gk::verify
