// `gongkai archive export`: the disclosures of one year as a BagIt 1.0 bag for inspection.
//
// BAG LAYOUT (all payload under data/, listed in manifest-sha512.txt):
//   data/documents/<档号>/record.xml, document.pdf, metadata.json, attachments/...  (current version)
//   data/documents/<档号>/inclusion-proof.txt   the version's log entry is in the signed head's log
//   with --history: data/documents/<档号>/vN/... (every version, each with its inclusion-proof.txt)
//   data/归档文件目录.csv / .pdf                 DA/T 22 目录 (PDF through templates/archive-list.xml)
//   data/四性检测报告.json / .pdf                DA/T 70 rules (PDF through templates/four-properties.xml)
//   data/audit/tree-head.txt                     the signed tree head all proofs refer to
//   data/audit/public-key.pem                    the key that signed it (inspectors may bring their own)
//   bag-signature.txt (tag file)                 signed statement pinning manifest and bag-info (bag_statement.h)
//   bag-info.txt: Bagging-Date, Bag-Size, Payload-Oxum, Source-Organization, X-全宗号, X-年度,
//   X-档号范围, X-件数, X-四性检测结果, X-Tree-Head-*, and the config's labels.
// 档号 and 件号: see danghao.h; 件号 run 0001.. per 保管期限 in order of 成文日期, then 索引号.
// The year is that of 成文日期 (DA/T 22 年度). The bag is built in <out>.tmp-<random> and renamed
// to <out> at the end, so <out> is either absent or complete; <out> must not exist.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "archive/audit/keys.h"
#include "common/status.h"

namespace gk::package {

struct ExportOptions {
  std::string root, out;
  std::string year;      // "2023"
  std::string category;  // "" = all; else 体裁 (文种) equal, or 主题分类 equal or a prefix of it
  std::string issuer;    // "" = all; else 发布机构 equal
  bool history = false;  // every version, not only the current one
  std::string fonds;     // overrides the archive's configured 全宗号
  std::vector<audit::PublicKey> trusted;  // empty: the archive's own public key(s)
  std::string bagging_date;               // "" = today
  std::function<void(size_t, size_t)> progress;  // (items done, items)
  // Like every write, a finished export is appended to the archive's audit log: an "export" entry
  // (the selection, the bag's name, item and version counts, the head its proofs refer to, and
  // the sha512/sm3 of its tagmanifest-sha512.txt, which pins every byte of the bag), then a signed
  // tree head. The key: `signing_key` (a path), else $GONGKAI_KEY, else the archive's signing
  // configuration (archive/ingest/audit_hook.h); one that cannot be loaded stops the export
  // before anything is written. No key configured: the entry is appended unsigned, and the bag
  // has no bag-signature.txt (package verify then reports its completeness as unproven). The key
  // must be the one that signed the latest tree head (the key the bag carries).
  std::string signing_key;
  std::string actor;  // the entry's actor; "" = $USER, else "gongkai"
  std::function<void(const char* point)> test_hook;  // tests: called at "key-loaded", "selected"
};

struct ExportSummary {
  size_t items = 0, versions = 0, files = 0;
  uint64_t bytes = 0;
  std::string first, last;  // 档号 range
  std::vector<std::string> failed_rules;  // "AUTH-01 (2 items)"
  bool sealed = false;                    // bag-signature.txt written (a signing key was found)
  std::vector<std::string> removed;       // work directories of interrupted exports to <out>, removed
};

// Errors: bad options, no signed tree head, a head that does not verify, nothing selected, an
// existing <out>, I/O. Failed 四性 rules are not errors: they are in the report (and summary).
Result<ExportSummary> export_bag(const ExportOptions& options);

// Page count of a PDF: "/Type /Page" dictionaries (not /Pages). 0 when none is found.
int pdf_page_count(std::string_view pdf);

// The data directory holding templates/ ($GONGKAI_DATA, else the build's source tree).
std::string data_dir();

}  // namespace gk::package
