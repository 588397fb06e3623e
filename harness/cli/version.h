#ifndef MCXTEST_HARNESS_CLI_VERSION_H_
#define MCXTEST_HARNESS_CLI_VERSION_H_

namespace mcx {
inline constexpr char kMcxtestVersion[] = "0.1.0";
}  // namespace mcx

#endif  // MCXTEST_HARNESS_CLI_VERSION_H_
