// docgen: prints or rewrites docs/testcases.md and docs/checks.md.
//
//   bazel run //testcases:docgen -- --write       rewrite both in the checkout
//   bazel run //testcases:docgen -- testcases     print docs/testcases.md
//   bazel run //testcases:docgen -- checks        print docs/checks.md
//
// The YAML is read from ROOT/testcases, where ROOT is --root, else the
// workspace `bazel run` was started in, else the current directory.
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>

#include "harness/scenario/scenario.h"
#include "testcases/docgen.h"

namespace {

int Usage() {
  std::cerr << "usage: docgen [--root DIR] (testcases | checks | --write)\n";
  return 2;
}

bool WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) {
    std::cerr << "docgen: cannot write " << path << "\n";
    return false;
  }
  std::cerr << "docgen: wrote " << path << "\n";
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  std::string root;
  if (const char* workspace = std::getenv("BUILD_WORKSPACE_DIRECTORY")) root = workspace;
  std::string what;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--root" && i + 1 < argc) {
      root = argv[++i];
    } else if (what.empty() && (arg == "testcases" || arg == "checks" || arg == "--write")) {
      what = arg;
    } else {
      return Usage();
    }
  }
  if (what.empty()) return Usage();
  if (root.empty()) root = ".";

  std::string testcases_dir = root + "/testcases";
  auto cases = mcx::scenario::LoadScenarios(testcases_dir);
  if (!cases.ok()) {
    std::cerr << "docgen: " << cases.error().ToString() << "\n";
    return 1;
  }
  std::string testcases_doc = mcx::testcases::RenderTestcasesDoc(*cases, testcases_dir);
  std::string checks_doc = mcx::testcases::RenderChecksDoc(*cases);
  if (what == "testcases") {
    std::cout << testcases_doc;
  } else if (what == "checks") {
    std::cout << checks_doc;
  } else {
    bool ok = WriteFile(root + "/docs/testcases.md", testcases_doc);
    ok = WriteFile(root + "/docs/checks.md", checks_doc) && ok;
    if (!ok) return 1;
  }
  return 0;
}
