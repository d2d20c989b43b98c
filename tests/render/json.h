// A small JSON reader for qpdf --json output (test_render links no JSON library).
#pragma once
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace gkt::json {

struct Value {
  enum Kind { null, boolean, number, string, array, object } kind = null;
  bool b = false;
  double num = 0;
  std::string str;
  std::vector<Value> items;              // array
  std::map<std::string, Value> members;  // object

  // Member lookup: a shared null value when absent or when this is not an object.
  const Value& operator[](const std::string& key) const;
  const Value& operator[](size_t i) const;
  std::string as_string(const std::string& fallback = "") const { return kind == string ? str : fallback; }
  double as_number(double fallback = 0) const { return kind == number ? num : fallback; }
};

// Throws std::runtime_error with the byte offset on malformed input.
Value parse(const std::string& text);

}  // namespace gkt::json
