// Checks of text typed by users (queries, filters, names, messages) before it is stored or echoed.
#pragma once
#include <string>
#include <string_view>

namespace gk {

// Why `s` cannot be taken as typed text, or "" when it can: invalid UTF-8 (a bad byte, an
// overlong form, a surrogate) or a control character other than tab and line breaks (C0, DEL,
// C1: they would reach a terminal or a JSON document raw). Says where, never echoes the bytes.
// With `one_line`, tab and line breaks are refused too (a name, a message shown one per line).
std::string text_problem(std::string_view s, bool one_line = false);

// Stored text as one line for a terminal: tab and line breaks become spaces, other control
// characters (C0, DEL, C1) U+FFFD. Archived records may hold them (XML 1.0 allows C1 and DEL),
// and raw they would drive the terminal (CSI U+009B starts an escape sequence).
std::string for_terminal(std::string_view s);

}  // namespace gk
