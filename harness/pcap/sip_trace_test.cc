#include "harness/pcap/sip_trace.h"

#include <pcap/pcap.h>
#include <unistd.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "crypto/bytes.h"
#include "gtest/gtest.h"

namespace mcx::pcap {
namespace {

struct Frame {
  uint32_t src = 0;
  uint32_t dst = 0;
  uint16_t sport = 0;
  uint16_t dport = 0;
  std::string payload;
};

uint32_t U32(const u_char* p) { return BigEndianU32(std::span<const uint8_t, 4>(p, 4)); }
uint16_t U16(const u_char* p) { return static_cast<uint16_t>((p[0] << 8) | p[1]); }

// Reads the file back with libpcap and unpacks Ethernet/IPv4/UDP.
std::vector<Frame> ReadBack(const std::string& path, int* link_type) {
  char err[PCAP_ERRBUF_SIZE];
  pcap_t* p = pcap_open_offline(path.c_str(), err);
  EXPECT_NE(p, nullptr) << err;
  if (p == nullptr) return {};
  *link_type = pcap_datalink(p);
  std::vector<Frame> out;
  pcap_pkthdr* h = nullptr;
  const u_char* data = nullptr;
  while (pcap_next_ex(p, &h, &data) == 1) {
    EXPECT_EQ(h->caplen, h->len);
    EXPECT_GE(h->caplen, 42u);
    if (h->caplen < 42) continue;
    EXPECT_EQ(U16(data + 12), 0x0800);  // IPv4
    EXPECT_EQ(data[14 + 9], 17);        // UDP
    Frame f;
    f.src = U32(data + 14 + 12);
    f.dst = U32(data + 14 + 16);
    f.sport = U16(data + 34);
    f.dport = U16(data + 36);
    EXPECT_EQ(U16(data + 38), h->caplen - 34);  // UDP length
    f.payload.assign(reinterpret_cast<const char*>(data + 42), h->caplen - 42);
    out.push_back(std::move(f));
  }
  pcap_close(p);
  return out;
}

std::string Between(const std::string& s, const std::string& open, const std::string& close) {
  size_t a = s.find(open);
  if (a == std::string::npos) return "";
  a += open.size();
  size_t b = s.find(close, a);
  return b == std::string::npos ? "" : s.substr(a, b - a);
}

engine::TestCaseResult TwoMessages() {
  engine::TestCaseResult r;
  r.id = "PGMS-001 basic/keying";
  engine::MessageRecord a;
  a.step = 7;
  a.from = "sip:gms@police.example";
  a.to = "sip:gms@fire.example";
  a.produced_by = "sut";
  a.wire = {0x01, 0x1a, 0x05, 0x01, 0xde, 0xad, 0xbe, 0xef};
  engine::MessageRecord b = a;
  b.step = 14;
  b.to = "sip:alice@police.example";
  b.wire = {0x01, 0x1a, 0xff, 0x00};
  b.note = "mutation <x>";
  r.messages = {a, b};
  return r;
}

TEST(SipTraceTest, PathUsesSanitizedCaseId) {
  EXPECT_EQ(TracePath("/tmp/d", "PGMS-001 basic/keying"), "/tmp/d/PGMS-001_basic_keying.pcap");
}

TEST(SipTraceTest, WritesOneSipMessagePerRecord) {
  const std::string dir = ::testing::TempDir();
  const std::string path = TracePath(dir, "case");
  engine::TestCaseResult r = TwoMessages();
  ASSERT_TRUE(WriteSipTrace(path, r).ok());

  int link_type = -1;
  std::vector<Frame> frames = ReadBack(path, &link_type);
  EXPECT_EQ(link_type, DLT_EN10MB);
  ASSERT_EQ(frames.size(), 2u);
  // Actors get 127.0.0.10, .11, .12 in order of appearance.
  EXPECT_EQ(frames[0].src, 0x7f00000au);
  EXPECT_EQ(frames[0].dst, 0x7f00000bu);
  EXPECT_EQ(frames[1].src, 0x7f00000au);
  EXPECT_EQ(frames[1].dst, 0x7f00000cu);
  for (size_t i = 0; i < frames.size(); ++i) {
    const Frame& f = frames[i];
    const engine::MessageRecord& m = r.messages[i];
    EXPECT_EQ(f.sport, kSipPort);
    EXPECT_EQ(f.dport, kSipPort);
    EXPECT_EQ(f.payload.rfind("MESSAGE " + m.to + " SIP/2.0\r\n", 0), 0u) << f.payload;
    EXPECT_NE(f.payload.find("\r\nX-MCX-Step: " + std::to_string(m.step) + "\r\n"), std::string::npos);
    EXPECT_NE(f.payload.find("\r\nFrom: <" + m.from + ">;"), std::string::npos);
    EXPECT_NE(f.payload.find("\r\nTo: <" + m.to + ">\r\n"), std::string::npos);
    EXPECT_NE(f.payload.find("\r\nContent-Type: application/xml\r\n"), std::string::npos);
    const size_t body_at = f.payload.find("\r\n\r\n");
    ASSERT_NE(body_at, std::string::npos);
    const std::string body = f.payload.substr(body_at + 4);
    EXPECT_EQ(Between(f.payload, "Content-Length: ", "\r\n"), std::to_string(body.size()));
    auto wire = FromBase64(Between(body, "<mikey-message>", "</mikey-message>"));
    ASSERT_TRUE(wire.ok());
    EXPECT_EQ(*wire, m.wire);
  }
  // Notes are escaped into the XML body.
  EXPECT_NE(frames[1].payload.find("<note>mutation &lt;x&gt;</note>"), std::string::npos);
}

TEST(SipTraceTest, UnwritablePathIsAnError) {
  auto s = WriteSipTrace("/nonexistent-dir/x.pcap", TwoMessages());
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message().find("/nonexistent-dir/x.pcap"), std::string::npos);
}

}  // namespace
}  // namespace mcx::pcap
