#include "linux/clock.h"

#include <ctime>

namespace gostart::linux {
namespace {

uint64_t host_ns(clockid_t id) {
    timespec ts{};
    clock_gettime(id, &ts);
    return uint64_t(ts.tv_sec) * 1000000000ull + uint64_t(ts.tv_nsec);
}

}  // namespace

Clock::Clock(Mode mode) : mode_(mode) {
    if (mode_ == Mode::host) {
        host_mono_base_ = host_ns(CLOCK_MONOTONIC);
        host_real_base_ = host_ns(CLOCK_REALTIME);
    }
}

uint64_t Clock::monotonic_ns(uint64_t insns) const {
    if (mode_ == Mode::host) return host_ns(CLOCK_MONOTONIC);
    return kVirtualBootNs + insns * kNsPerInsn + skipped_ns_;
}

uint64_t Clock::realtime_ns(uint64_t insns) const {
    if (mode_ == Mode::host) return host_ns(CLOCK_REALTIME);
    return kVirtualEpochNs + (monotonic_ns(insns) - kVirtualBootNs);
}

void Clock::wait_until(uint64_t deadline_ns, uint64_t insns) {
    uint64_t now = monotonic_ns(insns);
    if (deadline_ns <= now) return;
    if (mode_ == Mode::virtual_time) {
        skipped_ns_ += deadline_ns - now;
        return;
    }
    uint64_t d = deadline_ns - now;
    timespec ts{static_cast<time_t>(d / 1000000000ull), static_cast<long>(d % 1000000000ull)};
    nanosleep(&ts, nullptr);
}

uint64_t Random::next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

void Random::fill(uint8_t* out, size_t n) {
    for (size_t i = 0; i < n; i += 8) {
        uint64_t v = next();
        for (size_t j = 0; j < 8 && i + j < n; ++j) out[i + j] = static_cast<uint8_t>(v >> (8 * j));
    }
}

}  // namespace gostart::linux
