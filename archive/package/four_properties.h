// 四性检测 (DA/T 70-2018) as identified rules with pass/fail and the items that failed. The rule set
// is fixed here (ids never change meaning, so reports from different years compare); export fills
// in the failures it finds while reading the archive. Rules:
//   AUTH-01 固化信息: each exported file's sha512 and sm3 equal the inventory manifest and fixity
//   AUTH-02 each exported version's log entry is in the log of the signed tree head (inclusion proof)
//   AUTH-03 档号 well-formed (DA/T 22-2015) and unique
//   AUTH-04 the digests the log entry recorded equal the exported files
//   AUTH-05 the PDF's XMP metadata carries the record's 题名 (metadata ↔ content link)
//   INTEG-01 required metadata present: 索引号, 题名, 责任者, 成文日期, 保管期限 (a known period)
//   INTEG-02 every item has its content files: record.xml, document.pdf, and every file metadata.json lists
//   INTEG-03 件号 has no gaps and no duplicates within each 年度 + 保管期限
//   INTEG-04 the 归档文件目录 lists exactly the exported items
//   USAB-01 record.xml parses and is valid against the record schema
//   USAB-02 document.pdf is PDF/A-1b: %PDF-1.x header, XMP pdfaid:part 1 and conformance B
//   USAB-03 no encryption in the PDFs (/Encrypt)
//   SEC-01 operations logged: every version of every exported disclosure has exactly one log entry,
//          and the whole log verifies against the archive's public key
//   SEC-02 the signed tree head covers the whole log (no unsigned entries)
#pragma once
#include <string>
#include <vector>

#include <pugixml.hpp>

namespace gk::package {

struct RuleResult {
  std::string id;        // "AUTH-01"
  std::string property;  // 真实性, 完整性, 可用性, 安全性
  std::string name;      // what is checked, in Chinese
  struct Failure {
    std::string item;    // 档号 (and file), or "log"
    std::string reason;
  };
  std::vector<Failure> failures;
  bool passed() const { return failures.empty(); }
};

class FourProperties {
 public:
  FourProperties();  // all rules, passing
  void fail(const std::string& rule, std::string item, std::string reason);
  const std::vector<RuleResult>& rules() const { return rules_; }
  size_t failed_rules() const;

  struct Context {
    std::string fonds, fonds_name, year, date, stage = "移交与接收";
    size_t items = 0, files = 0;
    uint64_t head_size = 0;
    std::string head_root;
  };
  // {"standard":"DA/T 70-2018",...,"rules":[{"id":..,"result":"pass"|"fail","failures":[..]}]}
  std::string to_json(const Context& c) const;
  // <four-properties ...><rule id property result><name/><failure item>reason</failure></rule>
  void to_xml(const Context& c, pugi::xml_document& doc) const;

 private:
  std::vector<RuleResult> rules_;
};

}  // namespace gk::package
