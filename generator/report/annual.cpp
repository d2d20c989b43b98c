#include "generator/report/annual.h"

#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

namespace gk::report {

const std::array<const char*, kCategories + 1> kColumns = {"自然人", "商业企业", "科研机构", "社会公益组织",
                                                           "法律服务机构", "其他", "总计"};
namespace {

struct RowDef {
  const char *key, *label, *group, *result, *reason;
};
// Table B in the order of the format; result/reason select the requests of a 三 row.
const RowDef kRows[] = {
    {"new", "一、本年新收政府信息公开申请数量", "", nullptr, nullptr},
    {"carried", "二、上年结转政府信息公开申请数量", "", nullptr, nullptr},
    {"r1", "（一）予以公开", "", "予以公开", ""},
    {"r2", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "", "部分公开", ""},
    {"r3_1", "1.属于国家秘密", "（三）不予公开", "不予公开", "属于国家秘密"},
    {"r3_2", "2.其他法律行政法规禁止公开", "（三）不予公开", "不予公开", "其他法律行政法规禁止公开"},
    {"r3_3", "3.危及“三安全一稳定”", "（三）不予公开", "不予公开", "危及“三安全一稳定”"},
    {"r3_4", "4.保护第三方合法权益", "（三）不予公开", "不予公开", "保护第三方合法权益"},
    {"r3_5", "5.属于三类内部事务信息", "（三）不予公开", "不予公开", "属于三类内部事务信息"},
    {"r3_6", "6.属于四类过程性信息", "（三）不予公开", "不予公开", "属于四类过程性信息"},
    {"r3_7", "7.属于行政执法案卷", "（三）不予公开", "不予公开", "属于行政执法案卷"},
    {"r3_8", "8.属于行政查询事项", "（三）不予公开", "不予公开", "属于行政查询事项"},
    {"r4_1", "1.本机关不掌握相关政府信息", "（四）无法提供", "无法提供", "本机关不掌握相关政府信息"},
    {"r4_2", "2.没有现成信息需要另行制作", "（四）无法提供", "无法提供", "没有现成信息需要另行制作"},
    {"r4_3", "3.补正后申请内容仍不明确", "（四）无法提供", "无法提供", "补正后申请内容仍不明确"},
    {"r5_1", "1.信访举报投诉类申请", "（五）不予处理", "不予处理", "信访举报投诉类申请"},
    {"r5_2", "2.重复申请", "（五）不予处理", "不予处理", "重复申请"},
    {"r5_3", "3.要求提供公开出版物", "（五）不予处理", "不予处理", "要求提供公开出版物"},
    {"r5_4", "4.无正当理由大量反复申请", "（五）不予处理", "不予处理", "无正当理由大量反复申请"},
    {"r5_5", "5.要求行政机关确认或重新出具已获取信息", "（五）不予处理", "不予处理", "要求行政机关确认或重新出具已获取信息"},
    {"r6_1", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "（六）其他处理", "其他处理",
     "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"},
    {"r6_2", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "（六）其他处理", "其他处理",
     "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"},
    {"r6_3", "3.其他", "（六）其他处理", "其他处理", "其他"},
    {"total", "（七）总计", "", nullptr, nullptr},
    {"next", "四、结转下年度继续办理", "", nullptr, nullptr},
};

int column_of(const std::string& category) {
  for (int i = 0; i < kCategories; ++i)
    if (category == kColumns[i]) return i;
  return kCategories - 1;  // unreachable: the schema enumerates the categories
}

bool has_keyword(const record::Record& r, const char* k) {
  auto& ks = r.catalogue().keywords;
  return std::find(ks.begin(), ks.end(), k) != ks.end();
}

std::string names(const std::vector<const Request*>& rs, size_t max = 5) {
  std::string s;
  for (size_t i = 0; i < rs.size() && i < max; ++i) s += (i ? "; " : "") + rs[i]->where();
  if (rs.size() > max) s += "; and " + std::to_string(rs.size() - max) + " more";
  return s;
}


// The records in one side of an identity but not the other: those are the ones to look at.
std::vector<const Request*> differ(std::vector<const Request*> a, std::vector<const Request*> b) {
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  std::vector<const Request*> out;
  std::set_symmetric_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  std::sort(out.begin(), out.end(), [](auto* x, auto* y) { return x->file < y->file; });
  return out;
}

Status check(const Annual& a) {
  auto R = [&](const char* k) -> const RowB& { return a.row(k); };
  for (int c = 0; c <= kCategories; ++c) {
    auto& n = R("new"); auto& p = R("carried"); auto& t = R("total"); auto& x = R("next");
    if (n.v[c] + p.v[c] != t.v[c] + x.v[c]) {
      auto in = n.who[c]; in.insert(in.end(), p.who[c].begin(), p.who[c].end());
      auto out = t.who[c]; out.insert(out.end(), x.who[c].begin(), x.who[c].end());
      return make_error("identity B1 fails in column " + std::string(kColumns[c]) + ": 一 (" + std::to_string(n.v[c]) +
                        ") + 二 (" + std::to_string(p.v[c]) + ") != 三(七) (" + std::to_string(t.v[c]) + ") + 四 (" +
                        std::to_string(x.v[c]) + "); records involved: " + names(differ(in, out)));
    }
    long sum = 0;
    std::vector<const Request*> parts;
    for (auto& r : a.b)
      if (r.key[0] == 'r') sum += r.v[c], parts.insert(parts.end(), r.who[c].begin(), r.who[c].end());
    if (sum != t.v[c])
      return make_error("identity B2 fails in column " + std::string(kColumns[c]) + ": 三(七) is " + std::to_string(t.v[c]) +
                        " but the result rows add up to " + std::to_string(sum) + "; records involved: " +
                        names(differ(parts, t.who[c])));
  }
  for (auto& r : a.b) {
    long sum = 0;
    std::vector<const Request*> parts;
    for (int c = 0; c < kCategories; ++c) sum += r.v[c], parts.insert(parts.end(), r.who[c].begin(), r.who[c].end());
    if (sum != r.v[kCategories])
      return make_error("identity B3 fails in row " + r.label + ": 总计 is " + std::to_string(r.v[kCategories]) +
                        " but the six categories add up to " + std::to_string(sum) + "; records involved: " +
                        names(differ(parts, r.who[kCategories])));
  }
  for (auto& g : a.c)
    if (g.maintained + g.corrected + g.other + g.pending != g.total)
      return make_error("identity C1 fails for " + g.label + ": 总计 " + std::to_string(g.total) + " != 维持+纠正+其他+尚未审结");
  return {};
}

}  // namespace

const RowB& Annual::row(const std::string& key) const {
  for (auto& r : b)
    if (r.key == key) return r;
  return b.front();
}

Result<Annual> compute_annual(int year, const std::vector<std::shared_ptr<const record::Record>>& records,
                              const std::vector<Request>& requests, const Extra& extra,
                              const std::optional<Previous>& previous) {
  Annual a;
  a.year = year;
  a.extra = &extra;
  if (extra.year != year)
    return make_error("report-extra is for " + std::to_string(extra.year) + ", not " + std::to_string(year), extra.file);
  if (previous && previous->year != year - 1)
    return make_error("this dump reports on " + std::to_string(previous->year) + "; the report of " +
                          std::to_string(year) + " carries over from " + std::to_string(year - 1) + " (--previous)",
                      previous->file);
  Date y0 = make_date(year, 1, 1), y1 = make_date(year, 12, 31);
  auto in_year = [&](Date d) { return y0 <= d && d <= y1; };

  // Table A, 第二十条第（一）项.
  std::map<std::string, const record::Record*> by_index;
  size_t records_in_year = 0;
  for (auto& r : records) {
    auto [at, fresh] = by_index.emplace(r->catalogue().index_no, r.get());
    if (!fresh)
      return make_error("索引号 " + r->catalogue().index_no + " is also the 索引号 of " + at->second->path() +
                            ": one disclosure would be counted twice (remove the duplicate record)",
                        r->path());
    auto w = parse_date(r->catalogue().written_date);
    auto p = parse_date(r->catalogue().published_date);
    if (!w || !p) continue;  // the record loader already checked the dates
    if (in_year(*p)) ++records_in_year;
    DocKind* k = has_keyword(*r, "规章") ? &a.rules : has_keyword(*r, "行政规范性文件") ? &a.normative : nullptr;
    if (!k) continue;
    if (in_year(*w)) ++k->issued;
    std::optional<Date> repealed;
    for (auto& rp : extra.repeals)
      if (rp.index_no == r->catalogue().index_no) repealed = rp.date;
    if (r->catalogue().validity != "有效" && !repealed)
      return make_error("the record is marked " + r->catalogue().validity +
                        " but report-extra gives no repeal date for " + r->catalogue().index_no, r->path());
    if (*w <= y1 && (!repealed || *repealed > y1)) ++k->in_force;
  }
  std::map<std::string, int> repeal_lines;
  for (auto& rp : extra.repeals) {
    auto it = by_index.find(rp.index_no);
    if (it == by_index.end()) return make_error("repeal of " + rp.index_no + ": no such disclosure record", extra.file, rp.line);
    if (auto [at, fresh] = repeal_lines.emplace(rp.index_no, rp.line); !fresh)
      return make_error("repeal of " + rp.index_no + " is also given on line " + std::to_string(at->second) +
                            ": one document would be counted as repealed twice",
                        extra.file, rp.line);
    const record::Record& r = *it->second;
    if (auto w = parse_date(r.catalogue().written_date); w && rp.date < *w)
      return make_error("repeal of " + rp.index_no + " on " + rp.date.str() + " is before the document was written (" +
                            w->str() + ")",
                        extra.file, rp.line);
    DocKind* k = has_keyword(r, "规章") ? &a.rules : has_keyword(r, "行政规范性文件") ? &a.normative : nullptr;
    if (!k) return make_error("repeal of " + rp.index_no + ": the record is neither 规章 nor 行政规范性文件", extra.file, rp.line);
    // A repeal after the year may be announced ahead (自…起废止): the record is still 有效 then.
    if (r.catalogue().validity == "有效" && rp.date <= y1)
      return make_error("repeal of " + rp.index_no + " on " + rp.date.str() + ", but its record " + r.path() +
                            " is still marked 有效 (mark it 废止 or 失效)",
                        extra.file, rp.line);
    if (in_year(rp.date)) ++k->repealed;
  }

  // Table B.
  for (auto& d : kRows) a.b.push_back(RowB{d.key, d.label, d.group, {}, {}});
  auto add = [&](const std::string& key, const Request& q) {
    for (auto& r : a.b)
      if (r.key == key) {
        int c = column_of(q.category);
        for (int col : {c, kCategories}) ++r.v[col], r.who[col].push_back(&q);
      }
  };
  size_t requests_in_year = 0;
  for (auto& q : requests) {
    if (in_year(q.received)) add("new", q), ++requests_in_year;
    if (std::binary_search(q.carried_from.begin(), q.carried_from.end(), year - 1)) add("carried", q);
    if (q.reply && in_year(*q.reply)) {
      add("total", q);
      for (auto& d : kRows)
        if (d.result && q.result == d.result && q.reason == d.reason) add(d.key, q);
    }
    if (q.received <= y1 && (!q.reply || *q.reply > y1)) add("next", q);
  }
  if (records_in_year == 0 && requests_in_year == 0)
    return make_error("no disclosure records published and no requests received in " + std::to_string(year));

  // Table C: cases filed in the year.
  a.c = {CaseRow{"行政复议"}, CaseRow{"未经复议直接起诉"}, CaseRow{"复议后起诉"}};
  auto count_case = [&](CaseRow& g, const Case& cs) {
    if (!in_year(cs.filed)) return;
    ++g.total;
    if (cs.outcome == "结果维持") ++g.maintained;
    else if (cs.outcome == "结果纠正") ++g.corrected;
    else if (cs.outcome == "其他结果") ++g.other;
    else ++g.pending;
  };
  for (auto& q : requests) {
    if (q.review) count_case(a.c[0], *q.review);
    if (q.litigation) count_case(a.c[q.litigation->kind == "复议后起诉" ? 2 : 1], *q.litigation);
  }

  if (auto s = check(a); !s) return s.error();
  if (previous) {
    auto& p = a.row("carried");
    for (int c = 0; c <= kCategories; ++c)
      if (previous->next[c] != p.v[c])
        return make_error("identity P1 fails in column " + std::string(kColumns[c]) + ": 二 of " + std::to_string(year) +
                          " (" + std::to_string(p.v[c]) + ") != 四 of " + std::to_string(year - 1) + " (" +
                          std::to_string(previous->next[c]) + "); requests marked carried over: " + names(p.who[c]));
    for (auto [label, prev, k] : {std::tuple{"规章", previous->rules_in_force, &a.rules},
                                  {"行政规范性文件", previous->normative_in_force, &a.normative}})
      if (prev >= 0 && prev + k->issued - k->repealed != k->in_force)
        a.warnings.push_back("现行有效 of " + std::string(label) + ": " + std::to_string(year - 1) + " (" + std::to_string(prev) +
                             ") + 制发 (" + std::to_string(k->issued) + ") - 废止 (" + std::to_string(k->repealed) +
                             ") != " + std::to_string(year) + " (" + std::to_string(k->in_force) + ")");
  }
  return a;
}

void figures_xml(const Annual& a, pugi::xml_document& out) {
  auto root = out.append_child("annual-report");
  root.append_attribute("year") = a.year;
  auto ex = a.extra->doc->child("report-extra");
  for (const char* n : {"organ", "published-date"}) root.append_copy(ex.child(n));
  // Numbers from the parsed Extra, as to_json writes them: the PDF and the dump cannot differ.
  root.append_child("processing-fees").text() = a.extra->processing_fees.c_str();
  auto ta = root.append_child("table-a");
  for (auto [name, k] : {std::pair{"rules", &a.rules}, {"normative", &a.normative}}) {
    auto e = ta.append_child(name);
    e.append_attribute("issued") = k->issued;
    e.append_attribute("repealed") = k->repealed;
    e.append_attribute("in-force") = k->in_force;
  }
  for (auto [n, v] : {std::pair{"licensing", a.extra->licensing}, {"penalty", a.extra->penalty}, {"coercion", a.extra->coercion}})
    ta.append_child(n).text() = static_cast<long long>(v);
  ta.append_child("fees-collected").text() = a.extra->fees_collected.c_str();
  auto tb = root.append_child("table-b");
  for (auto c : kColumns) tb.append_child("column").text() = c;
  std::string last_group;
  for (size_t i = 0; i < a.b.size(); ++i) {
    auto& r = a.b[i];
    auto e = tb.append_child("row");
    e.append_attribute("key") = r.key.c_str();
    e.append_attribute("label") = r.label.c_str();
    // Label columns: 3 for 一/二/四, 2 for (一)(二)(七), 1 for sub-rows under a group cell.
    int span = (r.key == "new" || r.key == "carried" || r.key == "next") ? 3 : r.group.empty() ? 2 : 1;
    e.append_attribute("span") = span;
    if (r.key == "r1") e.append_attribute("section-size") = 22;  // rows under 三、本年度办理结果
    if (!r.group.empty() && r.group != last_group) {
      e.append_attribute("group") = r.group.c_str();
      long n = std::count_if(a.b.begin(), a.b.end(), [&](const RowB& x) { return x.group == r.group; });
      e.append_attribute("group-size") = n;
    }
    last_group = r.group;
    for (long v : r.v) e.append_child("v").text() = v;
  }
  // Result groups of 三 (one computed element per group, for charts): natural persons, others, all.
  auto rg = root.append_child("result-groups");
  for (const char* g : {"予以公开", "部分公开", "不予公开", "无法提供", "不予处理", "其他处理"}) {
    long nat = 0, all = 0;
    for (auto& d : kRows)
      if (d.result && std::string(d.result) == g)
        nat += a.row(d.key).v[0], all += a.row(d.key).v[kCategories];
    auto e = rg.append_child("group");
    e.append_attribute("name") = g;
    e.append_attribute("natural") = nat;
    e.append_attribute("organisations") = all - nat;
    e.append_attribute("total") = all;
  }
  auto tc = root.append_child("table-c");
  for (auto& g : a.c) {
    auto e = tc.append_child("group");
    e.append_attribute("label") = g.label.c_str();
    for (long v : {g.maintained, g.corrected, g.other, g.pending, g.total}) e.append_child("v").text() = v;
  }
  for (const char* n : {"overview", "problems", "other"}) root.append_copy(ex.child(n));
}

std::string to_json(const Annual& a) {
  auto q = [](const std::string& s) { return "\"" + s + "\""; };  // labels hold no quotes or backslashes
  std::string j = "{\n  \"year\": " + std::to_string(a.year) + ",\n  \"table_a\": {\n";
  auto kind = [&](const char* n, const DocKind& k) {
    return std::string("    ") + q(n) + ": {\"issued\": " + std::to_string(k.issued) + ", \"repealed\": " +
           std::to_string(k.repealed) + ", \"in_force\": " + std::to_string(k.in_force) + "},\n";
  };
  j += kind("rules", a.rules) + kind("normative", a.normative);
  j += "    \"licensing\": " + std::to_string(a.extra->licensing) + ", \"penalty\": " + std::to_string(a.extra->penalty) +
       ", \"coercion\": " + std::to_string(a.extra->coercion) + ", \"fees_collected\": " + a.extra->fees_collected + "\n  },\n";
  j += "  \"table_b\": {\n    \"columns\": [";
  for (size_t i = 0; i < kColumns.size(); ++i) j += (i ? ", " : "") + q(kColumns[i]);
  j += "],\n    \"rows\": [\n";
  for (size_t i = 0; i < a.b.size(); ++i) {
    auto& r = a.b[i];
    j += "      {\"key\": " + q(r.key) + ", \"label\": " + q(r.group.empty() ? r.label : r.group + r.label) + ", \"values\": [";
    for (size_t c = 0; c < r.v.size(); ++c) j += (c ? ", " : "") + std::to_string(r.v[c]);
    j += std::string("]}") + (i + 1 < a.b.size() ? "," : "") + "\n";
  }
  j += "    ]\n  },\n  \"table_c\": [\n";
  for (size_t i = 0; i < a.c.size(); ++i) {
    auto& g = a.c[i];
    j += "    {\"label\": " + q(g.label) + ", \"values\": [" + std::to_string(g.maintained) + ", " +
         std::to_string(g.corrected) + ", " + std::to_string(g.other) + ", " + std::to_string(g.pending) + ", " +
         std::to_string(g.total) + "]}" + (i + 1 < a.c.size() ? "," : "") + "\n";
  }
  j += "  ],\n  \"processing_fees\": " + a.extra->processing_fees + "\n}\n";
  return j;
}

Result<Previous> read_previous(const std::string& json, const std::string& name) {
  // Parsed as JSON (a truncated or edited dump is named as such, not as a missing row).
  Poco::JSON::Object::Ptr root;
  try {
    root = Poco::JSON::Parser().parse(json).extract<Poco::JSON::Object::Ptr>();
  } catch (const Poco::Exception& e) {
    return make_error("not a report dump: not valid JSON (" + e.displayText() + ")", name);
  } catch (const std::exception& e) {
    return make_error(std::string("not a report dump: not valid JSON (") + e.what() + ")", name);
  }
  if (!root) return make_error("not a report dump: not a JSON object", name);
  auto whole = [](const Poco::Dynamic::Var& v, long& out) {
    if (!v.isInteger()) return false;
    out = v.convert<long>();
    return true;
  };
  Previous prev;
  prev.file = name;
  long year = 0;
  if (!root->has("year") || !whole(root->get("year"), year)) return make_error("not a report dump (no \"year\")", name);
  prev.year = static_cast<int>(year);
  if (auto ta = root->getObject("table_a"))
    for (auto [key, out] : {std::pair{"rules", &prev.rules_in_force}, {"normative", &prev.normative_in_force}})
      if (auto k = ta->getObject(key); k && k->has("in_force")) whole(k->get("in_force"), *out);
  auto tb = root->getObject("table_b");
  auto rows = tb ? tb->getArray("rows") : nullptr;
  Poco::JSON::Array::Ptr next;
  for (size_t i = 0; rows && i < rows->size(); ++i)
    if (auto r = rows->getObject(static_cast<unsigned>(i)); r && r->optValue<std::string>("key", "") == "next")
      next = r->getArray("values");
  if (!next) return make_error("not a report dump (no row \"next\" in table_b)", name);
  if (next->size() != static_cast<size_t>(kCategories) + 1)
    return make_error("row \"next\" has " + std::to_string(next->size()) + " values, not " + std::to_string(kCategories + 1), name);
  for (int c = 0; c <= kCategories; ++c) {
    long v = 0;
    if (!whole(next->get(static_cast<unsigned>(c)), v) || v < 0)
      return make_error("row \"next\" has a value that is not a whole number of 0 or more", name);
    prev.next[c] = v;
  }
  return prev;
}

}  // namespace gk::report
