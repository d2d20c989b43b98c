// Store: creating and opening storage roots, readers.
#include "archive/ocfl/store.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>

#include "archive/ocfl/digests.h"
#include "archive/ocfl/store_internal.h"
#include "common/files.h"

namespace fs = std::filesystem;

namespace gk::ocfl {

namespace detail {

std::string staging_dir(const std::string& root) { return root + "/extensions/" + kStagingExtension; }

std::string stripe_lock_path(const std::string& root, const std::string& rel) {
  return staging_dir(root) + "/locks/" + rel.substr(0, 3) + ".lock";
}

std::string sidecar_for(const std::string& inventory_json) {
  return digest_bytes("sha512", inventory_json) + " inventory.json\n";
}

Status barrier(const std::string& root, bool durable) {
  return durable ? fsx::sync_filesystem(root) : Status{};
}

Result<Txn> Txn::begin(const std::string& root) {
  std::string staging = staging_dir(root);
  // Shared while creating, so that recovery (exclusive) never sees a txn before it is locked.
  auto guard = fsx::FileLock::acquire(staging + "/staging.lock", false, true);
  if (!guard) return guard.error();
  Txn t;
  for (int attempt = 0;; ++attempt) {
    t.dir = staging + "/txn-" + fsx::random_token();
    if (::mkdir(t.dir.c_str(), 0755) == 0) break;
    if (errno != EEXIST || attempt > 8) return make_error("cannot create directory: " + fsx::errno_text(errno), t.dir);
  }
  auto l = fsx::FileLock::acquire(t.dir + "/lock", true, false);
  if (!l) {
    fsx::remove_tree(t.dir);
    return l.error();
  }
  t.lock = std::move(*l);
  return t;
}

}  // namespace detail

std::string RecoveryReport::str() const {
  std::string out;
  for (const auto& a : actions) {
    const char* k = a.kind == RecoveryAction::Kind::rolled_forward ? "rolled forward"
                    : a.kind == RecoveryAction::Kind::rolled_back  ? "rolled back"
                                                                   : "discarded staging";
    out += std::string(k) + ": " + a.object_path + (a.detail.empty() ? "" : " (" + a.detail + ")") + "\n";
  }
  return out;
}

namespace {

const char* kLocalExtensionsDoc =
    "# Local extensions of this OCFL storage root (gongkai)\n\n"
    "## gongkai-staging (storage root extension directory)\n\n"
    "`extensions/gongkai-staging/` holds the writer's work area: `txn-*` directories where new\n"
    "versions are assembled and made durable before being moved into their object, `locks/`\n"
    "(flock files serialising writers per first layout tuple) and `quarantine/`. Nothing in it is\n"
    "part of any object; a `txn-*` directory whose lock file is not held is left over by a crashed\n"
    "writer and is finished or discarded by the next writer that opens the root.\n\n"
    "## gongkai-audit (storage root extension directory)\n\n"
    "`extensions/gongkai-audit/` holds the archive's append-only audit log: `log.jsonl` (one\n"
    "canonical JSON entry per line for every version written) and `heads.jsonl` (Ed25519-signed\n"
    "Merkle tree heads over the entries). It is not part of any object.\n\n"
    "## gongkai-signing (storage root extension directory)\n\n"
    "`extensions/gongkai-signing/` holds the public key(s) that sign the audit log's tree heads\n"
    "(`<fingerprint>.pem`, SubjectPublicKeyInfo PEM) and `config.json` naming where the writer\n"
    "finds the private key, which is never stored inside the storage root.\n\n"
    "## sm3 fixity algorithm\n\n"
    "Inventories may carry a fixity block `sm3`: the SM3 hash of GB/T 32905-2016 (ISO/IEC\n"
    "10118-3:2018), encoded as 64 lowercase hexadecimal digits, keyed like the manifest.\n";

Status write_if_absent(const std::string& path, const std::string& bytes) {
  if (fs::exists(path)) return {};
  return gk::write_file_atomic(path, bytes);
}

Status ensure_staging(const std::string& root) {
  std::string st = detail::staging_dir(root);
  if (auto s = fsx::make_dirs(st + "/locks"); !s) return s;
  return write_if_absent(st + "/README.txt",
                         "gongkai staging area; see ../../gongkai-local-extensions.md in the storage root.\n");
}

// Splits "1.10" into {1, 10} for version comparison.
std::pair<int, int> spec_number(const std::string& v) {
  int major = 0, minor = 0;
  std::sscanf(v.c_str(), "%d.%d", &major, &minor);
  return {major, minor};
}

}  // namespace

Result<Store> Store::init(const std::string& root, StoreOptions options) {
  std::error_code ec;
  if (fs::exists(root + "/0=ocfl_1.1", ec)) return open(root, options);
  if (fs::exists(root, ec) && !fs::is_directory(root, ec))
    return make_error("is a file, not a directory: a storage root is made in a new or empty directory", root);
  if (fs::exists(root, ec)) {
    static const std::set<std::string> ours{"ocfl_layout.json", "extensions", "gongkai-local-extensions.md"};
    for (const auto& e : fs::directory_iterator(root, ec)) {
      std::string name = e.path().filename().string();
      if (name.rfind("0=", 0) == 0) return open(root, options);  // reports the version problem
      if (!ours.count(name))
        return make_error("directory is not empty and is not an OCFL storage root", root);
    }
  }
  HashedNTupleLayout layout;
  std::string ext = root + "/extensions/" + kLayout0004;
  if (auto s = fsx::make_dirs(ext); !s) return s.error();
  if (auto s = write_if_absent(ext + "/config.json", write_json(layout.config_json())); !s) return s.error();
  Json::Object lj;
  lj["extension"] = kLayout0004;
  lj["description"] = "OCFL object identifiers are hashed with sha256 and split into 3 tuples of 3 hex digits; "
                      "the object root is the full digest.";
  if (auto s = write_if_absent(root + "/ocfl_layout.json", write_json(Json(std::move(lj)))); !s) return s.error();
  if (auto s = write_if_absent(root + "/gongkai-local-extensions.md", kLocalExtensionsDoc); !s) return s.error();
  if (auto s = ensure_staging(root); !s) return s.error();
  // The declaration comes last: a root is only a root once everything else is in place.
  if (auto s = gk::write_file_atomic(root + "/0=ocfl_1.1", "ocfl_1.1\n", options.durable); !s) return s.error();
  return open(root, options);
}

Result<Store> Store::open(const std::string& root, StoreOptions options) {
  std::error_code ec;
  if (!fs::is_directory(root, ec))
    return make_error(fs::exists(root, ec) ? "not an OCFL storage root: a file, not a directory"
                                           : "not an OCFL storage root: no such directory",
                      root);
  std::vector<std::string> decls;
  for (const auto& e : fs::directory_iterator(root, ec)) {
    std::string name = e.path().filename().string();
    if (name.rfind("0=ocfl_", 0) == 0 && name.rfind("0=ocfl_object_", 0) != 0) decls.push_back(name.substr(7));
  }
  if (decls.empty()) return make_error("not an OCFL storage root: no 0=ocfl_1.1 declaration", root);
  if (decls.size() > 1) return make_error("storage root has more than one OCFL declaration", root);
  const std::string& ver = decls.front();
  if (spec_number(ver) > spec_number("1.1"))
    return make_error("storage root declares OCFL " + ver + ", newer than OCFL 1.1 supported by this program; "
                      "use a newer gongkai", root);
  if (ver != "1.1") return make_error("storage root declares OCFL " + ver + "; only OCFL 1.1 roots are supported", root);
  auto layout_text = gk::read_file(root + "/ocfl_layout.json");
  if (!layout_text) return make_error("storage root has no ocfl_layout.json; cannot map object ids", root);
  auto lj = parse_json(*layout_text);
  if (!lj || !lj->find("extension") || !lj->find("extension")->is_string() ||
      lj->find("extension")->str() != kLayout0004)
    return make_error(std::string("unsupported storage layout (only ") + kLayout0004 + ")", root + "/ocfl_layout.json");
  Store st(root, options);
  std::string cfg = root + "/extensions/" + kLayout0004 + "/config.json";
  if (fs::exists(cfg)) {
    auto text = gk::read_file(cfg);
    if (!text) return text.error();
    auto l = HashedNTupleLayout::from_config(*text, cfg);
    if (!l) return l.error();
    st.layout_ = *l;
  }
  if (options.read_only) return st;
  if (auto s = ensure_staging(root); !s) return s.error();
  auto rep = st.recover();
  if (!rep) return rep.error();
  st.recovery_ = std::move(*rep);
  return st;
}

std::string Store::object_path(const std::string& object_id) const {
  return root_ + "/" + layout_.object_path(object_id);
}

std::string Store::staging_path() const { return detail::staging_dir(root_); }
std::string Store::write_lock_path(const std::string& root) { return detail::staging_dir(root) + "/staging.lock"; }

bool Store::has_object(const std::string& object_id) const {
  return fs::exists(object_path(object_id) + "/inventory.json");
}

Result<std::vector<std::string>> Store::list_objects() const {
  std::vector<std::string> ids;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(root_, ec); it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) return make_error("cannot list storage root: " + ec.message(), root_);
    if (!it->is_directory()) continue;
    std::string name = it->path().filename().string();
    if (it.depth() == 0 && name == "extensions") {
      it.disable_recursion_pending();
      continue;
    }
    if (!fs::exists(it->path() / detail::kObjectDeclaration)) continue;
    it.disable_recursion_pending();
    std::string where = (it->path() / "inventory.json").string();
    auto text = gk::read_file(where);
    if (!text) return text.error();
    auto inv = Inventory::from_json(*text, where);
    if (!inv) return inv.error();
    ids.push_back(inv->id);
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

Result<Inventory> Store::inventory(const std::string& object_id) const {
  std::string where = object_path(object_id) + "/inventory.json";
  if (!fs::exists(where)) return make_error("no object with id '" + object_id + "'", root_);
  auto text = gk::read_file(where);
  if (!text) return text.error();
  auto inv = Inventory::from_json(*text, where);
  if (inv && inv->id != object_id) return make_error("object at this path has id '" + inv->id + "'", where);
  return inv;
}

Result<std::string> Store::read_file(const std::string& object_id, const std::string& version,
                                     const std::string& logical_path) const {
  auto inv = inventory(object_id);
  if (!inv) return inv.error();
  return read_file(*inv, version, logical_path);
}

Result<std::string> Store::read_file(const Inventory& inventory, const std::string& version,
                                     const std::string& logical_path) const {
  const Inventory* inv = &inventory;
  const std::string& object_id = inv->id;
  const Version* v = inv->find_version(version);
  if (!v) return make_error("object '" + object_id + "' has no version " + version, root_);
  auto state = v->logical_state();
  auto it = state.find(logical_path);
  if (it == state.end())
    return make_error("version " + v->name + " of '" + object_id + "' has no file " + logical_path, root_);
  auto cp = inv->content_path(it->second);
  if (!cp) return make_error("manifest has no content for " + logical_path, root_);
  std::string path = object_path(object_id) + "/" + *cp;
  auto bytes = gk::read_file(path);
  if (!bytes) return bytes.error();
  if (digest_bytes(inv->digest_algorithm, *bytes) != lower(it->second))
    return make_error("content does not match its " + inv->digest_algorithm + " digest (corrupted?)", path);
  return bytes;
}

}  // namespace gk::ocfl
