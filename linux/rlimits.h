// The resource limits a new process starts with, as Linux gives a login shell's child: the guest's
// own, read and set by getrlimit/setrlimit/prlimit64; nothing here is the host's.
#pragma once

#include <sys/resource.h>

#include <vector>

namespace gostart::linux {

std::vector<rlimit> default_rlimits();

// Linux's fs.nr_open: no RLIMIT_NOFILE may be set above it.
inline constexpr rlim_t kNrOpen = 1048576;

}  // namespace gostart::linux
