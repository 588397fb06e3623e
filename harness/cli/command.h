// How subcommand groups plug into the `mcxtest` CLI: each group file adds its
// CLI11 subcommands and, when one is chosen, stores the action to run after
// parsing. Actions return the process exit code and never throw.
#ifndef MCXTEST_HARNESS_CLI_COMMAND_H_
#define MCXTEST_HARNESS_CLI_COMMAND_H_

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <string>

#include <CLI/CLI.hpp>

#include "crypto/result.h"

namespace mcx::cli {

// Exit codes shared by every subcommand.
inline constexpr int kExitOk = 0;
inline constexpr int kExitRejected = 1;  // input parsed but judged invalid / tests failed
inline constexpr int kExitUsage = 2;
inline constexpr int kExitSutStart = 3;
// Ctrl-C or a CI cancel (SIGTERM) ended `run` or `matrix`.
inline constexpr int kExitInterrupted = 130;

// Limits of `run` and `matrix`: test cases at once (each a SUT process and
// threads) and the per-request timeout (a day).
inline constexpr uint64_t kMaxJobs = 1024;
inline constexpr double kMaxTimeoutSeconds = 86400;

struct CommandContext {
  std::function<int()> action;
  std::ostream* out;
  std::ostream* err;
  // The chosen command as typed ("run", "gktp verify"); usage errors point
  // at its own --help.
  std::string command;
};

// "gktp verify" for that subcommand's CLI11 app ("" for the top level).
std::string CommandPath(const CLI::App* sub);

// Registers a leaf subcommand whose action runs once parsing succeeded.
inline void SetAction(CLI::App* sub, CommandContext& ctx, std::function<int()> action) {
  sub->callback([&ctx, sub, action = std::move(action)] {
    ctx.command = CommandPath(sub);
    ctx.action = action;
  });
}

// Validators with messages a person can read ("--jobs: -3 is negative",
// "--seed: 'abc' is not a decimal number") instead of CLI11's
// "Could not convert" or a range up to 1.8e308. A decimal integer in
// [min, max]:
CLI::Validator DecimalIn(uint64_t min, uint64_t max);
// A positive number of seconds (decimals allowed) up to `max`.
CLI::Validator SecondsUpTo(double max);

// Adds a group of subcommands (`crypto`, `kms`, ...). Naming the group alone
// is a usage error that points at its --help.
CLI::App* AddGroup(CLI::App& app, CommandContext& ctx, const std::string& name,
                   const std::string& description);

// Prints "invalid: <reason>" and returns kExitRejected (input judged invalid).
int Reject(CommandContext& ctx, const std::string& reason);
// Prints "mcxtest: error: <message>" and one hint, the chosen command's
// own help ("Run 'mcxtest run --help' for usage."), and returns kExitUsage.
int UsageError(CommandContext& ctx, const std::string& message);
// A file or directory that cannot be read or written (the command line was
// fine): "mcxtest: error: <message>" naming the path and the OS's reason,
// no usage hint, and kExitUsage (exit 2, as documented for input errors).
int InputError(CommandContext& ctx, const std::string& message);
// InputError for an I/O error (ErrorCode kIo, kNotFound), else UsageError.
int ErrorExit(CommandContext& ctx, const Error& error);

void AddCryptoCommands(CLI::App& app, CommandContext& ctx);
// SAKKE subcommands live beside the rest of `crypto` but in their own file.
void AddSakkeCryptoCommands(CLI::App& crypto_group, CommandContext& ctx);
void AddGktpCommands(CLI::App& app, CommandContext& ctx);
// `gktp verify` and `gktp build` (the GKTP verifier and builder).
void AddGktpVerifyCommands(CLI::App& gktp_group, CommandContext& ctx);
void AddKmsCommands(CLI::App& app, CommandContext& ctx);
void AddRunCommands(CLI::App& app, CommandContext& ctx);
// `shim-check`: a shim's framing and answers, before any conformance run.
void AddShimCheckCommands(CLI::App& app, CommandContext& ctx);

// Parses argv and runs the chosen action; the whole CLI in one call (testable).
int RunCli(int argc, const char* const* argv, std::ostream& out, std::ostream& err);

}  // namespace mcx::cli

#endif  // MCXTEST_HARNESS_CLI_COMMAND_H_
