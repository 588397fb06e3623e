// Files that hold key material are never written in place: a reader (or a
// second writer) sees the old file or the whole new one, and a symlink or a
// hard link planted at the target is replaced, never written through.
//
// Both writers create a temporary with a unique hidden name in the target's
// directory (O_CREAT | O_EXCL | O_NOFOLLOW, `mode` applied exactly, not masked
// by umask), write it completely and then publish it:
//  - WriteFileAtomically renames it over the target (last writer wins);
//  - WriteFileIfAbsent links it to the target, which fails when the target
//    exists (first writer wins; the caller reads the winner's file).
#ifndef MCXTEST_KMS_ATOMIC_FILE_H_
#define MCXTEST_KMS_ATOMIC_FILE_H_

#include <sys/types.h>

#include <cstddef>
#include <string>
#include <string_view>

#include "crypto/result.h"

namespace mcx::kms {

Status WriteFileAtomically(const std::string& path, std::string_view content, mode_t mode);

enum class WriteOutcome { kWritten, kAlreadyExists };
Result<WriteOutcome> WriteFileIfAbsent(const std::string& path, std::string_view content, mode_t mode);

// The whole file, refusing symlinks and files over `max_size` octets; what
// was read is wiped on error (it may be key material).
Result<std::string> ReadFileNoFollow(const std::string& path, size_t max_size);

}  // namespace mcx::kms

#endif  // MCXTEST_KMS_ATOMIC_FILE_H_
