#include "generator/report/requests.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>

#include "common/files.h"
#include "generator/xml/schema.h"

namespace gk::report {
namespace {

namespace fs = std::filesystem;

std::string request_form(const std::string& subject) {
  if (subject == "carried-over@from") return "is not a year (YYYY)";
  const std::string name = subject.substr(subject.find('@') + 1);
  if (name == "category")
    return "is not an applicant category of the 2021 format (自然人, 商业企业, 科研机构, 社会公益组织, 法律服务机构, 其他)";
  if (name == "result") return "is not a result of the 2021 format (予以公开, 部分公开, 不予公开, 无法提供, 不予处理, 其他处理)";
  if (name == "reason") return "is not a sub-reason row of Table B of the 2021 format";
  if (name == "how") return "is not a way of receipt (当面提交, 邮政挂号签收, 平常信函确认, 互联网渠道确认, 传真确认)";
  if (name == "outcome") return "is not an outcome (结果维持, 结果纠正, 其他结果, 尚未审结)";
  if (name == "kind") return "is not 未经复议直接起诉 or 复议后起诉";
  if (name == "date" || name == "from" || name == "to" || name == "requested" || name == "corrected" ||
      name == "approved" || name == "filed" || name == "published-date")
    return "is not a valid date (YYYY-MM-DD)";
  if (name == "licensing" || name == "penalty" || name == "coercion")
    return "is not a whole number from 0 to 999999999 (digits, no leading zero)";
  if (name == "fees-collected" || name == "processing-fees")
    return "is not an amount in 万元 from 0 to 99999999 with at most 4 decimals (digits, no sign or leading zero)";
  return "is not valid";
}

const Result<std::shared_ptr<const xml::Schema>>& schema(const std::string& file, const std::string& root) {
  // One compiled schema per file for the process; never freed (see record.cpp).
  static std::map<std::string, const Result<std::shared_ptr<const xml::Schema>>*> cache;
  static std::mutex mu;
  std::lock_guard lock(mu);
  auto& slot = cache[file];
  if (!slot)
    slot = new Result<std::shared_ptr<const xml::Schema>>(
        xml::Schema::compile(schema_dir() + "/" + file, xml::SchemaHints{root, request_form, {}}));
  return *slot;
}

int line_of(std::string_view bytes, const pugi::xml_node& n) {
  ptrdiff_t off = n.offset_debug();
  return off < 0 ? 0 : xml::line_at(bytes, static_cast<size_t>(off));
}

// Which sub-reasons belong to which result (Table B rows 三(三)–(六)).
const std::map<std::string, std::set<std::string>>& reasons() {
  static const std::map<std::string, std::set<std::string>> m = {
      {"予以公开", {}},
      {"部分公开", {}},
      {"不予公开", {"属于国家秘密", "其他法律行政法规禁止公开", "危及“三安全一稳定”", "保护第三方合法权益",
                    "属于三类内部事务信息", "属于四类过程性信息", "属于行政执法案卷", "属于行政查询事项"}},
      {"无法提供", {"本机关不掌握相关政府信息", "没有现成信息需要另行制作", "补正后申请内容仍不明确"}},
      {"不予处理", {"信访举报投诉类申请", "重复申请", "要求提供公开出版物", "无正当理由大量反复申请",
                    "要求行政机关确认或重新出具已获取信息"}},
      {"其他处理", {"申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
                    "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "其他"}},
  };
  return m;
}

Date date_attr(const pugi::xml_node& n, const char* a) { return *parse_date(n.attribute(a).value()); }


}  // namespace

std::string schema_dir() {
  const char* env = std::getenv("GONGKAI_DATA");
  return std::string(env && *env ? env : GK_DATA_DIR) + "/schemas";
}

std::string Request::where() const { return file + ":" + std::to_string(line) + " (" + id + ")"; }

Result<Request> load_request_from_memory(std::string_view bytes, const std::string& name) {
  const auto& s = schema("request.xsd", "request");
  if (!s) return s.error();
  if (auto v = (*s)->parse_and_validate(bytes, name); !v) return v.error();
  pugi::xml_document doc;
  if (!doc.load_buffer(bytes.data(), bytes.size())) return make_error("pugixml cannot load the request", name);
  auto root = doc.child("request");
  Request r;
  r.file = name;
  r.line = line_of(bytes, root);
  r.id = root.child("id").text().get();
  r.subject = root.child("subject").text().get();
  r.category = root.child("applicant").attribute("category").value();
  auto rec = root.child("received");
  r.received = date_attr(rec, "date");
  r.receipt_mode = rec.attribute("how").value();
  auto err = [&](const pugi::xml_node& n, const std::string& m) { return make_error("request " + r.id + ": " + m, name, line_of(bytes, n)); };
  // One element per year-end the request was open at: a request open over two year-ends is
  // carried over twice, and each year's 二 must show it.
  std::map<int, pugi::xml_node> carried;
  for (auto c : root.children("carried-over")) {
    int from = c.attribute("from").as_int();
    if (from < r.received.year()) return err(c, "carried over from " + std::to_string(from) + " but received on " + r.received.str());
    if (!carried.emplace(from, c).second) return err(c, "carried over from " + std::to_string(from) + " twice");
    r.carried_from.push_back(from);
  }
  std::sort(r.carried_from.begin(), r.carried_from.end());
  if (auto c = root.child("correction")) {
    r.correction_requested = date_attr(c, "requested");
    if (*r.correction_requested < r.received)
      return err(c, "补正 requested on " + r.correction_requested->str() + ", before the receipt date " + r.received.str());
    if (c.attribute("corrected")) {
      r.corrected = date_attr(c, "corrected");
      if (*r.corrected < *r.correction_requested)
        return err(c, "corrected on " + r.corrected->str() + ", before the 补正 was requested (" + r.correction_requested->str() + ")");
    }
  }
  for (auto c : root.children("consultation")) {
    Date f = date_attr(c, "from"), t = date_attr(c, "to");
    if (t < f) return err(c, "consultation ends (" + t.str() + ") before it starts (" + f.str() + ")");
    if (f < r.received) return err(c, "consultation starts (" + f.str() + ") before the receipt date " + r.received.str());
    r.pauses.emplace_back(f, t);
  }
  if (auto c = root.child("extension")) {
    r.extension = date_attr(c, "approved");
    if (*r.extension < r.received) return err(c, "extension approved before the receipt date " + r.received.str());
  }
  if (auto c = root.child("reply")) {
    r.reply = date_attr(c, "date");
    r.result = c.attribute("result").value();
    r.reason = c.attribute("reason").value();
    if (*r.reply < r.received)
      return err(c, "reply date " + r.reply->str() + " is before the receipt date " + r.received.str());
    if (r.corrected && *r.reply < *r.corrected)
      return err(c, "reply date " + r.reply->str() + " is before the corrected request arrived (" + r.corrected->str() + ")");
    for (auto& [f, t] : r.pauses)
      if (*r.reply < t) return err(c, "reply date " + r.reply->str() + " is before the consultation ended (" + t.str() + ")");
    if (r.extension && *r.reply < *r.extension)
      return err(c, "reply date " + r.reply->str() + " is before the extension was approved (" + r.extension->str() + ")");
    const auto& allowed = reasons().at(r.result);
    if (allowed.empty() && !r.reason.empty()) return err(c, "result " + r.result + " takes no reason (got '" + r.reason + "')");
    if (!allowed.empty() && r.reason.empty()) return err(c, "result " + r.result + " needs a reason (a sub-row of Table B)");
    if (!allowed.empty() && !allowed.count(r.reason))
      return err(c, "reason '" + r.reason + "' is not a sub-row of " + r.result);
  }
  if (r.reply && !carried.empty() && r.reply->year() <= carried.rbegin()->first)
    return err(carried.rbegin()->second, "carried over from " + std::to_string(carried.rbegin()->first) + " but replied on " +
                                             r.reply->str() + ", before that year ended");
  if (auto c = root.child("review")) {
    r.review = Case{date_attr(c, "filed"), "行政复议", c.attribute("outcome").value()};
    // Before the reply too: a review of a request not answered in time (不作为) needs none.
    if (r.review->filed < r.received) return err(c, "行政复议 filed before the receipt date " + r.received.str());
  }
  if (auto c = root.child("litigation")) {
    r.litigation = Case{date_attr(c, "filed"), c.attribute("kind").value(), c.attribute("outcome").value()};
    if (r.litigation->filed < r.received) return err(c, "行政诉讼 filed before the receipt date " + r.received.str());
    if (r.litigation->kind == "复议后起诉" && !r.review) return err(c, "复议后起诉 without a 行政复议");
    if (r.litigation->kind == "复议后起诉" && r.litigation->filed < r.review->filed)
      return err(c, "复议后起诉 filed before the 行政复议 (" + r.review->filed.str() + ")");
  }
  return r;
}

Result<Request> load_request(const std::string& path) {
  auto bytes = read_file(path);
  if (!bytes) return bytes.error();
  return load_request_from_memory(*bytes, path);
}

Result<std::vector<Request>> load_requests(const std::string& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return make_error(fs::exists(dir, ec) ? "not a directory" : "no such directory", dir);
  std::vector<Request> out;
  std::set<std::string> ids;
  auto files = xml_files(dir);
  if (!files) return files.error();
  for (auto& f : *files) {
    auto r = load_request(f);
    if (!r) return r.error();
    if (!ids.insert(r->id).second) return make_error("request id " + r->id + " is used twice", f, r->line);
    out.push_back(std::move(*r));
  }
  return out;
}

Result<std::vector<std::shared_ptr<const record::Record>>> load_records(const std::string& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return make_error(fs::exists(dir, ec) ? "not a directory" : "no such directory", dir);
  std::vector<std::shared_ptr<const record::Record>> out;
  auto files = xml_files(dir);
  if (!files) return files.error();
  for (auto& f : *files) {
    auto r = record::load_record(f);
    if (!r) return r.error();
    out.push_back(*r);
  }
  return out;
}

Result<Extra> load_extra(const std::string& path) {
  auto bytes = read_file(path);
  if (!bytes) return bytes.error();
  const auto& s = schema("report-extra.xsd", "report-extra");
  if (!s) return s.error();
  if (auto v = (*s)->parse_and_validate(*bytes, path); !v) return v.error();
  Extra e;
  e.file = path;
  e.doc = std::make_shared<pugi::xml_document>();
  if (!e.doc->load_buffer(bytes->data(), bytes->size())) return make_error("pugixml cannot load the file", path);
  auto root = e.doc->child("report-extra");
  e.year = root.attribute("year").as_int();
  e.organ = root.child("organ").text().get();
  e.published_date = root.child("published-date").text().get();
  // The report covers the whole year: it is signed after it.
  if (!e.published_date.empty() && e.published_date < std::to_string(e.year + 1) + "-01-01")
    return make_error("published-date " + e.published_date + " is within the report's year " + std::to_string(e.year) +
                          " or before it: the report is signed after the year ends",
                      path, line_of(*bytes, root.child("published-date")));
  e.licensing = root.child("licensing").text().as_llong();
  e.penalty = root.child("penalty").text().as_llong();
  e.coercion = root.child("coercion").text().as_llong();
  // The schema's decimal type ignores surrounding white space; the dump must not carry it.
  auto trimmed = [](std::string v) {
    v.erase(0, v.find_first_not_of(" \t\r\n"));
    v.erase(v.find_last_not_of(" \t\r\n") + 1);
    return v;
  };
  e.fees_collected = trimmed(root.child("fees-collected").text().get());
  e.processing_fees = trimmed(root.child("processing-fees").text().get());
  for (auto r : root.child("repeals").children("repeal"))
    e.repeals.push_back({r.attribute("index-no").value(), date_attr(r, "date"), line_of(*bytes, r)});
  return e;
}

}  // namespace gk::report
