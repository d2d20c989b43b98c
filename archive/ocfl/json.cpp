#include "archive/ocfl/json.h"

#include <Poco/Dynamic/Var.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <cmath>
#include <cstdio>

namespace gk::ocfl {

const Json* Json::find(const std::string& key) const {
  if (type_ != Type::object) return nullptr;
  auto it = obj_->find(key);
  return it == obj_->end() ? nullptr : &it->second;
}

static Json convert(const Poco::Dynamic::Var& v) {
  if (v.isEmpty()) return Json();
  if (v.type() == typeid(Poco::JSON::Object::Ptr)) {
    auto o = v.extract<Poco::JSON::Object::Ptr>();
    Json::Object out;
    for (const auto& [k, val] : *o) out[k] = convert(val);
    return Json(std::move(out));
  }
  if (v.type() == typeid(Poco::JSON::Array::Ptr)) {
    auto a = v.extract<Poco::JSON::Array::Ptr>();
    Json::Array out;
    out.reserve(a->size());
    for (size_t i = 0; i < a->size(); ++i) out.push_back(convert(a->get(static_cast<unsigned>(i))));
    return Json(std::move(out));
  }
  if (v.isString()) return Json(v.extract<std::string>());
  if (v.isBoolean()) return Json(v.convert<bool>());
  if (v.isNumeric()) return Json(v.convert<double>());
  return Json(v.convert<std::string>());
}

Result<Json> parse_json(std::string_view text) {
  if (!valid_utf8(text)) return make_error("not valid UTF-8");
  try {
    Poco::JSON::Parser parser;
    return convert(parser.parse(std::string(text)));
  } catch (const Poco::Exception& e) {
    return make_error("invalid JSON: " + e.displayText());
  } catch (const std::exception& e) {
    return make_error(std::string("invalid JSON: ") + e.what());
  }
}

static void escape(std::string& out, const std::string& s) {
  out.push_back('"');
  for (unsigned char c : s) {
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
