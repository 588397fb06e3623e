// `mcxtest gktp verify` and `mcxtest gktp build`: the GKTP verifier and builder
// on the command line.
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "crypto/bounded_json.h"
#include "crypto/read_file.h"
#include "crypto/secret.h"
#include "harness/cli/cli_util.h"
#include "harness/cli/command.h"
#include "harness/cli/message_input.h"
#include "harness/reference/reference.h"
#include "harness/shim/requests.h"
#include "kms/key_store.h"
#include "kms/ntp_time.h"
#include "mikey/gktp_builder.h"
#include "mikey/gktp_verifier.h"
#include "mikey/inspect.h"

namespace mcx::cli {
namespace {

using nlohmann::ordered_json;

// A provision request carries a few Annex D documents per identity and key
// period; a real one is tens of kilobytes.
constexpr size_t kMaxProvisionFileSize = size_t{16} << 20;

// T carries NTP seconds in 32 bits; a larger value would silently wrap.
constexpr uint64_t kMaxTNtpSeconds = 0xffffffffu;

// A key store from --store DIR (or an exported JSON file), or from a shim
// `provision` request saved as JSON (--provision FILE): what a UE was given.
Result<kms::KeyStore> OpenStore(const std::string& store, const std::string& provision) {
  if (!store.empty() && !provision.empty()) return InvalidArgument("give --store or --provision, not both");
  if (!store.empty()) return kms::KeyStore::Load(store);
  if (provision.empty()) return InvalidArgument("a key store is needed: --store DIR or --provision FILE");
  MCX_ASSIGN_OR_RETURN(std::string text, ReadFileWithLimit(provision, kMaxProvisionFileSize));
  Result<nlohmann::json> doc = ParseBoundedJson(text, {.max_size = kMaxProvisionFileSize});
  SecureZero(text.data(), text.size());  // it holds the identities' private keys
  if (!doc.ok()) return doc.error().WithContext(provision);
  auto request = shim::ProvisionFromJson(*doc);
  if (!request.ok()) return request.error().WithContext(provision);
  return reference::StoreFromProvisioning(request->identities);
}

void AddVerify(CLI::App& group, CommandContext& ctx) {
  struct Flags {
    MessageInput input;
    std::string store, provision, recipient, recipient_kms, sender, group_id;
    uint64_t now_ntp = 0;
    bool json = false, reveal = false;
  };
  auto f = std::make_shared<Flags>();
  CLI::App* sub = group.add_subcommand("verify", "Verify a GKTP for its recipient: every check, with its clause");
  AddMessageInputOptions(sub, f->input);
  sub->add_option("--store", f->store, "key store directory or exported JSON");
  sub->add_option("--provision", f->provision, "a shim 'provision' request saved as JSON");
  sub->add_option("--recipient", f->recipient, "the receiving identity (URI)")->required();
  sub->add_option("--recipient-kms", f->recipient_kms, "its KMS (default: from the store)");
  sub->add_option("--expect-sender", f->sender, "the GMS that must have sent it");
  auto* now = sub->add_option("--now-ntp", f->now_ntp, "the receiver's clock, NTP seconds");
  sub->add_option("--group", f->group_id, "the group the key must be for (key parameters)");
  sub->add_flag("--json", f->json, "print the check list as JSON");
  sub->add_flag("--reveal-gmk", f->reveal, "include the recovered GMK (a secret) in the output");
  SetAction(sub, ctx, [&ctx, f, now] {
    auto wire = ReadMessageInput(f->input);
    if (!wire.ok()) return ErrorExit(ctx, wire.error());
    auto store = OpenStore(f->store, f->provision);
    if (!store.ok()) return ErrorExit(ctx, store.error());
    mikey::VerifyOptions options;
    options.recipient_uri = f->recipient;
    if (!f->recipient_kms.empty()) options.recipient_kms_uri = f->recipient_kms;
    if (!f->sender.empty()) options.expected_sender_uri = f->sender;
    if (now->count()) options.now_ntp_seconds = f->now_ntp;
    if (!f->group_id.empty()) options.expected_group_id = f->group_id;
    mikey::GktpVerifier verifier(*store);
    mikey::GktpVerification v = verifier.Verify(*wire, options);
    if (f->json) {
      ordered_json out;
      out["accepted"] = v.accepted();
      ordered_json list = ordered_json::array();
      for (const auto& c : v.checks.results()) {
        ordered_json check = {{"id", c.id},
                              {"clause", c.clause},
                              {"requirement", checks::RequirementName(c.requirement)},
                              {"status", checks::CheckStatusName(c.status)}};
        if (c.not_evaluated()) check["blocked_by"] = c.blocked_by;
        check["detail"] = c.detail;
        check["expected"] = c.expected;
        check["actual"] = c.actual;
        list.push_back(std::move(check));
      }
      out["checks"] = list;
      if (v.gmk_id) out["gmk_id"] = HexU32(*v.gmk_id);
      if (v.csb_id) out["guk_id"] = HexU32(*v.csb_id);
      if (v.sender_uri) out["sender"] = *v.sender_uri;
      if (v.t_ntp_seconds) out["t_ntp_seconds"] = *v.t_ntp_seconds;
      if (v.key_params) out["key_params"] = mikey::KeyParametersJson(*v.key_params);
      if (f->reveal && v.gmk) out["gmk"] = ToHex(v.gmk->span());
      *ctx.out << out.dump(2, ' ', false, ordered_json::error_handler_t::replace) << "\n";
    } else {
      for (const auto& c : v.checks.results()) {
        std::string status = c.status == checks::CheckStatus::kPass   ? "PASS"
                             : c.status == checks::CheckStatus::kFail ? "FAIL"
                             : c.not_evaluated()                      ? "n/e "
                                                                      : "n/a ";
        *ctx.out << status << "  " << c.id << "  [" << c.clause << "] " << c.detail;
        if (c.failed() && (!c.expected.empty() || !c.actual.empty())) {
          *ctx.out << " (expected " << c.expected << ", got " << c.actual << ")";
        }
        if (c.not_evaluated()) *ctx.out << " (not evaluated: " << c.blocked_by << " failed)";
        *ctx.out << "\n";
      }
      if (v.gmk_id) *ctx.out << "GMK-ID " << HexU32(*v.gmk_id) << "\n";
      if (f->reveal && v.gmk) *ctx.out << "GMK " << ToHex(v.gmk->span()) << "\n";
      *ctx.out << (v.accepted() ? "accepted" : "rejected") << "\n";
    }
    return v.accepted() ? kExitOk : kExitRejected;
  });
}

void AddBuild(CLI::App& group, CommandContext& ctx) {
  struct Flags {
    std::string store, provision, from, to, from_kms, to_kms, gmk, gmk_id, rand, key_params = "none", group_id,
        cs_id = "4";
    uint64_t ntp = 0;
    bool identity_hiding = false, no_sp = false, sakke_to_self = false;
  };
  auto f = std::make_shared<Flags>();
  CLI::App* sub = group.add_subcommand("build", "Build a GKTP (GMK I_MESSAGE) and print it in base64");
  sub->add_option("--store", f->store, "key store with the sender's keys (or its KMS master secrets)");
  // A GMS shim has no key store, only what its `provision` request gave it:
  // its own signing keys and the KMS certificates of both domains.
  sub->add_option("--provision", f->provision, "a shim 'provision' request saved as JSON (instead of --store)");
  sub->add_option("--from", f->from, "the sending GMS (URI)")->required();
  sub->add_option("--to", f->to, "the recipient (URI)")->required();
  sub->add_option("--from-kms", f->from_kms, "sender's KMS (default: from the store)");
  sub->add_option("--to-kms", f->to_kms, "recipient's KMS (default: from the store, else the sender's)");
  sub->add_option("--gmk", f->gmk, "the GMK, 16 octets hex")->required();
  sub->add_option("--gmk-id", f->gmk_id, "the GMK-ID, 4 octets hex")->required();
  auto* ntp = sub->add_option("--ntp-seconds", f->ntp, "T, NTP seconds (default: now)");
  sub->add_option("--rand", f->rand, "RAND, hex (default: 16 random octets)");
  sub->add_flag("--identity-hiding", f->identity_hiding, "IDR roles 8/9 with UIDs instead of URIs");
  sub->add_flag("--no-sp", f->no_sp, "omit the SP payload");
  sub->add_flag("--sakke-to-self", f->sakke_to_self, "add the SAKKE-to-self extension");
  sub->add_option("--key-params", f->key_params, "none, rel15 (protected) or rel13 (clear)");
  sub->add_option("--group", f->group_id, "group ID for the key parameters");
  // A GMS shim copies the request's options.cs_id here (5 for MCVideo).
  sub->add_option("--cs-id", f->cs_id, "crypto session ID of the GENERIC-ID map (decimal, 0-255; default 4)")
      ->type_name("N");
  SetAction(sub, ctx, [&ctx, f, ntp] {
    FlagParser in;
    Bytes gmk = in.Hex("--gmk", f->gmk);
    uint64_t gmk_id = in.HexUint("--gmk-id", f->gmk_id, 4);
    Bytes rand = f->rand.empty() ? Bytes() : in.Hex("--rand", f->rand);
    auto cs_id = static_cast<uint8_t>(in.Decimal("--cs-id", f->cs_id, 255));
    if (!in.ok()) return UsageError(ctx, in.error());
    if (gmk.size() != 16) return UsageError(ctx, "--gmk must be 16 octets");
    if (ntp->count() && f->ntp > kMaxTNtpSeconds) {
      return UsageError(ctx, "--ntp-seconds: " + std::to_string(f->ntp) + " does not fit the 32-bit NTP seconds of "
                             "the T payload (at most " + std::to_string(kMaxTNtpSeconds) + ")");
    }
    if (f->key_params != "none" && f->key_params != "rel15" && f->key_params != "rel13") {
      return UsageError(ctx, "--key-params must be none, rel15 or rel13");
    }
    auto store = OpenStore(f->store, f->provision);
    if (!store.ok()) return ErrorExit(ctx, store.error());
    std::string from_kms = f->from_kms;
    if (from_kms.empty()) {
      auto k = store->KmsForIdentity(f->from);
      if (!k.ok() && store->KmsUris().size() == 1) k = store->KmsUris().front();
      if (!k.ok()) return UsageError(ctx, "--from-kms needed: " + k.error().message());
      from_kms = *k;
    }
    std::string to_kms = f->to_kms;
    if (to_kms.empty()) {
      auto k = store->KmsForIdentity(f->to);
      to_kms = k.ok() ? *k : from_kms;
    }
    shim::GktpOptions options;
    options.identity_hiding = f->identity_hiding;
    options.sp_payload = !f->no_sp;
    options.sakke_to_self = f->sakke_to_self;
    options.key_params = f->key_params;
    options.cs_id = cs_id;
    uint64_t t = ntp->count() ? f->ntp : kms::NtpSecondsNow();
    mikey::GktpSpec spec = reference::MakeGktpSpec({f->from, from_kms}, {f->to, to_kms}, SecretBytes(gmk),
                                                   static_cast<uint32_t>(gmk_id), t, options,
                                                   f->group_id.empty() ? f->to : f->group_id);
    if (!rand.empty()) spec.rand = rand;
    mikey::GktpBuilder builder(*store);
    auto built = builder.Build(spec);
    if (!built.ok()) return Reject(ctx, built.error().ToString());
    *ctx.out << ToBase64(built->wire) << "\n";
    return kExitOk;
  });
}

}  // namespace

void AddGktpVerifyCommands(CLI::App& group, CommandContext& ctx) {
  AddVerify(group, ctx);
  AddBuild(group, ctx);
}

}  // namespace mcx::cli
