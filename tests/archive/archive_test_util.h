// Helpers for the archive tests: scratch directories, running the gongkai binary, sample records
// and their variants, and a snapshot of a storage root (to prove a refused write changed nothing).
#pragma once
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "common/digest.h"
#include "common/files.h"

#include "tests/support/temp_dir.h"

namespace archive_test {

namespace fs = std::filesystem;

using TempDir = gk_test::TempDir;

// Error text of a failed Result, "" on success (Boost evaluates messages eagerly).
template <class R>
std::string err(const R& r) {
  return r ? std::string() : r.error().str();
}

inline std::string source(const std::string& rel) { return std::string(GK_SOURCE_DIR) + "/" + rel; }
inline std::string seed_record() { return source("samples/notices/seed-notice.xml"); }
inline const char* kSeedId = "11519900MB1A28365X/2022-00012";

inline std::string slurp(const std::string& path) {
  auto r = gk::read_file(path);
  return r ? *r : std::string("<unreadable " + path + ">");
}
inline void spit(const std::string& path, const std::string& bytes) {
  fs::create_directories(fs::path(path).parent_path());
  (void)gk::write_file_atomic(path, bytes, false);
}

// `text` with the first occurrence of `from` replaced by `to` (the test fails loudly otherwise).
inline std::string replace(std::string text, const std::string& from, const std::string& to) {
  auto at = text.find(from);
  if (at == std::string::npos) throw std::runtime_error("test data: '" + from + "' not found");
  return text.replace(at, from.size(), to);
}

// A sample record with some text replaced, written to `path`.
inline std::string variant(const std::string& path, const std::vector<std::pair<std::string, std::string>>& edits,
                           const std::string& from = seed_record()) {
  std::string text = slurp(from);
  for (auto& [a, b] : edits) text = replace(text, a, b);
  spit(path, text);
  return path;
}

// Bytes that pass for a PDF in the archive (only the header is checked there).
inline std::string fake_pdf(const std::string& seed) { return "%PDF-1.7\n% " + seed + "\n" + std::string(2000, 'p') + "\n%%EOF\n"; }

struct Run {
  int code = -1;
  std::string out, err;
};

inline std::string quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

// Runs the gongkai binary with these arguments (and optional environment assignments).
inline Run run_gk(const std::vector<std::string>& args, const std::string& env = "NO_COLOR=1 GONGKAI_KEY=") {
  static std::atomic<int> counter{0};  // tests run the binary from several threads too
  fs::path base = fs::temp_directory_path() / ("gk_arch_run_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
  std::string cmd = env + " " + quote(GK_BINARY);
  for (auto& a : args) cmd += " " + quote(a);
  cmd += " >" + quote(base.string() + ".out") + " 2>" + quote(base.string() + ".err") + " </dev/null";
  int st = std::system(cmd.c_str());
  Run r;
  r.code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  r.out = slurp(base.string() + ".out");
  r.err = slurp(base.string() + ".err");
  fs::remove(base.string() + ".out");
  fs::remove(base.string() + ".err");
  return r;
}

// Every file and directory under `root` with the sha512 of files. The writer's work area
// (extensions/gongkai-staging: lock files, transaction directories) is left out, because a
// refused write may leave a lock file; callers check separately that no transaction is left.
inline std::map<std::string, std::string> snapshot(const std::string& root) {
  std::map<std::string, std::string> m;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(root, ec); it != fs::recursive_directory_iterator(); it.increment(ec)) {
    std::string rel = fs::relative(it->path(), root).string();
    if (rel == "extensions/gongkai-staging") {
      it.disable_recursion_pending();
      continue;
    }
    m[rel] = it->is_directory() ? "dir" : gk::digest_file_hex(gk::DigestAlgorithm::sha512, it->path().string()).value();
  }
  return m;
}

inline bool has_transactions(const std::string& root) {
  std::error_code ec;
  for (auto& e : fs::directory_iterator(root + "/extensions/gongkai-staging", ec))
    if (e.path().filename().string().rfind("txn-", 0) == 0) return true;
  return false;
}

}  // namespace archive_test
