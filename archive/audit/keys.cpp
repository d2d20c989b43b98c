#include "archive/audit/keys.h"

#include <fcntl.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "common/digest.h"
#include "common/files.h"

namespace gk::audit {
namespace {

using Pkey = std::shared_ptr<EVP_PKEY>;
Pkey wrap(EVP_PKEY* k) { return Pkey(k, EVP_PKEY_free); }

struct Bio {
  BIO* b;
  explicit Bio(BIO* x) : b(x) {}
  ~Bio() { BIO_free(b); }
  std::string str() const {
    char* p = nullptr;
    long n = BIO_get_mem_data(b, &p);
    return std::string(p, static_cast<size_t>(n));
  }
};

Result<std::string> fingerprint_of(EVP_PKEY* k, const std::string& where) {
  unsigned char raw[32];
  size_t len = sizeof raw;
  if (EVP_PKEY_get_raw_public_key(k, raw, &len) != 1 || len != 32)
    return make_error("cannot read the Ed25519 public key bytes", where);
  return digest_hex(DigestAlgorithm::sha256, std::string_view(reinterpret_cast<char*>(raw), len));
}

std::string errno_text(const char* what) { return std::string(what) + ": " + std::strerror(errno); }

// Writes `bytes` under `path` with mode 0600, failing if `path` exists: a temporary file gets
// the content and is fsynced first, then link() gives it the final name without overwriting.
Status write_new_private(const std::string& path, const std::string& bytes) {
  std::filesystem::path target(path);
  std::string dir = target.parent_path().string();
  std::string tmp_name = target.filename().string();
  tmp_name.insert(0, 1, '.');
  tmp_name.append(".XXXXXX");
  std::string tmpl = (target.parent_path() / tmp_name).string();
  int fd = ::mkstemp(tmpl.data());  // mkstemp creates 0600
  if (fd < 0) return make_error(errno_text("cannot create"), path);
  auto fail = [&](std::string msg) {
    ::close(fd);
    ::unlink(tmpl.c_str());
    return Status(make_error(std::move(msg), path));
  };
  if (::fchmod(fd, 0600) != 0) return fail(errno_text("chmod failed"));
  size_t off = 0;
  while (off < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + off, bytes.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail(errno_text("write failed"));
    off += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) return fail(errno_text("fsync failed"));
  ::close(fd);
  int rc = ::link(tmpl.c_str(), path.c_str());
  int e = errno;
  ::unlink(tmpl.c_str());
  if (rc != 0) {
    errno = e;
    return make_error(e == EEXIST ? std::string("already exists; a key is never overwritten") : errno_text("cannot create"), path);
  }
  return sync_directory(dir.empty() ? "." : dir);
}

}  // namespace

Result<PublicKey> PublicKey::from_pem(std::string_view pem, const std::string& where) {
  Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  Pkey k = wrap(PEM_read_bio_PUBKEY(bio.b, nullptr, nullptr, nullptr));
  if (!k) return make_error("not a PEM public key", where);
  if (EVP_PKEY_get_id(k.get()) != EVP_PKEY_ED25519) return make_error("not an Ed25519 public key", where);
  auto fp = fingerprint_of(k.get(), where);
  if (!fp) return fp.error();
  PublicKey out;
  out.key_ = std::move(k);
  out.fingerprint_ = *fp;
  return out;
}

Result<PublicKey> PublicKey::load(const std::string& path) {
  auto text = read_file(path);
  if (!text) return text.error();
  return from_pem(*text, path);
}

std::string PublicKey::pem() const {
  Bio bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_PUBKEY(bio.b, key_.get());
  return bio.str();
}

bool PublicKey::verify(std::string_view message, std::string_view signature) const {
  if (!key_ || signature.size() != 64) return false;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  bool ok = ctx && EVP_DigestVerifyInit(ctx, nullptr, nullptr, nullptr, key_.get()) == 1 &&
            EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                             reinterpret_cast<const unsigned char*>(message.data()), message.size()) == 1;
  EVP_MD_CTX_free(ctx);
  return ok;
}

Result<PrivateKey> PrivateKey::load(const std::string& path) {
  struct stat st{};
  if (::stat(path.c_str(), &st) != 0) return make_error(errno_text("cannot read"), path);
  if (st.st_mode & 077) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    return make_error(std::string("private key file is accessible to group or others (mode ") + mode + "); chmod 600 it",
                      path);
  }
  auto text = read_file(path);
  if (!text) return text.error();
  Bio bio(BIO_new_mem_buf(text->data(), static_cast<int>(text->size())));
  Pkey k = wrap(PEM_read_bio_PrivateKey(bio.b, nullptr, nullptr, nullptr));
  if (!k) return make_error("not an unencrypted PEM private key", path);
  if (EVP_PKEY_get_id(k.get()) != EVP_PKEY_ED25519) return make_error("not an Ed25519 private key", path);
  auto fp = fingerprint_of(k.get(), path);
  if (!fp) return fp.error();
  PrivateKey out;
  out.key_ = k;
  out.public_.key_ = k;  // EVP_PKEY of a private key also verifies
  out.public_.fingerprint_ = *fp;
  return out;
}

Result<std::string> PrivateKey::sign(std::string_view message) const {
  std::string sig(64, '\0');
  size_t len = sig.size();
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  bool ok = ctx && EVP_DigestSignInit(ctx, nullptr, nullptr, nullptr, key_.get()) == 1 &&
            EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(sig.data()), &len,
                           reinterpret_cast<const unsigned char*>(message.data()), message.size()) == 1;
  EVP_MD_CTX_free(ctx);
  if (!ok || len != 64) return make_error("Ed25519 signing failed in OpenSSL");
  return sig;
}

Result<PublicKey> generate_keypair(const std::string& private_path, const std::string& public_path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  for (const std::string* p : {&private_path, &public_path})
    if (fs::exists(*p, ec) || fs::is_symlink(*p, ec)) return make_error("already exists; a key is never overwritten", *p);
  Pkey k = wrap(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
  if (!k) return make_error("Ed25519 key generation failed in OpenSSL");
  Bio priv(BIO_new(BIO_s_mem()));
  if (PEM_write_bio_PrivateKey(priv.b, k.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1)
    return make_error("cannot encode the private key");
  std::string priv_pem = priv.str();
  if (Status s = write_new_private(private_path, priv_pem); !s) return s.error();
  OPENSSL_cleanse(priv_pem.data(), priv_pem.size());
  Bio pub(BIO_new(BIO_s_mem()));
  if (PEM_write_bio_PUBKEY(pub.b, k.get()) != 1) return make_error("cannot encode the public key");
  std::string pub_pem = pub.str();
  if (Status s = write_file_atomic(public_path, pub_pem); !s) return s.error();
  return PublicKey::from_pem(pub_pem, public_path);
}

std::string base64_encode(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), reinterpret_cast<const unsigned char*>(bytes.data()),
                          static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

Result<std::string> base64_decode(std::string_view text) {
  if (text.size() % 4 != 0) return make_error("base64 length is not a multiple of 4");
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    bool pad_ok = c == '=' && i + 2 >= text.size() && (i + 1 == text.size() || text.back() == '=');
    bool alnum = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (!(alnum || c == '+' || c == '/' || pad_ok)) return make_error("not base64");
  }
  std::string out(text.size() / 4 * 3, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()), reinterpret_cast<const unsigned char*>(text.data()),
                          static_cast<int>(text.size()));
  if (n < 0) return make_error("not base64");
  size_t pad = text.size() >= 1 && text.back() == '=' ? (text.size() >= 2 && text[text.size() - 2] == '=' ? 2 : 1) : 0;
  out.resize(static_cast<size_t>(n) - pad);
  // Only the one canonical spelling (unused bits zero) is accepted.
  if (base64_encode(out) != text) return make_error("not canonical base64");
  return out;
}

}  // namespace gk::audit
