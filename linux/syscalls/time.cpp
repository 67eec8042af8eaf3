// Time: every clock reads the process Clock (virtual by default), and sleeps block the thread until
// a deadline on that clock, so that the scheduler, not the host, decides when they end.
#include "linux/syscalls/handlers.h"

#include "linux/guest_io.h"
#include "linux/process.h"

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <ctime>
#include <sys/time.h>

namespace gostart::linux::sys {

namespace {

// The latest deadline. A sleep of INT64_MAX seconds is a sleep: it ends at this, which no run reaches
// (the idle limit stops a guest that waits so long with nothing else to do), and the clocks stay within
// a signed 64-bit nanosecond count when time jumps towards it.
constexpr uint64_t kForever = INT64_MAX - Clock::kVirtualEpochNs;

uint64_t later(uint64_t now, uint64_t ns) { return ns >= kForever - std::min(now, kForever) ? kForever : now + ns; }

timespec to_timespec(uint64_t ns) {
    return timespec{static_cast<time_t>(ns / 1000000000ull), static_cast<long>(ns % 1000000000ull)};
}

std::optional<uint64_t> clock_ns(Process& p, int id) {
    switch (id) {
        case CLOCK_REALTIME:
        case CLOCK_REALTIME_COARSE:
        case CLOCK_TAI: return p.realtime_ns();
        case CLOCK_MONOTONIC:
        case CLOCK_MONOTONIC_RAW:
        case CLOCK_MONOTONIC_COARSE:
        case CLOCK_BOOTTIME: return p.now_ns();
        // CPU time: the instructions this process and thread executed, at the virtual rate.
        case CLOCK_PROCESS_CPUTIME_ID: return p.cpu().instructions() * Clock::kNsPerInsn;
        case CLOCK_THREAD_CPUTIME_ID: return p.current().insns_run * Clock::kNsPerInsn;
        default: return std::nullopt;
    }
}

int64_t sleep_until(SyscallCall& c, uint64_t deadline) {
    deadline = std::min(deadline, kForever);
    if (deadline <= c.proc.now_ns()) return 0;
    Wait w{Wait::Kind::sleep};
    w.deadline_ns = deadline;
    c.proc.block(c.thread, w);
    return kBlocked;
}

std::optional<uint64_t> read_timespec_ns(SyscallCall& c, guest::Ptr<timespec> addr) {
    auto ts = read_guest(c.proc.cpu(), addr);
    if (!ts || ts->tv_sec < 0 || ts->tv_nsec < 0 || ts->tv_nsec >= 1000000000) return std::nullopt;
    if (uint64_t(ts->tv_sec) >= kForever / 1000000000ull) return kForever;  // no overflow: as good as never
    return uint64_t(ts->tv_sec) * 1000000000ull + uint64_t(ts->tv_nsec);
}

}  // namespace

int64_t clock_gettime(SyscallCall& c) {
    auto ns = clock_ns(c.proc, c.iarg(0));
    if (!ns) return -EINVAL;
    return write_guest(c.proc.cpu(), c.ptr<timespec>(1), to_timespec(*ns)) ? 0 : -EFAULT;
}

int64_t clock_getres(SyscallCall& c) {
    if (!clock_ns(c.proc, c.iarg(0))) return -EINVAL;
    if (c.a[1] && !write_guest(c.proc.cpu(), c.ptr<timespec>(1), to_timespec(1))) return -EFAULT;
    return 0;
}

int64_t gettimeofday(SyscallCall& c) {
    uint64_t ns = c.proc.realtime_ns();
    timeval tv{static_cast<time_t>(ns / 1000000000ull), static_cast<suseconds_t>((ns % 1000000000ull) / 1000)};
    if (c.a[0] && !write_guest(c.proc.cpu(), c.ptr<timeval>(0), tv)) return -EFAULT;
    return 0;
}

int64_t time(SyscallCall& c) {
    int64_t s = static_cast<int64_t>(c.proc.realtime_ns() / 1000000000ull);
    if (c.a[0] && !write_guest(c.proc.cpu(), c.ptr<int64_t>(0), s)) return -EFAULT;
    return s;
}

int64_t nanosleep(SyscallCall& c) {
    auto ns = read_timespec_ns(c, c.ptr<timespec>(0));
    if (!ns) return -EINVAL;
    return sleep_until(c, later(c.proc.now_ns(), *ns));
}

int64_t clock_nanosleep(SyscallCall& c) {
    int id = c.iarg(0);
    if (!clock_ns(c.proc, id)) return -EINVAL;
    auto ns = read_timespec_ns(c, c.ptr<timespec>(2));
    if (!ns) return -EINVAL;
    bool absolute = c.iarg(1) & TIMER_ABSTIME;
    uint64_t deadline = later(c.proc.now_ns(), *ns);
    if (absolute) {
        uint64_t now = *clock_ns(c.proc, id);
        deadline = *ns <= now ? c.proc.now_ns() : later(c.proc.now_ns(), *ns - now);
    }
    return sleep_until(c, deadline);
}

}  // namespace gostart::linux::sys
