#include "crypto/read_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "crypto/secret.h"

namespace mcx {
namespace {

Error CannotRead(const std::string& path, const std::string& why) {
  return Error(ErrorCode::kIo, "cannot read " + path + ": " + why);
}

Error TooLarge(const std::string& path, size_t max_size) {
  return CannotRead(path, "larger than the limit of " + std::to_string(max_size) + " octets");
}

// Owns the descriptor and the buffer; the buffer is wiped unless taken.
class Reader {
 public:
  explicit Reader(int fd) : fd_(fd) {}
  ~Reader() {
    ::close(fd_);
    SecureZero(buffer_.data(), buffer_.capacity());
  }

  // Grows by copying into a fresh buffer and wiping the old one, so no
  // copy of the content is left behind in freed memory.
  void Reserve(size_t capacity) {
    if (capacity <= buffer_.capacity()) return;
    std::string bigger;
    bigger.reserve(capacity);
    bigger.assign(buffer_);
    SecureZero(buffer_.data(), buffer_.capacity());
    buffer_.swap(bigger);
  }

  // Reads to end of file; false with errno set on a read error, or with
  // errno 0 when more than `max_size` octets are there.
  bool ReadAll(size_t max_size) {
    char chunk[16384];
    for (;;) {
      const ssize_t n = ::read(fd_, chunk, sizeof chunk);
      if (n < 0) {
        if (errno == EINTR) continue;
        SecureZero(chunk, sizeof chunk);
        return false;
      }
      if (n == 0) break;
      const size_t got = static_cast<size_t>(n);
      if (buffer_.size() + got > max_size) {
        SecureZero(chunk, sizeof chunk);
        errno = 0;
        return false;
      }
      if (buffer_.size() + got > buffer_.capacity()) Reserve(std::max(buffer_.size() + got, 2 * buffer_.capacity()));
      buffer_.append(chunk, got);
    }
    SecureZero(chunk, sizeof chunk);
    return true;
  }

  std::string Take() { return std::move(buffer_); }

 private:
  int fd_;
  std::string buffer_;
};

}  // namespace

Result<std::string> ReadFileWithLimit(const std::string& path, size_t max_size) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) return CannotRead(path, std::strerror(errno));
  Reader reader(fd);
  struct stat st {};
  if (::fstat(fd, &st) != 0) return CannotRead(path, std::strerror(errno));
  if (S_ISDIR(st.st_mode)) return CannotRead(path, std::strerror(EISDIR));
  if (S_ISREG(st.st_mode) && st.st_size > 0) {
    // /proc files report 0 and are read to the end; others say their size.
    if (static_cast<uint64_t>(st.st_size) > max_size) return TooLarge(path, max_size);
    reader.Reserve(static_cast<size_t>(st.st_size) + 1);
  }
  if (!reader.ReadAll(max_size)) {
    if (errno == 0) return TooLarge(path, max_size);
    return CannotRead(path, std::strerror(errno));
  }
  return reader.Take();
}

}  // namespace mcx
