// Arbitrary text a shim wrote, shortened for one line of a report.
#ifndef MCXTEST_HARNESS_SHIM_EXCERPT_H_
#define MCXTEST_HARNESS_SHIM_EXCERPT_H_

#include <cstddef>
#include <string>

namespace mcx::shim {

// Printable ASCII kept, any other octet as "\xNN"; at most `max_chars`
// characters, then "...".
std::string Excerpt(const std::string& text, size_t max_chars = 120);

}  // namespace mcx::shim

#endif  // MCXTEST_HARNESS_SHIM_EXCERPT_H_
