#include "json.h"

#include <cstdlib>
#include <stdexcept>

#include "pdf_read.h"

namespace gkt::json {

const Value& Value::operator[](const std::string& key) const {
  static const Value none;
  if (kind != object) return none;
  auto it = members.find(key);
  return it == members.end() ? none : it->second;
}

const Value& Value::operator[](size_t i) const {
  static const Value none;
  return kind == array && i < items.size() ? items[i] : none;
}

namespace {

struct Reader {
  const std::string& s;
  size_t pos = 0;

  [[noreturn]] void fail(const std::string& what) {
    throw std::runtime_error("JSON: " + what + " at byte " + std::to_string(pos));
  }
  void blank() {
    while (pos < s.size() && (s[pos] == ' ' || s[pos] == '\n' || s[pos] == '\r' || s[pos] == '\t')) ++pos;
  }
  bool take(char c) {
    blank();
    if (pos < s.size() && s[pos] == c) return ++pos, true;
    return false;
  }
  void expect(char c) {
    if (!take(c)) fail(std::string("expected '") + c + "'");
  }
  unsigned hex4() {
    if (pos + 4 > s.size()) fail("short \\u escape");
    unsigned v = static_cast<unsigned>(std::stoul(s.substr(pos, 4), nullptr, 16));
    pos += 4;
    return v;
  }

  std::string string_body() {
    expect('"');
    std::string out;
    while (pos < s.size() && s[pos] != '"') {
      char c = s[pos++];
      if (c != '\\') {
        out += c;
        continue;
      }
      if (pos >= s.size()) fail("bad escape");
      char e = s[pos++];
      switch (e) {
        case 'n': out += '\n'; break;
        case 't': out += '\t'; break;
        case 'r': out += '\r'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'u': {
          char32_t c32 = hex4();
          if (c32 >= 0xD800 && c32 < 0xDC00 && s.compare(pos, 2, "\\u") == 0) {  // surrogate pair
            pos += 2;
            c32 = 0x10000 + ((c32 - 0xD800) << 10) + (hex4() - 0xDC00);
          }
          out += utf8(c32);
          break;
        }
        default: out += e;  // \" \\ \/
      }
    }
    expect('"');
    return out;
  }

  Value value() {
    blank();
    if (pos >= s.size()) fail("unexpected end");
    Value v;
    char c = s[pos];
    if (c == '{') {
      v.kind = Value::object;
      ++pos;
      if (take('}')) return v;
      do {
        blank();
        std::string key = string_body();
        expect(':');
        v.members[key] = value();
      } while (take(','));
      expect('}');
    } else if (c == '[') {
      v.kind = Value::array;
      ++pos;
      if (take(']')) return v;
      do v.items.push_back(value());
      while (take(','));
      expect(']');
    } else if (c == '"') {
      v.kind = Value::string;
      v.str = string_body();
    } else if (s.compare(pos, 4, "true") == 0 || s.compare(pos, 5, "false") == 0) {
      v.kind = Value::boolean;
      v.b = s[pos] == 't';
      pos += v.b ? 4 : 5;
    } else if (s.compare(pos, 4, "null") == 0) {
      pos += 4;
    } else {
      char* end = nullptr;
      v.kind = Value::number;
      v.num = std::strtod(s.c_str() + pos, &end);
      if (end == s.c_str() + pos) fail("unexpected character");
      pos = static_cast<size_t>(end - s.c_str());
    }
    return v;
  }
};

}  // namespace

Value parse(const std::string& text) {
  Reader r{text};
  Value v = r.value();
  r.blank();
  if (r.pos != text.size()) r.fail("trailing data");
  return v;
}

}  // namespace gkt::json
