#include "generator/report/compliance.h"

#include <algorithm>
#include <map>

namespace gk::report {

Result<Deadline> deadline_of(const Request& r, const Calendar& cal, std::optional<Date> horizon) {
  Deadline d;
  if (r.correction_requested && !r.corrected) return d;  // abandoned: art. 30, no answer owed
  d.applies = true;
  d.start = r.corrected ? *r.corrected : r.received;
  d.limit = 20;
  // Consultations with several third parties may run at the same time: a day is not counted
  // once, however many of them it falls in (art. 32).
  auto pauses = r.pauses;
  std::sort(pauses.begin(), pauses.end());
  std::vector<std::pair<Date, Date>> merged;
  for (auto& p : pauses) {
    if (!merged.empty() && p.first <= merged.back().second) merged.back().second = std::max(merged.back().second, p.second);
    else merged.push_back(p);
  }
  // Past the horizon only "later than it" matters: a consultation still running then, or a count
  // that runs past it, needs no calendar of the next year (a December request of a report written
  // in January, before the State Council has published that year's holidays).
  for (auto& [from, to] : merged) {
    if (horizon && to > *horizon) {
      d.due = Date{horizon->days + 1};
      return d;
    }
    auto n = cal.working_days_between(Date{from.days - 1}, to);  // [from, to]
    if (!n) return n.error();
    d.paused += *n;
  }
  auto due = cal.add_working_days(d.start, d.limit + d.paused, horizon);
  if (!due) return due.error();
  d.due = *due;
  if (horizon && d.due > *horizon) return d;
  // An extension counts when approved within the period it extends (art. 33); one approved
  // later cannot make a late reply timely.
  if (r.extension && *r.extension <= d.due) {
    d.limit = 40;
    auto extended = cal.add_working_days(d.start, d.limit + d.paused, horizon);
    if (!extended) return extended.error();
    d.due = *extended;
  } else if (r.extension) {
    d.late_extension = true;
  }
  return d;
}

Result<Compliance> compute_compliance(int year, const std::vector<std::shared_ptr<const record::Record>>& records,
                                      const std::vector<Request>& requests, const Calendar& cal) {
  Compliance c;
  c.year = year;
  if (auto s = cal.require(year); !s) return s.error();
  Date y0 = make_date(year, 1, 1), y1 = make_date(year, 12, 31);
  std::map<std::string, std::array<long, 12>> cats;
  std::map<std::string, int> issuers;
  std::vector<std::pair<Date, const record::Record*>> pub;
  for (auto& r : records) {
    auto p = parse_date(r->catalogue().published_date);
    if (!p || *p < y0 || *p > y1) continue;
    pub.emplace_back(*p, r.get());
  }
  std::stable_sort(pub.begin(), pub.end(), [](auto& a, auto& b) { return a.first < b.first; });
  for (auto& [p, r] : pub) {
    std::string cat = r->catalogue().subject.substr(0, r->catalogue().subject.find('\\'));
    cats[cat][p.month() - 1]++;
    issuers[r->catalogue().issuer]++;
    c.published.push_back(r);
    int wd = -1;
    if (r->catalogue().disclosure_mode == "主动公开") {
      auto w = parse_date(r->catalogue().written_date);
      // Written before the calendar's first year: the working days of the years it covers are a
      // lower bound, enough when they exceed 20 (a record written years ago, published now).
      bool at_least = w->year() < cal.first_year() && cal.first_year() <= p.year();
      Date from = at_least ? Date{make_date(cal.first_year(), 1, 1).days - 1} : *w;
      auto n = cal.working_days_between(from, p);
      if (!n) return make_error(n.error().message, r->path());
      if (at_least && *n <= 20)
        return make_error("written on " + w->str() + ", before the working-day calendar starts (" +
                              std::to_string(cal.first_year()) + "): cannot tell whether it was published within 20 working days",
                          r->path());
      wd = *n;
      if (wd > 20) c.late_disclosures.push_back({r, wd, at_least});
    }
    c.published_wd.push_back(wd);
  }
  if (pub.empty() && std::none_of(requests.begin(), requests.end(), [&](auto& q) { return q.received.year() == year; }))
    return make_error("no disclosure records published and no requests received in " + std::to_string(year));
  for (auto& [k, v] : cats) c.categories.push_back(k), c.by_month.push_back(v);
  // The organ: the most frequent issuer of the year's records, or of all records when none was
  // published this year (a report of requests only).
  if (issuers.empty())
    for (auto& r : records) issuers[r->catalogue().issuer]++;
  int best = 0;
  for (auto& [k, n] : issuers)
    if (n > best) best = n, c.organ = k;

  for (auto& q : requests) {
    if (q.received > y1) continue;
    bool replied_in_year = q.reply && y0 <= *q.reply && *q.reply <= y1;
    bool open = !q.reply || *q.reply > y1;
    if (!replied_in_year && !open) continue;
    auto d = deadline_of(q, cal, y1);
    if (!d) return make_error(d.error().message, q.file, q.line);
    if (!d->applies) continue;
    if (open && d->due > y1) continue;  // not yet due
    ++c.requests_due;
    Date end = replied_in_year ? *q.reply : y1;
    if (end > d->due) {
      auto used = cal.working_days_between(d->start, end);
      if (!used) return make_error(used.error().message, q.file, q.line);
      c.late_requests.push_back({&q, *d, *used - d->paused});
    }
  }
  return c;
}

void compliance_xml(const Compliance& c, pugi::xml_document& out) {
  auto root = out.append_child("work-report");
  root.append_attribute("year") = c.year;
  root.append_child("organ").text() = c.organ.c_str();
  auto s = root.append_child("summary");
  long active = std::count_if(c.published_wd.begin(), c.published_wd.end(), [](int w) { return w >= 0; });
  s.append_attribute("published") = static_cast<long>(c.published.size());
  s.append_attribute("active") = active;
  s.append_attribute("late-disclosures") = static_cast<long>(c.late_disclosures.size());
  s.append_attribute("requests-due") = c.requests_due;
  s.append_attribute("late-requests") = static_cast<long>(c.late_requests.size());
  auto months = root.append_child("months");
  for (int m = 0; m < 12; ++m) {
    long n = 0;
    for (auto& v : c.by_month) n += v[m];
    auto e = months.append_child("month");
    e.append_attribute("n") = m + 1;
    e.append_attribute("label") = (std::to_string(m + 1) + "月").c_str();
    e.append_attribute("count") = n;
  }
  auto cats = root.append_child("categories");
  for (size_t i = 0; i < c.categories.size(); ++i) {
    auto e = cats.append_child("category");
    e.append_attribute("name") = c.categories[i].c_str();
    long total = 0;
    for (int m = 0; m < 12; ++m) {
      auto x = e.append_child("m");
      x.append_attribute("n") = m + 1;
      x.append_attribute("count") = c.by_month[i][m];
      total += c.by_month[i][m];
    }
    e.append_attribute("total") = total;
  }
  auto ld = root.append_child("late-disclosures");
  for (auto& l : c.late_disclosures) {
    auto e = ld.append_child("d");
    auto& k = l.record->catalogue();
    e.append_attribute("index-no") = k.index_no.c_str();
    e.append_attribute("title") = k.title.c_str();
    e.append_attribute("written") = k.written_date.c_str();
    e.append_attribute("published") = k.published_date.c_str();
    e.append_attribute("wd") = ((l.at_least ? "≥" : "") + std::to_string(l.working_days)).c_str();
  }
  auto lr = root.append_child("late-requests");
  for (auto& l : c.late_requests) {
    auto e = lr.append_child("r");
    e.append_attribute("id") = l.request->id.c_str();
    e.append_attribute("received") = l.request->received.str().c_str();
    e.append_attribute("start") = l.deadline.start.str().c_str();
    e.append_attribute("limit") = l.deadline.limit;
    e.append_attribute("paused") = l.deadline.paused;
    e.append_attribute("due") = l.deadline.due.str().c_str();
    // Open on 31 Dec: its 用时 is counted to that day, so a reply of the next year is not shown.
    bool replied = l.request->reply && l.request->reply->year() <= c.year;
    e.append_attribute("reply") = replied ? l.request->reply->str().c_str() : "年底未答复";
    e.append_attribute("used") = l.used;
    if (l.deadline.late_extension) e.append_attribute("late-extension") = "true";
  }
  auto all = root.append_child("disclosures");
  for (size_t i = 0; i < c.published.size(); ++i) {
    auto& k = c.published[i]->catalogue();
    auto e = all.append_child("d");
    e.append_attribute("n") = static_cast<long>(i + 1);
    e.append_attribute("index-no") = k.index_no.c_str();
    e.append_attribute("title") = k.title.c_str();
    e.append_attribute("category") = k.subject.substr(0, k.subject.find('\\')).c_str();
    e.append_attribute("published") = k.published_date.c_str();
    e.append_attribute("mode") = k.disclosure_mode.c_str();
    if (c.published_wd[i] >= 0) e.append_attribute("wd") = c.published_wd[i];
  }
}

}  // namespace gk::report
