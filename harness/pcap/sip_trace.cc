#include "harness/pcap/sip_trace.h"

#include <pcap/pcap.h>

#include <cstdio>
#include <vector>

#include "harness/report/report_writer.h"

namespace mcx::pcap {
namespace {

constexpr uint32_t kFirstActorAddress = (127u << 24) | 10;  // 127.0.0.10
constexpr int kSnapLength = 65535;
// 2024-01-01T00:00:00Z, the harness's default clock, so traces are
// byte-identical across runs; frames 100 ms apart.
constexpr uint32_t kTraceEpochSeconds = 1704067200;
constexpr uint32_t kFrameSpacingMicros = 100000;
constexpr size_t kEthernetHeaderSize = 14;
constexpr size_t kIpv4HeaderSize = 20;
constexpr size_t kUdpHeaderSize = 8;
constexpr uint8_t kIpProtocolUdp = 17;
constexpr uint8_t kTtl = 64;

void PutU16(std::vector<uint8_t>& out, uint16_t v) {
  out.push_back(static_cast<uint8_t>(v >> 8));
  out.push_back(static_cast<uint8_t>(v));
}
void PutU32(std::vector<uint8_t>& out, uint32_t v) {
  PutU16(out, static_cast<uint16_t>(v >> 16));
  PutU16(out, static_cast<uint16_t>(v));
}

uint16_t Ipv4Checksum(const uint8_t* header, size_t size) {
  uint32_t sum = 0;
  for (size_t i = 0; i + 1 < size; i += 2) sum += (header[i] << 8) | header[i + 1];
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<uint16_t>(~sum);
}

// A locally administered MAC derived from the IPv4 address.
void PutMac(std::vector<uint8_t>& out, uint32_t ip) {
  out.push_back(0x02);
  out.push_back(0x00);
  PutU32(out, ip);
}

std::vector<uint8_t> UdpFrame(uint32_t src, uint32_t dst, const std::string& payload) {
  std::vector<uint8_t> f;
  f.reserve(kEthernetHeaderSize + kIpv4HeaderSize + kUdpHeaderSize + payload.size());
  PutMac(f, dst);
  PutMac(f, src);
  PutU16(f, 0x0800);  // IPv4
  const size_t ip_at = f.size();
  f.push_back(0x45);  // version 4, 20-octet header
  f.push_back(0);
  PutU16(f, static_cast<uint16_t>(kIpv4HeaderSize + kUdpHeaderSize + payload.size()));
  PutU16(f, 0);       // identification
  PutU16(f, 0x4000);  // don't fragment
  f.push_back(kTtl);
  f.push_back(kIpProtocolUdp);
  PutU16(f, 0);  // checksum, below
  PutU32(f, src);
  PutU32(f, dst);
  const uint16_t checksum = Ipv4Checksum(f.data() + ip_at, kIpv4HeaderSize);
  f[ip_at + 10] = static_cast<uint8_t>(checksum >> 8);
  f[ip_at + 11] = static_cast<uint8_t>(checksum);
  PutU16(f, kSipPort);
  PutU16(f, kSipPort);
  PutU16(f, static_cast<uint16_t>(kUdpHeaderSize + payload.size()));
  PutU16(f, 0);  // no UDP checksum (allowed over IPv4)
  f.insert(f.end(), payload.begin(), payload.end());
  return f;
}

// SIP header values must not break the message: CR/LF become spaces.
std::string HeaderSafe(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c == '\r' || c == '\n') c = ' ';
  }
  return out;
}

std::string XmlSafe(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out.push_back(c);
    }
  }
  return out;
}

}  // namespace

std::string TracePath(const std::string& dir, const std::string& case_id) {
  return dir + "/" + report::SanitizeFileName(case_id) + ".pcap";
}

std::string KeyStorePath(const std::string& dir, const std::string& case_id) {
  return dir + "/" + report::SanitizeFileName(case_id) + ".keystore.json";
}

std::map<std::string, uint32_t> ActorAddresses(const engine::TestCaseResult& result) {
  std::map<std::string, uint32_t> out;
  uint32_t next = kFirstActorAddress;
  for (const engine::MessageRecord& m : result.messages) {
    for (const std::string* uri : {&m.from, &m.to}) {
      if (out.emplace(*uri, next).second) ++next;
    }
  }
  return out;
}

std::string SipMessage(const engine::MessageRecord& message, const std::string& case_id,
                       size_t index) {
  const std::string n = std::to_string(index + 1);
  std::string body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n";
  body += "<mcxtest-gktp xmlns=\"urn:mcxtest:gktp\" step=\"" + std::to_string(message.step) +
          "\" produced-by=\"" + XmlSafe(message.produced_by) + "\">\r\n";
  if (!message.note.empty()) body += "  <note>" + XmlSafe(message.note) + "</note>\r\n";
  body += "  <mikey-message>" + ToBase64(message.wire) + "</mikey-message>\r\n";
  body += "</mcxtest-gktp>\r\n";

  const std::string from = HeaderSafe(message.from);
  const std::string to = HeaderSafe(message.to);
  std::string sip = "MESSAGE " + to + " SIP/2.0\r\n";
  sip += "Via: SIP/2.0/UDP mcxtest.invalid:5060;branch=z9hG4bK-mcx-" + n + "\r\n";
  sip += "Max-Forwards: 70\r\n";
  sip += "From: <" + from + ">;tag=mcx" + n + "\r\n";
  sip += "To: <" + to + ">\r\n";
  sip += "Call-ID: " + n + "." + HeaderSafe(report::SanitizeFileName(case_id)) + "@mcxtest.invalid\r\n";
  sip += "CSeq: " + n + " MESSAGE\r\n";
  sip += std::string(kStepHeader) + ": " + std::to_string(message.step) + "\r\n";
  sip += "X-MCX-Produced-By: " + HeaderSafe(message.produced_by) + "\r\n";
  sip += "Content-Type: " + std::string(kBodyContentType) + "\r\n";
  sip += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n";
  return sip + body;
}

Status WriteSipTrace(const std::string& path, const engine::TestCaseResult& result) {
  pcap_t* dead = pcap_open_dead(DLT_EN10MB, kSnapLength);
  if (dead == nullptr) return Error(ErrorCode::kIo, "libpcap: pcap_open_dead failed");
  pcap_dumper_t* dumper = pcap_dump_open(dead, path.c_str());
  if (dumper == nullptr) {
    std::string why = pcap_geterr(dead);
    pcap_close(dead);
    return Error(ErrorCode::kIo, path + ": " + why);
  }
  const std::map<std::string, uint32_t> address = ActorAddresses(result);
  for (size_t i = 0; i < result.messages.size(); ++i) {
    const engine::MessageRecord& m = result.messages[i];
    std::vector<uint8_t> frame =
        UdpFrame(address.at(m.from), address.at(m.to), SipMessage(m, result.id, i));
    pcap_pkthdr header{};
    const uint64_t micros = static_cast<uint64_t>(i) * kFrameSpacingMicros;
    header.ts.tv_sec = static_cast<time_t>(kTraceEpochSeconds + micros / 1000000);
    header.ts.tv_usec = static_cast<suseconds_t>(micros % 1000000);
    header.caplen = static_cast<bpf_u_int32>(frame.size());
    header.len = header.caplen;
    pcap_dump(reinterpret_cast<u_char*>(dumper), &header, frame.data());
  }
  const bool flushed = pcap_dump_flush(dumper) == 0;
  pcap_dump_close(dumper);
  pcap_close(dead);
  if (!flushed) return Error(ErrorCode::kIo, path + ": write failed");
  return Status::Ok();
}

}  // namespace mcx::pcap
