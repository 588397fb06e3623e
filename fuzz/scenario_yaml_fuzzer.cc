// Test-case YAML comes from vendors' own suites: the loader must turn any
// input into a scenario or an error, never an exception or a crash.
#include <cstdint>
#include <string>

#include "harness/scenario/scenario.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  (void)mcx::scenario::ParseScenario(text, "fuzz.yaml");
  return 0;
}
