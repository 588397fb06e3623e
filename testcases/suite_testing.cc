#include "testcases/suite_testing.h"

#include <cctype>

#include <nlohmann/json.hpp>

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
  if (result.control.status != engine::ControlStatus::kNone) {
    out += "  control: " + std::string(engine::ControlStatusName(result.control.status)) + ": " +
           result.control.detail + "\n";
  }
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

namespace {

using nlohmann::ordered_json;

constexpr char kVaries[] = "<varies>";

void MaskIfPresent(ordered_json& object, const char* key) {
  if (object.is_object() && object.contains(key)) object[key] = kVaries;
}

// The decoded payloads carry the random octets as hex fields.
void MaskRandomPayloadFields(ordered_json& decoded) {
  if (!decoded.is_object() || !decoded.contains("payloads") || !decoded["payloads"].is_array()) return;
  for (auto& payload : decoded["payloads"]) {
    MaskIfPresent(payload, "rand");
    if (payload.contains("eccsi")) {
      MaskIfPresent(payload["eccsi"], "r");
      MaskIfPresent(payload["eccsi"], "s");
    }
    if (payload.contains("protected_payload")) {
      MaskIfPresent(payload["protected_payload"], "iv");
      MaskIfPresent(payload["protected_payload"], "ciphertext_and_tag");
    }
  }
}

}  // namespace

Result<std::string> NormalizedReport(std::string_view report_json, std::string_view suite_dir) {
  ordered_json report = ordered_json::parse(report_json, nullptr, /*allow_exceptions=*/false);
  if (report.is_discarded() || !report.is_object()) return InvalidArgument("report.json is not a JSON object");
  if (!report.contains("run") || !report.contains("cases") || !report["cases"].is_array()) {
    return InvalidArgument("report.json has no run or cases");
  }
  ordered_json& run = report["run"];
  for (const char* key : {"implementation_version", "sut_command", "command_line", "started_at", "mcxtest_version"}) {
    MaskIfPresent(run, key);
  }
  std::string prefix = std::string(suite_dir) + "/";
  for (auto& c : report["cases"]) {
    MaskIfPresent(c, "seconds");
    if (c.contains("source_file") && c["source_file"].is_string()) {
      std::string source = c["source_file"].get<std::string>();
      if (source.rfind(prefix, 0) == 0) source = "testcases/" + source.substr(prefix.size());
      c["source_file"] = source;
    }
    if (!c.contains("messages") || !c["messages"].is_array()) continue;
    for (auto& message : c["messages"]) {
      MaskIfPresent(message, "wire_b64");
      if (message.contains("decoded")) MaskRandomPayloadFields(message["decoded"]);
    }
  }
  return report.dump(2) + "\n";
}

std::string TestName(const std::string& id) {
  std::string name = id;
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

}  // namespace mcx::testcases
