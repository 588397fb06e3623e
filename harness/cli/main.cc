#include <iostream>

#include "harness/cli/command.h"

int main(int argc, char** argv) {
  std::ios::sync_with_stdio(true);
  return mcx::cli::RunCli(argc, argv, std::cout, std::cerr);
}
