// gongkai archive export: one year's disclosures as a BagIt bag for inspection (archive/package).
#include <iostream>

#include "archive/package/danghao.h"
#include "archive/package/export.h"
#include "cli/command.h"
#include "cli/options.h"
#include "cli/progress.h"

using namespace gk;

namespace {

const char* kHelp =
    "usage: gongkai archive export ROOT --year Y --out DIR [--category C] [--issuer I] [--history]\n"
    "                              [--fonds 全宗号] [--key PUB ...] [--signing-key PATH]\n"
    "\n"
    "Writes a BagIt 1.0 bag (RFC 8493) for 检查验收: the disclosures whose 成文日期 is in year Y\n"
    "(current versions; every version with --history), each under its 档号 (DA/T 22-2015), the\n"
    "归档文件目录 (PDF and CSV), the 四性检测 report (DA/T 70, PDF and JSON), the signed tree head,\n"
    "the public key, an inclusion proof per exported version, and bag-signature.txt: the signing\n"
    "key's signature over manifest-sha512.txt and bag-info.txt, so that nothing can be removed,\n"
    "swapped or edited and the bag re-sealed (no signing key: no statement, and package verify\n"
    "reports the bag as unproven). Check it with `gongkai package verify DIR`. DIR must not\n"
    "exist; it appears complete or not at all.\n"
    "\n"
    "  --category C  only 体裁 C, or 主题分类 C (or under C)\n"
    "  --issuer I    only 发布机构 I\n"
    "  --fonds F     全宗号 (default: \"fonds\" in ROOT/extensions/gongkai-package/config.json)\n"
    "  --key PUB     key that must have signed the tree head (default: the archive's public key)\n"
    "  --signing-key PATH  private key that signs the export's audit entry (default: GONGKAI_KEY,\n"
    "                then the archive's signing configuration; see gongkai archive keygen)\n"
    "Exit 1 when a 四性 rule fails (the bag is still written, the report says what failed).\n";

int run(const cli::Args& args) {
  std::string err;
  auto o = cli::parse_options(args, {"year", "out", "category", "issuer", "fonds", "key", "signing-key", "date"}, {"history", "help"}, err);
  if (!o) return cli::fail(err + "\n" + kHelp, cli::kUsage);
  if (o->has("help")) {
    std::cout << kHelp;
    return cli::kOk;
  }
  if (std::string extra = cli::extra_argument(*o, 1); !extra.empty()) return cli::fail(extra + "\n" + kHelp, cli::kUsage);
  if (o->positional.size() != 1 || !o->get("year") || !o->get("out"))
    return cli::fail(std::string("archive export needs ROOT, --year and --out\n") + kHelp, cli::kUsage);
  if (err = cli::empty_value(*o); !err.empty()) return cli::fail(err, cli::kUsage);
  // Values that are wrong whatever the archive holds are usage errors, as search says them.
  if (const std::string y = *o->get("year"); y.size() != 4 || y.find_first_not_of("0123456789") != std::string::npos)
    return cli::fail("--year must be four digits, not '" + y + "'", cli::kUsage);
  if (auto f = o->get("fonds"); f && !package::valid_fonds(*f))
    return cli::fail("全宗号 '" + *f + "' is not 1-4 characters of 0-9 and A-Z", cli::kUsage);
  package::ExportOptions eo;
  eo.root = o->positional[0];
  eo.out = *o->get("out");
  eo.year = *o->get("year");
  eo.category = o->get("category").value_or("");
  eo.issuer = o->get("issuer").value_or("");
  eo.fonds = o->get("fonds").value_or("");
  eo.bagging_date = o->get("date").value_or("");
  eo.history = o->has("history");
  eo.signing_key = o->get("signing-key").value_or("");
  for (auto& k : o->all("key")) {
    auto pk = audit::PublicKey::load(k);
    if (!pk) return cli::fail(pk.error().str());
    eo.trusted.push_back(*pk);
  }
  std::optional<cli::Progress> bar;
  eo.progress = [&](size_t, size_t total) {
    if (!bar) bar.emplace("export", total);
    bar->tick();
  };
  auto r = package::export_bag(eo);
  if (bar) bar->finish();
  if (!r) return cli::fail(r.error().str());
  for (auto& w : r->removed) std::cerr << "gongkai: note: removed " << w << ", left by an export that was interrupted\n";
  std::cout << "exported " << r->items << " item(s), " << r->versions << " version(s), " << r->files << " file(s) ("
            << r->bytes << " bytes) to " << eo.out << ": " << r->first << " — " << r->last << "\n";
  if (!r->sealed)
    std::cerr << "gongkai: warning: no signing key, so the bag has no signed statement (bag-signature.txt): package "
                 "verify will report its completeness, 目录, 四性检测报告 and bag-info as unproven\n";
  if (r->failed_rules.empty()) {
    std::cout << "四性检测: all rules pass\n";
    return cli::kOk;
  }
  std::cout << "四性检测: failed";
  for (auto& f : r->failed_rules) std::cout << " " << f;
  std::cout << " (see 四性检测报告.json in the bag)\n";
  return cli::kFailed;
}

GK_SUBCOMMAND("archive", "export", "a year's disclosures as a BagIt bag with 目录, 四性 report and log proofs", run);

}  // namespace
