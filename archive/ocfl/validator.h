// OCFL 1.1 validation of one object or of a whole storage root. Findings carry the code of the
// OCFL validation-codes table (E0xx errors for MUST, W0xx warnings for SHOULD), a message and the
// path concerned. The validator only reads; content digests are streamed (bounded memory).
#pragma once
#include <set>
#include <string>
#include <vector>

namespace gk::ocfl {

enum class Severity { error, warning };

struct Finding {
  Severity severity = Severity::error;
  std::string code;     // "E060", "W004", ...
  std::string path;     // the file or directory concerned
  std::string message;  // what is wrong, in one line
  std::string str() const { return code + " " + path + ": " + message; }  // "E060 <path>: <message>"
};

struct ValidationReport {
  std::vector<Finding> findings;
  int objects = 0;  // objects examined (storage root validation)

  bool valid() const { return error_count() == 0; }
  size_t error_count() const;
  size_t warning_count() const;
  std::set<std::string> codes() const;
  bool has(const std::string& code) const { return codes().count(code) > 0; }
  // One finding per line: "E060 <path>: <message>".
  std::string str() const;

  void error(std::string code, std::string path, std::string message);
  void warning(std::string code, std::string path, std::string message);
};

struct ValidatorOptions {
  // Read every content file and compare manifest (E092) and fixity (E093) digests.
  bool check_digests = true;
  // Fixity algorithms defined by a documented local extension and therefore not E056. gongkai
  // documents "sm3" (GB/T 32905, 64 hex digits) in its storage roots; it is verified like others.
  std::set<std::string> extra_fixity_algorithms{"sm3"};
  // Extension directory names documented as local extensions in the storage root (no W013/W016).
  std::set<std::string> local_extensions{"gongkai-staging"};
};

class Validator {
 public:
  explicit Validator(ValidatorOptions options = {}) : options_(std::move(options)) {}
  // Validates the OCFL object whose root is `object_root`.
  ValidationReport validate_object(const std::string& object_root) const;
  // Validates a storage root: declaration, layout, extensions, hierarchy, and every object in it.
  ValidationReport validate_storage_root(const std::string& root) const;

 private:
  ValidatorOptions options_;
};

}  // namespace gk::ocfl
