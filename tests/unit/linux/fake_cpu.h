// FakeCpu: a GuestCpu with no Unicorn behind it, for unit tests of the Linux layer alone. It does
// not decode instructions: its "program" is a list of steps, each 2 bytes long as a `syscall` is,
// step i at kText + 2 i, and rip says which is next (a restarted syscall, rip - 2, runs its step
// again). Each run_until() executes one step — a syscall the test describes by its number and arguments —
// and stops as the engine does after a `syscall` instruction, or reports a scripted fault or a
// debugger's stop. Memory is pages with protections, as the engine keeps them. The test binary
// that uses it links the Linux layer and no engine: the Linux layer needs nothing else.
#pragma once

#include "cpu/guest_cpu.h"
#include "cpu/prot.h"

#include <array>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <vector>

namespace gostart::test {

class FakeCpu final : public cpu::GuestCpu {
public:
    static constexpr uint64_t kPage = 4096;
    static constexpr uint64_t kInsnsPerStep = 10;  // what each step counts as, for the scheduler's slices
    static constexpr uint64_t kText = 0x400000;    // where step 0 is

    struct Step {
        enum class Kind { syscall, pause } kind = Kind::syscall;
        // syscall: sets rax and the argument registers; may read what earlier steps left (results()).
        std::function<void(FakeCpu&)> set_up;
    };
    static Step syscall(std::function<void(FakeCpu&)> set_up) { return Step{Step::Kind::syscall, std::move(set_up)}; }
    static Step pause() { return Step{Step::Kind::pause, {}}; }

    std::vector<Step> program;

    // rax after each syscall step, in order (what the Linux layer answered).
    const std::vector<int64_t>& results() const { return results_; }
    void set_args(uint64_t nr, std::initializer_list<uint64_t> args) {
        static constexpr cpu::Reg kArgs[] = {cpu::Reg::rdi, cpu::Reg::rsi, cpu::Reg::rdx, cpu::Reg::r10, cpu::Reg::r8,
                                             cpu::Reg::r9};
        size_t i = 0;
        for (uint64_t a : args) regs_[kArgs[i++]] = a;
        regs_[cpu::Reg::rax] = nr;
    }

    // The whole machine, for a test's own checkpoint: registers, memory and counters.
    struct State {
        cpu::RegisterFile regs;
        std::map<uint64_t, std::pair<uint32_t, std::array<uint8_t, kPage>>> pages;
        uint64_t insns = 0;
        std::vector<int64_t> results;
        bool in_syscall = false;
    };
    State state() const { return {regs_, pages_, insns_, results_, in_syscall_}; }
    void set_state(const State& s) {
        regs_ = s.regs, pages_ = s.pages, insns_ = s.insns, results_ = s.results, in_syscall_ = s.in_syscall;
    }

    uint64_t reg(cpu::Reg r) const override { return regs_[r]; }
    void set_reg(cpu::Reg r, uint64_t value) override { regs_[r] = value; }
    cpu::RegisterFile regs() const override { return regs_; }
    void set_regs(const cpu::RegisterFile& rf) override { regs_ = rf; }
    void set_fp_control(uint16_t, uint32_t) override {}

    void map(guest::Addr at, uint64_t size, uint32_t prot) override {
        for (uint64_t p = at.addr(); p < at.addr() + size; p += kPage) pages_[p] = {prot, {}};
    }
    void unmap(guest::Addr at, uint64_t size) override {
        for (uint64_t p = at.addr(); p < at.addr() + size; p += kPage) pages_.erase(p);
    }
    void protect(guest::Addr at, uint64_t size, uint32_t prot) override {
        for (uint64_t p = at.addr(); p < at.addr() + size; p += kPage)
            if (auto it = pages_.find(p); it != pages_.end()) it->second.first = prot;
    }
    void discard(guest::Addr at, uint64_t size) override {
        for (uint64_t p = at.addr(); p < at.addr() + size; p += kPage)
            if (auto it = pages_.find(p); it != pages_.end()) it->second.second.fill(0);
    }

    bool try_read(guest::Addr at, void* dst, size_t n) const override { return copy_out(at.addr(), dst, n, 0); }
    bool try_write(guest::Addr at, const void* src, size_t n) override { return copy_in(at.addr(), src, n, 0); }
    bool try_read_user(guest::Addr at, void* dst, size_t n) const override {
        return copy_out(at.addr(), dst, n, cpu::kProtRead);
    }
    bool try_write_user(guest::Addr at, const void* src, size_t n) override {
        return copy_in(at.addr(), src, n, cpu::kProtWrite);
    }

    cpu::Context save() const override {
        cpu::Context c;
        save(c);
        return c;
    }
    void save(cpu::Context& into) const override { into = cpu::Context(std::make_unique<Saved>(regs_)); }
    void restore(const cpu::Context& ctx) override { regs_ = dynamic_cast<const Saved&>(*ctx.state()).regs; }
    uint64_t context_reg(const cpu::Context& ctx, cpu::Reg r) const override {
        return dynamic_cast<const Saved&>(*ctx.state()).regs[r];
    }

    cpu::StopReason run(uint64_t budget) override { return run_until(budget ? insns_ + budget : 0); }
    cpu::StopReason run_until(uint64_t) override {
        if (in_syscall_) results_.push_back(static_cast<int64_t>(regs_[cpu::Reg::rax]));
        in_syscall_ = false;
        uint64_t pc = regs_[cpu::Reg::rip];
        uint64_t at = (pc - kText) / 2;
        cpu::StopReason r;
        r.pc = pc;
        if (pc < kText || (pc - kText) % 2 || at >= program.size()) {  // off the program: a fetch from nowhere
            r.kind = cpu::StopReason::Kind::fault;
            r.access = cpu::StopReason::Access::fetch;
            r.unmapped = true;
            r.address = pc;
            return r;
        }
        const Step& s = program[at];
        insns_ += kInsnsPerStep;
        regs_[cpu::Reg::rip] = pc + 2;
        if (s.kind == Step::Kind::pause) {
            r.kind = cpu::StopReason::Kind::instruction_count;  // a debugger's stop, as the engine gives it
            return r;
        }
        s.set_up(*this);
        in_syscall_ = true;
        r.kind = cpu::StopReason::Kind::syscall;  // rip is past it, as after the engine's syscall hook
        return r;
    }
    void request_stop() override {}
    uint64_t instructions() const override { return insns_; }

private:
    struct Saved final : cpu::Context::State {
        cpu::RegisterFile regs;
        explicit Saved(const cpu::RegisterFile& r) : regs(r) {}
        std::unique_ptr<cpu::Context::State> clone() const override { return std::make_unique<Saved>(regs); }
    };

    bool copy_out(uint64_t addr, void* dst, size_t n, uint32_t need) const {
        auto* out = static_cast<uint8_t*>(dst);
        for (size_t done = 0; done < n;) {
            auto it = pages_.find((addr + done) & ~(kPage - 1));
            if (it == pages_.end() || (it->second.first & need) != need) return false;
            size_t off = (addr + done) % kPage, k = std::min(n - done, kPage - off);
            std::memcpy(out + done, it->second.second.data() + off, k);
            done += k;
        }
        return true;
    }
    bool copy_in(uint64_t addr, const void* src, size_t n, uint32_t need) {
        auto* in = static_cast<const uint8_t*>(src);
        for (size_t done = 0; done < n;) {
            auto it = pages_.find((addr + done) & ~(kPage - 1));
            if (it == pages_.end() || (it->second.first & need) != need) return false;
            size_t off = (addr + done) % kPage, k = std::min(n - done, kPage - off);
            std::memcpy(it->second.second.data() + off, in + done, k);
            done += k;
        }
        return true;
    }

    cpu::RegisterFile regs_;
    std::map<uint64_t, std::pair<uint32_t, std::array<uint8_t, kPage>>> pages_;
    uint64_t insns_ = 0;
    std::vector<int64_t> results_;
    bool in_syscall_ = false;
};

}  // namespace gostart::test
