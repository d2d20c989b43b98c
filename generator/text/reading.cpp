#include "generator/text/reading.h"

#include "generator/text/utf.h"

namespace gk::text {

bool is_cjk(char32_t c) {
  return (c >= 0x2E80 && c <= 0x9FFF) || (c >= 0xF900 && c <= 0xFAFF) || (c >= 0xFF00 && c <= 0xFFEF) ||
         (c >= 0x3000 && c <= 0x303F) || (c >= 0x20000 && c <= 0x3FFFF);
}

namespace {

bool is_xml_space(char32_t c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool is_invisible(char32_t c) {
  return c == 0x200B || c == 0x200C || c == 0x200D || c == 0x2060 || c == 0xFEFF || c == 0x00AD;
}

}  // namespace

std::u32string as_read(std::u32string_view in, bool trim, bool separators) {
  std::u32string out;
  out.reserve(in.size());
  bool pending = false;
  for (char32_t c : in) {
    if (is_invisible(c)) continue;
    if (is_xml_space(c)) {
      pending = true;
      continue;
    }
    if (pending && !out.empty() && !is_cjk(out.back()) && !is_cjk(c)) out.push_back(' ');
    else if (pending && separators && !out.empty() && out.back() != 0x3000 && c != 0x3000) out.push_back(0x3000);
    else if (pending && out.empty() && !trim) out.push_back(' ');
    pending = false;
    out.push_back(c);
  }
  if (pending && !trim && !out.empty()) out.push_back(' ');
  return out;
}

std::string as_read(std::string_view utf8) {
  if (auto u = from_utf8(utf8)) return to_utf8(as_read(*u, true));
  std::string out;
  bool pending = false;
  for (char c : utf8) {
    if (is_xml_space(static_cast<unsigned char>(c))) {
      pending = !out.empty();
      continue;
    }
    if (pending) out.push_back(' ');
    pending = false;
    out.push_back(c);
  }
  return out;
}

}  // namespace gk::text
