// Clock: the guest's notion of time. The virtual clock (default) advances with instructions executed
// and jumps forward when every thread sleeps, so two runs see the same times and the same timer
// order. The host clock reads the real one and really waits. Both start CLOCK_REALTIME at the same
// epoch offset rules: virtual at a fixed date, host at the real date.
#pragma once

#include <cstddef>
#include <cstdint>

namespace gostart::linux {

class Clock {
public:
    enum class Mode { virtual_time, host };
    // A virtual nanosecond cost per instruction: an emulated CPU of 250 million instructions/second.
    static constexpr uint64_t kNsPerInsn = 4;
    // 2024-01-01T00:00:00Z: a fixed wall-clock start for the virtual clock.
    static constexpr uint64_t kVirtualEpochNs = 1704067200ull * 1000000000ull;
    static constexpr uint64_t kVirtualBootNs = 1000000000ull;  // CLOCK_MONOTONIC starts at 1 s

    explicit Clock(Mode mode);
    Mode mode() const { return mode_; }

    // Nanoseconds since boot (CLOCK_MONOTONIC); `insns` is the process's instruction count.
    uint64_t monotonic_ns(uint64_t insns) const;
    uint64_t realtime_ns(uint64_t insns) const;
    // Every thread waits until `deadline` (monotonic): move time there (virtual) or sleep (host).
    void wait_until(uint64_t deadline_ns, uint64_t insns);

private:
    Mode mode_;
    uint64_t skipped_ns_ = 0;   // virtual: time jumped over while all threads slept
    uint64_t host_mono_base_ = 0, host_real_base_ = 0;
};

// The guest's randomness: AT_RANDOM and getrandom() from a seed (splitmix64), so runs repeat.
class Random {
public:
    explicit Random(uint64_t seed) : state_(seed) {}
    uint64_t next();
    void fill(uint8_t* out, size_t n);

private:
    uint64_t state_;
};

}  // namespace gostart::linux
