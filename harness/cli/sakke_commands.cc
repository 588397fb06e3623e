// `mcxtest crypto sakke-*`: SAKKE (RFC 6508) on the command line.
#include "harness/cli/command.h"

namespace mcx::cli {

void AddSakkeCryptoCommands(CLI::App& crypto_group, CommandContext& ctx) {}

}  // namespace mcx::cli
