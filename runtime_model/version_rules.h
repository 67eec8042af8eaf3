// VersionRules: the facts of the Go runtime's start-up that change between releases, each with the
// source it comes from. One place for the supported window (as Delve's goversion/compat.go).
#pragma once

#include "loader/go/go_version.h"

#include <cstdint>
#include <string>

namespace gostart::model {

struct VersionRules {
    // rt0_go: `SUBQ $frame, SP; ANDQ $~15, SP` gives g0.stack.hi.
    uint64_t rt0_frame = 0;
    std::string rt0_frame_why;
    // g0's initial stack: lo = hi - g0_stack_span.
    uint64_t g0_stack_span = 0;
    std::string g0_stack_why;
    uint64_t stack_guard = 0;      // _StackGuard (stackNosplit + ...): mstart moves g0's guards to lo + this
    std::string stack_guard_why;
    uint64_t fixed_stack = 2048;   // the first goroutine's stack size (malg(_StackMin))
    uint64_t goid_batch = 16;      // _GoidCacheBatch: newproc takes goids in batches
    uint64_t max_mcount = 10000;
    // Status encodings (runtime2.go): unchanged since 1.2.
    uint64_t g_idle = 0, g_runnable = 1, g_running = 2;
    uint64_t p_idle = 0, p_running = 1;
    // Renamed variables.
    std::string ncpu_var = "runtime.ncpu";
    std::string random_var = "runtime.startupRandomData";
    bool random_is_slice = true;   // startupRandomData []byte; 1.22's startupRand is []byte too
    bool goid_is_atomic = false;   // g.goid: int64 until 1.19, uint64 (plain) later — same 8 bytes
    // The order procresize leaves the idle Ps in: until 1.25 it pidleputs from allp[n-1] down to allp[1]
    // (sched.pidle = allp[1], each links to the next one up); from 1.26 it first collects them in a list and
    // pidleputs allp[1] first (sched.pidle = allp[n-1], each links to the next one down).
    bool idle_ps_ascending = false;
    std::string idle_ps_why;
};

// Oldest and newest supported releases for the model.
inline constexpr loader::go::GoVersionNumber kOldestModelled{1, 13, 0};
inline constexpr loader::go::GoVersionNumber kNewestModelled{1, 27, 99};

bool model_supports(const loader::go::GoVersionNumber& v);
VersionRules rules_for(const loader::go::GoVersionNumber& v);

}  // namespace gostart::model
