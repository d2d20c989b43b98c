// An exported bag for the package tests, and the edits an attacker makes to a bag: re-sealing it
// (manifest, Payload-Oxum, tag manifest recomputed) and re-signing its statement with some key.
// The statement is written here from its documented form (archive/package/bag_statement.h), not
// with the library's code, so that the tests also pin the format.
#pragma once
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <map>

#include "../verify/archive_fixture.h"
#include "archive/audit/head.h"
#include "archive/package/export.h"
#include "archive/package/package_verify.h"

namespace package_test {

using namespace verify_test;
namespace pk = gk::package;

inline std::string joined(const std::vector<std::string>& v) {
  std::string s;
  for (auto& x : v) s += x + "\n";
  return s;
}

inline bool has(const std::vector<std::string>& v, const std::string& line) {
  return std::find(v.begin(), v.end(), line) != v.end();
}

inline std::string sha512(const std::string& bytes) { return gk::digest_hex(gk::DigestAlgorithm::sha512, bytes); }

// Export options for the fixture's disclosures: year 2023, 全宗号 Z109.
inline pk::ExportOptions options_2023(const Archive& a, const std::string& out) {
  pk::ExportOptions o;
  o.root = a.root;
  o.out = out;
  o.year = "2023";
  o.fonds = "Z109";
  return o;
}

struct Exported {
  Archive a;
  std::string bag;
  pk::ExportSummary sum;
  explicit Exported(bool history = false, int n = 5, bool populate = true) {
    if (populate) a.populate(n);
    bag = a.tmp / "bag";
    if (populate) run_export(history);
  }
  void run_export(bool history = false) {
    pk::ExportOptions o;
    o.root = a.root;
    o.out = bag;
    o.year = "2023";
    o.fonds = "Z109";
    o.history = history;
    o.bagging_date = "2024-01-15";
    auto r = pk::export_bag(o);
    if (!r) throw std::runtime_error(why(r));
    sum = *r;
  }
  std::vector<std::string> check(std::vector<gk::audit::PublicKey> keys = {}) const {
    auto r = pk::verify_package(bag, keys);
    if (!r) return {"error: " + why(r)};
    return r->problems;
  }
  std::string doc(const std::string& dh) const { return bag + "/data/documents/" + dh; }
  // Rewrites manifest-sha512.txt (in the export's order), Payload-Oxum and the tag manifest, so that
  // a deliberate change is consistent at the bag level; with `sign`, bag-signature.txt too.
  void reseal(const gk::audit::PrivateKey* sign = nullptr) const {
    std::map<std::string, std::string> lines;
    uint64_t bytes = 0;
    for (auto& e : fs::recursive_directory_iterator(bag + "/data"))
      if (e.is_regular_file()) {
        std::string b = slurp(e.path().string());
        bytes += b.size();
        lines[fs::relative(e.path(), bag).string()] = sha512(b);
      }
    std::string m;
    for (auto& [p, d] : lines) m += d + "  " + p + "\n";
    spit(bag + "/manifest-sha512.txt", m);
    std::string info = slurp(bag + "/bag-info.txt");
    size_t at = info.find("Payload-Oxum: ") + 14, end = info.find('\n', at);
    info.replace(at, end - at, std::to_string(bytes) + "." + std::to_string(lines.size()));
    spit(bag + "/bag-info.txt", info);
    if (sign) {
      auto head = gk::audit::read_head_file(bag + "/data/audit/tree-head.txt");
      BOOST_REQUIRE(head.is_ok());
      std::string text = "gongkai-bag-statement v1\nmanifest-sha512.txt " + sha512(m) + "\nbag-info.txt " + sha512(info) +
                         "\ntree-head " + std::to_string(head->size) + " " + gk::audit::hash_hex(head->root) + "\n";
      auto sig = sign->sign(text);
      BOOST_REQUIRE(sig.is_ok());
      spit(bag + "/bag-signature.txt", text + "key " + sign->fingerprint() + "\nsignature " + gk::audit::base64_encode(*sig) + "\n");
    }
    std::string tm;
    for (auto f : {"bag-info.txt", "bag-signature.txt", "bagit.txt", "manifest-sha512.txt"})
      if (fs::exists(bag + "/" + f)) tm += sha512(slurp(bag + "/" + f)) + "  " + f + "\n";
    spit(bag + "/tagmanifest-sha512.txt", tm);
  }
};

const std::string kY1 = "Z109-WS\u00b72023-Y-0001";

}  // namespace package_test
