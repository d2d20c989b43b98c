// gongkai archive add | archive status | publish: the commands that write versions.
#include <algorithm>
#include <filesystem>
#include <iostream>

#include "archive/ingest/ingest.h"
#include "cli/command.h"
#include "cli/options.h"
#include "cli/progress.h"
#include "common/digest.h"
#include "common/files.h"
#include "common/text_input.h"
#include "generator/render.h"

namespace fs = std::filesystem;
using namespace gk;

namespace {

const char* kAddHelp =
    "usage: gongkai archive add ROOT --record R [--pdf P] [--attach F]... [options]\n"
    "       gongkai archive add ROOT --records DIR [--pdfs DIR] [options]\n"
    "\n"
    "Archives a disclosure record as a new version of the object whose id is its 索引号: v1 the\n"
    "first time, the next version afterwards. A version holds record.xml (exact bytes),\n"
    "document.pdf (--pdf), attachments/<name> (--attach, repeatable) and metadata.json. Files\n"
    "already in the object are not stored again. An add identical to the head adds nothing.\n"
    "\n"
    "With --records, every DIR/*.xml is archived, with --pdfs DIR/<same name>.pdf; a bad record\n"
    "is reported by name and the others go on; the exit code is 1 if any failed.\n"
    "\n"
    "Status: 发布 for a first version, 修改 (correction) for later ones, unless --status says\n"
    "otherwise. Id collision: a later record must have the same 发布机构 and 成文日期 as the\n"
    "object's first version; otherwise it is refused as another document using the same 索引号,\n"
    "unless --status 修改 declares it a correction of those fields.\n"
    "\n"
    "  --user NAME       who archives (default: the login name)\n"
    "  --address URI     the user's address, e.g. mailto:li@example.gov.cn\n"
    "  --message M       version message (default: \"<status>：<title>\")\n"
    "  --status S        发布 | 修改 | 废止 | 失效 | 撤回 (发布 again only after 撤回)\n"
    "  --key PATH        private key to sign the audit log (default: GONGKAI_KEY, then the\n"
    "                    archive's configured key; see gongkai archive keygen)\n";

const char* kStatusHelp =
    "usage: gongkai archive status ROOT ID --status 废止|失效|撤回|修改 --message M [options]\n"
    "\n"
    "Records a change of status of the object ID as a new version: the same files as the head\n"
    "(nothing is copied) and a metadata.json with the new status. Nothing is ever deleted: a\n"
    "withdrawn (撤回) document stays in the archive with its whole history.\n"
    "\n"
    "  --user NAME  --address URI  --key PATH   as for gongkai archive add\n";

const char* kPublishHelp =
    "usage: gongkai publish ROOT --template T --record R [--attach F]... [options]\n"
    "\n"
    "The everyday path: renders the record with the template (as gongkai render does) and\n"
    "archives the record and its PDF in one step; metadata.json names the template and its\n"
    "sha512. Options as for gongkai archive add (--user, --address, --message, --status, --key),\n"
    "plus --fonts MAP (font map, default fonts/fontmap.xml) and --pdf-out FILE (also write the PDF).\n";

// Names and messages go into metadata.json and the audit log and are printed one per line by
// `archive log`: one line of valid UTF-8 without control characters, and not empty when given
// (an empty --user would silently become the login name).
std::optional<cli::Options> parse(const cli::Args& args, const std::set<std::string>& values, const char* help,
                                  size_t positionals, int& code) {
  auto o = cli::parse_command(args, values, {}, help, positionals, positionals, code);
  if (!o) return o;
  for (const char* name : {"user", "address", "message"})
    if (auto v = o->get(name)) {
      std::string why = v->empty() ? "must not be empty" : text_problem(*v, /*one_line=*/true);
      if (!why.empty()) {
        code = cli::fail(std::string("--") + name + " " + why, cli::kUsage);
        return std::nullopt;
      }
    }
  return o;
}

// Opens the archive and its signing key (a configured key that cannot be loaded stops here,
// before anything is written).
Result<ingest::Archive> open_for_writing(const std::string& root, const cli::Options& o) {
  auto a = ingest::Archive::open(root);
  if (!a) return a.error();
  auto key = ingest::load_signing_key(root, o.get("key").value_or(""));
  if (!key) return key.error();
  a->set_signing_key(std::move(*key));
  return a;
}

ingest::Actor actor(const cli::Options& o) { return {o.get("user").value_or(""), o.get("address").value_or("")}; }

// The write succeeded; the catalogue, derived data, may not have followed (the next search
// brings it up to date). Said on stderr, exit status unchanged.
void warn_catalogue(const ingest::Archive& a) {
  if (const auto& e = a.catalogue_error())
    std::cerr << "gongkai: warning: the catalogue was not updated (" << e->str()
              << "); the next search brings it up to date\n";
}

void print_outcome(const ingest::AddOutcome& r) {
  if (r.unchanged) {
    std::cout << "unchanged: " << r.object_id << " is identical to its head version (" << r.status << "); nothing added\n";
    return;
  }
  std::cout << "archived " << r.object_id << " " << r.version << " (" << r.status << "): " << r.files_stored
            << " file(s) stored, " << r.files_deduplicated << " already in the object\n";
}

int run_batch(ingest::Archive& archive, const cli::Options& o) {
  std::string dir = *o.get("records");
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return cli::fail(make_error("not a directory", dir).str(), cli::kUsage);
  auto pdfs = o.get("pdfs");
  if (pdfs && !fs::is_directory(*pdfs, ec)) return cli::fail(make_error("not a directory", *pdfs).str(), cli::kUsage);
  std::vector<ingest::AddRequest> requests;
  std::vector<Error> not_files;
  // Every *.xml but a directory: a broken link or an unreadable entry is a record that fails
  // with its own message, not one left out silently ("archived 2 of 2").
  for (auto it = fs::directory_iterator(dir, ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
    const auto& e = *it;
    std::error_code kind;
    if (e.path().extension() == ".xml" && !e.is_directory(kind)) {
      // A FIFO, socket or device would block the read or never end: a failed record, unread.
      if (fs::exists(e.status(kind)) && !e.is_regular_file(kind)) {
        not_files.push_back(make_error("not a regular file (a FIFO, socket or device)", e.path().string()));
        continue;
      }
      ingest::AddRequest rq;
      rq.record_path = e.path().string();
      if (pdfs) rq.pdf_path = (fs::path(*pdfs) / (e.path().stem().string() + ".pdf")).string();
      rq.status = o.get("status").value_or("");
      rq.user = actor(o);
      rq.message = o.get("message").value_or("");
      requests.push_back(std::move(rq));
    }
  }
  if (ec) return cli::fail(make_error("cannot list the directory: " + ec.message(), dir).str());
  std::sort(requests.begin(), requests.end(), [](auto& a, auto& b) { return a.record_path < b.record_path; });
  cli::Progress progress("archiving", requests.size());
  auto rep = archive.add_batch(requests, [&] { progress.tick(); });
  progress.finish();
  rep.failed.insert(rep.failed.end(), not_files.begin(), not_files.end());
  for (const auto& e : rep.failed) std::cerr << "gongkai: " << e.str() << "\n";
  if (rep.commit_error) std::cerr << "gongkai: " << rep.commit_error->str() << "\n";
  if (rep.audit_error) std::cerr << "gongkai: " << rep.audit_error->str() << "\n";
  warn_catalogue(archive);
  size_t added = 0, unchanged = 0;
  for (const auto& r : rep.added) (r.unchanged ? unchanged : added)++;
  std::cout << "archived " << added + unchanged << " of " << requests.size() + not_files.size() << " records into "
            << archive.store().root() << ": " << added << " new version(s), " << unchanged << " unchanged, "
            << rep.failed.size() << " failed\n";
  return rep.ok() ? cli::kOk : cli::kFailed;
}

int run_add(const cli::Args& args) {
  int code = 0;
  auto o = parse(args, {"record", "records", "pdf", "pdfs", "attach", "user", "address", "message", "status", "key"},
                 kAddHelp, 1, code);
  if (!o) return code;
  auto one = o->get("record"), many = o->get("records");
  if (!one == !many)
    return cli::fail(std::string(one ? "archive add takes --record or --records, not both\n" : "archive add needs one of --record or --records\n") +
                         kAddHelp,
                     cli::kUsage);
  if (many && (o->get("pdf") || !o->all("attach").empty()))
    return cli::fail("--pdf and --attach go with --record; with --records use --pdfs DIR", cli::kUsage);
  if (one && o->get("pdfs")) return cli::fail("--pdfs goes with --records; with --record use --pdf FILE", cli::kUsage);
  auto archive = open_for_writing(o->positional[0], *o);
  if (!archive) return cli::fail(archive.error().str());
  if (many) return run_batch(*archive, *o);
  ingest::AddRequest rq;
  rq.record_path = *one;
  rq.pdf_path = o->get("pdf").value_or("");
  rq.attachment_paths = o->all("attach");
  rq.status = o->get("status").value_or("");
  rq.user = actor(*o);
  rq.message = o->get("message").value_or("");
  auto r = archive->add(rq);
  if (!r) return cli::fail(r.error().str());
  print_outcome(*r);
  warn_catalogue(*archive);
  return cli::kOk;
}

int run_status(const cli::Args& args) {
  int code = 0;
  auto o = parse(args, {"status", "message", "user", "address", "key"}, kStatusHelp, 2, code);
  if (!o) return code;
  auto status = o->get("status"), message = o->get("message");
  if (!status || !message) return cli::fail(std::string("archive status needs --status and --message\n") + kStatusHelp, cli::kUsage);
  if (auto s = ingest::check_status_change(*status); !s)  // a usage error, as `search --status` says it
    return cli::fail(s.error().str(), cli::kUsage);
  auto archive = open_for_writing(o->positional[0], *o);
  if (!archive) return cli::fail(archive.error().str());
  auto r = archive->change_status(o->positional[1], *status, *message, actor(*o));
  if (!r) return cli::fail(r.error().str());
  print_outcome(*r);
  warn_catalogue(*archive);
  return cli::kOk;
}

// --pdf-out must not destroy what the command reads or the archive it writes: an input (record,
// template, font map and fonts, attachments, the signing key) or a file inside the storage root
// or beside it (ROOT.audit-key.pem, ROOT.catalogue.sqlite and its lock and stamp). Checked before the
// version is added; the PDF is written only once it is.
Status check_pdf_out(const std::string& out, const std::string& root, const std::vector<std::pair<std::string, std::string>>& inputs) {
  if (auto s = refuse_overwriting_input(out, inputs); !s) return s;
  std::error_code ec;
  fs::path o = fs::weakly_canonical(out, ec), r = fs::weakly_canonical(root, ec);
  if (!r.empty() && !r.has_filename()) r = r.parent_path();
  if (is_within(out, root)) return make_error("is inside the storage root " + root + "; refusing to write there", out);
  const std::string own = r.filename().string(), name = o.filename().string();
  if (o.parent_path() == r.parent_path() &&
      (name == own + ".audit-key.pem" || name.rfind(own + ".catalogue.sqlite", 0) == 0))
    return make_error("is one of the archive's own files beside " + root + "; refusing to overwrite it", out);
  if (fs::is_directory(out, ec)) return make_error("is a directory; --pdf-out names the PDF to write", out);
  fs::path parent = fs::path(out).parent_path();
  return check_writable_dir(parent.empty() ? "." : parent.string());
}

int run_publish(const cli::Args& args) {
  int code = 0;
  auto o = parse(args, {"template", "record", "attach", "user", "address", "message", "status", "key", "fonts", "pdf-out"},
                 kPublishHelp, 1, code);
  if (!o) return code;
  auto tpath = o->get("template"), rpath = o->get("record");
  if (!tpath || !rpath) return cli::fail(std::string("publish needs --template and --record\n") + kPublishHelp, cli::kUsage);
  auto archive = open_for_writing(o->positional[0], *o);
  if (!archive) return cli::fail(archive.error().str());
  auto tbytes = read_file(*tpath);
  if (!tbytes) return cli::fail(tbytes.error().str());
  auto t = tmpl::Template::load(*tpath);
  if (!t) return cli::fail(t.error().str());
  auto fm = o->get("fonts") ? font::FontMap::load(*o->get("fonts")) : font::FontMap::load_default();
  if (!fm) return cli::fail(fm.error().str());
  auto rec = record::load_record(*rpath);
  if (!rec) return cli::fail(rec.error().str());
  auto pdf = render_record(**t, **rec, **fm);
  if (!pdf) return cli::fail(pdf.error().str());
  auto pdf_out = o->get("pdf-out");
  if (pdf_out) {
    std::vector<std::pair<std::string, std::string>> inputs{
        {"--record", *rpath}, {"--template", *tpath}, {"--key", o->get("key").value_or(ingest::default_key_path(o->positional[0]))}};
    for (const auto& f : (*fm)->files()) inputs.emplace_back("--fonts", f);
    for (const auto& f : o->all("attach")) inputs.emplace_back("--attach", f);
    if (auto s = check_pdf_out(*pdf_out, o->positional[0], inputs); !s) return cli::fail(s.error().str(), cli::kUsage);
  }
  std::string pdf_bytes = pdf_out ? *pdf : std::string();
  ingest::AddRequest rq;
  rq.record_path = *rpath;
  rq.pdf_bytes = std::move(*pdf);
  rq.attachment_paths = o->all("attach");
  rq.status = o->get("status").value_or("");
  rq.user = actor(*o);
  rq.message = o->get("message").value_or("");
  rq.template_file = fs::path(*tpath).filename().string();
  rq.template_sha512 = digest_hex(DigestAlgorithm::sha512, *tbytes);
  auto r = archive->add(rq);
  if (!r) return cli::fail(r.error().str());
  print_outcome(*r);
  warn_catalogue(*archive);
  // Only now: a PDF beside a failed publish would look published.
  if (pdf_out)
    if (auto s = write_file_atomic(*pdf_out, pdf_bytes); !s)
      return cli::fail(s.error().str() + " (the version was archived; `gongkai archive get` writes its PDF)");
  return cli::kOk;
}

}  // namespace

GK_SUBCOMMAND("archive", "add", "archive a record (with its PDF) as a new version; --records for many", run_add);
GK_SUBCOMMAND("archive", "status", "record a status change (废止, 失效, 撤回, 修改) as a new version", run_status);
GK_COMMAND("publish", "render a record with a template and archive record and PDF in one step", run_publish);
