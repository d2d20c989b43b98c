// read_entry: one OCFL version -> catalogue Entry (catalogue.h).
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <optional>

#include "archive/catalogue/catalogue.h"
#include "archive/catalogue/internal.h"
#include "archive/catalogue/text.h"
#include "archive/ocfl/json.h"
#include "archive/ocfl/rules.h"
#include "common/files.h"
#include "generator/record/record.h"
#include "generator/text/reading.h"

extern char** environ;

namespace gk::catalogue {

namespace {

using ocfl::Json;

// First string member found under any of the names, at the top level or in "catalogue".
std::string field(const Json& j, std::initializer_list<const char*> names) {
  for (const Json* scope : {&j, j.find("catalogue")}) {
    if (!scope || !scope->is_object()) continue;
    for (const char* n : names)
      if (const Json* v = scope->find(n); v && v->is_string()) return v->str();
  }
  return {};
}

std::vector<std::string> string_list(const Json& j, std::initializer_list<const char*> names) {
  std::vector<std::string> out;
  for (const Json* scope : {&j, j.find("catalogue")}) {
    if (!scope || !scope->is_object()) continue;
    for (const char* n : names)
      if (const Json* v = scope->find(n); v && v->is_array()) {
        for (const auto& e : v->array())
          if (e.is_string()) out.push_back(text::as_read(e.str()));
        return out;
      }
  }
  return out;
}

void fill_from_record(Entry& e, const record::Catalogue& c) {
  e.index_no = c.index_no;
  e.title = c.title;
  e.issuer = c.issuer;
  e.doc_number = c.doc_number;
  e.genre = c.genre;
  e.subject = c.subject;
  e.keywords = c.keywords;
  e.summary = c.summary;
  e.written_date = c.written_date;
  e.published_date = c.published_date;
  e.mode = c.disclosure_mode;
  e.scope = c.disclosure_scope;
  e.validity = c.validity;
}

// metadata.json overrides the record's fields it names (the write path may correct them).
void fill_from_metadata(Entry& e, const Json& j) {
  auto set = [&](std::string& dst, std::initializer_list<const char*> names) {
    // Read as the record's own fields are (text/reading.h): metadata written before that rule
    // may keep a space between Han characters that the PDF does not show.
    if (std::string v = field(j, names); !v.empty()) dst = text::as_read(v);
  };
  set(e.index_no, {"index_no", "index-no", "索引号"});
  set(e.title, {"title", "标题"});
  set(e.issuer, {"issuer", "发布机构"});
  set(e.doc_number, {"doc_number", "doc-number", "文号"});
  set(e.genre, {"genre", "体裁"});
  set(e.subject, {"subject", "主题分类"});
  set(e.summary, {"summary", "内容概述"});
  set(e.written_date, {"written_date", "written-date", "成文日期"});
  set(e.published_date, {"published_date", "published-date", "发布日期"});
  set(e.mode, {"disclosure_mode", "disclosure-mode", "mode", "公开方式"});
  set(e.scope, {"disclosure_scope", "disclosure-scope", "scope", "公开范围"});
  set(e.validity, {"validity", "有效性"});
  set(e.status, {"status", "状态"});
  if (auto k = string_list(j, {"keywords", "主题词"}); !k.empty()) e.keywords = k;
}

constexpr const char* kUnreadablePdf = "pdftotext cannot read the PDF";

// A page number line as GB/T 9704 sets it ("— 3 —"), or "- 3 -".
bool page_number_line(std::string_view l) {
  auto dash = [](std::string_view s, size_t& i) {
    for (std::string_view d : {"\u2014", "\u2013", "-"})
      if (s.substr(i, d.size()) == d) return i += d.size(), true;
    return false;
  };
  size_t i = 0;
  if (!dash(l, i)) return false;
  while (i < l.size() && l[i] == ' ') ++i;
  size_t digits = i;
  while (i < l.size() && l[i] >= '0' && l[i] <= '9') ++i;
  if (i == digits) return false;
  while (i < l.size() && l[i] == ' ') ++i;
  return dash(l, i) && i == l.size();
}

// pdftotext's lines read as the page shows them: the lines of a block (pdftotext separates blocks
// by a blank line) are one text, read like a record (generator/text/reading.h): a line break
// between two Han characters is no space, so a word wrapped at a line end is found whole. Page
// number lines are dropped, and the blocks on either side of one joined: a paragraph going on
// over the page. One output line per block.
std::string pdf_reading(const std::string& out) {
  std::vector<std::string> blocks;
  std::string block;
  auto end_block = [&] {
    std::string t = text::as_read(block);
    if (!t.empty()) blocks.push_back(t);
    block.clear();
  };
  bool gap = false, page_turn = false;  // since the last text line: a blank line; a page number
  for (size_t at = 0; at <= out.size();) {
    size_t nl = out.find_first_of("\n\f", at);
    if (nl == std::string::npos) nl = out.size();
    std::string line = text::as_read(std::string_view(out).substr(at, nl - at));
    at = nl + 1;
    if (line.empty()) {
      gap = true;
    } else if (page_number_line(line)) {
      page_turn = true;
    } else {
      if (gap && !page_turn && !block.empty()) end_block();
      block += (block.empty() ? "" : "\n") + line;
      gap = page_turn = false;
    }
  }
  end_block();
  std::string text;
  for (auto& b : blocks) text += (text.empty() ? "" : "\n") + b;
  return text;
}

// Text of a PDF through poppler's pdftotext (UTF-8, reading order), read as the page shows it.
Result<std::string> pdf_text(const std::string& pdf_bytes) {
  char tmpl[] = "/tmp/gk_catalogue_pdf_XXXXXX";
  int fd = ::mkstemp(tmpl);
  if (fd < 0) return make_error("cannot create a temporary file for pdftotext");
  std::string path = tmpl;
  bool ok = ::write(fd, pdf_bytes.data(), pdf_bytes.size()) == static_cast<ssize_t>(pdf_bytes.size());
  ::close(fd);
  if (!ok) {
    ::unlink(path.c_str());
    return make_error("cannot write a temporary file for pdftotext");
  }
  int pipefd[2];
  if (::pipe(pipefd) != 0) {
    ::unlink(path.c_str());
    return make_error("cannot run pdftotext");
  }
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, pipefd[1], 1);
  posix_spawn_file_actions_addclose(&fa, pipefd[0]);
  posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
  const char* argv[] = {"pdftotext", "-q", "-enc", "UTF-8", "-nopgbrk", path.c_str(), "-", nullptr};
  pid_t pid;
  int rc = posix_spawnp(&pid, "pdftotext", &fa, nullptr, const_cast<char* const*>(argv), environ);
  posix_spawn_file_actions_destroy(&fa);
  ::close(pipefd[1]);
  std::string out;
  if (rc == 0) {
    char buf[65536];
    ssize_t n;
    while ((n = ::read(pipefd[0], buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
  }
  ::close(pipefd[0]);
  int status = 0;
  if (rc == 0) ::waitpid(pid, &status, 0);
  ::unlink(path.c_str());
  if (rc != 0) return make_error("pdftotext is not installed (apt-get install poppler-utils)");
  // Exit 1 (cannot open) and 3 (permissions) depend on the bytes; a signal or another code
  // (out of memory, interrupted) is the machine's: an error, never "no text" for good.
  if (WIFEXITED(status) && (WEXITSTATUS(status) == 1 || WEXITSTATUS(status) == 3)) return make_error(kUnreadablePdf);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return make_error("pdftotext failed (killed, or out of memory)");
  return pdf_reading(out);
}


}  // namespace

std::string order_key(const std::string& created_max, const std::string& object_id, int version) {
  char head[32], tail[16];
  std::snprintf(head, sizeof head, "%015lld", static_cast<long long>(ocfl::rfc3339_epoch(created_max) + 100000000000LL));
  std::snprintf(tail, sizeof tail, "%010d", version);
  return std::string(head) + "\x1f" + object_id + "\x1f" + tail;
}

std::string version_key(const ocfl::Inventory& inv, int n) {
  std::string latest;
  int64_t best = 0;
  for (const auto& [k, ver] : inv.versions)
    if (k <= n && (latest.empty() || ocfl::rfc3339_epoch(ver.created) > best)) {
      latest = ver.created;
      best = ocfl::rfc3339_epoch(ver.created);
    }
  return order_key(latest, inv.id, n);
}

std::string version_identity(const ocfl::Inventory& inv, int n) {
  auto it = inv.versions.find(n);
  if (it == inv.versions.end()) return "";
  auto state = it->second.logical_state();
  std::string digest;
  for (const char* f : {"document.pdf", "record.xml"})
    if (auto d = state.find(f); d != state.end()) digest = d->second;
  return digest + "|" + it->second.created;
}

std::string inventory_digest_of(const std::string& dir, const std::string& algorithm) {
  auto text = read_file(dir + "/inventory.json." + algorithm);
  if (!text) return "";
  size_t end = text->find_first_of(" \t\n");
  std::string hex = text->substr(0, end);
  if (hex.empty() || hex.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos) return "";
  return algorithm + ":" + fold(hex);
}

namespace detail {

bool is_store_damage(const Error& e) {
  const std::string& m = e.message;
  return m.rfind("content does not match its ", 0) == 0 || m == std::string("cannot read: ") + std::strerror(ENOENT) ||
         m == std::string("cannot read: ") + std::strerror(ENOTDIR) || m == "is a directory, not a file";
}

}  // namespace detail

Result<Entry> read_entry(const ocfl::Store& store, const ocfl::Inventory& inv, int n) {
  auto it = inv.versions.find(n);
  if (it == inv.versions.end()) return make_error("object '" + inv.id + "' has no version v" + std::to_string(n));
  const ocfl::Version& v = it->second;
  Entry e;
  e.object_id = inv.id;
  std::string path = store.object_path(inv.id);
  e.object_dir = path.size() > store.root().size() ? path.substr(store.root().size() + 1) : path;
  e.version = n;
  e.created = v.created;
  e.key = version_key(inv, n);
  e.inventory_digest = inventory_digest_of(path + "/" + v.name, inv.digest_algorithm);

  auto state = v.logical_state();
  const std::string vname = v.name;
  std::string where = "object '" + inv.id + "' " + vname;
  // A content file that cannot be read as the inventory says (changed bytes, removed, a version
  // directory gone) is damage in the store, which `archive verify` reports: the version is
  // indexed from what can be read and names the rest in Entry::damage, so one bad file does not
  // stop every search and reindex of the archive. The outcome depends on the bytes only: other
  // read errors (permissions, no file handles left, I/O) may pass, and stay errors, so that the
  // catalogue is not written from them (it would keep that state: a code review).
  std::optional<Error> failed;
  auto read = [&](const char* name) -> std::optional<std::string> {
    auto bytes = store.read_file(inv, vname, name);  // the inventory in hand, not read again
    if (bytes) return std::move(*bytes);
    if (!detail::is_store_damage(bytes.error())) failed = bytes.error();
    else e.damage += (e.damage.empty() ? "" : "; ") + std::string(name) + ": " + bytes.error().message;
    return std::nullopt;
  };
  std::shared_ptr<const record::Record> rec;
  if (auto f = state.find("record.xml"); f != state.end()) {
    e.digest = f->second;
    if (auto bytes = read("record.xml")) {
      auto r = record::load_record_from_memory(*bytes, where + "/record.xml");
      if (!r) return r.error();
      rec = *r;
      fill_from_record(e, rec->catalogue());
    }
    if (failed) return *failed;
  }
  bool have_meta = false;
  if (state.count("metadata.json")) {
    if (auto bytes = read("metadata.json")) {
      auto j = ocfl::parse_json(*bytes);
      if (!j) return make_error("metadata.json: " + j.error().message, where);
      fill_from_metadata(e, *j);
      have_meta = true;
    }
    if (failed) return *failed;
  }
  if (!state.count("record.xml") && !state.count("metadata.json"))
    return make_error("version has neither record.xml nor metadata.json", where);
  // Without its metadata.json a version's status is unknown (a withdrawal is a version whose
  // metadata says 撤回): status "" is shown by no search (search.cpp) until the file is restored.
  if (state.count("metadata.json") && !have_meta) e.status.clear();
  else if (e.status.empty()) e.status = "发布";
  if (rec && rec->has_notice()) {
    std::string t = record::body_text(*rec);
    // body_text starts with the title, which the catalogue already holds.
    if (t.rfind(e.title + "\n", 0) == 0) t.erase(0, e.title.size() + 1);
    e.body = t;
  } else if (auto f = state.find("document.pdf"); f != state.end()) {
    if (e.digest.empty()) e.digest = f->second;
    if (auto bytes = read("document.pdf")) {
      auto t = pdf_text(*bytes);
      // A PDF poppler cannot read (damaged, or not really a PDF) was archived as it is: its
      // version is found by its catalogue fields alone. Failing would stop every search of the
      // archive, and the version can never be removed. A missing pdftotext is the machine's
      // fault, and stays an error.
      if (!t && t.error().message != kUnreadablePdf) return make_error(t.error().message, where + "/document.pdf");
      e.body = t ? *t : std::string();
    }
    if (failed) return *failed;
  }
  return e;
}

}  // namespace gk::catalogue
