// The shim's side of the protocol: reads request lines, hands each request of
// protocol.h to a RequestHandler and writes its answer line. The bundled
// reference SUT (//harness/sut:reference_sut) is Serve() over the reference
// implementation; a test can serve a fake handler.
#ifndef MCXTEST_HARNESS_SHIM_DISPATCH_H_
#define MCXTEST_HARNESS_SHIM_DISPATCH_H_

#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "crypto/result.h"
#include "harness/shim/protocol.h"

namespace mcx::shim {

// An error becomes the answer {"error": error.ToString()}.
class RequestHandler {
 public:
  virtual ~RequestHandler() = default;

  // Until a provision succeeds, every request but hello and provision is
  // answered {"error": "not provisioned"}.
  virtual bool provisioned() const = 0;

  virtual Result<HelloAnswer> HandleHello(const HelloRequest& request) = 0;
  virtual Result<ProvisionAnswer> HandleProvision(const ProvisionRequest& request) = 0;
  virtual Result<std::vector<SentGktp>> HandleRegroupRequest(const RegroupRequest& request) = 0;
  virtual Result<PartnerAnswer> HandleRegroupNotification(const RegroupNotification& notification) = 0;
  virtual Result<DeliverAnswer> HandleDeliverGktp(const DeliverRequest& request) = 0;
};

// The answer to one request, with its "id"; nullopt for shutdown. A type
// nobody handles is answered {"error": "unimplemented"}, a request its reader
// refuses {"error": "bad TYPE: why"}, anything but an object with a string
// "type" {"error": "not a request: ..."}.
std::optional<nlohmann::json> Dispatch(const nlohmann::json& request, RequestHandler& handler);

// Serves `in` until shutdown or end of input, one answer line per request
// on `out` (flushed). Blank lines are skipped; a line that is not a request
// object is skipped with a note on `log`.
void Serve(std::istream& in, std::ostream& out, std::ostream& log, RequestHandler& handler);

}  // namespace mcx::shim

#endif  // MCXTEST_HARNESS_SHIM_DISPATCH_H_
