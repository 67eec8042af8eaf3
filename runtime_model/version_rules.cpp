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
    r.stack_guard = at_least(16) ? 928 : 880;
    r.stack_guard_why = at_least(16) ? "stack.go: _StackGuard = 928*StackGuardMultiplier (1.16+)"
                                     : "stack.go: _StackGuard = 880*StackGuardMultiplier (1.13-1.15)";
    if (at_least(25)) r.ncpu_var = "runtime.numCPUStartup";
    if (at_least(22)) r.random_var = "runtime.startupRand";
    return r;
}

}  // namespace gostart::model
