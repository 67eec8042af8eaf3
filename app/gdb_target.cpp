#include "app/gdb_target.h"

#include "gdbstub/amd64_registers.h"

#include <fmt/format.h>

#include <climits>
#include <cstdlib>
#include <cstring>

namespace gostart::app {

using cpu::Reg;
using gdbstub::Amd64Reg;
using gdbstub::StopEvent;
using Kind = gdbstub::StopEvent::Kind;

namespace {

// gdb's general registers in its order, as the engine names them.
constexpr Reg kGeneral[] = {Reg::rax, Reg::rbx, Reg::rcx, Reg::rdx, Reg::rsi, Reg::rdi, Reg::rbp, Reg::rsp,
                            Reg::r8,  Reg::r9,  Reg::r10, Reg::r11, Reg::r12, Reg::r13, Reg::r14, Reg::r15, Reg::rip};
static_assert(std::size(kGeneral) == static_cast<size_t>(Amd64Reg::rip) + 1);
// The selectors, x87 and SSE registers are in the same order in both enums.
static_assert(static_cast<int>(Amd64Reg::mxcsr) - static_cast<int>(Amd64Reg::cs) ==
              static_cast<int>(cpu::ExtraReg::mxcsr) - static_cast<int>(cpu::ExtraReg::cs));
static_assert(static_cast<int>(Amd64Reg::xmm0) - static_cast<int>(Amd64Reg::cs) ==
              static_cast<int>(cpu::ExtraReg::xmm0) - static_cast<int>(cpu::ExtraReg::cs));

// Where a gdb register lives in the engine.
struct Where {
    enum class Kind { general, extra, orig_rax } kind;
    Reg reg = Reg::rax;
    cpu::ExtraReg extra = cpu::ExtraReg::cs;
};

std::optional<Where> where(int regno) {
    if (regno < 0 || regno >= static_cast<int>(Amd64Reg::count)) return std::nullopt;
    auto r = static_cast<Amd64Reg>(regno);
    if (r <= Amd64Reg::rip) return Where{Where::Kind::general, kGeneral[regno]};
    if (r == Amd64Reg::eflags) return Where{Where::Kind::general, Reg::rflags};
    if (r == Amd64Reg::fs_base) return Where{Where::Kind::general, Reg::fs_base};
    if (r == Amd64Reg::gs_base) return Where{Where::Kind::general, Reg::gs_base};
    if (r == Amd64Reg::orig_rax) return Where{Where::Kind::orig_rax};
    return Where{Where::Kind::extra, Reg::rax,
                 static_cast<cpu::ExtraReg>(regno - static_cast<int>(Amd64Reg::cs))};
}

}  // namespace

SessionTarget::SessionTarget(std::shared_ptr<session::Session> session, Relaunch relaunch)
    : session_(std::move(session)), relaunch_(std::move(relaunch)) {
    const auto& fns = session_->program().symbols.functions();
    text_ = fns.empty() ? std::pair<uint64_t, uint64_t>{1, 0}
                        : std::pair{fns.front().addr, fns.back().addr + fns.back().size + 4096};
}

linux::Thread* SessionTarget::live_thread(int tid) {
    if (exit_) return nullptr;
    const auto& ts = session_->process().threads();
    auto it = ts.find(tid);
    if (it == ts.end() || it->second->exited()) return nullptr;
    return it->second.get();
}

std::vector<int> SessionTarget::threads() {
    std::vector<int> out;
    if (exit_) return out;
    for (const auto& [tid, t] : session_->process().threads())
        if (!t->exited()) out.push_back(tid);
    return out;
}

int SessionTarget::current_thread() { return session_->process().current_tid(); }

std::string SessionTarget::thread_description(int tid) {
    linux::Thread* t = live_thread(tid);
    if (!t) return "";
    switch (t->wait.kind) {
        case linux::Wait::Kind::futex: return fmt::format("futex wait {:#x}", t->wait.futex_addr);
        case linux::Wait::Kind::sleep: return "sleeping";
        case linux::Wait::Kind::epoll: return "epoll wait";
        default: return tid == current_thread() ? "on the CPU" : "runnable";
    }
}

bool SessionTarget::read_register(int tid, int regno, std::span<uint8_t> out) {
    linux::Thread* t = live_thread(tid);
    auto w = where(regno);
    if (!t || !w) return false;
    cpu::Engine& e = session_->engine();
    bool live = tid == current_thread();
    if (!live && !t->ctx_saved) return false;
    cpu::RawReg raw{};
    switch (w->kind) {
        case Where::Kind::general: {
            uint64_t v = live ? e.reg(w->reg) : e.context_reg(t->ctx, w->reg);
            std::memcpy(raw.data(), &v, 8);
            break;
        }
        case Where::Kind::orig_rax:  // never inside a syscall when gdb looks: no restart pending
            raw.fill(0xff);
            break;
        case Where::Kind::extra:
            if (!(live ? e.read_extra(w->extra, raw) : e.context_extra(t->ctx, w->extra, raw))) return false;
            break;
    }
    std::memcpy(out.data(), raw.data(), std::min(out.size(), raw.size()));
    return true;
}

bool SessionTarget::write_register(int tid, int regno, std::span<const uint8_t> in) {
    linux::Thread* t = live_thread(tid);
    auto w = where(regno);
    if (!t || !w) return false;
    cpu::Engine& e = session_->engine();
    bool live = tid == current_thread();
    if (!live && !t->ctx_saved) return false;
    cpu::RawReg raw{};
    std::memcpy(raw.data(), in.data(), std::min(in.size(), raw.size()));
    switch (w->kind) {
        case Where::Kind::general: {
            uint64_t v = 0;
            std::memcpy(&v, raw.data(), 8);
            if (live) e.set_reg(w->reg, v);
            else e.set_context_reg(t->ctx, w->reg, v);
            return true;
        }
        case Where::Kind::orig_rax:
            return true;  // gdb writes -1 when it moves the pc; there is no syscall to restart anyway
        case Where::Kind::extra:
            return live ? e.write_extra(w->extra, raw) : e.set_context_extra(t->ctx, w->extra, raw);
    }
    return false;
}

size_t SessionTarget::read_memory(uint64_t addr, std::span<uint8_t> out) {
    cpu::Engine& e = session_->engine();
    size_t done = 0;
    // Page by page, so that a read running into an unmapped page returns what precedes it.
    while (done < out.size()) {
        uint64_t a = addr + done;
        size_t chunk = std::min<size_t>(out.size() - done, 0x1000 - (a & 0xfff));
        if (!e.try_read(a, out.data() + done, chunk)) break;
        done += chunk;
    }
    return done;
}

bool SessionTarget::write_memory(uint64_t addr, std::span<const uint8_t> in) {
    cpu::Engine& e = session_->engine();
    if (!e.try_write(addr, in.data(), in.size())) return false;
    e.code_changed(addr, addr + in.size() - 1);  // it may be code: run the new bytes
    return true;
}

bool SessionTarget::add_breakpoint(uint64_t addr) {
    ++breaks_[addr];
    return true;
}

bool SessionTarget::remove_breakpoint(uint64_t addr) {
    auto it = breaks_.find(addr);
    if (it == breaks_.end()) return false;
    if (--it->second == 0) breaks_.erase(it);
    return true;
}

bool SessionTarget::add_write_watch(uint64_t addr, uint64_t len) {
    if (len == 0 || addr + len < addr) return false;
    ++watches_[{addr, len}];
    return true;
}

bool SessionTarget::remove_write_watch(uint64_t addr, uint64_t len) {
    auto it = watches_.find({addr, len});
    if (it == watches_.end()) return false;
    if (--it->second == 0) watches_.erase(it);
    return true;
}

void SessionTarget::kill() {
    if (!exit_) exit_ = linux::ExitInfo{linux::ExitInfo::Kind::signaled, 9, "killed by gdb"};
}

void SessionTarget::detach() {
    breaks_.clear();
    watches_.clear();
}

std::string SessionTarget::exec_file() {
    const std::string& path = session_->program().path();
    char real[PATH_MAX];
    return ::realpath(path.c_str(), real) ? std::string(real) : path;
}

StopEvent SessionTarget::ended_event() const {
    StopEvent ev;
    ev.kind = exit_->kind == linux::ExitInfo::Kind::signaled ? Kind::signaled : Kind::exited;
    ev.status = exit_->kind == linux::ExitInfo::Kind::signaled ? exit_->status : exit_->exit_status();
    if (exit_->kind == linux::ExitInfo::Kind::emulator_stop) ev.message = "gostart-emu: " + exit_->message;
    return ev;
}

StopEvent SessionTarget::resume(const gdbstub::ResumeRequest& r, const std::function<bool()>& interrupted) {
    if (exit_) return ended_event();
    return r.reverse ? backward(r) : forward(r, interrupted);
}

StopEvent SessionTarget::forward(const gdbstub::ResumeRequest& r, const std::function<bool()>& interrupted) {
    session::Session& s = *session_;
    cpu::Engine& e = s.engine();
    linux::Process& p = s.process();
    if (r.signal)
        if (linux::Thread* t = live_thread(r.signal_tid)) p.send_signal(*t, r.signal);

    StopEvent ev;
    bool stopped = false;
    auto stop = [&](Kind k, uint64_t data = 0) {
        if (stopped) return;
        stopped = true;
        ev.kind = k;
        ev.tid = p.current_tid();
        ev.data_addr = data;
        p.pause();  // before the instruction the hook is called for
    };

    // The thread gdb resumes from a breakpoint must not stop at it again before moving.
    const int start_tid = p.current_tid();
    const uint64_t start_pc = e.reg(Reg::rip);
    bool skip_start = true;
    linux::Thread* stepped = r.step ? live_thread(r.tid) : nullptr;
    const bool stepping = stepped != nullptr;
    // A thread waiting in a syscall completes its step when the call returns: before its next instruction.
    bool step_started = stepping && (!stepped->runnable() || stepped->pending_result.has_value());
    uint64_t step_pc = 0;
    if (stepping) step_pc = r.tid == start_tid ? start_pc : e.context_reg(stepped->ctx, Reg::rip);

    std::vector<int> hooks;
    for (const auto& [addr, n] : breaks_) {
        hooks.push_back(e.add_code_hook(addr, addr, [&](uint64_t pc) {
            if (stopped) return;
            int tid = p.current_tid();
            if (skip_start && tid == start_tid && pc == start_pc) {
                skip_start = false;
                return;
            }
            stop(stepping && tid == r.tid && step_started ? Kind::step : Kind::breakpoint);
        }));
    }
    // Watched writes: the engine stops right after the writing instruction (cpu/engine.h).
    std::map<int, uint64_t> watch_start;  // engine watch id -> the watched range's first byte
    for (const auto& [range, n] : watches_) watch_start[e.add_write_watch(range.first, range.second)] = range.first;
    if (stepping) {
        hooks.push_back(e.add_code_hook(text_.first, text_.second, [&](uint64_t pc) {
            if (stopped || p.current_tid() != r.tid) return;
            if (!step_started && pc == step_pc) {
                step_started = true;
                return;
            }
            stop(Kind::step);  // or the thread was sent elsewhere first (a signal handler): stop there
        }));
    }
    // gdb's Ctrl-C (and a dropped connection) arrive while the program runs: look now and then.
    uint32_t blocks = 0;
    e.set_block_observer([&](uint64_t, uint32_t) {
        if (stopped || ++blocks % 2048) return;
        if (interrupted()) stop(Kind::interrupt);
    });

    linux::ExitInfo x = s.run();
    for (int h : hooks) e.remove_hook(h);
    for (const auto& [id, start] : watch_start) e.remove_write_watch(id);
    e.set_block_observer(nullptr);
    if (x.kind != linux::ExitInfo::Kind::paused) {
        exit_ = x;
        return ended_event();
    }
    if (!stopped && e.last_stop().kind == cpu::StopReason::Kind::watch) {
        auto w = watch_start.find(e.last_stop().watch_id);
        uint64_t start = w == watch_start.end() ? 0 : w->second;
        return StopEvent{Kind::watch, p.current_tid(), std::max(e.last_watch_hit().address, start)};
    }
    if (!stopped) ev = StopEvent{Kind::interrupt, p.current_tid()};
    return ev;
}

}  // namespace gostart::app
