// Subcommand groups whose engines are not built yet. Each says plainly that it
// is unavailable instead of pretending to work; the owning issue replaces it.
#include "harness/cli/command.h"

namespace mcx::cli {
namespace {

CLI::App* AddUnavailableGroup(CLI::App& app, CommandContext& ctx, const char* name,
                              const char* description) {
  CLI::App* group = app.add_subcommand(name, description);
  SetAction(group, ctx, [&ctx, name] {
    *ctx.err << "mcxtest: '" << name << "' is not available in this build yet\n";
    return kExitUsage;
  });
  return group;
}

}  // namespace

void AddGktpCommands(CLI::App& app, CommandContext& ctx) {
  AddUnavailableGroup(app, ctx, "gktp", "Inspect, build and verify Group Key Transport payloads");
}

void AddKmsCommands(CLI::App& app, CommandContext& ctx) {
  AddUnavailableGroup(app, ctx, "kms", "KMS simulator: key stores, Annex D XML, HTTP endpoint");
}

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
