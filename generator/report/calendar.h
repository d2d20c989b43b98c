// Dates and the working-day calendar (政府信息公开条例 art. 26, 30, 33: deadlines in 工作日).
// A working day is Mon-Fri, minus the statutory holidays, plus the make-up working weekends
// (调休) of the State Council's yearly notice, read from data/calendar.xml. A date in a year the
// file does not cover is an error, never a guess.
#pragma once
#include <optional>
#include <set>
#include <string>

#include "common/status.h"

namespace gk::report {

// A calendar date as a day number (days since 1970-01-01), so differences are plain subtraction.
struct Date {
  int days = 0;
  auto operator<=>(const Date&) const = default;
  int year() const;
  int month() const;
  int weekday() const;  // 1 = Monday ... 7 = Sunday
  std::string str() const;  // YYYY-MM-DD
};
Date make_date(int y, int m, int d);
// Strict YYYY-MM-DD with a real calendar day.
Result<Date> parse_date(std::string_view s);

class Calendar {
 public:
  // Errors name the file and line: bad date, a "holiday" on a weekend is fine, a "workday" on a
  // weekday is an error (it would mean nothing), a year listed twice.
  static Result<Calendar> load(const std::string& path);
  static std::string default_path();  // $GONGKAI_DATA/data/calendar.xml

  bool covers(int year) const { return years_.count(year) > 0; }
  int first_year() const { return years_.empty() ? 0 : *years_.begin(); }
  Status require(int year) const;  // "no working-day calendar for 2027 in FILE"
  // Errors only for an uncovered year.
  Result<bool> is_working_day(Date d) const;
  // The date `n` working days after `from` (the day of `from` itself is not counted). With a
  // horizon, a date past it is returned as the day after the horizon, without reading the years
  // beyond (which the calendar may not cover yet).
  Result<Date> add_working_days(Date from, int n, std::optional<Date> horizon = std::nullopt) const;
  // Working days in (from, to]; 0 if to <= from.
  Result<int> working_days_between(Date from, Date to) const;

 private:
  std::string path_;
  std::set<int> years_;
  std::set<int> holidays_, workdays_;  // day numbers
};

}  // namespace gk::report
