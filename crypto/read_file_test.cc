#include "crypto/read_file.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

namespace mcx {
namespace {

std::string TempPath(const std::string& name) {
  const char* dir = std::getenv("TEST_TMPDIR");
  return std::string(dir ? dir : "/tmp") + "/" + name;
}

void Write(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
}

TEST(ReadFileTest, ReadsAWholeFileAtTheLimit) {
  const std::string path = TempPath("exact");
  Write(path, std::string(100000, 'x') + "end");
  auto text = ReadFileWithLimit(path, 100003);
  ASSERT_TRUE(text.ok()) << text.error().ToString();
  EXPECT_EQ(text->size(), 100003u);
  EXPECT_EQ(text->substr(100000), "end");
  Write(path, "");
  auto empty = ReadFileWithLimit(path, 10);
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(*empty, "");
}

TEST(ReadFileTest, LargerThanTheLimitIsAnError) {
  const std::string path = TempPath("big");
  Write(path, std::string(11, 'x'));
  auto text = ReadFileWithLimit(path, 10);
  ASSERT_FALSE(text.ok());
  EXPECT_EQ(text.error().code(), ErrorCode::kIo);
  EXPECT_EQ(text.error().message(), "cannot read " + path + ": larger than the limit of 10 octets");
}

// Issue 17 items 1 and 4: these aborted with std::ios_base::failure or grew
// without bound through std::ifstream.
TEST(ReadFileTest, DirectoryIsAnError) {
  auto text = ReadFileWithLimit("/tmp", 1 << 20);
  ASSERT_FALSE(text.ok());
  EXPECT_EQ(text.error().message(), "cannot read /tmp: Is a directory");
}

TEST(ReadFileTest, EndlessDeviceStopsAtTheLimit) {
  auto text = ReadFileWithLimit("/dev/zero", 1 << 16);
  ASSERT_FALSE(text.ok());
  EXPECT_EQ(text.error().message(), "cannot read /dev/zero: larger than the limit of 65536 octets");
}

TEST(ReadFileTest, UnreadableSpecialFileIsAnError) {
  auto text = ReadFileWithLimit("/proc/self/mem", 1 << 20);
  ASSERT_FALSE(text.ok());
  EXPECT_EQ(text.error().message(), "cannot read /proc/self/mem: Input/output error");
}

TEST(ReadFileTest, ProcFilesReportingSizeZeroAreReadToTheEnd) {
  auto text = ReadFileWithLimit("/proc/self/status", 1 << 20);
  ASSERT_TRUE(text.ok()) << text.error().ToString();
  EXPECT_NE(text->find("Pid:"), std::string::npos);
}

TEST(ReadFileTest, MissingFileNamesTheReason) {
  auto text = ReadFileWithLimit(TempPath("does-not-exist"), 10);
  ASSERT_FALSE(text.ok());
  EXPECT_EQ(text.error().message(), "cannot read " + TempPath("does-not-exist") + ": No such file or directory");
}

}  // namespace
}  // namespace mcx
