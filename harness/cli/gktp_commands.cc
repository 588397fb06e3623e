// `mcxtest gktp ...`: inspect, build and verify Group Key Transport payloads.
//
// Exit codes: 0 with the result; 1 with "invalid: <reason>" when the message
// does not parse (the reason names payload, field and offset; with --json a
// JSON object {"valid":false,"error","offset"} instead); 2 for
// command-line problems (no or several inputs, unreadable file, malformed
// hex or base64).
#include <fstream>
#include <iterator>
#include <memory>
#include <string>

#include "harness/cli/cli_util.h"
#include "harness/cli/command.h"
#include "harness/cli/message_input.h"
#include "mikey/codec.h"
#include "mikey/inspect.h"

namespace mcx::cli {
namespace {

// {"valid":false,"error":"<message>","offset":N}: what `inspect --json`
// prints for a message that does not parse (offset only when known).
std::string ParseErrorJson(const Error& error) {
  nlohmann::ordered_json out;
  out["valid"] = false;
  out["error"] = error.message();
  if (error.offset()) out["offset"] = *error.offset();
  return out.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

void AddInspect(CLI::App& group, CommandContext& ctx) {
  struct Flags {
    MessageInput input;
    bool json = false;
  };
  auto f = std::make_shared<Flags>();
  CLI::App* sub = group.add_subcommand(
      "inspect", "Parse a MIKEY-SAKKE I_MESSAGE and show every field with its offset");
  AddMessageInputOptions(sub, f->input);
  sub->add_flag("--json", f->json, "print JSON instead of text");
  SetAction(sub, ctx, [&ctx, f] {
    Result<Bytes> wire = ReadMessageInput(f->input);
    if (!wire.ok()) return ErrorExit(ctx, wire.error());
    Result<mikey::Message> message = mikey::Parse(*wire);
    if (!message.ok()) {
      if (!f->json) return Reject(ctx, message.error().ToString());
      // A consumer of --json reads stdout as JSON, failures included.
      *ctx.out << ParseErrorJson(message.error()) << "\n";
      return kExitRejected;
    }
    if (f->json) {
      // Key-parameter text is sender-chosen octets: invalid UTF-8 is shown
      // as U+FFFD rather than making the JSON writer throw.
      *ctx.out << mikey::InspectJson(*message).dump(2, ' ', false,
                                                     nlohmann::ordered_json::error_handler_t::replace)
               << "\n";
    } else {
      *ctx.out << mikey::InspectText(*message);
    }
    return kExitOk;
  });
}

}  // namespace

void AddGktpCommands(CLI::App& app, CommandContext& ctx) {
  CLI::App* gktp = AddGroup(app, ctx, "gktp", "Inspect, build and verify Group Key Transport payloads");
  AddInspect(*gktp, ctx);
  AddGktpVerifyCommands(*gktp, ctx);
}

}  // namespace mcx::cli
