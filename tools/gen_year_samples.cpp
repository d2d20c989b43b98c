// Deterministic sample office year for the reports (fixed seed, no clock): disclosure records of
// 2023 and 2024, request records received in 2023-2024 (carried over across both changes of year,
// every Table B result row and sub-reason, late and extended cases, consultations, 补正), the
// report-extra files for 2023 and 2024. Usage: gen_year_samples OUT_DIR (e.g. samples/year).
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "common/files.h"
#include "generator/report/calendar.h"

namespace fs = std::filesystem;
using namespace gk;
using report::Date;

namespace {

std::mt19937 rng(20240101);  // mt19937's sequence is fixed by the standard; distributions are not, so none are used
int pick(int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); }

const report::Calendar* cal;
Date wd_after(Date d, int n) { return *cal->add_working_days(d, n); }

const char* kOrgan = "青川市人民政府办公室";
const char* kCode = "11510800MB0A12345Q";
const std::vector<std::pair<const char*, const char*>> kSubjects = {
    {"综合政务\\政务公开", "政务公开"}, {"城乡建设\\住房保障", "住房保障"}, {"财政金融\\预算决算", "预算决算"},
    {"劳动就业\\社会保障", "社会保障"}, {"农业农村\\乡村振兴", "乡村振兴"}, {"卫生健康\\公共卫生", "公共卫生"},
    {"教育\\基础教育", "基础教育"},   {"交通运输\\公路建设", "公路建设"}};
const char* kTopics[] = {"政务服务事项清单", "重点民生实事项目", "城市更新行动", "农村人居环境整治", "老旧小区改造",
                         "义务教育学校布局", "基层医疗卫生服务", "就业创业扶持", "公路养护管理", "防汛抗旱工作",
                         "安全生产专项整治", "营商环境优化", "高标准农田建设", "城乡居民医保"};

std::string esc(const std::string& s) { return s; }  // generated text holds no markup characters

void write(const fs::path& p, const std::string& s) {
  if (auto st = write_file_atomic(p.string(), s, false); !st) {
    std::fprintf(stderr, "%s\n", st.error().str().c_str());
    std::exit(1);
  }
}

struct Disclosure {
  std::string keyword, genre = "通知", validity = "有效";
};

std::string record_xml(int year, int n, Date written, Date published, const std::string& mode, const Disclosure& d) {
  auto [subject, kw] = kSubjects[pick(static_cast<int>(kSubjects.size()))];
  std::string topic = kTopics[pick(14)];
  std::string title = d.genre == "令" ? "青川市" + topic + "管理办法"
                      : d.keyword == "行政规范性文件" ? "青川市人民政府办公室关于印发《青川市" + topic + "实施办法》的通知"
                                                     : "青川市人民政府办公室关于做好" + topic + "有关工作的" + d.genre;
  char idx[64];
  std::snprintf(idx, sizeof idx, "%s/%d-%05d", kCode, year, n);
  std::string x = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<record version=\"1\">\n  <catalogue>\n";
  x += std::string("    <index-no>") + idx + "</index-no>\n    <title>" + esc(title) + "</title>\n";
  x += std::string("    <issuer>") + kOrgan + "</issuer>\n";
  x += "    <doc-number>青府办发〔" + std::to_string(year) + "〕" + std::to_string(n) + "号</doc-number>\n";
  x += "    <genre>" + d.genre + "</genre>\n    <subject>" + subject + "</subject>\n";
  x += std::string("    <keywords><keyword>") + kw + "</keyword>" +
       (d.keyword.empty() ? "" : "<keyword>" + d.keyword + "</keyword>") + "</keywords>\n";
  x += "    <written-date>" + written.str() + "</written-date>\n    <published-date>" + published.str() + "</published-date>\n";
  x += "    <disclosure-mode>" + mode + "</disclosure-mode>\n    <disclosure-scope>面向社会</disclosure-scope>\n";
  x += "    <validity>" + d.validity + "</validity>\n    <retention>" + (d.keyword.empty() ? "定期30年" : "永久") +
       "</retention>\n  </catalogue>\n</record>\n";
  return x;
}

struct Row {
  const char *result, *reason;
};
const Row kResults[] = {
    {"予以公开", ""}, {"部分公开", ""},
    {"不予公开", "属于国家秘密"}, {"不予公开", "其他法律行政法规禁止公开"}, {"不予公开", "危及“三安全一稳定”"},
    {"不予公开", "保护第三方合法权益"}, {"不予公开", "属于三类内部事务信息"}, {"不予公开", "属于四类过程性信息"},
    {"不予公开", "属于行政执法案卷"}, {"不予公开", "属于行政查询事项"},
    {"无法提供", "本机关不掌握相关政府信息"}, {"无法提供", "没有现成信息需要另行制作"}, {"无法提供", "补正后申请内容仍不明确"},
    {"不予处理", "信访举报投诉类申请"}, {"不予处理", "重复申请"}, {"不予处理", "要求提供公开出版物"},
    {"不予处理", "无正当理由大量反复申请"}, {"不予处理", "要求行政机关确认或重新出具已获取信息"},
    {"其他处理", "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"},
    {"其他处理", "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"}, {"其他处理", "其他"}};
constexpr int kRowCount = sizeof(kResults) / sizeof(kResults[0]);
const char* kCategories[] = {"自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"};
const char* kHow[] = {"互联网渠道确认", "当面提交", "邮政挂号签收", "平常信函确认", "传真确认"};

struct Req {
  std::string id;
  Date received;
  bool open_at_end_of_received_year = false;
  std::string xml;
};

// One request; `row` < 0 picks a result at random (weighted towards 予以公开 and 无法提供).
Req make_request(int year, int n, Date received, int row, bool stays_open, Date carried_horizon) {
  Req q;
  char id[32];
  std::snprintf(id, sizeof id, "YSQ-%d-%04d", year, n);
  q.id = id;
  q.received = received;
  if (row < 0) {
    int r = pick(100);
    row = r < 40 ? 0 : r < 55 ? 1 : r < 70 ? 10 : 2 + pick(kRowCount - 2);
  }
  const Row& res = kResults[row];
  int c = pick(100) < 62 ? 0 : 1 + pick(5);
  std::string x = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<request version=\"1\">\n";
  x += "  <id>" + q.id + "</id>\n  <subject>申请公开" + std::string(kTopics[pick(14)]) + "相关文件</subject>\n";
  x += std::string("  <applicant category=\"") + kCategories[c] + "\"/>\n";
  x += "  <received date=\"" + received.str() + "\" how=\"" + kHow[pick(5)] + "\"/>\n";
  Date start = received;
  bool abandoned = std::string(res.reason).find("逾期不补正") != std::string::npos;
  if (abandoned || std::string(res.reason) == "补正后申请内容仍不明确" || pick(100) < 6) {
    Date asked = wd_after(received, 1 + pick(6));
    x += "  <correction requested=\"" + asked.str() + "\"";
    if (!abandoned) {
      start = wd_after(asked, 3 + pick(8));
      x += " corrected=\"" + start.str() + "\"";
    } else {
      start = wd_after(asked, 15);  // closed after the correction period ran out
    }
    x += "/>\n";
  }
  int pause = 0;
  Date last_pause_end = start;
  if (std::string(res.reason) == "保护第三方合法权益" || (!abandoned && pick(100) < 8)) {
    Date from = wd_after(start, 3 + pick(5));
    pause = 10 + pick(6);
    last_pause_end = wd_after(from, pause - 1);
    x += "  <consultation from=\"" + from.str() + "\" to=\"" + last_pause_end.str() + "\" party=\"第三方\"/>\n";
  }
  int lateness = pick(100);
  bool extended = !abandoned && lateness >= 80;
  if (extended) x += "  <extension approved=\"" + wd_after(start, 18).str() + "\"/>\n";
  int used = abandoned ? 0 : extended ? (lateness >= 95 ? 42 + pick(5) : 22 + pick(17)) : lateness < 8 ? 21 + pick(6) : 1 + pick(19);
  Date reply = abandoned ? start : wd_after(start, used + pause);
  if (reply < last_pause_end) reply = wd_after(last_pause_end, 1);
  if (stays_open) reply = std::max(reply, wd_after(carried_horizon, 1 + pick(4)));  // answered after New Year
  q.open_at_end_of_received_year = reply.year() > received.year();
  x += "CARRY";
  if (!(stays_open && reply.year() > 2025)) {
    x += "  <reply date=\"" + reply.str() + "\" result=\"" + res.result + "\"" +
         (std::string(res.reason).empty() ? "" : std::string(" reason=\"") + res.reason + "\"") + "/>\n";
    if (n % 23 == 5 && reply.year() == 2024) {
      static int k = 0;
      const char* outcomes[] = {"结果维持", "结果纠正", "其他结果", "尚未审结"};
      Date filed = wd_after(reply, 20 + pick(20));
      if (filed.year() == 2024) {
        x += "  <review filed=\"" + filed.str() + "\" outcome=\"" + outcomes[k % 4] + "\"/>\n";
        if (k % 3 == 1)
          x += "  <litigation filed=\"" + wd_after(filed, 30).str() + "\" kind=\"复议后起诉\" outcome=\"尚未审结\"/>\n";
        ++k;
      }
    } else if (n % 41 == 7 && reply.year() == 2024) {
      x += "  <litigation filed=\"" + wd_after(reply, 25).str() + "\" kind=\"未经复议直接起诉\" outcome=\"" +
           (pick(2) ? "结果维持" : "尚未审结") + "\"/>\n";
    }
  }
  x += "</request>\n";
  q.xml = x;
  return q;
}

std::string extra_xml(int year, const std::vector<std::string>& repeals, long lic, long pen, long coe, const char* fee,
                      const char* pfee) {
  std::string x = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<report-extra version=\"1\" year=\"" + std::to_string(year) + "\">\n";
  x += std::string("  <organ>") + kOrgan + "</organ>\n  <published-date>" + std::to_string(year + 1) + "-01-20</published-date>\n";
  x += "  <licensing>" + std::to_string(lic) + "</licensing>\n  <penalty>" + std::to_string(pen) + "</penalty>\n";
  x += "  <coercion>" + std::to_string(coe) + "</coercion>\n  <fees-collected>" + fee + "</fees-collected>\n";
  x += std::string("  <processing-fees>") + pfee + "</processing-fees>\n";
  if (!repeals.empty()) {
    x += "  <repeals>\n";
    for (auto& r : repeals) x += "    " + r + "\n";
    x += "  </repeals>\n";
  }
  auto text = [&](const char* el, std::vector<std::pair<std::string, std::string>> parts) {
    x += std::string("  <") + el + ">\n";
    for (auto& [h, p] : parts)
      x += "    <part>" + (h.empty() ? "" : "<heading>" + h + "</heading>") + "<p>" + p + "</p></part>\n";
    x += std::string("  </") + el + ">\n";
  };
  std::string y = std::to_string(year);
  text("overview", {{"主动公开", y + "年，本机关坚持以公开为常态、不公开为例外，围绕重点领域信息公开要求，通过政府门户网站、政务新媒体等渠道及时发布政策文件、工作动态和公告公示，主动公开信息的数量和质量稳步提升。"},
                    {"依申请公开", "严格执行收文登记、承办、审核、答复等环节的工作规范，答复期限按工作日计算，征求第三方意见和补正期间依法扣除，答复文书统一格式并载明救济途径。"},
                    {"政府信息管理", "对现行有效的行政规范性文件进行集中清理，动态更新政府信息公开目录，确保公开信息准确、完整、可查。"},
                    {"平台建设", "优化政府门户网站政府信息公开专栏，完善检索功能，实现文件库统一管理。"},
                    {"监督保障", "将政务公开纳入年度绩效考核，定期通报公开时效情况，对逾期公开和逾期答复的情形督促整改。"}});
  text("problems", {{"", "部分主动公开信息发布时效仍不够稳定，个别依申请公开事项答复临近或超过法定期限。下一步将建立发布和答复期限的自动提醒机制，按月统计公开时效，对逾期情形逐件分析原因并限期整改。"}});
  text("other", {{"", "本年度无其他需要报告的事项。"}});
  x += "</report-extra>\n";
  return x;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: gen_year_samples OUT_DIR\n");
    return 2;
  }
  auto c = report::Calendar::load(report::Calendar::default_path());
  if (!c) return std::fprintf(stderr, "%s\n", c.error().str().c_str()), 1;
  cal = &*c;
  fs::path out = argv[1];
  fs::remove_all(out / "records");
  fs::remove_all(out / "requests");
  fs::create_directories(out / "records");
  fs::create_directories(out / "requests");

  // Disclosure records: 2023 (normative documents still in force, two repealed in 2024) and 2024.
  std::vector<std::string> repeals;
  for (int n = 1; n <= 40; ++n) {
    Date w = wd_after(report::make_date(2023, 1, 3), n * 5 + pick(4));
    Disclosure d;
    if (n % 4 == 0) d.keyword = "行政规范性文件";
    if (n == 8 || n == 24) {
      d.validity = "废止";
      char idx[64];
      std::snprintf(idx, sizeof idx, "%s/2023-%05d", kCode, n);
      repeals.push_back(std::string("<repeal index-no=\"") + idx + "\" date=\"2024-0" + (n == 8 ? "3-15" : "9-02") + "\"/>");
    }
    write(out / "records" / ("2023-" + std::to_string(1000 + n).substr(1) + ".xml"),
          record_xml(2023, n, w, wd_after(w, 2 + pick(10)), "主动公开", d));
  }
  for (int n = 1; n <= 320; ++n) {
    Date w = wd_after(report::make_date(2024, 1, 2), (n * 225) / 320 + pick(3));
    bool late = n % 19 == 3;
    Date p = wd_after(w, late ? 21 + pick(15) : 1 + pick(15));
    if (p.year() > 2024) p = report::make_date(2024, 12, 31);
    Disclosure d;
    if (n % 45 == 0) d.keyword = "行政规范性文件";
    if (n == 100) d.keyword = "规章", d.genre = "令";
    if (n % 7 == 0 && d.keyword.empty()) d.genre = n % 2 ? "公告" : "意见";
    write(out / "records" / ("2024-" + std::to_string(1000 + n).substr(1) + ".xml"),
          record_xml(2024, n, w, p, n % 11 == 0 ? "依申请公开" : "主动公开", d));
  }

  // Requests: 2023 (some open at year end: carried into 2024), 2024 (every row, some carried into 2025).
  std::vector<Req> reqs;
  for (int n = 1; n <= 36; ++n) {
    Date r = wd_after(report::make_date(2023, 1, 3), n * 6 + pick(3));
    bool open = n > 30;  // received in December, answered in 2024
    reqs.push_back(make_request(2023, n, r, -1, open, report::make_date(2023, 12, 31)));
  }
  for (int n = 1; n <= 160; ++n) {
    Date r = wd_after(report::make_date(2024, 1, 2), (n * 235) / 160);
    int row = n <= kRowCount * 2 ? (n - 1) % kRowCount : -1;  // every row twice, then at random
    bool open = n > 150;
    reqs.push_back(make_request(2024, n, r, row, open, report::make_date(2024, 12, 31)));
  }
  for (auto& q : reqs) {
    std::string carry;
    if (q.open_at_end_of_received_year) carry = "  <carried-over from=\"" + std::to_string(q.received.year()) + "\"/>\n";
    q.xml.replace(q.xml.find("CARRY"), 5, "");
    // <carried-over> comes right after <received> in the schema's order.
    auto at = q.xml.find("/>\n", q.xml.find("<received")) + 3;
    q.xml.insert(at, carry);
    write(out / "requests" / (q.id + ".xml"), q.xml);
  }
  write(out / "extra-2023.xml", extra_xml(2023, repeals, 118, 26, 3, "12.5", "0"));
  write(out / "extra-2024.xml", extra_xml(2024, repeals, 131, 31, 2, "14.2", "0.03"));
  std::printf("wrote 360 disclosure records and %zu requests to %s\n", reqs.size(), out.c_str());
  return 0;
}
