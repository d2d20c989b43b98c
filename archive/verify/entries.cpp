#include "archive/verify/entries.h"

#include <algorithm>
#include <cstring>

#include "common/digest.h"

namespace gk::verify {

bool is_version_action(const std::string& action) {
  return action == audit::kActionVersionAdd || action == audit::kActionStatusChange;
}

int version_number(const std::string& version) {
  if (version.size() < 2 || version[0] != 'v') return -1;
  long n = 0;
  for (size_t i = 1; i < version.size(); ++i) {
    if (version[i] < '0' || version[i] > '9' || n > 100000000) return -1;
    n = n * 10 + (version[i] - '0');
  }
  return n > 0 ? static_cast<int>(n) : -1;
}

std::array<unsigned char, 16> LogIndex::key_of(const std::string& object, const std::string& version) {
  // Keyed on the version number so that "v3" and "v003" meet; object ids may hold any byte but
  // NUL, so NUL separates them unambiguously.
  std::string k = object;
  k += '\0';
  k += std::to_string(version_number(version));
  std::string d = digest_binary(DigestAlgorithm::sha256, k);
  std::array<unsigned char, 16> out{};
  std::memcpy(out.data(), d.data(), out.size());
  return out;
}

Result<LogIndex> LogIndex::build(const audit::AuditLog& log) {
  LogIndex idx;
  Status s = log.for_each_entry([&](const audit::Entry& e) -> Status {
    idx.add(e, 0, 0);
    return {};
  });
  if (!s) return s.error();
  idx.finish();
  return idx;
}

void LogIndex::add(const audit::Entry& e, uint64_t offset, uint32_t length) {
  if (is_version_action(e.action) && !e.object.empty()) items_.push_back({key_of(e.object, e.version), {e.seq, offset, length}});
}

void LogIndex::finish() {
  std::sort(items_.begin(), items_.end());
  seen_.assign(items_.size(), false);
}

std::vector<LogIndex::Located> LogIndex::find_located(const std::string& object, const std::string& version) const {
  std::vector<Located> out;
  Item probe{key_of(object, version), {}};
  for (auto it = std::lower_bound(items_.begin(), items_.end(), probe); it != items_.end() && it->key == probe.key; ++it)
    out.push_back(it->at);
  return out;
}

std::vector<uint64_t> LogIndex::find(const std::string& object, const std::string& version) const {
  std::vector<uint64_t> out;
  for (auto& l : find_located(object, version)) out.push_back(l.seq);
  return out;
}

void LogIndex::mark(const std::string& object, const std::string& version) {
  Item probe{key_of(object, version), {}};
  for (auto it = std::lower_bound(items_.begin(), items_.end(), probe); it != items_.end() && it->key == probe.key; ++it)
    seen_[it - items_.begin()] = true;
}

std::vector<LogIndex::Located> LogIndex::unmarked_located() const {
  std::vector<Located> out;
  for (size_t i = 0; i < items_.size(); ++i)
    if (!seen_[i]) out.push_back(items_[i].at);
  std::sort(out.begin(), out.end(), [](const Located& a, const Located& b) { return a.seq < b.seq; });
  return out;
}

std::vector<uint64_t> LogIndex::unmarked() const {
  std::vector<uint64_t> out;
  for (auto& l : unmarked_located()) out.push_back(l.seq);
  return out;
}

Result<uint64_t> find_version_entry(const audit::AuditLog& log, const std::string& object, const std::string& version) {
  int want = version_number(version);
  if (want < 0) return make_error("not a version name: '" + version + "' (expected v1, v2, ...)");
  std::optional<uint64_t> found;
  Status s = log.for_each_entry([&](const audit::Entry& e) -> Status {
    if (!found && is_version_action(e.action) && e.object == object && version_number(e.version) == want) found = e.seq;
    return {};
  });
  if (!s) return s.error();
  if (!found) return make_error("the audit log has no entry for " + object + " " + version);
  return *found;
}

}  // namespace gk::verify
