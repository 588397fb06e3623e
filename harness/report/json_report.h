// report.json: the complete record of a run — run info, verdict counts, and
// for every case its checks and every message (base64 wire, decoded fields,
// the checks its recipient ran). ReadJsonReport reads it back so reports can
// be re-rendered from a finished run (`mcxtest report --from report.json`).
//
// Strings are stored as UTF-8; octets that are not valid UTF-8 (SUT stderr
// can hold anything) are stored as the text "\xNN", so reading back gives
// every valid UTF-8 string exactly and the others in that escaped form.
#ifndef MCXTEST_HARNESS_REPORT_JSON_REPORT_H_
#define MCXTEST_HARNESS_REPORT_JSON_REPORT_H_

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "crypto/result.h"
#include "harness/engine/result.h"
#include "harness/report/text.h"
#include "mikey/checks.h"

namespace mcx::report {

inline constexpr char kJsonReportFormat[] = "mcxtest-report";
inline constexpr int kJsonReportVersion = 1;

nlohmann::ordered_json CheckJson(const checks::CheckResult& check);
// With "decoded" (mikey::InspectJson) when the wire parses as MIKEY, else
// "decode_error".
nlohmann::ordered_json MessageJson(const engine::MessageRecord& message);
nlohmann::ordered_json CaseJson(const engine::TestCaseResult& c);
nlohmann::ordered_json RunInfoJson(const engine::RunInfo& info);
nlohmann::ordered_json CountsJson(const RunCounts& counts);

// Cases with more messages than this write each message on one line:
// pretty-printing a 10,000-message case would double its size.
inline constexpr size_t kPrettyMessageLimit = 100;

// One case as it appears in the document's "cases" array (indented to sit
// there). Depends on nothing else, so a writer renders it once per case;
// messages are rendered one at a time, so a huge case never exists as one
// JSON tree in memory.
std::string CaseJsonText(const engine::TestCaseResult& c);

// The document around pre-rendered CaseJsonText()s (separator ",\n");
// `counts` must count exactly those cases.
DocumentFrame JsonReportFrame(const engine::RunInfo& info, const RunCounts& counts, RunState state);

// The whole document of a run.
std::string JsonReport(const engine::RunResult& run);

// The largest report.json ReadJsonReport reads (`report --from`): about
// 28,000 messages at the 9.1 KB each of a 2x5,000 scale run.
inline constexpr size_t kMaxJsonReportSize = size_t{256} << 20;

// Reads a report.json back: run info, and every case with
// its verdict, checks and messages (the "decoded" views are not read: they
// are derived from the wire). Errors name the offending field by its path,
// e.g. "cases[2].messages[0].wire_b64: not valid base64". A report whose
// run never finished (state "running" or "interrupted") reads back with
// `interrupted` set. The text goes through ParseBoundedJson (64 levels,
// kMaxJsonReportSize octets, no duplicate keys).
Result<engine::RunResult> ReadJsonReport(std::string_view text);

}  // namespace mcx::report

#endif  // MCXTEST_HARNESS_REPORT_JSON_REPORT_H_
