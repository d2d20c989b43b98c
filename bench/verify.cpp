// bench_verify: `archive verify` throughput against `sha512sum` over the same content files.
//
//   bench_verify [VERSIONS=10000] [KB=100] [DIR]
//
// Builds an archive of VERSIONS versions (VERSIONS/2 objects, two versions each; each version a
// new KB-kilobyte PDF-like file, a record and a metadata file), logs every version and signs a
// head, then times, in the same run and with the same (warm) page cache:
//   sha512sum over every content file (one subprocess, xargs batches);
//   verify_archive (sha512 + sm3 of every file, inventories, validator, log replay), all cores;
//   verify_archive on one thread.
// Figures are MB/s of content (10^6 bytes). The archive is removed unless DIR is given.
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

#include "archive/audit/log.h"
#include "archive/ocfl/store.h"
#include "archive/verify/verify.h"
#include "common/digest.h"

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

double secs(Clock::time_point a) { return std::chrono::duration<double>(Clock::now() - a).count(); }

double cpu_seconds(int who) {
  rusage u{};
  getrusage(who, &u);
  return u.ru_utime.tv_sec + u.ru_stime.tv_sec + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

int build(const std::string& root, int versions, size_t kb, uint64_t& bytes) {
  auto st = gk::ocfl::Store::init(root, {.durable = false});
  if (!st) return std::fprintf(stderr, "%s\n", st.error().str().c_str()), 1;
  fs::create_directories(root + "/extensions/gongkai-signing");
  std::string key_path = root + ".key";
  fs::remove(key_path);
  if (auto k = gk::audit::generate_keypair(key_path, root + "/extensions/gongkai-signing/bench.pem"); !k)
    return std::fprintf(stderr, "%s\n", k.error().str().c_str()), 1;
  auto key = gk::audit::PrivateKey::load(key_path);
  auto log = gk::audit::AuditLog::open(gk::audit::audit_dir(root));
  if (!log) return std::fprintf(stderr, "%s\n", log.error().str().c_str()), 1;
  std::mt19937_64 rng(42);
  std::string pdf(kb * 1000, '\0');
  const int objects = std::max(1, versions / 2), batch = 200;
  for (int round = 0; round < 2; ++round) {
    for (int first = 0; first < objects; first += batch) {
      std::vector<gk::ocfl::NewVersion> nv;
      std::vector<gk::audit::Entry> entries;
      for (int i = first; i < std::min(objects, first + batch); ++i) {
        for (size_t w = 0; w + 8 <= pdf.size(); w += 8) {
          uint64_t r = rng();
          std::memcpy(&pdf[w], &r, 8);
        }
        std::memcpy(pdf.data(), "%PDF-1.4\n", 9);
        std::string id = "bench/" + std::to_string(i);
        std::string rec = "<record><index-no>" + id + "</index-no></record>\n";
        std::string meta = "{\"status\": \"" + std::string(round ? "修改" : "发布") + "\", \"round\": " + std::to_string(round) + "}\n";
        nv.push_back({id,
                      {gk::ocfl::NewFile::from_bytes("record.xml", rec), gk::ocfl::NewFile::from_bytes("document.pdf", pdf),
                       gk::ocfl::NewFile::from_bytes("metadata.json", meta)},
                      {"2024-01-01T00:00:00+08:00", "bench", "bench", ""}});
        gk::audit::Entry e;
        e.time = "2024-01-01T00:00:00Z";
        e.actor = "bench";
        e.action = round ? gk::audit::kActionStatusChange : gk::audit::kActionVersionAdd;
        e.object = id;
        e.version = round ? "v2" : "v1";
        e.digests = {{"sha512", gk::digest_hex(gk::DigestAlgorithm::sha512, meta)},
                     {"sm3", gk::digest_hex(gk::DigestAlgorithm::sm3, meta)}};
        e.detail = {{"sha512:document.pdf", gk::digest_hex(gk::DigestAlgorithm::sha512, pdf)},
                    {"sha512:record.xml", gk::digest_hex(gk::DigestAlgorithm::sha512, rec)}};
        entries.push_back(std::move(e));
        bytes += pdf.size() + meta.size() + (round ? 0 : rec.size());
      }
      auto r = st->add_versions(nv);
      if (!r) return std::fprintf(stderr, "%s\n", r.error().str().c_str()), 1;
      for (auto& e : entries)
        if (auto s = log->append(e); !s) return std::fprintf(stderr, "%s\n", s.error().str().c_str()), 1;
      std::fprintf(stderr, "\rbuilding: %d/%d versions", round * objects + std::min(objects, first + batch), 2 * objects);
    }
  }
  if (auto h = log->sign_head(*key); !h) return std::fprintf(stderr, "%s\n", h.error().str().c_str()), 1;
  std::fprintf(stderr, "\n");
  return 0;
}

// sha512sum over every content file, as one `xargs` pipeline; returns wall seconds.
double run_sha512sum(const std::string& root, uint64_t& bytes) {
  std::string list = root + ".files";
  {
    std::ofstream out(list, std::ios::binary);
    for (auto& e : fs::recursive_directory_iterator(root))
      if (e.is_regular_file() && e.path().string().find("/content/") != std::string::npos) {
        out << e.path().string() << '\0';
        bytes += e.file_size();
      }
  }
  auto t = Clock::now();
  std::string cmd = "xargs -0 sha512sum < '" + list + "' > /dev/null";
  if (std::system(cmd.c_str()) != 0) std::fprintf(stderr, "sha512sum failed\n");
  double s = secs(t);
  fs::remove(list);
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  int versions = argc > 1 ? std::atoi(argv[1]) : 10000;
  size_t kb = argc > 2 ? std::strtoul(argv[2], nullptr, 10) : 100;
  bool keep = argc > 3;
  std::string root = keep ? argv[3] : (fs::temp_directory_path() / ("gk-bench-verify-" + std::to_string(getpid()))).string();
  uint64_t written = 0;
  auto t0 = Clock::now();
  if (!fs::exists(root + "/0=ocfl_1.1")) {
    if (build(root, versions, kb, written)) return 1;
    std::printf("built %d versions, %.1f MB of content, in %.1f s\n", versions, written / 1e6, secs(t0));
  }
  double load[3];
  getloadavg(load, 3);
  std::printf("cores %u, load average %.1f (other work on this machine slows every figure alike)\n",
              std::thread::hardware_concurrency(), load[0]);

  uint64_t sum_bytes = 0;
  run_sha512sum(root, sum_bytes);  // warm the page cache so that both read from memory
  sum_bytes = 0;
  double c0 = cpu_seconds(RUSAGE_CHILDREN);
  double s = run_sha512sum(root, sum_bytes);
  double sum_cpu = cpu_seconds(RUSAGE_CHILDREN) - c0;
  std::printf("sha512sum:            %8.1f MB in %6.2f s = %7.1f MB/s   (cpu %.2f s)\n", sum_bytes / 1e6, s, sum_bytes / 1e6 / s,
              sum_cpu);

  for (int mode : {0, 1, 2}) {
    int threads = mode == 1 ? 1 : 0;
    gk::verify::VerifyOptions o;
    o.threads = threads;
    o.run_ocfl_validator = mode != 2;
    double p0 = cpu_seconds(RUSAGE_SELF);
    auto t = Clock::now();
    auto r = gk::verify::verify_archive(root, o);
    double v = secs(t), cpu = cpu_seconds(RUSAGE_SELF) - p0;
    if (!r) return std::fprintf(stderr, "%s\n", r.error().str().c_str()), 1;
    std::printf("verify (%s):%8.1f MB in %6.2f s = %7.1f MB/s   (cpu %.2f s) sha512+sm3, %llu files, %zu problems"
                " -> %.0f%% of sha512sum\n",
                mode == 0 ? "all cores" : mode == 1 ? "1 thread " : "no OCFL validator", r->bytes / 1e6, v, r->bytes / 1e6 / v, cpu,
                static_cast<unsigned long long>(r->files), r->problems.size(), 100.0 * (r->bytes / v) / (sum_bytes / s));
    for (size_t i = 0; i < std::min<size_t>(3, r->problems.size()); ++i) std::printf("  %s\n", r->problems[i].str().c_str());
  }
  if (!keep) {
    fs::remove_all(root);
    fs::remove(root + ".key");
  }
  return 0;
}
