// Internals shared by the validator's translation units.
#pragma once
#include <map>
#include <set>
#include <string>

#include "archive/ocfl/inventory.h"
#include "archive/ocfl/validator.h"

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

// Sidecar checks (E058, E060, E061) of `dir`/inventory.json.<algorithm>.
void check_sidecar(const std::string& dir, const std::string& inventory_text, const std::string& algorithm,
                   ValidationReport& r);

struct ObjectSummary {
  bool is_object = false;
  std::string id;
  std::string spec_version;  // from the declaration
};
ObjectSummary validate_object_into(const std::string& dir, const ValidatorOptions& o, ValidationReport& r);

// Registered extension names (OCFL community extensions).
bool registered_extension(const std::string& name);
// Fixity algorithms of the spec table or of registered extension 0001-digest-algorithms.
bool registered_fixity_algorithm(const std::string& name);

}  // namespace gk::ocfl::detail
