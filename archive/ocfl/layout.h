// Storage layout extension 0004-hashed-n-tuple-storage-layout: object id -> object root path.
#pragma once
#include <string>

#include "archive/ocfl/json.h"
#include "common/status.h"

namespace gk::ocfl {

inline constexpr const char* kLayout0004 = "0004-hashed-n-tuple-storage-layout";

struct HashedNTupleLayout {
  std::string digest_algorithm = "sha256";
  int tuple_size = 3;
  int number_of_tuples = 3;
  bool short_object_root = false;

  // Relative path of the object root, e.g. "3c0/ff4/240/3c0ff4...". Ids are hashed as UTF-8
  // bytes, so any id (with '/', '..', control or CJK characters) maps to hex-only names.
  std::string object_path(const std::string& id) const;
  Json config_json() const;
  // Reads config.json of the extension (missing keys take the defaults); checks constraints.
  static Result<HashedNTupleLayout> from_config(const std::string& text, const std::string& where);
};

}  // namespace gk::ocfl
