// Recovery after crashed writers (see store_commit.cpp for the phases it completes).
#include <algorithm>
#include <filesystem>

#include "archive/ocfl/digests.h"
#include "archive/ocfl/rules.h"
#include "archive/ocfl/store.h"
#include "archive/ocfl/store_internal.h"
#include "common/files.h"

namespace fs = std::filesystem;

namespace gk::ocfl {
namespace detail {
namespace {

// A version directory is usable when its inventory matches its sidecar, names it as head and
// belongs to the object.
bool usable_version(const std::string& vdir, const std::string& vname, const std::string& id, std::string& text) {
  auto t = gk::read_file(vdir + "/inventory.json");
  auto side = gk::read_file(vdir + "/inventory.json.sha512");
  if (!t || !side || *side != sidecar_for(*t)) return false;
  auto inv = Inventory::from_json(*t, vdir);
  if (!inv || inv->id != id || inv->head != vname) return false;
  text = std::move(*t);
  return true;
}

// Installs `inventory_text` (and its sidecar) as the root inventory, via files in `scratch`.
Status install_root_inventory(const std::string& root, const std::string& obj, const std::string& scratch,
                              const std::string& inventory_text, bool inventory_too, bool durable) {
  std::string tok = fsx::random_token();
  std::string inv_tmp = scratch + "/rec-" + tok + "-inventory.json";
  std::string side_tmp = scratch + "/rec-" + tok + "-inventory.json.sha512";
  if (inventory_too)
    if (auto s = fsx::write_new_file(inv_tmp, inventory_text); !s) return s;
  if (auto s = fsx::write_new_file(side_tmp, sidecar_for(inventory_text)); !s) return s;
  if (auto s = barrier(root, durable); !s) return s;
  if (inventory_too)
    if (auto s = fsx::rename_path(inv_tmp, obj + "/inventory.json"); !s) return s;
  if (auto s = fsx::rename_path(side_tmp, obj + "/inventory.json.sha512"); !s) return s;
  return barrier(root, durable);
}

}  // namespace

Status recover_object(const std::string& root, const std::string& obj, const std::string& scratch, bool durable,
                      RecoveryReport& report, std::optional<Inventory>* current) {
  std::error_code ec;
  if (!fs::exists(obj, ec)) {
    // A new object that was never moved in may have left empty tuple directories.
    fsx::remove_empty_parents(fs::path(obj).parent_path().string(), root);
    return {};
  }
  auto text = gk::read_file(obj + "/inventory.json");
  if (!text) return make_error("object has no readable root inventory", obj);
  auto inv = Inventory::from_json(*text, obj + "/inventory.json");
  if (!inv) return inv.error();
  int head = inv->head_number();
  int best = 0;
  std::string best_text;
  for (int k = head + 1; fs::exists(obj + "/" + version_name(k), ec); ++k) {
    std::string vname = version_name(k);
    std::string t;
    if (usable_version(obj + "/" + vname, vname, inv->id, t)) {
      best = k;
      best_text = std::move(t);
      continue;
    }
    // Cannot happen with our own writers (versions are complete before they are moved in); keep
    // the evidence out of the object instead of deleting it.
    for (int j = k; fs::exists(obj + "/" + version_name(j), ec); ++j) {
      std::string q = staging_dir(root) + "/quarantine";
      if (auto s = fsx::make_dirs(q); !s) return s;
      std::string dest = q + "/" + fs::path(obj).filename().string() + "-" + version_name(j) + "-" + fsx::random_token();
      if (auto s = fsx::rename_path(obj + "/" + version_name(j), dest); !s) return s;
      report.actions.push_back({RecoveryAction::Kind::rolled_back, obj,
                                "unusable " + version_name(j) + " moved to " + dest + "; head stays " + inv->head});
    }
    break;
  }
  if (best > 0) {
    if (auto s = install_root_inventory(root, obj, scratch, best_text, true, durable); !s) return s;
    report.actions.push_back({RecoveryAction::Kind::rolled_forward, obj,
                              "head " + inv->head + " -> " + version_name(best) + " for id '" + inv->id + "'"});
    return {};
  }
  auto side = gk::read_file(obj + "/inventory.json.sha512");
  if (!side || *side != sidecar_for(*text)) {
    // The inventory was switched but not yet its sidecar: complete the switch if the head
    // version's own inventory confirms the root inventory.
    auto vt = gk::read_file(obj + "/" + inv->head + "/inventory.json");
    if (vt && *vt == *text) {
      if (auto s = install_root_inventory(root, obj, scratch, *text, false, durable); !s) return s;
      report.actions.push_back({RecoveryAction::Kind::rolled_forward, obj, "sidecar of head " + inv->head + " completed"});
    }
    return {};
  }
  if (current) *current = std::move(*inv);
  return {};
}

}  // namespace detail

namespace {

// The journal entries' objects that phase 2 moved in (a new object's directory, or any of its
// new version directories), then, if there is one, the moves of the others from the staging.
Status finish_moves(const std::string& root, const std::string& txn, const Json::Array& entries) {
  std::error_code ec;
  struct Entry {
    std::string obj, stage;
    bool is_new;
    int old_head, new_head;
  };
  std::vector<Entry> list;
  bool any_moved = false;
  for (size_t i = 0; i < entries.size(); ++i) {
    const Json& e = entries[i];
    const Json *p = e.find("path"), *nh = e.find("new_head"), *oh = e.find("old_head"), *nw = e.find("new_object");
    if (!p || !p->is_string() || !nh || !oh || !nw) return {};  // an older journal: per object, as before
    Entry x{root + "/" + p->str(), txn + "/o" + std::to_string(i), nw->boolean(), static_cast<int>(oh->number()),
            static_cast<int>(nh->number())};
    if (x.is_new) any_moved |= fs::exists(x.obj, ec) && !fs::exists(x.stage, ec);
    else
      for (int n = x.old_head + 1; n <= x.new_head; ++n) any_moved |= fs::exists(x.obj + "/" + version_name(n), ec);
    list.push_back(std::move(x));
  }
  if (!any_moved) return {};
  for (const auto& x : list) {
    if (x.is_new) {
      if (fs::exists(x.obj, ec) || !fs::exists(x.stage, ec)) continue;
      if (auto s = fsx::make_dirs(fs::path(x.obj).parent_path().string()); !s) return s;
      if (auto s = fsx::rename_path(x.stage, x.obj); !s) return s;
      continue;
    }
    for (int n = x.old_head + 1; n <= x.new_head; ++n) {
      std::string v = version_name(n);
      if (fs::exists(x.obj + "/" + v, ec) || !fs::exists(x.stage + "/" + v, ec)) continue;
      if (auto s = fsx::rename_path(x.stage + "/" + v, x.obj + "/" + v); !s) return s;
    }
  }
  return {};
}

}  // namespace

Result<RecoveryReport> Store::recover() {
  RecoveryReport report;
  if (options_.read_only) return make_error("cannot recover: the storage root was opened read-only", root_);
  std::string staging = detail::staging_dir(root_);
  std::error_code ec;
  if (!fs::is_directory(staging, ec)) return report;
  auto guard = fsx::FileLock::acquire(staging + "/staging.lock", true, true);
  if (!guard) return guard.error();
  std::vector<std::string> txns;
  for (const auto& e : fs::directory_iterator(staging, ec))
    if (e.path().filename().string().rfind("txn-", 0) == 0) txns.push_back(e.path().string());
  std::sort(txns.begin(), txns.end());
  for (const auto& dir : txns) {
    auto l = fsx::FileLock::acquire(dir + "/lock", true, false);
    if (!l) {
      if (l.error().message == "busy") continue;  // a live writer
      // A writer that committed removes its directory: between the listing above and here it
      // may have gone (seen as "cannot open lock file: No such file or directory").
      if (!fs::exists(dir, ec)) continue;
      return l.error();
    }
    auto journal_text = gk::read_file(dir + "/journal.json");
    auto journal = journal_text ? parse_json(*journal_text) : Result<Json>(make_error("none"));
    if (!journal || !journal->is_array()) {
      report.actions.push_back({RecoveryAction::Kind::discarded_staging, dir, "writer stopped before its journal"});
      fsx::remove_tree(dir);
      continue;
    }
    // Once any object of the commit was moved in (phase 2 began, so the staging was durable),
    // the commit is finished from the staging: every object forward. Per object, a writer killed
    // halfway through phase 2 left a batch half archived (71 of 1,000 records) and, for a new
    // object whose tuple directories were made, an empty directory (E073).
    if (auto s = finish_moves(root_, dir, journal->array()); !s) return s.error();
    for (const auto& e : journal->array()) {
      const Json* p = e.find("path");
      const Json* nh = e.find("new_head");
      if (!p || !p->is_string() || !nh) continue;
      std::string obj = root_ + "/" + p->str();
      auto stripe = fsx::FileLock::acquire(detail::stripe_lock_path(root_, p->str()), true, true);
      if (!stripe) return stripe.error();
      size_t before = report.actions.size();
      if (auto s = detail::recover_object(root_, obj, dir, options_.durable, report); !s) return s.error();
      if (report.actions.size() != before) continue;
      int new_head = static_cast<int>(nh->number());
      auto text = gk::read_file(obj + "/inventory.json");
      auto inv = text ? Inventory::from_json(*text, obj) : Result<Inventory>(text.error());
      if (!inv)
        report.actions.push_back({RecoveryAction::Kind::rolled_back, obj, "new object was not created"});
      else if (inv->head_number() < new_head)
        report.actions.push_back({RecoveryAction::Kind::rolled_back, obj,
                                  version_name(new_head) + " discarded; head stays " + inv->head});
    }
    fsx::remove_tree(dir);
  }
  return report;
}

}  // namespace gk::ocfl
