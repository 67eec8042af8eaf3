#include "runtime_model/version_rules.h"

namespace gostart::model {

bool model_supports(const loader::go::GoVersionNumber& v) { return v >= kOldestModelled && v <= kNewestModelled; }

VersionRules rules_for(const loader::go::GoVersionNumber& v) {
    VersionRules r;
    auto at_least = [&](int minor) { return v.major > 1 || (v.major == 1 && v.minor >= minor); };
    if (at_least(18)) {
        r.rt0_frame = 5 * 8;
        r.rt0_frame_why = "asm_amd64.s rt0_go (1.18+): SUBQ $(5*8), SP; ANDQ $~15, SP";
    } else {
        r.rt0_frame = 4 * 8 + 7;
        r.rt0_frame_why = "asm_amd64.s rt0_go (1.13-1.17): SUBQ $(4*8+7), SP; ANDQ $~15, SP";
    }
    if (at_least(21)) {
        r.g0_stack_span = 64 * 1024;
        r.g0_stack_why = "asm_amd64.s rt0_go (1.21+): LEAQ (-64*1024)(SP), BX";
    } else {
        r.g0_stack_span = 64 * 1024 - 104;
        r.g0_stack_why = "asm_amd64.s rt0_go (1.13-1.20): LEAQ (-64*1024+104)(SP), BX";
    }
    // Each value is in that release's runtime/stack.go (1.14.6: line 94) and is what a real binary of it leaves
    // in g0's and g1's guards: esbuild 0.1.0 (go1.13.8) 880, 0.6.0 (go1.14.2) 896, 0.7.0 (go1.15) 928.
    // From 1.21 the constant is derived: stackNosplit (abi.StackNosplitBase 800 * StackGuardMultiplier 1)
    // + stackSystem 0 + abi.StackSmall 128 = 928 (internal/abi/stack.go, unchanged to 1.27).
    if (at_least(21)) {
        r.stack_guard = 928;
        r.stack_guard_why = "stack.go (1.21+): stackGuard = stackNosplit(800) + stackSystem(0) + abi.StackSmall(128) = 928";
    } else if (at_least(15)) {
        r.stack_guard = 928;
        r.stack_guard_why = "stack.go (1.15-1.20): _StackGuard = 928*sys.StackGuardMultiplier + _StackSystem";
    } else if (at_least(14)) {
        r.stack_guard = 896;
        r.stack_guard_why = "stack.go (1.14): _StackGuard = 896*sys.StackGuardMultiplier + _StackSystem";
    } else {
        r.stack_guard = 880;
        r.stack_guard_why = "stack.go (1.13): _StackGuard = 880*sys.StackGuardMultiplier + _StackSystem";
    }
    if (at_least(26)) {
        r.idle_ps_ascending = true;
        r.idle_ps_why = "procresize (1.26+): idle Ps are gathered on a list from allp[n-1] down, then pidleput "
                        "from allp[1] up: each P links to the one put before it, the one below";
    } else {
        r.idle_ps_why = "procresize (1.13-1.25): pidleput from allp[n-1] down to allp[1]: each P links to the one "
                        "put before it, the one above";
    }
    if (at_least(25)) r.ncpu_var = "runtime.numCPUStartup";
    if (at_least(22)) r.random_var = "runtime.startupRand";
    return r;
}

}  // namespace gostart::model
