// Ingests N records with their PDFs into a fresh storage root, then a second version (a
// correction: changed record and PDF) of 10% of them, the way `gongkai archive add --records`
// does: durable commits in groups, the audit log with a signed tree head per group, and the
// search catalogue. Prints records per second, CPU per record, bytes on disk and peak memory.
// Usage: bench_ingest [count] [work dir] [--no-audit] [--no-catalogue] [--pdf FILE] [--keep]
//   --no-audit      leave out the audit log (store + metadata.json only, with --no-catalogue)
//   --no-catalogue  leave out the catalogue update
//   --pdf FILE      use this PDF instead of rendering bench/one-page-notice.xml
//   --keep          leave the work directory (deleting 10,000 objects takes minutes on some disks)
// For repeatable figures run it on a fresh file system: bench/fresh-ext4, then
//   bench_ingest 10000 /mnt/gkbench/w
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <set>
#include <string>
#include <thread>

#include "archive/catalogue/catalogue.h"
#include "archive/ingest/ingest.h"
#include "archive/ocfl/validator.h"
#include "common/files.h"
#include "generator/render.h"

namespace fs = std::filesystem;
using namespace gk;

namespace {

std::string replace_once(std::string s, const std::string& from, const std::string& to) {
  auto at = s.find(from);
  if (at != std::string::npos) s.replace(at, from.size(), to);
  return s;
}

// Blocks allocated, each inode counted once (root inventories are hard links to a version's).
unsigned long long disk_bytes(const std::string& dir) {
  unsigned long long total = 0;
  std::set<std::pair<dev_t, ino_t>> seen;
  std::error_code ec;
  for (auto& e : fs::recursive_directory_iterator(dir, ec)) {
    struct stat st{};
    if (::lstat(e.path().c_str(), &st) == 0 && seen.insert({st.st_dev, st.st_ino}).second)
      total += static_cast<unsigned long long>(st.st_blocks) * 512;
  }
  return total;
}

double cpu_seconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

int fail(const std::string& what) {
  std::fprintf(stderr, "bench_ingest: %s\n", what.c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  int count = 10000;
  std::string work = (fs::temp_directory_path() / "gk_bench_ingest").string();
  bool audit = true, keep = false, catalogue = true;
  std::string pdf_file;
  int positional = 0;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--no-audit") == 0) audit = false;
    else if (std::strcmp(argv[i], "--keep") == 0) keep = true;
    else if (std::strcmp(argv[i], "--no-catalogue") == 0) catalogue = false;
    else if (std::strcmp(argv[i], "--pdf") == 0 && i + 1 < argc) pdf_file = argv[++i];
    else if (positional++ == 0) count = std::atoi(argv[i]);
    else work = argv[i];
  }
  auto t_setup = std::chrono::steady_clock::now();
  fs::remove_all(work);
  fs::create_directories(work + "/records");
  fs::create_directories(work + "/pdfs");

  // Inputs: one real rendered one-page notice, made unique per record (an extra trailing comment,
  // so that every PDF is new content as in production).
  std::string base_path = std::string(GK_DATA_DIR) + "/bench/one-page-notice.xml";
  auto base = read_file(base_path);
  if (!base) return fail("setup: cannot read " + base_path);
  Result<std::string> pdf0 = pdf_file.empty() ? Result<std::string>(make_error("")) : read_file(pdf_file);
  if (pdf_file.empty()) {
    auto tpl = tmpl::Template::load(std::string(GK_DATA_DIR) + "/templates/notice.xml");
    auto fonts = font::FontMap::load_default();
    if (!tpl || !fonts) return fail("setup: cannot load the template or fonts");
    auto rec0 = record::load_record(base_path);
    if (!rec0) return fail(rec0.error().str());
    pdf0 = render_record(**tpl, **rec0, **fonts);
  }
  if (!pdf0) return fail(pdf0.error().str());
  std::vector<ingest::AddRequest> first, second;
  unsigned long long input_bytes = 0;
  for (int i = 0; i < count; ++i) {
    char id[64], num[32];
    std::snprintf(id, sizeof id, "11519900008452170L/2023-%05d", i);
    std::snprintf(num, sizeof num, "〔2023〕%d号", i + 1);
    std::string xml = replace_once(replace_once(*base, "11519900008452170L/2023-00100", id), "〔2023〕1号", num);
    std::string name = "n" + std::to_string(i);
    std::string pdf = *pdf0 + "% " + name + "\n";
    input_bytes += xml.size() + pdf.size();
    if (!write_file_atomic(work + "/records/" + name + ".xml", xml, false) ||
        !write_file_atomic(work + "/pdfs/" + name + ".pdf", pdf, false))
      return fail("cannot write inputs under " + work);
    ingest::AddRequest rq;
    rq.record_path = work + "/records/" + name + ".xml";
    rq.pdf_path = work + "/pdfs/" + name + ".pdf";
    rq.user = {"bench", "mailto:bench@example.gov.cn"};
    first.push_back(rq);
    if (i % 10 == 0) {
      std::string fixed = replace_once(xml, "数据应当准确", "数据应当准确、完整");
      if (!write_file_atomic(work + "/records/" + name + "-v2.xml", fixed, false) ||
          !write_file_atomic(work + "/pdfs/" + name + "-v2.pdf", pdf + "% corrected\n", false))
        return fail("cannot write inputs under " + work);
      rq.record_path = work + "/records/" + name + "-v2.xml";
      rq.pdf_path = work + "/pdfs/" + name + "-v2.pdf";
      second.push_back(rq);
    }
  }
  ::sync();  // the inputs' own write-back must not be charged to the first commit's barrier
  std::string root = work + "/root";
  if (auto st = ocfl::Store::init(root); !st) return fail(st.error().str());
  if (catalogue)  // as `gongkai archive init` does
    if (auto ix = catalogue::Index::create(catalogue::default_path(root)); !ix) return fail(ix.error().str());
  auto archive = ingest::Archive::open(root);  // durable: every group ends with its barriers
  if (!archive) return fail(archive.error().str());
  if (audit) {  // as after `gongkai archive keygen`: every group ends with a signed tree head
    auto kg = ingest::keygen(root, work + "/bench-key.pem");
    if (!kg) return fail(kg.error().str());
    auto key = ingest::load_signing_key(root);
    if (!key) return fail(key.error().str());
    archive->set_signing_key(std::move(*key));
  }
  archive->set_audit_enabled(audit);
  archive->set_catalogue_enabled(catalogue);

  std::printf("setup (inputs written): %.1f s\n", seconds_since(t_setup));
  std::printf("records: %d one-page notices, %.1f KB record+PDF each on average; store + metadata.json%s%s\n", count,
              input_bytes / 1024.0 / count, audit ? " + signed audit log" : "", catalogue ? " + catalogue" : "");
  auto t0 = std::chrono::steady_clock::now();
  double c0 = cpu_seconds();
  auto r1 = archive->add_batch(first);
  double s1 = seconds_since(t0), c1 = cpu_seconds() - c0;
  if (!r1.ok()) return fail("first ingest failed: " + (r1.failed.empty() ? std::string("commit") : r1.failed[0].str()));
  std::printf("first versions: %zu in %.2f s = %.0f records/s (CPU %.2f s = %.0f records per CPU-second)\n", r1.added.size(),
              s1, r1.added.size() / s1, c1, r1.added.size() / c1);
  t0 = std::chrono::steady_clock::now();
  c0 = cpu_seconds();
  auto r2 = archive->add_batch(second);
  double s2 = seconds_since(t0), c2 = cpu_seconds() - c0;
  if (!r2.ok()) return fail("second ingest failed");
  std::printf("second versions (10%%): %zu in %.2f s = %.0f records/s (CPU %.2f s = %.0f records per CPU-second)\n",
              r2.added.size(), s2, r2.added.size() / s2, c2, r2.added.size() / c2);
  std::printf("overall: %.0f versions/s (CPU %.2f ms per version)\n", (r1.added.size() + r2.added.size()) / (s1 + s2),
              1000.0 * (c1 + c2) / (r1.added.size() + r2.added.size()));
  unsigned long long disk = disk_bytes(root);
  std::printf("on disk: %.1f MB, %.1f KB per record (inputs: %.1f KB per record)\n", disk / 1e6, disk / 1024.0 / count,
              input_bytes / 1024.0 / count);
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  std::printf("peak memory (max RSS): %.1f MB\n", ru.ru_maxrss / 1024.0);
  if (catalogue) {
    // What a search pays before it answers (catalogue::open_checked): a full check (quick_check
    // and the walk of the root), and, once the files are 2 s old, the check stamp instead.
    auto timed_open = [&](bool& full) {
      auto t = std::chrono::steady_clock::now();
      catalogue::OpenReport rep;
      auto ix = catalogue::open_checked(archive->store(), "", rep);
      full = rep.full_check;
      return ix ? seconds_since(t) : -1.0;
    };
    std::this_thread::sleep_for(std::chrono::milliseconds(2100));
    bool full1 = false, full2 = true;
    double a = timed_open(full1);
    double b = timed_open(full2);
    std::printf("catalogue open before a search: %.3f s (%s), then %.3f s (%s)\n", a,
                full1 ? "full check" : "stamp", b, full2 ? "full check: the stamp was not used" : "check stamp");
  }
  if (const char* v = std::getenv("GK_BENCH_VALIDATE"); v && *v == '1') {
    auto t = std::chrono::steady_clock::now();
    auto rep = ocfl::Validator().validate_storage_root(root);
    std::printf("validation: %d objects, %zu errors, %.1f s\n", rep.objects, rep.error_count(), seconds_since(t));
  }
  if (keep) return 0;
  auto t_clean = std::chrono::steady_clock::now();
  fs::remove_all(work);
  std::printf("cleanup: %.1f s\n", seconds_since(t_clean));
  return 0;
}
