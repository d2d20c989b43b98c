// Report helpers and storage root validation (OCFL 1.1 section 4).
#include "archive/ocfl/validator.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <map>

#include "archive/ocfl/json.h"
#include "archive/ocfl/layout.h"
#include "archive/ocfl/validator_internal.h"
#include "archive/ocfl/validator_snapshot.h"
#include "common/files.h"

namespace fs = std::filesystem;

namespace gk::ocfl {

size_t ValidationReport::error_count() const {
  size_t n = 0;
  for (const auto& f : findings) n += f.severity == Severity::error;
  return n;
}

size_t ValidationReport::warning_count() const { return findings.size() - error_count(); }

std::set<std::string> ValidationReport::codes() const {
  std::set<std::string> s;
  for (const auto& f : findings) s.insert(f.code);
  return s;
}

std::string ValidationReport::str() const {
  std::string out;
  for (const auto& f : findings) out += f.str() + "\n";
  return out;
}

void ValidationReport::error(std::string code, std::string path, std::string message) {
  findings.push_back({Severity::error, std::move(code), std::move(path), std::move(message)});
}

void ValidationReport::warning(std::string code, std::string path, std::string message) {
  findings.push_back({Severity::warning, std::move(code), std::move(path), std::move(message)});
}

ValidationReport Validator::validate_object(const std::string& object_root) const {
  ValidationReport r;
  detail::validate_object_into(object_root, options_, r);
  r.objects = 1;
  return r;
}

namespace {

struct RootCheck {
  std::string root;
  const ValidatorOptions& o;
  ValidationReport* rp;
  std::string spec_version;
  bool have_layout = false;
  HashedNTupleLayout layout;
  std::map<std::string, std::string> ids;  // id -> object path
  // StorageRootWalk: objects are listed for the caller instead of validated here.
  bool defer = false, inventory_marks_object = false;
  std::vector<std::string> objects, stray_files;
  std::function<void(const std::string&)> on_object;

  ValidationReport& report() { return *rp; }

  void declaration() {
    std::vector<std::string> decls;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(root, ec)) {
      std::string name = e.path().filename().string();
      if (name.rfind("0=", 0) == 0 && !fs::is_directory(e.symlink_status())) decls.push_back(name);
    }
    if (decls.empty()) return report().error("E069", root, "no storage root conformance declaration (0=ocfl_1.1)");
    if (decls.size() > 1) report().error("E076", root, "more than one conformance declaration");
    for (const auto& d : decls) {
      if (d.rfind("0=ocfl_", 0) != 0) {
        report().error("E079", root + "/" + d, "declaration name is not 0=ocfl_<version>");
        continue;
      }
      std::string ver = d.substr(7);
      if (ver != "1.0" && ver != "1.1") {
        report().error("E077", root + "/" + d, "unknown OCFL version '" + ver + "'");
        continue;
      }
      spec_version = ver;
      auto body = gk::read_file(root + "/" + d);
      if (!body || *body != "ocfl_" + ver + "\n")
        report().error("E080", root + "/" + d, "declaration content is not 'ocfl_" + ver + "' and a newline");
    }
  }

  void layout_file() {
    std::string path = root + "/ocfl_layout.json";
    if (!fs::exists(path)) return;
    auto text = gk::read_file(path);
    auto j = text ? parse_json(*text) : Result<Json>(text.error());
    if (!j || !j->is_object() || !j->find("extension") || !j->find("description") ||
        !j->find("extension")->is_string() || !j->find("description")->is_string())
      return report().error("E070", path, "ocfl_layout.json must be a JSON object with string keys extension and description");
    std::string ext = j->find("extension")->str();
    if (!detail::registered_extension(ext))
      return report().error("E071", path, "layout extension '" + ext + "' is not a registered extension name");
    if (ext == kLayout0004) {
      std::string cfg = root + "/extensions/" + kLayout0004 + "/config.json";
      auto ctext = gk::read_file(cfg);
      auto l = ctext ? HashedNTupleLayout::from_config(*ctext, cfg) : Result<HashedNTupleLayout>(HashedNTupleLayout{});
      if (l) {
        layout = *l;
        have_layout = true;
      }
    }
  }

  void extensions() {
    std::error_code ec;
    std::string dir = root + "/extensions";
    if (!fs::is_directory(dir, ec)) return;
    for (const auto& e : fs::directory_iterator(dir, ec)) {
      std::string name = e.path().filename().string();
      if (!fs::is_directory(e.symlink_status())) report().error("E112", e.path().string(), "extensions holds a non-directory");
      else if (!detail::registered_extension(name) && !o.local_extensions.count(name))
        report().warning("W016", e.path().string(), "extension '" + name + "' is not a registered extension name");
    }
  }

  void object(const fs::path& p) {
    if (defer) {
      objects.push_back(p.string());
      if (on_object) on_object(objects.back());
      return;
    }
    object_checked(p, detail::validate_object_into(p.string(), o, report()));
  }

  void object_checked(const fs::path& p, const ObjectSummary& s) {
    ++report().objects;
    if (!spec_version.empty() && !s.spec_version.empty() && s.spec_version > spec_version)
      report().error("E081", p.string(), "object declares OCFL " + s.spec_version + ", newer than the storage root");
    if (s.id.empty()) return;
    auto [it, fresh] = ids.emplace(s.id, p.string());
    if (!fresh) report().error("E037", p.string(), "id '" + s.id + "' is also used by " + it->second);
    if (have_layout) {
      // Prefix stripping, not fs::relative (a readlink per path component).
      std::string ps = p.generic_string();
      std::string rel = ps.rfind(root + "/", 0) == 0 ? ps.substr(root.size() + 1) : fs::relative(p, root).generic_string();
      if (rel != layout.object_path(s.id))
        report().error("E083", p.string(), "object is not at the path the storage layout gives its id");
    }
  }

  // POSIX listing relative to the parent's descriptor, types from d_type: std::filesystem would
  // resolve every path from / and lstat every entry, which dominated large storage roots.
  void walk(const std::string& dir, int fd) {
    bool is_object = false, has_files = false, has_dirs = false;
    std::vector<std::string> subdirs, files;
    if (fd >= 0) detail::each_entry(fd, [&](const char* n, unsigned char t) {
      std::string name = n;
      if (t == DT_UNKNOWN) {
        struct stat st;
        if (::fstatat(fd, n, &st, AT_SYMLINK_NOFOLLOW) == 0)
          t = S_ISLNK(st.st_mode) ? DT_LNK : S_ISDIR(st.st_mode) ? DT_DIR : DT_REG;
      }
      if (t == DT_LNK) {
        report().error("E090", dir + "/" + name, "symbolic links must not be used");
      } else if (t == DT_DIR) {
        has_dirs = true;
        subdirs.push_back(name);
      } else {
        has_files = true;
        if (name.rfind("0=ocfl_object_", 0) == 0 || (inventory_marks_object && name == "inventory.json")) is_object = true;
        files.push_back(std::move(name));
      }
    });
    if (is_object) {
      if (fd >= 0) ::close(fd);
      return object(dir);
    }
    std::sort(files.begin(), files.end());
    for (const auto& f : files) stray_files.push_back(dir + "/" + f);
    if (has_files) report().error("E084", dir, "file in a storage hierarchy directory that is not an object root");
    if (!has_dirs && !has_files) report().error("E073", dir, "empty directory in the storage root");
    else if (!has_dirs) report().error("E085", dir, "storage hierarchy does not end in an object root");
    std::sort(subdirs.begin(), subdirs.end());
    for (const auto& s : subdirs)
      walk(dir + "/" + s, fd < 0 ? -1 : ::openat(fd, s.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (fd >= 0) ::close(fd);
  }

  void run() {
    std::error_code ec;
    if (!fs::is_directory(root, ec)) return report().error("E069", root, "storage root is not a directory");
    declaration();
    layout_file();
    extensions();
    std::vector<fs::path> top;
    for (const auto& e : fs::directory_iterator(root, ec)) {
      std::string name = e.path().filename().string();
      auto st = e.symlink_status();
      if (fs::is_symlink(st)) report().error("E090", e.path().string(), "symbolic links must not be used");
      else if (fs::is_directory(st) && name != "extensions") top.push_back(e.path());
      // Other files in the root are ignored (E087).
    }
    std::sort(top.begin(), top.end());
    for (const auto& d : top) walk(d.string(), ::open(d.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  }
};

}  // namespace

ValidationReport Validator::validate_storage_root(const std::string& root) const {
  ValidationReport r;
  RootCheck c{root, options_, &r, {}, false, {}, {}, false, false, {}, {}, {}};
  c.run();
  return r;
}

struct StorageRootWalk::Impl {
  RootCheck check;
};

StorageRootWalk::StorageRootWalk(std::string root, const ValidatorOptions& o)
    : impl_(new Impl{RootCheck{std::move(root), o, nullptr, {}, false, {}, {}, false, false, {}, {}, {}}}) {
  impl_->check.defer = true;
}

StorageRootWalk::~StorageRootWalk() = default;

void StorageRootWalk::walk(ValidationReport& r, bool inventory_marks_object,
                           const std::function<void(const std::string&)>& on_object) {
  impl_->check.rp = &r;
  impl_->check.inventory_marks_object = inventory_marks_object;
  impl_->check.on_object = on_object;
  impl_->check.run();
  std::sort(impl_->check.stray_files.begin(), impl_->check.stray_files.end());
}

const std::vector<std::string>& StorageRootWalk::objects() const { return impl_->check.objects; }
const std::vector<std::string>& StorageRootWalk::stray_files() const { return impl_->check.stray_files; }

void StorageRootWalk::object_checked(const std::string& object_root, const ObjectSummary& s, ValidationReport& r) {
  impl_->check.rp = &r;
  impl_->check.object_checked(object_root, s);
}

}  // namespace gk::ocfl
