#include "generator/report/calendar.h"

#include <cstdio>
#include <cstdlib>
#include <map>

#include <pugixml.hpp>

#include "common/files.h"

namespace gk::report {
namespace {

// Howard Hinnant's days-from-civil algorithm (proleptic Gregorian).
int days_from_civil(int y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int>(doe) - 719468;
}
void civil_from_days(int z, int& y, unsigned& m, unsigned& d) {
  z += 719468;
  const int era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<int>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
}

int line_of(const std::string& text, ptrdiff_t off) {
  int line = 1;
  for (ptrdiff_t i = 0; i < off && i < static_cast<ptrdiff_t>(text.size()); ++i) line += text[i] == '\n';
  return line;
}

}  // namespace

int Date::year() const {
  int y; unsigned m, d;
  civil_from_days(days, y, m, d);
  return y;
}
int Date::month() const {
  int y; unsigned m, d;
  civil_from_days(days, y, m, d);
  return static_cast<int>(m);
}
int Date::weekday() const {
  int w = (days + 3) % 7;  // 1970-01-01 was a Thursday
  if (w < 0) w += 7;
  return w + 1;
}
std::string Date::str() const {
  int y; unsigned m, d;
  civil_from_days(days, y, m, d);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", y, m, d);
  return buf;
}
Date make_date(int y, int m, int d) { return Date{days_from_civil(y, static_cast<unsigned>(m), static_cast<unsigned>(d))}; }

Result<Date> parse_date(std::string_view s) {
  auto bad = [&] { return make_error("not a date (YYYY-MM-DD): '" + std::string(s) + "'"); };
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return bad();
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (s[i] < '0' || s[i] > '9') return bad();
  int y = std::atoi(std::string(s.substr(0, 4)).c_str()), m = std::atoi(std::string(s.substr(5, 2)).c_str()),
      d = std::atoi(std::string(s.substr(8, 2)).c_str());
  if (m < 1 || m > 12 || d < 1) return bad();
  Date r = make_date(y, m, d);
  if (r.str() != s) return bad();  // 2023-02-30 normalises to March
  return r;
}

std::string Calendar::default_path() {
  const char* env = std::getenv("GONGKAI_DATA");
  return std::string(env && *env ? env : GK_DATA_DIR) + "/data/calendar.xml";
}

Result<Calendar> Calendar::load(const std::string& path) {
  auto text = read_file(path);
  if (!text) return text.error();
  pugi::xml_document doc;
  auto r = doc.load_buffer(text->data(), text->size());
  if (!r) return make_error(std::string("malformed XML: ") + r.description(), path, line_of(*text, r.offset));
  Calendar c;
  c.path_ = path;
  auto root = doc.child("calendar");
  if (!root) return make_error("root element must be <calendar>", path, 1);
  std::map<int, int> workday_lines, holiday_lines;  // day -> line, to find a day listed as both
  for (auto y : root.children("year")) {
    int year = y.attribute("value").as_int();
    int line = line_of(*text, y.offset_debug());
    if (year < 1900 || year > 2200) return make_error("<year value=> must be a year", path, line);
    if (!c.years_.insert(year).second) return make_error("year " + std::to_string(year) + " is listed twice", path, line);
    for (auto e : y.children()) {
      if (e.type() != pugi::node_element) continue;
      int el = line_of(*text, e.offset_debug());
      std::string name = e.name();
      if (name == "holiday") {
        auto from = parse_date(e.attribute("from").value());
        auto to = parse_date(e.attribute("to").value());
        if (!from) return make_error(from.error().message, path, el);
        if (!to) return make_error(to.error().message, path, el);
        if (*to < *from || from->year() != year) return make_error("holiday range out of order or outside its year", path, el);
        for (int d = from->days; d <= to->days; ++d) c.holidays_.insert(d), holiday_lines.emplace(d, el);
      } else if (name == "workday") {
        auto d = parse_date(e.attribute("date").value());
        if (!d) return make_error(d.error().message, path, el);
        if (d->weekday() < 6) return make_error("make-up working day " + d->str() + " is not a weekend day", path, el);
        if (d->year() != year) return make_error("make-up working day outside its year", path, el);
        c.workdays_.insert(d->days);
        workday_lines.emplace(d->days, el);
      } else {
        return make_error("unknown element <" + name + "> (use holiday or workday)", path, el);
      }
    }
  }
  for (auto& [day, line] : workday_lines)
    if (auto h = holiday_lines.find(day); h != holiday_lines.end())
      return make_error("make-up working day " + Date{day}.str() + " is inside the holiday on line " + std::to_string(h->second),
                        path, line);
  return c;
}

Status Calendar::require(int year) const {
  if (covers(year)) return {};
  return make_error("no working-day calendar for " + std::to_string(year) +
                    " (statutory holidays and make-up days are published yearly; add the year)", path_);
}

Result<bool> Calendar::is_working_day(Date d) const {
  if (auto s = require(d.year()); !s) return s.error();
  if (workdays_.count(d.days)) return true;
  if (holidays_.count(d.days)) return false;
  return d.weekday() <= 5;
}

Result<Date> Calendar::add_working_days(Date from, int n, std::optional<Date> horizon) const {
  Date d = from;
  while (n > 0) {
    ++d.days;
    if (horizon && d > *horizon) return d;  // the day after the horizon
    auto w = is_working_day(d);
    if (!w) return w.error();
    if (*w) --n;
  }
  return d;
}

Result<int> Calendar::working_days_between(Date from, Date to) const {
  int n = 0;
  for (Date d{from.days + 1}; d <= to; ++d.days) {
    auto w = is_working_day(d);
    if (!w) return w.error();
    n += *w;
  }
  return n;
}

}  // namespace gk::report
