// The KMS simulator's HTTP endpoint: answers the Annex D requests
// (.../keymanagement/identity/v1/init, .../keyprov[/<identity>[/<NTP time>]],
// .../certcache[/<n>]) with KmsResponse XML from a key store, so an
// implementation under test can provision itself as from a real KMS.
//
// Plain HTTP on loopback by default (the transport security of a real KMS is
// out of scope). The simulator does no client authentication: the requester
// is the KmsRequest body's UserUri, else the identity named in the path.
// Malformed requests get a 4xx with a one-line reason; the server keeps
// serving. Which KMS answers: a path prefix (/<KMS URI>/keymanagement/...),
// else the body's KmsUri, else the Host header, else the default KMS, else
// the store's only domain.
#ifndef MCXTEST_KMS_HTTP_SERVER_H_
#define MCXTEST_KMS_HTTP_SERVER_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "crypto/result.h"
#include "kms/key_store.h"

namespace mcx::kms {

inline constexpr char kKmsResourceRoot[] = "/keymanagement/identity/v1";
// RFC 3323's anonymous URI, the UserUri of a response to an unnamed requester.
inline constexpr char kAnonymousUri[] = "sip:anonymous@anonymous.invalid";
inline constexpr size_t kMaxRequestBody = 64 * 1024;

struct KmsServerOptions {
  std::string host = "127.0.0.1";
  int port = 0;  // 0: any free port (see KmsHttpServer::port())
  std::optional<std::string> default_kms;
  // Current time in NTP seconds; NtpSecondsNow when unset. Fixes the key
  // period of keyprov requests without a time and the responses' Time.
  std::function<uint64_t()> clock;
  // One line per request ("POST /... -> 200"), when set. Called from server threads.
  std::function<void(const std::string&)> log;
};

struct KmsHttpRequest {
  std::string method;
  std::string target;  // raw request target: path and optional query, still percent-encoded
  std::string host;    // Host header, may be empty
  std::string body;
};

struct KmsHttpResponse {
  int status = 200;
  std::string content_type;
  std::string body;
};

// The whole protocol logic, without sockets (the server calls this).
KmsHttpResponse HandleKmsRequest(const KeyStore& store, const KmsServerOptions& options,
                                 const KmsHttpRequest& request);

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
  // Stops accepting and joins the server threads; idempotent.
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
