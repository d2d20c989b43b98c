// UTF-8 <-> UTF-32 conversion. Invalid UTF-8 is reported, never silently replaced.
#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace gk::text {

std::string to_utf8(std::u32string_view s);
std::string to_utf8(char32_t c);
// nullopt when `s` is not valid UTF-8.
std::optional<std::u32string> from_utf8(std::string_view s);
// "U+4E2D '中'" for messages.
std::string describe_char(char32_t c);

}  // namespace gk::text
