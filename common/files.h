// File helpers with the guarantees the product promises: an output file is either absent, or its
// previous content, or complete; never half-written.
#pragma once
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace gk {

// Reads a whole file.
Result<std::string> read_file(const std::string& path);

// Writes bytes to a temporary file beside `path`, fsyncs it, then renames it over `path`.
// On any failure the temporary file is removed and `path` is untouched.
Status write_file_atomic(const std::string& path, std::string_view bytes, bool durable = true);

// An error when `out` is the same file as one of the inputs ({option, path}): writing it would
// destroy the input ("--out record.xml").
Status refuse_overwriting_input(const std::string& out, const std::vector<std::pair<std::string, std::string>>& inputs);

// An error unless `dir` is an existing, writable directory ("output directory does not exist").
Status check_writable_dir(const std::string& dir);

// Every *.xml (any case) under dir, subfolders included (offices file records by month), sorted
// by path; names starting with '.' (editor and system files) are left out. Anything else named
// *.xml that is not a readable file (a dangling link, a folder, a device) is an error, as is a
// folder that cannot be listed: a record silently missing would change counts and renders.
Result<std::vector<std::string>> xml_files(const std::string& dir);

// Whether `path` is `dir` or below it, links resolved (either may not exist yet).
bool is_within(const std::string& path, const std::string& dir);

// fsync a directory so that a rename inside it survives a crash.
Status sync_directory(const std::string& dir);

}  // namespace gk
