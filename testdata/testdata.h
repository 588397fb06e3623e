// Test-only access to files under testdata/ through Bazel runfiles, so tests
// read the published vectors rather than carrying retyped copies of them.
#ifndef MCXTEST_TESTDATA_TESTDATA_H_
#define MCXTEST_TESTDATA_TESTDATA_H_

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "crypto/bytes.h"

namespace mcx::testing {

// Absolute path of a workspace-relative runfile, e.g. "testdata/vectors/x.json".
std::string RunfilePath(const std::string& workspace_relative);

// Reads and parses testdata/vectors/<name>; aborts the test on failure.
nlohmann::json LoadVector(const std::string& name);

std::string ReadFileOrDie(const std::string& path);

// Hex field of a JSON object; fails the test if missing or malformed.
Bytes HexField(const nlohmann::json& obj, const std::string& key);

// A 4-octet hex field (key IDs, GUK-IDs) as a big-endian word; fails the
// test if it is not exactly 4 octets.
uint32_t U32Field(const nlohmann::json& obj, const std::string& key);

}  // namespace mcx::testing

#endif  // MCXTEST_TESTDATA_TESTDATA_H_
