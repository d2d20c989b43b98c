// Internals shared by store.cpp, store_commit.cpp and store_recover.cpp.
#pragma once
#include <optional>
#include <string>

#include "archive/ocfl/fsutil.h"
#include "archive/ocfl/store.h"

namespace gk::ocfl::detail {

inline constexpr const char* kStagingExtension = "gongkai-staging";
inline constexpr const char* kObjectDeclaration = "0=ocfl_object_1.1";

// <root>/extensions/gongkai-staging: transactions (txn-*), stripe locks, quarantine.
std::string staging_dir(const std::string& root);
// Lock file serialising writers of objects whose layout path starts with the same 3 hex digits
// (the first tuple, so objects sharing a lock also share intermediate directories).
std::string stripe_lock_path(const std::string& root, const std::string& object_rel_path);
// Sidecar content for an inventory text: "<sha512> inventory.json\n".
std::string sidecar_for(const std::string& inventory_json);
// Durability barrier over the storage root's file system (no-op when not durable).
Status barrier(const std::string& root, bool durable);

// A writer's (or recoverer's) private area: txn-<token>/ with a held lock file. A directory whose
// lock is free belongs to a dead process and is recovered by Store::recover.
struct Txn {
  std::string dir;
  fsx::FileLock lock;
  static Result<Txn> begin(const std::string& root);
  void discard() { fsx::remove_tree(dir); }
};

// Brings one object to a consistent head: rolls forward complete version directories beyond
// the root inventory's head and a root sidecar left stale; moves an unusable extra version
// directory to quarantine (roll back). Temporaries go to `scratch`. Caller holds the stripe lock.
// When the object exists and needed nothing, `current` (if given) receives its root inventory,
// already read and checked against its sidecar, so a writer need not read it again.
Status recover_object(const std::string& root, const std::string& object_dir, const std::string& scratch,
                      bool durable, RecoveryReport& report, std::optional<Inventory>* current = nullptr);

}  // namespace gk::ocfl::detail
