#include "linux/process.h"

#include "cpu/prot.h"
#include "linux/cpu_traps.h"
#include "linux/rlimits.h"
#include "linux/strace_format.h"
#include "linux/syscall_table.h"

#include <fmt/format.h>

#include <cerrno>
#include <csignal>

namespace gostart::linux {

using cpu::Reg;
using cpu::StopReason;

Process::Process(cpu::GuestCpu& cpu, ProcessOptions opts)
    : cpu_(cpu), opts_(std::move(opts)), s_{GuestMemory(cpu, opts_.max_memory), Clock(opts_.clock), Random(opts_.seed)} {
    s_.rlimits = default_rlimits();
    s_.cwd = opts_.cwd;
    s_.next_tid = kPid;
    // stdio: the host's, borrowed. Their status flags are what Go must see: blocking, so that it does
    // not hand them to its network poller. The guest's stdout is the host's stderr while a report owns
    // the host's stdout.
    for (int fd = 0; fd < 3; ++fd) {
        auto f = std::make_shared<OpenFile>();
        f->kind = OpenFile::Kind::host;
        f->host_fd = fd == 1 ? opts_.stdout_host_fd : fd;
        f->status_flags = fd == 0 ? 0 /*O_RDONLY*/ : 1 /*O_WRONLY*/;
        f->path = fd == 0 ? "<stdin>" : fd == 1 ? "<stdout>" : "<stderr>";
        fds_.put(fd, f, false);
    }
}

int Process::open_fd(std::shared_ptr<OpenFile> f, bool cloexec, int min_fd) {
    return fds_.add(std::move(f), cloexec, fd_limit(), min_fd);
}

std::string Process::fmt_addr(uint64_t pc) { return fmt::format("{:#x}", pc); }

void Process::start(uint64_t entry, uint64_t sp) {
    cpu::RegisterFile rf;
    rf[Reg::rip] = entry;
    rf[Reg::rsp] = sp;
    rf[Reg::rflags] = 0x202;
    auto t = std::make_unique<Thread>();
    t->tid = s_.next_tid++;
    s_.current_tid = t->tid;
    s_.threads.emplace(t->tid, std::move(t));
    cpu_.set_regs(rf);
    // What execve leaves in the FPU (the psABI's start-up values, Linux's fpu init state): every
    // floating-point exception masked, x87 at 64-bit precision, round to nearest. Unicorn's CPU starts
    // with both registers 0, which unmasks every exception and sets 24-bit x87 precision.
    cpu_.set_fp_control(0x37f, 0x1f80);
}

Thread& Process::create_thread(const cpu::RegisterFile& regs) {
    auto t = std::make_unique<Thread>();
    t->tid = s_.next_tid++;
    t->start_insn = cpu_.instructions();
    cpu::Context parent = cpu_.save();
    cpu_.set_regs(regs);
    cpu_.save(t->ctx);
    t->ctx_saved = true;
    cpu_.restore(parent);
    Thread& ref = *t;
    s_.threads.emplace(t->tid, std::move(t));
    return ref;
}

void Process::wake(Thread& t, int64_t result) {
    t.wait = Wait{};
    t.pending_result = result;
}

int Process::futex_wake(guest::Ptr<uint32_t> addr, int count) {
    int n = 0;
    for (auto& [tid, t] : s_.threads) {
        if (n >= count) break;
        if (t->wait.kind == Wait::Kind::futex && t->wait.futex_addr == addr) {
            wake(*t, 0);
            ++n;
        }
    }
    return n;
}

void Process::wake_epoll_waiters() {
    for (auto& [tid, t] : s_.threads) {
        if (t->wait.kind != Wait::Kind::epoll) continue;
        Wait w = t->wait;
        int n = collect_epoll_events(*t, w.epoll_fd, w.epoll_events, w.epoll_max);
        if (n != 0) wake(*t, n);
    }
}

void Process::exit_thread(Thread& t, int status) {
    t.wait = Wait{Wait::Kind::exited};
    bool any_left = false;
    for (auto& [tid, other] : s_.threads)
        if (!other->exited()) any_left = true;
    if (!any_left) exit_group(status);
}

void Process::exit_group(int status) {
    s_.exited = true;
    s_.exit = ExitInfo{ExitInfo::Kind::exited, status & 0xff, {}};
    cpu_.request_stop();
}

void Process::kill(int sig, const std::string& message) {
    s_.exited = true;
    s_.exit = ExitInfo{ExitInfo::Kind::signaled, sig, message};
    s_.exit.tid = s_.current_tid;
    s_.exit.pc = cpu_.reg(Reg::rip);
    s_.exit.sp = cpu_.reg(Reg::rsp);
    cpu_.request_stop();
}

void Process::expire_deadlines() {
    uint64_t now = now_ns();
    for (auto& [tid, t] : s_.threads) {
        const Wait& w = t->wait;
        if (w.kind == Wait::Kind::none || w.kind == Wait::Kind::exited || !w.deadline_ns || *w.deadline_ns > now)
            continue;
        // futex: -ETIMEDOUT; nanosleep: 0; epoll: 0 events.
        wake(*t, w.kind == Wait::Kind::futex ? -ETIMEDOUT : 0);
    }
}

Thread* Process::pick_next() {
    while (true) {
        expire_deadlines();
        Thread& cur = current();
        if (!s_.yield_requested && cur.runnable()) return &cur;
        s_.yield_requested = false;
        // Round-robin in tid order, starting after the current thread.
        auto it = s_.threads.upper_bound(s_.current_tid);
        for (size_t i = 0; i < s_.threads.size(); ++i, ++it) {
            if (it == s_.threads.end()) it = s_.threads.begin();
            if (it->second->runnable()) return it->second.get();
        }
        std::optional<uint64_t> earliest;
        for (auto& [tid, t] : s_.threads)
            if (!t->exited() && t->wait.deadline_ns && (!earliest || *t->wait.deadline_ns < *earliest))
                earliest = t->wait.deadline_ns;
        if (!earliest) return nullptr;  // deadlock
        uint64_t now = now_ns();
        uint64_t jump = *earliest > now ? *earliest - now : 0;
        if (opts_.max_idle_ns && s_.idle_ns + jump >= opts_.max_idle_ns) {
            s_.idle_limit_hit = true;  // the next wake-up is later than the limit: stop now, not after the jump
            return nullptr;
        }
        s_.idle_ns += jump;
        s_.clock.wait_until(*earliest, cpu_.instructions());
    }
}

void Process::switch_to(Thread& t) {
    if (t.tid == s_.current_tid) return;
    Thread& old = current();
    int old_tid = old.tid;
    if (!old.exited()) {
        cpu_.save(old.ctx);
        old.ctx_saved = true;
    }
    cpu_.restore(t.ctx);
    t.ctx_saved = false;
    s_.current_tid = t.tid;
    if (on_thread_switch) on_thread_switch(old_tid, t.tid);
}

std::string Process::deadlock_report() const { return "deadlock: every thread waits forever" + thread_waits(); }

std::string Process::thread_waits() const {
    std::string s;
    for (const auto& [tid, t] : s_.threads) {
        if (t->exited()) continue;
        uint64_t pc = tid == s_.current_tid ? cpu_.reg(Reg::rip) : t->ctx_saved ? cpu_.context_reg(t->ctx, Reg::rip) : 0;
        s += fmt::format("; thread {}: {}", tid, describe_wait(t->wait));
        if (pc) s += " at " + describe(pc);
    }
    return s;
}

ExitInfo Process::run() {
    pause_requested_ = false;
    while (!s_.exited) {
        Thread* t = &current();
        // A signal a debugger queued while paused is delivered now, as at any other turn.
        if (s_.resume_slice && (t->pending_signals & ~t->sigmask)) s_.resume_slice = false;
        // After a pause inside a time slice the scheduling for that slice is done: go on running,
        // as the run that was not paused does (where deadlines expire and signals arrive must not
        // depend on where a debugger stopped).
        if (!s_.resume_slice) {
            t = pick_next();
            if (!t && s_.idle_limit_hit) {
                s_.exit = ExitInfo{ExitInfo::Kind::emulator_stop, 125,
                                 fmt::format("idle limit reached: every thread waits, with no input or output for {} s "
                                             "(virtual) and only timers waking them: a guest that waits forever? "
                                             "(--max-idle {}){}", opts_.max_idle_ns / 1000000000, opts_.max_idle_ns / 1000000000,
                                             thread_waits())};
                s_.exited = true;
                break;
            }
            if (!t) {
                s_.exit = ExitInfo{ExitInfo::Kind::emulator_stop, 125, deadlock_report()};
                s_.exited = true;
                break;
            }
            if (t->tid != s_.current_tid) s_.slice_used = 0;
            switch_to(*t);
            if (t->pending_result) {
                cpu_.set_reg(Reg::rax, static_cast<uint64_t>(*t->pending_result));
                if (strace() && t->resumed_nr >= 0)
                    *strace() << fmt::format("[{}] <... {} resumed>{}\n", t->tid, syscall_name(t->resumed_nr),
                                                 strace_result(find_syscall(t->resumed_nr), *t->pending_result));
                t->resumed_nr = -1;
                t->pending_result.reset();
            }
            if (deliver_pending_signals(*t) && s_.exited) break;
            // The time slice spans syscalls: a thread that makes many does not keep the CPU forever.
            if (s_.slice_used >= opts_.quantum) {
                s_.slice_used = 0;
                s_.yield_requested = true;
                continue;
            }
            if (opts_.max_insns && cpu_.instructions() >= opts_.max_insns) {
                s_.exit = ExitInfo{ExitInfo::Kind::emulator_stop, 125,
                                 fmt::format("instruction limit reached ({} instructions) at {}", opts_.max_insns,
                                             describe(cpu_.reg(Reg::rip)))};
                s_.exited = true;
                break;
            }
        }
        s_.resume_slice = false;
        uint64_t before = cpu_.instructions();
        // The slice ends at an absolute count, so a slice split by pauses ends where a whole one would.
        uint64_t end = before - s_.slice_used + opts_.quantum;
        if (opts_.max_insns) end = std::min(end, opts_.max_insns);
        if (opts_.on_run) opts_.on_run();
        StopReason r = cpu_.run_until(end);
        t->insns_run += cpu_.instructions() - before;
        s_.slice_used += cpu_.instructions() - before;
        handle_stop(r);
        if (pause_requested_ && !s_.exited) {
            pause_requested_ = false;
            s_.resume_slice = r.kind == StopReason::Kind::requested || r.kind == StopReason::Kind::instruction_count ||
                            r.kind == StopReason::Kind::watch;
            return ExitInfo{ExitInfo::Kind::paused, 0, {}};
        }
    }
    return s_.exit;
}

void Process::handle_stop(const StopReason& r) {
    Thread& t = current();
    switch (r.kind) {
        case StopReason::Kind::syscall:
            // Whatever the call takes away from the address space is remembered with it, for the
            // report if the guest dies of it (the pc is the syscall instruction, 2 bytes back).
            s_.memory.set_actor(MemoryActor{static_cast<int>(cpu_.reg(Reg::rax)),
                                          {cpu_.reg(Reg::rdi), cpu_.reg(Reg::rsi), cpu_.reg(Reg::rdx), cpu_.reg(Reg::r10),
                                           cpu_.reg(Reg::r8), cpu_.reg(Reg::r9)},
                                          t.tid, cpu_.reg(Reg::rip) - 2});
            dispatch_syscall(t);
            if (s_.memory.limit_reached() && !s_.exited) {
                // The guest would see ENOMEM and die of it somewhere else; stop where the cause is.
                s_.exited = true;
                s_.exit = ExitInfo{ExitInfo::Kind::emulator_stop, 125,
                                 fmt::format("guest memory limit reached: {} more bytes asked for with {} committed, "
                                             "--max-memory {} (in thread {} at {})", s_.memory.refused_bytes(),
                                             s_.memory.committed_bytes(), s_.memory.limit(), t.tid, describe(cpu_.reg(Reg::rip)))};
            }
            break;
        case StopReason::Kind::budget:
            break;  // the quantum is over: the next turn of run() lets the next thread run
        case StopReason::Kind::requested:
            break;
        case StopReason::Kind::instruction_count:
        case StopReason::Kind::watch:
            pause_requested_ = true;  // a debugger's stop: the caller looks, then runs on
            break;
        case StopReason::Kind::fault:
            handle_fault(r);
            break;
        case StopReason::Kind::interrupt:
            if (r.software && r.vector == kIa32SyscallVector) {
                dispatch_syscall_i386(t);
                break;
            }
            deliver_trap(t, trap_signal(r.vector, r.software, r.pc, r.address));
            break;
        case StopReason::Kind::invalid_insn:
            deliver_trap(t, trap_signal(6 /*#UD*/, false, r.pc, r.pc));
            break;
    }
}

bool Process::emulate_vsyscall(Thread& t, uint64_t addr) {
    // The legacy vsyscall page: Linux maps no code there any more but traps the call and does the
    // syscall itself (vsyscall=emulate/xonly). Go 1.15 and older call it for the time when the process
    // has no vDSO, which is our case.
    static constexpr uint64_t kVsyscall = 0xffffffffff600000;
    static const int kCalls[3] = {syscall_number("gettimeofday"), syscall_number("time"), syscall_number("getcpu")};
    int nr = addr == kVsyscall ? kCalls[0] : addr == kVsyscall + 0x400 ? kCalls[1] : addr == kVsyscall + 0x800 ? kCalls[2] : -1;
    if (nr < 0) return false;
    uint64_t ret = 0, sp = cpu_.reg(Reg::rsp);
    if (!cpu_.try_read(guest::Addr(sp), &ret, 8)) return false;
    cpu_.set_reg(Reg::rax, static_cast<uint64_t>(nr));
    dispatch_syscall(t);
    cpu_.set_reg(Reg::rip, ret);
    cpu_.set_reg(Reg::rsp, sp + 8);
    return true;
}

void Process::handle_fault(const StopReason& r) {
    Thread& t = current();
    if (r.access == StopReason::Access::fetch && emulate_vsyscall(t, r.address)) return;
    // Unicorn leaves rip at the faulting instruction, as the kernel's signal frame must show it.
    cpu_.set_reg(Reg::rip, r.pc);
    const Vma* v = s_.memory.find(r.address);
    int code = v ? 2 /*SEGV_ACCERR*/ : 1 /*SEGV_MAPERR*/;
    deliver_signal(t, SIGSEGV, code, r.address);
}

}  // namespace gostart::linux
