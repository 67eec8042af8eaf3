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

namespace {

stepper::CheckpointPolicy forward_only() {
    stepper::CheckpointPolicy p;
    p.interval = 0;
    p.reversible = false;
    return p;
}

}  // namespace

SessionTarget::SessionTarget(stepper::Launcher launch, std::ostream& notes, stepper::CheckpointPolicy policy)
    : ctl_(std::move(launch), notes, policy) {
    ctl_.set_interrupt_check([] { return false; });  // resume() polls gdb's connection instead
}

SessionTarget::SessionTarget(std::shared_ptr<session::Session> session, std::ostream& notes)
    : ctl_([&session] { return stepper::Target{std::move(session), {}, {}, {}}; }, notes, forward_only()) {
    ctl_.set_interrupt_check([] { return false; });
}

std::optional<linux::ExitInfo> SessionTarget::ended() const {
    if (killed_) return killed_;
    return ctl_.exit_info();
}

linux::Thread* SessionTarget::live_thread(int tid) {
    if (ended()) return nullptr;
    const auto& ts = session().process().threads();
    auto it = ts.find(tid);
    if (it == ts.end() || it->second->exited()) return nullptr;
    return it->second.get();
}

std::vector<int> SessionTarget::threads() {
    std::vector<int> out;
    if (ended()) return out;
    for (const auto& [tid, t] : session().process().threads())
        if (!t->exited()) out.push_back(tid);
    return out;
}

int SessionTarget::current_thread() { return session().process().current_tid(); }

std::string SessionTarget::thread_description(int tid) {
    linux::Thread* t = live_thread(tid);
    if (!t) return "";
    if (t->wait.kind == linux::Wait::Kind::none || t->wait.kind == linux::Wait::Kind::exited)
        return tid == current_thread() ? "on the CPU" : "runnable";
    return linux::describe_wait(t->wait);
}

bool SessionTarget::read_register(int tid, int regno, std::span<uint8_t> out) {
    linux::Thread* t = live_thread(tid);
    auto w = where(regno);
    if (!t || !w) return false;
    cpu::Engine& e = session().engine();
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
    cpu::Engine& e = session().engine();
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
    cpu::Engine& e = session().engine();
    size_t done = 0;
    // Page by page, so that a read running into an unmapped page returns what precedes it.
    while (done < out.size()) {
        uint64_t a = addr + done;
        size_t chunk = std::min<size_t>(out.size() - done, 0x1000 - (a & 0xfff));
        if (!e.try_read(guest::Addr(a), out.data() + done, chunk)) break;
        done += chunk;
    }
    return done;
}

bool SessionTarget::write_memory(uint64_t addr, std::span<const uint8_t> in) {
    cpu::Engine& e = session().engine();
    if (!e.try_write(guest::Addr(addr), in.data(), in.size())) return false;
    e.code_changed(addr, addr + in.size() - 1);  // it may be code: run the new bytes
    return true;
}

bool SessionTarget::add_breakpoint(uint64_t addr) {
    auto [it, fresh] = breaks_.try_emplace(addr, 0, 0);
    if (fresh) it->second.first = ctl_.add_break(addr, fmt::format("{:#x}", addr));
    ++it->second.second;
    return true;
}

bool SessionTarget::remove_breakpoint(uint64_t addr) {
    auto it = breaks_.find(addr);
    if (it == breaks_.end()) return false;
    if (--it->second.second == 0) {
        ctl_.remove(it->second.first);
        breaks_.erase(it);
    }
    return true;
}

bool SessionTarget::add_write_watch(uint64_t addr, uint64_t len) {
    if (len == 0 || addr + len < addr) return false;
    auto [it, fresh] = watches_.try_emplace({addr, len}, 0, 0);
    if (fresh) it->second.first = ctl_.add_watch(fmt::format("{:#x}", addr), addr, len);
    ++it->second.second;
    return true;
}

bool SessionTarget::remove_write_watch(uint64_t addr, uint64_t len) {
    auto it = watches_.find({addr, len});
    if (it == watches_.end()) return false;
    if (--it->second.second == 0) {
        ctl_.remove(it->second.first);
        watches_.erase(it);
    }
    return true;
}

void SessionTarget::kill() {
    if (!ended()) killed_ = linux::ExitInfo{linux::ExitInfo::Kind::signaled, 9, "killed by gdb"};
}

void SessionTarget::detach() {
    for (const auto& [addr, b] : breaks_) ctl_.remove(b.first);
    for (const auto& [range, w] : watches_) ctl_.remove(w.first);
    breaks_.clear();
    watches_.clear();
}

linux::ExitInfo SessionTarget::run_to_end() {
    detach();
    ctl_.set_interrupt_check([] { return false; });
    while (!ctl_.exited()) ctl_.resume(std::nullopt);
    return *ctl_.exit_info();
}

std::string SessionTarget::exec_file() {
    const std::string& path = session().program().path();
    char real[PATH_MAX];
    return ::realpath(path.c_str(), real) ? std::string(real) : path;
}

StopEvent SessionTarget::ended_event() const {
    linux::ExitInfo x = *ended();
    StopEvent ev;
    ev.kind = x.kind == linux::ExitInfo::Kind::signaled ? Kind::signaled : Kind::exited;
    ev.status = x.kind == linux::ExitInfo::Kind::signaled ? x.status : x.exit_status();
    if (x.kind == linux::ExitInfo::Kind::emulator_stop) ev.message = "gostart-emu: " + x.message;
    return ev;
}

StopEvent SessionTarget::event(const stepper::Stop& s, Kind done_kind) {
    using SK = stepper::Stop::Kind;
    linux::Process& p = session().process();
    switch (s.kind) {
        case SK::exited:
        case SK::already_exited: return ended_event();
        case SK::breakpoint: return StopEvent{Kind::breakpoint, p.current_tid()};
        case SK::watch:
            return StopEvent{Kind::watch, p.current_tid(), std::max(s.watch->written, s.watch->watch.addr)};
        case SK::interrupt: return StopEvent{Kind::interrupt, p.current_tid()};
        case SK::history_start:
        case SK::nothing_to_find: return StopEvent{Kind::history_end, p.current_tid()};
        case SK::done: break;
    }
    return StopEvent{done_kind, p.current_tid()};
}

// Thread `tid` is on the CPU and between two of its instructions (not inside a syscall that waits).
bool SessionTarget::on_cpu_between_instructions(int tid) {
    linux::Thread* t = live_thread(tid);
    return t && current_thread() == tid && t->runnable() && !t->pending_result.has_value();
}

uint64_t SessionTarget::thread_pc(int tid) {
    linux::Thread* t = live_thread(tid);
    if (!t) return 0;
    cpu::Engine& e = session().engine();
    return tid == current_thread() ? e.reg(Reg::rip) : e.context_reg(t->ctx, Reg::rip);
}

StopEvent SessionTarget::step_thread(int tid, bool signalled) {
    const std::function<bool()> on_cpu = [this, tid] { return current_thread() == tid; };
    linux::Thread* t = live_thread(tid);
    const bool waiting = !t->runnable() || t->pending_result.has_value();
    const uint64_t pc = thread_pc(tid);
    if (signalled || !on_cpu_between_instructions(tid)) {
        // Elsewhere, or a signal to take first: wait for its turn. A thread waiting in a syscall
        // completes its step when the call returns, before its next instruction; one the kernel
        // sends to a signal handler stops before the handler's first instruction, as a single step
        // does on Linux.
        stepper::Stop s = ctl_.run_until_block(on_cpu);
        if (s.kind != stepper::Stop::Kind::done || waiting || !live_thread(tid) || thread_pc(tid) != pc)
            return event(s, Kind::step);
    }
    stepper::Stop s = ctl_.step(1);
    if (s.kind != stepper::Stop::Kind::done || !live_thread(tid) || on_cpu_between_instructions(tid))
        return event(s, Kind::step);
    // Its instruction gave the CPU away: the step ends where the thread runs again.
    return event(ctl_.run_until_block(on_cpu), Kind::step);
}

StopEvent SessionTarget::resume(const gdbstub::ResumeRequest& r, const std::function<bool()>& interrupted) {
    if (ended()) return ended_event();
    if (r.reverse) return backward(r);
    bool signalled = false;
    if (r.signal)
        if (linux::Thread* t = live_thread(r.signal_tid)) {
            session().process().send_signal(*t, r.signal);
            signalled = r.signal_tid == r.tid;
        }
    // gdb's Ctrl-C (and a dropped connection) arrive while the program runs: look now and then.
    uint32_t blocks = 0;
    ctl_.set_interrupt_check([&] { return ++blocks % 2048 == 0 && interrupted(); });
    struct Reset {
        stepper::Controller& c;
        ~Reset() { c.set_interrupt_check([] { return false; }); }
    } reset{ctl_};
    if (r.step && live_thread(r.tid)) return step_thread(r.tid, signalled);
    return event(ctl_.resume(std::nullopt), Kind::interrupt);
}

// Backwards through the controller's checkpoints: to the stepped thread's previous instruction, or
// to the last breakpoint hit or watched write before now; with nothing earlier, a step stays where
// it is (the thread has no earlier instruction) and a continue goes to the program's first
// instruction. Both then say the history ends there.
StopEvent SessionTarget::backward(const gdbstub::ResumeRequest& r) {
    if (r.step) return event(ctl_.reverse_step(r.tid), Kind::step);
    stepper::Stop s = ctl_.reverse_continue();
    if (s.kind == stepper::Stop::Kind::history_start || s.kind == stepper::Stop::Kind::nothing_to_find) ctl_.go_to(0);
    return event(s, Kind::breakpoint);
}

}  // namespace gostart::app
