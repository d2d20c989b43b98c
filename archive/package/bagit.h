// BagIt 1.0 (RFC 8493) bags: writing one file at a time with digests computed as it is written,
// and checking a bag offline. Only sha512 manifests are written; checking accepts sha512 and
// sha256 manifests. Paths in manifests are percent-encoded for CR, LF and '%' (RFC 8493 2.1.3).
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"

namespace gk::bagit {

// Writes a bag into `dir` (which must exist and be empty). Payload paths are relative to data/.
class BagWriter {
 public:
  explicit BagWriter(std::string dir) : dir_(std::move(dir)) {}
  // Writes data/<path>; returns its sha512. Refuses absolute paths, '..' and empty components.
  Result<std::string> add_payload(const std::string& path, std::string_view bytes);
  // Bag-info labels, in order; values are single lines (the writer folds nothing).
  void add_info(std::string label, std::string value) { info_.emplace_back(std::move(label), std::move(value)); }
  // bagit.txt, manifest-sha512.txt, bag-info.txt (with Payload-Oxum, Bagging-Date, Bag-Size
  // added), tagmanifest-sha512.txt. Bagging-Date is today (UTC) unless given. `sign`, when set,
  // makes one more tag file (name, bytes) from the final manifest-sha512.txt and bag-info.txt.
  using TagSigner = std::function<Result<std::pair<std::string, std::string>>(const std::string& manifest,
                                                                              const std::string& bag_info)>;
  Status finish(const std::string& bagging_date = {}, const TagSigner& sign = {});

  uint64_t payload_bytes() const { return bytes_; }
  size_t payload_files() const { return manifest_.size(); }

 private:
  Status write(const std::string& rel, std::string_view bytes);
  std::string dir_;
  std::vector<std::pair<std::string, std::string>> info_;
  std::map<std::string, std::string> manifest_;  // "data/..." -> sha512
  uint64_t bytes_ = 0;
};

struct BagProblem {
  std::string file;     // relative to the bag
  std::string message;  // one line
  std::string str() const { return file.empty() ? message : file + ": " + message; }
};

struct BagCheck {
  std::vector<BagProblem> problems;
  std::map<std::string, std::string> info;  // bag-info.txt labels (last value of each)
  std::map<std::string, std::string> payload_sha512;  // "data/..." -> digest, as checked
  bool ok() const { return problems.empty(); }
};

// Checks bagit.txt, every manifest (every payload file listed, nothing else, digests, no path
// outside data/), the tag manifests, and Payload-Oxum. Fails only when `dir` is not a directory.
Result<BagCheck> check_bag(const std::string& dir);

std::string encode_path(const std::string& path);  // %0D %0A %25
std::string human_size(uint64_t bytes);            // "42.6 MB"

}  // namespace gk::bagit
