// Errors as values. An Error names where the problem is (file, line when known) and what it is,
// in one line a user can act on. Result<T> holds either a value or an Error.
#pragma once
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace gk {

struct Error {
  std::string file;     // the input file the problem is in; may be empty
  int line = 0;         // 1-based line in that file; 0 when unknown
  std::string message;  // what is wrong

  // "file:line: message", "file: message" or "message".
  std::string str() const;
};

inline Error make_error(std::string message, std::string file = {}, int line = 0) {
  return Error{std::move(file), line, std::move(message)};
}

// Status: ok, or an Error.
class Status {
 public:
  Status() = default;
  Status(Error e) : err_(std::move(e)) {}
  static Status ok() { return {}; }
  bool is_ok() const { return !err_.has_value(); }
  explicit operator bool() const { return is_ok(); }
  const Error& error() const { return *err_; }

 private:
  std::optional<Error> err_;
};

template <class T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}
  Result(Error e) : v_(std::move(e)) {}
  bool is_ok() const { return v_.index() == 0; }
  explicit operator bool() const { return is_ok(); }
  T& value() { return std::get<0>(v_); }
  const T& value() const { return std::get<0>(v_); }
  T& operator*() { return value(); }
  const T& operator*() const { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const Error& error() const { return std::get<1>(v_); }
  Status status() const { return is_ok() ? Status() : Status(error()); }

 private:
  std::variant<T, Error> v_;
};

}  // namespace gk
