// gongkai archive list | log | show | get | diff: reading the archive. --json output is pretty,
// key-sorted JSON for scripts.
#include <unistd.h>

#include <cstdlib>
#include <iostream>

#include "archive/ingest/history.h"
#include "archive/ingest/ingest.h"
#include "archive/ocfl/json.h"
#include "cli/command.h"
#include "cli/options.h"
#include "common/dates.h"
#include "common/text_input.h"

using namespace gk;
using ocfl::Json;

namespace {

const char* kListHelp =
    "usage: gongkai archive list ROOT [--json]\n"
    "\n"
    "One line per object: id (索引号), head version, status, title. --json: an array of\n"
    "{\"id\", \"head\", \"status\", \"title\", \"time\", \"published-date\"}.\n";

const char* kLogHelp =
    "usage: gongkai archive log ROOT ID [--json]\n"
    "\n"
    "The versions of an object, oldest first: version, time, user, status, message. --json: an\n"
    "array of {\"version\", \"created\", \"user\": {\"name\", \"address\"}, \"status\", \"message\",\n"
    "\"title\"}.\n";

const char* kShowHelp =
    "usage: gongkai archive show ROOT ID [--version vN] [--json]\n"
    "\n"
    "The metadata of a version (default: the head): catalogue fields, status, files and their\n"
    "sha512/sm3 digests, template, time, user, message. --json prints metadata.json as stored.\n";

const char* kGetHelp =
    "usage: gongkai archive get ROOT ID [--version vN | --as-of YYYY-MM-DD] --out DIR\n"
    "\n"
    "Writes the files of a version (default: the head) into DIR, byte for byte as archived\n"
    "(each checked against its sha512). DIR must be missing or empty.\n"
    "\n"
    "--as-of D picks the version that was current at the end of day D: a version counts from the\n"
    "day it was archived (the date of its creation time, in the archive's local time); a first\n"
    "version counts from its 发布日期 if that is earlier (records archived after publication).\n"
    "A withdrawn or repealed version is still returned; its status is printed.\n";

const char* kDiffHelp =
    "usage: gongkai archive diff ROOT ID vA vB\n"
    "\n"
    "What changed from version vA to vB: metadata fields (status, catalogue fields, file digests,\n"
    "template), then a line diff of the record's body text (- removed, + added, unchanged lines\n"
    "folded). Coloured on a terminal unless NO_COLOR is set.\n";

std::optional<cli::Options> parse(const cli::Args& args, const std::set<std::string>& values,
                                  const std::set<std::string>& flags, const char* help, size_t positionals, int& code) {
  return cli::parse_command(args, values, flags, help, positionals, positionals, code);
}

// Reading never writes to the archive (read-only media and copies can be read).
Result<ocfl::Store> open_store(const std::string& root) {
  ocfl::StoreOptions o;
  o.read_only = true;
  return ocfl::Store::open(root, o);
}

std::string user_text(const std::string& name, const std::string& address) {
  if (address.empty()) return name.empty() ? "-" : name;
  return name + " <" + address + ">";
}

int run_list(const cli::Args& args) {
  int code = 0;
  auto o = parse(args, {}, {"json"}, kListHelp, 1, code);
  if (!o) return code;
  auto st = open_store(o->positional[0]);
  if (!st) return cli::fail(st.error().str());
  auto ids = st->list_objects();
  if (!ids) return cli::fail(ids.error().str());
  Json::Array rows;
  // An object whose head cannot be read (damage) is named and the others still listed: the list
  // stopped at the first such object (a black-box review). Exit 1 if any could not be read.
  int unreadable = 0;
  for (const auto& id : *ids) {
    auto m = ingest::read_metadata(*st, id);
    if (!m) {
      std::cerr << "gongkai: " << m.error().str() << "\n";
      ++unreadable;
      continue;
    }
    if (!o->has("json")) {
      std::cout << id << "  v" << m->version << "  " << for_terminal(m->status) << "  " << for_terminal(m->catalogue.title) << "\n";
      continue;
    }
    Json::Object r;
    r["id"] = id;
    r["head"] = std::string("v").append(std::to_string(m->version));
    r["status"] = m->status;
    r["title"] = m->catalogue.title;
    r["time"] = m->time;
    r["published-date"] = m->catalogue.published_date;
    rows.push_back(Json(std::move(r)));
  }
  if (o->has("json")) std::cout << ocfl::write_json(Json(std::move(rows)));
  return unreadable ? cli::kFailed : cli::kOk;
}

int run_log(const cli::Args& args) {
  int code = 0;
  auto o = parse(args, {}, {"json"}, kLogHelp, 2, code);
  if (!o) return code;
  auto st = open_store(o->positional[0]);
  if (!st) return cli::fail(st.error().str());
  auto log = ingest::version_log(*st, o->positional[1]);
  if (!log) return cli::fail(log.error().str());
  if (!o->has("json")) {
    for (const auto& v : *log)
      std::cout << v.version << "  " << v.created << "  " << for_terminal(v.status) << "  "
                << for_terminal(user_text(v.user_name, v.user_address)) << "  " << for_terminal(v.message) << "\n";
    return cli::kOk;
  }
  Json::Array rows;
  for (const auto& v : *log) {
    Json::Object r, user;
    r["version"] = v.version;
    r["created"] = v.created;
    user["name"] = v.user_name;
    user["address"] = v.user_address;
    r["user"] = Json(std::move(user));
    r["status"] = v.status;
    r["message"] = v.message;
    r["title"] = v.title;
    rows.push_back(Json(std::move(r)));
  }
  std::cout << ocfl::write_json(Json(std::move(rows)));
  return cli::kOk;
}

int run_show(const cli::Args& args) {
  int code = 0;
  auto o = parse(args, {"version"}, {"json"}, kShowHelp, 2, code);
  if (!o) return code;
  auto st = open_store(o->positional[0]);
  if (!st) return cli::fail(st.error().str());
  const std::string& id = o->positional[1];
  std::string version = o->get("version").value_or("");
  if (o->has("json")) {
    if (!st->has_object(id)) return cli::fail("no object with id '" + id + "' in this archive");
    auto text = st->read_file(id, version, ingest::kMetadataFile);
    if (!text) return cli::fail(text.error().str());
    std::cout << *text;
    return cli::kOk;
  }
  auto m = ingest::read_metadata(*st, id, version);
  if (!m) return cli::fail(m.error().str());
  std::cout << "version: v" << m->version << "\nstatus: " << for_terminal(m->status) << "\ntime: " << for_terminal(m->time)
            << "\nuser: " << for_terminal(user_text(m->user_name, m->user_address)) << "\nmessage: " << for_terminal(m->message)
            << "\n";
  if (!m->template_file.empty()) std::cout << "template: " << m->template_file << " (sha512 " << m->template_sha512.substr(0, 16) << "…)\n";
  std::cout << "catalogue:\n";
  for (auto& [k, v] : ingest::catalogue_fields(m->catalogue))
    if (!v.empty()) std::cout << "  " << k << ": " << for_terminal(v) << "\n";
  std::cout << "files:\n";
  for (auto& [path, d] : m->files) std::cout << "  " << path << "  sha512 " << d.sha512 << "\n  " << std::string(path.size(), ' ') << "  sm3    " << d.sm3 << "\n";
  return cli::kOk;
}

int run_get(const cli::Args& args) {
  int code = 0;
  auto o = parse(args, {"version", "as-of", "out"}, {}, kGetHelp, 2, code);
  if (!o) return code;
  auto out = o->get("out");
  if (!out) return cli::fail(std::string("archive get needs --out DIR\n") + kGetHelp, cli::kUsage);
  if (o->get("version") && o->get("as-of")) return cli::fail("give --version or --as-of, not both", cli::kUsage);
  if (auto d = o->get("as-of"); d && !is_calendar_date(*d))  // as search and catalogue say it
    return cli::fail("--as-of '" + *d + "' is not a date (YYYY-MM-DD that exists)", cli::kUsage);
  auto st = open_store(o->positional[0]);
  if (!st) return cli::fail(st.error().str());
  const std::string& id = o->positional[1];
  std::string version = o->get("version").value_or("");
  if (auto d = o->get("as-of")) {
    auto v = ingest::version_as_of(*st, id, *d);
    if (!v) return cli::fail(v.error().str());
    version = *v;
  }
  auto m = ingest::read_metadata(*st, id, version);
  if (!m) return cli::fail(m.error().str());
  auto files = ingest::export_version(*st, id, version, *out);
  if (!files) return cli::fail(files.error().str());
  std::cout << "v" << m->version << " of " << id << " (" << m->status << ", " << m->time << ")";
  if (auto d = o->get("as-of")) std::cout << ", current at the end of " << *d;
  std::cout << " -> " << *out << "\n";
  for (const auto& f : *files) std::cout << "  " << f << "\n";
  return cli::kOk;
}

int run_diff(const cli::Args& args) {
  int code = 0;
  auto o = parse(args, {}, {}, kDiffHelp, 4, code);
  if (!o) return code;
  auto st = open_store(o->positional[0]);
  if (!st) return cli::fail(st.error().str());
  bool colour = ::isatty(1) == 1 && !std::getenv("NO_COLOR");
  auto d = ingest::diff_versions(*st, o->positional[1], o->positional[2], o->positional[3], colour);
  if (!d) return cli::fail(d.error().str());
  std::cout << *d;
  return cli::kOk;
}

}  // namespace

GK_SUBCOMMAND("archive", "list", "list the archived objects with head version, status and title", run_list);
GK_SUBCOMMAND("archive", "log", "the versions of an object: time, user, status, message", run_log);
GK_SUBCOMMAND("archive", "show", "the metadata of a version", run_show);
GK_SUBCOMMAND("archive", "get", "write a version's files (by version or as of a date) into a directory", run_get);
GK_SUBCOMMAND("archive", "diff", "metadata and body-text differences between two versions", run_diff);
