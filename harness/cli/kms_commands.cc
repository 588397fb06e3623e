// `mcxtest kms ...`: the KMS simulator (key stores, Annex D XML, HTTP endpoint).
#include "harness/cli/command.h"

namespace mcx::cli {

void AddKmsCommands(CLI::App& app, CommandContext& ctx) {
  AddGroup(app, ctx, "kms", "KMS simulator: key stores, Annex D XML, HTTP endpoint");
}

}  // namespace mcx::cli
