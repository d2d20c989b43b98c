#include "archive/catalogue/text.h"

#include <unicode/uchar.h>

#include <cstdio>
#include <cstring>
#include <mutex>

namespace gk::catalogue {

namespace {

// One bit per BMP code point, built once from ICU: the tokenizer calls is_word_char for every
// character of every document, so it must be a table lookup.
struct BmpTable {
  std::vector<unsigned char> bits = std::vector<unsigned char>(0x10000 / 8, 0);
  BmpTable() {
    for (UChar32 c = 0; c < 0x10000; ++c)
      if (slow(c)) bits[c >> 3] |= static_cast<unsigned char>(1u << (c & 7));
  }
  static bool slow(UChar32 c) {
    uint32_t mask = U_GET_GC_MASK(c);
    return (mask & (U_GC_L_MASK | U_GC_N_MASK | U_GC_M_MASK)) != 0;
  }
};

const BmpTable& table() {
  static const BmpTable t;
  return t;
}

inline char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

}  // namespace

const unsigned char* word_bits_bmp() { return table().bits.data(); }

bool is_word_char(char32_t c) {
  if (c < 0x80) return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  if (c == 0xFFFD) return false;
  if (c < 0x10000) return (table().bits[c >> 3] >> (c & 7)) & 1;
  return BmpTable::slow(static_cast<UChar32>(c));
}

std::vector<std::string> word_runs(std::string_view s) {
  std::vector<std::string> runs;
  std::string cur;
  for (size_t i = 0; i < s.size();) {
    size_t start = i;
    char32_t c = next_char(s, i);
    if (is_word_char(c)) {
      for (size_t k = start; k < i; ++k) cur.push_back(lower(s[k]));
    } else if (!cur.empty()) {
      runs.push_back(std::move(cur));
      cur.clear();
    }
  }
  if (!cur.empty()) runs.push_back(std::move(cur));
  return runs;
}

std::string fold(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = lower(c);
  return out;
}

namespace {
bool has_ascii_letter(std::string_view s) {
  for (char c : s)
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
  return false;
}
}  // namespace

std::vector<size_t> find_all_folded(std::string_view hay, std::string_view needle) {
  std::vector<size_t> out;
  if (needle.empty()) return out;
  if (!has_ascii_letter(needle)) {
    // UTF-8 is self-synchronising, so a byte search finds only whole-character matches.
    for (size_t p = hay.find(needle); p != std::string_view::npos; p = hay.find(needle, p + 1)) out.push_back(p);
    return out;
  }
  std::string h = fold(hay);
  for (size_t p = h.find(needle); p != std::string::npos; p = h.find(needle, p + 1)) out.push_back(p);
  return out;
}

bool contains_folded(std::string_view hay, std::string_view needle) {
  if (!has_ascii_letter(needle)) return hay.find(needle) != std::string_view::npos;
  // Folding cannot change byte lengths, so compare window by window without a copy.
  if (needle.size() > hay.size()) return false;
  for (size_t i = 0; i + needle.size() <= hay.size(); ++i) {
    size_t k = 0;
    while (k < needle.size() && lower(hay[i + k]) == needle[k]) ++k;
    if (k == needle.size()) return true;
  }
  return false;
}

}  // namespace gk::catalogue
