// Digest algorithms named as OCFL names them ("sha512", "md5", "blake2b-512", ...) plus "sm3",
// computed through OpenSSL EVP. Several algorithms are computed in one pass over a file so that
// validation reads every content file once, in bounded memory.
#pragma once
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace gk::ocfl {

// True when we can compute the algorithm: md5, sha1, sha256, sha512, blake2b-512, sm3.
bool digest_supported(const std::string& algorithm);
// Length in hex characters of a digest of this algorithm; 0 when unknown.
size_t digest_hex_length(const std::string& algorithm);
// True for a hex string of the algorithm's length (either case).
bool well_formed_digest(const std::string& algorithm, const std::string& digest);
std::string lower(std::string s);

// Computes several digests at once. Unsupported algorithm names are skipped.
class MultiDigest {
 public:
  explicit MultiDigest(const std::set<std::string>& algorithms);
  ~MultiDigest();
  MultiDigest(const MultiDigest&) = delete;
  MultiDigest& operator=(const MultiDigest&) = delete;
  void update(std::string_view bytes);
  std::map<std::string, std::string> finish();  // algorithm -> lowercase hex

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Streams a file through the algorithms (1 MiB buffer).
Result<std::map<std::string, std::string>> digest_file(const std::string& path, const std::set<std::string>& algorithms);
std::string digest_bytes(const std::string& algorithm, std::string_view bytes);

}  // namespace gk::ocfl
