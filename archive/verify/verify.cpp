// verify_archive: objects in parallel, the validator beside them, then the log replayed.
#include "archive/verify/verify.h"

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <mutex>
#include <set>
#include <thread>

#include "archive/audit/log.h"
#include "archive/ocfl/validator.h"
#include "archive/verify/entries.h"
#include "archive/verify/verify_internal.h"
#include "common/files.h"

namespace fs = std::filesystem;

namespace gk::verify {

Result<std::vector<audit::PublicKey>> archive_public_keys(const std::string& root) {
  std::vector<audit::PublicKey> keys;
  std::error_code ec;
  std::vector<fs::path> files;
  for (auto& d : fs::directory_iterator(root + "/extensions", ec)) {
    if (!d.is_directory() || d.path().filename() == "gongkai-staging") continue;
    for (auto& f : fs::directory_iterator(d.path(), ec)) {
      auto ext = f.path().extension().string();
      if (f.is_regular_file() && (ext == ".pub" || ext == ".pem")) files.push_back(f.path());
    }
  }
  std::sort(files.begin(), files.end());
  for (auto& p : files) {
    auto text = read_file(p.string());
    if (!text) return text.error();
    if (text->find("PRIVATE KEY") != std::string::npos) continue;  // never ours to use here
    auto k = audit::PublicKey::from_pem(*text, fs::relative(p, root).string());
    if (!k) return k.error();  // a damaged key file is a finding, not something to skip
    // PEM readers skip stray bytes around the armour; the file must be exactly the key's PEM.
    if (k->pem() != *text) return make_error("public key file altered (not exactly the PEM of its key)", fs::relative(p, root).string());
    keys.push_back(*k);
  }
  return keys;
}

namespace {

constexpr const char* kMetadataFile = "metadata.json";  // archive/ingest/metadata.h

struct Run {
  Run(std::string r, const VerifyOptions& o) : root(std::move(r)), opt(o) {}
  std::string root;
  const VerifyOptions& opt;
  VerifyReport report;
  std::mutex mu;  // guards report, index and log (AuditLog is not thread-safe)
  std::optional<audit::AuditLog> log;
  std::optional<LogIndex> index;

  void add(Problem p) { report.problems.push_back(std::move(p)); }

  // The entry of a version records (archive/ingest) the digests of its metadata.json, and in
  // `detail` "sha512:<path>" / "sm3:<path>" for each other file. Each must be that file's digest.
  void compare_entry(const detail::ObjectOutcome& o, const detail::VersionDigests& v, uint64_t seq) {
    auto e = log->entry(seq);
    if (!e) return add({"log", o.id, v.name, audit::kLogFile, e.error().str()});
    std::string where = "log entry " + std::to_string(seq);
    auto mismatch = [&](const std::string& what, const std::string& rec, const std::string& have) {
      add({"changed", o.id, v.name, "",
           where + " records " + what + " " + rec.substr(0, 16) + "..., the archive has " +
               (have.empty() ? "none" : have.substr(0, 16) + "...") + " (content or log entry altered)"});
    };
    for (auto& [alg, hex] : e->digests) {
      const auto& by_path = alg == "sha512" ? v.sha512_by_path : v.sm3_by_path;
      if (alg != "sha512" && alg != "sm3") continue;  // not recorded by the store: cannot compare
      auto m = by_path.find(kMetadataFile);
      if (m != by_path.end()) {
        if (m->second != hex) mismatch(alg + " of metadata.json", hex, m->second);
      } else {
        auto have = v.by_algorithm.find(alg);
        if (have == v.by_algorithm.end() || !have->second.count(hex)) mismatch(alg + " of a file", hex, "");
      }
    }
    std::set<std::string> named;
    for (auto& [k, hex] : e->detail) {
      size_t colon = k.find(':');
      if (colon == std::string::npos) continue;
      std::string alg = k.substr(0, colon), path = k.substr(colon + 1);
      if (alg != "sha512" && alg != "sm3") continue;
      named.insert(path);
      const auto& by_path = alg == "sha512" ? v.sha512_by_path : v.sm3_by_path;
      auto f = by_path.find(path);
      if (f == by_path.end()) {
        if (alg == "sha512" || v.sha512_by_path.count(path) == 0)
          add({"missing", o.id, v.name, path, where + " records this file but the version does not have it"});
      } else if (f->second != hex) {
        mismatch(alg + " of " + path, hex, f->second);
      }
    }
    if (!named.empty())
      for (auto& [path, d] : v.sha512_by_path)
        if (path != kMetadataFile && !named.count(path))
          add({"extra", o.id, v.name, path, "file of the version that its " + where + " does not record"});
  }

  void absorb(detail::ObjectOutcome& o) {
    std::lock_guard lock(mu);
    ++report.objects;
    report.files += o.files;
    report.bytes += o.bytes;
    for (auto& p : o.problems) add(std::move(p));
    if (o.id.empty()) return;
    for (auto& v : o.versions) {
      ++report.versions;
      if (!index) continue;
      auto seqs = index->find(o.id, v.name);
      index->mark(o.id, v.name);
      if (seqs.empty()) add({"unlogged", o.id, v.name, "", "version has no entry in the audit log"});
      else if (seqs.size() > 1)
        add({"log", o.id, v.name, audit::kLogFile,
             "version has " + std::to_string(seqs.size()) + " version entries (seq " + std::to_string(seqs[0]) + ", " +
                 std::to_string(seqs[1]) + ")"});
      else compare_entry(o, v, seqs[0]);
    }
  }

  void check_log() {
    std::string dir = audit::audit_dir(root);
    std::string rel = audit::kAuditExtensionDir;
    std::error_code ec;
    if (!fs::exists(dir + "/" + audit::kLogFile, ec) && !fs::exists(dir + "/" + audit::kHeadsFile, ec)) {
      add({"missing", "", "", rel + "/" + audit::kLogFile, "the archive has no audit log"});
      return;
    }
    std::vector<audit::PublicKey> trusted = opt.trusted;
    if (trusted.empty()) {
      auto k = archive_public_keys(root);
      if (!k) add({"changed", "", "", k.error().file, "public key unreadable: " + k.error().message});
      else trusted = *k;
    }
    if (trusted.empty()) {
      add({"log", "", "", rel, "no public key to check the tree heads' signatures (pass --key PUB)"});
    } else {
      auto v = audit::verify_log(dir, trusted);
      if (!v) {
        add({"log", "", "", "", v.error().str()});
      } else {
        report.entries = v->entries;
        report.heads = v->heads;
        report.unsigned_entries = v->unsigned_entries;
        if (v->unsigned_entries)
          add({"log", "", "", rel + "/" + audit::kLogFile,
               std::to_string(v->unsigned_entries) + " entries after the latest signed tree head are not protected by a signature"});
      }
    }
    auto l = audit::AuditLog::open(dir, {.read_only = true});
    if (!l) {
      add({"log", "", "", rel, "cannot replay the log: " + l.error().str()});
      return;
    }
    auto idx = LogIndex::build(*l);
    if (!idx) {
      add({"log", "", "", rel, "cannot replay the log: " + idx.error().str()});
      return;
    }
    report.entries = l->size();
    log.emplace(std::move(*l));
    index.emplace(std::move(*idx));
  }
};

}  // namespace

Result<VerifyReport> verify_archive(const std::string& root_in, const VerifyOptions& opt) {
  std::error_code ec;
  std::string root = fs::absolute(root_in, ec).lexically_normal().string();
  if (!root.empty() && root.back() == '/') root.pop_back();
  if (!fs::is_directory(root, ec)) return make_error("not an archive: no such directory", root_in);
  if (!fs::exists(root + "/0=ocfl_1.1", ec) && !fs::exists(root + "/ocfl_layout.json", ec))
    return make_error("not an OCFL storage root (no 0=ocfl_1.1)", root_in);

  Run run(root, opt);
  std::vector<std::string> objects;
  detail::check_root(root, run.report.problems, objects);
  run.check_log();

  // The validator reads inventories only (digests are ours), so it runs beside the hashing.
  std::thread validator;
  ocfl::ValidationReport vr;
  if (opt.run_ocfl_validator) {
    validator = std::thread([&] {
      ocfl::ValidatorOptions vo;
      vo.check_digests = false;
      for (auto& e : fs::directory_iterator(root + "/extensions", ec))
        if (e.path().filename().string().rfind("gongkai-", 0) == 0) vo.local_extensions.insert(e.path().filename());
      vr = ocfl::Validator(vo).validate_storage_root(root);
    });
  }

  std::atomic<size_t> next{0}, done{0};
  int n = opt.threads > 0 ? opt.threads : std::max(1u, std::thread::hardware_concurrency());
  n = std::min<int>(n, std::max<size_t>(1, objects.size()));
  auto work = [&] {
    std::string buffer(std::max<size_t>(opt.buffer_size, 4096), '\0');
    for (size_t i; (i = next.fetch_add(1)) < objects.size();) {
      auto o = detail::verify_object(root, objects[i], buffer);
      run.absorb(o);
      size_t d = ++done;
      if (opt.progress) {
        std::lock_guard lock(run.mu);
        opt.progress(d, objects.size());
      }
    }
  };
  std::vector<std::thread> pool;
  for (int i = 1; i < n; ++i) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();
  if (validator.joinable()) validator.join();

  for (auto& f : vr.findings) {
    if (f.severity != ocfl::Severity::error) continue;
    std::string p = f.path.rfind(root, 0) == 0 ? f.path.substr(std::min(f.path.size(), root.size() + 1)) : f.path;
    run.add({"ocfl", "", "", p, f.code + " " + f.message});
  }
  if (run.index) {
    for (uint64_t seq : run.index->unmarked()) {
      auto e = run.log->entry(seq);
      if (e) run.add({"orphan-entry", e->object, e->version, "",
                      "log entry " + std::to_string(seq) + " (" + e->action + ") names a version the archive does not have"});
    }
  }
  auto& ps = run.report.problems;
  std::stable_sort(ps.begin(), ps.end(), [](const Problem& a, const Problem& b) {
    return std::tie(a.object, a.version, a.file) < std::tie(b.object, b.version, b.file);
  });
  ps.erase(std::unique(ps.begin(), ps.end(),
                       [](const Problem& a, const Problem& b) { return a.str() == b.str(); }),
           ps.end());
  return std::move(run.report);
}

}  // namespace gk::verify
