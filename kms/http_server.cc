#include "kms/http_server.h"

#include <httplib.h>

#include <chrono>
#include <thread>
#include <vector>

#include "kms/annex_d.h"
#include "kms/ntp_time.h"

namespace mcx::kms {
namespace {

KmsHttpResponse Fail(int status, const std::string& reason) {
  return {status, "text/plain; charset=utf-8", reason + "\n"};
}
KmsHttpResponse BadRequest(const std::string& reason) { return Fail(400, "bad request: " + reason); }

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Strict percent-decoding of one path segment.
Result<std::string> PercentDecode(std::string_view segment) {
  std::string out;
  for (size_t i = 0; i < segment.size(); ++i) {
    if (segment[i] != '%') {
      out.push_back(segment[i]);
      continue;
    }
    if (i + 2 >= segment.size()) {
      return InvalidArgument("truncated percent-escape in path segment '" + std::string(segment) + "'");
    }
    const int hi = HexDigit(segment[i + 1]);
    const int lo = HexDigit(segment[i + 2]);
    if (hi < 0 || lo < 0) return InvalidArgument("bad percent-escape in path segment '" + std::string(segment) + "'");
    const char decoded = static_cast<char>(hi << 4 | lo);
    if (decoded == '\0') return InvalidArgument("NUL in path segment");
    out.push_back(decoded);
    i += 2;
  }
  return out;
}

std::vector<std::string_view> SplitPath(std::string_view path) {
  std::vector<std::string_view> segments;
  size_t start = 0;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    if (slash > start) segments.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return segments;
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

enum class Resource { kInit, kKeyProv, kCertCache };

struct ParsedTarget {
  Resource resource;
  std::optional<std::string> kms_prefix;  // /<KMS URI>/keymanagement/...
  std::optional<std::string> identity;    // keyprov/<identity>
  std::optional<uint64_t> ntp_seconds;    // keyprov/<identity>/<NTP>
};

Result<ParsedTarget> ParseTarget(std::string_view target) {
  std::string_view path = target.substr(0, target.find('?'));
  if (path.empty() || path.front() != '/') return InvalidArgument("request target must be an absolute path");
  const std::vector<std::string_view> segments = SplitPath(path);
  // Find ".../keymanagement/identity/v1/<resource>".
  size_t root = segments.size();
  for (size_t i = 0; i + 3 < segments.size(); ++i) {
    if (segments[i] == "keymanagement" && segments[i + 1] == "identity" && segments[i + 2] == "v1") {
      root = i;
      break;
    }
  }
  if (root == segments.size()) {
    return Error(ErrorCode::kNotFound, "no KMS resource here: paths are .../keymanagement/identity/v1/"
                                       "{init,keyprov,certcache}");
  }
  ParsedTarget t;
  if (root > 1) return InvalidArgument("at most one path segment (the KMS URI) may precede /keymanagement");
  if (root == 1) {
    MCX_ASSIGN_OR_RETURN(std::string prefix, PercentDecode(segments[0]));
    t.kms_prefix = std::move(prefix);
  }
  const std::string_view resource = segments[root + 3];
  const size_t extra = segments.size() - (root + 4);
  if (resource == "init") {
    t.resource = Resource::kInit;
    if (extra != 0) return InvalidArgument("init takes no further path segments");
  } else if (resource == "keyprov") {
    t.resource = Resource::kKeyProv;
    if (extra > 2) return InvalidArgument("keyprov takes at most an identity and an NTP time");
    if (extra >= 1) {
      MCX_ASSIGN_OR_RETURN(std::string identity, PercentDecode(segments[root + 4]));
      t.identity = std::move(identity);
    }
    if (extra == 2) {
      auto ntp = NtpSecondsFromTimestampHex(segments[root + 5]);
      if (!ntp.ok()) return InvalidArgument("keyprov time: " + ntp.error().message());
      t.ntp_seconds = *ntp;
    }
  } else if (resource == "certcache") {
    t.resource = Resource::kCertCache;
    if (extra > 1) return InvalidArgument("certcache takes at most a cache number");
    if (extra == 1) {
      for (char c : segments[root + 4]) {
        if (c < '0' || c > '9') return InvalidArgument("certcache: cache number must be decimal digits");
      }
    }
  } else {
    return Error(ErrorCode::kNotFound, "unknown KMS resource '" + std::string(resource) +
                                           "' (expected init, keyprov or certcache)");
  }
  return t;
}

KmsHttpResponse ErrorResponse(const Error& e) {
  switch (e.code()) {
    case ErrorCode::kNotFound: return Fail(404, "not found: " + e.message());
    case ErrorCode::kInvalidArgument:
    case ErrorCode::kParse: return BadRequest(e.ToString());
    default: return Fail(500, "KMS error: " + e.message());
  }
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

KmsHttpResponse HandleKmsRequest(const KeyStore& store, const KmsServerOptions& options,
                                 const KmsHttpRequest& request) {
  auto target = ParseTarget(request.target);
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
    case Resource::kInit: {
      auto cert = store.Certificate(kms_uri);
      if (!cert.ok()) return ErrorResponse(cert.error());
      response.type = KmsMessageType::kInit;
      response.certificates.push_back(std::move(cert).value());
      break;
    }
    case Resource::kCertCache: {
      auto certs = store.TrustedExternalCertificates(kms_uri);
      if (!certs.ok()) return ErrorResponse(certs.error());
      response.type = KmsMessageType::kCertCache;
      response.certificates = std::move(certs).value();
      break;
    }
    case Resource::kKeyProv: {
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

struct KmsHttpServer::Impl {
  std::shared_ptr<const KeyStore> store;
  httplib::Server server;
  std::thread thread;
};

Result<std::unique_ptr<KmsHttpServer>> KmsHttpServer::Start(std::shared_ptr<const KeyStore> store,
                                                            KmsServerOptions options) {
  if (!store) return InvalidArgument("KMS server needs a key store");
  if (options.port < 0 || options.port > 65535) {
    return InvalidArgument("port " + std::to_string(options.port) + " is out of range");
  }
  std::unique_ptr<KmsHttpServer> self(new KmsHttpServer());
  self->options_ = std::move(options);
  self->impl_ = std::make_unique<Impl>();
  Impl& impl = *self->impl_;
  impl.store = std::move(store);
  impl.server.set_payload_max_length(kMaxRequestBody);
  impl.server.set_read_timeout(5, 0);
  impl.server.set_write_timeout(5, 0);
  const KeyStore* key_store = impl.store.get();
  const KmsServerOptions* opts = &self->options_;
  // Every request, whatever its method or path, goes through HandleKmsRequest
  // (routes rather than a pre-routing hook, so that the body has been read).
  httplib::Server::Handler handler = [key_store, opts](const httplib::Request& req, httplib::Response& res) {
    KmsHttpRequest request{req.method, req.target, req.get_header_value("Host"), req.body};
    KmsHttpResponse response = HandleKmsRequest(*key_store, *opts, request);
    res.status = response.status;
    res.set_content(response.body, response.content_type.c_str());
    if (opts->log) opts->log(req.method + " " + req.target + " -> " + std::to_string(response.status));
  };
  // "." stops at a newline, which a decoded %0A can put into the path.
  static constexpr char kAnyTarget[] = "[\\s\\S]*";
  impl.server.Post(kAnyTarget, handler);
  impl.server.Get(kAnyTarget, handler);
  impl.server.Put(kAnyTarget, handler);
  impl.server.Patch(kAnyTarget, handler);
  impl.server.Delete(kAnyTarget, handler);
  impl.server.Options(kAnyTarget, handler);
  // httplib's default also sets SO_REUSEPORT, which would let a second
  // simulator silently share a port; a busy port must be an error.
  impl.server.set_socket_options([](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, reinterpret_cast<const char*>(&yes), sizeof(yes));
  });
  // Errors httplib answers itself (unparsable request, body too large) get a
  // reason too; our own 4xx responses already carry one.
  impl.server.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return;
    std::string reason = "malformed HTTP request";
    if (res.status == 413) {
      reason = "request body too large (limit " + std::to_string(kMaxRequestBody) + " octets)";
    } else if (res.status == 400 && req.method == "POST" && !req.has_header("Content-Length") &&
               !req.has_header("Transfer-Encoding")) {
      reason = "a POST needs Content-Length (send Content-Length: 0 for an empty body)";
    }
    res.set_content("error: " + reason + "\n", "text/plain; charset=utf-8");
  });
  impl.server.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
    res.status = 500;
    res.set_content("KMS error: internal failure\n", "text/plain; charset=utf-8");
  });

  const std::string& host = self->options_.host;
  if (self->options_.port == 0) {
    self->port_ = impl.server.bind_to_any_port(host);
    if (self->port_ <= 0) return Error(ErrorCode::kIo, "cannot bind a port on " + host);
  } else {
    if (!impl.server.bind_to_port(host, self->options_.port)) {
      return Error(ErrorCode::kIo, "cannot bind " + host + ":" + std::to_string(self->options_.port) +
                                       " (in use, or not a local address)");
    }
    self->port_ = self->options_.port;
  }
  impl.thread = std::thread([&impl] { impl.server.listen_after_bind(); });
  // stop() is only effective once the accept loop runs.
  for (int i = 0; i < 500 && !impl.server.is_running(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  if (!impl.server.is_running()) {
    self->Stop();
    return Error(ErrorCode::kIo, "KMS server did not start");
  }
  return self;
}

KmsHttpServer::~KmsHttpServer() { Stop(); }

void KmsHttpServer::Stop() {
  if (!impl_) return;
  if (impl_->thread.joinable()) {
    impl_->server.stop();
    impl_->thread.join();
  }
}

std::string KmsHttpServer::BaseUrl() const {
  const std::string& h = options_.host;
  const bool v6 = h.find(':') != std::string::npos;
  return "http://" + (v6 ? "[" + h + "]" : h) + ":" + std::to_string(port_);
}

}  // namespace mcx::kms
