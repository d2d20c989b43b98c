// Calendar dates as records, filters and logs write them: one rule for what a day that exists is.
#pragma once
#include <string_view>

namespace gk {

// Days of month m (1-12) of year y in the Gregorian calendar.
int days_in_month(int y, int m);

// "YYYY-MM-DD" naming a day that exists (2023-02-29 and 2023-13-01 do not; year 0001 to 9999).
bool is_calendar_date(std::string_view s);

}  // namespace gk
