#include "generator/text/linebreak.h"

#include <unicode/brkiter.h>
#include <unicode/locid.h>
#include <unicode/utext.h>

#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>

namespace gk::text {

bool forbidden_at_line_start(char32_t c) {
  if (c >= 0x3200 && c < 0xFE50) return false;  // Han and Hangul: the common case, decided at once
  switch (c) {
    // ASCII and Latin-1
    case U'!': case U'%': case U')': case U',': case U'.': case U':': case U';': case U'?':
    case U']': case U'}': case U'\u00A2': case U'\u00B0': case U'\u00B7': case U'\u00BB':
    // General punctuation and letterlike symbols
    case U'\u2019': case U'\u201D': case U'\u2025': case U'\u2026': case U'\u2030': case U'\u2031':
    case U'\u2032': case U'\u2033': case U'\u203A': case U'\u203C': case U'\u2047': case U'\u2048':
    case U'\u2049': case U'\u2103': case U'\u2109': case U'\u2236': case U'\u22EF':
    // CJK symbols: 、。〃々 closing brackets 〉》」』】〕〗〙〛 〜 〞〟 〻
    case U'\u3001': case U'\u3002': case U'\u3003': case U'\u3005': case U'\u3009': case U'\u300B':
    case U'\u300D': case U'\u300F': case U'\u3011': case U'\u3015': case U'\u3017': case U'\u3019':
    case U'\u301B': case U'\u301C': case U'\u301E': case U'\u301F': case U'\u303B':
    // Kana: small letters, sound marks, iteration marks, 中点 ・, 长音 ー
    case U'\u3041': case U'\u3043': case U'\u3045': case U'\u3047': case U'\u3049': case U'\u3063':
    case U'\u3083': case U'\u3085': case U'\u3087': case U'\u308E': case U'\u3095': case U'\u3096':
    case U'\u309B': case U'\u309C': case U'\u309D': case U'\u309E':
    case U'\u30A1': case U'\u30A3': case U'\u30A5': case U'\u30A7': case U'\u30A9': case U'\u30C3':
    case U'\u30E3': case U'\u30E5': case U'\u30E7': case U'\u30EE': case U'\u30F5': case U'\u30F6':
    case U'\u30FB': case U'\u30FC': case U'\u30FD': case U'\u30FE':
    // Small form variants ﹐﹑﹒﹔﹕﹖﹗﹚﹜﹞
    case U'\uFE50': case U'\uFE51': case U'\uFE52': case U'\uFE54': case U'\uFE55': case U'\uFE56':
    case U'\uFE57': case U'\uFE5A': case U'\uFE5C': case U'\uFE5E':
    // Fullwidth and halfwidth forms ！％），．：；？］｝～｠｡｣､･ｰﾞﾟ￠
    case U'\uFF01': case U'\uFF05': case U'\uFF09': case U'\uFF0C': case U'\uFF0E': case U'\uFF1A':
    case U'\uFF1B': case U'\uFF1F': case U'\uFF3D': case U'\uFF5D': case U'\uFF5E': case U'\uFF60':
    case U'\uFF61': case U'\uFF63': case U'\uFF64': case U'\uFF65': case U'\uFF70': case U'\uFF9E':
    case U'\uFF9F': case U'\uFFE0':
      return true;
    default:
      return c >= 0x31F0 && c <= 0x31FF;  // Katakana phonetic extensions (small ㇰ..ㇿ)
  }
}

bool forbidden_at_line_end(char32_t c) {
  if (c >= 0x3200 && c < 0xFE50) return false;
  switch (c) {
    case U'(': case U'[': case U'{': case U'$': case U'\u00A3': case U'\u00A5': case U'\u00AB':
    case U'\u2018': case U'\u201C': case U'\u2039':
    // 〈《「『【〔〖〘〚〝
    case U'\u3008': case U'\u300A': case U'\u300C': case U'\u300E': case U'\u3010': case U'\u3014':
    case U'\u3016': case U'\u3018': case U'\u301A': case U'\u301D':
    // ﹙﹛﹝ ＄（［｛｟｢ ￡￥
    case U'\uFE59': case U'\uFE5B': case U'\uFE5D': case U'\uFF04': case U'\uFF08': case U'\uFF3B':
    case U'\uFF5B': case U'\uFF5F': case U'\uFF62': case U'\uFFE1': case U'\uFFE5':
      return true;
    default:
      return false;
  }
}

namespace {

// Marks written doubled in Chinese (破折号 ——, 省略号 ……) whose halves must stay on one line.
bool doubled_mark(char32_t c) {
  return c == U'\u2014' || c == U'\u2015' || c == U'\u2026' || c == U'\u22EF';
}

// Line breaks (UAX #14, strict, as Chinese typesetting wants) or word boundaries (UAX #29 with
// ICU's Chinese dictionary, for titles that must break between words: 词意完整).
enum class Kind { line, word };

std::unique_ptr<icu::BreakIterator> make_prototype(Kind kind) {
  UErrorCode st = U_ZERO_ERROR;
  auto create = [&](const icu::Locale& loc) {
    return kind == Kind::line ? icu::BreakIterator::createLineInstance(loc, st)
                              : icu::BreakIterator::createWordInstance(loc, st);
  };
  std::unique_ptr<icu::BreakIterator> it(create(icu::Locale(kind == Kind::line ? "zh@lb=strict" : "zh")));
  if (U_FAILURE(st) || !it) {
    st = U_ZERO_ERROR;
    it.reset(create(icu::Locale::getRoot()));
  }
  if (U_FAILURE(st) || !it) {
    throw std::runtime_error(std::string("ICU break iterator unavailable: ") + u_errorName(st));
  }
  return it;
}

// Building an iterator loads and parses rule data; cloning the prototype is much cheaper, and a
// per-thread clone lets paragraphs be broken in parallel without locks.
template <Kind kind>
icu::BreakIterator& thread_iterator() {
  thread_local std::unique_ptr<icu::BreakIterator> it = [] {
    static std::mutex mu;
    static std::unique_ptr<icu::BreakIterator> prototype;
    std::lock_guard<std::mutex> lock(mu);
    if (!prototype) prototype = make_prototype(kind);
    std::unique_ptr<icu::BreakIterator> copy(prototype->clone());
    if (!copy) throw std::runtime_error("ICU break iterator could not be cloned");
    return copy;
  }();
  return *it;
}

struct ThreadBuffers {
  std::u16string utf16;
  UText utext = UTEXT_INITIALIZER;
  ~ThreadBuffers() { utext_close(&utext); }
};

// Writes `text` as UTF-16 into `out`; returns true when any character needed a surrogate pair.
bool to_utf16(std::u32string_view text, std::u16string& out) {
  out.resize(text.size() * 2);
  size_t n = 0;
  bool astral = false;
  for (char32_t c : text) {
    if (c < 0x10000) {
      out[n++] = (c >= 0xD800 && c <= 0xDFFF) ? u'\uFFFD' : static_cast<char16_t>(c);
    } else if (c <= 0x10FFFF) {
      c -= 0x10000;
      out[n++] = static_cast<char16_t>(0xD800 + (c >> 10));
      out[n++] = static_cast<char16_t>(0xDC00 + (c & 0x3FF));
      astral = true;
    } else {
      out[n++] = u'\uFFFD';
    }
  }
  out.resize(n);
  return astral;
}

// Calls fn(i) for each boundary 0 < i < text.size() (UTF-32 index) that `it` reports.
template <class Fn>
void each_boundary(std::u32string_view text, icu::BreakIterator& it, Fn fn) {
  thread_local ThreadBuffers buf;
  bool astral = to_utf16(text, buf.utf16);
  UErrorCode st = U_ZERO_ERROR;
  utext_openUChars(&buf.utext, buf.utf16.data(), static_cast<int64_t>(buf.utf16.size()), &st);
  it.setText(&buf.utext, st);
  if (U_FAILURE(st)) throw std::runtime_error(std::string("ICU setText failed: ") + u_errorName(st));

  // Boundaries come in increasing UTF-16 order, so one forward walk maps them to UTF-32 indices.
  // ICU never reports a boundary inside a surrogate pair.
  const int32_t end16 = static_cast<int32_t>(buf.utf16.size());
  size_t i32 = 0;
  int32_t i16 = 0;
  for (int32_t b = it.next(); b != icu::BreakIterator::DONE && b < end16; b = it.next()) {
    if (!astral) {
      i32 = static_cast<size_t>(b);
    } else {
      while (i16 < b) {
        char32_t c = text[i32++];
        i16 += (c >= 0x10000 && c <= 0x10FFFF) ? 2 : 1;
      }
    }
    if (i32 == 0 || i32 >= text.size()) continue;
    fn(i32);
  }
}

}  // namespace

std::vector<bool> line_break_opportunities(std::u32string_view text) {
  std::vector<bool> breaks(text.size(), false);
  if (text.size() < 2) return breaks;
  each_boundary(text, thread_iterator<Kind::line>(), [&](size_t i) {
    char32_t before = text[i - 1], after = text[i];
    if (forbidden_at_line_start(after) || forbidden_at_line_end(before)) return;
    if (before == after && doubled_mark(before)) return;
    breaks[i] = true;
  });
  return breaks;
}

std::vector<bool> word_boundaries(std::u32string_view text) {
  std::vector<bool> at(text.size(), false);
  if (text.size() < 2) return at;
  each_boundary(text, thread_iterator<Kind::word>(), [&](size_t i) { at[i] = true; });
  return at;
}

}  // namespace gk::text
