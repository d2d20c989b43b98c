// Ed25519 signing keys for tree heads, entirely through OpenSSL 3 (EVP); no hand-written crypto.
// Files are PEM: private keys as unencrypted PKCS#8 ("BEGIN PRIVATE KEY"), mode 0600; public keys
// as SubjectPublicKeyInfo ("BEGIN PUBLIC KEY"). A key is named by its fingerprint: lowercase hex
// SHA-256 of the 32 raw public-key bytes.
#pragma once
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"

struct evp_pkey_st;  // OpenSSL's EVP_PKEY

namespace gk::audit {

// Where an archive keeps its public keys and signing configuration (written by `archive keygen`,
// archive/ingest/audit_hook.h; checked by archive/verify): <root>/extensions/gongkai-signing/,
// with config.json naming the private key (outside the root) and the public key.
inline constexpr const char* kSigningExtension = "gongkai-signing";
inline constexpr const char* kSigningConfig = "extensions/gongkai-signing/config.json";  // relative to the root

class PublicKey {
 public:
  static Result<PublicKey> load(const std::string& path);
  // `where` names the source in errors (a file name, "argument", ...).
  static Result<PublicKey> from_pem(std::string_view pem, const std::string& where);

  std::string pem() const;
  const std::string& fingerprint() const { return fingerprint_; }
  // True only for a valid Ed25519 signature of exactly `message`.
  bool verify(std::string_view message, std::string_view signature) const;

 private:
  std::shared_ptr<evp_pkey_st> key_;
  std::string fingerprint_;
  friend class PrivateKey;
};

class PrivateKey {
 public:
  // Refuses a file that group or others may read: a leaked signing key forges any history.
  static Result<PrivateKey> load(const std::string& path);

  // 64-byte Ed25519 signature.
  Result<std::string> sign(std::string_view message) const;
  const PublicKey& public_key() const { return public_; }
  const std::string& fingerprint() const { return public_.fingerprint(); }

 private:
  std::shared_ptr<evp_pkey_st> key_;
  PublicKey public_;
};

// Creates a new key pair. Neither file may exist yet (keys are never overwritten); the private
// key is created 0600 and fsynced before it gets its name. Returns the public key.
Result<PublicKey> generate_keypair(const std::string& private_path, const std::string& public_path);

// Standard base64 with padding, no line breaks. decode accepts only that exact form.
std::string base64_encode(std::string_view bytes);
Result<std::string> base64_decode(std::string_view text);

}  // namespace gk::audit
