#include "kms/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "crypto/bytes.h"
#include "crypto/random.h"
#include "crypto/secret.h"

namespace mcx::kms {
namespace {

namespace fs = std::filesystem;

Error IoError(const std::string& path, const std::string& what) {
  return Error(ErrorCode::kIo, path + ": " + what);
}

Error Errno(const std::string& path) { return IoError(path, std::strerror(errno)); }

// A hidden name nobody else uses: concurrent writers of the same target
// (two `kms provision` runs) must never share or delete each other's file.
Result<std::string> UniqueTemporaryName(const fs::path& target) {
  MCX_ASSIGN_OR_RETURN(Bytes nonce, RandomBytes(8));
  return (target.parent_path() / ("." + target.filename().string() + "." + ToHex(nonce) + ".tmp")).string();
}

Status WriteAll(int fd, std::string_view content, const std::string& path) {
  size_t written = 0;
  while (written < content.size()) {
    const ssize_t n = ::write(fd, content.data() + written, content.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Errno(path);
    }
    written += static_cast<size_t>(n);
  }
  return Status::Ok();
}

// A complete temporary file next to `target`; its name, or an error (then
// nothing is left behind).
Result<std::string> WriteTemporary(const fs::path& target, std::string_view content, mode_t mode) {
  if (target.filename().empty()) return IoError(target, "not a file name");
  MCX_ASSIGN_OR_RETURN(std::string tmp, UniqueTemporaryName(target));
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
  if (fd < 0) return Errno(tmp);
  Status status = ::fchmod(fd, mode) == 0 ? WriteAll(fd, content, tmp) : Status(Errno(tmp));
  if (status.ok() && ::fsync(fd) != 0) status = Errno(tmp);
  if (::close(fd) != 0 && status.ok()) status = Errno(tmp);
  if (!status.ok()) {
    ::unlink(tmp.c_str());
    return status.error();
  }
  return tmp;
}

}  // namespace

Status WriteFileAtomically(const std::string& path, std::string_view content, mode_t mode) {
  MCX_ASSIGN_OR_RETURN(std::string tmp, WriteTemporary(path, content, mode));
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const Error e = Errno(path);
    ::unlink(tmp.c_str());
    return e;
  }
  return Status::Ok();
}

Result<WriteOutcome> WriteFileIfAbsent(const std::string& path, std::string_view content, mode_t mode) {
  MCX_ASSIGN_OR_RETURN(std::string tmp, WriteTemporary(path, content, mode));
  const int linked = ::link(tmp.c_str(), path.c_str());
  const int saved = errno;
  ::unlink(tmp.c_str());
  if (linked == 0) return WriteOutcome::kWritten;
  if (saved == EEXIST) return WriteOutcome::kAlreadyExists;
  return IoError(path, std::strerror(saved));
}

Result<std::string> ReadFileNoFollow(const std::string& path, size_t max_size) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return Errno(path);
  std::string out;
  char buffer[8192];
  Status status;
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof(buffer));
    if (n < 0) {
      if (errno == EINTR) continue;
      status = Errno(path);
      break;
    }
    if (n == 0) break;
    out.append(buffer, static_cast<size_t>(n));
    if (out.size() > max_size) {
      status = IoError(path, "larger than " + std::to_string(max_size) + " octets");
      break;
    }
  }
  SecureZero(buffer, sizeof(buffer));
  ::close(fd);
  if (!status.ok()) {
    SecureZero(out.data(), out.size());
    return status.error();
  }
  return out;
}

}  // namespace mcx::kms
