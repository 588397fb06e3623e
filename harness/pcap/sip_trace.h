// One pcap per test case (`mcxtest run --pcap-dir DIR`): every message of
// the procedure as it would travel, a SIP MESSAGE over UDP (Ethernet, IPv4,
// port 5060) between loopback addresses of the actors, the GKTP in base64
// inside an XML body and the procedure step in an `X-MCX-Step` header, so
// Wireshark (with //dissector:mcxmikey.so) can follow the procedure.
#ifndef MCXTEST_HARNESS_PCAP_SIP_TRACE_H_
#define MCXTEST_HARNESS_PCAP_SIP_TRACE_H_

#include <cstdint>
#include <map>
#include <string>

#include "crypto/bytes.h"
#include "crypto/result.h"
#include "harness/engine/result.h"

namespace mcx::pcap {

inline constexpr uint16_t kSipPort = 5060;
inline constexpr const char* kStepHeader = "X-MCX-Step";
inline constexpr const char* kBodyContentType = "application/xml";

// Where case `case_id`'s trace goes: <dir>/<report::SanitizeFileName(id)>.pcap
std::string TracePath(const std::string& dir, const std::string& case_id);
// The key store JSON that verifies that trace: <dir>/<sanitized id>.keystore.json
std::string KeyStorePath(const std::string& dir, const std::string& case_id);

// Loopback IPv4 addresses (host order) per actor URI: 127.0.0.10, .11, ...
// in order of first appearance (sender before recipient, message order).
std::map<std::string, uint32_t> ActorAddresses(const engine::TestCaseResult& result);

// The SIP MESSAGE request carrying message `index` (0-based) of the case.
std::string SipMessage(const engine::MessageRecord& message, const std::string& case_id,
                       size_t index);

// Writes the trace of `result` to `path` (overwriting it).
Status WriteSipTrace(const std::string& path, const engine::TestCaseResult& result);

}  // namespace mcx::pcap

#endif  // MCXTEST_HARNESS_PCAP_SIP_TRACE_H_
