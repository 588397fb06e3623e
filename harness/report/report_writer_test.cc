#include "harness/report/report_writer.h"

#include <signal.h>
#include <sys/stat.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

#include "harness/report/json_report.h"
#include "harness/report/test_support.h"

namespace mcx::report {
namespace {

namespace fs = std::filesystem;
using testing::ParseXml;
using testing::XmlDocPtr;
using testing::XPathString;

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

Bytes ReadBytes(const fs::path& path) {
  std::string text = ReadFile(path);
  return Bytes(text.begin(), text.end());
}

std::set<std::string> FileNames(const fs::path& dir) {
  std::set<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) names.insert(entry.path().filename().string());
  return names;
}

class ReportWriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* tmp = std::getenv("TEST_TMPDIR");
    root_ = fs::path(tmp != nullptr ? tmp : "/tmp") /
            ("report_writer_" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(root_);
    dir_ = root_ / "out" / "mcxtest-report";
  }
  void TearDown() override { fs::remove_all(root_); }

  // Both reports as they are on disk now: well-formed, and the number of
  // cases each holds (checked to agree).
  size_t CasesOnDisk(const fs::path& junit, const fs::path& json, bool* interrupted = nullptr) {
    std::string error;
    XmlDocPtr doc = ParseXml(ReadFile(junit), &error);
    EXPECT_NE(doc, nullptr) << error;
    auto run = ReadJsonReport(ReadFile(json));
    EXPECT_TRUE(run.ok()) << run.error().ToString();
    if (doc == nullptr || !run.ok()) return SIZE_MAX;
    EXPECT_EQ(XPathString(doc.get(), "/testsuites/testsuite/@tests"), std::to_string(run->cases.size()));
    if (interrupted != nullptr) *interrupted = run->interrupted;
    return run->cases.size();
  }

  fs::path root_;
  fs::path dir_;
};

TEST_F(ReportWriterTest, ReportsAreValidAfterEveryCase) {
  engine::RunResult run = testing::SampleRun();
  fs::path extra_junit = root_ / "ci" / "results" / "mcxtest.xml";
  fs::path extra_json = root_ / "ci" / "mcxtest.json";
  ReportWriter writer(dir_.string(), extra_junit.string(), extra_json.string());
  EXPECT_EQ(writer.junit_path(), (dir_ / "junit.xml").string());
  EXPECT_EQ(writer.json_path(), (dir_ / "report.json").string());
  ASSERT_TRUE(writer.Begin(run.info).ok());
  bool interrupted = false;
  EXPECT_EQ(CasesOnDisk(writer.junit_path(), writer.json_path(), &interrupted), 0u);
  EXPECT_TRUE(interrupted) << "a run still going reads back as interrupted";

  for (size_t i = 0; i < run.cases.size(); ++i) {
    Status added = writer.AddCase(run.cases[i]);
    ASSERT_TRUE(added.ok()) << added.error().ToString();
    EXPECT_EQ(CasesOnDisk(writer.junit_path(), writer.json_path()), i + 1);
    EXPECT_EQ(CasesOnDisk(extra_junit, extra_json), i + 1);
  }
  ASSERT_TRUE(writer.Finish(false).ok());
  EXPECT_EQ(CasesOnDisk(writer.junit_path(), writer.json_path(), &interrupted), 4u);
  EXPECT_FALSE(interrupted);
  EXPECT_EQ(ReadFile(writer.junit_path()), ReadFile(extra_junit));
  EXPECT_EQ(ReadFile(writer.json_path()), ReadFile(extra_json));

  auto back = ReadJsonReport(ReadFile(writer.json_path()));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->info.seed, run.info.seed);
  EXPECT_EQ(back->cases[1].id, "PGMS-REGROUP-002");
  EXPECT_EQ(back->cases[1].verdict, engine::Verdict::kFailed);
  // No temporary files are left behind.
  EXPECT_EQ(FileNames(dir_), (std::set<std::string>{"junit.xml", "report.json", "messages"}));
}

TEST_F(ReportWriterTest, FinishCanMarkTheRunInterrupted) {
  ReportWriter writer(dir_.string());
  ASSERT_TRUE(writer.Begin({}).ok());
  ASSERT_TRUE(writer.AddCase(testing::PassingCase()).ok());
  ASSERT_TRUE(writer.Finish(true).ok());
  bool interrupted = false;
  EXPECT_EQ(CasesOnDisk(writer.junit_path(), writer.json_path(), &interrupted), 1u);
  EXPECT_TRUE(interrupted);
  std::string error;
  XmlDocPtr doc = ParseXml(ReadFile(writer.junit_path()), &error);
  ASSERT_NE(doc, nullptr) << error;
  EXPECT_EQ(XPathString(doc.get(), "//property[@name='run_state']/@value"), "interrupted");
}

TEST_F(ReportWriterTest, MessagesAreWrittenRawWithSafeNames) {
  ReportWriter writer(dir_.string());
  ASSERT_TRUE(writer.Begin({}).ok());
  engine::TestCaseResult failing = testing::FailingCase();
  ASSERT_TRUE(writer.AddCase(failing).ok());
  fs::path case_dir = writer.case_messages_dir(failing.id);
  EXPECT_EQ(case_dir, dir_ / "messages" / "PGMS-REGROUP-002");
  EXPECT_EQ(FileNames(case_dir), (std::set<std::string>{
                                     "01-step7-sip_gms-b@example.org.mikey",
                                     "02-step14-sip_bob_.._x@example.org.mikey",
                                     "03-step8-sip_gms-b@example.org.mikey",
                                     "04-step11-_.mikey",
                                 }));
  EXPECT_EQ(ReadBytes(case_dir / "01-step7-sip_gms-b@example.org.mikey"), testing::StreamwideWire());
  EXPECT_EQ(ReadBytes(case_dir / "02-step14-sip_bob_.._x@example.org.mikey"), failing.messages[1].wire);
  EXPECT_TRUE(ReadBytes(case_dir / "04-step11-_.mikey").empty());

  // A hostile case ID cannot climb out of messages/.
  engine::TestCaseResult error_case = testing::ErrorCase();
  error_case.messages = failing.messages;
  ASSERT_TRUE(writer.AddCase(error_case).ok());
  fs::path error_dir = writer.case_messages_dir(error_case.id);
  EXPECT_EQ(error_dir, dir_ / "messages" / "UE_REJECT_003____");
  EXPECT_EQ(FileNames(error_dir).size(), 4u);

  // Cases without messages still get their (empty) directory.
  ASSERT_TRUE(writer.AddCase(testing::SkippedCase()).ok());
  EXPECT_TRUE(FileNames(writer.case_messages_dir("PARTNER-001")).empty());
}

TEST_F(ReportWriterTest, RepeatedOrCollidingIdsGetTheirOwnDirectories) {
  ReportWriter writer(dir_.string());
  ASSERT_TRUE(writer.Begin({}).ok());
  engine::TestCaseResult a = testing::FailingCase();
  a.id = "A/1";
  engine::TestCaseResult b = a;
  b.id = "A_1";
  b.messages.resize(1);
  ASSERT_TRUE(writer.AddCase(a).ok());
  ASSERT_TRUE(writer.AddCase(b).ok());
  EXPECT_EQ(fs::path(writer.case_messages_dir("A/1")).filename(), "A_1");
  EXPECT_EQ(fs::path(writer.case_messages_dir("A_1")).filename(), "A_1-2");
  EXPECT_EQ(FileNames(writer.case_messages_dir("A/1")).size(), 4u);
  EXPECT_EQ(FileNames(writer.case_messages_dir("A_1")).size(), 1u);
}

TEST_F(ReportWriterTest, StaleMessageFilesOfAnEarlierRunAreRemoved) {
  fs::path case_dir = dir_ / "messages" / "UE-ACCEPT-001";
  fs::create_directories(case_dir);
  std::ofstream(case_dir / "07-step14-old.mikey") << "old";
  std::ofstream(case_dir / "notes.txt") << "the user's own file";
  ReportWriter writer(dir_.string());
  ASSERT_TRUE(writer.Begin({}).ok());
  ASSERT_TRUE(writer.AddCase(testing::PassingCase()).ok());
  EXPECT_EQ(FileNames(case_dir), (std::set<std::string>{"01-step14-sip_alice@streamwide.com.mikey",
                                                        "02-step15-sip_alice@streamwide.com.mikey", "notes.txt"}));
}

TEST_F(ReportWriterTest, CasesFromManyThreadsWhileReadersWatch) {
  ReportWriter writer(dir_.string());
  ASSERT_TRUE(writer.Begin({}).ok());
  constexpr int kThreads = 6;
  constexpr int kCasesPerThread = 8;
  std::atomic<bool> done{false};
  std::atomic<int> reads{0};
  std::atomic<int> bad_reads{0};
  // Whoever looks at the directory mid-run always finds complete reports.
  std::thread reader([&] {
    while (!done) {
      std::string error;
      if (ParseXml(ReadFile(writer.junit_path()), &error) == nullptr) ++bad_reads;
      if (!ReadJsonReport(ReadFile(writer.json_path())).ok()) ++bad_reads;
      ++reads;
    }
  });
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kCasesPerThread; ++i) {
        engine::TestCaseResult c = (i % 2 == 0) ? testing::FailingCase() : testing::ErrorCase();
        c.id = "T" + std::to_string(t) + "-" + std::to_string(i);
        if (!writer.AddCase(c).ok()) ++failures;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  done = true;
  reader.join();
  ASSERT_TRUE(writer.Finish(false).ok());
  EXPECT_EQ(failures, 0);
  EXPECT_EQ(bad_reads, 0) << "of " << reads << " reads";
  auto run = ReadJsonReport(ReadFile(writer.json_path()));
  ASSERT_TRUE(run.ok());
  std::set<std::string> ids;
  for (const auto& c : run->cases) ids.insert(c.id);
  EXPECT_EQ(ids.size(), static_cast<size_t>(kThreads * kCasesPerThread));
  EXPECT_EQ(FileNames(dir_ / "messages").size(), static_cast<size_t>(kThreads * kCasesPerThread));
  EXPECT_EQ(FileNames(dir_), (std::set<std::string>{"junit.xml", "report.json", "messages"}));
}

// What SIGKILL (or a crash) in the middle of a run leaves: both reports,
// valid, with every case that finished.
TEST_F(ReportWriterTest, AKilledRunLeavesValidReportsOfWhatRan) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        ReportWriter writer(dir_.string());
        if (!writer.Begin(testing::SampleRun().info).ok()) std::_Exit(1);
        if (!writer.AddCase(testing::PassingCase()).ok()) std::_Exit(2);
        if (!writer.AddCase(testing::FailingCase()).ok()) std::_Exit(3);
        ::raise(SIGKILL);
      },
      ::testing::KilledBySignal(SIGKILL), "");
  bool interrupted = false;
  EXPECT_EQ(CasesOnDisk(dir_ / "junit.xml", dir_ / "report.json", &interrupted), 2u);
  EXPECT_TRUE(interrupted);
}

TEST_F(ReportWriterTest, MisuseAndUnwritablePathsAreErrors) {
  ReportWriter writer(dir_.string());
  EXPECT_FALSE(writer.AddCase(testing::PassingCase()).ok());
  EXPECT_FALSE(writer.Finish(false).ok());
  ASSERT_TRUE(writer.Begin({}).ok());
  EXPECT_FALSE(writer.Begin({}).ok());
  ASSERT_TRUE(writer.Finish(false).ok());
  EXPECT_FALSE(writer.AddCase(testing::PassingCase()).ok());

  // The report directory's parent is a regular file.
  fs::create_directories(root_);
  std::ofstream(root_ / "file") << "x";
  ReportWriter blocked((root_ / "file" / "report").string());
  Status begun = blocked.Begin({});
  ASSERT_FALSE(begun.ok());
  EXPECT_EQ(begun.error().code(), ErrorCode::kIo);
  EXPECT_NE(begun.error().message().find((root_ / "file").string()), std::string::npos) << begun.error().ToString();

  // An unwritable --junit path is reported, and the report directory is
  // still updated.
  ReportWriter partly(dir_.string(), (root_ / "file" / "junit.xml").string());
  Status partly_begun = partly.Begin({});
  EXPECT_FALSE(partly_begun.ok());
  EXPECT_FALSE(partly.AddCase(testing::PassingCase()).ok());
  EXPECT_EQ(CasesOnDisk(partly.junit_path(), partly.json_path()), 1u);
}

TEST(FileNameTest, SanitizesToOneSafeComponent) {
  EXPECT_EQ(SanitizeFileName("UE-ACCEPT-001"), "UE-ACCEPT-001");
  EXPECT_EQ(SanitizeFileName("sip:alice@example.org"), "sip_alice@example.org");
  EXPECT_EQ(SanitizeFileName("../../etc/passwd"), "_._.._etc_passwd");
  EXPECT_EQ(SanitizeFileName(".."), "_.");
  EXPECT_EQ(SanitizeFileName("."), "_");
  EXPECT_EQ(SanitizeFileName(""), "_");
  EXPECT_EQ(SanitizeFileName(std::string("a\xff\n\0b", 5), 80), "a___b");
  EXPECT_EQ(SanitizeFileName(std::string(300, 'x'), 80).size(), 80u);

  engine::MessageRecord m;
  m.step = 7;
  m.to = "sip:gms-b@example.org";
  EXPECT_EQ(MessageFileName(0, 4, m), "01-step7-sip_gms-b@example.org.mikey");
  EXPECT_EQ(MessageFileName(41, 10001, m), "00042-step7-sip_gms-b@example.org.mikey");
  m.step = -1;
  m.to = std::string(500, '/');
  std::string name = MessageFileName(0, 1, m);
  EXPECT_EQ(name, "01-step-1-" + std::string(64, '_') + ".mikey");
}

}  // namespace
}  // namespace mcx::report
