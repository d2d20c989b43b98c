#include "archive/ocfl/digests.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>

#include "common/digest.h"

namespace gk::ocfl {

static const EVP_MD* md_for(const std::string& a) {
  if (a == "sha512") return EVP_sha512();
  if (a == "sha256") return EVP_sha256();
  if (a == "sha1") return EVP_sha1();
  if (a == "md5") return EVP_md5();
  if (a == "blake2b-512") return EVP_blake2b512();
  if (a == "sm3") return EVP_sm3();
  return nullptr;
}

bool digest_supported(const std::string& algorithm) { return md_for(algorithm) != nullptr; }

size_t digest_hex_length(const std::string& a) {
  if (a == "sha512" || a == "blake2b-512") return 128;
  if (a == "sha256" || a == "sm3") return 64;
  if (a == "sha1") return 40;
  if (a == "md5") return 32;
  return 0;
}

bool well_formed_digest(const std::string& algorithm, const std::string& digest) {
  size_t n = digest_hex_length(algorithm);
  if (n != 0 && digest.size() != n) return false;
  if (digest.empty()) return false;
  for (unsigned char c : digest)
    if (!std::isxdigit(c)) return false;
  return true;
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

struct MultiDigest::Impl {
  std::vector<std::pair<std::string, EVP_MD_CTX*>> ctx;
};

MultiDigest::MultiDigest(const std::set<std::string>& algorithms) : impl_(std::make_unique<Impl>()) {
  for (const auto& a : algorithms) {
    const EVP_MD* md = md_for(a);
    if (!md) continue;
    EVP_MD_CTX* c = EVP_MD_CTX_new();
    if (c && EVP_DigestInit_ex(c, md, nullptr) == 1) impl_->ctx.emplace_back(a, c);
    else EVP_MD_CTX_free(c);
  }
}

MultiDigest::~MultiDigest() {
  for (auto& [a, c] : impl_->ctx) EVP_MD_CTX_free(c);
}

void MultiDigest::update(std::string_view bytes) {
  for (auto& [a, c] : impl_->ctx) EVP_DigestUpdate(c, bytes.data(), bytes.size());
}

std::map<std::string, std::string> MultiDigest::finish() {
  std::map<std::string, std::string> out;
  for (auto& [a, c] : impl_->ctx) {
    unsigned char buf[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    EVP_DigestFinal_ex(c, buf, &n);
    out[a] = gk::to_hex(std::string_view(reinterpret_cast<char*>(buf), n));
  }
  return out;
}

Result<std::map<std::string, std::string>> digest_file(const std::string& path, const std::set<std::string>& algorithms) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return make_error(std::string("cannot read: ") + std::strerror(errno), path);
  MultiDigest md(algorithms);
  std::string buf(1 << 20, '\0');
  for (;;) {
    ssize_t n = ::read(fd, buf.data(), buf.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      int e = errno;
      ::close(fd);
      return make_error(std::string("read error: ") + std::strerror(e), path);
    }
    if (n == 0) break;
    md.update(std::string_view(buf.data(), static_cast<size_t>(n)));
  }
  ::close(fd);
  return md.finish();
}

std::string digest_bytes(const std::string& algorithm, std::string_view bytes) {
  MultiDigest md({algorithm});
  md.update(bytes);
  auto m = md.finish();
  return m.count(algorithm) ? m[algorithm] : std::string();
}

}  // namespace gk::ocfl
