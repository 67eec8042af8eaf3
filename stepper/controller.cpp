#include "stepper/controller.h"

#include <fmt/format.h>

#include <cstring>
#include <iostream>
#include <map>

namespace gostart::stepper {

std::atomic<bool> Controller::interrupted{false};

Controller::Controller(Launcher launch, std::ostream& out, CheckpointPolicy policy)
    : target_(launch()), out_(out), checkpoints_(policy) {
    take_checkpoint();  // instruction 0: every way back ends here at worst
}

int Controller::add_break(uint64_t addr, std::string where) {
    breaks_.push_back({next_id_, addr, std::move(where)});
    return next_id_++;
}

int Controller::add_watch(std::string expr, uint64_t addr, uint64_t size) {
    watches_.push_back({next_id_, std::move(expr), addr, size});
    return next_id_++;
}

bool Controller::remove(int id) {
    return std::erase_if(breaks_, [id](const Breakpoint& b) { return b.id == id; }) +
           std::erase_if(watches_, [id](const Watch& w) { return w.id == id; });
}

void Controller::take_checkpoint() {
    try {
        Checkpoint c{session().checkpoint(), target_.save_extra ? target_.save_extra() : std::any{}};
        checkpoints_.add(std::move(c), pos_);
    } catch (const std::exception& e) {
        // Going back will replay from an earlier checkpoint: slower, still exact.
        out_ << fmt::format("gostart-emu: no checkpoint at instruction {}: {}\n", pos_, e.what());
    }
}

void Controller::restore(const Checkpoint& c) {
    session().restore(*c.session);
    if (target_.restore_extra) target_.restore_extra(c.extra);
    pos_ = c.session->position;
    exit_.reset();
}

void Controller::run(std::optional<uint64_t> target, bool stops, std::optional<uint64_t> temp_at,
                     std::vector<Hit>* record, const Until* until) {
    why_.clear();
    last_watch_.reset();
    if (exit_) {
        out_ << fmt::format("The program has exited (exit status {}): rstepi and rcontinue go back.\n", exit_status());
        return;
    }
    session::Session& s = session();
    cpu::Engine& e = s.engine();
    const uint64_t start = pos_;
    const uint64_t start_pc = e.reg(cpu::Reg::rip);
    std::optional<Hit> stopped;
    auto hit = [&](uint64_t pc, std::string why) {
        uint64_t n = e.instructions_before(pc);
        if (record) {
            if (!target || n < *target) record->push_back({n, std::move(why), std::nullopt});
            return;
        }
        if (stopped || (n == start && pc == start_pc)) return;  // not where we continue from
        stopped = Hit{n, std::move(why), std::nullopt};
        s.process().pause();
    };
    std::vector<int> hooks;
    std::map<int, const Watch*> watch_of;  // engine watch id -> ours
    // Whatever ends the run (an exception included), the hooks that point at this frame go.
    struct Cleanup {
        Controller& c;
        std::vector<int>& hooks;
        std::map<int, const Watch*>& watches;
        ~Cleanup() {
            cpu::Engine& e = c.session().engine();
            e.stop_at_instruction(std::nullopt);
            for (int h : hooks) e.remove_hook(h);
            for (const auto& [id, w] : watches) e.remove_write_watch(id);
            e.set_block_observer(nullptr);
            c.session().process().set_quiet(false);
        }
    } cleanup{*this, hooks, watch_of};
    if (stops)
        for (const auto& bp : breaks_)
            hooks.push_back(e.add_code_hook(bp.addr, bp.addr, [&hit, &bp](uint64_t pc) {
                hit(pc, fmt::format("Breakpoint {} at {}", bp.id, bp.where));
            }));
    if (temp_at) hooks.push_back(e.add_code_hook(*temp_at, *temp_at, [&hit](uint64_t pc) { hit(pc, ""); }));
    if (until)
        hooks.push_back(e.add_code_hook(until->begin, until->end, [&hit, until](uint64_t pc) {
            if (until->here(pc)) hit(pc, "");
        }));
    if (stops)
        for (const auto& w : watches_) watch_of[e.add_write_watch(w.addr, w.size)] = &w;
    if (!record)
        e.set_block_observer([&](uint64_t addr, uint32_t) {
            if (stopped || !interrupted.exchange(false)) return;
            stopped = Hit{e.instructions_before(addr), "Interrupted.", std::nullopt};
            s.process().pause();  // before this block: the engine does not count it
        });

    std::cout.flush();
    for (;;) {
        // Stop at the target, where the next checkpoint is due, and where replay catches up with
        // what has been shown (quiet until there).
        const std::optional<uint64_t> due = checkpoints_.next_after(pos_);
        std::optional<uint64_t> stop = due;
        if (target && (!stop || *target < *stop)) stop = target;
        if (pos_ < high_water_ && (!stop || high_water_ < *stop)) stop = high_water_;
        s.process().set_quiet(pos_ < high_water_);
        e.stop_at_instruction(stop);
        linux::ExitInfo r = s.run();
        pos_ = e.instructions();
        high_water_ = std::max(high_water_, pos_);
        if (r.kind != linux::ExitInfo::Kind::paused) {
            exit_ = ended_ = r;
            break;
        }
        if (e.last_stop().kind == cpu::StopReason::Kind::watch) {
            auto w = watch_of.find(e.last_stop().watch_id);
            if (w == watch_of.end()) continue;
            WatchReport rep{w->second, 0, 0, e.last_watch_hit().pc};
            std::memcpy(&rep.old_value, e.last_watch_hit().old_bytes.data(), std::min<size_t>(8, w->second->size));
            e.try_read(w->second->addr, &rep.new_value, w->second->size);
            if (rep.old_value == rep.new_value) continue;  // as gdb: the same value written is no change
            Hit h{pos_, fmt::format("Watchpoint {}: {}", w->second->id, w->second->expr), rep};
            if (!record) {
                stopped = h;
                break;
            }
            if (!target || pos_ < *target) record->push_back(h);
            continue;
        }
        if (stopped) break;
        if (due && *due == pos_) take_checkpoint();
        if (target && pos_ >= *target) break;
    }
    if (stopped) {
        why_ = stopped->why;
        last_watch_ = stopped->watch;
    }
    if (!record) report_stop();
}

void Controller::report_stop() {
    if (!why_.empty()) out_ << why_ << "\n";
    if (!exit_) return;
    if (exit_->kind != linux::ExitInfo::Kind::exited) out_ << exit_->message << "\n";
    out_ << fmt::format("exit status {} after {} instructions\n", exit_->exit_status(), pos_);
}

void Controller::step(uint64_t n) {
    if (n) run(pos_ + n, true, std::nullopt);
}

void Controller::resume(std::optional<uint64_t> temp_at) { run(std::nullopt, true, temp_at); }

void Controller::run_until(const Until& until, std::optional<uint64_t> temp_at) {
    run(std::nullopt, true, temp_at, nullptr, &until);
}

void Controller::go_to(uint64_t n) {
    if (n == pos_ && !exit_) return;
    const Checkpoint* c = checkpoints_.at_or_before(n);
    if (exit_ || n < pos_ || c->session->position > pos_) restore(*c);  // a later one is closer too
    why_.clear();
    last_watch_.reset();
    if (n > pos_) run(n, false, std::nullopt);
}

void Controller::reverse_continue() {
    if (breaks_.empty() && watches_.empty()) {
        out_ << "No breakpoints or watches to go back to.\n";
        return;
    }
    const uint64_t now = pos_;
    // Replay the stretch before `hi` from the checkpoint before it, recording hits; the last one is
    // where to go. None there: the stretch before that, back to instruction 0.
    for (uint64_t hi = now; hi > 0;) {
        const Checkpoint* c = checkpoints_.at_or_before(hi - 1);
        uint64_t from = c->session->position;
        restore(*c);
        std::vector<Hit> hits;
        run(hi, true, std::nullopt, &hits);
        if (!hits.empty()) {
            Hit h = hits.back();
            go_to(h.pos);
            why_ = h.why;
            last_watch_ = h.watch;
            report_stop();
            return;
        }
        hi = from;
    }
    go_to(now);
    out_ << "No breakpoint hit before this point.\n";
}

}  // namespace gostart::stepper
