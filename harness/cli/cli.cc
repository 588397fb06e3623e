#include <iostream>
#include <string>
#include <vector>

#include "harness/cli/command.h"
#include "harness/cli/version.h"

namespace mcx::cli {

// `report` and `matrix` (harness/cli/report_commands.cc).
void AddReportCommands(CLI::App& app, CommandContext& ctx);

int Reject(CommandContext& ctx, const std::string& reason) {
  *ctx.out << "invalid: " << reason << "\n";
  return kExitRejected;
}

int UsageError(CommandContext& ctx, const std::string& message) {
  *ctx.err << "mcxtest: error: " << message << "\n"
           << "Run 'mcxtest --help' for usage.\n";
  return kExitUsage;
}

CLI::App* AddGroup(CLI::App& app, CommandContext& ctx, const std::string& name,
                   const std::string& description) {
  CLI::App* group = app.add_subcommand(name, description);
  // Children's callbacks run first; the group only fills in when none was chosen.
  group->callback([&ctx, name] {
    if (ctx.action) return;
    ctx.action = [&ctx, name] {
      return UsageError(ctx, "'" + name + "' needs a subcommand; see 'mcxtest " + name + " --help'");
    };
  });
  return group;
}

int RunCli(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
  CommandContext ctx{nullptr, &out, &err};
  CLI::App app{
      "mcxtest: conformance harness and fuzzer for 3GPP MCX group key distribution "
      "(TS 33.180 7.3.3, MIKEY-SAKKE).",
      "mcxtest"};
  app.set_version_flag("--version", std::string("mcxtest ") + kMcxtestVersion);
  app.fallthrough(false);

  AddCryptoCommands(app, ctx);
  AddGktpCommands(app, ctx);
  AddKmsCommands(app, ctx);
  AddRunCommands(app, ctx);
  AddReportCommands(app, ctx);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    out << app.help();
    return kExitOk;
  } catch (const CLI::CallForAllHelp&) {
    out << app.help("", CLI::AppFormatMode::All);
    return kExitOk;
  } catch (const CLI::CallForVersion&) {
    out << "mcxtest " << kMcxtestVersion << "\n";
    return kExitOk;
  } catch (const CLI::ParseError& e) {
    std::string what = e.what();
    // CLI11's help for a subcommand is raised from the subcommand itself.
    if (e.get_exit_code() == 0) {
      out << what;
      return kExitOk;
    }
    if (what.find('\n') != std::string::npos) what = what.substr(0, what.find('\n'));
    return UsageError(ctx, what);
  }
  if (!ctx.action) return UsageError(ctx, "no command given");
  return ctx.action();
}

}  // namespace mcx::cli
