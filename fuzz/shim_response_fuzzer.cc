// Everything a SUT shim answers is hostile input to the harness: each answer
// reader (and each request reader of the reference shim) must accept or
// reject any JSON without crashing.
#include <cstdint>
#include <string_view>

#include <nlohmann/json.hpp>

#include "harness/shim/answers.h"
#include "harness/shim/requests.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return 0;
  (void)mcx::shim::HelloAnswerFromJson(j);
  (void)mcx::shim::GktpListFromJson(j);
  (void)mcx::shim::PartnerAnswerFromJson(j);
  (void)mcx::shim::DeliverAnswerFromJson(j);
  (void)mcx::shim::RegroupRequestFromJson(j);
  (void)mcx::shim::RegroupNotificationFromJson(j);
  (void)mcx::shim::DeliverRequestFromJson(j);
  (void)mcx::shim::ProvisionFromJson(j);
  (void)mcx::shim::HelloRequestFromJson(j);
  return 0;
}
