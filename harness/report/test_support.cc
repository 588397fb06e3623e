#include "harness/report/test_support.h"

#include <gtest/gtest.h>
#include <libxml/xpath.h>

#include <nlohmann/json.hpp>

#include "testdata/testdata.h"

namespace mcx::report::testing {

using checks::CheckStatus;
using engine::MessageRecord;
using engine::TestCaseResult;
using engine::Verdict;

const std::string kNasty = std::string("<&\"'> \x01\x02\x1b[31mred\x7f \xc2\x9b \xe2\x80\xae ") +
                           std::string("\xff\xfe\xc0\xaf ]]> \xc3\xa9t\xc3\xa9 \xe2\x82\xac") + std::string(1, '\0') +
                           "end";

checks::CheckResult Check(std::string_view id, CheckStatus status, std::string detail, std::string expected,
                          std::string actual) {
  const checks::CheckInfo* info = checks::FindCheck(id);
  EXPECT_NE(info, nullptr) << id;
  checks::CheckResult c;
  c.id = std::string(id);
  if (info != nullptr) {
    c.clause = std::string(info->clause);
    c.requirement = info->requirement;
  }
  c.status = status;
  c.detail = std::move(detail);
  c.expected = std::move(expected);
  c.actual = std::move(actual);
  return c;
}

Bytes StreamwideWire() {
  nlohmann::json vectors = mcx::testing::LoadVector("interop_streamwide_v5.json");
  for (const auto& m : vectors.at("messages")) {
    if (m.at("kind") != "GMK") continue;
    auto wire = FromBase64(m.at("i_message_b64").get<std::string>());
    EXPECT_TRUE(wire.ok());
    return wire.ok() ? *wire : Bytes{};
  }
  ADD_FAILURE() << "no GMK message in interop_streamwide_v5.json";
  return {};
}

TestCaseResult PassingCase() {
  TestCaseResult c;
  c.id = "UE-ACCEPT-001";
  c.title = "UE accepts a valid step-14 GKTP";
  c.role = "ue";
  c.spec_clauses = {"TS 33.180 7.3.3.3", "TS 33.180 5.7"};
  c.source_file = "testcases/ue/accept-001.yaml";
  c.expected_outcome = "accept";
  c.verdict = Verdict::kPassed;
  c.summary = "the UE accepted the GKTP and reported the right GMK-ID";
  c.seconds = 0.42;
  MessageRecord m;
  m.step = 14;
  m.from = "sip:gms@streamwide.com";
  m.to = "sip:alice@streamwide.com";
  m.produced_by = "harness";
  m.kind = "gktp";
  m.wire = StreamwideWire();
  m.checks = {Check("HDR.VERSION", CheckStatus::kPass), Check("SIGN.VALID", CheckStatus::kPass)};
  // A SHOULD-level failure on a SUT message: a warning, not a failure.
  MessageRecord sut_message = m;
  sut_message.step = 15;
  sut_message.produced_by = "sut";
  checks::CheckResult warning = Check("T.WINDOW", CheckStatus::kFail, "timestamp 3 s in the future", "<= 0 s", "3 s");
  warning.requirement = checks::Requirement::kShould;
  sut_message.checks = {warning};
  c.messages = {m, sut_message};
  c.flow_checks = {Check("UE.ACCEPT", CheckStatus::kPass)};
  return c;
}

TestCaseResult FailingCase() {
  TestCaseResult c;
  c.id = "PGMS-REGROUP-002";
  c.title = "Primary GMS distributes one GMK to both domains " + kNasty;
  c.role = "primary-gms";
  c.spec_clauses = {"TS 33.180 7.3.3.3"};
  c.source_file = "testcases/primary-gms/regroup-002.yaml";
  c.expected_outcome = "accept";
  c.verdict = Verdict::kFailed;
  c.summary = "2 MUST checks failed: " + kNasty;
  c.seconds = 1.5;
  MessageRecord good;
  good.step = 7;
  good.from = "sip:gms-a@example.org";
  good.to = "sip:gms-b@example.org";
  good.produced_by = "sut";
  good.kind = "gktp";
  good.wire = StreamwideWire();
  good.checks = {Check("SIGN.VALID", CheckStatus::kPass)};
  MessageRecord bad;
  bad.step = 14;
  bad.from = "sip:gms-a@example.org";
  bad.to = "sip:bob/../x@example.org";
  bad.produced_by = "sut";
  bad.kind = "gktp";
  bad.wire = {0x01, 0x00, 0xff, '<', '&', 0x00, 0x1b};
  bad.note = "note " + kNasty;
  bad.checks = {Check("HDR.VERSION", CheckStatus::kPass),
                Check("SIGN.VALID", CheckStatus::kFail, "signature does not verify " + kNasty, "valid", "invalid"),
                Check("SIGN.TRUST", CheckStatus::kNotEvaluated, "signer or receiver KMS unknown")};
  bad.checks.back().blocked_by = "IDR.KMS";
  // The harness's own mutated message fails on purpose and must not count.
  MessageRecord mutated = good;
  mutated.step = 8;
  mutated.produced_by = "harness";
  mutated.note = "mutation: flipped one bit of the signature";
  mutated.checks = {Check("RAND.LENGTH", CheckStatus::kFail, "mutated on purpose")};
  MessageRecord empty;
  empty.step = 11;
  empty.from = "sip:gms-b@example.org";
  empty.to = "";
  empty.produced_by = "sut";
  empty.kind = "gktp";
  c.messages = {good, bad, mutated, empty};
  c.flow_checks = {Check("FLOW.SAME_GMK", CheckStatus::kFail, "sip:bob ended with another GMK " + kNasty,
                         "GMK-ID 0x0a0b0c0d <&>", "GMK-ID 0x01020304 \xff"),
                   Check("FLOW.COVERAGE", CheckStatus::kPass)};
  c.sut_stderr_tail = {"warning: clock skew", kNasty};
  c.sut_exit = "running";
  return c;
}

TestCaseResult SkippedCase() {
  TestCaseResult c;
  c.id = "PARTNER-001";
  c.title = "Partner GMS re-keys its members";
  c.role = "partner-gms";
  c.spec_clauses = {"TS 33.180 7.3.3.3 step 11"};
  c.verdict = Verdict::kSkipped;
  c.summary = "the SUT does not implement partner-gms (unimplemented)";
  c.seconds = 0.01;
  return c;
}

TestCaseResult ErrorCase() {
  TestCaseResult c;
  c.id = "UE/REJECT 003 <&>";
  c.title = "UE rejects a GKTP with a bad signature";
  c.role = "ue";
  c.spec_clauses = {"TS 33.180 5.7"};
  c.verdict = Verdict::kError;
  c.summary = "sut-exited: the SUT crashed while handling deliver-gktp";
  c.seconds = 2.25;
  c.flow_checks = {Check("SUT.RESPONSE", CheckStatus::kFail, "no answer to deliver-gktp", "an answer",
                         "killed by signal 11")};
  c.sut_stderr_tail = {"Segmentation fault at 0x0", kNasty, "\x1b]0;pwned\x07"};
  c.sut_exit = "killed by signal 11 (SIGSEGV)";
  return c;
}

TestCaseResult InconclusiveCase() {
  TestCaseResult c;
  c.id = "UE-035";
  c.title = "UE rejects a partner-GMS GKTP with a bad signature";
  c.role = "ue";
  c.spec_clauses = {"TS 33.180 7.3.3.3 step 11"};
  c.verdict = Verdict::kInconclusive;
  c.summary = "rejected, but it also rejects the valid message";
  c.control = {engine::ControlStatus::kRejected, "rejected: unknown KMS " + kNasty};
  c.expected_outcome = "reject";
  c.mutation = "bad-signature";
  c.sut_reason = "unknown KMS " + kNasty + " [IDR.KMS]";
  c.seconds = 0.3;
  MessageRecord twin;
  twin.step = 11;
  twin.from = "sip:gms@partner.example";
  twin.to = "sip:alice@primary.example";
  twin.produced_by = "harness";
  twin.kind = "gktp";
  twin.wire = StreamwideWire();
  twin.note = "positive control: the valid twin of the mutated message";
  twin.checks = {Check("SIGN.VALID", CheckStatus::kPass)};
  MessageRecord mutated = twin;
  mutated.note = "mutation: bad-signature";
  mutated.checks = {Check("SIGN.VALID", CheckStatus::kFail, "corrupted on purpose")};
  c.messages = {twin, mutated};
  c.flow_checks = {Check("UE.REJECT", CheckStatus::kPass, "rejected: unknown KMS")};
  return c;
}

engine::RunResult SampleRun() {
  engine::RunResult run;
  run.info.implementation_name = "Acme MCX <server> & \"friends\"";
  run.info.implementation_version = "1.2.3 \xff";
  run.info.sut_command = "./shim --flag='x' <in >out";
  run.info.command_line = "mcxtest run --sut './shim' --seed 18446744073709551615";
  run.info.seed = 18446744073709551615ull;
  run.info.started_at = "2024-05-01T12:00:00Z";
  run.info.mcxtest_version = "0.1.0";
  run.cases = {PassingCase(), FailingCase(), SkippedCase(), ErrorCase()};
  return run;
}

XmlDocPtr ParseXml(const std::string& text, std::string* error) {
  xmlResetLastError();
  XmlDocPtr doc(xmlReadMemory(text.data(), static_cast<int>(text.size()), "junit.xml", nullptr,
                              XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING));
  if (doc == nullptr) {
    const xmlError* e = xmlGetLastError();
    *error = e != nullptr && e->message != nullptr ? std::string(e->message) + " at line " + std::to_string(e->line)
                                                   : "unknown libxml2 error";
  }
  return doc;
}

namespace {

struct XPathResult {
  xmlXPathContextPtr context = nullptr;
  xmlXPathObjectPtr object = nullptr;
  ~XPathResult() {
    xmlXPathFreeObject(object);
    xmlXPathFreeContext(context);
  }
};

}  // namespace

double XPathNumber(xmlDoc* doc, const std::string& expression) {
  XPathResult r;
  r.context = xmlXPathNewContext(doc);
  r.object = xmlXPathEvalExpression(reinterpret_cast<const xmlChar*>(expression.c_str()), r.context);
  EXPECT_NE(r.object, nullptr) << expression;
  return r.object == nullptr ? -1 : xmlXPathCastToNumber(r.object);
}

std::string XPathString(xmlDoc* doc, const std::string& expression) {
  XPathResult r;
  r.context = xmlXPathNewContext(doc);
  r.object = xmlXPathEvalExpression(reinterpret_cast<const xmlChar*>(expression.c_str()), r.context);
  EXPECT_NE(r.object, nullptr) << expression;
  if (r.object == nullptr) return "";
  xmlChar* text = xmlXPathCastToString(r.object);
  std::string out(reinterpret_cast<const char*>(text));
  xmlFree(text);
  return out;
}

}  // namespace mcx::report::testing
