#include "harness/sut/descendants.h"

#include <dirent.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <vector>

namespace mcx::sut {
namespace {

// parent pid -> pid of every process, zombies included (they still need
// their reaper).
std::multimap<pid_t, pid_t> ChildrenByParent() {
  std::multimap<pid_t, pid_t> children;
  DIR* proc = opendir("/proc");
  if (proc == nullptr) return children;
  while (dirent* entry = readdir(proc)) {
    char* end = nullptr;
    long pid = std::strtol(entry->d_name, &end, 10);
    if (pid <= 0 || *end != '\0') continue;
    char path[64];
    std::snprintf(path, sizeof path, "/proc/%ld/stat", pid);
    FILE* f = std::fopen(path, "re");
    if (f == nullptr) continue;  // gone meanwhile
    char buf[512];
    size_t n = std::fread(buf, 1, sizeof buf - 1, f);
    std::fclose(f);
    buf[n] = '\0';
    // "pid (comm) state ppid ...": comm may hold anything, even ") ".
    const char* close = std::strrchr(buf, ')');
    char state = 0;
    long ppid = 0;
    if (close == nullptr || std::sscanf(close + 1, " %c %ld", &state, &ppid) != 2) continue;
    children.emplace(static_cast<pid_t>(ppid), static_cast<pid_t>(pid));
  }
  closedir(proc);
  return children;
}

}  // namespace

void BecomeChildSubreaper() {
  static const bool done = [] {
    prctl(PR_SET_CHILD_SUBREAPER, 1);
    return true;
  }();
  (void)done;
}

std::set<pid_t> DescendantsOf(const std::set<pid_t>& roots) {
  std::multimap<pid_t, pid_t> children = ChildrenByParent();
  std::set<pid_t> found;
  std::vector<pid_t> todo(roots.begin(), roots.end());
  while (!todo.empty()) {
    pid_t parent = todo.back();
    todo.pop_back();
    auto [begin, end] = children.equal_range(parent);
    for (auto it = begin; it != end; ++it) {
      if (roots.count(it->second) == 0 && found.insert(it->second).second) todo.push_back(it->second);
    }
  }
  return found;
}

std::set<pid_t> UnknownChildren(const std::set<pid_t>& known) {
  std::multimap<pid_t, pid_t> children = ChildrenByParent();
  std::set<pid_t> out;
  auto [begin, end] = children.equal_range(getpid());
  for (auto it = begin; it != end; ++it) {
    if (known.count(it->second) == 0) out.insert(it->second);
  }
  return out;
}

}  // namespace mcx::sut
