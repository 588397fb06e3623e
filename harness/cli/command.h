// How subcommand groups plug into the `mcxtest` CLI: each group file adds its
// CLI11 subcommands and, when one is chosen, stores the action to run after
// parsing. Actions return the process exit code and never throw.
#ifndef MCXTEST_HARNESS_CLI_COMMAND_H_
#define MCXTEST_HARNESS_CLI_COMMAND_H_

#include <functional>
#include <iosfwd>
#include <string>

#include <CLI/CLI.hpp>

namespace mcx::cli {

// Exit codes shared by every subcommand.
inline constexpr int kExitOk = 0;
inline constexpr int kExitRejected = 1;  // input parsed but judged invalid / tests failed
inline constexpr int kExitUsage = 2;
inline constexpr int kExitSutStart = 3;

struct CommandContext {
  std::function<int()> action;
  std::ostream* out;
  std::ostream* err;
};

// Registers a leaf subcommand whose action runs once parsing succeeded.
inline void SetAction(CLI::App* sub, CommandContext& ctx, std::function<int()> action) {
  sub->callback([&ctx, action = std::move(action)] { ctx.action = action; });
}

// Adds a group of subcommands (`crypto`, `kms`, ...). Naming the group alone
// is a usage error that points at its --help.
CLI::App* AddGroup(CLI::App& app, CommandContext& ctx, const std::string& name,
                   const std::string& description);

// Prints "invalid: <reason>" and returns kExitRejected (input judged invalid).
int Reject(CommandContext& ctx, const std::string& reason);
// Prints "mcxtest: error: <message>" and returns kExitUsage.
int UsageError(CommandContext& ctx, const std::string& message);

void AddCryptoCommands(CLI::App& app, CommandContext& ctx);
// SAKKE subcommands live beside the rest of `crypto` but in their own file.
void AddSakkeCryptoCommands(CLI::App& crypto_group, CommandContext& ctx);
void AddGktpCommands(CLI::App& app, CommandContext& ctx);
// `gktp verify` and `gktp build` (the GKTP verifier and builder).
void AddGktpVerifyCommands(CLI::App& gktp_group, CommandContext& ctx);
void AddKmsCommands(CLI::App& app, CommandContext& ctx);
void AddRunCommands(CLI::App& app, CommandContext& ctx);

// Parses argv and runs the chosen action; the whole CLI in one call (testable).
int RunCli(int argc, const char* const* argv, std::ostream& out, std::ostream& err);

}  // namespace mcx::cli

#endif  // MCXTEST_HARNESS_CLI_COMMAND_H_
