// InitProfiler: measures a run's start-up for `inittrace` — the runtime's phases and each package init
// task — with one-address code hooks only (free for the rest of the code, no per-block cost):
//   * the calls that bracket a phase: rt0_go's `call schedinit`, runtime.main's `call doInit` (the
//     first: the runtime's own tasks; the others: the main module's) and `call gcenable`, each hooked
//     at the call and at the instruction after it; main.main from its entry to the end of the run;
//   * the indirect call in runtime.doInit (go1.13-1.20) or runtime.doInit1 (go1.21+) that runs each
//     init function, and the instruction after it; the task itself is read at doInit's or doInit1's
//     entry (runtime_model/init_task.h), so that every function of a task counts for the package the
//     runtime names after the task's first function, as GODEBUG=inittrace=1 does;
//   * runtime.mallocgc's entry, for the size and type of each allocation;
//   * the Linux layer's syscall callback (clone starts a thread) and thread switches, so that each row
//     counts what its own thread did: the main goroutine is locked to its thread during init.
#pragma once

#include "app/init_profile.h"
#include "runtime_model/init_task.h"
#include "session/session.h"
#include "trace/thread_clock.h"

#include <map>
#include <memory>
#include <unordered_map>
#include <vector>

namespace gostart::app {

class InitProfiler {
public:
    // Installs the hooks; construct before session.run().
    explicit InitProfiler(session::Session& session);
    InitProfile finish(const linux::ExitInfo& exit);

private:
    struct ThreadCounters {
        uint64_t bytes = 0, allocs = 0, syscalls = 0, threads = 0;  // everything the thread did
        // What the init goroutine itself allocated: what the runtime's inittrace counts (not the
        // allocations made on the system stack, g0, as newproc's).
        uint64_t g_bytes = 0, g_allocs = 0;
        model::TinyBlock tiny;
    };
    struct Open {
        InitRow* row;
        int tid;
        InitCost at;  // the thread's counters when the row was entered
    };
    InitCost counters(int tid, uint64_t now, bool goroutine_only) const;
    uint64_t current_g() const;
    void enter(InitRow* row, int tid, uint64_t now);
    void leave(int tid, uint64_t now);
    void hook_call_span(uint64_t call, uint64_t next, std::function<InitRow*(uint64_t pc)> row);
    void on_task(uint64_t task_addr);
    InitRow* package_row(uint64_t fn);
    InitRow* phase_row(const std::string& name);
    bool is_package(const InitRow* row) const;
    uint64_t arg(int n) const;  // the n-th integer argument on entry (register or stack ABI)
    void on_malloc(uint64_t pc);

    session::Session& s_;
    cpu::Engine& e_;
    bool register_abi_, malloc_header_;
    model::InitTaskLayout layout_;
    trace::ThreadClock clock_;
    std::unordered_map<int, ThreadCounters> threads_;
    std::vector<std::unique_ptr<InitRow>> phases_, packages_;  // in the order first entered
    std::map<std::string, InitRow*> package_by_name_;
    std::unordered_map<uint64_t, std::string> task_of_fn_;  // fn entry -> the package its task is named after
    std::vector<Open> open_;
    std::string current_phase_;
    bool reached_main_ = false;
    uint64_t init_g_ = 0;  // the main goroutine's g, which runs the inits
    std::vector<std::string> syscalls_before_main_;
};

}  // namespace gostart::app
