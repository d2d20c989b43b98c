#include "archive/package/danghao.h"

#include <cstdio>
#include <filesystem>

#include "archive/ocfl/json.h"
#include "common/files.h"

namespace gk::package {

bool valid_fonds(const std::string& f) {
  if (f.empty() || f.size() > 4) return false;
  for (char c : f)
    if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z'))) return false;
  return true;
}

Result<FondsConfig> load_fonds(const std::string& root, const std::string& fonds_override) {
  FondsConfig c;
  std::string path = root + "/" + kPackageExtension + "/config.json";
  std::error_code ec;
  if (std::filesystem::exists(path, ec)) {
    auto text = read_file(path);
    if (!text) return text.error();
    auto j = ocfl::parse_json(*text);
    if (!j || !j->is_object()) return make_error("not a JSON object" + (j ? std::string() : ": " + j.error().message), path);
    for (auto& [k, v] : j->object()) {
      if (k == "fonds" && v.is_string()) c.fonds = v.str();
      else if (k == "fonds-name" && v.is_string()) c.fonds_name = v.str();
      else if (k == "labels" && v.is_object()) {
        for (auto& [lk, lv] : v.object()) {
          if (!lv.is_string() || lk.empty() || lk.find_first_of(":\n\r") != std::string::npos ||
              lv.str().find_first_of("\n\r") != std::string::npos)
            return make_error("label \"" + lk + "\" is not a one-line 'Label: value' pair", path);
          if (lk == "Payload-Oxum" || lk == "Bagging-Date" || lk == "Bag-Size")
            return make_error("label \"" + lk + "\" is computed by the export and may not be configured", path);
          c.labels[lk] = lv.str();
        }
      } else {
        return make_error("unknown or mistyped key \"" + k + "\" (expected fonds, fonds-name, labels)", path);
      }
    }
  }
  if (!fonds_override.empty()) c.fonds = fonds_override;
  if (c.fonds.empty())
    return make_error("no 全宗号: pass --fonds or set \"fonds\" in " + std::string(kPackageExtension) + "/config.json");
  if (!valid_fonds(c.fonds)) return make_error("全宗号 '" + c.fonds + "' is not 1-4 characters of 0-9 and A-Z");
  return c;
}

std::string retention_code(const std::string& r) {
  if (r == "永久") return "Y";
  if (r == "定期30年" || r == "30年") return "D30";
  if (r == "定期10年" || r == "10年") return "D10";
  return "";
}

std::string make_danghao(const std::string& fonds, const std::string& year, const std::string& code, int number) {
  char n[16];
  std::snprintf(n, sizeof n, "%04d", number);
  return fonds + "-WS\u00b7" + year + "-" + code + "-" + n;
}

bool valid_danghao(const std::string& d) {
  size_t dash = d.find('-');
  if (dash == std::string::npos || !valid_fonds(d.substr(0, dash))) return false;
  std::string rest = d.substr(dash + 1);
  const std::string ws = "WS\u00b7";
  if (rest.rfind(ws, 0) != 0) return false;
  rest = rest.substr(ws.size());
  if (rest.size() < 4 + 1 + 1 + 1 + 4) return false;
  for (int i = 0; i < 4; ++i)
    if (rest[i] < '0' || rest[i] > '9') return false;
  if (rest[4] != '-') return false;
  std::string tail = rest.substr(5);
  size_t d2 = tail.find('-');
  if (d2 == std::string::npos) return false;
  std::string code = tail.substr(0, d2), num = tail.substr(d2 + 1);
  if (code != "Y" && code != "D30" && code != "D10") return false;
  if (num.size() != 4 || num == "0000") return false;
  for (char c : num)
    if (c < '0' || c > '9') return false;
  return true;
}

std::optional<DanghaoParts> parse_danghao(const std::string& d) {
  if (!valid_danghao(d)) return std::nullopt;
  size_t dash = d.find('-'), last = d.rfind('-'), before = d.rfind('-', last - 1);
  const size_t ws = std::string("WS\u00b7").size();
  DanghaoParts p;
  p.fonds = d.substr(0, dash);
  p.year = d.substr(dash + 1 + ws, 4);
  p.code = d.substr(before + 1, last - before - 1);
  p.number = std::stoi(d.substr(last + 1));
  return p;
}

}  // namespace gk::package
