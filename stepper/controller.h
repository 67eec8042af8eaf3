// Controller: where the debugged program is and how it moves, for every front-end (the stepper's
// REPL, stepper/debugger.h, and the gdb stub's target, app/gdb_target.h). Positions are instruction
// counts, exact at every stop (the engine stops inside blocks when asked: cpu/engine.h). Going
// backwards restores the last checkpoint at or before the wanted count and runs forward to it
// (stepper/checkpoints.h): execution is deterministic, so that is exactly the state a plain forward
// run has there. While it replays instructions it has already shown, the process is quiet (no strace
// lines, no guest output a second time); the furthest position reached (`high_water_`) is where
// quiet ends. Every move returns a Stop that says, as data, why it ended; the front-end words it.
#pragma once

#include "stepper/checkpoints.h"
#include "stepper/target.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

namespace gostart::stepper {

struct Breakpoint {
    int id = 0;
    uint64_t addr = 0;
    std::string where;  // as the user wrote it
};

// `watch EXPR`: stop right after an instruction changes these bytes (gdb's hardware watchpoint).
struct Watch {
    int id = 0;
    std::string expr;
    uint64_t addr = 0;
    uint64_t size = 8;
};

// A watch that triggered: its values before and after (the first 8 bytes) and who wrote.
struct WatchReport {
    Watch watch;
    uint64_t old_value = 0, new_value = 0;
    uint64_t writer = 0;   // the writing instruction's address
    uint64_t written = 0;  // the first byte the instruction wrote
};

// Why a move ended.
struct Stop {
    enum class Kind {
        done,             // where it was asked to go
        breakpoint,       // before the instruction at `breakpoint`
        watch,            // right after the instruction that changed `watch`
        interrupt,        // the interrupt check said so, before a block
        exited,           // the program ended during the move: `exit`
        already_exited,   // a forward move asked after the end: `exit`; nothing ran
        nothing_to_find,  // reverse_continue without breakpoints or watches; nothing moved
        history_start,    // going back found nothing before here (the position is unchanged)
    };
    Kind kind = Kind::done;
    uint64_t position = 0;  // where the program is now
    std::optional<Breakpoint> breakpoint;
    std::optional<WatchReport> watch;
    std::optional<linux::ExitInfo> exit;  // exited, already_exited; history_start if the replay ended the run
};

class Controller {
public:
    // `notes`: where a checkpoint that could not be taken is mentioned. A policy with `interval` 0
    // and `reversible` false keeps no checkpoint at all: a forward-only run (run --gdb, check --gdb).
    Controller(Launcher launch, std::ostream& notes, CheckpointPolicy policy = {});

    session::Session& session() { return *target_.session; }
    const Target& target() const { return target_; }
    uint64_t position() const { return pos_; }
    bool exited() const { return exit_.has_value(); }
    const std::optional<linux::ExitInfo>& exit_info() const { return exit_; }
    int exit_status() const { return exit_ ? exit_->exit_status() : 0; }
    // The session's status: the program's exit status if it ran to its end at some point (going
    // back afterwards does not undo that), else 0.
    int session_status() const { return ended_ ? ended_->exit_status() : 0; }
    bool reversible() const { return checkpoints_.policy().reversible; }

    // Forward. Each stops at breakpoints and watches, except a breakpoint where it starts.
    Stop step(uint64_t n);                         // stepi N
    Stop resume(std::optional<uint64_t> temp_at);  // continue; temp_at: a one-shot stop address
    // Runs until an instruction in [begin, end] (every one when begin > end) for which `here(pc)` is
    // true (the one it starts at excepted), or `temp_at`: the source-line steps (`step`, `next`).
    struct Until {
        uint64_t begin = 0, end = 0;
        std::function<bool(uint64_t pc)> here;
    };
    Stop run_until(const Until& until, std::optional<uint64_t> temp_at);
    // Runs until a block starts for which `here()` is true, and stops before it. Threads switch
    // only between blocks, so `current thread is T` stops where T next gets the CPU, at no cost per
    // instruction.
    Stop run_until_block(const std::function<bool()>& here);
    // To any instruction count (rstepi: backwards). Breakpoints and watches do not stop it.
    Stop go_to(uint64_t n);
    // Back to the last breakpoint hit or watch trigger before this position.
    Stop reverse_continue();
    // Back to the start of thread `tid`'s last instruction before this position (gdb's
    // reverse-stepi of one thread): the stretches before now are replayed noting which thread ran
    // each block.
    Stop reverse_step(int tid);
    const Stop& last_stop() const { return last_; }

    std::vector<Breakpoint>& breakpoints() { return breaks_; }
    int add_break(uint64_t addr, std::string where);
    std::vector<Watch>& watches() { return watches_; }
    int add_watch(std::string expr, uint64_t addr, uint64_t size);
    bool remove(int id);  // a breakpoint or a watch
    const CheckpointStore& checkpoints() const { return checkpoints_; }

    // Polled before each block while the program runs; true stops it (Stop::Kind::interrupt). The
    // default reads `interrupted`, which the REPL's SIGINT handler sets.
    void set_interrupt_check(std::function<bool()> check);
    static std::atomic<bool> interrupted;

private:
    // Backwards, a stretch between checkpoints at a time, until `look(from, hi)` (the stretch
    // [from, hi) restored to its start) says where it stopped; else history_start where it was.
    Stop back_through_stretches(const std::function<std::optional<Stop>(uint64_t from, uint64_t hi)>& look);
    struct Hit {
        uint64_t pos;
        Stop stop;
    };
    // What one run looks for; see run().
    struct RunSpec {
        std::optional<uint64_t> target;  // stop there
        bool stops = true;               // at breakpoints and watches
        std::optional<uint64_t> temp_at;
        const Until* until = nullptr;
        const std::function<bool()>* at_block = nullptr;
        // Replays: every hit before `target` is appended and the run goes on, a hit where it starts
        // included (reverse_continue); or each block's first position and thread (reverse_step).
        std::vector<Hit>* record = nullptr;
        std::vector<std::pair<uint64_t, int>>* blocks = nullptr;
    };
    // Runs from here until what `spec` asks, an interrupt or the end; takes checkpoints on the way.
    Stop run(const RunSpec& spec);
    Stop moved(Stop s);  // remembers s as the last stop, with the position
    void restore(const Checkpoint& c);
    void take_checkpoint();
    std::optional<WatchReport> watch_report(const Watch& w);

    Target target_;
    std::ostream& notes_;
    CheckpointStore checkpoints_;
    uint64_t pos_ = 0;         // instructions executed
    uint64_t high_water_ = 0;  // the furthest position reached: output up to it has been shown
    std::optional<linux::ExitInfo> exit_;
    std::optional<linux::ExitInfo> ended_;  // how the program ended, once it has
    std::vector<Breakpoint> breaks_;
    std::vector<Watch> watches_;
    int next_id_ = 1;
    Stop last_;
    std::function<bool()> interrupt_check_;
};

}  // namespace gostart::stepper
