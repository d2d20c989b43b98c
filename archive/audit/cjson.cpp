#include "archive/audit/cjson.h"

namespace gk::audit::cjson {

bool valid_utf8(std::string_view s) {
  size_t i = 0, n = s.size();
  while (i < n) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    int len;
    uint32_t cp;
    if (c >= 0xc2 && c <= 0xdf) len = 2, cp = c & 0x1f;
    else if (c >= 0xe0 && c <= 0xef) len = 3, cp = c & 0x0f;
    else if (c >= 0xf0 && c <= 0xf4) len = 4, cp = c & 0x07;
    else return false;
    if (i + len > n) return false;
    for (int k = 1; k < len; ++k) {
      unsigned char cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3f);
    }
    // Overlong forms, UTF-16 surrogates and values past U+10FFFF have no place in UTF-8.
    if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
      return false;
    i += len;
  }
  return true;
}

void put_string(std::string& out, std::string_view s) {
  static const char* hex = "0123456789abcdef";
  out.push_back('"');
  for (char ch : s) {
    unsigned char c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out.push_back(hex[c >> 4]);
          out.push_back(hex[c & 15]);
        } else {
          out.push_back(ch);
        }
    }
  }
  out.push_back('"');
}

void put_map(std::string& out, const std::map<std::string, std::string>& m) {
  out.push_back('{');
  bool first = true;
  for (auto& [k, v] : m) {
    if (!first) out.push_back(',');
    first = false;
    put_string(out, k);
    out.push_back(':');
    put_string(out, v);
  }
  out.push_back('}');
}

bool Reader::fail(std::string why) {
  why_ = std::move(why);
  return false;
}

std::string Reader::where() const { return why_ + " at byte " + std::to_string(pos_ + 1); }

bool Reader::literal(std::string_view lit) {
  if (s_.substr(pos_, lit.size()) != lit) return fail("expected '" + std::string(lit) + "'");
  pos_ += lit.size();
  return true;
}

bool Reader::string(std::string& out) {
  out.clear();
  if (pos_ >= s_.size() || s_[pos_] != '"') return fail("expected a string");
  size_t p = pos_ + 1;
  while (true) {
    if (p >= s_.size()) return fail("unterminated string");
    unsigned char c = static_cast<unsigned char>(s_[p]);
    if (c == '"') break;
    if (c < 0x20) {
      pos_ = p;
      return fail("raw control character in string");
    }
    if (c != '\\') {
      out.push_back(static_cast<char>(c));
      ++p;
      continue;
    }
    if (p + 1 >= s_.size()) return fail("unterminated string");
    char e = s_[p + 1];
    const char* simple = nullptr;
    switch (e) {
      case '"': simple = "\""; break;
      case '\\': simple = "\\"; break;
      case 'b': simple = "\b"; break;
      case 'f': simple = "\f"; break;
      case 'n': simple = "\n"; break;
      case 'r': simple = "\r"; break;
      case 't': simple = "\t"; break;
    }
    if (simple) {
      out.push_back(*simple);
      p += 2;
      continue;
    }
    // \u00xx is canonical only for control characters that have no short escape.
    static const char* hex = "0123456789abcdef";
    if (e == 'u' && p + 6 <= s_.size() && s_.substr(p + 2, 2) == "00") {
      auto h = std::string_view(hex).find(s_[p + 4]);
      auto l = std::string_view(hex).find(s_[p + 5]);
      if (h != std::string_view::npos && l != std::string_view::npos && h < 2) {
        char v = static_cast<char>(h * 16 + l);
        if (std::string_view("\b\f\n\r\t").find(v) == std::string_view::npos) {
          out.push_back(v);
          p += 6;
          continue;
        }
      }
    }
    pos_ = p;
    return fail("non-canonical escape in string");
  }
  if (!valid_utf8(out)) return fail("string is not valid UTF-8");
  pos_ = p + 1;
  return true;
}

bool Reader::uint(uint64_t& out) {
  size_t p = pos_;
  out = 0;
  while (p < s_.size() && s_[p] >= '0' && s_[p] <= '9') {
    if (out > (UINT64_MAX - 9) / 10) return fail("number too large");
    out = out * 10 + static_cast<uint64_t>(s_[p] - '0');
    ++p;
  }
  if (p == pos_) return fail("expected an unsigned integer");
  if (s_[pos_] == '0' && p - pos_ > 1) return fail("leading zero in number");
  pos_ = p;
  return true;
}

bool Reader::map(std::map<std::string, std::string>& out) {
  out.clear();
  if (!literal("{")) return false;
  if (pos_ < s_.size() && s_[pos_] == '}') return literal("}");
  std::string k, v;
  while (true) {
    size_t key_at = pos_;
    if (!string(k)) return false;
    if (!out.empty() && !(out.rbegin()->first < k)) {
      pos_ = key_at;
      return fail("keys not in sorted order or duplicated");
    }
    if (!literal(":") || !string(v)) return false;
    out.emplace(k, v);
    if (pos_ < s_.size() && s_[pos_] == '}') return literal("}");
    if (!literal(",")) return false;
  }
}

bool Reader::end() {
  if (pos_ != s_.size()) return fail("unexpected bytes after the value");
  return true;
}

}  // namespace gk::audit::cjson
