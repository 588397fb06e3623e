// Runs the mcxtest CLI in-process and captures what it prints, so CLI tests
// are fast and need no subprocess plumbing.
#ifndef MCXTEST_HARNESS_TESTING_CLI_RUNNER_H_
#define MCXTEST_HARNESS_TESTING_CLI_RUNNER_H_

#include <sstream>
#include <string>
#include <vector>

#include "harness/cli/command.h"

namespace mcx::testing {

struct CliOutput {
  int exit_code;
  std::string out;
  std::string err;
  // stdout without the trailing newline: most commands print one line.
  std::string line() const {
    return !out.empty() && out.back() == '\n' ? out.substr(0, out.size() - 1) : out;
  }
};

inline CliOutput RunMcxtest(const std::vector<std::string>& args) {
  std::vector<const char*> argv{"mcxtest"};
  for (const auto& a : args) argv.push_back(a.c_str());
  std::ostringstream out, err;
  int code = cli::RunCli(static_cast<int>(argv.size()), argv.data(), out, err);
  return {code, out.str(), err.str()};
}

}  // namespace mcx::testing

#endif  // MCXTEST_HARNESS_TESTING_CLI_RUNNER_H_
