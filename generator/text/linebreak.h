// Line-break opportunities for Chinese body text: ICU's UAX #14 line breaker (locale "zh",
// lb=strict) narrowed by the 避头尾 rules of Chinese typesetting (GB/T 15834, as Word/WPS apply them).
// This only says where a line MAY end; choosing the breaks (and forcing one inside an unbreakable
// run longer than a line) is the layout's job.
#pragma once
#include <string_view>
#include <vector>

namespace gk::text {

// Returns one flag per character: breaks[i] (0 < i < text.size()) is true when a line may end
// before text[i]; breaks[0] is false; empty text gives an empty vector. The end of the text is
// always a break and is not reported. Starting from ICU's opportunities, a break is removed when
//   - text[i] is forbidden at a line start (避头), or text[i-1] is forbidden at a line end (避尾);
//   - it would split a doubled dash or ellipsis ("——", "……", "――", "⋯⋯").
// Breaks are only ever removed, never added. Thread-safe (one ICU iterator per thread).
// Surrogate code points or values above U+10FFFF in `text` are treated as U+FFFD.
// Throws std::runtime_error only if ICU's line-break data cannot be loaded (a broken install).
std::vector<bool> line_break_opportunities(std::u32string_view text);

// Word boundaries (UAX #29; ICU segments Han text with its Chinese dictionary): at[i] (0 < i <
// text.size()) is true when a word ends before text[i]. For titles, which GB/T 9704 breaks only
// between words (回行时词意完整). Same threading and error behaviour as above.
std::vector<bool> word_boundaries(std::u32string_view text);

// 避头: closing punctuation and marks that must not begin a line, e.g. ，。、；：？！）》」』】〕〉”’…·
// ％‰ ) ] } , . ; : ? ! % 々 〃 ～ ー ゛ and small kana.
bool forbidden_at_line_start(char32_t c);

// 避尾: opening brackets and quotes that must not end a line, e.g. （《「『【〔〈“‘ ( [ {, plus
// currency signs that belong to the amount after them ($ ¥ ￥ ...).
bool forbidden_at_line_end(char32_t c);

}  // namespace gk::text
