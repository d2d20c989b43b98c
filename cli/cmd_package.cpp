// gongkai package verify: check an exported bag offline (archive/package/package_verify.h).
#include <iostream>

#include "archive/package/package_verify.h"
#include "cli/command.h"
#include "cli/options.h"

using namespace gk;

namespace {

const char* kHelp =
    "usage: gongkai package verify DIR [--key PUB ...]\n"
    "\n"
    "Checks a bag made by `gongkai archive export` with nothing but the bag and a public key:\n"
    "bagit.txt, every manifest and digest, the tag manifest, Payload-Oxum, the tree head's\n"
    "signature, every inclusion proof, and that each document's files (its PDF first) have the\n"
    "digests its audit-log entry recorded; bag-signature.txt, the export's signature over\n"
    "manifest-sha512.txt and bag-info.txt (without it the bag's completeness is unproven: a\n"
    "problem); and that the 归档文件目录, bag-info's X-件数, X-档号范围, X-四性检测结果 and the\n"
    "四性检测报告 agree with the documents. --key: the inspector's own copy of the archive's\n"
    "public key (default: data/audit/public-key.pem in the bag, which proves integrity only:\n"
    "compare the fingerprint printed with the one the archive published).\n";

int run(const cli::Args& args) {
  std::string err;
  auto o = cli::parse_options(args, {"key"}, {"help"}, err);
  if (!o) return cli::fail(err + "\n" + kHelp, cli::kUsage);
  if (o->has("help")) {
    std::cout << kHelp;
    return cli::kOk;
  }
  if (o->positional.size() != 1) {
    std::string extra = cli::extra_argument(*o, 1);
    return cli::fail((extra.empty() ? "package verify needs DIR" : extra) + "\n" + kHelp, cli::kUsage);
  }
  std::vector<audit::PublicKey> keys;
  for (auto& k : o->all("key")) {
    auto pk = audit::PublicKey::load(k);
    if (!pk) return cli::fail(pk.error().str());
    keys.push_back(*pk);
  }
  auto r = package::verify_package(o->positional[0], keys);
  if (!r) return cli::fail(r.error().str());
  for (auto& p : r->problems) std::cout << p << "\n";
  std::cout << (r->ok() ? "verified: " : "FAILED: ") << r->documents << " document(s), " << r->proofs
            << " inclusion proof(s), " << r->pdfs << " PDF(s) matching the log, key " << r->key.substr(0, 16);
  if (!r->ok()) std::cout << "; " << r->problems.size() << " problem(s)";
  std::cout << (o->all("key").empty() ? " (the bag's own key: pass --key for origin)" : "") << "\n";
  // An intact bag may still record a failed 四性检测: verified says the bag is what was exported,
  // not that what was exported passed.
  if (!r->four_properties.empty() && r->four_properties != "通过")
    std::cout << "四性检测 at export: " << r->four_properties << " (the failed rules are in data/四性检测报告.json)\n";
  // In full: the inspector compares it with the fingerprint the archive published.
  std::cout << (r->sealed ? "bag signed by key " : "bag signature not verified; key ") << r->key
            << (o->all("key").empty() ? " (data/audit/public-key.pem)" : " (--key)") << "\n";
  return r->ok() ? cli::kOk : cli::kFailed;
}

GK_SUBCOMMAND("package", "verify", "check an exported bag offline: manifests, Payload-Oxum, proofs, PDF digests", run);

}  // namespace
