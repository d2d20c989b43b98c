// gongkai render: one record to one PDF, or a directory of records to a directory of PDFs.
#include <malloc.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <iostream>
#include <map>
#include <mutex>
#include <thread>

#include "cli/command.h"
#include "cli/options.h"
#include "cli/progress.h"
#include "common/files.h"
#include "generator/layout/lines.h"
#include "generator/render.h"

namespace fs = std::filesystem;
using namespace gk;

namespace {

const char* kHelp =
    "usage: gongkai render --template T --record R --out FILE.pdf [--fonts MAP]\n"
    "       gongkai render --template T --records DIR --out DIR [--fonts MAP] [--jobs N]\n"
    "\n"
    "Fills the template T (e.g. templates/notice.xml) from disclosure records and writes PDF/A-1b\n"
    "files laid out by GB/T 9704-2012. With --records, every *.xml (any case, subfolders too) in\n"
    "DIR is rendered on all cores to <--out>/<name>.pdf, a subfolder's into the same subfolder; a\n"
    "bad record is reported and the others go on; the exit code is 1 if any failed. Output files\n"
    "appear complete or not at all.\n"
    "\n"
    "  --fonts MAP   font map (default: fonts/fontmap.xml of the installation)\n"
    "  --jobs N      worker threads (default: all cores)\n";

struct Inputs {
  std::shared_ptr<const tmpl::Template> tmpl;
  std::shared_ptr<const font::FontMap> fonts;
};

Status render_one(const Inputs& in, const std::string& record_path, const std::string& out_path) {
  auto rec = record::load_record(record_path);
  if (!rec) return rec.error();
  auto pdf = render_record(*in.tmpl, **rec, *in.fonts);
  if (!pdf) return pdf.error();
  return write_file_atomic(out_path, *pdf);
}

int run(const cli::Args& args) {
  std::string err;
  auto o = cli::parse_options(args, {"template", "record", "records", "out", "fonts", "jobs"}, {"help"}, err);
  if (!o) return cli::fail(err + "\n" + kHelp, cli::kUsage);
  if (o->has("help")) {
    std::cout << kHelp;
    return cli::kOk;
  }
  auto tpath = o->get("template"), out = o->get("out");
  auto one = o->get("record"), many = o->get("records");
  if (one && many) return cli::fail(std::string("render takes --record or --records, not both\n") + kHelp, cli::kUsage);
  if (std::string extra = cli::extra_argument(*o, 0); !extra.empty()) return cli::fail(extra + "\n" + kHelp, cli::kUsage);
  if (!tpath || !out || (!one == !many))
    return cli::fail(std::string("render needs --template, --out and one of --record or --records\n") + kHelp, cli::kUsage);
  if (out->empty())
    return cli::fail(std::string("--out is empty: it names the PDF to write (with --records, the directory)\n") + kHelp,
                     cli::kUsage);
  if (one && !out->empty() && out->back() == '/')
    return cli::fail("--out " + *out + " names a directory; with --record it names the PDF to write (--records DIR renders into a directory)",
                     cli::kUsage);
  if (one && o->get("jobs")) return cli::fail(std::string("--jobs goes with --records\n") + kHelp, cli::kUsage);
  auto jobs_opt = cli::number_option(*o, "jobs", 1, 256, static_cast<int>(std::max(1u, std::thread::hardware_concurrency())), err);
  if (!jobs_opt) return cli::fail(err + "\n" + kHelp, cli::kUsage);
  unsigned jobs = static_cast<unsigned>(*jobs_opt);

  Inputs in;
  auto t = tmpl::Template::load(*tpath);
  if (!t) return cli::fail(t.error().str());
  in.tmpl = *t;
  auto fm = o->get("fonts") ? font::FontMap::load(*o->get("fonts")) : font::FontMap::load_default();
  if (!fm) return cli::fail(fm.error().str());
  in.fonts = *fm;
  for (auto& [role, line] : in.tmpl->roles())
    if (!in.fonts->role(role))
      return cli::fail(make_error(layout::unknown_role_message(role, *in.fonts), in.tmpl->path(), line).str());

  std::error_code ec;
  if (one) {
    std::vector<std::pair<std::string, std::string>> inputs{{"--record", *one}, {"--template", *tpath}};
    for (const auto& f : in.fonts->files()) inputs.emplace_back("--fonts", f);
    if (auto s = refuse_overwriting_input(*out, inputs); !s) return cli::fail(s.error().str(), cli::kUsage);
    fs::path parent = fs::path(*out).parent_path();
    if (auto s = check_writable_dir(parent.empty() ? "." : parent.string()); !s) return cli::fail(s.error().str());
    if (fs::is_directory(*out, ec))
      return cli::fail(make_error("is a directory; --out names the PDF to write (--records DIR renders into a directory)", *out).str(),
                       cli::kUsage);  // as for "DIR/": the option was misread
    if (auto s = render_one(in, *one, *out); !s) return cli::fail(s.error().str());
    return cli::kOk;
  }

  if (!fs::is_directory(*many, ec)) return cli::fail(make_error("not a directory", *many).str());
  if (auto s = check_writable_dir(*out); !s) return cli::fail(s.error().str());
  // As report reads a folder of records (any case, subfolders too): A.XML exported from another
  // system was skipped without a word. A record in a subfolder is rendered into the same
  // subfolder of --out, so names in two subfolders do not collide.
  auto listed = xml_files(*many);
  if (!listed) return cli::fail(listed.error().str());
  const std::vector<std::string>& files = *listed;
  if (files.empty()) std::cerr << "gongkai: warning: " << *many << " holds no *.xml records\n";
  auto pdf_of = [&](const std::string& record) {
    fs::path rel = fs::path(record).lexically_relative(*many);
    return (fs::path(*out) / rel.parent_path() / (rel.stem().string() + ".pdf")).lexically_normal().string();
  };
  // a.xml and a.XML would both become a.pdf, one silently replacing the other (a code review).
  std::map<std::string, std::string> by_pdf;
  for (const auto& f : files)
    if (auto [it, fresh] = by_pdf.emplace(pdf_of(f), f); !fresh)
      return cli::fail(make_error("and " + it->second + " would both be rendered to " + it->first + "; rename one", f).str());

  cli::Progress progress("rendering", files.size());
  std::atomic<size_t> next{0}, failed{0};
  std::mutex err_mu;
  std::vector<std::string> errors;
  auto worker = [&] {
    for (size_t i; (i = next.fetch_add(1)) < files.size();) {
      std::string pdf = pdf_of(files[i]);
      std::error_code mk;
      fs::create_directories(fs::path(pdf).parent_path(), mk);  // a failure is render_one's to report
      auto s = render_one(in, files[i], pdf);
      if (!s) {
        failed++;
        std::lock_guard lock(err_mu);
        errors.push_back(s.error().str());
      }
      progress.tick();
    }
  };
  std::vector<std::thread> pool;
  for (unsigned k = 0; k < std::min<size_t>(jobs, files.size()); ++k) pool.emplace_back(worker);
  for (auto& th : pool) th.join();
  progress.finish();
  std::sort(errors.begin(), errors.end());
  for (auto& e : errors) std::cerr << "gongkai: " << e << "\n";
  std::cout << "rendered " << files.size() - failed << " of " << files.size() << " records into " << *out << "\n";
  return failed ? cli::kFailed : cli::kOk;
}

}  // namespace

GK_COMMAND("render", "fill a template from disclosure records and write GB/T 9704 PDF files", run);
