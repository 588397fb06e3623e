// The KMS simulator's HTTP endpoint: answers the Annex D requests
// (kms/request_target.h) with KmsResponse XML from a key store, so an
// implementation under test can provision itself as from a real KMS.
//
// Plain HTTP on loopback by default (the transport security of a real KMS is
// out of scope). Every answer may carry private keys, so before anything
// else a request must name this server in its Host header (a loopback
// address, the listen address or a served KMS name; otherwise 421: a web
// page that rebinds its own DNS name to 127.0.0.1 cannot read keys), and
// carry the bearer token when one is set (401/403). The requester is the
// KmsRequest body's UserUri, else the identity named in the path. Malformed
// requests get a 4xx with a one-line reason; the server keeps serving.
// Which KMS answers: a path prefix (/<KMS URI>/keymanagement/...), else the
// body's KmsUri, else the Host header, else the default KMS, else the store's
// only domain.
//
// The server is libmicrohttpd with a fixed pool of event-driven threads:
// a slow client holds a connection slot, never a thread, and loses it at the
// request deadline (KmsServerLimits; docs/keystore.md).
#ifndef MCXTEST_KMS_HTTP_SERVER_H_
#define MCXTEST_KMS_HTTP_SERVER_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "crypto/result.h"
#include "kms/key_store.h"
#include "kms/request_target.h"

namespace mcx::kms {

// RFC 3323's anonymous URI, the UserUri of a response to an unnamed requester.
inline constexpr char kAnonymousUri[] = "sip:anonymous@anonymous.invalid";
inline constexpr size_t kMaxRequestBody = 64 * 1024;

struct KmsServerLimits {
  unsigned threads = 4;
  unsigned max_connections = 256;
  // Every local client comes from 127.0.0.1, so this only stops one remote
  // address (--allow-remote) from taking every slot.
  unsigned max_connections_per_ip = 64;
  // A connection that sends nothing for this long is closed.
  unsigned idle_timeout_seconds = 10;
  // The whole request, from the connection's first octet (or the end of the
  // previous request on it) to the answer, however the client trickles it.
  std::chrono::milliseconds request_deadline{30000};
  // Request line plus headers.
  size_t max_header_size = 16 * 1024;
};

struct KmsServerOptions {
  std::string host = "127.0.0.1";
  int port = 0;  // 0: any free port (see KmsHttpServer::port())
  std::optional<std::string> default_kms;
  // Set: every request needs "Authorization: Bearer <token>".
  std::optional<std::string> bearer_token;
  // Current time in NTP seconds; NtpSecondsNow when unset. Fixes the key
  // period of keyprov requests without a time and the responses' Time.
  std::function<uint64_t()> clock;
  // One line per request ("POST /... -> 200", control octets escaped), when
  // set. Called from server threads.
  std::function<void(const std::string&)> log;
  KmsServerLimits limits;
};

struct KmsHttpRequest {
  std::string method;
  std::string target;  // raw request target: path and optional query, still percent-encoded
  std::string host;    // Host header, may be empty
  std::string body;
  std::string authorization;  // Authorization header, may be empty
};

struct KmsHttpResponse {
  int status = 200;
  std::string content_type;
  std::string body;
};

// The whole protocol logic, without sockets (the server calls this).
KmsHttpResponse HandleKmsRequest(const KeyStore& store, const KmsServerOptions& options,
                                 const KmsHttpRequest& request);

// "METHOD TARGET -> STATUS" with every octet outside printable ASCII (and
// the backslash) written \xNN, so a request cannot drive the terminal.
std::string KmsLogLine(std::string_view method, std::string_view target, int status);

class KmsHttpServer {
 public:
  // Binds and starts serving on background threads before returning.
  static Result<std::unique_ptr<KmsHttpServer>> Start(std::shared_ptr<const KeyStore> store,
                                                      KmsServerOptions options);
  ~KmsHttpServer();  // stops

  int port() const { return port_; }
  const std::string& host() const { return options_.host; }
  // "http://HOST:PORT" (IPv6 hosts in brackets).
  std::string BaseUrl() const;
  // Stops accepting, closes every connection and joins the server threads;
  // idempotent.
  void Stop();

  struct Impl;

 private:
  KmsHttpServer() = default;
  KmsServerOptions options_;
  int port_ = 0;
  std::unique_ptr<Impl> impl_;
};

// True for 127.0.0.0/8, ::1 and "localhost".
bool IsLoopbackHost(const std::string& host);

}  // namespace mcx::kms

#endif  // MCXTEST_KMS_HTTP_SERVER_H_
