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

// Called for each head whose signature and root check out, after every entry it covers was
// handed to the EntryVisitor (so a caller can judge the signer by what the log said up to
// there); an error stops the pass and is returned. `line` is the head's line in heads.jsonl.
using HeadVisitor = std::function<Status(const Head& h, const std::string& heads_path, int line)>;

// verify_log() (log.h) that also hands every entry it reads to `each` (entries after a failure
// are not read) and every verified head to `on_head` (when given).
Result<VerifyReport> verify_log(const std::string& dir, std::span<const PublicKey> trusted, const EntryVisitor& each,
                                const HeadVisitor& on_head = nullptr);

// Every complete line of log.jsonl parsed as an entry, in order, heads not looked at. Stops at the
// first line that is not a canonical entry with the next seq (returning why).
Status scan_entries(const std::string& dir, const EntryVisitor& each);

}  // namespace gk::audit
