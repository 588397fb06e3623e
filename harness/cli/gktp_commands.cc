// `mcxtest gktp ...`: inspect, build and verify Group Key Transport payloads.
#include "harness/cli/command.h"

namespace mcx::cli {

void AddGktpCommands(CLI::App& app, CommandContext& ctx) {
  AddGroup(app, ctx, "gktp", "Inspect, build and verify Group Key Transport payloads");
}

}  // namespace mcx::cli
