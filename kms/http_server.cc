#include "kms/http_server.h"

#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <thread>
#include <unordered_set>
#include <vector>

#include "crypto/secret.h"
#include "kms/annex_d.h"
#include "kms/ntp_time.h"

namespace mcx::kms {
namespace {

constexpr char kTextPlain[] = "text/plain; charset=utf-8";

KmsHttpResponse Fail(int status, const std::string& reason) { return {status, kTextPlain, reason + "\n"}; }
KmsHttpResponse BadRequest(const std::string& reason) { return Fail(400, "bad request: " + reason); }

KmsHttpResponse ErrorResponse(const Error& e) {
  switch (e.code()) {
    case ErrorCode::kNotFound: return Fail(404, "not found: " + e.message());
    case ErrorCode::kInvalidArgument:
    case ErrorCode::kParse: return BadRequest(e.ToString());
    default: return Fail(500, "KMS error: " + e.message());
  }
}

std::string AsciiLower(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

std::string HostWithoutPort(std::string host) {
  if (!host.empty() && host.front() == '[') {
    const size_t close = host.find(']');
    return close == std::string::npos ? host : host.substr(1, close - 1);
  }
  const size_t colon = host.rfind(':');
  if (colon != std::string::npos && host.find(':') == colon) host.resize(colon);
  return host;
}

// The host a KMS URI names: "kms.example.org" for "kms.example.org",
// "https://kms.example.org:8443/x" alike.
std::string HostOfKmsUri(std::string_view uri) {
  if (const size_t scheme = uri.find("://"); scheme != std::string_view::npos) uri.remove_prefix(scheme + 3);
  uri = uri.substr(0, uri.find_first_of("/?#"));
  if (const size_t at = uri.rfind('@'); at != std::string_view::npos) uri.remove_prefix(at + 1);
  return AsciiLower(HostWithoutPort(std::string(uri)));
}

// Only names that resolve to this server by the client's own choice: a DNS
// rebinding page sends its own (attacker's) name and is turned away.
bool HostNamesThisServer(const KeyStore& store, const KmsServerOptions& options, const std::string& host_header) {
  const std::string host = AsciiLower(HostWithoutPort(host_header));
  if (host.empty()) return false;
  if (IsLoopbackHost(host) || host == AsciiLower(options.host)) return true;
  for (const std::string& kms_uri : store.KmsUris()) {
    if (host == HostOfKmsUri(kms_uri)) return true;
  }
  return false;
}

bool SameSecret(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

// 421, 401 or 403 when the request may not be answered at all.
std::optional<KmsHttpResponse> Refusal(const KeyStore& store, const KmsServerOptions& options,
                                       const KmsHttpRequest& request) {
  if (!HostNamesThisServer(store, options, request.host)) {
    return Fail(421, request.host.empty() ? "misdirected request: no Host header"
                                          : "misdirected request: Host is not a loopback address or a KMS served here");
  }
  if (!options.bearer_token) return std::nullopt;
  constexpr std::string_view kBearer = "Bearer ";
  if (request.authorization.empty()) {
    KmsHttpResponse r = Fail(401, "unauthorized: this KMS needs Authorization: Bearer <token>");
    return r;
  }
  const std::string_view given = std::string_view(request.authorization);
  if (given.substr(0, kBearer.size()) != kBearer || !SameSecret(given.substr(kBearer.size()), *options.bearer_token)) {
    return Fail(403, "forbidden: wrong bearer token");
  }
  return std::nullopt;
}

}  // namespace

bool IsLoopbackHost(const std::string& host) {
  if (host == "localhost" || host == "::1" || host == "[::1]") return true;
  if (host.rfind("127.", 0) != 0) return false;
  int dots = 0;
  for (char c : host) {
    if (c == '.') ++dots;
    else if (c < '0' || c > '9') return false;
  }
  return dots == 3;
}

std::string KmsLogLine(std::string_view method, std::string_view target, int status) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string line;
  auto append = [&line](std::string_view text) {
    for (char ch : text) {
      const auto c = static_cast<unsigned char>(ch);
      if (c >= 0x20 && c < 0x7f && c != '\\') {
        line.push_back(ch);
      } else {
        line += {'\\', 'x', kHex[c >> 4], kHex[c & 0x0f]};
      }
    }
  };
  append(method);
  line.push_back(' ');
  append(target);
  return line + " -> " + std::to_string(status);
}

KmsHttpResponse HandleKmsRequest(const KeyStore& store, const KmsServerOptions& options,
                                 const KmsHttpRequest& request) {
  if (auto refusal = Refusal(store, options, request)) return *refusal;
  auto target = ParseKmsRequestTarget(request.target);
  if (!target.ok()) return ErrorResponse(target.error());
  // Annex D: every request is an HTTP POST.
  if (request.method != "POST") return Fail(405, "method not allowed: KMS requests are HTTP POST");
  if (request.body.size() > kMaxRequestBody) return Fail(413, "request body too large");

  std::optional<KmsRequest> body;
  if (request.body.find_first_not_of(" \t\r\n") != std::string::npos) {
    auto parsed = ParseKmsRequest(request.body);
    if (!parsed.ok()) return BadRequest("KmsRequest: " + parsed.error().ToString());
    body = std::move(parsed).value();
  }

  // Which KMS answers.
  std::string kms_uri;
  const std::vector<std::string> domains = store.KmsUris();
  const std::string host = HostWithoutPort(request.host);
  if (target->kms_prefix) {
    kms_uri = *target->kms_prefix;
  } else if (body) {
    kms_uri = body->kms_uri;
  } else if (!host.empty() && store.HasDomain(host)) {
    kms_uri = host;
  } else if (options.default_kms) {
    kms_uri = *options.default_kms;
  } else if (domains.size() == 1) {
    kms_uri = domains.front();
  } else {
    return BadRequest("which KMS? the store has " + std::to_string(domains.size()) +
                      " domains: prefix the path with /<KMS URI> or post a KmsRequest with KmsUri");
  }
  if (!store.HasDomain(kms_uri)) return Fail(404, "not found: no KMS '" + kms_uri + "' in this simulator");
  if (body && body->kms_uri != kms_uri) {
    return BadRequest("KmsRequest KmsUri '" + body->kms_uri + "' is not the KMS addressed ('" + kms_uri + "')");
  }

  const uint64_t now = options.clock ? options.clock() : NtpSecondsNow();
  KmsResponse response;
  response.kms_uri = kms_uri;
  response.time = Iso8601FromNtpSeconds(now);
  response.user_uri = body ? body->user_uri : target->identity.value_or(kAnonymousUri);
  response.client_req_url =
      body ? body->client_req_url
           : (request.host.empty() ? std::string() : "http://" + request.host) + request.target;

  switch (target->resource) {
    case KmsResource::kInit: {
      auto cert = store.Certificate(kms_uri);
      if (!cert.ok()) return ErrorResponse(cert.error());
      response.type = KmsMessageType::kInit;
      response.certificates.push_back(std::move(cert).value());
      break;
    }
    case KmsResource::kCertCache: {
      auto certs = store.TrustedExternalCertificates(kms_uri);
      if (!certs.ok()) return ErrorResponse(certs.error());
      response.type = KmsMessageType::kCertCache;
      response.certificates = std::move(certs).value();
      break;
    }
    case KmsResource::kKeyProv: {
      const std::optional<std::string> identity = target->identity ? target->identity
                                                  : body ? std::optional<std::string>(body->user_uri)
                                                         : std::nullopt;
      if (!identity) {
        return BadRequest("keyprov needs an identity: post a KmsRequest with UserUri or use .../keyprov/<URI>");
      }
      auto period = store.KeyPeriodNo(kms_uri, target->ntp_seconds.value_or(now));
      if (!period.ok()) return BadRequest("key period: " + period.error().message());
      auto key_set = store.KeySet(kms_uri, *identity, *period);
      if (!key_set.ok()) return ErrorResponse(key_set.error());
      response.type = KmsMessageType::kKeyProv;
      response.key_sets.push_back(**key_set);
      break;
    }
  }
  return {200, "application/xml; charset=utf-8", WriteKmsResponse(response)};
}

// ---------------------------------------------------------------- server

namespace {

using Clock = std::chrono::steady_clock;

// One TCP connection, for the request deadline.
struct ConnectionClock {
  int fd = -1;
  Clock::time_point since;  // connection start, or the end of its last request
  bool cut = false;
};

// One HTTP request while its body arrives.
struct PendingRequest {
  std::string target;  // raw, from the request line
  std::string body;
  bool headers_seen = false;
  bool too_large = false;
};

}  // namespace

struct KmsHttpServer::Impl {
  std::shared_ptr<const KeyStore> store;
  const KmsServerOptions* options = nullptr;
  MHD_Daemon* daemon = nullptr;

  std::mutex mu;
  std::condition_variable wake;
  bool stopping = false;
  std::unordered_set<ConnectionClock*> connections;
  std::thread watchdog;

  // Cuts every connection past the deadline. shutdown() rather than close():
  // the descriptor stays libmicrohttpd's, which sees the end of the stream
  // and closes the connection itself (and only then reports it CLOSED, so a
  // descriptor here is never a reused number).
  void WatchDeadlines() {
    const auto deadline = options->limits.request_deadline;
    const auto tick = std::clamp(deadline / 4, std::chrono::milliseconds(10), std::chrono::milliseconds(250));
    std::unique_lock lock(mu);
    while (!stopping) {
      wake.wait_for(lock, tick);
      const auto now = Clock::now();
      for (ConnectionClock* c : connections) {
        if (!c->cut && now - c->since > deadline) {
          ::shutdown(c->fd, SHUT_RDWR);
          c->cut = true;
        }
      }
    }
  }
};

namespace {

using Impl = KmsHttpServer::Impl;

void* OnRequestLine(void* cls, const char* uri, MHD_Connection*) {
  (void)cls;
  auto* pending = new PendingRequest;
  pending->target = uri != nullptr ? uri : "";
  return pending;
}

MHD_Result Answer(MHD_Connection* connection, const KmsHttpResponse& r) {
  MHD_Response* response =
      MHD_create_response_from_buffer(r.body.size(), const_cast<char*>(r.body.data()), MHD_RESPMEM_MUST_COPY);
  if (response == nullptr) return MHD_NO;
  MHD_add_response_header(response, MHD_HTTP_HEADER_CONTENT_TYPE, r.content_type.c_str());
  if (r.status == 401) MHD_add_response_header(response, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer");
  const MHD_Result queued = MHD_queue_response(connection, static_cast<unsigned>(r.status), response);
  MHD_destroy_response(response);
  return queued;
}

std::string Header(MHD_Connection* connection, const char* name) {
  const char* value = MHD_lookup_connection_value(connection, MHD_HEADER_KIND, name);
  return value != nullptr ? value : "";
}

MHD_Result OnRequest(void* cls, MHD_Connection* connection, const char* /*url*/, const char* method,
                     const char* /*version*/, const char* upload_data, size_t* upload_data_size, void** con_cls) {
  auto* impl = static_cast<Impl*>(cls);
  auto* pending = static_cast<PendingRequest*>(*con_cls);
  if (pending == nullptr) return MHD_NO;
  // The first call comes with the headers; then the body, if any, in parts.
  if (!pending->headers_seen) {
    pending->headers_seen = true;
    return MHD_YES;
  }
  // An oversized body is read and dropped (answering before the client has
  // sent it would reset the connection under it); the deadline bounds it.
  if (*upload_data_size != 0) {
    if (!pending->too_large && pending->body.size() + *upload_data_size <= kMaxRequestBody) {
      pending->body.append(upload_data, *upload_data_size);
    } else {
      pending->too_large = true;
      SecureZero(pending->body.data(), pending->body.size());
      pending->body = std::string();
    }
    *upload_data_size = 0;
    return MHD_YES;
  }
  KmsHttpResponse response;
  if (pending->too_large) {
    response = Fail(413, "request body too large (limit " + std::to_string(kMaxRequestBody) + " octets)");
  } else {
    KmsHttpRequest request{method, pending->target, Header(connection, MHD_HTTP_HEADER_HOST),
                           std::move(pending->body), Header(connection, MHD_HTTP_HEADER_AUTHORIZATION)};
    response = HandleKmsRequest(*impl->store, *impl->options, request);
    SecureZero(request.authorization.data(), request.authorization.size());
  }
  if (impl->options->log) impl->options->log(KmsLogLine(method, pending->target, response.status));
  const MHD_Result queued = Answer(connection, response);
  SecureZero(response.body.data(), response.body.size());
  return queued;
}

void OnRequestDone(void* cls, MHD_Connection* connection, void** con_cls, MHD_RequestTerminationCode) {
  delete static_cast<PendingRequest*>(*con_cls);
  *con_cls = nullptr;
  auto* impl = static_cast<Impl*>(cls);
  const MHD_ConnectionInfo* info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
  if (info == nullptr || info->socket_context == nullptr) return;
  std::lock_guard lock(impl->mu);
  static_cast<ConnectionClock*>(info->socket_context)->since = Clock::now();
}

void OnConnection(void* cls, MHD_Connection* connection, void** socket_context, MHD_ConnectionNotificationCode code) {
  auto* impl = static_cast<Impl*>(cls);
  if (code == MHD_CONNECTION_NOTIFY_STARTED) {
    const MHD_ConnectionInfo* info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CONNECTION_FD);
    if (info == nullptr) return;
    auto* clock = new ConnectionClock{info->connect_fd, Clock::now(), false};
    *socket_context = clock;
    std::lock_guard lock(impl->mu);
    impl->connections.insert(clock);
    return;
  }
  auto* clock = static_cast<ConnectionClock*>(*socket_context);
  if (clock == nullptr) return;
  {
    std::lock_guard lock(impl->mu);
    impl->connections.erase(clock);
  }
  delete clock;
  *socket_context = nullptr;
}

void QuietLogger(void*, const char*, va_list) {}

Result<sockaddr_storage> ListenAddress(const std::string& host, int port, bool* ipv6) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE;
  addrinfo* found = nullptr;
  if (int rc = ::getaddrinfo(host.c_str(), nullptr, &hints, &found); rc != 0 || found == nullptr) {
    return Error(ErrorCode::kIo, "cannot listen on " + host + ": " + ::gai_strerror(rc));
  }
  sockaddr_storage address{};
  std::memcpy(&address, found->ai_addr, found->ai_addrlen);
  ::freeaddrinfo(found);
  *ipv6 = address.ss_family == AF_INET6;
  if (*ipv6) {
    reinterpret_cast<sockaddr_in6*>(&address)->sin6_port = htons(static_cast<uint16_t>(port));
  } else {
    reinterpret_cast<sockaddr_in*>(&address)->sin_port = htons(static_cast<uint16_t>(port));
  }
  return address;
}

}  // namespace

Result<std::unique_ptr<KmsHttpServer>> KmsHttpServer::Start(std::shared_ptr<const KeyStore> store,
                                                            KmsServerOptions options) {
  if (!store) return InvalidArgument("KMS server needs a key store");
  if (options.port < 0 || options.port > 65535) {
    return InvalidArgument("port " + std::to_string(options.port) + " is out of range");
  }
  const KmsServerLimits& limits = options.limits;
  if (limits.threads == 0 || limits.max_connections == 0 || limits.max_connections_per_ip == 0 ||
      limits.request_deadline.count() <= 0) {
    return InvalidArgument("KMS server limits must be positive");
  }
  if (options.bearer_token && options.bearer_token->empty()) return InvalidArgument("the bearer token is empty");
  std::unique_ptr<KmsHttpServer> self(new KmsHttpServer());
  self->options_ = std::move(options);
  self->impl_ = std::make_unique<Impl>();
  Impl& impl = *self->impl_;
  impl.store = std::move(store);
  impl.options = &self->options_;

  bool ipv6 = false;
  MCX_ASSIGN_OR_RETURN(sockaddr_storage address, ListenAddress(self->options_.host, self->options_.port, &ipv6));
  unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL;
  if (ipv6) flags |= MHD_USE_IPv6;
  impl.daemon = MHD_start_daemon(
      flags, static_cast<uint16_t>(self->options_.port), nullptr, nullptr, &OnRequest, &impl,
      MHD_OPTION_SOCK_ADDR, reinterpret_cast<sockaddr*>(&address),
      MHD_OPTION_THREAD_POOL_SIZE, limits.threads,
      MHD_OPTION_CONNECTION_LIMIT, limits.max_connections,
      MHD_OPTION_PER_IP_CONNECTION_LIMIT, limits.max_connections_per_ip,
      MHD_OPTION_CONNECTION_TIMEOUT, limits.idle_timeout_seconds,
      MHD_OPTION_CONNECTION_MEMORY_LIMIT, std::max<size_t>(limits.max_header_size + 16 * 1024, 32 * 1024),
      MHD_OPTION_URI_LOG_CALLBACK, &OnRequestLine, &impl,
      MHD_OPTION_NOTIFY_COMPLETED, &OnRequestDone, &impl,
      MHD_OPTION_NOTIFY_CONNECTION, &OnConnection, &impl,
      MHD_OPTION_EXTERNAL_LOGGER, &QuietLogger, nullptr,
      MHD_OPTION_END);
  if (impl.daemon == nullptr) {
    return Error(ErrorCode::kIo, "cannot bind " + self->options_.host + ":" + std::to_string(self->options_.port) +
                                     " (in use, or not a local address)");
  }
  const MHD_DaemonInfo* bound = MHD_get_daemon_info(impl.daemon, MHD_DAEMON_INFO_BIND_PORT);
  self->port_ = bound != nullptr && bound->port != 0 ? bound->port : self->options_.port;
  impl.watchdog = std::thread([&impl] { impl.WatchDeadlines(); });
  return self;
}

KmsHttpServer::~KmsHttpServer() { Stop(); }

void KmsHttpServer::Stop() {
  if (!impl_ || impl_->daemon == nullptr) return;
  MHD_stop_daemon(impl_->daemon);
  impl_->daemon = nullptr;
  {
    std::lock_guard lock(impl_->mu);
    impl_->stopping = true;
  }
  impl_->wake.notify_all();
  if (impl_->watchdog.joinable()) impl_->watchdog.join();
}

std::string KmsHttpServer::BaseUrl() const {
  const std::string& h = options_.host;
  const bool v6 = h.find(':') != std::string::npos;
  return "http://" + (v6 ? "[" + h + "]" : h) + ":" + std::to_string(port_);
}

}  // namespace mcx::kms
