// Controller: where the stepped program is and how it moves. Positions are instruction counts: a
// single step runs until the count reaches a target (a code hook on every instruction, armed only in
// the block that holds the target); going backwards launches a fresh Target and replays it forward to
// the wanted count, which gives exactly the state a plain forward run has there.
//
// The engine counts instructions block by block, so a stop inside a block over-counts the block's
// rest; the controller keeps the true count itself (`drift_`: what the engine counts too many).
#pragma once

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

struct Watch {
    std::string expr;
    uint64_t addr = 0;
    uint64_t size = 8;
    uint64_t value = 0;
};

class Controller {
public:
    Controller(Launcher launch, std::ostream& out);

    app::Session& session() { return *target_.session; }
    const Target& target() const { return target_; }
    uint64_t position() const { return pos_; }
    bool exited() const { return exit_.has_value(); }
    int exit_status() const { return exit_ ? exit_->exit_status() : 0; }

    // Forward. Each returns after printing why it stopped (breakpoint, watch, exit, interrupt).
    void step(uint64_t n);                        // stepi N
    void resume(std::optional<uint64_t> temp_at);  // continue; temp_at: a one-shot stop address
    // Backward: to instruction count `n` (< position) by replay; rcontinue: to the previous breakpoint hit.
    void go_to(uint64_t n);
    void reverse_continue();

    std::vector<Breakpoint>& breakpoints() { return breaks_; }
    int add_break(uint64_t addr, std::string where);
    std::vector<Watch>& watches() { return watches_; }

    // Set by the SIGINT handler: a running `continue` stops at the next block.
    static std::atomic<bool> interrupted;

private:
    // Runs from the current position until `target` (if any), a breakpoint (if `breaks`), `temp_at`, a
    // watch, an interrupt or the end. `record`: every breakpoint hit before `target` is appended, not stopped at.
    void run(std::optional<uint64_t> target, bool breaks, std::optional<uint64_t> temp_at,
             std::vector<uint64_t>* record = nullptr);
    void relaunch();
    void report_stop();
    uint64_t count_at(uint64_t pc);

    Launcher launch_;
    std::ostream& out_;
    Target target_;
    uint64_t pos_ = 0;    // instructions executed (true count)
    uint64_t drift_ = 0;  // engine count minus the true count
    std::optional<linux::ExitInfo> exit_;
    std::vector<Breakpoint> breaks_;
    std::vector<Watch> watches_;
    int next_break_ = 1;
    std::string why_;
    std::pair<uint64_t, uint64_t> text_;  // [first, last] address of the program's code  // why the last run stopped, for report_stop
};

}  // namespace gostart::stepper
