#include "archive/ingest/history.h"

#include <algorithm>
#include <filesystem>
#include <set>
#include <sstream>

#include "archive/ingest/ingest.h"
#include "archive/ocfl/fsutil.h"
#include "archive/ocfl/rules.h"
#include "common/dates.h"
#include "common/files.h"
#include "common/text_input.h"
#include "generator/record/record.h"

namespace fs = std::filesystem;

namespace gk::ingest {

namespace {

bool is_date(const std::string& d) { return is_calendar_date(d); }

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  return lines;
}

const char* kRed = "\033[31m";
const char* kGreen = "\033[32m";
const char* kDim = "\033[2m";
const char* kReset = "\033[0m";

}  // namespace

Result<std::vector<VersionSummary>> version_log(const ocfl::Store& store, const std::string& id) {
  auto inv = store.inventory(id);
  if (!inv) return inv.error();
  std::vector<VersionSummary> out;
  for (const auto& [n, v] : inv->versions) {
    auto m = read_metadata(store, id, v.name);
    if (!m) return m.error();
    VersionSummary s;
    s.version = v.name;
    s.created = v.created;
    s.message = v.message.value_or("");
    if (v.user) {
      s.user_name = v.user->name;
      s.user_address = v.user->address.value_or("");
    }
    s.status = m->status;
    s.title = m->catalogue.title;
    s.published_date = m->catalogue.published_date;
    out.push_back(std::move(s));
  }
  return out;
}

Result<std::string> version_as_of(const ocfl::Store& store, const std::string& id, const std::string& date) {
  if (!is_date(date)) return make_error("--as-of takes a date YYYY-MM-DD, not '" + date + "'");
  auto log = version_log(store, id);
  if (!log) return log.error();
  std::string found, first_day;
  for (size_t i = 0; i < log->size(); ++i) {
    const VersionSummary& v = (*log)[i];
    std::string day = v.created.substr(0, 10);
    if (i == 0 && is_date(v.published_date) && v.published_date < day) day = v.published_date;
    if (i == 0) first_day = day;
    if (day <= date) found = v.version;
  }
  if (found.empty())
    return make_error("object '" + id + "' did not exist yet at the end of " + date + " (its first version takes effect on " +
                      first_day + ")");
  return found;
}

Result<std::vector<std::string>> export_version(const ocfl::Store& store, const std::string& id,
                                                const std::string& version, const std::string& out_dir) {
  auto inv = store.inventory(id);
  if (!inv) return inv.error();
  const ocfl::Version* v = inv->find_version(version);
  if (!v) return make_error("object '" + id + "' has no version " + version);
  std::error_code ec;
  if (fs::exists(out_dir, ec) && (!fs::is_directory(out_dir, ec) || !fs::is_empty(out_dir, ec)))
    return make_error("output directory exists and is not empty (refusing to mix files of different versions)", out_dir);
  std::vector<std::string> paths;
  for (const auto& [path, digest] : v->logical_state()) {
    // Our inventories only hold safe logical paths; a foreign one must not write outside out_dir.
    if (ocfl::check_path(path) != ocfl::PathProblem::none) return make_error("unsafe logical path '" + path + "'");
    paths.push_back(path);
  }
  if (auto s = ocfl::fsx::make_dirs(out_dir); !s) return s.error();
  for (const auto& path : paths) {
    auto bytes = store.read_file(id, v->name, path);
    if (!bytes) return bytes.error();
    fs::path dest = fs::path(out_dir) / path;
    if (auto s = ocfl::fsx::make_dirs(dest.parent_path().string()); !s) return s.error();
    if (auto s = gk::write_file_atomic(dest.string(), *bytes); !s) return s.error();
  }
  return paths;
}

std::string line_diff(const std::vector<std::string>& a, const std::vector<std::string>& b, bool colour) {
  // Common prefix and suffix first: corrections usually touch a few lines of a long text.
  size_t pre = 0;
  while (pre < a.size() && pre < b.size() && a[pre] == b[pre]) ++pre;
  size_t suf = 0;
  while (suf < a.size() - pre && suf < b.size() - pre && a[a.size() - 1 - suf] == b[b.size() - 1 - suf]) ++suf;
  size_t n = a.size() - pre - suf, m = b.size() - pre - suf;
  // ops: ' ' same, '-' only in a, '+' only in b; LCS table over the middle part (bounded size).
  std::vector<std::pair<char, std::string>> ops;
  for (size_t i = 0; i < pre; ++i) ops.emplace_back(' ', a[i]);
  if (n * m <= 4'000'000) {
    std::vector<std::vector<int>> lcs(n + 1, std::vector<int>(m + 1, 0));
    for (size_t i = n; i-- > 0;)
      for (size_t j = m; j-- > 0;)
        lcs[i][j] = a[pre + i] == b[pre + j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
    size_t i = 0, j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && a[pre + i] == b[pre + j]) {
        ops.emplace_back(' ', a[pre + i]);
        ++i, ++j;
      } else if (i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1])) {
        ops.emplace_back('-', a[pre + i++]);
      } else {
        ops.emplace_back('+', b[pre + j++]);
      }
    }
  } else {
    for (size_t i = 0; i < n; ++i) ops.emplace_back('-', a[pre + i]);
    for (size_t j = 0; j < m; ++j) ops.emplace_back('+', b[pre + j]);
  }
  for (size_t i = a.size() - suf; i < a.size(); ++i) ops.emplace_back(' ', a[i]);

  // Print changes with two lines of context; fold the rest.
  const size_t ctx = 2;
  std::vector<bool> show(ops.size(), false);
  for (size_t k = 0; k < ops.size(); ++k)
    if (ops[k].first != ' ')
      for (size_t d = (k >= ctx ? k - ctx : 0); d <= std::min(ops.size() - 1, k + ctx); ++d) show[d] = true;
  std::string out;
  size_t folded = 0;
  auto flush_folded = [&] {
    if (!folded) return;
    out += std::string(colour ? kDim : "") + "  … " + std::to_string(folded) + " unchanged line(s)" + (colour ? kReset : "") + "\n";
    folded = 0;
  };
  for (size_t k = 0; k < ops.size(); ++k) {
    if (!show[k]) {
      ++folded;
      continue;
    }
    flush_folded();
    const auto& [op, text] = ops[k];
    const char* c = !colour ? "" : op == '-' ? kRed : op == '+' ? kGreen : "";
    out += std::string(c) + op + " " + for_terminal(text) + (colour && op != ' ' ? kReset : "") + "\n";
  }
  flush_folded();
  return out;
}

Result<std::string> diff_versions(const ocfl::Store& store, const std::string& id, const std::string& a,
                                  const std::string& b, bool colour) {
  auto ma = read_metadata(store, id, a);
  if (!ma) return ma.error();
  auto mb = read_metadata(store, id, b);
  if (!mb) return mb.error();
  std::string out = "metadata (" + a + " → " + b + "):\n";
  size_t changes = 0;
  auto field = [&](const std::string& name, const std::string& x, const std::string& y) {
    if (x == y) return;
    out += "  " + name + ": " + (x.empty() ? "(none)" : for_terminal(x)) + " → " + (y.empty() ? "(none)" : for_terminal(y)) + "\n";
    ++changes;
  };
  field("status", ma->status, mb->status);
  auto fa = catalogue_fields(ma->catalogue), fb = catalogue_fields(mb->catalogue);
  for (size_t i = 0; i < fa.size(); ++i) field(fa[i].first, fa[i].second, fb[i].second);
  std::set<std::string> paths;
  for (auto& [p, d] : ma->files) paths.insert(p);
  for (auto& [p, d] : mb->files) paths.insert(p);
  for (const auto& p : paths) {
    auto x = ma->files.find(p), y = mb->files.find(p);
    if (x == ma->files.end()) field(p, "", "added (sha512 " + y->second.sha512.substr(0, 16) + "…)");
    else if (y == mb->files.end()) field(p, "sha512 " + x->second.sha512.substr(0, 16) + "…", "removed");
    else field(p, "sha512 " + x->second.sha512.substr(0, 16) + "…", "sha512 " + y->second.sha512.substr(0, 16) + "…");
  }
  field("template", ma->template_file, mb->template_file);
  if (!changes) out += "  (no field changed)\n";
  out += "  time: " + for_terminal(ma->time) + " → " + for_terminal(mb->time) + "\n";
  out += "  user: " + for_terminal(ma->user_name) + " → " + for_terminal(mb->user_name) + "\n";
  out += "  message: " + for_terminal(ma->message) + " → " + for_terminal(mb->message) + "\n";

  std::string texts[2];
  const std::string* versions[2] = {&a, &b};
  for (int k = 0; k < 2; ++k) {
    auto xml = store.read_file(id, *versions[k], kRecordFile);
    if (!xml) return xml.error();
    auto rec = record::load_record_from_memory(*xml, id + " " + *versions[k] + "/" + kRecordFile);
    if (!rec) return rec.error();
    texts[k] = record::body_text(**rec);
  }
  out += "\nbody text (" + a + " → " + b + "):\n";
  if (texts[0] == texts[1]) out += "  (unchanged)\n";
  else out += line_diff(split_lines(texts[0]), split_lines(texts[1]), colour);
  return out;
}

}  // namespace gk::ingest
