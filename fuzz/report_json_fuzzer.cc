// `mcxtest report --from report.json` and `mcxtest matrix` read report.json
// files that CI jobs pass around: the reader must accept or reject, never
// crash. What it accepts must render (JUnit, HTML) and read back stably:
// the report written from it reads back to a run that writes the same
// report again.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "harness/report/html.h"
#include "harness/report/json_report.h"
#include "harness/report/junit.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto run = mcx::report::ReadJsonReport(text);
  if (!run.ok()) return 0;
  (void)mcx::report::JunitXml(*run);
  (void)mcx::report::HtmlReport(*run);
  const std::string written = mcx::report::JsonReport(*run);
  auto again = mcx::report::ReadJsonReport(written);
  if (!again.ok() || mcx::report::JsonReport(*again) != written) std::abort();
  return 0;
}
