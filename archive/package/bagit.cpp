#include "archive/package/bagit.h"

#include <ctime>
#include <filesystem>
#include <set>

#include "archive/audit/entry.h"
#include "common/digest.h"
#include "common/files.h"

namespace fs = std::filesystem;

namespace gk::bagit {

std::string encode_path(const std::string& p) {
  std::string out;
  for (char c : p) {
    if (c == '%') out += "%25";
    else if (c == '\r') out += "%0D";
    else if (c == '\n') out += "%0A";
    else out += c;
  }
  return out;
}

static std::string decode_path(const std::string& p) {
  std::string out;
  for (size_t i = 0; i < p.size(); ++i) {
    if (p[i] == '%' && i + 2 < p.size()) {
      std::string h = p.substr(i + 1, 2);
      if (h == "25" || h == "0D" || h == "0A" || h == "0d" || h == "0a") {
        out += h == "25" ? '%' : (h == "0D" || h == "0d") ? '\r' : '\n';
        i += 2;
        continue;
      }
    }
    out += p[i];
  }
  return out;
}

std::string human_size(uint64_t b) {
  const char* units[] = {"bytes", "KB", "MB", "GB", "TB"};
  double v = static_cast<double>(b);
  int u = 0;
  while (v >= 1000 && u < 4) v /= 1000, ++u;
  char buf[32];
  if (u == 0) std::snprintf(buf, sizeof buf, "%llu bytes", static_cast<unsigned long long>(b));
  else std::snprintf(buf, sizeof buf, "%.1f %s", v, units[u]);
  return buf;
}

static bool safe_relative(const std::string& p) {
  if (p.empty() || p[0] == '/') return false;
  size_t a = 0;
  for (;;) {
    size_t b = p.find('/', a);
    std::string c = p.substr(a, b == std::string::npos ? std::string::npos : b - a);
    if (c.empty() || c == "." || c == "..") return false;
    if (b == std::string::npos) return true;
    a = b + 1;
  }
}

Status BagWriter::write(const std::string& rel, std::string_view bytes) {
  fs::path p = fs::path(dir_) / rel;
  std::error_code ec;
  fs::create_directories(p.parent_path(), ec);
  if (ec) return make_error("cannot create directory: " + ec.message(), p.parent_path().string());
  // Not durable per file: the whole bag is synced once and renamed into place by the caller.
  return write_file_atomic(p.string(), bytes, /*durable=*/false);
}

Result<std::string> BagWriter::add_payload(const std::string& path, std::string_view bytes) {
  if (!safe_relative(path)) return make_error("unsafe payload path '" + path + "'");
  std::string rel = "data/" + path;
  if (manifest_.count(rel)) return make_error("payload path written twice: " + rel);
  if (auto s = write(rel, bytes); !s) return s.error();
  std::string d = digest_hex(DigestAlgorithm::sha512, bytes);
  manifest_[rel] = d;
  bytes_ += bytes.size();
  return d;
}

Status BagWriter::finish(const std::string& bagging_date, const TagSigner& sign) {
  std::map<std::string, std::string> tags;
  tags["bagit.txt"] = "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n";
  std::string m;
  for (auto& [p, d] : manifest_) m += d + "  " + encode_path(p) + "\n";
  tags["manifest-sha512.txt"] = m;
  std::string date = bagging_date.empty() ? audit::now_rfc3339_utc().substr(0, 10) : bagging_date;
  std::string info = "Bagging-Date: " + date + "\nBag-Size: " + human_size(bytes_) +
                     "\nPayload-Oxum: " + std::to_string(bytes_) + "." + std::to_string(manifest_.size()) + "\n";
  for (auto& [k, v] : info_) info += k + ": " + v + "\n";
  tags["bag-info.txt"] = info;
  if (sign) {
    auto extra = sign(m, info);
    if (!extra) return extra.error();
    if (tags.count(extra->first) || !safe_relative(extra->first) || extra->first.rfind("data/", 0) == 0)
      return make_error("internal: bad tag file name '" + extra->first + "'");
    tags[extra->first] = std::move(extra->second);
  }
  std::string tm;
  for (auto& [p, bytes] : tags) {
    if (auto s = write(p, bytes); !s) return s;
    tm += digest_hex(DigestAlgorithm::sha512, bytes) + "  " + encode_path(p) + "\n";
  }
  return write("tagmanifest-sha512.txt", tm);
}

namespace {

struct ManifestLine {
  std::string digest, path;
  int line;
};

// Parses "<hex>  <path>" lines; problems for malformed lines.
std::vector<ManifestLine> read_manifest(const std::string& dir, const std::string& name, size_t hex_len, BagCheck& c) {
  std::vector<ManifestLine> out;
  auto text = read_file(dir + "/" + name);
  if (!text) {
    c.problems.push_back({name, "cannot read"});
    return out;
  }
  int line_no = 0;
  size_t a = 0;
  while (a < text->size()) {
    size_t b = text->find('\n', a);
    if (b == std::string::npos) b = text->size();
    std::string line = text->substr(a, b - a);
    a = b + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    size_t sp = line.find_first_of(" \t");
    std::string where = name + ":" + std::to_string(line_no);
    if (sp != hex_len || line.find_first_not_of("0123456789abcdefABCDEF") < hex_len) {
      c.problems.push_back({where, "malformed manifest line"});
      continue;
    }
    size_t ps = line.find_first_not_of(" \t", sp);
    if (ps == std::string::npos) {
      c.problems.push_back({where, "manifest line without a path"});
      continue;
    }
    std::string digest = line.substr(0, sp);
    for (auto& ch : digest) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    out.push_back({digest, decode_path(line.substr(ps)), line_no});
  }
  return out;
}

}  // namespace

Result<BagCheck> check_bag(const std::string& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    return make_error(fs::exists(dir, ec) ? "not a bag: a bag is a directory, this is a file" : "not a bag: no such directory", dir);
  if (!fs::exists(dir + "/bagit.txt", ec) && !fs::exists(dir + "/data", ec))
    return make_error("not a bag: no bagit.txt and no data/ directory", dir);
  BagCheck c;
  auto bt = read_file(dir + "/bagit.txt");
  if (!bt) c.problems.push_back({"bagit.txt", "missing"});
  else if (*bt != "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n")
    c.problems.push_back({"bagit.txt", "not the BagIt 1.0 declaration with UTF-8 tag files"});
  if (!fs::is_directory(dir + "/data", ec)) c.problems.push_back({"data", "payload directory is missing"});

  // What is on disk.
  std::set<std::string> payload, tagfiles;
  std::map<std::string, uint64_t> sizes;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    // Lexically: fs::relative follows links, so data/x -> /etc/passwd was named ../../etc/passwd.
    std::string r = it->path().lexically_relative(dir).string();
    if (it->is_symlink()) {  // never followed: a bag holds its own files
      c.problems.push_back({r, "symbolic link (a bag holds regular files only)"});
      continue;
    }
    if (it->is_directory()) continue;
    if (r.rfind("data/", 0) == 0) {
      payload.insert(r);
      sizes[r] = it->file_size(ec);
    } else {
      tagfiles.insert(r);
    }
  }

  std::vector<std::pair<std::string, size_t>> manifests, tagmanifests;
  for (auto& [alg, len] : std::vector<std::pair<std::string, size_t>>{{"sha512", 128}, {"sha256", 64}}) {
    if (tagfiles.count("manifest-" + alg + ".txt")) manifests.emplace_back(alg, len);
    if (tagfiles.count("tagmanifest-" + alg + ".txt")) tagmanifests.emplace_back(alg, len);
  }
  for (auto& t : tagfiles)
    if ((t.rfind("manifest-", 0) == 0 || t.rfind("tagmanifest-", 0) == 0) && t.find('/') == std::string::npos) {
      bool known = false;
      for (auto& [alg, len] : manifests) known |= t == "manifest-" + alg + ".txt";
      for (auto& [alg, len] : tagmanifests) known |= t == "tagmanifest-" + alg + ".txt";
      if (!known) c.problems.push_back({t, "manifest of an algorithm this checker does not support"});
    }
  if (manifests.empty()) c.problems.push_back({"manifest-sha512.txt", "the bag has no payload manifest"});

  for (auto& [alg, len] : manifests) {
    std::string name = "manifest-" + alg + ".txt";
    DigestAlgorithm a = alg == "sha512" ? DigestAlgorithm::sha512 : DigestAlgorithm::sha256;
    std::set<std::string> listed;
    for (auto& m : read_manifest(dir, name, len, c)) {
      std::string where = name + ":" + std::to_string(m.line);
      if (m.path.rfind("data/", 0) != 0 || !safe_relative(m.path)) {
        c.problems.push_back({where, "path outside data/: " + m.path});
        continue;
      }
      if (!listed.insert(m.path).second) {
        c.problems.push_back({where, "path listed twice: " + m.path});
        continue;
      }
      if (!payload.count(m.path)) {
        c.problems.push_back({m.path, "missing payload file (listed in " + name + ")"});
        continue;
      }
      auto d = digest_file_hex(a, dir + "/" + m.path);
      if (!d) c.problems.push_back({m.path, "cannot read"});
      else if (*d != m.digest) c.problems.push_back({m.path, alg + " differs from " + name});
      else if (alg == "sha512") c.payload_sha512[m.path] = *d;
    }
    for (auto& p : payload)
      if (!listed.count(p)) c.problems.push_back({p, "extra payload file (not in " + name + ")"});
  }

  for (auto& [alg, len] : tagmanifests) {
    std::string name = "tagmanifest-" + alg + ".txt";
    DigestAlgorithm a = alg == "sha512" ? DigestAlgorithm::sha512 : DigestAlgorithm::sha256;
    auto lines = read_manifest(dir, name, len, c);
    std::set<std::string> listed;
    for (auto& m : lines) listed.insert(m.path);
    // A file beside the payload that no tag manifest pins could say anything to an inspector.
    for (auto& t : tagfiles)
      if (t.rfind("tagmanifest-", 0) != 0 && !listed.count(t)) c.problems.push_back({t, "extra tag file (not in " + name + ")"});
    for (auto& m : lines) {
      std::string where = name + ":" + std::to_string(m.line);
      if (m.path.rfind("data/", 0) == 0 || !safe_relative(m.path) || m.path.rfind("tagmanifest-", 0) == 0) {
        c.problems.push_back({where, "not a tag file: " + m.path});
        continue;
      }
      if (!tagfiles.count(m.path)) {
        c.problems.push_back({m.path, "missing tag file (listed in " + name + ")"});
        continue;
      }
      auto d = digest_file_hex(a, dir + "/" + m.path);
      if (!d || *d != m.digest) c.problems.push_back({m.path, alg + " differs from " + name});
    }
  }

  if (auto info = read_file(dir + "/bag-info.txt"); info) {
    std::string label, value;
    auto flush = [&] {
      if (!label.empty()) c.info[label] = value;
      label.clear();
    };
    size_t a = 0;
    int n = 0;
    while (a < info->size()) {
      size_t b = info->find('\n', a);
      if (b == std::string::npos) b = info->size();
      std::string line = info->substr(a, b - a);
      a = b + 1;
      ++n;
      if (!line.empty() && (line[0] == ' ' || line[0] == '\t')) {
        value += " " + line.substr(line.find_first_not_of(" \t"));
        continue;
      }
      flush();
      size_t colon = line.find(": ");
      if (colon == std::string::npos || colon == 0) {
        if (!line.empty()) c.problems.push_back({"bag-info.txt:" + std::to_string(n), "not a 'Label: value' line"});
        continue;
      }
      label = line.substr(0, colon);
      value = line.substr(colon + 2);
      if (label == "Payload-Oxum" && c.info.count(label)) c.problems.push_back({"bag-info.txt", "Payload-Oxum repeated"});
    }
    flush();
  }
  if (auto ox = c.info.find("Payload-Oxum"); ox != c.info.end()) {
    uint64_t total = 0;
    for (auto& [p, s] : sizes) total += s;
    std::string want = std::to_string(total) + "." + std::to_string(payload.size());
    if (ox->second != want)
      c.problems.push_back({"bag-info.txt", "wrong Payload-Oxum: " + ox->second + ", the payload is " + want});
  }
  return c;
}

}  // namespace gk::bagit
