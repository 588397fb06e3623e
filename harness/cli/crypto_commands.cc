// `mcxtest crypto ...`: the reference crypto core on the command line.
//
// Exit codes: 0 with the result on one line; 1 with "invalid: <reason>" when
// the crypto core rejects an input (bad key, point, range, signature); 2 for
// command-line problems (missing or conflicting flags, malformed hex or
// numbers, wrong lengths a flag's format fixes).
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "crypto/eccsi.h"
#include "crypto/guk_id.h"
#include "crypto/kdf.h"
#include "crypto/srtp_key.h"
#include "crypto/uid.h"
#include "harness/cli/cli_util.h"
#include "harness/cli/command.h"

namespace mcx::cli {
namespace {

int PrintLine(CommandContext& ctx, const std::string& line) {
  *ctx.out << line << "\n";
  return kExitOk;
}

// Flag values are bound to strings owned by the action (which lives as long
// as the CLI::App) and converted by FlagParser, so every conversion error
// names its flag.
void AddKdf(CLI::App& group, CommandContext& ctx) {
  struct Flags {
    std::string key, fc;
    std::vector<std::string> params;
  };
  auto f = std::make_shared<Flags>();
  CLI::App* sub = group.add_subcommand(
      "kdf", "TS 33.220 Annex B KDF: HMAC-SHA-256(key, FC || P0 || L0 || ...); prints 32 octets (hex)");
  sub->add_option("--key", f->key, "KDF key (hex)")->type_name("HEX")->required();
  sub->add_option("--fc", f->fc, "function code FC, one octet (hex)")->type_name("HEX")->required();
  sub->add_option("--param", f->params, "parameter P0, P1, ... (hex); repeat in order")
      ->type_name("HEX")
      ->take_all();
  SetAction(sub, ctx, [&ctx, f] {
    FlagParser in;
    Bytes key = in.Hex("--key", f->key);
    Bytes fc = in.Hex("--fc", f->fc);
    if (in.ok() && fc.size() != 1) in.Fail("--fc: FC is one octet (2 hex digits)");
    std::vector<Bytes> params;
    for (const std::string& p : f->params) params.push_back(in.Hex("--param", p));
    if (!in.ok()) return UsageError(ctx, in.error());
    Result<SecretBytes> out = Kdf(key, fc[0], params);
    if (!out.ok()) return Reject(ctx, out.error().message());
    return PrintLine(ctx, ToHex(out->span()));
  });
}

void AddUid(CLI::App& group, CommandContext& ctx) {
  struct Flags {
    std::string uri, kms_uri, key_period, key_period_offset, key_period_no, ntp_seconds;
  };
  auto f = std::make_shared<Flags>();
  CLI::App* sub = group.add_subcommand(
      "uid", "MIKEY-SAKKE UID (TS 33.180 F.2.1) for a user and key period; prints 32 octets (hex)");
  sub->add_option("--uri", f->uri, "the user's MC service ID (URI)")->type_name("URI")->required();
  sub->add_option("--kms-uri", f->kms_uri, "the KMS URI")->type_name("URI")->required();
  sub->add_option("--key-period", f->key_period, "key period length in seconds")
      ->type_name("SECS")
      ->required();
  sub->add_option("--key-period-offset", f->key_period_offset, "key period offset in seconds")
      ->type_name("SECS")
      ->required();
  CLI::Option* number =
      sub->add_option("--key-period-no", f->key_period_no, "key period number")->type_name("N");
  CLI::Option* time = sub->add_option("--ntp-seconds", f->ntp_seconds,
                                      "NTP time in seconds since 1900, to derive the key period number")
                          ->type_name("N");
  number->excludes(time);
  SetAction(sub, ctx, [&ctx, f, number, time] {
    if (number->count() == 0 && time->count() == 0) {
      return UsageError(ctx, "uid needs --key-period-no or --ntp-seconds");
    }
    FlagParser in;
    UidParams params{f->uri, f->kms_uri, in.Decimal("--key-period", f->key_period),
                     in.Decimal("--key-period-offset", f->key_period_offset), 0};
    uint64_t value = number->count() ? in.Decimal("--key-period-no", f->key_period_no)
                                     : in.Decimal("--ntp-seconds", f->ntp_seconds);
    if (!in.ok()) return UsageError(ctx, in.error());
    if (Status s = ValidateUidParams(params); !s.ok()) return UsageError(ctx, s.error().message());
    if (number->count()) {
      params.key_period_no = value;
    } else {
      Result<uint64_t> no = KeyPeriodNumber(value, params.key_period, params.key_period_offset);
      if (!no.ok()) return Reject(ctx, no.error().message());
      params.key_period_no = *no;
    }
    return PrintLine(ctx, ToHex(MikeySakkeUid(params)));
  });
}

void AddGukId(CLI::App& group, CommandContext& ctx) {
  struct Flags {
    std::string gmk, gmk_id, uri;
  };
  auto f = std::make_shared<Flags>();
  CLI::App* sub = group.add_subcommand(
      "guk-id",
      "GUK-ID of a GMK-ID for a receiving user (TS 33.180 F.1.3); prints 4 octets (hex). "
      "Given a GUK-ID instead, prints the GMK-ID (the mapping is its own inverse)");
  sub->add_option("--gmk", f->gmk, "the GMK (hex)")->type_name("HEX")->required();
  sub->add_option("--gmk-id", f->gmk_id, "GMK-ID, up to 4 octets (hex)")->type_name("HEX")->required();
  sub->add_option("--uri", f->uri, "the receiving user's MC service ID")->type_name("URI")->required();
  SetAction(sub, ctx, [&ctx, f] {
    FlagParser in;
    Bytes gmk = in.Hex("--gmk", f->gmk);
    auto gmk_id = static_cast<uint32_t>(in.HexUint("--gmk-id", f->gmk_id, 4));
    if (!in.ok()) return UsageError(ctx, in.error());
    Result<uint32_t> guk_id = GukIdFromGmkId(gmk, gmk_id, f->uri);
    if (!guk_id.ok()) return Reject(ctx, guk_id.error().message());
    return PrintLine(ctx, ToHex(FixedBigEndian(*guk_id, 4)));
  });
}

void AddSrtpKey(CLI::App& group, CommandContext& ctx) {
  struct Flags {
    std::string gmk, cs_id, csb_id, rand, gmk_id;
  };
  auto f = std::make_shared<Flags>();
  CLI::App* sub = group.add_subcommand(
      "srtp-key",
      "SRTP master key and salt from a GMK (TS 33.180 7.4, RFC 3830 PRF with HMAC-SHA-256); "
      "prints {\"master_key\",\"master_salt\"[,\"mki\"]}");
  sub->add_option("--gmk", f->gmk, "the GMK (hex)")->type_name("HEX")->required();
  sub->add_option("--cs-id", f->cs_id, "crypto session ID (decimal, 0-255)")->type_name("N")->required();
  sub->add_option("--csb-id", f->csb_id, "CSB-ID: the receiver's GUK-ID, up to 4 octets (hex)")
      ->type_name("HEX")
      ->required();
  sub->add_option("--rand", f->rand, "the MIKEY RAND (hex)")->type_name("HEX")->required();
  CLI::Option* gmk_id_flag =
      sub->add_option("--gmk-id", f->gmk_id, "GMK-ID (hex); adds the MKI to the output")->type_name("HEX");
  SetAction(sub, ctx, [&ctx, f, gmk_id_flag] {
    FlagParser in;
    Bytes gmk = in.Hex("--gmk", f->gmk);
    auto cs_id = static_cast<uint8_t>(in.Decimal("--cs-id", f->cs_id, 255));
    auto csb_id = static_cast<uint32_t>(in.HexUint("--csb-id", f->csb_id, 4));
    Bytes rand = in.Hex("--rand", f->rand);
    bool with_mki = gmk_id_flag->count() > 0;
    auto gmk_id = with_mki ? static_cast<uint32_t>(in.HexUint("--gmk-id", f->gmk_id, 4)) : 0u;
    if (!in.ok()) return UsageError(ctx, in.error());
    Result<SrtpKeys> keys = SrtpKeysFromGmk(gmk, gmk_id, cs_id, csb_id, rand);
    if (!keys.ok()) return Reject(ctx, keys.error().message());
    std::vector<std::pair<std::string, std::string>> fields = {
        {"master_key", ToHex(keys->master_key.span())}, {"master_salt", ToHex(keys->master_salt.span())}};
    if (with_mki) fields.emplace_back("mki", ToHex(keys->mki));
    return PrintLine(ctx, JsonStringObject(fields));
  });
}

void AddEccsiKmsKeygen(CLI::App& group, CommandContext& ctx) {
  auto ksak = std::make_shared<std::string>();
  CLI::App* sub = group.add_subcommand("eccsi-kms-keygen",
                                       "ECCSI KPAK = [KSAK]G (RFC 6507, P-256); prints 65 octets (hex)");
  sub->add_option("--ksak", *ksak, "KMS secret authentication key, 1-32 octets big-endian (hex)")
      ->type_name("HEX")
      ->required();
  SetAction(sub, ctx, [&ctx, ksak] {
    FlagParser in;
    SecretBytes ksak_bytes(in.Hex("--ksak", *ksak));
    if (!in.ok()) return UsageError(ctx, in.error());
    Result<Bytes> kpak = eccsi::KpakFromKsak(ksak_bytes.span());
    if (!kpak.ok()) return Reject(ctx, kpak.error().message());
    return PrintLine(ctx, ToHex(*kpak));
  });
}

void AddEccsiIssue(CLI::App& group, CommandContext& ctx) {
  struct Flags {
    std::string ksak, id, v;
  };
  auto f = std::make_shared<Flags>();
  CLI::App* sub = group.add_subcommand(
      "eccsi-issue",
      "Issue ECCSI SSK and PVT for an identity (RFC 6507 5.1.1); prints {\"ssk\",\"pvt\",\"hs\"}");
  sub->add_option("--ksak", f->ksak, "KMS secret authentication key (hex)")->type_name("HEX")->required();
  sub->add_option("--id", f->id, "identity octets (hex; for 3GPP the 32-octet UID)")
      ->type_name("HEX")
      ->required();
  CLI::Option* v_flag =
      sub->add_option("--v", f->v, "ephemeral v (hex); random if omitted")->type_name("HEX");
  SetAction(sub, ctx, [&ctx, f, v_flag] {
    FlagParser in;
    SecretBytes ksak(in.Hex("--ksak", f->ksak));
    Bytes id = in.Hex("--id", f->id);
    std::optional<SecretBytes> v;
    if (v_flag->count()) v.emplace(in.Hex("--v", f->v));
    if (!in.ok()) return UsageError(ctx, in.error());
    std::optional<ByteSpan> v_span;
    if (v) v_span = v->span();
    Result<eccsi::UserKeys> keys = eccsi::IssueUserKeys(ksak.span(), id, v_span);
    if (!keys.ok()) return Reject(ctx, keys.error().message());
    return PrintLine(
        ctx, JsonStringObject(
                 {{"ssk", ToHex(keys->ssk.span())}, {"pvt", ToHex(keys->pvt)}, {"hs", ToHex(keys->hs)}}));
  });
}

void AddEccsiSign(CLI::App& group, CommandContext& ctx) {
  struct Flags {
    std::string kpak, id, ssk, pvt, msg, j;
  };
  auto f = std::make_shared<Flags>();
  CLI::App* sub = group.add_subcommand(
      "eccsi-sign", "ECCSI signature (RFC 6507 5.2.1); prints r || s || PVT, 129 octets (hex)");
  sub->add_option("--kpak", f->kpak, "KMS public authentication key (hex)")->type_name("HEX")->required();
  sub->add_option("--id", f->id, "signer identity (hex)")->type_name("HEX")->required();
  sub->add_option("--ssk", f->ssk, "secret signing key (hex)")->type_name("HEX")->required();
  sub->add_option("--pvt", f->pvt, "public validation token (hex)")->type_name("HEX")->required();
  sub->add_option("--msg", f->msg, "message to sign (hex)")->type_name("HEX")->required();
  CLI::Option* j_flag =
      sub->add_option("--j", f->j, "ephemeral j (hex); random if omitted")->type_name("HEX");
  SetAction(sub, ctx, [&ctx, f, j_flag] {
    FlagParser in;
    Bytes kpak = in.Hex("--kpak", f->kpak);
    Bytes id = in.Hex("--id", f->id);
    SecretBytes ssk(in.Hex("--ssk", f->ssk));
    Bytes pvt = in.Hex("--pvt", f->pvt);
    Bytes msg = in.Hex("--msg", f->msg);
    std::optional<SecretBytes> j;
    if (j_flag->count()) j.emplace(in.Hex("--j", f->j));
    if (!in.ok()) return UsageError(ctx, in.error());
    std::optional<ByteSpan> j_span;
    if (j) j_span = j->span();
    Result<Bytes> sig = eccsi::Sign(kpak, id, ssk.span(), pvt, msg, j_span);
    if (!sig.ok()) return Reject(ctx, sig.error().message());
    return PrintLine(ctx, ToHex(*sig));
  });
}

void AddEccsiVerify(CLI::App& group, CommandContext& ctx) {
  struct Flags {
    std::string kpak, id, msg, sig;
  };
  auto f = std::make_shared<Flags>();
  CLI::App* sub = group.add_subcommand(
      "eccsi-verify",
      "Verify an ECCSI signature (RFC 6507 5.2.2); prints 'valid' or 'invalid: <reason>' (exit 1)");
  sub->add_option("--kpak", f->kpak, "KMS public authentication key (hex)")->type_name("HEX")->required();
  sub->add_option("--id", f->id, "signer identity (hex)")->type_name("HEX")->required();
  sub->add_option("--msg", f->msg, "signed message (hex)")->type_name("HEX")->required();
  sub->add_option("--sig", f->sig, "signature r || s || PVT (hex)")->type_name("HEX")->required();
  SetAction(sub, ctx, [&ctx, f] {
    FlagParser in;
    Bytes kpak = in.Hex("--kpak", f->kpak);
    Bytes id = in.Hex("--id", f->id);
    Bytes msg = in.Hex("--msg", f->msg);
    Bytes sig = in.Hex("--sig", f->sig);
    if (!in.ok()) return UsageError(ctx, in.error());
    Status verdict = eccsi::Verify(kpak, id, msg, sig);
    if (!verdict.ok()) return Reject(ctx, verdict.error().message());
    return PrintLine(ctx, "valid");
  });
}

}  // namespace

void AddCryptoCommands(CLI::App& app, CommandContext& ctx) {
  CLI::App* crypto = AddGroup(app, ctx, "crypto", "Reference crypto core: KDF, UID, GUK-ID, ECCSI, SAKKE");
  AddKdf(*crypto, ctx);
  AddUid(*crypto, ctx);
  AddGukId(*crypto, ctx);
  AddSrtpKey(*crypto, ctx);
  AddEccsiKmsKeygen(*crypto, ctx);
  AddEccsiIssue(*crypto, ctx);
  AddEccsiSign(*crypto, ctx);
  AddEccsiVerify(*crypto, ctx);
  AddSakkeCryptoCommands(*crypto, ctx);
}

}  // namespace mcx::cli
