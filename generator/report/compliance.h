// The compliance work report (检查验收, 考核评议): disclosures per category and month, active
// disclosures published more than 20 working days after 成文日期 (条例 art. 26), and requests
// answered after their deadline (art. 33: 20 working days from receipt, or from the corrected
// request after a 补正; +20 with an approved extension; consultation intervals not counted).
#pragma once
#include <array>
#include <memory>
#include <string>
#include <vector>

#include <pugixml.hpp>

#include "common/status.h"
#include "generator/report/calendar.h"
#include "generator/report/requests.h"

namespace gk::report {

struct Deadline {
  bool applies = false;  // false: abandoned 补正 (no clock) or received on a day not yet answerable
  Date start;            // the clock starts the day after this
  int limit = 20;        // working days allowed (20 or 40)
  int paused = 0;        // working days inside consultation intervals
  Date due;              // last day allowed
  bool late_extension = false;  // an extension approved after the 20 days it would extend: not counted
};
// Errors: a date in a year the calendar does not cover. With a horizon (a report's 31 Dec), a due
// date after it is only known to be later: `due` is the day after the horizon, and no calendar
// of the next year is read.
Result<Deadline> deadline_of(const Request& r, const Calendar& cal, std::optional<Date> horizon = std::nullopt);

struct LateDisclosure {
  const record::Record* record;
  int working_days;       // from 成文日期 to 发布日期
  bool at_least = false;  // 成文日期 before the calendar: working_days counts from its first year
};
struct LateRequest {
  const Request* request;
  Deadline deadline;
  int used;  // working days from start to reply (or to 31 Dec, if still open), minus paused ones
};

struct Compliance {
  int year = 0;
  std::string organ;
  std::vector<std::string> categories;          // 主题分类 first level, sorted
  std::vector<std::array<long, 12>> by_month;   // [category][month-1]
  std::vector<const record::Record*> published; // in the year, by date
  std::vector<int> published_wd;                // working days 成文 -> 发布 (active disclosures), else -1
  std::vector<LateDisclosure> late_disclosures;
  long requests_due = 0;                        // replied in the year, or open with a deadline in it
  std::vector<LateRequest> late_requests;
};

Result<Compliance> compute_compliance(int year, const std::vector<std::shared_ptr<const record::Record>>& records,
                                      const std::vector<Request>& requests, const Calendar& cal);
void compliance_xml(const Compliance& c, pugi::xml_document& out);

}  // namespace gk::report
