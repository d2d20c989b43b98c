// A small JSON value for OCFL inventories: parsed with Poco's parser (its events build the Json
// directly), written by us with sorted keys and 2-space indentation so that the same inventory
// always gives the same bytes (and digest).
#pragma once
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace gk::ocfl {

class Json {
 public:
  enum class Type { null, boolean, number, string, array, object };
  using Array = std::vector<Json>;
  using Object = std::map<std::string, Json>;  // sorted: the writer relies on it

  Json() = default;
  Json(std::string s) : type_(Type::string), str_(std::move(s)) {}
  Json(const char* s) : type_(Type::string), str_(s) {}
  Json(bool b) : type_(Type::boolean), bool_(b) {}
  Json(double n) : type_(Type::number), num_(n) {}
  Json(Array a) : type_(Type::array), arr_(std::make_shared<Array>(std::move(a))) {}
  Json(Object o) : type_(Type::object), obj_(std::make_shared<Object>(std::move(o))) {}

  Type type() const { return type_; }
  bool is_string() const { return type_ == Type::string; }
  bool is_array() const { return type_ == Type::array; }
  bool is_object() const { return type_ == Type::object; }
  const std::string& str() const { return str_; }
  double number() const { return num_; }
  bool boolean() const { return bool_; }
  const Array& array() const { return *arr_; }
  const Object& object() const { return *obj_; }
  // Member lookup on an object; nullptr when absent or when this is not an object.
  const Json* find(const std::string& key) const;

 private:
  Type type_ = Type::null;
  bool bool_ = false;
  double num_ = 0;
  std::string str_;
  std::shared_ptr<Array> arr_;
  std::shared_ptr<Object> obj_;
};

// Parses UTF-8 JSON text; the error message says what is wrong (no file name: callers add it).
Result<Json> parse_json(std::string_view text);

// Pretty JSON, keys sorted, 2-space indent, trailing newline. Strings are escaped per RFC 8259.
std::string write_json(const Json& value);

// Whether `s` is well-formed UTF-8 (JSON text and OCFL ids must be).
bool valid_utf8(std::string_view s);

}  // namespace gk::ocfl
