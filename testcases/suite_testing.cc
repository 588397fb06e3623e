#include "testcases/suite_testing.h"

#include <cctype>

#include "testdata/testdata.h"

namespace mcx::testcases {

std::string SuiteDir() { return mcx::testing::RunfilePath("testcases"); }

const std::vector<scenario::Scenario>& Suite(std::string* error) {
  static const auto* loaded = new Result<std::vector<scenario::Scenario>>(scenario::LoadScenarios(SuiteDir()));
  static const std::vector<scenario::Scenario> kEmpty;
  if (!loaded->ok()) {
    if (error) *error = loaded->error().ToString();
    return kEmpty;
  }
  return loaded->value();
}

std::string ReferenceSutCommand(const std::string& defect) {
  std::string command = mcx::testing::RunfilePath("harness/sut/reference_sut");
  if (!defect.empty()) command += " --defect " + defect;
  return command;
}

engine::EngineOptions SuiteEngineOptions(const std::string& sut_command, int jobs) {
  engine::EngineOptions options;
  options.sut_command = sut_command;
  // Generous: sanitizer builds are several times slower than optimised ones.
  options.timeout = std::chrono::milliseconds(120000);
  options.jobs = jobs;
  return options;
}

std::string Explain(const engine::TestCaseResult& result) {
  std::string out = result.id + ": " + engine::VerdictName(result.verdict) + ": " + result.summary + "\n";
  for (const auto& message : result.messages) {
    for (const auto& check : message.checks) {
      if (!check.failed()) continue;
      out += "  step " + std::to_string(message.step) + " " + message.produced_by + " -> " + message.to + ": " +
             check.id + ": " + check.detail + "\n";
    }
  }
  for (const auto& check : result.flow_checks) {
    if (check.failed()) out += "  flow: " + check.id + ": " + check.detail + "\n";
  }
  for (const auto& line : result.sut_stderr_tail) out += "  sut stderr: " + line + "\n";
  return out;
}

std::string TestName(const std::string& id) {
  std::string name = id;
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

}  // namespace mcx::testcases
