// The extension type 7 key parameters (TS 33.180 E.6, 8.5.4): the protected
// payload parser, its AES-128-GCM decryption and the Key Parameters content
// parser behind it. A random protected payload never carries a valid tag,
// so the first input octet picks what the rest is:
//   even: the type-7 extension data, wrapped in a minimal I_MESSAGE and
//         parsed by the codec, then decrypted under a fixed key;
//   odd:  a Key Parameters content in clear: parsed directly, and also
//         encrypted under the fixed key into a protected payload that the
//         real decrypter must open and parse to the same result.
#include <openssl/evp.h>

#include <cstdint>
#include <cstdlib>
#include <memory>

#include "crypto/bytes.h"
#include "crypto/openssl_ptr.h"
#include "mikey/codec.h"
#include "mikey/key_params_crypto.h"

namespace {

using mcx::Bytes;
using mcx::ByteSpan;
namespace mikey = mcx::mikey;

// A fixed 16-octet key and DPPK-ID (the latter also the HDR CSB-ID).
const Bytes& Key() {
  static const auto* key = new Bytes(mcx::ToBytes("fuzz-gmk-0123456"));
  return *key;
}
constexpr uint32_t kDppkId = 0x06a12aea;

void Check(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "key_params_fuzzer: %s\n", what);
  std::abort();
}

// HDR (version 1, SAKKE, next payload GENERAL EXTENSION, PRF 1, CSB-ID,
// #CS 0, empty map) then one type-7 extension holding `ext_data`.
Bytes WrapInMessage(ByteSpan ext_data) {
  Bytes wire = {1, mikey::kDataTypeSakkeMessage, static_cast<uint8_t>(mikey::PayloadType::kGeneralExt), 1};
  Bytes csb = mcx::FixedBigEndian(kDppkId, 4);
  wire.insert(wire.end(), csb.begin(), csb.end());
  wire.insert(wire.end(), {0, 1, 0, mikey::kExtTypeKeyParameters});
  Bytes length = mcx::FixedBigEndian(ext_data.size(), 2);
  wire.insert(wire.end(), length.begin(), length.end());
  wire.insert(wire.end(), ext_data.begin(), ext_data.end());
  return wire;
}

// AES-128-GCM of arbitrary octets under the DPCK, as a sender would seal a
// Key Parameters content (the decrypter under test must open it).
mikey::ProtectedPayload Seal(ByteSpan plaintext) {
  mikey::ProtectedPayload p;
  p.dppk_id = kDppkId;
  p.iv.fill(0x5c);
  auto dpck = mikey::DeriveDpck(Key(), kDppkId);
  Check(dpck.ok(), "DeriveDpck");
  mcx::ossl::UniquePtr<EVP_CIPHER_CTX> ctx(EVP_CIPHER_CTX_new());
  Bytes aad = p.AssociatedData();
  Bytes out(plaintext.size() + mikey::kGcmTagSize);
  int n = 0, ignored = 0;
  bool ok = EVP_EncryptInit_ex(ctx.get(), EVP_aes_128_gcm(), nullptr, nullptr, nullptr) == 1 &&
            EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, mikey::kProtectedPayloadIvSize, nullptr) == 1 &&
            EVP_EncryptInit_ex(ctx.get(), nullptr, nullptr, dpck->data(), p.iv.data()) == 1 &&
            EVP_EncryptUpdate(ctx.get(), nullptr, &ignored, aad.data(), static_cast<int>(aad.size())) == 1 &&
            EVP_EncryptUpdate(ctx.get(), out.data(), &n, plaintext.data(), static_cast<int>(plaintext.size())) == 1 &&
            EVP_EncryptFinal_ex(ctx.get(), out.data() + n, &ignored) == 1 &&
            EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, mikey::kGcmTagSize,
                                out.data() + plaintext.size()) == 1;
  Check(ok, "AES-128-GCM seal");
  p.ciphertext = std::move(out);
  return p;
}

bool SameParams(const mikey::KeyParameters& a, const mikey::KeyParameters& b) {
  auto groups = [](const mikey::KeyParameters& k) {
    std::vector<std::pair<uint8_t, Bytes>> g;
    for (const auto& t : k.group_ids.value_or(std::vector<mikey::GroupIdTlv>{})) g.emplace_back(t.iei, t.value);
    return g;
  };
  return a.key_type == b.key_type && a.status == b.status && a.activation_time == b.activation_time &&
         a.expiry_time == b.expiry_time && a.text == b.text && a.group_ids.has_value() == b.group_ids.has_value() &&
         groups(a) == groups(b);
}

void FuzzExtensionData(ByteSpan ext_data) {
  Bytes wire = WrapInMessage(ext_data);
  auto m = mikey::Parse(wire);
  if (!m.ok()) return;
  auto again = mikey::Serialize(*m);
  Check(again.ok() && *again == wire, "type-7 extension does not round-trip");
  const auto* ext = m->FindExtension(mikey::kExtTypeKeyParameters);
  Check(ext != nullptr, "parsed message lost its extension");
  if (const auto* prot = std::get_if<mikey::ProtectedPayload>(&ext->content)) {
    (void)mikey::DecryptProtectedPayload(*prot, Key());
    auto params = mikey::DecryptKeyParameters(*prot, Key());
    // Only a payload sealed under this key can open; fuzzed bytes are not.
    if (params.ok()) Check(mikey::DecryptProtectedPayload(*prot, Key()).ok(), "decrypt disagrees with itself");
  }
}

void FuzzContent(ByteSpan content) {
  auto standard = mikey::ParseKeyParameters(content);
  auto legacy = mikey::ParseKeyParameters(content, mikey::KeyTypeCoding::kLegacyPlusOne);
  Check(standard.ok() == legacy.ok() || (!content.empty() && content[0] == 0),
        "the two key type codings disagree on more than the first octet");
  if (standard.ok()) {
    auto wire = mikey::SerializeKeyParameters(*standard);
    Check(wire.ok() && *wire == Bytes(content.begin(), content.end()), "key parameters do not round-trip");
    // Through the real encrypter and decrypter.
    mikey::ProtectedPayload header;
    header.dppk_id = kDppkId;
    auto sealed = mikey::EncryptKeyParameters(*standard, Key(), header);
    Check(sealed.ok(), "EncryptKeyParameters failed on parsed parameters");
    auto opened = mikey::DecryptKeyParameters(*sealed, Key());
    Check(opened.ok() && SameParams(*opened, *standard), "encrypt/decrypt round trip changed the parameters");
  }
  // The decrypter opens what a sender sealed and parses it exactly as the
  // clear parser does.
  mikey::ProtectedPayload sealed = Seal(content);
  auto plain = mikey::DecryptProtectedPayload(sealed, Key());
  Check(plain.ok() && *plain == Bytes(content.begin(), content.end()), "sealed content does not open");
  auto opened = mikey::DecryptKeyParameters(sealed, Key());
  Check(opened.ok() == standard.ok(), "decrypted and clear parsing disagree");
  if (opened.ok()) Check(SameParams(*opened, *standard), "decrypted and clear parsing give other values");
  // Any change to the sealed octets must break the tag.
  if (!sealed.ciphertext.empty()) {
    sealed.ciphertext[content.size() % sealed.ciphertext.size()] ^= 0x01;
    Check(!mikey::DecryptProtectedPayload(sealed, Key()).ok(), "a modified ciphertext still opens");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  ByteSpan rest(data + 1, size - 1);
  if (data[0] % 2 == 0) {
    if (rest.size() <= 0xffff) FuzzExtensionData(rest);
  } else {
    FuzzContent(rest);
  }
  return 0;
}
