// Test-only: the four Streamwide v5 I_MESSAGEs from the published vectors,
// decoded, with their JSON entries (the expected field values).
#ifndef MCXTEST_MIKEY_TEST_MESSAGES_H_
#define MCXTEST_MIKEY_TEST_MESSAGES_H_

#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "crypto/bytes.h"
#include "testdata/testdata.h"

namespace mcx::mikey::testing {

struct VectorMessage {
  std::string kind;  // GMK, CSK, PCK, GMK-legacy
  nlohmann::json json;
  Bytes wire;
};

inline const nlohmann::json& StreamwideVectors() {
  static const nlohmann::json vectors = mcx::testing::LoadVector("interop_streamwide_v5.json");
  return vectors;
}

inline std::vector<VectorMessage> StreamwideMessages() {
  std::vector<VectorMessage> out;
  for (const nlohmann::json& m : StreamwideVectors().at("messages")) {
    auto wire = FromBase64(m.at("i_message_b64").get<std::string>());
    EXPECT_TRUE(wire.ok()) << m.at("name");
    out.push_back({m.at("kind").get<std::string>(), m, wire.ok() ? *wire : Bytes{}});
  }
  return out;
}

inline VectorMessage StreamwideMessage(const std::string& kind) {
  for (VectorMessage& m : StreamwideMessages()) {
    if (m.kind == kind) return m;
  }
  ADD_FAILURE() << "no Streamwide message of kind " << kind;
  return {};
}

// The user entry of the vectors with this URI.
inline nlohmann::json StreamwideUser(const std::string& uri) {
  for (const nlohmann::json& u : StreamwideVectors().at("users")) {
    if (u.at("uri") == uri) return u;
  }
  ADD_FAILURE() << "no Streamwide user " << uri;
  return {};
}

inline uint32_t HexU32(const nlohmann::json& obj, const std::string& key) {
  Bytes b = mcx::testing::HexField(obj, key);
  EXPECT_EQ(b.size(), 4u) << key;
  uint32_t v = 0;
  for (uint8_t octet : b) v = v << 8 | octet;
  return v;
}

}  // namespace mcx::mikey::testing

#endif  // MCXTEST_MIKEY_TEST_MESSAGES_H_
