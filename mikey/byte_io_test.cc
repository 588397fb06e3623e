#include <gtest/gtest.h>

#include "mikey/byte_reader.h"
#include "mikey/byte_writer.h"

namespace mcx::mikey {
namespace {

TEST(ByteReaderTest, ReadsBigEndianAndTracksAbsoluteOffset) {
  const Bytes data = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a};
  ByteReader r(data, 100);
  uint8_t u8 = 0;
  uint16_t u16 = 0;
  uint32_t u32 = 0;
  ASSERT_TRUE(r.GetU8(&u8));
  EXPECT_EQ(u8, 0x01);
  EXPECT_EQ(r.offset(), 101u);
  ASSERT_TRUE(r.GetU16(&u16));
  EXPECT_EQ(u16, 0x0203);
  ASSERT_TRUE(r.GetU32(&u32));
  EXPECT_EQ(u32, 0x04050607u);
  EXPECT_EQ(r.offset(), 107u);
  EXPECT_EQ(r.remaining(), 3u);
}

TEST(ByteReaderTest, FailedReadsConsumeNothing) {
  const Bytes data = {0xaa, 0xbb, 0xcc};
  ByteReader r(data);
  uint32_t u32 = 0x12345678;
  EXPECT_FALSE(r.GetU32(&u32));
  EXPECT_EQ(u32, 0x12345678u);  // output untouched too
  EXPECT_EQ(r.remaining(), 3u);
  ByteSpan span;
  EXPECT_FALSE(r.GetBytes(4, &span));
  EXPECT_EQ(r.offset(), 0u);
  uint64_t u64 = 0;
  EXPECT_FALSE(r.GetU64(&u64));
  EXPECT_FALSE(r.GetU40(&u64));
  uint16_t u16 = 0;
  ASSERT_TRUE(r.GetU16(&u16));
  EXPECT_EQ(u16, 0xaabb);
}

TEST(ByteReaderTest, Reads40And64BitValues) {
  const Bytes data = {0x01, 0x02, 0x03, 0x04, 0x05, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8};
  ByteReader r(data);
  uint64_t v = 0;
  ASSERT_TRUE(r.GetU40(&v));
  EXPECT_EQ(v, 0x0102030405u);
  ASSERT_TRUE(r.GetU64(&v));
  EXPECT_EQ(v, 0xf1f2f3f4f5f6f7f8u);
  EXPECT_TRUE(r.empty());
}

TEST(ByteReaderTest, LengthPrefixedSubReaderKeepsAbsoluteOffsets) {
  const Bytes data = {0x00, 0x03, 0xa1, 0xa2, 0xa3, 0xff};
  ByteReader r(data, 10);
  ByteReader sub;
  ASSERT_TRUE(r.GetU16LengthPrefixed(&sub));
  EXPECT_EQ(sub.offset(), 12u);
  EXPECT_EQ(sub.remaining(), 3u);
  EXPECT_EQ(r.offset(), 15u);
  uint8_t v = 0;
  ASSERT_TRUE(sub.GetU8(&v));
  EXPECT_EQ(v, 0xa1);
  EXPECT_EQ(sub.offset(), 13u);
}

TEST(ByteReaderTest, OverlongLengthPrefixFailsWithoutConsumingTheLength) {
  const Bytes data = {0x05, 0x01, 0x02};
  ByteReader r(data);
  ByteReader sub;
  EXPECT_FALSE(r.GetU8LengthPrefixed(&sub));
  EXPECT_EQ(r.offset(), 0u);
  EXPECT_FALSE(r.GetU16LengthPrefixed(&sub));
  EXPECT_EQ(r.offset(), 0u);
}

TEST(ByteReaderTest, CopyAndSkip) {
  const Bytes data = {1, 2, 3, 4, 5};
  ByteReader r(data);
  Bytes copy;
  ASSERT_TRUE(r.Skip(1));
  ASSERT_TRUE(r.CopyBytes(3, &copy));
  EXPECT_EQ(copy, (Bytes{2, 3, 4}));
  EXPECT_FALSE(r.Skip(2));
  EXPECT_EQ(r.rest().size(), 1u);
}

TEST(ByteWriterTest, WritesBigEndian) {
  ByteWriter w;
  w.PutU8(0x01);
  w.PutU16(0x0203);
  w.PutU32(0x04050607);
  w.PutU40(0x08090a0b0cULL);
  w.PutU64(0x0d0e0f1011121314ULL);
  w.PutBytes(Bytes{0xee});
  EXPECT_EQ(ToHex(w.view()), "0102030405060708090a0b0c0d0e0f1011121314ee");
}

TEST(ByteWriterTest, LengthPrefixIsFilledInAndOverflowIsRefused) {
  ByteWriter w;
  auto prefix = w.BeginLengthPrefix(2);
  w.PutBytes(Bytes(3, 0xab));
  ASSERT_TRUE(w.EndLengthPrefix(prefix));
  EXPECT_EQ(ToHex(w.view()), "0003ababab");

  ByteWriter small;
  auto one = small.BeginLengthPrefix(1);
  small.PutBytes(Bytes(256, 0));
  EXPECT_FALSE(small.EndLengthPrefix(one));
}

TEST(ByteIoTest, WriterOutputReadsBack) {
  ByteWriter w;
  w.PutU16(0xbeef);
  w.PutU40(0x0102030405ULL);
  Bytes bytes = std::move(w).Finish();
  ByteReader r(bytes);
  uint16_t a = 0;
  uint64_t b = 0;
  ASSERT_TRUE(r.GetU16(&a));
  ASSERT_TRUE(r.GetU40(&b));
  EXPECT_EQ(a, 0xbeef);
  EXPECT_EQ(b, 0x0102030405ULL);
  EXPECT_TRUE(r.empty());
}

}  // namespace
}  // namespace mcx::mikey
