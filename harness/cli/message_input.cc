#include "harness/cli/message_input.h"

#include "crypto/read_file.h"
#include "harness/cli/cli_util.h"
#include "mikey/message.h"

namespace mcx::cli {
namespace {

// A file holds raw binary when it starts like a MIKEY message (version 1,
// an octet that never occurs in base64 text), else base64 text.
Result<Bytes> DecodeFileContent(const std::string& path, const std::string& content) {
  if (content.empty()) return InvalidArgument(path + ": file is empty");
  if (static_cast<uint8_t>(content[0]) == mikey::kMikeyVersion) return ToBytes(content);
  Result<Bytes> decoded = FromBase64(content);
  if (!decoded.ok()) {
    return InvalidArgument(path + ": neither a binary MIKEY message nor base64 (" +
                           decoded.error().ToString() + ")");
  }
  return decoded;
}

}  // namespace

void AddMessageInputOptions(CLI::App* sub, MessageInput& in) {
  in.b64_option = sub->add_option("--b64", in.b64, "the I_MESSAGE in base64");
  in.hex_option = sub->add_option("--hex", in.hex, "the I_MESSAGE in hex");
  in.file_option = sub->add_option(
      "file", in.file, "file holding the I_MESSAGE as base64 text or raw binary");
  in.b64_option->excludes(in.hex_option)->excludes(in.file_option);
  in.hex_option->excludes(in.file_option);
}

// The message octets; errors are usage errors (exit 2).
Result<Bytes> ReadMessageInput(const MessageInput& in) {
  size_t given = in.b64_option->count() + in.hex_option->count() + in.file_option->count();
  if (given != 1) return InvalidArgument("give the message as exactly one of --b64, --hex or FILE");
  if (in.b64_option->count()) {
    Result<Bytes> decoded = FromBase64(in.b64);
    if (!decoded.ok()) return InvalidArgument("--b64: " + decoded.error().ToString());
    return decoded;
  }
  if (in.hex_option->count()) return ParseHexFlag("--hex", in.hex);
  MCX_ASSIGN_OR_RETURN(std::string content, ReadFileWithLimit(in.file, kMaxMessageFileSize));
  return DecodeFileContent(in.file, content);
}

}  // namespace mcx::cli
