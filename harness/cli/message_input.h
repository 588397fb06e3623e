// A MIKEY message given on the command line as exactly one of --b64 HEX,
// --hex HEX or a FILE (base64 text or raw binary), shared by `gktp` commands.
#ifndef MCXTEST_HARNESS_CLI_MESSAGE_INPUT_H_
#define MCXTEST_HARNESS_CLI_MESSAGE_INPUT_H_

#include <string>

#include <CLI/CLI.hpp>

#include "crypto/bytes.h"
#include "crypto/result.h"

namespace mcx::cli {

// A MIKEY message is a few kilobytes; a FILE may hold at most this much
// (base64 text or binary), so /dev/zero is an error, not a memory sink.
inline constexpr size_t kMaxMessageFileSize = size_t{1} << 20;

struct MessageInput {
  std::string b64, hex, file;
  CLI::Option* b64_option = nullptr;
  CLI::Option* hex_option = nullptr;
  CLI::Option* file_option = nullptr;
};

void AddMessageInputOptions(CLI::App* sub, MessageInput& in);

// The message octets; errors are usage errors (exit 2).
Result<Bytes> ReadMessageInput(const MessageInput& in);

}  // namespace mcx::cli

#endif  // MCXTEST_HARNESS_CLI_MESSAGE_INPUT_H_
