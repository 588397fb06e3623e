// Finding every process a SUT started, also those that left its process
// group or session (setsid, double fork). mcxtest is a child subreaper
// (PR_SET_CHILD_SUBREAPER), so orphans of a SUT become its children rather
// than init's, and can still be found and reaped.
#ifndef MCXTEST_HARNESS_SUT_DESCENDANTS_H_
#define MCXTEST_HARNESS_SUT_DESCENDANTS_H_

#include <sys/types.h>

#include <set>

namespace mcx::sut {

// Makes this process the reaper of its orphaned descendants. Idempotent.
void BecomeChildSubreaper();

// The processes (zombies included) below any of `roots` (not the roots themselves), from
// /proc. Empty when /proc cannot be read.
std::set<pid_t> DescendantsOf(const std::set<pid_t>& roots);

// Children of this process that are not in `known` (orphans reparented here).
std::set<pid_t> UnknownChildren(const std::set<pid_t>& known);

}  // namespace mcx::sut

#endif  // MCXTEST_HARNESS_SUT_DESCENDANTS_H_
