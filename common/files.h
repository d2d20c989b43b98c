// File helpers with the guarantees the product promises: an output file is either absent, or its
// previous content, or complete; never half-written.
#pragma once
#include <string>
#include <string_view>

#include "common/status.h"

namespace gk {

// Reads a whole file.
Result<std::string> read_file(const std::string& path);

// Writes bytes to a temporary file beside `path`, fsyncs it, then renames it over `path`.
// On any failure the temporary file is removed and `path` is untouched.
Status write_file_atomic(const std::string& path, std::string_view bytes, bool durable = true);

// fsync a directory so that a rename inside it survives a crash.
Status sync_directory(const std::string& dir);

}  // namespace gk
