// `gongkai package verify`: an exported bag checked offline with nothing but the bag and a key.
//  - the bag itself (bagit.h check_bag): bagit.txt, manifests, tag manifest, Payload-Oxum;
//  - data/audit/tree-head.txt is signed by the key (--key, else data/audit/public-key.pem);
//  - every document directory (data/documents/<档号>/ or, with history, its vN/) has an
//    inclusion-proof.txt that proves its log entry is in the head's log; the entry's recorded
//    digests equal the files beside it (document.pdf, record.xml, attachments, metadata.json),
//    and no file there is unrecorded;
//  - every 档号 is well-formed;
//  - bag-signature.txt (bag_statement.h) is signed by the key and names this manifest-sha512.txt,
//    bag-info.txt and tree head: nothing was removed, swapped or edited and the bag re-sealed. A
//    bag without it (exported without a signing key) is a problem: its completeness is unproven;
//  - the 目录, bag-info's X- labels and the 四性检测报告 agree with the documents (contents_check.h).
#pragma once
#include <string>
#include <vector>

#include "archive/audit/keys.h"
#include "common/status.h"

namespace gk::package {

struct PackageReport {
  std::vector<std::string> problems;  // "<file>: <what>", bag-relative
  size_t documents = 0, proofs = 0, pdfs = 0;
  std::string key;      // fingerprint of the key that signed bag-signature.txt, else of the first key used
  bool sealed = false;  // bag-signature.txt verified
  std::string four_properties;  // bag-info's X-四性检测结果: the export's own result ("通过", "未通过（2项）")
  bool ok() const { return problems.empty(); }
};

// Fails only when `dir` is not a directory or no key is available.
Result<PackageReport> verify_package(const std::string& dir, const std::vector<audit::PublicKey>& keys = {});

}  // namespace gk::package
