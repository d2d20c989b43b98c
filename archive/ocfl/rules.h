// Syntactic rules of OCFL 1.1 shared by the validator and the store: logical and content paths,
// version directory names, RFC 3339 timestamps, URIs.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace gk::ocfl {

enum class PathProblem {
  none,
  not_elements,   // empty path (E098 / E051)
  bad_element,    // ".", ".." or empty element "//" (E099 / E052)
  slash_at_ends,  // begins or ends with "/" (E100 / E053)
};
PathProblem check_path(const std::string& path);

// Pairs of paths in `paths` that are equal or where one is a directory prefix of the other
// (E095 for logical paths in a version, E101 for content paths in an inventory).
std::vector<std::string> path_conflicts(std::vector<std::string> paths);

// "v" followed by a positive base-ten number. `width` is the digit count when zero-padded
// (first digit 0), otherwise 0.
struct VersionName {
  int number = 0;
  int width = 0;
};
std::optional<VersionName> parse_version_name(const std::string& name);
std::string version_name(int number);  // unpadded, as we write them

bool is_rfc3339(const std::string& s);  // with offset or Z, to seconds, optional fraction
// Seconds since 1970 (UTC) of an RFC 3339 time with offset or Z; 0 when it does not parse.
int64_t rfc3339_epoch(const std::string& rfc3339);
bool is_uri(const std::string& s);      // scheme ":" something, no spaces

}  // namespace gk::ocfl
