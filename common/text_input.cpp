#include "common/text_input.h"

#include <cstdio>

namespace gk {

namespace {

constexpr char32_t kBad = 0xFFFFFFFF;

// One UTF-8 character at s[i], strictly (no overlong forms, surrogates or values past
// U+10FFFF); advances i. kBad for a bad sequence, i then advanced by one byte.
char32_t decode(std::string_view s, size_t& i) {
  auto b = static_cast<unsigned char>(s[i]);
  if (b < 0x80) return ++i, b;
  int len = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC2 ? 2 : 0;
  if (len == 0 || b > 0xF4 || i + len > s.size()) return ++i, kBad;
  char32_t c = b & (0x7F >> len);
  for (int k = 1; k < len; ++k) {
    auto cb = static_cast<unsigned char>(s[i + k]);
    if ((cb & 0xC0) != 0x80) return ++i, kBad;
    c = (c << 6) | (cb & 0x3F);
  }
  if ((len == 3 && c < 0x800) || (len == 4 && c < 0x10000) || (c >= 0xD800 && c <= 0xDFFF) || c > 0x10FFFF)
    return ++i, kBad;
  i += len;
  return c;
}

}  // namespace

std::string text_problem(std::string_view s, bool one_line) {
  char buf[96];
  for (size_t i = 0; i < s.size();) {
    size_t at = i;
    auto b = static_cast<unsigned char>(s[i]);
    char32_t c = decode(s, i);
    if (c == kBad) {
      std::snprintf(buf, sizeof buf, "is not valid UTF-8 (byte 0x%02X at byte %zu)", b, at + 1);
      return buf;
    }
    bool allowed_space = !one_line && (c == '\t' || c == '\n' || c == '\r');
    if ((c < 0x20 && !allowed_space) || (c >= 0x7F && c <= 0x9F)) {
      std::snprintf(buf, sizeof buf, "contains the control character U+%04X (at byte %zu)", static_cast<unsigned>(c), at + 1);
      return buf;
    }
  }
  return {};
}

std::string for_terminal(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    size_t at = i;
    char32_t c = decode(s, i);
    if (c == '\t' || c == '\n' || c == '\r') out += ' ';
    else if (c == kBad || c < 0x20 || (c >= 0x7F && c <= 0x9F)) out += "\uFFFD";
    else out.append(s.substr(at, i - at));
  }
  return out;
}

}  // namespace gk
