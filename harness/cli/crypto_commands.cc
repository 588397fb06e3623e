// `mcxtest crypto ...`: the reference crypto core on the command line.
#include "harness/cli/command.h"

namespace mcx::cli {

void AddCryptoCommands(CLI::App& app, CommandContext& ctx) {
  CLI::App* crypto = AddGroup(app, ctx, "crypto", "Reference crypto core: KDF, UID, GUK-ID, ECCSI, SAKKE");
  AddSakkeCryptoCommands(*crypto, ctx);
}

}  // namespace mcx::cli
