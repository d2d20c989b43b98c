// What a rendered notice must say, computed from the record XML alone (pugixml) and the
// GB/T 9704-2012 conventions: heading numbers 一、（一）1.（1）, dates as 2022年3月12日,
// 附注 in （）, 抄送 organs joined with ，and closed with 。, "…印发".
#pragma once
#include <string>
#include <vector>

#include "pdf_read.h"

namespace gkt {

struct ExpectedOutline {
  std::string title;
  std::vector<ExpectedOutline> kids;  // 一、 headings under a title
};

struct Expected {
  std::string title, issuer, issuer_mark;
  std::string signature, date_line;  // 署名 and 成文日期 (2022年3月12日)
  std::u32string text;  // the whole document in reading order, whitespace removed
  // A table's header may repeat at the top of a continuation page: while matching positions
  // [body_begin, end) of `text`, a page may start with `header` once more.
  struct RepeatableHeader {
    size_t body_begin = 0, end = 0;
    std::u32string header;
  };
  std::vector<RepeatableHeader> headers;
  std::vector<ExpectedOutline> outline;  // title, then each attachment that has a body
  std::vector<std::u32string> headings;  // every heading line with its number, in order
};

// Throws std::runtime_error when the record cannot be read.
Expected expected_for(const std::string& record_path);

std::string chinese_number(int n);                    // 1..99 -> 一 … 九十九
std::string cn_date(const std::string& iso);          // 2022-03-12 -> 2022年3月12日

}  // namespace gkt
