// The bundled reference SUT: a shim (docs/shim-protocol.md) that plays every
// role correctly with mcxtest's reference implementation. `./mcxtest run`
// tests it by default; `--defect NAME` turns it into a realistic broken
// implementation for the mutation test (`--list-defects` names them all).
#include <cstdlib>
#include <iostream>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "harness/cli/version.h"
#include "harness/reference/reference.h"
#include "harness/shim/dispatch.h"

namespace {

using namespace mcx;

// The reference implementation behind the shim protocol: provisioning
// replaces its key store and restarts it.
class ReferenceShim : public shim::RequestHandler {
 public:
  ReferenceShim(std::set<std::string> defects, std::optional<uint64_t> seed)
      : defects_(std::move(defects)), seed_(seed) {}

  bool provisioned() const override { return impl_ != nullptr; }

  Result<shim::HelloAnswer> HandleHello(const shim::HelloRequest& request) override {
    if (!seed_ && request.seed) seed_ = request.seed;
    std::string name = defects_.empty() ? "mcxtest-reference" : "mcxtest-reference+" + *defects_.begin();
    return shim::HelloAnswer{name, kMcxtestVersion, {"primary-gms", "partner-gms", "ue"}};
  }

  Result<shim::ProvisionAnswer> HandleProvision(const shim::ProvisionRequest& request) override {
    auto built = reference::StoreFromProvisioning(request.identities);
    if (!built.ok()) return built.error().WithContext("provisioning rejected");
    impl_.reset();
    store_.emplace(std::move(built).value());
    impl_ = std::make_unique<reference::ReferenceImplementation>(*store_, defects_, seed_);
    return shim::ProvisionAnswer{};
  }

  Result<std::vector<shim::SentGktp>> HandleRegroupRequest(const shim::RegroupRequest& request) override {
    return impl_->HandleRegroupRequest(request);
  }

  Result<shim::PartnerAnswer> HandleRegroupNotification(const shim::RegroupNotification& notification) override {
    return impl_->HandleRegroupNotification(notification);
  }

  Result<shim::DeliverAnswer> HandleDeliverGktp(const shim::DeliverRequest& request) override {
    return impl_->HandleDeliver(request);
  }

 private:
  const std::set<std::string> defects_;
  std::optional<uint64_t> seed_;
  std::optional<kms::KeyStore> store_;
  std::unique_ptr<reference::ReferenceImplementation> impl_;
};

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
  ReferenceShim shim(std::move(defects), seed);
  shim::Serve(std::cin, std::cout, std::cerr, shim);
  return 0;
}
