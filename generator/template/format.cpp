#include "generator/template/format.h"

#include <optional>

#include "common/dates.h"

namespace gk::format {
namespace {

using Out = gk::Result<std::string>;

std::string_view trim(std::string_view s) {
  auto ws = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (!s.empty() && ws(s.front())) s.remove_prefix(1);
  while (!s.empty() && ws(s.back())) s.remove_suffix(1);
  return s;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!is_digit(c)) return false;
  }
  return true;
}

// The value as shown in a message: one line, at most ~40 bytes, cut on a UTF-8 boundary.
std::string quoted(std::string_view v) {
  std::string out = "\"";
  size_t n = v.size();
  bool cut = false;
  if (n > 40) {
    n = 40;
    while (n > 0 && (static_cast<unsigned char>(v[n]) & 0xC0) == 0x80) --n;
    cut = true;
  }
  for (char c : v.substr(0, n)) out.push_back(c == '\n' || c == '\r' || c == '\t' ? ' ' : c);
  if (cut) out += "…";
  return out + "\"";
}

gk::Error bad(std::string_view format, std::string_view value, std::string_view why) {
  return gk::make_error("format \"" + std::string(format) + "\": " + quoted(value) + " " +
                        std::string(why));
}

// ---- dates ----------------------------------------------------------------------------------

struct Date {
  int year = 0, month = 0, day = 0;  // day 0: year and month only
};

int to_int(std::string_view digits) {
  int v = 0;
  for (char c : digits) v = v * 10 + (c - '0');
  return v;
}

// YYYY-MM-DD, or YYYY-MM when month_only_ok; the date must exist (year 0001..9999).
std::optional<Date> parse_date(std::string_view s, bool month_only_ok) {
  if (s.size() != 10 && !(month_only_ok && s.size() == 7)) return std::nullopt;
  if (s[4] != '-' || !all_digits(s.substr(0, 4)) || !all_digits(s.substr(5, 2))) return std::nullopt;
  Date d{to_int(s.substr(0, 4)), to_int(s.substr(5, 2)), 0};
  if (d.year < 1 || d.month < 1 || d.month > 12) return std::nullopt;
  if (s.size() == 10) {
    if (s[7] != '-' || !all_digits(s.substr(8, 2))) return std::nullopt;
    d.day = to_int(s.substr(8, 2));
    if (d.day < 1 || d.day > days_in_month(d.year, d.month)) return std::nullopt;
  }
  return d;
}

const char* const kDateWhy = "is not a valid date (expected YYYY-MM-DD, e.g. 2022-03-12)";

Out cn_date(std::string_view name, std::string_view v) {
  auto d = parse_date(v, false);
  if (!d) return bad(name, v, kDateWhy);
  return std::to_string(d->year) + "年" + std::to_string(d->month) + "月" + std::to_string(d->day) + "日";
}

Out date_compact(std::string_view name, std::string_view v) {
  if (!parse_date(v, false)) return bad(name, v, kDateWhy);
  return std::string(v.substr(0, 4)) + std::string(v.substr(5, 2)) + std::string(v.substr(8, 2));
}

Out cn_year_month(std::string_view name, std::string_view v) {
  auto d = parse_date(v, true);
  if (!d) return bad(name, v, "is not a valid date (expected YYYY-MM-DD or YYYY-MM)");
  return std::to_string(d->year) + "年" + std::to_string(d->month) + "月";
}

// ---- counting numbers -----------------------------------------------------------------------

// A plain integer 1..9999 (leading zeros allowed); nullopt otherwise.
std::optional<int> parse_count(std::string_view s) {
  if (!all_digits(s)) return std::nullopt;
  while (s.size() > 1 && s.front() == '0') s.remove_prefix(1);
  if (s.size() > 4) return std::nullopt;
  int v = to_int(s);
  if (v < 1) return std::nullopt;
  return v;
}

const char* const kCountWhy = "is not an integer from 1 to 9999";

// Chinese numerals for 1..9999. Zeros between non-zero digits collapse into one 零, trailing zeros
// are silent (1010 一千零一十, 1100 一千一百); `bare_ten` writes 10..19 as 十.. instead of 一十...
std::string chinese(int n, const char* const digits[10], const char* const units[4], bool bare_ten) {
  int d[4] = {n / 1000 % 10, n / 100 % 10, n / 10 % 10, n % 10};
  std::string out;
  bool started = false, zero_pending = false;
  for (int k = 0; k < 4; ++k) {
    int pos = 3 - k;  // 3 thousands, 2 hundreds, 1 tens, 0 ones
    if (d[k] == 0) {
      zero_pending = started;
      continue;
    }
    if (zero_pending) out += digits[0];
    zero_pending = false;
    if (!(bare_ten && pos == 1 && d[k] == 1 && !started)) out += digits[d[k]];
    out += units[pos];
    started = true;
  }
  return out;
}

std::string cn_lower(int n) {
  static const char* const digits[10] = {"零", "一", "二", "三", "四", "五", "六", "七", "八", "九"};
  static const char* const units[4] = {"", "十", "百", "千"};
  return chinese(n, digits, units, true);
}

Out cn_numeral(std::string_view name, std::string_view v) {
  auto n = parse_count(v);
  if (!n) return bad(name, v, kCountWhy);
  return cn_lower(*n);
}

// Financial numerals always write the leading 壹 (壹拾, not 拾), so nothing can be prefixed.
Out cn_upper(std::string_view name, std::string_view v) {
  static const char* const digits[10] = {"零", "壹", "贰", "叁", "肆", "伍", "陆", "柒", "捌", "玖"};
  static const char* const units[4] = {"", "拾", "佰", "仟"};
  auto n = parse_count(v);
  if (!n) return bad(name, v, kCountWhy);
  return chinese(*n, digits, units, false);
}

Out heading_1(std::string_view name, std::string_view v) {
  auto n = parse_count(v);
  if (!n) return bad(name, v, kCountWhy);
  return cn_lower(*n) + "、";
}

Out heading_2(std::string_view name, std::string_view v) {
  auto n = parse_count(v);
  if (!n) return bad(name, v, kCountWhy);
  return "（" + cn_lower(*n) + "）";
}

Out heading_3(std::string_view name, std::string_view v) {
  auto n = parse_count(v);
  if (!n) return bad(name, v, kCountWhy);
  return std::to_string(*n) + ".";
}

Out heading_4(std::string_view name, std::string_view v) {
  auto n = parse_count(v);
  if (!n) return bad(name, v, kCountWhy);
  return "（" + std::to_string(*n) + "）";
}

// ---- decimals -------------------------------------------------------------------------------

// [-]digits[.digits], kept as digit strings so no precision is lost to binary floating point.
struct Decimal {
  bool negative = false;
  std::string whole;  // no leading zeros, at least "0"
  std::string frac;   // as written; may be empty

  bool is_zero() const {
    return whole == "0" && frac.find_first_not_of('0') == std::string::npos;
  }
  // "-" unless the value is zero, so "-0.00" never appears.
  std::string sign() const { return negative && !is_zero() ? "-" : ""; }
};

std::optional<Decimal> parse_decimal(std::string_view s) {
  Decimal d;
  if (!s.empty() && s.front() == '-') {
    d.negative = true;
    s.remove_prefix(1);
  }
  std::string_view whole = s, frac;
  size_t dot = s.find('.');
  if (dot != std::string_view::npos) {
    whole = s.substr(0, dot);
    frac = s.substr(dot + 1);
    if (!all_digits(frac)) return std::nullopt;
  }
  if (!all_digits(whole)) return std::nullopt;
  while (whole.size() > 1 && whole.front() == '0') whole.remove_prefix(1);
  d.whole = std::string(whole);
  d.frac = std::string(frac);
  return d;
}

const char* const kNumberWhy = "is not a decimal number (expected e.g. 1234 or -1234.5)";

std::string group_thousands(const std::string& whole) {
  std::string out;
  out.reserve(whole.size() + whole.size() / 3);
  for (size_t i = 0; i < whole.size(); ++i) {
    if (i > 0 && (whole.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(whole[i]);
  }
  return out;
}

Out number(std::string_view name, std::string_view v) {
  auto d = parse_decimal(v);
  if (!d) return bad(name, v, kNumberWhy);
  std::string out = d->sign() + group_thousands(d->whole);
  if (!d->frac.empty()) out += "." + d->frac;
  return out;
}

Out fixed_2(std::string_view name, std::string_view v) {
  auto d = parse_decimal(v);
  if (!d) return bad(name, v, kNumberWhy);
  std::string frac = d->frac;
  bool round_up = frac.size() > 2 && frac[2] >= '5';
  frac.resize(2, '0');
  std::string digits = d->whole + frac;
  if (round_up) {
    size_t i = digits.size();
    while (i > 0 && digits[i - 1] == '9') digits[--i] = '0';
    if (i == 0) digits.insert(digits.begin(), '1');
    else ++digits[i - 1];
  }
  Decimal r{d->negative, digits.substr(0, digits.size() - 2), digits.substr(digits.size() - 2)};
  return r.sign() + r.whole + "." + r.frac;
}

Out percent(std::string_view name, std::string_view v) {
  auto d = parse_decimal(v);
  if (!d) return bad(name, v, kNumberWhy);
  std::string frac = d->frac;
  if (frac.size() < 2) frac.resize(2, '0');
  std::string whole = d->whole + frac.substr(0, 2);
  size_t nz = whole.find_first_not_of('0');
  whole = nz == std::string::npos ? "0" : whole.substr(nz);
  Decimal r{d->negative, whole, frac.substr(2)};
  return r.sign() + r.whole + (r.frac.empty() ? "" : "." + r.frac) + "%";
}

// ---- registry -------------------------------------------------------------------------------

struct Entry {
  const char* name;
  Out (*fn)(std::string_view name, std::string_view value);
};

const Entry kFormats[] = {
    {"cn-date", cn_date},       {"date-compact", date_compact}, {"cn-year-month", cn_year_month},
    {"heading-1", heading_1},   {"heading-2", heading_2},       {"heading-3", heading_3},
    {"heading-4", heading_4},   {"cn-numeral", cn_numeral},     {"cn-upper", cn_upper},
    {"number", number},         {"fixed-2", fixed_2},           {"percent", percent},
};

}  // namespace

gk::Result<std::string> apply(std::string_view format, std::string_view value) {
  for (const Entry& e : kFormats) {
    if (format == e.name) return e.fn(format, trim(value));
  }
  return gk::make_error("unknown format \"" + std::string(format) + "\" (value " + quoted(value) +
                        "); known formats: " + known_formats());
}

bool is_format(std::string_view name) {
  for (const Entry& e : kFormats)
    if (name == e.name) return true;
  return false;
}

std::string known_formats() {
  std::string known;
  for (const Entry& e : kFormats) known += (known.empty() ? "" : ", ") + std::string(e.name);
  return known;
}

std::vector<std::string> format_names() {
  std::vector<std::string> names;
  for (const Entry& e : kFormats) names.emplace_back(e.name);
  return names;
}

}  // namespace gk::format
