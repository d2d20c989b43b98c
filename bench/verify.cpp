// bench_verify: `archive verify` throughput against `sha512sum` over the same content files.
//
//   bench_verify [VERSIONS=10000] [KB=100] [DIR [ROUNDS=3]]
//
// Builds an archive of VERSIONS versions (VERSIONS/2 objects, two versions each; each version a
// new KB-kilobyte PDF-like file, a record and a metadata file), logs every version and signs a
// head (or reuses DIR if it holds one), then times, in the same run and with the same (warm)
// page cache, ROUNDS rounds of:
//   sha512sum over every content file (one subprocess, xargs batches);
//   verify_archive (sha512 + sm3 of every file, inventories, validator, log replay), all cores;
// and verify_archive on one thread once; then verify with one real problem, which reads the
// archive again under the write lock (the time writers wait). Each line carries the load
// average: the machine's other work slows both, so ratios are compared within a round, and the
// best round is quoted.
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

double load1() {
  double l[3] = {0, 0, 0};
  getloadavg(l, 3);
  return l[0];
}

struct Timed {
  double wall = 0, cpu = 0, load = 0;
  uint64_t bytes = 0, files = 0;
  size_t problems = 0;
  double mbs() const { return bytes / 1e6 / wall; }
};

Timed time_sha512sum(const std::string& root) {
  Timed t;
  t.load = load1();
  double c0 = cpu_seconds(RUSAGE_CHILDREN);
  t.wall = run_sha512sum(root, t.bytes);
  t.cpu = cpu_seconds(RUSAGE_CHILDREN) - c0;
  return t;
}

Timed time_verify(const std::string& root, int threads, std::string& first_problems) {
  Timed t;
  t.load = load1();
  gk::verify::VerifyOptions o;
  o.threads = threads;
  double p0 = cpu_seconds(RUSAGE_SELF);
  auto start = Clock::now();
  auto r = gk::verify::verify_archive(root, o);
  t.wall = secs(start);
  t.cpu = cpu_seconds(RUSAGE_SELF) - p0;
  if (!r) {
    std::fprintf(stderr, "%s\n", r.error().str().c_str());
    std::exit(1);
  }
  t.bytes = r->bytes;
  t.files = r->files;
  t.problems = r->problems.size();
  for (size_t i = 0; i < std::min<size_t>(3, r->problems.size()); ++i) first_problems += "  " + r->problems[i].str() + "\n";
  return t;
}

}  // namespace

int main(int argc, char** argv) {
  int versions = argc > 1 ? std::atoi(argv[1]) : 10000;
  size_t kb = argc > 2 ? std::strtoul(argv[2], nullptr, 10) : 100;
  bool keep = argc > 3;
  std::string root = keep ? argv[3] : (fs::temp_directory_path() / ("gk-bench-verify-" + std::to_string(getpid()))).string();
  int rounds = argc > 4 ? std::max(1, std::atoi(argv[4])) : 3;
  uint64_t written = 0;
  auto t0 = Clock::now();
  if (!fs::exists(root + "/0=ocfl_1.1")) {
    if (build(root, versions, kb, written)) return 1;
    std::printf("built %d versions, %.1f MB of content, in %.1f s\n", versions, written / 1e6, secs(t0));
  }
  std::printf("cores %u; figures are MB/s of content (10^6 bytes), page cache warm; load = 1-minute load average\n"
              "when the run started (other work on this machine slows every figure; compare within a round)\n",
              std::thread::hardware_concurrency());
  // Warm the page cache so that both read from memory: content for sha512sum, and for verify also
  // the inventories, sidecars, directories and log that only it reads.
  uint64_t warm = 0;
  run_sha512sum(root, warm);
  std::string ignored;
  time_verify(root, 0, ignored);

  // Rounds of sha512sum then verify (all cores), back to back so that both see the same load;
  // the best round is the one to quote, with its load. Then one single-thread run for reference.
  Timed best_sum, best_ver;
  double best_ratio = 0;
  std::string probs;
  for (int round = 1; round <= rounds; ++round) {
    Timed s = time_sha512sum(root);
    Timed v = time_verify(root, 0, probs);
    double ratio = v.mbs() / s.mbs();
    std::printf("round %d: sha512sum %7.1f MB/s (%.2f s, cpu %.2f s, load %.1f) | verify all cores %7.1f MB/s (%.2f s, cpu %.2f s, "
                "load %.1f, %llu files, %zu problems) -> %.0f%% of sha512sum\n",
                round, s.mbs(), s.wall, s.cpu, s.load, v.mbs(), v.wall, v.cpu, v.load, static_cast<unsigned long long>(v.files),
                v.problems, 100 * ratio);
    if (ratio > best_ratio) {
      best_ratio = ratio;
      best_sum = s;
      best_ver = v;
    }
  }
  Timed one = time_verify(root, 1, probs);
  std::printf("verify, 1 thread:  %7.1f MB/s (%.2f s, cpu %.2f s, load %.1f) -> %.0f%% of the best round's sha512sum\n", one.mbs(),
              one.wall, one.cpu, one.load, 100 * one.mbs() / best_sum.mbs());
  std::printf("best round: %.1f MB in %llu files; sha512sum %.1f MB/s, verify (sha512 + sm3 + validator + log replay) %.1f MB/s"
              " = %.0f%% of sha512sum (target 80%%), load %.1f\n",
              best_ver.bytes / 1e6, static_cast<unsigned long long>(best_ver.files), best_sum.mbs(), best_ver.mbs(), 100 * best_ratio,
              best_ver.load);
  if (!probs.empty()) std::printf("problems (the bench archive should have none):\n%s", probs.c_str());

  // With a real problem verify reads the archive again holding the write lock: how long writers
  // wait (content found sound is not hashed again).
  {
    std::string extra = root + "/bench-extra.txt";
    std::ofstream(extra) << "a real problem\n";
    gk::verify::VerifyOptions o;
    Clock::time_point held;
    o.test_hook = [&](const char* point, int) {
      if (std::string(point) == "recheck") held = Clock::now();
    };
    auto start = Clock::now();
    auto r = gk::verify::verify_archive(root, o);
    double total = secs(start), locked = secs(held);
    fs::remove(extra);
    if (!r) return std::fprintf(stderr, "%s\n", r.error().str().c_str()), 1;
    std::printf("with one real problem: %.2f s in all, of which the re-check under the write lock (writers wait) %.2f s;"
                " %zu problem(s), load %.1f\n",
                total, locked, r->problems.size(), load1());
  }
  if (!keep) {
    fs::remove_all(root);
    fs::remove(root + ".key");
  }
  return 0;
}
