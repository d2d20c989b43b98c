// 档号 per DA/T 22-2015: 全宗号-WS·年度-保管期限-件号, e.g. "Z109-WS·2023-Y-0001" (门类 WS = 文书;
// the optional 机构（问题） level is not used: 件号 restart per 年度 and 保管期限).
// The 全宗号 comes from --fonds, else from the archive's <root>/extensions/gongkai-package/config.json:
//   {"fonds": "Z109", "fonds-name": "青川市人民政府", "labels": {"Contact-Email": "..."}}
// ("fonds-name" and "labels" optional; labels are copied into bag-info.txt).
#pragma once
#include <map>
#include <optional>
#include <string>

#include "common/status.h"

namespace gk::package {

inline constexpr const char* kPackageExtension = "extensions/gongkai-package";

struct FondsConfig {
  std::string fonds;       // 全宗号: 1-4 of [0-9A-Z]
  std::string fonds_name;  // 全宗名称 (may be empty)
  std::map<std::string, std::string> labels;
};

// Reads the config when present (missing file = empty config); `fonds` overrides its 全宗号.
// Errors: a malformed config, or no 全宗号 at all, or a malformed one.
Result<FondsConfig> load_fonds(const std::string& root, const std::string& fonds_override);

bool valid_fonds(const std::string& fonds);
// 保管期限 → code: 永久 Y, 定期30年 (or 30年) D30, 定期10年 (or 10年) D10; "" when unknown.
std::string retention_code(const std::string& retention);
std::string make_danghao(const std::string& fonds, const std::string& year, const std::string& code, int number);
// Checks the form (used by the 四性 rule AUTH-03 and by package verify).
bool valid_danghao(const std::string& danghao);

struct DanghaoParts {
  std::string fonds, year, code;
  int number = 0;  // 件号
};
// The parts of a well-formed 档号; nullopt otherwise.
std::optional<DanghaoParts> parse_danghao(const std::string& danghao);

}  // namespace gk::package
