#include "archive/ocfl/json.h"

#include <Poco/JSON/Handler.h>
#include <Poco/JSON/Parser.h>

#include <cmath>
#include <cstdio>

namespace gk::ocfl {

const Json* Json::find(const std::string& key) const {
  if (type_ != Type::object) return nullptr;
  auto it = obj_->find(key);
  return it == obj_->end() ? nullptr : &it->second;
}

namespace {

// Builds our Json straight from Poco's parser events. Poco's default handler first builds
// Poco::JSON objects of Dynamic::Var values, which then had to be converted: twice the
// allocations, and the largest single cost of reading an inventory.
class Builder : public Poco::JSON::Handler {
 public:
  void reset() override {
    stack_.clear();
    result_ = Json();
  }
  void startObject() override { stack_.push_back(Frame{true, {}, {}, {}}); }
  void endObject() override {
    Json::Object o = std::move(stack_.back().object);
    stack_.pop_back();
    put(Json(std::move(o)));
  }
  void startArray() override { stack_.push_back(Frame{false, {}, {}, {}}); }
  void endArray() override {
    Json::Array a = std::move(stack_.back().array);
    stack_.pop_back();
    put(Json(std::move(a)));
  }
  void key(const std::string& k) override { stack_.back().key = k; }
  void null() override { put(Json()); }
  void value(int v) override { put(Json(static_cast<double>(v))); }
  void value(unsigned v) override { put(Json(static_cast<double>(v))); }
  void value(Poco::Int64 v) override { put(Json(static_cast<double>(v))); }
  void value(Poco::UInt64 v) override { put(Json(static_cast<double>(v))); }
  void value(const std::string& v) override { put(Json(v)); }
  void value(double v) override { put(Json(v)); }
  void value(bool v) override { put(Json(v)); }
  Json take() { return std::move(result_); }

 private:
  struct Frame {
    bool is_object;
    Json::Object object;
    Json::Array array;
    std::string key;
  };
  void put(Json v) {
    if (stack_.empty()) {
      result_ = std::move(v);
      return;
    }
    Frame& f = stack_.back();
    if (f.is_object) f.object.insert_or_assign(std::move(f.key), std::move(v));  // a repeated key: the last wins
    else f.array.push_back(std::move(v));
  }
  std::vector<Frame> stack_;
  Json result_;
};

}  // namespace

Result<Json> parse_json(std::string_view text) {
  if (!valid_utf8(text)) return make_error("not valid UTF-8");
  try {
    Poco::SharedPtr<Builder> builder = new Builder;
    Poco::JSON::Parser parser(builder);
    parser.parse(std::string(text));
    return builder->take();
  } catch (const Poco::Exception& e) {
    return make_error("invalid JSON: " + e.displayText());
  } catch (const std::exception& e) {
    return make_error(std::string("invalid JSON: ") + e.what());
  }
}

// Length of the valid UTF-8 sequence starting at s[i] (1 for ASCII), 0 if there is none.
static size_t utf8_length_at(const std::string& s, size_t i) {
  auto b = [&](size_t k) { return i + k < s.size() ? static_cast<unsigned char>(s[i + k]) : 0u; };
  auto cont = [&](size_t k) { return (b(k) & 0xC0) == 0x80; };
  unsigned c = b(0);
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    if (!cont(1) || !cont(2)) return 0;
    if ((c == 0xE0 && b(1) < 0xA0) || (c == 0xED && b(1) > 0x9F)) return 0;  // overlong; surrogates
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (!cont(1) || !cont(2) || !cont(3)) return 0;
    if ((c == 0xF0 && b(1) < 0x90) || (c == 0xF4 && b(1) > 0x8F)) return 0;
    return 4;
  }
  return 0;
}

// JSON text is UTF-8 (RFC 8259): a byte that starts no valid sequence (a damaged catalogue's text)
// is written as U+FFFD, so the document stays valid JSON.
static void escape(std::string& out, const std::string& s) {
  out.push_back('"');
  for (size_t i = 0; i < s.size();) {
    size_t n = utf8_length_at(s, i);
    if (n == 0) {
      out += "\xEF\xBF\xBD";
      ++i;
      continue;
    }
    if (n > 1) {
      out.append(s, i, n);
      i += n;
      continue;
    }
    unsigned char c = static_cast<unsigned char>(s[i++]);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
  }
  out.push_back('"');
}

static void write(std::string& out, const Json& v, int indent) {
  std::string pad(static_cast<size_t>(indent + 2), ' ');
  switch (v.type()) {
    case Json::Type::null: out += "null"; break;
    case Json::Type::boolean: out += v.boolean() ? "true" : "false"; break;
    case Json::Type::number: {
      double n = v.number();
      char buf[40];
      if (std::floor(n) == n && std::fabs(n) < 1e15) std::snprintf(buf, sizeof buf, "%.0f", n);
      else std::snprintf(buf, sizeof buf, "%.17g", n);
      out += buf;
      break;
    }
    case Json::Type::string: escape(out, v.str()); break;
    case Json::Type::array: {
      if (v.array().empty()) { out += "[]"; break; }
      out += "[\n";
      bool first = true;
      for (const auto& e : v.array()) {
        if (!first) out += ",\n";
        first = false;
        out += pad;
        write(out, e, indent + 2);
      }
      out += "\n" + std::string(static_cast<size_t>(indent), ' ') + "]";
      break;
    }
    case Json::Type::object: {
      if (v.object().empty()) { out += "{}"; break; }
      out += "{\n";
      bool first = true;
      for (const auto& [k, e] : v.object()) {
        if (!first) out += ",\n";
        first = false;
        out += pad;
        escape(out, k);
        out += ": ";
        write(out, e, indent + 2);
      }
      out += "\n" + std::string(static_cast<size_t>(indent), ' ') + "}";
      break;
    }
  }
}

std::string write_json(const Json& value) {
  std::string out;
  write(out, value, 0);
  out.push_back('\n');
  return out;
}

bool valid_utf8(std::string_view s) {
  size_t i = 0, n = s.size();
  while (i < n) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t len;
    unsigned cp;
    if (c < 0x80) { ++i; continue; }
    if ((c & 0xE0) == 0xC0) { len = 2; cp = c & 0x1F; }
    else if ((c & 0xF0) == 0xE0) { len = 3; cp = c & 0x0F; }
    else if ((c & 0xF8) == 0xF0) { len = 4; cp = c & 0x07; }
    else return false;
    if (i + len > n) return false;
    for (size_t k = 1; k < len; ++k) {
      unsigned char d = static_cast<unsigned char>(s[i + k]);
      if ((d & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (d & 0x3F);
    }
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF))
      return false;
    i += len;
  }
  return true;
}

}  // namespace gk::ocfl
