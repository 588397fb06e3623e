// Everything a SUT shim answers is hostile input to the harness: each answer
// reader must accept or reject any JSON without crashing.
#include <cstdint>
#include <string_view>

#include <nlohmann/json.hpp>

#include "harness/reference/messages.h"
#include "harness/sut/shim_protocol.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return 0;
  (void)mcx::sut::ParseHelloAnswer(j);
  (void)mcx::reference::GktpListFromJson(j);
  (void)mcx::reference::PartnerAnswerFromJson(j);
  (void)mcx::reference::DeliverAnswerFromJson(j);
  (void)mcx::reference::RegroupRequestFromJson(j);
  (void)mcx::reference::RegroupNotificationFromJson(j);
  (void)mcx::reference::DeliverRequestFromJson(j);
  (void)mcx::reference::ProvisionFromJson(j);
  return 0;
}
