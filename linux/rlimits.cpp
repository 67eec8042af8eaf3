#include "linux/rlimits.h"

#include "linux/exec.h"

#include <iterator>

namespace gostart::linux {

std::vector<rlimit> default_rlimits() {
    static constexpr rlimit kDefaults[RLIM_NLIMITS] = {
        {RLIM_INFINITY, RLIM_INFINITY},  // CPU
        {RLIM_INFINITY, RLIM_INFINITY},  // FSIZE
        {RLIM_INFINITY, RLIM_INFINITY},  // DATA
        {kStackReserve, RLIM_INFINITY},  // STACK: what exec reserved; glibc sizes pthread stacks from it
        {0, RLIM_INFINITY},              // CORE
        {RLIM_INFINITY, RLIM_INFINITY},  // RSS
        {63704, 63704},                  // NPROC
        {1024, 524288},                  // NOFILE: enforced (FdTable)
        {8 << 20, 8 << 20},              // MEMLOCK
        {RLIM_INFINITY, RLIM_INFINITY},  // AS
        {RLIM_INFINITY, RLIM_INFINITY},  // LOCKS
        {63704, 63704},                  // SIGPENDING
        {819200, 819200},                // MSGQUEUE
        {0, 0},                          // NICE
        {0, 0},                          // RTPRIO
        {RLIM_INFINITY, RLIM_INFINITY},  // RTTIME
    };
    return {std::begin(kDefaults), std::end(kDefaults)};
}

}  // namespace gostart::linux
