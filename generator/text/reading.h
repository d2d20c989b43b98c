// Text as a reader sees it: one rule for templates (bind), records (catalogue fields, the text the
// catalogue indexes, diffs) and so for what a search matches against what the PDF shows.
#pragma once
#include <string>
#include <string_view>

namespace gk::text {

// CJK characters, punctuation and full-width forms: no word space is needed beside them.
bool is_cjk(char32_t c);

// XML text as a reader sees it: white space runs collapse to one space and vanish next to a CJK
// character (a line break between two Han characters in the source is not a space); invisible
// format characters (U+200B-U+200D, U+2060, U+FEFF, soft hyphen) are dropped. `trim` drops white
// space at both ends (else one space is kept). With `separators`, a run next to CJK becomes one
// U+3000 instead of vanishing (the 机关 of a 联合行文 署名). U+3000 itself is kept as written.
std::u32string as_read(std::u32string_view in, bool trim, bool separators = false);
// The same on UTF-8, trimmed; text that is not valid UTF-8 is only collapsed (XML parsers hand
// over valid UTF-8, so this is for robustness, not a second rule).
std::string as_read(std::string_view utf8);

}  // namespace gk::text
