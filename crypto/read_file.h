// Reading a whole input file under a size limit. Every path a user names is
// hostile input: a directory, /dev/zero, /proc/self/mem, a FIFO or a file
// that grows while being read must end in an error naming the file, never an
// exception, a hang on a full disk of zeros or unbounded memory.
#ifndef MCXTEST_CRYPTO_READ_FILE_H_
#define MCXTEST_CRYPTO_READ_FILE_H_

#include <cstddef>
#include <string>

#include "crypto/result.h"

namespace mcx {

// The file's content, at most `max_size` octets. Errors are kIo and read
// "cannot read PATH: <why>" (e.g. "Is a directory", "larger than the limit of
// 1048576 octets"). Buffers are wiped when discarded, so the function also
// serves files holding secrets.
Result<std::string> ReadFileWithLimit(const std::string& path, size_t max_size);

}  // namespace mcx

#endif  // MCXTEST_CRYPTO_READ_FILE_H_
