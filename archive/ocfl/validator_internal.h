// Internals shared by the validator's translation units.
#pragma once
#include <functional>
#include <map>
#include <set>
#include <string>

#include "archive/ocfl/inventory.h"
#include "archive/ocfl/validator.h"
#include "archive/ocfl/validator_snapshot.h"

namespace gk::ocfl::detail {

struct InventoryContext {
  std::string where;          // path of the inventory file, for findings
  bool is_root = true;        // object root inventory, or a version directory's
  std::string expected_head;  // version inventories: their directory name
  const ValidatorOptions* options = nullptr;
};

struct CheckedInventory {
  bool parsed = false;        // a JSON object could be read
  Inventory inv;              // best-effort content (invalid parts left out)
  std::string spec_version;   // "1.0" / "1.1" from the type, "" if unknown
  bool algorithm_known = false;
  int version_width = 0;      // zero-padding width of version names, 0 = unpadded
};

// Structure checks of sections 3.5 and 3.5.x on one inventory text.
CheckedInventory check_inventory(const std::string& text, const InventoryContext& ctx, ValidationReport& r);

// Sidecar checks (E058, E060, E061) of the sidecar at `path` whose bytes are `body` (nullptr:
// missing); `inventory_digest` gives the inventory's digest in `algorithm` (computed only if needed).
void check_sidecar(const std::string& path, const std::string* body, const std::function<std::string()>& inventory_digest,
                   const std::string& algorithm, ValidationReport& r);

// ASCII lower case (digests): ocfl::lower's std::tolower per character showed in profiles of
// large archives; most digests are already lower case and are returned as they are.
inline std::string ascii_lower(std::string s) {
  for (auto& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

// Calls fn for each entry of the open directory (not "." and ".."), d_type as getdents gives it
// (DT_UNKNOWN on some filesystems). False on a read error.
bool each_entry(int dirfd, const std::function<void(const char* name, unsigned char d_type)>& fn);

ObjectSummary validate_object_into(const std::string& dir, const ValidatorOptions& o, ValidationReport& r);

// Registered extension names (OCFL community extensions).
bool registered_extension(const std::string& name);
// Fixity algorithms of the spec table or of registered extension 0001-digest-algorithms.
bool registered_fixity_algorithm(const std::string& name);

}  // namespace gk::ocfl::detail
