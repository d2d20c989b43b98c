// Canonical JSON pieces shared by the audit log's entry and head lines (internal to archive/audit).
// Canonical means exactly one byte string per value, so that hashes are reproducible:
//   - strings are UTF-8; only `"` `\` and control characters (< 0x20) are escaped, as \" \\ \b \f
//     \n \r \t or \u00xx (lowercase hex); everything else, including '/' and non-ASCII, is raw;
//   - unsigned integers in decimal without leading zeros; no spaces anywhere; object keys in the
//     order the format fixes (or, for free maps, sorted by byte value, no duplicates).
// The reader accepts only that form, so "parses" also means "is canonical".
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

namespace gk::audit::cjson {

bool valid_utf8(std::string_view s);

void put_string(std::string& out, std::string_view s);  // s must be valid UTF-8
void put_map(std::string& out, const std::map<std::string, std::string>& m);

// Strict reader over one line. Every method either consumes what it promises and returns true, or
// returns false with why() set and the position left at the offending byte.
class Reader {
 public:
  explicit Reader(std::string_view text) : s_(text) {}
  bool literal(std::string_view lit);
  bool string(std::string& out);
  bool uint(uint64_t& out);
  bool map(std::map<std::string, std::string>& out);  // {"k":"v",...} with sorted unique keys
  bool end();                                          // nothing left
  size_t pos() const { return pos_; }
  // "<why> at byte N" (1-based), for error messages.
  std::string where() const;

 private:
  bool fail(std::string why);
  std::string_view s_;
  size_t pos_ = 0;
  std::string why_;
};

}  // namespace gk::audit::cjson
