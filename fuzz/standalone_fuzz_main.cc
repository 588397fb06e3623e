// A stand-in for libFuzzer's main(): runs LLVMFuzzerTestOneInput once per input
// file (directories are walked). It lets every fuzz target build with g++ and run
// as a corpus-replay regression test in `bazel test`, sanitizers included.
#include <sys/stat.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);
extern "C" __attribute__((weak)) int LLVMFuzzerInitialize(int* argc, char*** argv);

namespace {

bool RunOne(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "standalone_fuzz_main: cannot read %s\n", path.c_str());
    return false;
  }
  std::vector<uint8_t> input((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // Copy into an exact-size heap buffer so ASan catches a read one past the end.
  std::vector<uint8_t> exact(input.begin(), input.end());
  LLVMFuzzerTestOneInput(exact.empty() ? nullptr : exact.data(), exact.size());
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (LLVMFuzzerInitialize) LLVMFuzzerInitialize(&argc, &argv);
  bool require_inputs = false;
  int ran = 0;
  int errors = 0;
  // The empty input first, as libFuzzer does.
  LLVMFuzzerTestOneInput(nullptr, 0);
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--require-inputs") == 0) {
      require_inputs = true;
      continue;
    }
    if (argv[i][0] == '-') continue;  // libFuzzer flags such as -runs=N are ignored
    std::error_code ec;
    std::filesystem::path arg(argv[i]);
    if (std::filesystem::is_directory(arg, ec)) {
      for (const auto& entry : std::filesystem::recursive_directory_iterator(arg, ec)) {
        if (!entry.is_regular_file()) continue;
        errors += RunOne(entry.path()) ? 0 : 1;
        ++ran;
      }
    } else {
      errors += RunOne(arg) ? 0 : 1;
      ++ran;
    }
  }
  std::printf("standalone_fuzz_main: executed %d inputs, %d unreadable\n", ran, errors);
  if (require_inputs && ran == 0) {
    std::fprintf(stderr, "standalone_fuzz_main: no corpus inputs were given\n");
    return 1;
  }
  return errors == 0 ? 0 : 1;
}
