// Key material that is wiped when freed and compared in constant time.
#ifndef MCXTEST_CRYPTO_SECRET_H_
#define MCXTEST_CRYPTO_SECRET_H_

#include <cstdint>
#include <vector>

#include "crypto/bytes.h"

namespace mcx {

// Wipes memory in a way the optimizer may not remove (OPENSSL_cleanse).
void SecureZero(void* data, size_t size);

// Constant-time equality for equal-length buffers; false if lengths differ.
bool ConstantTimeEquals(ByteSpan a, ByteSpan b);

// Octets that hold a secret: zeroized on destruction and on reassignment.
// Printing it needs an explicit ToHex(secret.span()).
class SecretBytes {
 public:
  SecretBytes() = default;
  explicit SecretBytes(Bytes bytes) : bytes_(std::move(bytes)) {}
  explicit SecretBytes(ByteSpan bytes) : bytes_(bytes.begin(), bytes.end()) {}
  SecretBytes(const SecretBytes& other) : bytes_(other.bytes_) {}
  SecretBytes(SecretBytes&& other) noexcept : bytes_(std::move(other.bytes_)) { other.Wipe(); }
  SecretBytes& operator=(const SecretBytes& other) {
    if (this != &other) {
      Wipe();
      bytes_ = other.bytes_;
    }
    return *this;
  }
  SecretBytes& operator=(SecretBytes&& other) noexcept {
    if (this != &other) {
      Wipe();
      bytes_ = std::move(other.bytes_);
      other.Wipe();
    }
    return *this;
  }
  ~SecretBytes() { Wipe(); }

  ByteSpan span() const { return bytes_; }
  const uint8_t* data() const { return bytes_.data(); }
  uint8_t* mutable_data() { return bytes_.data(); }
  size_t size() const { return bytes_.size(); }
  bool empty() const { return bytes_.empty(); }

  bool operator==(const SecretBytes& other) const { return ConstantTimeEquals(span(), other.span()); }

 private:
  void Wipe() {
    SecureZero(bytes_.data(), bytes_.size());
    bytes_.clear();
  }
  Bytes bytes_;
};

}  // namespace mcx

#endif  // MCXTEST_CRYPTO_SECRET_H_
