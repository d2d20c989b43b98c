#include "archive/ocfl/rules.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <ctime>

namespace gk::ocfl {

PathProblem check_path(const std::string& path) {
  if (path.empty()) return PathProblem::not_elements;
  if (path.front() == '/' || path.back() == '/') return PathProblem::slash_at_ends;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    std::string el = path.substr(start, end - start);
    if (el.empty() || el == "." || el == "..") return PathProblem::bad_element;
    start = end + 1;
  }
  return PathProblem::none;
}

std::vector<std::string> path_conflicts(std::vector<std::string> paths) {
  std::vector<std::string> out;
  std::sort(paths.begin(), paths.end());
  for (size_t i = 0; i + 1 < paths.size(); ++i) {
    if (paths[i] == paths[i + 1]) {
      out.push_back("'" + paths[i] + "' appears more than once");
      continue;
    }
    // With sorted input, any path having paths[i] + "/" as a prefix follows it closely, but
    // characters below '/' (e.g. '-', '.') can sort between; scan forward while the prefix holds.
    const std::string dir = paths[i] + "/";
    for (size_t j = i + 1; j < paths.size() && paths[j].compare(0, paths[i].size(), paths[i]) == 0; ++j) {
      if (paths[j].compare(0, dir.size(), dir) == 0) {
        out.push_back("'" + paths[i] + "' is both a file and a directory prefix of '" + paths[j] + "'");
        break;
      }
    }
  }
  return out;
}

std::optional<VersionName> parse_version_name(const std::string& name) {
  if (name.size() < 2 || name[0] != 'v') return std::nullopt;
  long long n = 0;
  for (size_t i = 1; i < name.size(); ++i) {
    if (!std::isdigit(static_cast<unsigned char>(name[i]))) return std::nullopt;
    n = n * 10 + (name[i] - '0');
    if (n > 1000000000) return std::nullopt;
  }
  if (n <= 0) return std::nullopt;
  VersionName v;
  v.number = static_cast<int>(n);
  v.width = name[1] == '0' ? static_cast<int>(name.size() - 1) : 0;
  return v;
}

std::string version_name(int number) { return "v" + std::to_string(number); }

static bool digits(const std::string& s, size_t pos, size_t n, int& value) {
  if (pos + n > s.size()) return false;
  value = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
    value = value * 10 + (s[i] - '0');
  }
  return true;
}

bool is_rfc3339(const std::string& s) {
  int y, mo, d, h, mi, se;
  if (!digits(s, 0, 4, y) || s.size() < 20 || s[4] != '-' || !digits(s, 5, 2, mo) || s[7] != '-' ||
      !digits(s, 8, 2, d) || (s[10] != 'T' && s[10] != 't') || !digits(s, 11, 2, h) || s[13] != ':' ||
      !digits(s, 14, 2, mi) || s[16] != ':' || !digits(s, 17, 2, se))
    return false;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60) return false;
  size_t p = 19;
  if (p < s.size() && s[p] == '.') {
    ++p;
    size_t start = p;
    while (p < s.size() && std::isdigit(static_cast<unsigned char>(s[p]))) ++p;
    if (p == start) return false;
  }
  if (p == s.size()) return false;  // no offset
  if ((s[p] == 'Z' || s[p] == 'z') && p + 1 == s.size()) return true;
  int oh, om;
  if ((s[p] != '+' && s[p] != '-') || p + 6 != s.size() || !digits(s, p + 1, 2, oh) || s[p + 3] != ':' ||
      !digits(s, p + 4, 2, om))
    return false;
  return oh <= 23 && om <= 59;
}

bool is_uri(const std::string& s) {
  size_t colon = s.find(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 >= s.size()) return false;
  if (!std::isalpha(static_cast<unsigned char>(s[0]))) return false;
  for (size_t i = 1; i < colon; ++i) {
    char c = s[i];
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.') return false;
  }
  for (unsigned char c : s)
    if (c <= 0x20 || c == 0x7f) return false;
  return true;
}

int64_t rfc3339_epoch(const std::string& rfc3339) {
  int y, mo, d, h, mi, s;
  if (std::sscanf(rfc3339.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d", &y, &mo, &d, &h, &mi, &s) != 6) return 0;
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = s;
  int64_t t = static_cast<int64_t>(timegm(&tm));
  size_t z = rfc3339.find_first_of("Z+-", 19);
  if (z != std::string::npos && rfc3339[z] != 'Z' && z + 5 < rfc3339.size() + 1) {
    int oh = 0, om = 0;
    std::sscanf(rfc3339.c_str() + z + 1, "%2d:%2d", &oh, &om);
    int64_t off = oh * 3600 + om * 60;
    t += rfc3339[z] == '+' ? -off : off;
  }
  return t;
}

}  // namespace gk::ocfl
