// Character classes and runs for exact substring search (docs/search.md).
// A "word character" is a letter, digit or mark of any script (Unicode L*, N*, M*); everything
// else (punctuation, symbols, spaces, controls, invalid UTF-8) separates runs. ASCII letters are
// folded to lower case, here and in match checks, so "PDF" finds "pdf"; nothing else is folded.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "common/text_input.h"

namespace gk::catalogue {

// Decodes one UTF-8 character at s[i]; returns its code point (0xFFFD for a bad byte) and
// advances i by its length (1 for a bad byte). Inline: the tokenizer calls it per character.
inline char32_t next_char(std::string_view s, size_t& i) {
  auto b = static_cast<unsigned char>(s[i]);
  if (b < 0x80) {
    ++i;
    return b;
  }
  int len = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 0;
  if (len == 0 || b > 0xF4 || i + len > s.size()) {
    ++i;
    return 0xFFFD;
  }
  char32_t c = b & (0x7F >> len);
  for (int k = 1; k < len; ++k) {
    auto cb = static_cast<unsigned char>(s[i + k]);
    if ((cb & 0xC0) != 0x80) {
      ++i;
      return 0xFFFD;
    }
    c = (c << 6) | (cb & 0x3F);
  }
  i += len;
  return c;
}

bool is_word_char(char32_t c);

// is_word_char for the BMP as one bit per code point (bit c & 7 of byte c >> 3), for loops that
// classify every character of a text.
const unsigned char* word_bits_bmp();

using gk::text_problem;  // common/text_input.h

// Maximal runs of word characters of `s`, ASCII-folded, in order.
std::vector<std::string> word_runs(std::string_view s);

// ASCII-folded copy.
std::string fold(std::string_view s);

// Whether `needle` (already folded) occurs in `hay` comparing with ASCII folding.
bool contains_folded(std::string_view hay, std::string_view folded_needle);

// Byte offsets of every occurrence of `folded_needle` in `hay` (ASCII-folded), overlapping ones
// too (呀呀呀 occurs 8 times in 10 呀). A match starts only at a character: UTF-8 is self-synchronising.
std::vector<size_t> find_all_folded(std::string_view hay, std::string_view folded_needle);

}  // namespace gk::catalogue
