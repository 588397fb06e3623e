// `mcxtest run` and `mcxtest list`: the conformance suite.
#include "harness/cli/command.h"

namespace mcx::cli {

void AddRunCommands(CLI::App& app, CommandContext& ctx) {
  CLI::App* run = app.add_subcommand("run", "Run the conformance suite against an implementation");
  run->allow_extras();
  SetAction(run, ctx, [&ctx] {
    *ctx.out << "mcxtest run: the scenario engine is not built yet.\n"
             << "Available now: 'mcxtest crypto --help' (reference crypto core).\n";
    return kExitOk;
  });
  CLI::App* list = app.add_subcommand("list", "List the conformance test cases");
  SetAction(list, ctx, [&ctx] {
    *ctx.out << "no test cases yet\n";
    return kExitOk;
  });
}

}  // namespace mcx::cli
