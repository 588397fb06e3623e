#include "kms/http_server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <thread>
#include <vector>

#include "kms/annex_d.h"
#include "kms/ntp_time.h"

namespace mcx::kms {
namespace {

constexpr char kPrimary[] = "kms.police.example";
constexpr char kPartner[] = "kms.fire.example";
constexpr char kAlice[] = "sip:alice@police.example";
constexpr uint64_t kPeriod = 2592000;
constexpr uint64_t kPeriodNo = 1500;
// A fixed "now" inside key period 1500.
constexpr uint64_t kNow = kPeriodNo * kPeriod + 1234;

std::shared_ptr<KeyStore> TwoDomainStore() {
  auto store = std::make_shared<KeyStore>(KeyStore::InMemory());
  for (const char* kms : {kPrimary, kPartner}) {
    DomainConfig config;
    config.kms_uri = kms;
    config.user_key_period = kPeriod;
    config.seed = 99;
    EXPECT_TRUE(store->CreateDomain(config).ok());
  }
  EXPECT_TRUE(store->Provision(kPrimary, kAlice, kPeriodNo).ok());
  return store;
}

std::string RequestBody(const std::string& user, const std::string& kms, const std::string& url) {
  KmsRequest r;
  r.user_uri = user;
  r.kms_uri = kms;
  r.time = Iso8601FromNtpSeconds(kNow);
  r.client_req_url = url;
  return WriteKmsRequest(r);
}

class KmsHttpServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = TwoDomainStore();
    KmsServerOptions options;
    options.clock = [] { return kNow; };
    options.log = [this](const std::string& line) {
      std::lock_guard lock(log_mu_);
      log_.push_back(line);
    };
    auto server = KmsHttpServer::Start(store_, options);
    ASSERT_TRUE(server.ok()) << server.error().ToString();
    server_ = std::move(server).value();
    ASSERT_GT(server_->port(), 0);
    client_ = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
    client_->set_read_timeout(30, 0);
  }

  httplib::Result Post(const std::string& path, const std::string& body = "") {
    return client_->Post(path.c_str(), body, "application/xml");
  }

  KmsResponse ParseOk(const httplib::Result& res) {
    EXPECT_TRUE(res) << "no HTTP response";
    if (!res) return {};
    EXPECT_EQ(res->status, 200) << res->body;
    EXPECT_NE(res->get_header_value("Content-Type").find("application/xml"), std::string::npos);
    auto parsed = ParseKmsResponse(res->body);
    EXPECT_TRUE(parsed.ok()) << (parsed.ok() ? "" : parsed.error().ToString()) << "\n" << res->body;
    return parsed.ok() ? *parsed : KmsResponse{};
  }

  std::shared_ptr<KeyStore> store_;
  std::unique_ptr<KmsHttpServer> server_;
  std::unique_ptr<httplib::Client> client_;
  std::mutex log_mu_;
  std::vector<std::string> log_;
};

TEST_F(KmsHttpServerTest, InitReturnsTheRootCertificate) {
  const std::string url = server_->BaseUrl() + "/keymanagement/identity/v1/init";
  const KmsResponse r = ParseOk(Post("/keymanagement/identity/v1/init", RequestBody(kAlice, kPrimary, url)));
  EXPECT_EQ(r.type, KmsMessageType::kInit);
  EXPECT_EQ(r.user_uri, kAlice);
  EXPECT_EQ(r.kms_uri, kPrimary);
  EXPECT_EQ(r.client_req_url, url);
  EXPECT_EQ(r.time, Iso8601FromNtpSeconds(kNow));
  ASSERT_EQ(r.certificates.size(), 1u);
  EXPECT_EQ(r.certificates[0], *store_->Certificate(kPrimary));
  EXPECT_EQ(r.certificates[0].role, CertificateRole::kRoot);
}

TEST_F(KmsHttpServerTest, CertCacheOfEachDomainCarriesThePartnerAsExternal) {
  const KmsResponse fire = ParseOk(Post(std::string("/") + kPartner + "/keymanagement/identity/v1/certcache"));
  EXPECT_EQ(fire.type, KmsMessageType::kCertCache);
  EXPECT_EQ(fire.kms_uri, kPartner);
  EXPECT_EQ(fire.user_uri, kAnonymousUri);
  ASSERT_EQ(fire.certificates.size(), 1u);
  EXPECT_EQ(fire.certificates[0].kms_uri, kPrimary);
  EXPECT_EQ(fire.certificates[0].role, CertificateRole::kExternal);
  EXPECT_EQ(fire.certificates[0].pub_auth_key, store_->Kms(kPrimary)->kpak);

  const KmsResponse police =
      ParseOk(Post("/keymanagement/identity/v1/certcache/3", RequestBody(kAlice, kPrimary, "u")));
  ASSERT_EQ(police.certificates.size(), 1u);
  EXPECT_EQ(police.certificates[0].kms_uri, kPartner);
}

TEST_F(KmsHttpServerTest, KeyProvByPathIdentityAndTime) {
  const std::string path = std::string("/") + kPrimary + "/keymanagement/identity/v1/keyprov/" +
                           "sip%3Aalice%40police.example/" + NtpTimestampHex(kPeriodNo * kPeriod + 5);
  const KmsResponse r = ParseOk(Post(path));
  EXPECT_EQ(r.type, KmsMessageType::kKeyProv);
  ASSERT_EQ(r.key_sets.size(), 1u);
  EXPECT_EQ(r.key_sets[0], **store_->KeySet(kPrimary, kAlice, kPeriodNo));
  EXPECT_EQ(r.user_uri, kAlice);
}

TEST_F(KmsHttpServerTest, KeyProvForTheRequesterIssuesOnDemand) {
  // Bob has no stored key set; the partner KMS issues one for the current period.
  const KmsResponse r = ParseOk(Post("/keymanagement/identity/v1/keyprov",
                                     RequestBody("sip:bob@fire.example", kPartner, "http://x/keyprov")));
  ASSERT_EQ(r.key_sets.size(), 1u);
  const KmsKeySet& k = r.key_sets[0];
  EXPECT_EQ(k.user_uri, "sip:bob@fire.example");
  EXPECT_EQ(k.kms_uri, kPartner);
  EXPECT_EQ(k.key_period_no, kPeriodNo);
  EXPECT_EQ(k, **store_->KeySet(kPartner, "sip:bob@fire.example", kPeriodNo));
  // A GMS server URI with a '/' travels percent-encoded in one path segment.
  const KmsResponse gms =
      ParseOk(Post(std::string("/") + kPrimary + "/keymanagement/identity/v1/keyprov/https%3A%2F%2Fgms.police.example%2Fg"));
  ASSERT_EQ(gms.key_sets.size(), 1u);
  EXPECT_EQ(gms.key_sets[0].user_uri, "https://gms.police.example/g");
}

TEST_F(KmsHttpServerTest, MalformedRequestsGetAReasonAndTheServerKeepsServing) {
  struct Case {
    std::string method, path, body;
    int status;
    std::string reason;
  };
  const std::string init = "/keymanagement/identity/v1/init";
  const std::vector<Case> cases = {
      {"GET", init, "", 405, "HTTP POST"},
      {"POST", "/", "", 404, "no KMS resource"},
      {"POST", "/keymanagement/identity/v1/frobnicate", "", 404, "unknown KMS resource"},
      {"POST", init, "", 400, "which KMS?"},
      {"POST", init, "<KmsRequest", 400, "KmsRequest: malformed XML"},
      {"POST", init, "<KmsRequest xmlns=\"urn:wrong\"/>", 400, "namespace 'urn:wrong'"},
      {"POST", init, RequestBody(kAlice, kPrimary, "u"), 200, ""},
      {"POST", std::string("/") + kPartner + init, RequestBody(kAlice, kPrimary, "u"), 400, "is not the KMS addressed"},
      {"POST", "/kms.nowhere.example" + init, "", 404, "no KMS 'kms.nowhere.example'"},
      {"POST", "/a/b/keymanagement/identity/v1/init", "", 400, "at most one path segment"},
      {"POST", std::string("/") + kPrimary + "/keymanagement/identity/v1/keyprov", "", 400, "keyprov needs an identity"},
      {"POST", std::string("/") + kPrimary + "/keymanagement/identity/v1/keyprov/sip%3Aa%40b/NOTHEX0000000000", "",
       400, "non-hex"},
      {"POST", std::string("/") + kPrimary + "/keymanagement/identity/v1/keyprov/sip%ZZa", "", 400,
       "bad percent-escape"},
      {"POST", std::string("/") + kPrimary + "/keymanagement/identity/v1/keyprov/sip%0Aa", "", 400,
       "control character"},
      {"POST", std::string("/") + kPrimary + "/keymanagement/identity/v1/certcache/x1", "", 400, "decimal digits"},
      {"POST", init, std::string(kMaxRequestBody + 10, ' '), 413, "request body too large"},
  };
  for (const Case& c : cases) {
    httplib::Result res = c.method == "GET" ? client_->Get(c.path.c_str())
                                            : client_->Post(c.path.c_str(), c.body, "application/xml");
    ASSERT_TRUE(res) << c.method << " " << c.path << ": no response";
    EXPECT_EQ(res->status, c.status) << c.path << ": " << res->body;
    if (!c.reason.empty()) {
      EXPECT_NE(res->body.find(c.reason), std::string::npos) << c.path << ": " << res->body;
    }
  }
  // Still serving.
  const KmsResponse r = ParseOk(Post(std::string("/") + kPrimary + init));
  EXPECT_EQ(r.kms_uri, kPrimary);
  std::lock_guard lock(log_mu_);
  EXPECT_GE(log_.size(), cases.size());
}

// Sends raw octets and returns the response (headers and body), waiting at
// most 10 s.
std::string RawExchange(int port, const std::string& request) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  EXPECT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  EXPECT_EQ(send(fd, request.data(), request.size(), 0), static_cast<ssize_t>(request.size()));
  timeval timeout{10, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  std::string response;
  char buffer[4096];
  for (ssize_t n; (n = recv(fd, buffer, sizeof(buffer), 0)) > 0;) {
    response.append(buffer, static_cast<size_t>(n));
    // Done once the headers and the Content-Length octets of body are in.
    const size_t header_end = response.find("\r\n\r\n");
    const size_t length_at = response.find("Content-Length: ");
    if (header_end != std::string::npos && length_at != std::string::npos && length_at < header_end) {
      const size_t length = std::stoul(response.substr(length_at + 16));
      if (response.size() >= header_end + 4 + length) break;
    }
  }
  close(fd);
  return response;
}

TEST_F(KmsHttpServerTest, BrokenHttpIsRefusedAndTheServerKeepsServing) {
  const std::string garbage = RawExchange(server_->port(), "HELLO KMS\r\nConnection: close\r\n\r\n");
  EXPECT_NE(garbage.find(" 400 "), std::string::npos) << garbage;
  const std::string no_host = RawExchange(
      server_->port(), "POST /kms.police.example/keymanagement/identity/v1/init HTTP/1.1\r\nContent-Length: 0\r\n"
                       "Connection: close\r\n\r\n");
  EXPECT_NE(no_host.find(" 421 "), std::string::npos) << no_host;
  EXPECT_NE(no_host.find("no Host header"), std::string::npos) << no_host;
  const KmsResponse r = ParseOk(Post("/kms.police.example/keymanagement/identity/v1/init"));
  EXPECT_EQ(r.kms_uri, kPrimary);
}

// Through the socket: a rebinding page's Host is refused, and the log line
// of a target full of terminal controls is escaped.
TEST_F(KmsHttpServerTest, ForeignHostIsRefusedAndTheLogIsEscaped) {
  const std::string rebound = RawExchange(
      server_->port(), "POST /kms.police.example/keymanagement/identity/v1/keyprov/sip%3Aalice%40police.example "
                       "HTTP/1.1\r\nHost: evil.example\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
  EXPECT_NE(rebound.find(" 421 "), std::string::npos) << rebound;
  EXPECT_EQ(rebound.find("KmsKeySet"), std::string::npos) << rebound;
  const std::string hostile = RawExchange(
      server_->port(), "POST /\x1b]2;owned\x07\x1b[2J/keymanagement HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                       "Content-Length: 0\r\nConnection: close\r\n\r\n");
  EXPECT_NE(hostile.find("HTTP/1.1 "), std::string::npos) << hostile;
  std::lock_guard lock(log_mu_);
  ASSERT_FALSE(log_.empty());
  bool escaped = false;
  for (const std::string& line : log_) {
    for (char c : line) EXPECT_TRUE(c >= 0x20 && c < 0x7f) << line;
    escaped = escaped || line.find("\\x1b]2;owned\\x07\\x1b[2J") != std::string::npos;
  }
  EXPECT_TRUE(escaped);
}

// Connects to the server on loopback.
int Connect(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd >= 0 && connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

// Sixteen clients trickle header lines (one every 200 ms, for up to 10 s):
// the others are still answered at once, and each slow one is cut at the
// request deadline instead of holding its connection for as long as it likes.
TEST(KmsHttpServerLimitsTest, SlowClientsBlockNobodyAndAreCutAtTheDeadline) {
  auto store = TwoDomainStore();
  KmsServerOptions options;
  options.clock = [] { return kNow; };
  options.limits.threads = 2;
  options.limits.request_deadline = std::chrono::milliseconds(1500);
  auto server = KmsHttpServer::Start(store, options);
  ASSERT_TRUE(server.ok()) << server.error().ToString();
  const int port = (*server)->port();

  constexpr int kSlowClients = 16;
  std::atomic<int> connected{0}, cut{0};
  std::vector<std::thread> slow;
  for (int i = 0; i < kSlowClients; ++i) {
    slow.emplace_back([port, &connected, &cut] {
      const int fd = Connect(port);
      if (fd < 0) return;
      const std::string start = "POST /keymanagement/identity/v1/init HTTP/1.1\r\nHost: 127.0.0.1\r\n";
      send(fd, start.data(), start.size(), MSG_NOSIGNAL);
      ++connected;
      for (int line = 0; line < 50; ++line) {
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        char octet;
        const ssize_t n = recv(fd, &octet, 1, MSG_DONTWAIT);
        const bool closed = n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
        if (closed || send(fd, "X-Slow: 1\r\n", 11, MSG_NOSIGNAL) < 0) {
          ++cut;
          break;
        }
      }
      close(fd);
    });
  }
  for (int i = 0; i < 100 && connected < kSlowClients; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  httplib::Client client("127.0.0.1", port);
  client.set_connection_timeout(5, 0);
  client.set_read_timeout(5, 0);
  for (int i = 0; i < 3; ++i) {
    auto res = client.Post("/kms.police.example/keymanagement/identity/v1/init", "", "application/xml");
    ASSERT_TRUE(res) << "request " << i << " got no answer while slow clients were connected";
    EXPECT_EQ(res->status, 200) << res->body;
  }
  for (std::thread& t : slow) t.join();
  EXPECT_EQ(connected.load(), kSlowClients);
  EXPECT_EQ(cut.load(), kSlowClients);
}

TEST_F(KmsHttpServerTest, StopsAndReleasesThePort) {
  const int port = server_->port();
  server_->Stop();
  server_->Stop();  // idempotent
  httplib::Client after("127.0.0.1", port);
  after.set_connection_timeout(1, 0);
  EXPECT_FALSE(after.Post("/keymanagement/identity/v1/init", "", "application/xml"));
}

TEST(KmsHttpServerStartTest, RejectsBadOptionsAndBusyPorts) {
  auto store = std::make_shared<KeyStore>(KeyStore::InMemory());
  KmsServerOptions bad_port;
  bad_port.port = 70000;
  EXPECT_FALSE(KmsHttpServer::Start(store, bad_port).ok());
  EXPECT_FALSE(KmsHttpServer::Start(nullptr, KmsServerOptions()).ok());
  auto first = KmsHttpServer::Start(store, KmsServerOptions());
  ASSERT_TRUE(first.ok());
  KmsServerOptions same;
  same.port = (*first)->port();
  auto second = KmsHttpServer::Start(store, same);
  EXPECT_FALSE(second.ok());
}

TEST(KmsHttpHandlerTest, SingleDomainStoreNeedsNoKmsNameAndHostHeaderSelects) {
  KeyStore store = KeyStore::InMemory();
  DomainConfig config;
  config.kms_uri = kPrimary;
  config.seed = 1;
  ASSERT_TRUE(store.CreateDomain(config).ok());
  KmsServerOptions options;
  options.clock = [] { return kNow; };
  KmsHttpResponse r = HandleKmsRequest(store, options, {"POST", "/keymanagement/identity/v1/init", "127.0.0.1", ""});
  EXPECT_EQ(r.status, 200) << r.body;
  config.kms_uri = kPartner;
  ASSERT_TRUE(store.CreateDomain(config).ok());
  r = HandleKmsRequest(store, options, {"POST", "/keymanagement/identity/v1/init", "127.0.0.1", ""});
  EXPECT_EQ(r.status, 400);
  r = HandleKmsRequest(store, options, {"POST", "/keymanagement/identity/v1/init", std::string(kPartner) + ":8080", ""});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(ParseKmsResponse(r.body)->kms_uri, kPartner);
  options.default_kms = kPrimary;
  r = HandleKmsRequest(store, options, {"POST", "/keymanagement/identity/v1/init", "127.0.0.1", ""});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(ParseKmsResponse(r.body)->kms_uri, kPrimary);
  // Before the key period offset there is no key period.
  KmsServerOptions early;
  early.clock = [] { return uint64_t{0}; };
  DomainConfig offset;
  offset.kms_uri = "kms.late.example";
  offset.user_key_offset = 1000;
  offset.seed = 2;
  ASSERT_TRUE(store.CreateDomain(offset).ok());
  r = HandleKmsRequest(store, early, {"POST", "/kms.late.example/keymanagement/identity/v1/keyprov/sip%3Ax%40y", "127.0.0.1", ""});
  EXPECT_EQ(r.status, 400) << r.body;
}

// DNS rebinding: a page served from evil.example whose name now resolves to
// 127.0.0.1 sends Host: evil.example. Only this server's own names pass.
TEST(KmsHttpHandlerTest, HostMustNameThisServer) {
  KeyStore store = KeyStore::InMemory();
  DomainConfig config;
  config.kms_uri = kPrimary;
  config.seed = 1;
  ASSERT_TRUE(store.CreateDomain(config).ok());
  KmsServerOptions options;
  options.clock = [] { return kNow; };
  const std::string init = "/keymanagement/identity/v1/init";
  for (const char* host : {"evil.example", "evil.example:8080", "kms.police.example.evil.example", "0.0.0.0", ""}) {
    KmsHttpResponse r = HandleKmsRequest(store, options, {"POST", init, host, ""});
    EXPECT_EQ(r.status, 421) << host << ": " << r.body;
    EXPECT_NE(r.body.find("misdirected request"), std::string::npos) << r.body;
    EXPECT_EQ(r.body.find("KmsCertificate"), std::string::npos);
  }
  for (const char* host : {"127.0.0.1", "127.0.0.1:8080", "localhost:80", "[::1]:8080", "KMS.Police.Example",
                           "kms.police.example:443"}) {
    KmsHttpResponse r = HandleKmsRequest(store, options, {"POST", init, host, ""});
    EXPECT_EQ(r.status, 200) << host << ": " << r.body;
  }
  options.host = "192.0.2.7";  // a --allow-remote listen address
  EXPECT_EQ(HandleKmsRequest(store, options, {"POST", init, "192.0.2.7:8080", ""}).status, 200);
}

TEST(KmsHttpHandlerTest, BearerTokenWhenSet) {
  KeyStore store = KeyStore::InMemory();
  DomainConfig config;
  config.kms_uri = kPrimary;
  config.seed = 1;
  ASSERT_TRUE(store.CreateDomain(config).ok());
  KmsServerOptions options;
  options.clock = [] { return kNow; };
  options.bearer_token = "0123456789abcdef";
  const std::string init = "/keymanagement/identity/v1/init";
  KmsHttpResponse r = HandleKmsRequest(store, options, {"POST", init, "127.0.0.1", "", ""});
  EXPECT_EQ(r.status, 401) << r.body;
  r = HandleKmsRequest(store, options, {"POST", init, "127.0.0.1", "", "Bearer 0123456789abcdeX"});
  EXPECT_EQ(r.status, 403) << r.body;
  r = HandleKmsRequest(store, options, {"POST", init, "127.0.0.1", "", "Basic 0123456789abcdef"});
  EXPECT_EQ(r.status, 403) << r.body;
  r = HandleKmsRequest(store, options, {"POST", init, "127.0.0.1", "", "Bearer 0123456789abcdef"});
  EXPECT_EQ(r.status, 200) << r.body;
  // The Host check comes first: a right token from a rebinding page is still refused.
  r = HandleKmsRequest(store, options, {"POST", init, "evil.example", "", "Bearer 0123456789abcdef"});
  EXPECT_EQ(r.status, 421) << r.body;
}

TEST(KmsLogLineTest, EscapesControlOctets) {
  EXPECT_EQ(KmsLogLine("POST", "/a\x1b[2J\a\r\n\\b\x7f\xc3\xa9", 404),
            "POST /a\\x1b[2J\\x07\\x0d\\x0a\\x5cb\\x7f\\xc3\\xa9 -> 404");
  EXPECT_EQ(KmsLogLine("GE\x1bT", "/", 405), "GE\\x1bT / -> 405");
}

TEST(LoopbackTest, RecognisesLoopbackHosts) {
  for (const char* h : {"127.0.0.1", "127.1.2.3", "localhost", "::1", "[::1]"}) EXPECT_TRUE(IsLoopbackHost(h)) << h;
  for (const char* h : {"0.0.0.0", "10.0.0.1", "127.0.0.1.evil", "::", "example.org", ""}) {
    EXPECT_FALSE(IsLoopbackHost(h)) << h;
  }
}

}  // namespace
}  // namespace mcx::kms
