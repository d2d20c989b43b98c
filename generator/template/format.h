// Value formats for templates: <value of="xpath" format="NAME"/>. Each format turns the string value
// of an XPath result (UTF-8; surrounding XML whitespace ignored) into display text.
//
//   cn-date        2022-03-12 -> 2022年3月12日   (GB/T 9704 成文日期: full year, no zero padding)
//   date-compact   2022-03-12 -> 20220312        (DA/T 22 归档文件目录 日期)
//   cn-year-month  2022-03-12 or 2022-03 -> 2022年3月
//   heading-1      3 -> 三、       heading-2  3 -> （三）
//   heading-3      3 -> 3.         heading-4  3 -> （3）
//   cn-numeral     105 -> 一百零五  (1..9999; 10 -> 十, 110 -> 一百一十)
//   cn-upper       105 -> 壹佰零伍  (1..9999, financial numerals; 10 -> 壹拾)
//   number         1234.5 -> 1,234.5 (thousands separators; decimals kept as given)
//   fixed-2        12.3 -> 12.30    (rounded half away from zero to 2 decimals)
//   percent        0.253 -> 25.3%   (the ratio times 100, decimals shifted, not rounded)
//
// Dates must be YYYY-MM-DD (or YYYY-MM for cn-year-month) and exist in the Gregorian calendar.
// Counting formats take a plain integer 1..9999; number formats take [-]digits[.digits].
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace gk::format {

// Formats `value` with the named format. An unknown name, or a value that does not fit the
// format, gives an Error whose message names both the format and the value.
gk::Result<std::string> apply(std::string_view format, std::string_view value);

// All format names, in a fixed order (for docs and error messages).
std::vector<std::string> format_names();
bool is_format(std::string_view name);
// The names joined by ", ", as error messages list them.
std::string known_formats();

}  // namespace gk::format
