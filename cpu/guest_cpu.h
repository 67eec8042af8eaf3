// GuestCpu: the small interface through which the Linux layer sees the CPU. The Engine implements it;
// unit tests of the Linux layer implement it without Unicorn (tests/unit/linux/fake_cpu.h). Nothing
// here names Unicorn: the Linux layer builds against this header alone (linux/meson.build).
#pragma once

#include "cpu/registers.h"
#include "guest/ptr.h"

#include <cstddef>
#include <cstdint>
#include <memory>

namespace gostart::cpu {

// Why run() returned.
struct StopReason {
    enum class Kind {
        syscall,        // a `syscall` instruction executed; rip is already past it
        budget,         // the instruction budget given to run() is used up
        requested,      // request_stop() from a hook
        fault,          // a memory access the mappings do not allow (address, access below)
        interrupt,      // a software interrupt or CPU exception (int3, #DE, #UD ...): `vector`
        invalid_insn,   // an instruction Unicorn cannot execute
        instruction_count,  // the count set with stop_at_instruction() is reached (a debugger's stop)
        watch,          // an instruction wrote watched memory; rip is past it (a debugger's stop): `watch_id`
    };
    enum class Access { none, read, write, fetch };
    Kind kind = Kind::requested;
    uint64_t address = 0;   // fault: the address accessed
    Access access = Access::none;
    bool unmapped = false;  // fault: nothing mapped there (else: protection)
    uint32_t vector = 0;    // interrupt
    bool software = false;  // interrupt: raised by an `int n`/`int3` instruction (pc is past it, address
                            // is where it starts), not a CPU exception (pc is the faulting instruction)
    uint64_t pc = 0;        // the instruction that stopped (syscall: the syscall itself; watch: the writer)
    int watch_id = 0;       // watch: which write watch fired
};

// A saved CPU state (all registers, SSE and x87 included): thread switches and signal frames.
// What is inside belongs to the CPU that saved it (the Unicorn engine's uc_context, a unit test's
// fake CPU's registers): the Linux layer only keeps, copies and hands back contexts. Copying one
// copies that state (a few KB for the engine's): checkpoints copy threads whole.
class Context {
public:
    class State {
    public:
        virtual ~State() = default;
        virtual std::unique_ptr<State> clone() const = 0;
    };

    Context() = default;
    explicit Context(std::unique_ptr<State> state) : state_(std::move(state)) {}
    Context(Context&&) noexcept = default;
    Context& operator=(Context&&) noexcept = default;
    Context(const Context& o) : state_(o.state_ ? o.state_->clone() : nullptr) {}
    Context& operator=(const Context& o) {
        if (this != &o) state_ = o.state_ ? o.state_->clone() : nullptr;
        return *this;
    }
    bool valid() const { return state_ != nullptr; }
    State* state() { return state_.get(); }
    const State* state() const { return state_.get(); }

private:
    std::unique_ptr<State> state_;
};

class GuestCpu {
public:
    virtual ~GuestCpu() = default;
    virtual uint64_t reg(Reg r) const = 0;
    virtual void set_reg(Reg r, uint64_t value) = 0;
    virtual RegisterFile regs() const = 0;
    virtual void set_regs(const RegisterFile& rf) = 0;
    // The floating-point control state: the x87 control word and MXCSR (a new process's are the
    // psABI's 0x37f and 0x1f80; exception flags and the x87 stack are left as they are).
    virtual void set_fp_control(uint16_t x87_control, uint32_t mxcsr) = 0;

    // Guest addresses are guest::Addr (guest/ptr.h): a size or a host pointer cannot be passed as one.
    virtual void map(guest::Addr addr, uint64_t size, uint32_t prot) = 0;
    virtual void unmap(guest::Addr addr, uint64_t size) = 0;
    virtual void protect(guest::Addr addr, uint64_t size, uint32_t prot) = 0;
    // [addr, addr + size) (page-aligned, mapped) reads back as zeros from now on, and the host may take
    // its memory back (MADV_DONTNEED on private anonymous memory).
    virtual void discard(guest::Addr addr, uint64_t size) = 0;

    // The debugger's view: any mapped byte, whatever its protection (loading, inspecting, signal set-up).
    virtual bool try_read(guest::Addr addr, void* dst, size_t n) const = 0;
    virtual bool try_write(guest::Addr addr, const void* src, size_t n) = 0;
    // The guest's own view, for the kernel's copy_from_user/copy_to_user: false (EFAULT) unless every
    // byte is mapped readable (writable) — a PROT_NONE guard page stays untouchable by syscalls too.
    virtual bool try_read_user(guest::Addr addr, void* dst, size_t n) const = 0;
    virtual bool try_write_user(guest::Addr addr, const void* src, size_t n) = 0;

    virtual Context save() const = 0;
    virtual void save(Context& into) const = 0;
    virtual void restore(const Context& ctx) = 0;
    // A register of a saved context (a switched-out thread), without restoring it.
    virtual uint64_t context_reg(const Context& ctx, Reg r) const = 0;

    // Runs from rip until something stops it. The budget (0 = none) is checked at block boundaries:
    // the run stops before the first block that starts at or past it, so it may end inside the last block's
    // length beyond `budget` (a block is at most a few dozen instructions).
    virtual StopReason run(uint64_t budget) = 0;
    // The same with an absolute end: stop before the first block that starts when instructions() is at
    // or past `end` (0 = none). An end already passed stops before the next block, except that a run
    // resumed inside a block (after a debugger's stop there) first finishes that block, as the run that
    // was not stopped would have: where runs end never depends on where a debugger looked.
    virtual StopReason run_until(uint64_t end) = 0;
    virtual void request_stop() = 0;
    virtual uint64_t instructions() const = 0;
};

}  // namespace gostart::cpu
