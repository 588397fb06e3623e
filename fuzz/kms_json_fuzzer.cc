// The JSON key-store export is read by `mcxtest kms show/serve --store F`
// and by the Wireshark plugin from a file anyone may hand over: the loader
// must accept or reject, never crash, and what it accepts must export and
// load back to the same store.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "kms/key_store.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view json(reinterpret_cast<const char*>(data), size);
  auto store = mcx::kms::KeyStore::LoadJsonExport(json, "fuzz input");
  if (!store.ok()) return 0;
  const std::string exported = store->ExportJson(/*include_secrets=*/true);
  auto again = mcx::kms::KeyStore::LoadJsonExport(exported, "re-export");
  if (!again.ok() || again->ExportJson(/*include_secrets=*/true) != exported) std::abort();
  return 0;
}
