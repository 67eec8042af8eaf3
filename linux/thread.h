// Thread: the per-thread state of one emulated Linux thread (blink's `Machine`, as opposed to the
// per-process `Process`): its saved CPU context while it is not running, what it waits for, its
// signal mask, alternate signal stack and pending signals.
#pragma once

#include "cpu/guest_cpu.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gostart::linux {

struct SigAltStack {
    uint64_t sp = 0;
    uint64_t size = 0;
    int32_t flags = 2;  // SS_DISABLE until the guest sets one
};

// Why a thread is not runnable.
struct Wait {
    enum class Kind { none, futex, sleep, epoll, exited };
    Kind kind = Kind::none;
    guest::Ptr<uint32_t> futex_addr;
    int epoll_fd = -1;
    guest::Addr epoll_events;                  // epoll_pwait's output buffer (epoll_event[epoll_max])
    uint64_t epoll_max = 0;
    std::optional<uint64_t> deadline_ns;  // on the process clock; none = forever
};

// What a thread waits for, in the words every report uses (threads, gdb's thread list, deadlock and
// idle-limit messages): "runnable", "futex wait", "sleeping", "epoll wait", "exited".
std::string_view wait_name(Wait::Kind k);
// The same with what it waits on: "futex wait 0x4c6f28" (the futex word's address), else wait_name.
std::string describe_wait(const Wait& w);

struct SignalFrameRecord {
    uint64_t uc_addr = 0;    // where the ucontext is on the guest stack
    cpu::Context saved;      // full CPU state (SSE, x87) at delivery, restored by rt_sigreturn
};

struct Thread {
    int tid = 0;
    cpu::Context ctx;           // valid while the thread is switched out
    bool ctx_saved = false;
    Wait wait;
    std::optional<int64_t> pending_result;  // rax to set when a blocking syscall completes
    int resumed_nr = -1;                    // --strace: the blocking syscall to report as resumed
    uint64_t sigmask = 0;
    uint64_t pending_signals = 0;           // bit (sig-1)
    SigAltStack altstack;
    std::vector<SignalFrameRecord> frames;  // nested signal deliveries, innermost last
    guest::Ptr<int32_t> clear_child_tid;    // CLONE_CHILD_CLEARTID / set_tid_address
    uint64_t robust_list = 0;               // set_robust_list: recorded, not walked at exit
    std::string name;                       // prctl(PR_SET_NAME); empty: the program's file name
    uint64_t insns_run = 0;                 // instructions this thread executed
    uint64_t start_insn = 0;                // process instruction count when it was created

    bool runnable() const { return wait.kind == Wait::Kind::none; }
    bool exited() const { return wait.kind == Wait::Kind::exited; }
};

}  // namespace gostart::linux
