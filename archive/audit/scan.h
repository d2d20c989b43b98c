// Reading the log in one pass for `archive verify` (which also needs every entry, not only the
// verdict): verify_log() with a visitor, and a plain entry scan for logs that fail verification.
#pragma once
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>

#include "archive/audit/log.h"

namespace gk::audit {

// Called for each entry in order with its line (without LF) and the line's offset in log.jsonl;
// an error stops the pass and is returned.
using EntryVisitor = std::function<Status(const Entry& e, std::string_view line, uint64_t offset)>;

// verify_log() (log.h) that also hands every entry it reads to `each` (entries after a failure
// are not read).
Result<VerifyReport> verify_log(const std::string& dir, std::span<const PublicKey> trusted, const EntryVisitor& each);

// Every complete line of log.jsonl parsed as an entry, in order, heads not looked at. Stops at the
// first line that is not a canonical entry with the next seq (returning why).
Status scan_entries(const std::string& dir, const EntryVisitor& each);

}  // namespace gk::audit
