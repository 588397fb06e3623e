#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "harness/cli/cli_util.h"
#include "harness/cli/command.h"
#include "harness/cli/version.h"

namespace mcx::cli {

// `report` and `matrix` (harness/cli/report_commands.cc).
void AddReportCommands(CLI::App& app, CommandContext& ctx);

int Reject(CommandContext& ctx, const std::string& reason) {
  *ctx.out << "invalid: " << reason << "\n";
  return kExitRejected;
}

std::string CommandPath(const CLI::App* sub) {
  std::string path;
  for (const CLI::App* a = sub; a != nullptr && a->get_parent() != nullptr; a = a->get_parent()) {
    path = a->get_name() + (path.empty() ? "" : " " + path);
  }
  return path;
}

int UsageError(CommandContext& ctx, const std::string& message) {
  std::string help = ctx.command.empty() ? "mcxtest --help" : "mcxtest " + ctx.command + " --help";
  *ctx.err << "mcxtest: error: " << message << "\n"
           << "Run '" << help << "' for usage.\n";
  return kExitUsage;
}

int InputError(CommandContext& ctx, const std::string& message) {
  *ctx.err << "mcxtest: error: " << message << "\n";
  return kExitUsage;
}

int ErrorExit(CommandContext& ctx, const Error& error) {
  if (error.code() == ErrorCode::kIo || error.code() == ErrorCode::kNotFound) {
    return InputError(ctx, error.message());
  }
  return UsageError(ctx, error.ToString());
}

CLI::Validator DecimalIn(uint64_t min, uint64_t max) {
  return CLI::Validator(
      [min, max](std::string& value) -> std::string {
        auto parsed = ParseDecimal(value, min, max);
        return parsed.ok() ? "" : parsed.error().message();
      },
      "UINT");
}

CLI::Validator SecondsUpTo(double max) {
  return CLI::Validator(
      [max](std::string& value) -> std::string {
        const std::string range = "(expected seconds, more than 0 and at most " + std::to_string(static_cast<uint64_t>(max)) + ")";
        errno = 0;
        char* end = nullptr;
        double seconds = value.empty() ? 0 : std::strtod(value.c_str(), &end);
        if (value.empty() || end != value.c_str() + value.size() || errno != 0 || !std::isfinite(seconds)) {
          return "not a number: '" + value + "' " + range;
        }
        if (seconds <= 0 || seconds > max) return value + " is out of range " + range;
        return "";
      },
      "SECONDS");
}

namespace {

size_t EditDistance(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

// The closest of `candidates` to `word`: a typo (edit distance 1 for short
// names, up to 2 for longer ones) or an unambiguous prefix. Empty if none.
std::string Nearest(const std::string& word, const std::vector<std::string>& candidates) {
  std::string best;
  size_t best_distance = 3;
  for (const std::string& name : candidates) {
    size_t d = EditDistance(word, name);
    if (word.size() >= 2 && name.size() > word.size() && name.compare(0, word.size(), word) == 0) d = 1;
    size_t allowed = name.size() <= 4 ? 1 : 2;
    if (d <= allowed && d < best_distance) {
      best = name;
      best_distance = d;
    }
  }
  return best;
}

// The deepest subcommand the command line chose (the app itself if none).
CLI::App* ChosenCommand(CLI::App& app) {
  CLI::App* cur = &app;
  for (;;) {
    auto chosen = cur->get_subcommands();
    if (chosen.empty()) return cur;
    cur = chosen.front();
  }
}

std::vector<std::string> SubcommandNames(const CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    names.push_back(sub->get_name());
  }
  return names;
}

// "--seed" for every long name of every option of `app` and its parents
// (options of a parent, such as --help, are valid after a subcommand too).
std::vector<std::string> OptionNames(const CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::App* a = &app; a != nullptr; a = a->get_parent()) {
    for (const CLI::Option* opt : a->get_options()) {
      for (const std::string& name : opt->get_lnames()) names.push_back("--" + name);
    }
  }
  return names;
}

// A clearer message for a word CLI11 did not expect: an unknown command or
// option, with the nearest known one.
std::string UnexpectedWord(const CLI::App& chosen, const std::string& word) {
  if (word.rfind("--", 0) == 0) {
    std::string name = word.substr(0, word.find('='));
    std::string near = Nearest(name, OptionNames(chosen));
    return "unknown option '" + name + "'" + (near.empty() ? "" : " (did you mean '" + near + "'?)");
  }
  std::vector<std::string> commands = SubcommandNames(chosen);
  if (commands.empty() || word.empty() || word[0] == '-') return "";
  std::string near = Nearest(word, commands);
  return "unknown command '" + word + "'" + (near.empty() ? "" : " (did you mean '" + near + "'?)");
}

}  // namespace

CLI::App* AddGroup(CLI::App& app, CommandContext& ctx, const std::string& name,
                   const std::string& description) {
  CLI::App* group = app.add_subcommand(name, description);
  // Children's callbacks run first; the group only fills in when none was chosen.
  group->callback([&ctx, name] {
    if (ctx.action) return;
    ctx.command = name;
    ctx.action = [&ctx, name] { return UsageError(ctx, "'" + name + "' needs a subcommand"); };
  });
  return group;
}

int RunCli(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
  CommandContext ctx{nullptr, &out, &err, ""};
  // `mcxtest help [COMMAND...]` is `mcxtest [COMMAND...] --help`.
  std::vector<const char*> help_argv;
  std::vector<std::string> help_words;
  if (argc >= 2 && std::string(argv[1]) == "help") {
    for (int i = 2; i < argc; ++i) help_words.emplace_back(argv[i]);
    help_argv.push_back(argv[0]);
    for (int i = 2; i < argc; ++i) help_argv.push_back(argv[i]);
    help_argv.push_back("--help");
    argc = static_cast<int>(help_argv.size());
    argv = help_argv.data();
  }
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
  AddShimCheckCommands(app, ctx);
  AddReportCommands(app, ctx);
  // Set after the subcommands so that only the top level's help shows it.
  app.footer(
      "Examples:\n"
      "  mcxtest list --role ue                              the UE test cases\n"
      "  mcxtest run --sut \"python3 my_shim.py\" --role ue   run them against your shim\n"
      "  mcxtest run --sut CMD --html report.html           ... and write the HTML report too\n"
      "\n"
      "Exit codes: 0 passed (skips allowed); 1 a case failed, errored or was inconclusive, or an\n"
      "input was judged invalid ('invalid: ...'); 2 usage error, or a file that cannot be read or\n"
      "written; 3 the SUT could not be started; 130 interrupted (SIGINT, SIGTERM).\n"
      "'mcxtest help COMMAND' (or 'mcxtest COMMAND --help') describes one command.");

  // CLI11 shows the top level's help for `help nosuch --help`; a typo
  // deserves the same answer as `mcxtest nosuch`.
  CLI::App* named = &app;
  for (const std::string& word : help_words) {
    CLI::App* sub = nullptr;
    try {
      sub = named->get_subcommand(word);
    } catch (const CLI::OptionNotFound&) {
      std::string message = UnexpectedWord(*named, word);
      ctx.command = CommandPath(named);
      return UsageError(ctx, message.empty() ? "unknown command '" + word + "'" : message);
    }
    named = sub;
  }

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
    CLI::App* chosen = ChosenCommand(app);
    ctx.command = CommandPath(chosen);
    std::vector<std::string> extras = chosen->remaining();
    if (!extras.empty()) {
      std::string better = UnexpectedWord(*chosen, extras.front());
      if (!better.empty()) what = better;
    }
    return UsageError(ctx, what);
  }
  if (!ctx.action) return UsageError(ctx, "no command given");
  return ctx.action();
}

}  // namespace mcx::cli
