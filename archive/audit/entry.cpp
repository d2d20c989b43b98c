#include "archive/audit/entry.h"

#include <ctime>

#include "archive/audit/cjson.h"
#include "common/dates.h"

namespace gk::audit {
namespace {

bool is_token(std::string_view s, bool allow_leading_digit) {
  if (s.empty()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9' && (i > 0 || allow_leading_digit)) || (c == '-' && i > 0);
    if (!ok) return false;
  }
  return true;
}

bool is_lower_hex(std::string_view s) {
  if (s.empty() || s.size() % 2) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

int digits(std::string_view t, size_t at, size_t n) {
  int v = 0;
  for (size_t i = at; i < at + n; ++i) {
    if (t[i] < '0' || t[i] > '9') return -1;
    v = v * 10 + (t[i] - '0');
  }
  return v;
}

Error field_error(const std::string& field, const std::string& what) { return make_error("entry field '" + field + "' " + what); }

}  // namespace

bool is_rfc3339_utc(std::string_view t) {
  if (t.size() != 20 || t[4] != '-' || t[7] != '-' || t[10] != 'T' || t[13] != ':' || t[16] != ':' || t[19] != 'Z')
    return false;
  int y = digits(t, 0, 4), mo = digits(t, 5, 2), d = digits(t, 8, 2);
  int h = digits(t, 11, 2), mi = digits(t, 14, 2), s = digits(t, 17, 2);
  if (y < 0 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 60) return false;
  return d <= days_in_month(y, mo);
}

std::string now_rfc3339_utc() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

Status validate_entry(const Entry& e) {
  if (!is_rfc3339_utc(e.time)) return field_error("time", "must be RFC 3339 UTC like 2025-01-31T08:00:00Z, got '" + e.time + "'");
  if (e.actor.empty()) return field_error("actor", "is empty");
  if (!is_token(e.action, false)) return field_error("action", "must be a lowercase token like version-add, got '" + e.action + "'");
  if (!e.version.empty() &&
      (e.version.size() < 2 || e.version[0] != 'v' || e.version.find_first_not_of("0123456789", 1) != std::string::npos))
    return field_error("version", "must be empty or an OCFL version like v1, got '" + e.version + "'");
  for (auto& [name, value] : e.digests) {
    if (!is_token(name, true)) return field_error("digests", "has a bad algorithm name '" + name + "'");
    if (!is_lower_hex(value)) return field_error("digests", "value for '" + name + "' is not lowercase hex");
  }
  for (auto& [k, v] : e.detail)
    if (k.empty()) return field_error("detail", "has an empty key");
  for (const std::string* s : {&e.actor, &e.object})
    if (!cjson::valid_utf8(*s)) return field_error(s == &e.actor ? "actor" : "object", "is not valid UTF-8");
  for (auto& [k, v] : e.detail)
    if (!cjson::valid_utf8(k) || !cjson::valid_utf8(v)) return field_error("detail", "is not valid UTF-8");
  if (canonical_json(e).size() > kMaxEntryBytes)
    return make_error("entry is longer than " + std::to_string(kMaxEntryBytes) + " bytes in canonical form");
  return {};
}

std::string canonical_json(const Entry& e) {
  std::string out;
  out.reserve(256);
  out += "{\"seq\":" + std::to_string(e.seq) + ",\"time\":";
  cjson::put_string(out, e.time);
  out += ",\"actor\":";
  cjson::put_string(out, e.actor);
  out += ",\"action\":";
  cjson::put_string(out, e.action);
  out += ",\"object\":";
  cjson::put_string(out, e.object);
  out += ",\"version\":";
  cjson::put_string(out, e.version);
  out += ",\"digests\":";
  cjson::put_map(out, e.digests);
  out += ",\"detail\":";
  cjson::put_map(out, e.detail);
  out += "}";
  return out;
}

Result<Entry> parse_entry(std::string_view line) {
  Entry e;
  cjson::Reader r(line);
  bool ok = r.literal("{\"seq\":") && r.uint(e.seq) && r.literal(",\"time\":") && r.string(e.time) &&
            r.literal(",\"actor\":") && r.string(e.actor) && r.literal(",\"action\":") && r.string(e.action) &&
            r.literal(",\"object\":") && r.string(e.object) && r.literal(",\"version\":") && r.string(e.version) &&
            r.literal(",\"digests\":") && r.map(e.digests) && r.literal(",\"detail\":") && r.map(e.detail) &&
            r.literal("}") && r.end();
  if (!ok) return make_error("not a canonical audit entry: " + r.where());
  if (Status s = validate_entry(e); !s) return make_error("invalid audit entry: " + s.error().message);
  // The reader only admits canonical bytes; re-serialising guards that promise against drift.
  if (canonical_json(e) != line) return make_error("not a canonical audit entry: re-serialised form differs");
  return e;
}

}  // namespace gk::audit
