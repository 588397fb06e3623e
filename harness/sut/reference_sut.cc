// The bundled reference SUT: a shim (docs/shim-protocol.md) that plays every
// role correctly with mcxtest's reference implementation. `./mcxtest run`
// tests it by default; `--defect NAME` turns it into a realistic broken
// implementation for the mutation test (`--list-defects` names them all).
#include <cstdio>
#include <cstring>
#include <iostream>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "harness/cli/version.h"
#include "harness/reference/reference.h"
#include "harness/shim/messages.h"

namespace {

using nlohmann::json;
using namespace mcx;

void Answer(const json& request, json answer) {
  answer["id"] = request.contains("id") ? request["id"] : json(nullptr);
  std::cout << answer.dump() << "\n" << std::flush;
}

void AnswerError(const json& request, const std::string& error) { Answer(request, {{"error", error}}); }

int Usage() {
  std::cerr << "usage: reference_sut [--defect NAME]... [--seed N] [--list-defects]\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::set<std::string> defects;
  std::optional<uint64_t> seed;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--list-defects") {
      for (const auto& d : reference::Defects()) {
        std::cout << d.name << "\t" << d.role << "\t" << d.description << "\n";
      }
      return 0;
    }
    if (arg == "--defect" && i + 1 < argc) {
      std::string name = argv[++i];
      if (!reference::FindDefect(name)) {
        std::cerr << "reference_sut: unknown defect '" << name << "' (see --list-defects)\n";
        return 2;
      }
      defects.insert(name);
    } else if (arg == "--seed" && i + 1 < argc) {
      seed = std::strtoull(argv[++i], nullptr, 10);
    } else {
      return Usage();
    }
  }

  std::optional<kms::KeyStore> store;
  std::unique_ptr<reference::ReferenceImplementation> impl;
  std::string line;
  while (std::getline(std::cin, line)) {
    if (line.empty()) continue;
    json request = json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (request.is_discarded() || !request.is_object() || !request.contains("type") ||
        !request["type"].is_string()) {
      std::cerr << "reference_sut: ignoring a line that is not a request\n";
      continue;
    }
    std::string type = request["type"].get<std::string>();
    if (type == "shutdown") return 0;
    if (type == "hello") {
      if (!seed && request.contains("seed") && request["seed"].is_number_unsigned()) {
        seed = request["seed"].get<uint64_t>();
      }
      std::string name = defects.empty() ? "mcxtest-reference" : "mcxtest-reference+" + *defects.begin();
      Answer(request, {{"name", name},
                       {"version", kMcxtestVersion},
                       {"protocol", 1},
                       {"roles", {"primary-gms", "partner-gms", "ue"}}});
      continue;
    }
    if (type == "provision") {
      auto ids = shim::ProvisionFromJson(request);
      if (!ids.ok()) {
        AnswerError(request, "bad provision request: " + ids.error().message());
        continue;
      }
      auto built = reference::StoreFromProvisioning(*ids);
      if (!built.ok()) {
        AnswerError(request, "provisioning rejected: " + built.error().ToString());
        continue;
      }
      impl.reset();
      store.emplace(std::move(built).value());
      impl = std::make_unique<reference::ReferenceImplementation>(*store, defects, seed);
      Answer(request, {{"ok", true}});
      continue;
    }
    if (!impl) {
      AnswerError(request, "not provisioned");
      continue;
    }
    if (type == "regroup-request") {
      auto r = shim::RegroupRequestFromJson(request);
      if (!r.ok()) {
        AnswerError(request, "bad regroup-request: " + r.error().message());
        continue;
      }
      auto gktps = impl->HandleRegroupRequest(*r);
      if (!gktps.ok()) {
        AnswerError(request, gktps.error().ToString());
        continue;
      }
      Answer(request, {{"gktps", shim::GktpListJson(*gktps)}});
    } else if (type == "regroup-notification") {
      auto n = shim::RegroupNotificationFromJson(request);
      if (!n.ok()) {
        AnswerError(request, "bad regroup-notification: " + n.error().message());
        continue;
      }
      auto a = impl->HandleRegroupNotification(*n);
      if (!a.ok()) {
        AnswerError(request, a.error().ToString());
        continue;
      }
      Answer(request, shim::ToJson(*a));
    } else if (type == "deliver-gktp") {
      auto d = shim::DeliverRequestFromJson(request);
      if (!d.ok()) {
        AnswerError(request, "bad deliver-gktp: " + d.error().message());
        continue;
      }
      auto a = impl->HandleDeliver(*d);
      if (!a.ok()) {
        AnswerError(request, a.error().ToString());
        continue;
      }
      Answer(request, shim::ToJson(*a));
    } else {
      AnswerError(request, "unimplemented");
    }
  }
  return 0;
}
