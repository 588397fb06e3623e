// `mcxtest crypto sakke-*`: SAKKE (RFC 6508, parameter set 1) on the command
// line.
//
// Exit codes: 0 with the result (lowercase hex) on one line; 1 with
// "invalid: <reason>" when the SAKKE core rejects a value (wrong length,
// point not on the curve, z out of range, failed decapsulation check);
// 2 for command-line problems (missing flags, malformed hex).
#include <memory>
#include <string>

#include "crypto/sakke.h"
#include "harness/cli/cli_util.h"
#include "harness/cli/command.h"

namespace mcx::cli {
namespace {

int PrintHex(CommandContext& ctx, ByteSpan bytes) {
  *ctx.out << ToHex(bytes) << "\n";
  return kExitOk;
}

void AddKmsKeygen(CLI::App& group, CommandContext& ctx) {
  auto z = std::make_shared<std::string>();
  CLI::App* sub = group.add_subcommand(
      "sakke-kms-keygen", "SAKKE KMS public key Z = [z]P (RFC 6508 2.2); prints 257 octets (hex)");
  sub->add_option("--z", *z, "KMS master secret z in [2, q-1], big-endian (hex)")->required();
  SetAction(sub, ctx, [&ctx, z] {
    FlagParser in;
    SecretBytes z_bytes(in.Hex("--z", *z));
    if (!in.ok()) return UsageError(ctx, in.error());
    Result<Bytes> z_pub = sakke::PublicKeyFromMaster(z_bytes.span());
    if (!z_pub.ok()) return Reject(ctx, z_pub.error().message());
    return PrintHex(ctx, *z_pub);
  });
}

void AddIssue(CLI::App& group, CommandContext& ctx) {
  struct Flags {
    std::string z, id;
  };
  auto f = std::make_shared<Flags>();
  CLI::App* sub = group.add_subcommand(
      "sakke-issue", "Issue a SAKKE RSK = [(z + ID)^-1]P (RFC 6508 6.1.1); prints 257 octets (hex)");
  sub->add_option("--z", f->z, "KMS master secret z (hex)")->required();
  sub->add_option("--id", f->id, "receiver identity octets (hex; for 3GPP the 32-octet UID)")->required();
  SetAction(sub, ctx, [&ctx, f] {
    FlagParser in;
    SecretBytes z(in.Hex("--z", f->z));
    Bytes id = in.Hex("--id", f->id);
    if (!in.ok()) return UsageError(ctx, in.error());
    Result<SecretBytes> rsk = sakke::IssueRsk(z.span(), id);
    if (!rsk.ok()) return Reject(ctx, rsk.error().message());
    return PrintHex(ctx, rsk->span());
  });
}

void AddEncap(CLI::App& group, CommandContext& ctx) {
  struct Flags {
    std::string z_pub, id, ssv;
  };
  auto f = std::make_shared<Flags>();
  CLI::App* sub = group.add_subcommand(
      "sakke-encap",
      "SAKKE encapsulation of an SSV to an identity (RFC 6508 6.2.1); prints R || H, 273 octets (hex)");
  sub->add_option("--z-pub", f->z_pub, "KMS public key Z, 04 || x || y (hex)")->required();
  sub->add_option("--id", f->id, "receiver identity octets (hex)")->required();
  sub->add_option("--ssv", f->ssv, "shared secret value, 16 octets (hex)")->required();
  SetAction(sub, ctx, [&ctx, f] {
    FlagParser in;
    Bytes z_pub = in.Hex("--z-pub", f->z_pub);
    Bytes id = in.Hex("--id", f->id);
    SecretBytes ssv(in.Hex("--ssv", f->ssv));
    if (!in.ok()) return UsageError(ctx, in.error());
    Result<Bytes> ed = sakke::Encapsulate(z_pub, id, ssv.span());
    if (!ed.ok()) return Reject(ctx, ed.error().message());
    return PrintHex(ctx, *ed);
  });
}

void AddDecap(CLI::App& group, CommandContext& ctx) {
  struct Flags {
    std::string z_pub, id, rsk, ed;
  };
  auto f = std::make_shared<Flags>();
  CLI::App* sub = group.add_subcommand(
      "sakke-decap",
      "SAKKE decapsulation with the R re-check (RFC 6508 6.2.2); prints the SSV or 'invalid: <reason>' (exit 1)");
  sub->add_option("--z-pub", f->z_pub, "KMS public key Z (hex)")->required();
  sub->add_option("--id", f->id, "receiver identity octets (hex)")->required();
  sub->add_option("--rsk", f->rsk, "receiver secret key (hex)")->required();
  sub->add_option("--ed", f->ed, "encapsulated data R || H, 273 octets (hex)")->required();
  SetAction(sub, ctx, [&ctx, f] {
    FlagParser in;
    Bytes z_pub = in.Hex("--z-pub", f->z_pub);
    Bytes id = in.Hex("--id", f->id);
    SecretBytes rsk(in.Hex("--rsk", f->rsk));
    Bytes ed = in.Hex("--ed", f->ed);
    if (!in.ok()) return UsageError(ctx, in.error());
    Result<SecretBytes> ssv = sakke::Decapsulate(z_pub, id, rsk.span(), ed);
    if (!ssv.ok()) return Reject(ctx, ssv.error().message());
    return PrintHex(ctx, ssv->span());
  });
}

}  // namespace

void AddSakkeCryptoCommands(CLI::App& crypto_group, CommandContext& ctx) {
  AddKmsKeygen(crypto_group, ctx);
  AddIssue(crypto_group, ctx);
  AddEncap(crypto_group, ctx);
  AddDecap(crypto_group, ctx);
}

}  // namespace mcx::cli
