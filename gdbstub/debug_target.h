// DebugTarget: what the gdb stub needs from the program it debugs, and all it knows of it. The stub
// speaks the protocol; the target (app/gdb_target.cpp over an emulated Session, or a fake in the unit
// tests) reads and writes the program's state and runs it. Thread ids are the guest's tids;
// register numbers are gdb's (amd64_registers.h); signal numbers are Linux's.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

namespace gostart::gdbstub {

// Why the program stopped (or ended) after a resume.
struct StopEvent {
    enum class Kind {
        step,          // the stepped thread completed its instruction
        breakpoint,    // a thread is at a breakpoint address, before executing it
        watch,         // a thread wrote a watched range; it stopped after the writing instruction
        interrupt,     // gdb interrupted the run (Ctrl-C)
        history_end,   // reverse execution reached the start of the run
        exited,        // the process ended: `status` is its exit status (message: why, if the emulator ended it)
        signaled,      // the process died of Linux signal `status`
    };
    Kind kind = Kind::step;
    int tid = 0;             // the thread that stopped
    uint64_t data_addr = 0;  // watch: the address written
    int status = 0;
    std::string message;
};

struct ResumeRequest {
    bool step = false;     // single-step `tid` (other threads may run meanwhile); else continue
    bool reverse = false;  // backwards (only when can_reverse())
    int tid = 0;           // the thread to step
    int signal = 0;        // a Linux signal to deliver to `signal_tid` first; 0: none
    int signal_tid = 0;
};

class DebugTarget {
public:
    virtual ~DebugTarget() = default;

    virtual std::vector<int> threads() = 0;          // live threads, ascending
    virtual int current_thread() = 0;                // the thread the program last stopped in
    virtual std::string thread_description(int tid) = 0;  // "" or a few words ("futex wait 0x...")

    // `out`/`in` have exactly the register's size. False: unavailable (no such thread or register).
    virtual bool read_register(int tid, int regno, std::span<uint8_t> out) = 0;
    virtual bool write_register(int tid, int regno, std::span<const uint8_t> in) = 0;
    // Reads as many leading bytes as are readable; returns that count.
    virtual size_t read_memory(uint64_t addr, std::span<uint8_t> out) = 0;
    virtual bool write_memory(uint64_t addr, std::span<const uint8_t> in) = 0;

    // Software breakpoints and write watchpoints. Memory reads keep showing the original bytes.
    virtual bool add_breakpoint(uint64_t addr) = 0;
    virtual bool remove_breakpoint(uint64_t addr) = 0;
    virtual bool add_write_watch(uint64_t addr, uint64_t len) = 0;
    virtual bool remove_write_watch(uint64_t addr, uint64_t len) = 0;

    // Runs until a stop; `interrupted` is polled now and then and returns true to stop the run.
    virtual StopEvent resume(const ResumeRequest& r, const std::function<bool()>& interrupted) = 0;
    virtual bool can_reverse() const { return false; }

    virtual void kill() = 0;    // end the program now
    virtual void detach() = 0;  // forget breakpoints and watches; the program will run on by itself
    virtual std::string exec_file() = 0;  // the program's path, absolute
};

}  // namespace gostart::gdbstub
