// Process: one emulated Linux process — the per-process state (address space, descriptors, signal
// actions, clock, randomness, sandbox) and its threads — and the loop that runs them on the one
// emulated CPU.
//
// Scheduling policy, in plain words: exactly one thread runs at a time. The running thread keeps the
// CPU until it blocks (futex wait, sleep, epoll wait), yields (sched_yield), exits, or uses up its
// quantum of instructions; then the next runnable thread in thread-id order after it runs. When no
// thread can run, time jumps to the earliest deadline among the sleepers; when there is none, the
// process is deadlocked. Nothing depends on host timing, so the same inputs give the same run.
#pragma once

#include "cpu/guest_cpu.h"
#include "linux/clock.h"
#include "linux/cpu_traps.h"
#include "linux/fd_table.h"
#include "linux/guest_memory.h"
#include "linux/path_policy.h"
#include "linux/syscall_table.h"
#include "linux/thread.h"

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <memory>
#include <ostream>
#include <string>
#include <sys/resource.h>
#include <vector>

namespace gostart::linux {

struct ProcessOptions {
    int cpus = 4;
    Clock::Mode clock = Clock::Mode::virtual_time;
    uint64_t seed = 0x60574a7e;
    uint64_t max_insns = 0;                        // 0: no limit
    uint64_t max_memory = 4ull << 30;              // committed guest memory
    // Time (process clock) that may pass with no thread runnable and no host input or output before the
    // run is stopped: a Go program that waits forever still has sysmon's timers firing, so it is never
    // a deadlock in the strict sense; 0: no limit.
    uint64_t max_idle_ns = 600ull * 1000000000ull;
    uint64_t quantum = 50000;                      // instructions per time slice
    std::ostream* strace = nullptr;                // where --strace lines go
    size_t strace_string_limit = 32;               // bytes of a string or buffer a line shows (strace -s)
    int stdout_host_fd = 1;                        // the host descriptor behind the guest's stdout
    std::ostream* diag = nullptr;                  // the emulator's own warnings (unimplemented syscalls)
    std::function<std::string(uint64_t)> describe_pc;  // "runtime.mstart+0x12" for messages
    // Called before each stretch of guest execution (a time slice, or its rest after a syscall), and
    // before the guest writes to the host's stdout or stderr: a progress line on a terminal redraws
    // in the first and gets out of the way in the second (session/progress.h).
    std::function<void()> on_run;
    std::function<void()> before_stdio_output;
    std::function<std::string(uint64_t)> describe_insn;  // "ud2": the instruction at a pc, for SIGILL
    std::string cwd = "/";
    std::string exe_path;   // what /proc/self/exe names
};

// How the run ended.
struct ExitInfo {
    enum class Kind { exited, signaled, emulator_stop, paused };
    Kind kind = Kind::exited;
    int status = 0;          // exit status, or the signal number, or 125 for emulator stops
    std::string message;     // for signaled and emulator_stop: what to tell the user
    // signaled: the dying thread and its registers when it died, for a backtrace.
    int tid = 0;
    uint64_t pc = 0, sp = 0;
    int exit_status() const { return kind == Kind::exited ? status : kind == Kind::signaled ? 128 + status : 125; }
};

struct SigAction {
    uint64_t handler = 0;   // 0 SIG_DFL, 1 SIG_IGN
    uint64_t flags = 0;
    uint64_t restorer = 0;
    uint64_t mask = 0;
};

// The threads, each owned once; copying the table copies every thread (a checkpoint's copy).
class ThreadTable : public std::map<int, std::unique_ptr<Thread>> {
public:
    ThreadTable() = default;
    ThreadTable(ThreadTable&&) noexcept = default;
    ThreadTable& operator=(ThreadTable&&) noexcept = default;
    ThreadTable(const ThreadTable& o) : std::map<int, std::unique_ptr<Thread>>() {
        for (const auto& [tid, t] : o) emplace(tid, std::make_unique<Thread>(*t));
    }
    ThreadTable& operator=(const ThreadTable& o) {
        if (this != &o) *this = ThreadTable(o);
        return *this;
    }
};

// Everything of the process the guest can observe, except its descriptors (below), the CPU's
// registers and the memory's bytes (cpu::Snapshot has those): what a checkpoint saves. Declared once
// — the process keeps its state in one of these and a checkpoint is a copy of it — so a member added
// here is saved and restored with no other code, and none can be forgotten.
struct ProcessState {
    GuestMemory memory;  // the VMA map and counters (not the bytes)
    Clock clock;
    Random random;
    std::array<SigAction, 65> sigactions{};
    std::vector<rlimit> rlimits;
    ThreadTable threads;
    std::string cwd;
    uint32_t umask = 022;  // the guest's own (umask()), 022 at start as a login shell leaves it
    int current_tid = 0;
    int next_tid = 0;      // set to the pid by the process: the first thread's id is the pid
    bool exited = false;
    bool yield_requested = false;
    bool resume_slice = false;  // paused inside a time slice: run() goes on with it
    uint64_t slice_used = 0;    // instructions the current thread has run in its time slice
    uint64_t idle_ns = 0;       // time jumped over with every thread waiting, since the last host I/O
    bool idle_limit_hit = false;
    ExitInfo exit;
};

// The Linux layer's part of a checkpoint. The descriptors are the one member not copied by value: a
// host file's copy gets a descriptor of its own (FdTable::copy). Plain copies otherwise, so one
// snapshot can be restored any number of times.
struct ProcessSnapshot {
    ProcessState state;
    FdTable fds;
};

class Process {
public:
    Process(cpu::GuestCpu& cpu, ProcessOptions opts);

    // The main thread starts at `entry` with rsp = `sp` (the initial stack must already be written).
    void start(uint64_t entry, uint64_t sp);
    // Runs until the process exits, is stopped by the emulator, or a hook calls pause().
    ExitInfo run();
    void pause() { pause_requested_ = true; cpu_.request_stop(); }

    // Checkpoints (process_snapshot.cpp). restore() leaves the CPU alone: restore its snapshot too.
    ProcessSnapshot snapshot() const;
    void restore(const ProcessSnapshot& s);
    // While quiet, nothing the process does reaches the user a second time: no --strace lines, and
    // the guest's writes to the host's stdout and stderr succeed without being written. A debugger
    // that goes back replays instructions whose output was already shown.
    void set_quiet(bool quiet) { quiet_ = quiet; }
    bool quiet() const { return quiet_; }

    // Accessors for the syscall handlers and the layers above.
    cpu::GuestCpu& cpu() { return cpu_; }
    GuestMemory& memory() { return s_.memory; }
    FdTable& fds() { return fds_; }
    PathPolicy& paths() { return paths_; }
    Clock& clock() { return s_.clock; }
    Random& random() { return s_.random; }
    const ProcessOptions& options() const { return opts_; }
    void set_cwd(std::string cwd) { s_.cwd = std::move(cwd); }
    const std::string& cwd() const { return s_.cwd; }
    // ProcessOptions::on_run and before_stdio_output, set after the process exists (null: none).
    void set_run_hooks(std::function<void()> on_run, std::function<void()> before_stdio_output) {
        opts_.on_run = std::move(on_run);
        opts_.before_stdio_output = std::move(before_stdio_output);
    }
    // The guest's file mode creation mask (umask): its own, not the emulator's. 022 at start, as a
    // login shell leaves it.
    uint32_t umask() const { return s_.umask; }
    void set_umask(uint32_t mask) { s_.umask = mask & 0777; }
    Thread& current() { return *s_.threads.at(s_.current_tid); }
    int current_tid() const { return s_.current_tid; }
    int pid() const { return kPid; }
    const std::map<int, std::unique_ptr<Thread>>& threads() const { return s_.threads; }
    std::array<SigAction, 65>& sigactions() { return s_.sigactions; }
    std::vector<rlimit>& rlimits() { return s_.rlimits; }
    // RLIMIT_NOFILE's soft limit: descriptors are below it.
    uint64_t fd_limit() const { return s_.rlimits[RLIMIT_NOFILE].rlim_cur; }
    // A new descriptor for `f`: the lowest free one at or above `min_fd`, or -EMFILE.
    int open_fd(std::shared_ptr<OpenFile> f, bool cloexec, int min_fd = 0);
    uint64_t now_ns() const { return s_.clock.monotonic_ns(cpu_.instructions()); }
    uint64_t realtime_ns() const { return s_.clock.realtime_ns(cpu_.instructions()); }
    std::ostream* strace() const { return quiet_ ? nullptr : opts_.strace; }
    std::string describe(uint64_t pc) const { return opts_.describe_pc ? opts_.describe_pc(pc) : fmt_addr(pc); }

    // Thread and process life cycle, used by syscalls.
    Thread& create_thread(const cpu::RegisterFile& regs);
    void exit_thread(Thread& t, int status);
    void exit_group(int status);
    void block(Thread& t, Wait w) { t.wait = std::move(w); }
    void wake(Thread& t, int64_t result);
    int futex_wake(guest::Ptr<uint32_t> addr, int count);
    void yield() { s_.yield_requested = true; }
    void wake_epoll_waiters();          // an eventfd or pipe became readable
    int collect_epoll_events(Thread& t, int epfd, guest::Addr out, uint64_t max);

    // Signals (signals.cpp).
    void send_signal(Thread& t, int sig);
    void kill(int sig, const std::string& message);  // the default action of a fatal signal

    // Called after each thread switch: (old tid, new tid).
    std::function<void(int, int)> on_thread_switch;
    // Called as each syscall starts: (thread, x86-64 number; -1 for an int 0x80 call with no row).
    std::function<void(int, int)> on_syscall;

    static constexpr int kPid = 1000;

private:
    static std::string fmt_addr(uint64_t pc);
    Thread* pick_next();
    void switch_to(Thread& t);
    void handle_stop(const cpu::StopReason& r);
    void handle_fault(const cpu::StopReason& r);
    bool emulate_vsyscall(Thread& t, uint64_t addr);
    bool deliver_pending_signals(Thread& t);
    void deliver_signal(Thread& t, int sig, int code, uint64_t addr, const TrapSignal* trap = nullptr);
    void deliver_trap(Thread& t, const TrapSignal& trap);  // a CPU exception, at the pc Linux's frame shows
    std::string fatal_signal_message(Thread& t, int sig, int code, uint64_t addr, const TrapSignal* trap) const;
    std::string access_cause(uint64_t addr) const;  // "(nothing mapped: ... was unmapped by munmap(...) ...)"
    std::string deadlock_report() const;
    std::string thread_waits() const;  // "; thread 1000 on futex 0x... at main.main+0x12 (main.go:9)" per thread
    void note_host_io(int nr, const std::array<uint64_t, 6>& args, int64_t result);
    void run_syscall(Thread& t, int nr, const SyscallDef* def, const std::string& i386, const std::array<uint64_t, 6>& args);
    void expire_deadlines();

public:
    void sigreturn(Thread& t);  // rt_sigreturn (signals.cpp)
    void dispatch_syscall(Thread& t);  // syscall_table.cpp
    void dispatch_syscall_i386(Thread& t);  // int 0x80

private:
    // What the guest can observe is in s_ and fds_, and a checkpoint copies both (process_snapshot.cpp);
    // the rest is the emulator's own: options, sandbox, warnings printed once, requests in flight.
    cpu::GuestCpu& cpu_;
    ProcessOptions opts_;
    ProcessState s_;
    FdTable fds_;
    PathPolicy paths_;
    std::set<int> warned_syscalls_;
    std::set<int> warned_i386_syscalls_;
    std::set<uint64_t> warned_illegal_pcs_;
    bool pause_requested_ = false;
    bool quiet_ = false;
    std::string frame_failure_;  // while a signal whose frame failed is turned into a SIGSEGV: why
};

}  // namespace gostart::linux
