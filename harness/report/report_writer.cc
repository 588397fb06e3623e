#include "harness/report/report_writer.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <vector>

#include "harness/report/json_report.h"
#include "harness/report/junit.h"

namespace mcx::report {
namespace {

namespace fs = std::filesystem;

constexpr char kJunitName[] = "junit.xml";
constexpr char kJsonName[] = "report.json";
constexpr char kMessagesName[] = "messages";
constexpr char kMessageExtension[] = ".mikey";

Error IoError(const std::string& what, const std::string& path, int err) {
  return Error(ErrorCode::kIo, what + " '" + path + "': " + std::strerror(err));
}

Status CreateDirectories(const fs::path& dir) {
  if (dir.empty()) return Status::Ok();
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Error(ErrorCode::kIo, "cannot create directory '" + dir.string() + "': " + ec.message());
  return Status::Ok();
}

Status WriteAll(int fd, std::string_view content, const std::string& path) {
  while (!content.empty()) {
    ssize_t n = ::write(fd, content.data(), content.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return IoError("cannot write", path, errno);
    }
    content.remove_prefix(static_cast<size_t>(n));
  }
  return Status::Ok();
}

Status WriteFile(const std::string& path, const std::vector<std::string_view>& pieces) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return IoError("cannot create", path, errno);
  Status written;
  for (std::string_view piece : pieces) {
    written = WriteAll(fd, piece, path);
    if (!written.ok()) break;
  }
  if (::close(fd) != 0 && written.ok()) written = IoError("cannot close", path, errno);
  return written;
}

// Stale message files of an earlier run would otherwise sit next to the new
// ones and mislead whoever reads the directory.
void RemoveOldMessageFiles(const fs::path& dir) {
  std::error_code ec;
  std::vector<fs::path> stale;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().extension() == kMessageExtension) stale.push_back(it->path());
  }
  for (const auto& path : stale) fs::remove(path, ec);
}

Status FirstError(Status a, Status b) { return a.ok() ? b : a; }

}  // namespace

std::string SanitizeFileName(std::string_view name, size_t max_length) {
  std::string out;
  for (char ch : name) {
    if (out.size() >= max_length) break;
    bool keep = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '.' ||
                ch == '-' || ch == '_' || ch == '@' || ch == '+';
    out.push_back(keep ? ch : '_');
  }
  if (out.empty()) return "_";
  if (out[0] == '.') out[0] = '_';  // no hidden files, no "." or ".."
  return out;
}

std::string MessageFileName(size_t index, size_t count, const engine::MessageRecord& message) {
  std::string number = std::to_string(index + 1);
  size_t width = std::max<size_t>(2, std::to_string(count).size());
  if (number.size() < width) number.insert(0, width - number.size(), '0');
  return number + "-step" + SanitizeFileName(std::to_string(message.step)) + "-" + SanitizeFileName(message.to, 64) +
         kMessageExtension;
}

Status WriteFileAtomically(const std::string& path, const std::vector<std::string_view>& pieces) {
  static std::atomic<uint64_t> counter{0};
  fs::path target(path);
  MCX_RETURN_IF_ERROR(CreateDirectories(target.parent_path()));
  // Same directory, so rename() stays on one file system and is atomic.
  fs::path temp = target.parent_path() / ("." + target.filename().string() + ".tmp." + std::to_string(::getpid()) +
                                          "." + std::to_string(counter.fetch_add(1)));
  Status written = WriteFile(temp.string(), pieces);
  // No fsync: the guarantee wanted is against the process dying, which
  // rename() already gives; syncing tens of MB per case would dominate.
  if (written.ok() && ::rename(temp.c_str(), target.c_str()) != 0) {
    written = IoError("cannot rename '" + temp.string() + "' to", path, errno);
  }
  if (!written.ok()) ::unlink(temp.c_str());
  return written;
}

ReportWriter::ReportWriter(std::string dir, std::string extra_junit_path, std::string extra_json_path)
    : dir_(dir.empty() ? kDefaultReportDir : std::move(dir)),
      extra_junit_path_(std::move(extra_junit_path)),
      extra_json_path_(std::move(extra_json_path)) {}

std::string ReportWriter::junit_path() const { return (fs::path(dir_) / kJunitName).string(); }
std::string ReportWriter::json_path() const { return (fs::path(dir_) / kJsonName).string(); }
std::string ReportWriter::messages_dir() const { return (fs::path(dir_) / kMessagesName).string(); }

std::string ReportWriter::case_messages_dir(std::string_view case_id) const {
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [id, dir] : case_dirs_) {
    if (id == case_id) return dir;
  }
  return "";
}

Status ReportWriter::Begin(const engine::RunInfo& info) {
  std::lock_guard<std::mutex> lock(mu_);
  if (begun_) return InvalidArgument("report writer: Begin called twice");
  MCX_RETURN_IF_ERROR(CreateDirectories(messages_dir()));
  info_ = info;
  begun_ = true;
  return WriteReportsLocked(RunState::kRunning);
}

std::string ReportWriter::AllocateCaseDirLocked(const std::string& case_id) {
  std::string base = SanitizeFileName(case_id);
  std::string name = base;
  for (int n = 2; used_case_dirs_.count(name) != 0; ++n) name = base + "-" + std::to_string(n);
  used_case_dirs_.insert(name);
  std::string dir = (fs::path(messages_dir()) / name).string();
  case_dirs_.emplace_back(case_id, dir);
  return dir;
}

Status ReportWriter::AddCase(const engine::TestCaseResult& c) {
  std::string case_dir;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!begun_) return InvalidArgument("report writer: AddCase before Begin");
    if (finished_) return InvalidArgument("report writer: AddCase after Finish");
    case_dir = AllocateCaseDirLocked(c.id);
  }

  // The slow part (files, rendering, decoding every message) runs unlocked
  // so cases finishing on several threads do not queue behind each other.
  Status messages_status = CreateDirectories(case_dir);
  if (messages_status.ok()) {
    RemoveOldMessageFiles(case_dir);
    for (size_t i = 0; i < c.messages.size(); ++i) {
      const engine::MessageRecord& m = c.messages[i];
      std::string path = (fs::path(case_dir) / MessageFileName(i, c.messages.size(), m)).string();
      Status written =
          WriteFile(path, {std::string_view(reinterpret_cast<const char*>(m.wire.data()), m.wire.size())});
      if (!written.ok()) {
        messages_status = written;
        break;  // the disk is full or gone: the next files would fail too
      }
    }
  }
  std::string junit = JunitTestCase(c, junit_suite_);
  std::string json = CaseJsonText(c);

  std::lock_guard<std::mutex> lock(mu_);
  counts_.Add(c);
  verdicts_.push_back(c.verdict);
  junit_cases_.push_back(std::move(junit));
  json_cases_.push_back(std::move(json));
  total_seconds_ += SanitizedSeconds(c.seconds);
  return FirstError(messages_status, WriteReportsLocked(RunState::kRunning));
}

Status ReportWriter::Finish(bool interrupted) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!begun_) return InvalidArgument("report writer: Finish before Begin");
  finished_ = true;
  return WriteReportsLocked(interrupted ? RunState::kInterrupted : RunState::kFinished);
}

Status ReportWriter::WriteReportsLocked(RunState state) {
  DocumentFrame junit_frame = JunitFrame(info_, verdicts_, total_seconds_, state, junit_suite_);
  DocumentFrame json_frame = JsonReportFrame(info_, counts_, state);
  std::vector<std::string_view> junit = junit_frame.Pieces(junit_cases_);
  std::vector<std::string_view> json = json_frame.Pieces(json_cases_);
  // Every file is attempted even after a failure: an unwritable --junit
  // path must not cost the report directory its update.
  Status status = WriteFileAtomically(junit_path(), junit);
  status = FirstError(status, WriteFileAtomically(json_path(), json));
  if (!extra_junit_path_.empty()) status = FirstError(status, WriteFileAtomically(extra_junit_path_, junit));
  if (!extra_json_path_.empty()) status = FirstError(status, WriteFileAtomically(extra_json_path_, json));
  return status;
}

}  // namespace mcx::report
