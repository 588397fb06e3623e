#include "testdata/testdata.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

namespace mcx::testing {

std::string RunfilePath(const std::string& workspace_relative) {
  const char* srcdir = std::getenv("TEST_SRCDIR");
  const char* workspace = std::getenv("TEST_WORKSPACE");
  if (srcdir == nullptr) return workspace_relative;  // run by hand from the repo root
  return std::string(srcdir) + "/" + (workspace ? workspace : "mcxtest") + "/" + workspace_relative;
}

std::string ReadFileOrDie(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    ADD_FAILURE() << "cannot open " << path;
    std::abort();
  }
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

nlohmann::json LoadVector(const std::string& name) {
  return nlohmann::json::parse(ReadFileOrDie(RunfilePath("testdata/vectors/" + name)));
}

Bytes HexField(const nlohmann::json& obj, const std::string& key) {
  if (!obj.contains(key) || !obj.at(key).is_string()) {
    ADD_FAILURE() << "vector field '" << key << "' missing or not a string";
    return {};
  }
  auto bytes = FromHex(obj.at(key).get<std::string>());
  if (!bytes.ok()) {
    ADD_FAILURE() << "vector field '" << key << "': " << bytes.error().ToString();
    return {};
  }
  return *bytes;
}

uint32_t U32Field(const nlohmann::json& obj, const std::string& key) {
  Bytes b = HexField(obj, key);
  if (b.size() != 4) {
    ADD_FAILURE() << "vector field '" << key << "' is " << b.size() << " octets, not 4";
    return 0;
  }
  uint32_t w = 0;
  for (uint8_t octet : b) w = w << 8 | octet;
  return w;
}

}  // namespace mcx::testing
