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
// advances i by its length (1 for a bad byte).
char32_t next_char(std::string_view s, size_t& i);

bool is_word_char(char32_t c);

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
