// `mcxtest shim-check` (issue 19.3): the bundled reference SUT passes, and
// each deliberately broken shim gets its own pointed message.
#include <cstdlib>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "harness/testing/cli_runner.h"

namespace mcx {
namespace {

using testing::CliOutput;
using testing::RunMcxtest;

// One shim, broken in the way argv[1] names; "well-formed" answers every
// request in the right form (but not conformantly: it rejects every GKTP).
constexpr char kBrokenShim[] = R"PY(import json, sys, time
mode = sys.argv[1]
for line in sys.stdin:
    if not line.strip():
        continue
    r = json.loads(line)
    t = r["type"]
    if t == "shutdown":
        if mode == "no-exit":
            time.sleep(60)
        sys.exit(0)
    if t == "hello":
        if mode == "needs-role":
            print("role is " + r["role"], file=sys.stderr)
        a = {"name": "broken", "version": "0", "roles": ["primary-gms", "partner-gms", "ue"]}
        if mode == "bad-role":
            a["roles"] = ["gms"]
    elif t == "provision":
        a = {"ok": True}
        if mode == "stdout-log":
            print("provisioned 1 identity", flush=True)
    elif t == "deliver-gktp":
        a = {"accepted": False, "reason": "not today", "reason_code": "signature"}
        if mode == "no-accepted":
            a = {"reason": "not today"}
        if mode == "unimplemented":
            a = {"error": "unimplemented"}
        if mode == "short-key":
            a = {"accepted": True, "gmk_id": "0a1b2c3d", "srtp_master_key": "0011", "srtp_master_salt": "00" * 12}
    elif t == "regroup-request":
        a = {"gktps": [{"step": 16 if mode == "step-16" else 14, "recipient": "sip:alice@police.example", "b64": "ARoF"}]}
    elif t == "regroup-notification":
        a = {"gktps": [], "rejected": True, "reason": "no", "reason_code": "SIGNATURE" if mode == "bad-code" else "trust"}
    a["id"] = r["id"] + (1 if mode == "wrong-id" and t == "provision" else 0)
    print(json.dumps(a), flush=True)
)PY";

class ShimCheckTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const char* tmp = std::getenv("TEST_TMPDIR");
    script_ = std::string(tmp ? tmp : "/tmp") + "/broken_shim.py";
    std::ofstream(script_) << kBrokenShim;
  }
  static CliOutput Check(const std::string& mode, const std::string& role = "") {
    std::vector<std::string> args = {"shim-check", "--sut", "python3 " + script_ + " " + mode, "--timeout", "5"};
    if (!role.empty()) args.insert(args.end(), {"--role", role});
    return RunMcxtest(args);
  }
  static std::string script_;
};
std::string ShimCheckTest::script_;

TEST_F(ShimCheckTest, TheReferenceSutPasses) {
  CliOutput r = RunMcxtest({"shim-check", "--sut", "reference"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("ok    probe: hello answered: mcxtest-reference"), std::string::npos) << r.out;
  for (const char* role : {"primary-gms", "partner-gms", "ue"}) {
    EXPECT_NE(r.out.find(std::string("ok    ") + role + ": hello, provision, "), std::string::npos) << r.out;
  }
  EXPECT_EQ(r.out.find("FAIL"), std::string::npos) << r.out;
}

// Right framing and forms, wrong verdicts: conformance is `mcxtest run`'s job.
TEST_F(ShimCheckTest, AWellFormedButNonConformantShimPasses) {
  CliOutput r = Check("well-formed");
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("ok    ue: hello, provision, deliver-gktp, shutdown: every answer well-formed (well-formed; "
                       "conformance failed"),
            std::string::npos)
      << r.out;
}

TEST_F(ShimCheckTest, EachBrokenShimGetsAPointedMessage) {
  struct Case {
    const char* mode;
    const char* role;
    const char* message;
  };
  const Case cases[] = {
      {"no-accepted", "ue", "FAIL  ue: protocol-error: answer to 'deliver-gktp' lacks 'accepted' (line 3)"},
      {"short-key", "ue",
       "FAIL  ue: protocol-error: answer to 'deliver-gktp': 'srtp_master_key' is \"0011\", expected "
       "^[0-9a-fA-F]{32}$ (line 3)"},
      {"step-16", "primary-gms",
       "FAIL  primary-gms: protocol-error: answer to 'regroup-request': 'gktps[0].step' is 16, expected at most 15 "
       "(line 3)"},
      {"bad-code", "partner-gms",
       "FAIL  partner-gms: protocol-error: answer to 'regroup-notification': field 'reason_code': unknown reason_code "
       "'SIGNATURE'"},
      {"unimplemented", "ue", "FAIL  ue: 'deliver-gktp' is not implemented"},
      {"needs-role", "", "FAIL  probe: sut-exited: the SUT exited with code 1 while handling 'hello'"},
      {"bad-role", "", "FAIL  probe: answer to 'hello': 'roles[0]' is \"gms\", expected one of"},
      {"wrong-id", "ue", "FAIL  ue: protocol-error: answer to 'provision' does not carry \"id\": 2"},
      {"stdout-log", "ue", "FAIL  ue: invalid-json: answer to 'provision' is not a JSON object"},
      {"no-exit", "", "FAIL  probe: after 'shutdown' the shim killed by signal 9"},
  };
  for (const Case& c : cases) {
    CliOutput r = Check(c.mode, c.role);
    EXPECT_EQ(r.exit_code, 1) << c.mode << "\n" << r.out << r.err;
    EXPECT_NE(r.out.find(c.message), std::string::npos) << c.mode << "\n" << r.out;
    EXPECT_NE(r.out.find("problem(s); fix them before `mcxtest run`"), std::string::npos) << c.mode << "\n" << r.out;
  }
}

TEST_F(ShimCheckTest, TheShimsStderrIsShownWithAProblem) {
  CliOutput r = Check("needs-role");
  EXPECT_NE(r.out.find("stderr: KeyError: 'role'"), std::string::npos) << r.out;
}

TEST_F(ShimCheckTest, UsageErrorsExitTwo) {
  CliOutput r = Check("well-formed", "gms");
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("--role: unknown role 'gms'"), std::string::npos) << r.err;
  EXPECT_EQ(RunMcxtest({"shim-check"}).exit_code, 2);
}

}  // namespace
}  // namespace mcx
