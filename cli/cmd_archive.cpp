// gongkai archive init | keygen | validate: creating a storage root, its signing key, and
// checking it against OCFL 1.1.
#include <filesystem>
#include <iostream>
#include <map>
#include <sstream>

#include "archive/catalogue/catalogue.h"
#include "archive/ingest/audit_hook.h"
#include "archive/ocfl/layout.h"
#include "archive/ocfl/store.h"
#include "archive/ocfl/validator.h"
#include "cli/command.h"
#include "cli/options.h"
#include "common/files.h"

namespace fs = std::filesystem;
using namespace gk;

namespace {

const char* kInitHelp =
    "usage: gongkai archive init ROOT\n"
    "\n"
    "Creates an OCFL 1.1 storage root in ROOT (missing or empty directory), with the storage\n"
    "layout extension 0004-hashed-n-tuple-storage-layout (sha256, 3 tuples of 3): object ids are\n"
    "hashed, never used as paths, and an empty search catalogue beside it (ROOT.catalogue.sqlite,\n"
    "derived data). An existing storage root is left as it is. No signing key is made: see\n"
    "`gongkai archive keygen` (which logs the key's arrival in the audit log).\n";

const char* kKeygenHelp =
    "usage: gongkai archive keygen ROOT [--key PATH]\n"
    "\n"
    "Makes the Ed25519 key that signs the archive's audit log. The private key is written OUTSIDE\n"
    "the storage root, to PATH or by default to ROOT/../<root name>.audit-key.pem (mode 0600);\n"
    "keep it safe and back it up separately. The public key goes into the root\n"
    "(extensions/gongkai-signing/<fingerprint>.pem) and extensions/gongkai-signing/config.json\n"
    "records where the private key is. Every later write signs a tree head with it; another key\n"
    "can be given per command with --key or the GONGKAI_KEY environment variable. The key's\n"
    "arrival is the first thing it signs: a key-rotate entry pinning config.json.\n"
    "Refused if the archive already has a signing key.\n";

const char* kValidateHelp =
    "usage: gongkai archive validate ROOT [ID] [--all-warnings]\n"
    "\n"
    "Validates the storage root (or only the object ID) against OCFL 1.1: structure, inventories,\n"
    "sidecars and the digest of every content file. Prints one line per finding with the code of\n"
    "the OCFL validation-codes table (E0xx error, W0xx warning), then a summary. A warning code\n"
    "found more than 3 times (W005 for every object: 索引号 ids are not URIs) is shown 3 times and\n"
    "counted; --all-warnings prints every one. Exit code 1 when there is any error, 0 otherwise\n"
    "(warnings only). Read-only.\n";

std::optional<cli::Options> parse(const cli::Args& args, const std::set<std::string>& values, const char* help,
                                  size_t positionals_min, size_t positionals_max, int& code) {
  return cli::parse_command(args, values, {}, help, positionals_min, positionals_max, code);
}

int run_init(const cli::Args& args) {
  int code = 0;
  auto o = parse(args, {}, kInitHelp, 1, 1, code);
  if (!o) return code;
  const std::string& root = o->positional[0];
  bool existed = fs::exists(root + "/0=ocfl_1.1");
  auto st = ocfl::Store::init(root);
  if (!st) return cli::fail(st.error().str());
  std::cout << (existed ? "storage root already exists: " : "created OCFL 1.1 storage root: ") << root << "\n";
  if (!st->recovery().actions.empty()) std::cout << st->recovery().str();
  // An empty catalogue beside a new root: the first adds then append to it instead of rebuilding
  // it from a scan of the whole store (the same bytes either way, catalogue.h).
  std::string cat = catalogue::default_path(root);
  if (!existed && !fs::exists(cat))
    if (auto ix = catalogue::Index::create(cat); !ix)
      std::cerr << "gongkai: note: no catalogue created (" << ix.error().str() << "); the first search builds it\n";
  return cli::kOk;
}

int run_keygen(const cli::Args& args) {
  int code = 0;
  auto o = parse(args, {"key"}, kKeygenHelp, 1, 1, code);
  if (!o) return code;
  auto r = ingest::keygen(o->positional[0], o->get("key").value_or(""));
  if (!r) return cli::fail(r.error().str());
  std::cout << "signing key " << r->fingerprint << "\n"
            << "  private key (keep it outside the archive, back it up): " << r->private_path << "\n"
            << "  public key: " << r->public_path << "\n";
  return cli::kOk;
}

// Extension directories documented in the root's gongkai-local-extensions.md ("## name (...").
std::set<std::string> documented_extensions(const std::string& root) {
  std::set<std::string> names{"gongkai-staging", "gongkai-audit", ingest::kSigningExtension};
  auto text = read_file(root + "/gongkai-local-extensions.md");
  if (!text) return names;
  std::istringstream in(*text);
  for (std::string line; std::getline(in, line);)
    if (line.rfind("## ", 0) == 0 && line.find("(storage root extension directory)") != std::string::npos)
      names.insert(line.substr(3, line.find(' ', 3) - 3));
  return names;
}

int run_validate(const cli::Args& args) {
  int code = 0;
  auto o = cli::parse_command(args, {}, {"all-warnings"}, kValidateHelp, 1, 2, code);
  if (!o) return code;
  const std::string& root = o->positional[0];
  ocfl::ValidatorOptions vo;
  vo.local_extensions = documented_extensions(root);
  ocfl::Validator validator(vo);
  ocfl::ValidationReport rep;
  std::string what;
  if (o->positional.size() == 2) {
    const std::string& id = o->positional[1];
    // Mapped with the root's own layout configuration, without opening (and recovering) the store.
    ocfl::HashedNTupleLayout layout;
    std::string cfg = root + "/extensions/" + ocfl::kLayout0004 + "/config.json";
    if (!fs::exists(root + "/0=ocfl_1.1")) return cli::fail(make_error("not an OCFL 1.1 storage root", root).str());
    if (fs::exists(cfg)) {
      auto text = read_file(cfg);
      if (!text) return cli::fail(text.error().str());
      auto l = ocfl::HashedNTupleLayout::from_config(*text, cfg);
      if (!l) return cli::fail(l.error().str());
      layout = *l;
    }
    std::string dir = root + "/" + layout.object_path(id);
    if (!fs::exists(dir)) return cli::fail(make_error("no object with id '" + id + "' in this archive", root).str());
    rep = validator.validate_object(dir);
    what = "object '" + id + "'";
  } else {
    rep = validator.validate_storage_root(root);
    what = std::to_string(rep.objects) + " object(s)";
  }
  // Errors in full; a warning repeated per object would bury them (100,000 lines of W005).
  const bool all = o->has("all-warnings");
  std::map<std::string, size_t> seen, more;
  for (const auto& f : rep.findings) {
    if (all || f.severity == ocfl::Severity::error || seen[f.code]++ < 3)
      std::cout << f.str() << "\n";
    else
      ++more[f.code];
  }
  for (const auto& [c, n] : more) std::cout << c << " in " << n << " more place(s) (--all-warnings lists them)\n";
  std::cout << (rep.valid() ? "valid: " : "INVALID: ") << what << ", " << rep.error_count() << " error(s), "
            << rep.warning_count() << " warning(s)\n";
  return rep.valid() ? cli::kOk : cli::kFailed;
}

}  // namespace

GK_SUBCOMMAND("archive", "init", "create an OCFL 1.1 storage root", run_init);
GK_SUBCOMMAND("archive", "keygen", "make the key that signs the archive's audit log", run_keygen);
GK_SUBCOMMAND("archive", "validate", "check a storage root or one object against OCFL 1.1", run_validate);
