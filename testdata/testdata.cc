#include "testdata/testdata.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "crypto/json_fields.h"

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
  Result<Bytes> bytes = JsonFields(obj, "vector").Hex(key);
  if (!bytes.ok()) {
    ADD_FAILURE() << bytes.error().ToString();
    return {};
  }
  return *bytes;
}

uint32_t U32Field(const nlohmann::json& obj, const std::string& key) {
  Result<uint32_t> value = JsonFields(obj, "vector").HexU32(key);
  if (!value.ok()) {
    ADD_FAILURE() << value.error().ToString();
    return 0;
  }
  return *value;
}

}  // namespace mcx::testing
