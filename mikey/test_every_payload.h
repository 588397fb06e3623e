// Test-only: a MIKEY message built in code that holds every payload kind
// the codec parses, each extension content form and a GENERIC-ID map, so
// codec, layout and dissector tests cover every payload type.
#ifndef MCXTEST_MIKEY_TEST_EVERY_PAYLOAD_H_
#define MCXTEST_MIKEY_TEST_EVERY_PAYLOAD_H_

#include <vector>

#include "crypto/bytes.h"
#include "mikey/message.h"

namespace mcx::mikey::testing {

// A message built in code: every payload kind, including foreign ones.
inline Message BuildEveryPayloadKind() {
  Message m;
  m.hdr.data_type = 0;
  m.hdr.v_flag = true;
  m.hdr.prf_func = 0;
  m.hdr.csb_id = 0x12345678;
  GenericIdEntry entry;
  entry.cs_id = 5;
  entry.s_flag = true;
  entry.policy_numbers = {1, 2};
  entry.session_data = {0xde, 0xad};
  entry.spi = {1, 2, 3, 4, 5, 6, 7, 8};
  m.hdr.cs_id_map = GenericIdMap{{entry}};
  m.payloads.push_back({TimestampPayload{TsType::kCounter, 0xcafef00d}});
  m.payloads.push_back({RandPayload{Bytes(20, 0x42)}});
  m.payloads.push_back({IdPayload{kIdTypeNai, ToBytes("user@example.org")}});
  m.payloads.push_back({IdrPayload{static_cast<uint8_t>(IdRole::kIdri), kIdTypeUri, ToBytes("sip:a@b")}});
  m.payloads.push_back({SpPayload{3, 0, {{0, {1}}, {12, {}}, {200, {1, 2, 3}}}}});
  m.payloads.push_back({KemacPayload{1, Bytes(10, 0x11), 2, Bytes(32, 0x22)}});
  m.payloads.push_back({VPayload{1, Bytes(20, 0x33)}});
  m.payloads.push_back({ErrPayload{7, 0xabcd}});
  m.payloads.push_back({SakkePayload{1, 2, Bytes(273, 0x44)}});
  m.payloads.push_back({GeneralExtPayload{kExtTypeSakkeToSelf, SakkePayload{1, 2, Bytes(273, 0x55)}}});
  KeyParameters params;
  params.key_type = 3;
  params.status = kKeyStatusValid | kKeyStatusShared;
  params.activation_time = 0x0102030405;
  params.expiry_time = 0xff00000001;
  params.text = "temporary group";
  params.group_ids = std::vector<GroupIdTlv>{{0x01, ToBytes("sip:tg@example.org")}, {0x02, {}}};
  m.payloads.push_back({GeneralExtPayload{kExtTypeKeyParameters, ClearKeyParameters{params}}});
  ProtectedPayload protected_payload;
  protected_payload.date_time = 77;
  protected_payload.iv.fill(0x66);
  protected_payload.dppk_id = m.hdr.csb_id;
  protected_payload.ciphertext = Bytes(16 + 5, 0x77);
  m.payloads.push_back({GeneralExtPayload{kExtTypeKeyParameters, protected_payload}});
  m.payloads.push_back({GeneralExtPayload{0, ToBytes("vendor")}});
  m.payloads.push_back({SignPayload{0, Bytes(256, 0x88)}});
  return m;
}

}  // namespace mcx::mikey::testing

#endif  // MCXTEST_MIKEY_TEST_EVERY_PAYLOAD_H_
