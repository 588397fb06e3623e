// `mcxtest kms ...`: the KMS simulator (key stores, Annex D XML, HTTP endpoint).
#include <signal.h>
#include <sys/stat.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "crypto/secret.h"
#include "harness/cli/cli_util.h"
#include "harness/cli/command.h"
#include "kms/annex_d.h"
#include "kms/atomic_file.h"
#include "kms/http_server.h"
#include "kms/key_store.h"
#include "kms/ntp_time.h"
#include "kms/request_target.h"

namespace mcx::cli {
namespace {

using kms::KeyStore;

// A --store that does not exist is an input error (exit 2, the OS's
// reason); one that exists but is not a valid store is judged invalid
// (exit 1). The key store reports both as kIo, so the path decides.
int StoreFailure(CommandContext& ctx, const std::string& store, const Error& error) {
  std::error_code ec;
  if (!std::filesystem::exists(store, ec)) return InputError(ctx, error.message());
  return Reject(ctx, error.ToString());
}

// Writes `content` to `path`, or to stdout when `path` is empty. Never in
// place: a new file (mode 0600 when it holds secrets, from its creation on)
// replaces `path`, so a symlink or hard link planted there is not written
// through and a reader never sees half a file.
int Emit(CommandContext& ctx, const std::string& path, const std::string& content, bool secret) {
  if (path.empty()) {
    *ctx.out << content;
    return kExitOk;
  }
  if (Status s = kms::WriteFileAtomically(path, content, secret ? 0600 : 0644); !s.ok()) {
    return InputError(ctx, "cannot write " + s.error().message());
  }
  return kExitOk;
}

// The client request URL a real client would have used for a resource.
std::string ClientReqUrl(const std::string& kms_uri, const std::string& resource) {
  const bool has_scheme = kms_uri.find("://") != std::string::npos;
  return (has_scheme ? kms_uri : "https://" + kms_uri) + kms::kKmsResourceRoot + "/" + resource;
}

struct InitFlags {
  std::string uri, store, key_period = std::to_string(kms::kDefaultUserKeyPeriod), offset = "0", seed;
};

int RunInit(CommandContext& ctx, const InitFlags& f) {
  FlagParser in;
  kms::DomainConfig config;
  config.kms_uri = f.uri;
  config.user_key_period = in.Decimal("--key-period", f.key_period);
  config.user_key_offset = in.Decimal("--offset", f.offset);
  if (!f.seed.empty()) config.seed = in.Decimal("--seed", f.seed);
  if (in.ok() && config.user_key_period == 0) in.Fail("--key-period must be at least 1 second");
  if (!in.ok()) return UsageError(ctx, in.error());
  auto store = KeyStore::OpenOrCreate(f.store);
  if (!store.ok()) return StoreFailure(ctx, f.store, store.error());
  if (Status s = store->CreateDomain(config); !s.ok()) return Reject(ctx, s.error().ToString());
  auto kms = store->Kms(config.kms_uri);
  *ctx.out << "KMS " << config.kms_uri << " created in " << f.store << " (key period " << config.user_key_period
           << " s, offset " << config.user_key_offset << " s, "
           << (config.seed ? "seed " + std::to_string(*config.seed) : std::string("random secrets")) << ")\n"
           << "KPAK " << ToHex(kms->kpak) << "\n";
  return kExitOk;
}

struct ProvisionFlags {
  std::string store, kms, identity, key_period_no, at, out;
};

int RunProvision(CommandContext& ctx, const ProvisionFlags& f) {
  if (!f.key_period_no.empty() && !f.at.empty()) {
    return UsageError(ctx, "give --key-period-no or --at, not both");
  }
  FlagParser in;
  std::optional<uint64_t> period_no;
  if (!f.key_period_no.empty()) period_no = in.Decimal("--key-period-no", f.key_period_no);
  uint64_t when = kms::NtpSecondsNow();
  if (!f.at.empty()) {
    auto parsed = kms::NtpSecondsFromIso8601(f.at);
    if (!parsed.ok()) in.Fail("--at: " + parsed.error().message());
    else when = *parsed;
  }
  if (!in.ok()) return UsageError(ctx, in.error());
  auto store = KeyStore::Load(f.store);
  if (!store.ok()) return StoreFailure(ctx, f.store, store.error());
  if (!period_no) {
    auto computed = store->KeyPeriodNo(f.kms, when);
    if (!computed.ok()) return Reject(ctx, computed.error().ToString());
    period_no = *computed;
  }
  auto key_set = store->Provision(f.kms, f.identity, *period_no);
  if (!key_set.ok()) return Reject(ctx, key_set.error().ToString());

  kms::KmsResponse response;
  response.user_uri = f.identity;
  response.kms_uri = f.kms;
  response.time = kms::Iso8601FromNtpSeconds(kms::NtpSecondsNow());
  auto params = store->Kms(f.kms);
  if (!params.ok()) return Reject(ctx, params.error().ToString());
  const uint64_t period_start = params->user_key_offset + *period_no * params->user_key_period;
  response.client_req_url = ClientReqUrl(
      f.kms, "keyprov/" + kms::PercentEncodeSegment(f.identity) + "/" + kms::NtpTimestampHex(f.at.empty() ? period_start : when));
  response.type = kms::KmsMessageType::kKeyProv;
  response.key_sets.push_back(std::move(key_set).value());
  std::string xml = kms::WriteKmsResponse(response);
  const int code = Emit(ctx, f.out, xml, /*secret=*/true);
  SecureZero(xml.data(), xml.size());
  return code;
}

struct CertCacheFlags {
  std::string store, for_kms, identity, out;
};

int RunCertCache(CommandContext& ctx, const CertCacheFlags& f) {
  auto store = KeyStore::Load(f.store);
  if (!store.ok()) return StoreFailure(ctx, f.store, store.error());
  auto certificates = store->TrustedExternalCertificates(f.for_kms);
  if (!certificates.ok()) return Reject(ctx, certificates.error().ToString());
  kms::KmsResponse response;
  response.user_uri = f.identity.empty() ? std::string(kms::kAnonymousUri) : f.identity;
  response.kms_uri = f.for_kms;
  response.time = kms::Iso8601FromNtpSeconds(kms::NtpSecondsNow());
  response.client_req_url = ClientReqUrl(f.for_kms, "certcache");
  response.type = kms::KmsMessageType::kCertCache;
  response.certificates = std::move(certificates).value();
  return Emit(ctx, f.out, kms::WriteKmsResponse(response), /*secret=*/false);
}

struct ExportFlags {
  std::string store, out;
  bool json = false, include_secrets = false;
};

int RunExport(CommandContext& ctx, const ExportFlags& f) {
  if (!f.json) return UsageError(ctx, "kms export: --json is required (JSON is the only export format)");
  auto store = KeyStore::Load(f.store);
  if (!store.ok()) return StoreFailure(ctx, f.store, store.error());
  std::string json = store->ExportJson(f.include_secrets);
  const int code = Emit(ctx, f.out, json, f.include_secrets);
  SecureZero(json.data(), json.size());
  return code;
}

struct ServeFlags {
  std::string store, listen = "127.0.0.1:8080", kms, duration = "0", token_file;
  bool allow_remote = false;
};

std::atomic<bool> g_stop_requested{false};
extern "C" void OnStopSignal(int) { g_stop_requested = true; }

int RunServe(CommandContext& ctx, const ServeFlags& f) {
  FlagParser in;
  const uint64_t duration = in.Decimal("--duration", f.duration);
  // HOST:PORT, with IPv6 hosts in brackets.
  std::string host;
  std::string port_text;
  const size_t colon = f.listen.rfind(':');
  if (colon == std::string::npos || colon + 1 == f.listen.size()) {
    in.Fail("--listen must be HOST:PORT, e.g. 127.0.0.1:8080");
  } else {
    host = f.listen.substr(0, colon);
    port_text = f.listen.substr(colon + 1);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  }
  const uint64_t port = in.ok() ? in.Decimal("--listen port", port_text, 65535) : 0;
  if (!in.ok()) return UsageError(ctx, in.error());
  if (!kms::IsLoopbackHost(host) && !f.allow_remote) {
    return UsageError(ctx, "--listen " + f.listen +
                               " is not a loopback address; the simulator hands out private keys, "
                               "add --allow-remote to serve beyond this machine");
  }
  auto loaded = KeyStore::Load(f.store);
  if (!loaded.ok()) return StoreFailure(ctx, f.store, loaded.error());
  auto store = std::make_shared<KeyStore>(std::move(loaded).value());
  if (!f.kms.empty() && !store->HasDomain(f.kms)) return Reject(ctx, "no KMS domain '" + f.kms + "' in " + f.store);

  kms::KmsServerOptions options;
  if (!f.token_file.empty()) {
    // One line; surrounding white space (an editor's newline) is not part of it.
    auto token = kms::ReadFileNoFollow(f.token_file, 4096);
    if (!token.ok()) return UsageError(ctx, "--token: " + token.error().message());
    const size_t begin = token->find_first_not_of(" \t\r\n");
    const size_t end = token->find_last_not_of(" \t\r\n");
    if (begin == std::string::npos) return UsageError(ctx, "--token: " + f.token_file + " is empty");
    options.bearer_token = token->substr(begin, end - begin + 1);
    SecureZero(token->data(), token->size());
    if (options.bearer_token->find_first_of(" \t\r\n") != std::string::npos) {
      return UsageError(ctx, "--token: the token must be one word");
    }
  }
  options.host = host;
  options.port = static_cast<int>(port);
  if (!f.kms.empty()) options.default_kms = f.kms;
  std::ostream* err = ctx.err;
  auto log_mu = std::make_shared<std::mutex>();
  options.log = [err, log_mu](const std::string& line) {
    std::lock_guard lock(*log_mu);
    *err << line << "\n";
  };
  auto server = kms::KmsHttpServer::Start(store, options);
  if (!server.ok()) return Reject(ctx, server.error().ToString());

  std::string domains;
  for (const std::string& uri : store->KmsUris()) domains += (domains.empty() ? "" : ", ") + uri;
  *ctx.out << "KMS simulator listening on " << (*server)->BaseUrl() << kms::kKmsResourceRoot << " (KMS domains: "
           << (domains.empty() ? "none" : domains) << ")" << std::endl;

  g_stop_requested = false;
  struct sigaction action {}, old_int {}, old_term {};
  action.sa_handler = OnStopSignal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, &old_int);
  sigaction(SIGTERM, &action, &old_term);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(duration);
  while (!g_stop_requested && (duration == 0 || std::chrono::steady_clock::now() < deadline)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  (*server)->Stop();
  sigaction(SIGINT, &old_int, nullptr);
  sigaction(SIGTERM, &old_term, nullptr);
  *ctx.out << "KMS simulator stopped" << std::endl;
  return kExitOk;
}

}  // namespace

void AddKmsCommands(CLI::App& app, CommandContext& ctx) {
  CLI::App* kms = AddGroup(app, ctx, "kms", "KMS simulator: key stores, Annex D XML, HTTP endpoint");

  auto init = std::make_shared<InitFlags>();
  CLI::App* init_cmd = kms->add_subcommand("init", "Create a KMS security domain in a key store (created if needed)");
  init_cmd->add_option("--uri", init->uri, "KMS URI, e.g. kms.police.example")->required();
  init_cmd->add_option("--store", init->store, "Key store directory")->required();
  init_cmd->add_option("--key-period", init->key_period, "User key period in seconds (default 2592000)");
  init_cmd->add_option("--offset", init->offset, "User key period offset in seconds (default 0)");
  init_cmd->add_option("--seed", init->seed, "Derive every secret from this number (reproducible stores)");
  SetAction(init_cmd, ctx, [&ctx, init] { return RunInit(ctx, *init); });

  auto prov = std::make_shared<ProvisionFlags>();
  CLI::App* prov_cmd = kms->add_subcommand("provision", "Issue (or fetch) an identity's key set; print the KmsResponse");
  prov_cmd->add_option("--store", prov->store, "Key store directory")->required();
  prov_cmd->add_option("--kms", prov->kms, "KMS URI of the identity's domain")->required();
  prov_cmd->add_option("--identity", prov->identity, "MC service ID or GMS server URI")->required();
  prov_cmd->add_option("--key-period-no", prov->key_period_no, "Key period number");
  prov_cmd->add_option("--at", prov->at, "Time whose key period to use (ISO 8601; default now)");
  prov_cmd->add_option("--out", prov->out, "Write the KmsResponse here (mode 0600) instead of stdout");
  SetAction(prov_cmd, ctx, [&ctx, prov] { return RunProvision(ctx, *prov); });

  auto cache = std::make_shared<CertCacheFlags>();
  CLI::App* cache_cmd = kms->add_subcommand("certcache", "Print the KmsCertCache response of a KMS (its External KMSs)");
  cache_cmd->add_option("--store", cache->store, "Key store directory or JSON export")->required();
  cache_cmd->add_option("--for", cache->for_kms, "KMS URI answering the request")->required();
  cache_cmd->add_option("--identity", cache->identity, "Requesting user (UserUri; default anonymous)");
  cache_cmd->add_option("--out", cache->out, "Write the KmsResponse here instead of stdout");
  SetAction(cache_cmd, ctx, [&ctx, cache] { return RunCertCache(ctx, *cache); });

  auto show_store = std::make_shared<std::string>();
  CLI::App* show_cmd = kms->add_subcommand("show", "Summarise a key store");
  show_cmd->add_option("--store", *show_store, "Key store directory or JSON export")->required();
  SetAction(show_cmd, ctx, [&ctx, show_store] {
    auto store = KeyStore::Load(*show_store);
    if (!store.ok()) return StoreFailure(ctx, *show_store, store.error());
    *ctx.out << store->Describe();
    return kExitOk;
  });

  auto exp = std::make_shared<ExportFlags>();
  CLI::App* exp_cmd = kms->add_subcommand("export", "Write a key store as one JSON file (docs/keystore.md)");
  exp_cmd->add_option("--store", exp->store, "Key store directory")->required();
  exp_cmd->add_flag("--json", exp->json, "JSON output (required; the only format)");
  exp_cmd->add_flag("--include-secrets", exp->include_secrets, "Include KSAK, z, SSK and RSK");
  exp_cmd->add_option("--out", exp->out, "Write here instead of stdout (mode 0600 with secrets)");
  SetAction(exp_cmd, ctx, [&ctx, exp] { return RunExport(ctx, *exp); });

  auto serve = std::make_shared<ServeFlags>();
  CLI::App* serve_cmd = kms->add_subcommand("serve", "Answer Annex D init/keyprov/certcache requests over HTTP");
  serve_cmd->add_option("--store", serve->store, "Key store directory or JSON export")->required();
  serve_cmd->add_option("--listen", serve->listen, "HOST:PORT (default 127.0.0.1:8080; port 0 picks one)");
  serve_cmd->add_option("--kms", serve->kms, "KMS answering requests that name none");
  serve_cmd->add_flag("--allow-remote", serve->allow_remote, "Allow a non-loopback --listen address");
  serve_cmd->add_option("--token", serve->token_file,
                        "Require Authorization: Bearer <the token in this file> on every request");
  serve_cmd->add_option("--duration", serve->duration, "Stop after this many seconds (default: until SIGINT/SIGTERM)");
  SetAction(serve_cmd, ctx, [&ctx, serve] { return RunServe(ctx, *serve); });
}

}  // namespace mcx::cli
