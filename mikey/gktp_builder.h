// Builds Group Key Transport payloads (TS 33.180 5.7, Annex E): a MIKEY-SAKKE
// I_MESSAGE carrying a GMK from a GMS to one recipient, laid out like the
// deployed reference messages (HDR, T, RAND, IDRi, IDRr, IDRkmsi, IDRkmsr,
// SP, SAKKE, extensions, SIGN).
//
// `Deviations` make a message that is wrong in one chosen way: defective
// reference implementations and the harness's negative tests are built from
// them, so every check has a message that fails exactly that check.
#ifndef MCXTEST_MIKEY_GKTP_BUILDER_H_
#define MCXTEST_MIKEY_GKTP_BUILDER_H_

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "crypto/bytes.h"
#include "crypto/result.h"
#include "crypto/sakke.h"
#include "crypto/secret.h"
#include "kms/key_lookup.h"
#include "mikey/message.h"

namespace mcx::mikey {

enum class CsMapMode { kGenericId, kEmpty };
enum class KeyParamsForm { kNone, kProtected, kClear };  // Rel-15+ / Rel-13

struct KeyParamsSpec {
  KeyParamsForm form = KeyParamsForm::kNone;
  KeyParameters params;
  // Protected payload header fields (TS 33.180 8.5.4); IV random if unset.
  uint64_t date_time = 0;
  uint32_t payload_id = 0;
  uint8_t sequence_number = 0;
  std::optional<std::array<uint8_t, kProtectedPayloadIvSize>> iv;
};

struct GktpParty {
  std::string uri;
  std::string kms_uri;
};

// The default SRTP policy of a group (TS 33.180 Table E.2-1), as deployed.
std::vector<PolicyParam> DefaultGroupPolicy();

struct Deviations {
  std::optional<uint8_t> version;
  std::optional<uint8_t> data_type;
  bool v_flag = false;
  std::optional<uint8_t> prf_func;
  std::optional<uint32_t> csb_id;               // instead of the derived GUK-ID
  std::optional<std::string> guk_salt_uri;      // derive the GUK-ID from this URI
  bool spi_without_guk_id = false;              // 4-octet SPI
  std::optional<TsType> ts_type;
  bool omit_t = false;
  std::optional<size_t> rand_length;
  bool omit_idri = false, omit_idrr = false, omit_idr_kmsi = false, omit_idr_kmsr = false;
  std::optional<std::string> idr_kmsi, idr_kmsr;  // other KMS URIs in the IDRs
  std::optional<std::string> idrr_uri;            // claim another recipient
  std::optional<uint64_t> uid_key_period_no;      // UIDs of a stale key period
  std::optional<std::vector<PolicyParam>> sp_params;
  std::optional<uint8_t> sakke_params, sakke_id_scheme;
  std::optional<GktpParty> encrypt_to;  // SAKKE to someone else
  std::optional<GktpParty> sign_as;     // signed with someone else's keys
  bool sign_whole_message = false;      // signature over a wrong span
  std::optional<uint8_t> sign_type;
  std::optional<Bytes> key_params_key;  // ext 7 under another key
  bool corrupt_signature = false;       // flip one bit of s after signing
  bool trailing_octet = false;          // one octet after SIGN
  std::optional<GktpParty> self_encrypt_to;  // SAKKE-to-self to someone else
};

struct GktpSpec {
  GktpParty sender;     // the signing GMS
  GktpParty recipient;  // user or partner GMS
  SecretBytes gmk;      // 16 octets
  uint32_t gmk_id = 0;  // purpose tag 0 in its top 4 bits
  uint64_t ntp_seconds = 0;
  std::optional<Bytes> rand;  // 16 random octets if unset
  bool identity_hiding = true;  // IDR roles 8/9 with UIDs, else 1/2 with URIs
  uint8_t uid_id_type = kIdTypeUri;  // deployed senders mark UIDs as type 1
  bool include_sp = true;
  CsMapMode cs_map = CsMapMode::kGenericId;
  uint8_t cs_id = 4;  // 4 MCPTT group, 5 MCVideo
  bool sakke_to_self = false;
  KeyParamsSpec key_params;
  std::optional<Bytes> eccsi_j;  // deterministic signature (tests)
  Deviations deviations;
};

// The built message and what went into it.
struct BuiltGktp {
  Bytes wire;
  uint32_t csb_id = 0;  // the GUK-ID
  Bytes rand;
};

// Thread-safe; keeps a prepared SAKKE public key per KMS.
class GktpBuilder {
 public:
  explicit GktpBuilder(const kms::KeyLookup& store) : store_(store) {}
  Result<BuiltGktp> Build(const GktpSpec& spec) const;

 private:
  Result<std::shared_ptr<const sakke::PreparedPublicKey>> PublicKeyFor(const std::string& kms_uri) const;
  Status AppendSakke(const GktpSpec& spec, uint64_t sender_period, Message& m) const;
  const kms::KeyLookup& store_;
  mutable std::mutex mu_;
  mutable std::map<std::string, std::shared_ptr<const sakke::PreparedPublicKey>> prepared_;
};

// Replaces the signature of a parsed-and-modified message: serializes it and
// signs the span RFC 6509 prescribes with `signer`'s keys for `ntp_seconds`.
// The harness uses it to tamper with one field and still send a validly
// signed message.
Result<Bytes> SerializeAndSign(Message message, const GktpParty& signer, uint64_t ntp_seconds,
                               const kms::KeyLookup& store, std::optional<ByteSpan> eccsi_j = std::nullopt);

}  // namespace mcx::mikey

#endif  // MCXTEST_MIKEY_GKTP_BUILDER_H_
