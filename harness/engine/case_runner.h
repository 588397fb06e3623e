// Runs one test case: sets up its world, starts and provisions the SUT, runs
// the driver of the role the SUT plays (primary_gms_driver.cc,
// partner_gms_driver.cc, ue_driver.cc, with positive controls in
// controls.cc) and turns what happened into a verdict. Internal to the
// engine; RunTestCase (engine.h) is its public face.
#ifndef MCXTEST_HARNESS_ENGINE_CASE_RUNNER_H_
#define MCXTEST_HARNESS_ENGINE_CASE_RUNNER_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "crypto/bytes.h"
#include "crypto/result.h"
#include "crypto/secret.h"
#include "harness/engine/engine.h"
#include "harness/engine/result.h"
#include "harness/engine/verify_batch.h"
#include "harness/engine/world.h"
#include "harness/scenario/scenario.h"
#include "harness/shim/answers.h"
#include "harness/shim/client.h"
#include "harness/shim/protocol.h"
#include "harness/shim/requests.h"
#include "mikey/checks.h"
#include "mikey/gktp_verifier.h"

namespace mcx::engine {

// The note of a positive control's message in reports.
inline constexpr char kControlNote[] = "positive control: the valid twin of the mutated message";

// A rejection as reports show it: the SUT's reason, and its reason_code in
// brackets when it gave one.
std::string RejectionText(const std::string& reason, const std::string& reason_code);

class CaseRunner {
 public:
  CaseRunner(const scenario::Scenario& s, const EngineOptions& o, TestCaseResult& r) : s_(s), o_(o), r_(r) {}

  void Run();

 private:
  // Sends a request of shim/protocol.h and reads its answer; on any failure
  // the verdict is set and nothing returned. `malformed` is what the
  // SUT.RESPONSE check shows for an answer that is not valid.
  template <typename C>
  std::optional<typename C::Answer> Ask(const typename C::Request& request,
                                        const char* malformed = "malformed answer") {
    if (o_.waiting) o_.waiting(C::kType);
    shim::Reply<typename C::Answer> reply = shim_->Ask<C>(request);
    if (o_.waiting) o_.waiting("");
    if (!reply.call.ok()) {
      CallFailed(reply.call);
      return std::nullopt;
    }
    if (reply.malformed) {
      flow_.Fail(checks::CheckId::kSutResponse, reply.malformed->message(), C::kExpectedAnswer, malformed);
      Fail(Verdict::kError, "protocol-error: " + reply.malformed->message());
      return std::nullopt;
    }
    return std::move(reply.answer);
  }
  void CallFailed(const shim::CallOutcome& out);
  void Fail(Verdict verdict, const std::string& summary) {
    r_.verdict = verdict;
    r_.summary = summary;
  }

  // Run's phases: build the world and start the SUT (false: the case ended
  // before there was a SUT to shut down), say hello, provision the SUT and
  // run its role's driver, shut it down and judge.
  bool Start();
  void Greet();
  void ProvisionAndDrive();
  Status ProvisionSutIdentity(shim::ProvisionRequest& provision);
  void Finish();

  // The step clock with `step` (0 for a message outside 7.3.3.3) at `now`.
  std::map<int, uint64_t> ClockWith(int step, uint64_t now) const {
    auto clock = StepClock();
    clock[step] = now;
    return clock;
  }
  std::map<int, uint64_t> StepClock() const {
    uint64_t t7 = world_->t0;
    uint64_t t14 = world_->t0 + s_.options.step_advance_seconds;
    return {{7, t7}, {11, t7}, {14, t14}};
  }
  // Moves the records into the result; the verifications stay in `msgs`.
  void Record(std::vector<Verified>& msgs) {
    r_.messages.reserve(r_.messages.size() + msgs.size());
    for (auto& m : msgs) r_.messages.push_back(std::move(m.record));
  }

  // With `mutate` false, the valid twin of what the case injects: the same
  // options (key parameters a mutation needs included), no mutation.
  Result<Bytes> BuildDelivered(const shim::Party& sender, const shim::Party& recipient, const SecretBytes& gmk,
                               uint32_t gmk_id, uint64_t now, std::string* note, bool mutate = true);
  // Whether the message the harness built for the SUT is what the case says:
  // valid when it expects acceptance (else the case asks for something the
  // engine cannot build, and a SUT rejecting it is right), failing each of
  // failing_checks when it expects rejection. If not, records `delivered`,
  // sets an ERROR verdict (a test case defect, never a FAIL of the SUT) and
  // returns false.
  bool InjectedMessageIsSound(std::vector<Verified>& delivered);

  // primary_gms_driver.cc
  void RunPrimaryGms();
  shim::RegroupRequest MakeRegroupRequest() const;
  // The harness plays the partner GMS: step 11 from the SUT's step-7 GKTP.
  std::vector<Verified> PlayPartnerStep11(const std::vector<Verified>& sent, const std::map<int, uint64_t>& clock);
  // partner_gms_driver.cc
  void RunPartnerGms();
  // The step-11 notification carrying `gktp`; `expected` gets the partner
  // domain's affiliated members (who must each get one step-11 GKTP).
  shim::RegroupNotification PartnerNotification(const Bytes& gktp, std::multiset<std::string>* expected) const;
  void JudgePartnerRejection(const shim::PartnerAnswer& answer, const Verified& delivered,
                             const std::map<int, uint64_t>& clock);
  // ue_driver.cc
  struct UeDelivery {
    shim::Party ue;
    shim::Party sender;
    int step = 0;
    uint64_t now = 0;
  };
  UeDelivery PlanUeDelivery() const;
  shim::DeliverRequest MakeDeliverRequest(const UeDelivery& d, const Bytes& gktp, const std::string& rand_label) const;
  void RunUe();
  void JudgeUeAcceptance(const shim::DeliverAnswer& answer, const shim::DeliverRequest& request,
                         const mikey::GktpVerification& delivered, const SecretBytes& gmk, uint32_t gmk_id);

  // controls.cc: whether this case runs a positive control, and running it
  // (false when the case ended: verdict set).
  bool WantsControl();
  std::optional<Verified> BuildControl(const shim::Party& sender, const shim::Party& recipient, int step,
                                       uint64_t now);
  bool RunUeControl(const UeDelivery& d);
  bool RunPartnerControl(const shim::RegroupNotification& notification);
  void ApplyControl();

  const scenario::Scenario& s_;
  const EngineOptions& o_;
  TestCaseResult& r_;
  std::unique_ptr<World> world_;
  std::unique_ptr<shim::ShimClient> shim_;
  checks::CheckList flow_;
};

}  // namespace mcx::engine

#endif  // MCXTEST_HARNESS_ENGINE_CASE_RUNNER_H_
