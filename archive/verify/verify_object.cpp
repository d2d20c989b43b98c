// verify: one object's bytes against its inventories, and the storage root's own files.
#include <fcntl.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <algorithm>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "archive/audit/keys.h"
#include "archive/audit/log.h"
#include "archive/ocfl/digests.h"
#include "archive/ocfl/inventory.h"
#include "archive/ocfl/json.h"
#include "archive/ocfl/layout.h"
#include "archive/ocfl/store.h"
#include "archive/ocfl/validator_internal.h"
#include "archive/verify/verify_internal.h"
#include "common/digest.h"
#include "common/files.h"

namespace fs = std::filesystem;

namespace gk::verify {

namespace detail {

// Large reads keep syscalls few on big files; each read is hashed in L2-sized slices, sha512 then
// sm3 over the same slice while it is still in cache.
constexpr size_t kSlice = 256 * 1024;

struct FileHasher::Impl {
  std::string buffer;
  EVP_MD* sha512 = nullptr;
  EVP_MD* sm3 = nullptr;
  EVP_MD_CTX* a = nullptr;
  EVP_MD_CTX* b = nullptr;
};

FileHasher::FileHasher(size_t buffer_size) : impl_(new Impl) {
  impl_->buffer.resize(std::max<size_t>(buffer_size, 4096));
  // Fetched once: EVP_DigestInit with EVP_sha512() would look the algorithm up for every file.
  impl_->sha512 = EVP_MD_fetch(nullptr, "SHA512", nullptr);
  impl_->sm3 = EVP_MD_fetch(nullptr, "SM3", nullptr);
  impl_->a = EVP_MD_CTX_new();
  impl_->b = EVP_MD_CTX_new();
}

FileHasher::~FileHasher() {
  EVP_MD_CTX_free(impl_->a);
  EVP_MD_CTX_free(impl_->b);
  EVP_MD_free(impl_->sha512);
  EVP_MD_free(impl_->sm3);
}

namespace {
std::string finish_hex(EVP_MD_CTX* c) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned n = 0;
  EVP_DigestFinal_ex(c, out, &n);
  return to_hex(std::string_view(reinterpret_cast<const char*>(out), n));
}
}  // namespace

Result<FileDigests> FileHasher::hash(int dirfd, const std::string& path, bool want_sm3) {
  Impl& h = *impl_;
  if (!h.sha512 || !h.sm3 || !h.a || !h.b) return make_error("OpenSSL has no SHA512 or SM3", path);
  int fd = ::openat(dirfd, path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return make_error(std::string("cannot read: ") + std::strerror(errno), path);
  if (EVP_DigestInit_ex2(h.a, h.sha512, nullptr) != 1 || (want_sm3 && EVP_DigestInit_ex2(h.b, h.sm3, nullptr) != 1)) {
    ::close(fd);
    return make_error("digest initialisation failed", path);
  }
  FileDigests d;
  for (;;) {
    ssize_t n = ::read(fd, h.buffer.data(), h.buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int e = errno;
      ::close(fd);
      return make_error(std::string("cannot read: ") + std::strerror(e), path);
    }
    if (n == 0) break;
    for (size_t at = 0; at < static_cast<size_t>(n); at += kSlice) {
      size_t len = std::min(kSlice, static_cast<size_t>(n) - at);
      EVP_DigestUpdate(h.a, h.buffer.data() + at, len);
      if (want_sm3) EVP_DigestUpdate(h.b, h.buffer.data() + at, len);
    }
    d.size += static_cast<uint64_t>(n);
  }
  ::close(fd);
  d.sha512 = finish_hex(h.a);
  if (want_sm3) d.sm3 = finish_hex(h.b);
  return d;
}

}  // namespace detail

Result<FileDigests> hash_file(const std::string& path, bool want_sm3, std::string& buffer) {
  detail::FileHasher h(buffer.size() < 4096 ? size_t{4} << 20 : buffer.size());
  return h.hash(AT_FDCWD, path, want_sm3);
}

std::string Problem::str() const {
  std::string s = kind + ":";
  for (const std::string* p : {&object, &version, &file})
    if (!p->empty()) s += " " + *p;
  return s + ": " + message;
}

namespace detail {

namespace {

std::string first_component(const std::string& p) { return p.substr(0, p.find('/')); }

// Compares an inventory file with its sidecar; returns the inventory bytes when readable.
const std::string* checked_inventory(const ocfl::ObjectSnapshot& snap, const std::string& rel, const std::string& rel_dir,
                                     ObjectOutcome& o, const std::string& version) {
  std::string inv_name = rel_dir.empty() ? "inventory.json" : rel_dir + "/inventory.json";
  std::string inv_rel = rel + "/" + inv_name, side_rel = inv_rel + ".sha512";
  const std::string* inv = snap.file(inv_name);
  if (!inv) {
    o.problems.push_back({"missing", o.id, version, inv_rel, "inventory is missing or unreadable"});
    return nullptr;
  }
  const std::string* side = snap.file(inv_name + ".sha512");
  if (!side) {
    o.problems.push_back({"missing", o.id, version, side_rel, "inventory sidecar is missing or unreadable"});
    return inv;
  }
  // Shared with the validator's sidecar check (E060): each inventory is hashed once.
  const std::string& actual = snap.file_digest(inv_name, "sha512");
  // The sidecar is exactly "<digest> inventory.json\n" as the store writes it; any other byte is
  // a change too, not something to be lenient about.
  if (*side != actual + " inventory.json\n") {
    std::string recorded = side->substr(0, side->find_first_of(" \t\n"));
    if (recorded == actual)
      o.problems.push_back({"changed", o.id, version, side_rel, "sidecar altered (digest right, rest of the line not)"});
    else
      o.problems.push_back({"changed", o.id, version, inv_rel,
                            "inventory does not match its sidecar: sha512 is " + actual.substr(0, 16) +
                                "..., sidecar says " + recorded.substr(0, 16) + "... (inventory or sidecar altered)"});
  }
  return inv;
}

}  // namespace

ObjectOutcome verify_object(const std::string& root, const std::string& rel, FileHasher& hasher,
                            const ocfl::ValidatorOptions* validator, const SoundObject* sound) {
  ObjectOutcome o;
  o.rel_path = rel;
  ocfl::ObjectSnapshot snap = ocfl::snapshot_object(root + "/" + rel);
  if (validator) {
    ocfl::ValidationReport vr;
    o.summary = ocfl::validate_object_snapshot(snap, *validator, vr);
    for (auto& f : vr.findings) {
      if (f.severity != ocfl::Severity::error) continue;  // warnings are not problems
      std::string p = f.path.rfind(root + "/", 0) == 0 ? f.path.substr(root.size() + 1) : f.path;
      o.problems.push_back({"ocfl", "", "", std::move(p), f.code + " " + f.message});
    }
  }
  {
    const std::string* decl = snap.file("0=ocfl_object_1.1");
    if (!decl) o.problems.push_back({"missing", "", "", rel + "/0=ocfl_object_1.1", "object declaration is missing"});
    else if (*decl != "ocfl_object_1.1\n")
      o.problems.push_back({"changed", "", "", rel + "/0=ocfl_object_1.1", "object declaration altered"});
  }
  const std::string* text = checked_inventory(snap, rel, "", o, "");
  if (!text) return o;
  o.inventory_sha512 = snap.file_digest("inventory.json", "sha512");
  const bool rehash = !sound || sound->inventory_sha512 != o.inventory_sha512;
  if (!rehash) {
    o.files = sound->files;
    o.bytes = sound->bytes;
  }
  // The validator's (lenient) parse when it ran: whatever it left out, it reported, and the
  // sidecar check above catches any change. Otherwise, or when it could not parse, the strict reader.
  std::optional<ocfl::Inventory> inv = o.summary.root_inventory;
  if (!inv) {
    auto strict = ocfl::Inventory::from_json(*text, rel + "/inventory.json");
    if (!strict) {
      o.problems.push_back({"changed", "", "", rel + "/inventory.json", "inventory unreadable: " + strict.error().message});
      return o;
    }
    inv = std::move(*strict);
  }
  o.id = inv->id;
  for (auto& p : o.problems) p.object = o.id;
  if (ocfl::HashedNTupleLayout{}.object_path(o.id) != rel)
    o.problems.push_back({"changed", o.id, "", rel + "/inventory.json", "object id does not map to this object's path"});

  std::set<std::string> expected = {"0=ocfl_object_1.1", "inventory.json", "inventory.json.sha512"};
  for (auto& [n, v] : inv->versions) {
    expected.insert(v.name + "/inventory.json");
    expected.insert(v.name + "/inventory.json.sha512");
    const std::string* vt = checked_inventory(snap, rel, v.name, o, v.name);
    if (vt && n == inv->head_number() && *vt != *text)
      o.problems.push_back({"changed", o.id, v.name, rel + "/" + v.name + "/inventory.json",
                            "head version inventory differs from the root inventory"});
  }

  // content path -> sm3, from the fixity block.
  std::map<std::string, std::string> sm3_of;
  if (auto f = inv->fixity.find("sm3"); f != inv->fixity.end())
    for (auto& [d, paths] : f->second)
      for (auto& p : paths) sm3_of[p] = ocfl::detail::ascii_lower(d);

  std::map<std::string, std::string> sm3_by_sha;  // for the versions' sm3 sets
  for (auto& [digest, paths] : inv->manifest) {
    std::string want = ocfl::detail::ascii_lower(digest);
    for (auto& cp : paths) {
      expected.insert(cp);
      std::string file = rel + "/" + cp, version = first_component(cp);
      auto sm3 = sm3_of.find(cp);
      if (sm3 != sm3_of.end()) sm3_by_sha[want] = sm3->second;
      if (!rehash) continue;
      // Relative to the object's directory descriptor: no path walk from / per file.
      auto d = snap.fd() >= 0 ? hasher.hash(snap.fd(), cp, sm3 != sm3_of.end())
                              : Result<FileDigests>(make_error("object directory unreadable", file));
      if (!d) {
        o.problems.push_back({"missing", o.id, version, file, "content file is missing or unreadable"});
        continue;
      }
      ++o.files;
      o.bytes += d->size;
      if (d->sha512 != want)
        o.problems.push_back({"changed", o.id, version, file,
                              "sha512 is " + d->sha512.substr(0, 16) + "..., the manifest records " + want.substr(0, 16) + "..."});
      else if (sm3 != sm3_of.end() && d->sm3 != sm3->second)
        o.problems.push_back({"changed", o.id, version, file,
                              "sm3 is " + d->sm3.substr(0, 16) + "..., the fixity block records " + sm3->second.substr(0, 16) + "..."});
    }
  }

  // Files no inventory names. Object extensions are not part of the content.
  for (auto& e : snap.entries) {
    if (e.type == fs::file_type::directory || first_component(e.rel) == "extensions" || expected.count(e.rel)) continue;
    std::string first = first_component(e.rel);
    o.problems.push_back({"extra", o.id, first.rfind('v', 0) == 0 && first != e.rel ? first : "", rel + "/" + e.rel,
                          "file that no inventory names"});
  }

  for (auto& [n, v] : inv->versions) {
    VersionDigests vd;
    vd.name = v.name;
    vd.created = v.created;
    vd.user_name = v.user ? v.user->name : "";
    vd.message = v.message.value_or("");
    for (auto& [d, paths] : v.state) {
      std::string ld = ocfl::detail::ascii_lower(d);
      vd.by_algorithm["sha512"].insert(ld);
      auto s = sm3_by_sha.find(ld);
      if (s != sm3_by_sha.end()) vd.by_algorithm["sm3"].insert(s->second);
      for (auto& p : paths) {
        if (p == "metadata.json")
          if (auto c = inv->content_path(d)) vd.metadata_content = rel + "/" + *c;
        vd.sha512_by_path[p] = ld;
        if (s != sm3_by_sha.end()) vd.sm3_by_path[p] = s->second;
      }
    }
    o.versions.push_back(std::move(vd));
  }
  return o;
}

namespace {

constexpr const char* kSigningDir = audit::kSigningExtension;

// extensions/gongkai-signing/: public keys and config.json, exactly as `archive keygen` writes
// them: config.json is checked for form here (canonical JSON with exactly "public_key", one of the
// public keys beside it, and "signing_key", a path outside the root: keygen refuses a private key
// inside it); its bytes are compared with the digests of its key-rotate entry in verify.cpp.
void check_signing(const std::string& root, std::vector<Problem>& out) {
  std::string dir = root + "/extensions/" + kSigningDir, rel_dir = std::string("extensions/") + kSigningDir;
  std::error_code ec;
  std::set<std::string> public_keys;
  bool has_config = false;
  for (auto& f : fs::recursive_directory_iterator(dir, ec)) {
    std::string r = f.path().string().substr(dir.size() + 1), ext = f.path().extension().string();
    if (r == "config.json") {
      has_config = true;
      continue;
    }
    if (f.is_regular_file() && r.find('/') == std::string::npos && (ext == ".pem" || ext == ".pub")) {
      auto text = read_file(f.path().string());
      if (text && text->find("PRIVATE KEY") != std::string::npos) {
        out.push_back({"changed", "", "", rel_dir + "/" + r, "a private key inside the storage root (it must be kept outside)"});
        continue;
      }
      public_keys.insert(r);  // its bytes are checked where it is used (archive_public_keys)
      continue;
    }
    if (f.is_directory()) continue;
    out.push_back({"extra", "", "", rel_dir + "/" + r, "file this extension does not have"});
  }
  if (!has_config) return;  // optional: an archive without keygen's configuration
  std::string cfg_rel = rel_dir + "/config.json";
  auto bad = [&](const std::string& why) { out.push_back({"changed", "", "", cfg_rel, why}); };
  auto text = read_file(dir + "/config.json");
  auto j = text ? ocfl::parse_json(*text) : Result<ocfl::Json>(text.error());
  if (!j || !j->is_object()) return bad("signing configuration unreadable: not a JSON object");
  if (ocfl::write_json(*j) != *text) return bad("signing configuration altered (not the bytes keygen writes)");
  const ocfl::Json* pub = j->find("public_key");
  const ocfl::Json* key = j->find("signing_key");
  if (j->object().size() != 2 || !pub || !pub->is_string() || !key || !key->is_string())
    return bad("signing configuration altered: it must hold exactly \"public_key\" and \"signing_key\" paths");
  std::string prefix = rel_dir + "/";
  if (pub->str().rfind(prefix, 0) != 0 || !public_keys.count(pub->str().substr(prefix.size())))
    bad("signing configuration names public key " + pub->str() + ", which is not one of the archive's public keys");
  fs::path k = key->str();
  std::string resolved = (k.is_absolute() ? k : fs::path(root) / k).lexically_normal().string();
  if (key->str().empty() || resolved == root || resolved.rfind(root + "/", 0) == 0)
    bad("signing configuration names a private key inside the storage root: " + key->str());
}

}  // namespace

void check_root(const std::string& root, std::vector<Problem>& out, bool write_locked) {
  // The reference: what this gongkai writes into a new root. Comparing byte for byte catches a
  // changed byte in prose files too, which no parser would notice.
  fs::path ref = fs::temp_directory_path() / ("gk-verify-ref-" + std::to_string(::getpid()));
  std::error_code ec;
  fs::remove_all(ref, ec);
  std::set<std::string> known = {"0=ocfl_1.1", "ocfl_layout.json", "gongkai-local-extensions.md",
                                 std::string("extensions/") + ocfl::kLayout0004 + "/config.json",
                                 "extensions/gongkai-staging/README.txt"};
  if (auto st = ocfl::Store::init(ref.string(), {.durable = false}); st) {
    for (auto& k : known) {
      auto want = read_file(ref.string() + "/" + k);
      auto have = read_file(root + "/" + k);
      if (!have) out.push_back({"missing", "", "", k, "storage root file is missing"});
      else if (want && *have != *want)
        out.push_back({"root", "", "", k, "differs from the file gongkai writes into every storage root (altered)"});
    }
  } else {
    out.push_back({"root", "", "", "", "cannot build the reference root: " + st.error().str()});
  }
  fs::remove_all(ref, ec);

  // Files at the root; the object hierarchy below it is walked by the validator's StorageRootWalk.
  for (auto& e : fs::directory_iterator(root, ec)) {
    std::string name = e.path().filename().string();
    if (!e.is_directory() && !known.count(name))
      out.push_back({"extra", "", "", name, "file in the storage root that gongkai does not write"});
  }
  std::string ext = root + "/extensions";
  for (auto& e : fs::directory_iterator(ext, ec)) {
    std::string name = e.path().filename().string();
    if (!e.is_directory()) {
      out.push_back({"extra", "", "", "extensions/" + name, "file in extensions/ (only directories are allowed)"});
      continue;
    }
    std::set<std::string> allowed;
    if (name == ocfl::kLayout0004) allowed = {"config.json"};
    else if (name == "gongkai-audit") allowed = {audit::kLogFile, audit::kHeadsFile};
    else if (name == kSigningDir) {
      check_signing(root, out);
      continue;
    } else if (name == "gongkai-staging") {
      check_staging(root, out, write_locked);
      continue;
    } else continue;  // other extensions belong to other tools
    for (auto& f : fs::recursive_directory_iterator(e.path(), ec)) {
      std::string r = f.path().lexically_relative(e.path()).string();  // a link is named by its own path
      if (!allowed.count(r)) out.push_back({"extra", "", "", "extensions/" + name + "/" + r, "file this extension does not have"});
    }
  }
}

}  // namespace detail
}  // namespace gk::verify
