// Controller: where the stepped program is and how it moves. Positions are instruction counts, exact
// at every stop (the engine stops inside blocks when asked: cpu/engine.h). Going backwards restores
// the last checkpoint at or before the wanted count and runs forward to it (stepper/checkpoints.h):
// execution is deterministic, so that is exactly the state a plain forward run has there. While it
// replays instructions it has already shown, the process is quiet (no strace lines, no guest output a
// second time); the furthest position reached (`high_water_`) is where quiet ends.
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

// Why the last move stopped early, for the commands to report.
struct WatchReport {
    const Watch* watch = nullptr;
    uint64_t old_value = 0, new_value = 0;
    uint64_t writer = 0;  // the writing instruction's address
};

class Controller {
public:
    Controller(Launcher launch, std::ostream& out, CheckpointPolicy policy = {});

    session::Session& session() { return *target_.session; }
    const Target& target() const { return target_; }
    uint64_t position() const { return pos_; }
    bool exited() const { return exit_.has_value(); }
    int exit_status() const { return exit_ ? exit_->exit_status() : 0; }
    // The session's status: the program's exit status if it ran to its end at some point (going
    // back afterwards does not undo that), else 0.
    int session_status() const { return ended_ ? ended_->exit_status() : 0; }

    // Forward. Each returns after printing why it stopped early (breakpoint, watch, exit, interrupt);
    // both stop at breakpoints and watches, except a breakpoint where they start.
    void step(uint64_t n);                         // stepi N
    void resume(std::optional<uint64_t> temp_at);  // continue; temp_at: a one-shot stop address
    // Runs until an instruction in [begin, end] (every one when begin > end) for which `here(pc)` is
    // true (the one it starts at excepted), or `temp_at`: the source-line steps (`step`, `next`).
    struct Until {
        uint64_t begin = 0, end = 0;
        std::function<bool(uint64_t pc)> here;
    };
    void run_until(const Until& until, std::optional<uint64_t> temp_at);
    // Whether the last move stopped for a breakpoint, a watch, an interrupt or the end, not where
    // it was asked to.
    bool stopped_early() const { return !why_.empty() || exited(); }
    // To any instruction count (rstepi: backwards). Breakpoints and watches do not stop it.
    void go_to(uint64_t n);
    // Back to the last breakpoint hit or watch trigger before this position.
    void reverse_continue();

    std::vector<Breakpoint>& breakpoints() { return breaks_; }
    int add_break(uint64_t addr, std::string where);
    std::vector<Watch>& watches() { return watches_; }
    int add_watch(std::string expr, uint64_t addr, uint64_t size);
    bool remove(int id);  // a breakpoint or a watch
    const std::optional<WatchReport>& last_watch() const { return last_watch_; }
    const CheckpointStore& checkpoints() const { return checkpoints_; }

    // Set by the SIGINT handler: a running `continue` stops before the next block.
    static std::atomic<bool> interrupted;

private:
    struct Hit {
        uint64_t pos;
        std::string why;
        std::optional<WatchReport> watch;
    };
    // Runs from here until `target` (if any), a breakpoint or watch (if `stops`), `temp_at`, an
    // interrupt or the end; takes checkpoints on the way. With `record`, every hit before `target` is
    // appended to it and the run goes on (rcontinue's replays), a hit where it starts included.
    void run(std::optional<uint64_t> target, bool stops, std::optional<uint64_t> temp_at,
             std::vector<Hit>* record = nullptr, const Until* until = nullptr);
    void restore(const Checkpoint& c);
    void take_checkpoint();
    std::optional<WatchReport> watch_report();
    void report_stop();

    Target target_;
    std::ostream& out_;
    CheckpointStore checkpoints_;
    uint64_t pos_ = 0;         // instructions executed
    uint64_t high_water_ = 0;  // the furthest position reached: output up to it has been shown
    std::optional<linux::ExitInfo> exit_;
    std::optional<linux::ExitInfo> ended_;  // how the program ended, once it has
    std::vector<Breakpoint> breaks_;
    std::vector<Watch> watches_;
    int next_id_ = 1;
    std::string why_;  // why the last run stopped, for report_stop
    std::optional<WatchReport> last_watch_;
};

}  // namespace gostart::stepper
