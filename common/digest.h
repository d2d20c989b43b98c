// Message digests through OpenSSL (sha256, sha512, sm3). Lowercase hex, as OCFL and BagIt want.
#pragma once
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"

namespace gk {

enum class DigestAlgorithm { sha256, sha512, sm3 };

// Incremental digest.
class Hasher {
 public:
  explicit Hasher(DigestAlgorithm alg);
  ~Hasher();
  Hasher(const Hasher&) = delete;
  Hasher& operator=(const Hasher&) = delete;
  void update(std::string_view bytes);
  std::string hex();     // finishes; lowercase hex
  std::string binary();  // finishes; raw bytes

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

std::string digest_hex(DigestAlgorithm alg, std::string_view bytes);
std::string digest_binary(DigestAlgorithm alg, std::string_view bytes);
Result<std::string> digest_file_hex(DigestAlgorithm alg, const std::string& path);
std::string to_hex(std::string_view bytes);

}  // namespace gk
