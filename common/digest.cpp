#include "common/digest.h"

#include <openssl/evp.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <vector>

namespace gk {

struct Hasher::Impl {
  EVP_MD_CTX* ctx = nullptr;
};

static const EVP_MD* md_of(DigestAlgorithm alg) {
  switch (alg) {
    case DigestAlgorithm::sha256: return EVP_sha256();
    case DigestAlgorithm::sha512: return EVP_sha512();
    case DigestAlgorithm::sm3: return EVP_sm3();
  }
  return EVP_sha512();
}

Hasher::Hasher(DigestAlgorithm alg) : impl_(std::make_unique<Impl>()) {
  impl_->ctx = EVP_MD_CTX_new();
  if (!impl_->ctx || EVP_DigestInit_ex(impl_->ctx, md_of(alg), nullptr) != 1)
    throw std::runtime_error("OpenSSL digest init failed");
}

Hasher::~Hasher() { EVP_MD_CTX_free(impl_->ctx); }

void Hasher::update(std::string_view bytes) { EVP_DigestUpdate(impl_->ctx, bytes.data(), bytes.size()); }

std::string Hasher::binary() {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_DigestFinal_ex(impl_->ctx, out, &n);
  return std::string(reinterpret_cast<char*>(out), n);
}

std::string Hasher::hex() { return to_hex(binary()); }

std::string to_hex(std::string_view bytes) {
  static const char* digits = "0123456789abcdef";
  std::string s;
  s.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    s.push_back(digits[c >> 4]);
    s.push_back(digits[c & 15]);
  }
  return s;
}

std::string digest_binary(DigestAlgorithm alg, std::string_view bytes) {
  Hasher h(alg);
  h.update(bytes);
  return h.binary();
}

std::string digest_hex(DigestAlgorithm alg, std::string_view bytes) { return to_hex(digest_binary(alg, bytes)); }

Result<std::string> digest_file_hex(DigestAlgorithm alg, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(std::string("cannot read: ") + std::strerror(errno), path);
  Hasher h(alg);
  std::vector<char> buf(1 << 20);
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    if (in.gcount() > 0) h.update(std::string_view(buf.data(), static_cast<size_t>(in.gcount())));
  }
  if (in.bad()) return make_error("read error", path);
  return h.hex();
}

}  // namespace gk
