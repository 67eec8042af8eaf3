#include "stepper/controller.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <iostream>
#include <map>

namespace gostart::stepper {

using Kind = Stop::Kind;

std::atomic<bool> Controller::interrupted{false};

namespace {

std::function<bool()> read_interrupted() {
    return [] { return Controller::interrupted.exchange(false); };
}

}  // namespace

Controller::Controller(Launcher launch, std::ostream& notes, CheckpointPolicy policy)
    : target_(launch()), notes_(notes), checkpoints_(policy), interrupt_check_(read_interrupted()) {
    if (policy.reversible) take_checkpoint();  // instruction 0: every way back ends here at worst
}

void Controller::set_interrupt_check(std::function<bool()> check) {
    interrupt_check_ = check ? std::move(check) : read_interrupted();
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
        notes_ << fmt::format("gostart-emu: no checkpoint at instruction {}: {}\n", pos_, e.what());
    }
}

void Controller::restore(const Checkpoint& c) {
    session().restore(*c.session);
    if (target_.restore_extra) target_.restore_extra(c.extra);
    pos_ = c.session->position;
    exit_.reset();
}

Stop Controller::moved(Stop s) {
    s.position = pos_;
    last_ = s;
    return s;
}

// The watch's values before and after the instruction that wrote it; nullopt when they are the same
// (as gdb: the same value written is no change).
std::optional<WatchReport> Controller::watch_report(const Watch& w) {
    cpu::Engine& e = session().engine();
    const cpu::Engine::WatchHit& hit = e.last_watch_hit();
    WatchReport rep{w, 0, 0, hit.pc, hit.address};
    const size_t compared = std::min<size_t>(w.size, hit.old_bytes.size());
    std::memcpy(&rep.old_value, hit.old_bytes.data(), std::min<size_t>(8, compared));
    e.try_read(guest::Addr(w.addr), &rep.new_value, std::min<uint64_t>(8, w.size));
    std::vector<uint8_t> now(compared);
    e.try_read(guest::Addr(w.addr), now.data(), now.size());
    if (std::equal(now.begin(), now.end(), hit.old_bytes.begin())) return std::nullopt;
    return rep;
}

Stop Controller::run(const RunSpec& spec) {
    if (exit_) {
        Stop s{Kind::already_exited};
        s.exit = exit_;
        return s;
    }
    session::Session& s = session();
    cpu::Engine& e = s.engine();
    const uint64_t start = pos_;
    const uint64_t start_pc = e.reg(cpu::Reg::rip);
    std::optional<Hit> stopped;
    auto hit = [&](uint64_t pc, Stop why) {
        uint64_t n = e.instructions_before(pc);
        if (spec.record) {
            if (!spec.target || n < *spec.target) spec.record->push_back({n, std::move(why)});
            return;
        }
        if (stopped || (n == start && pc == start_pc)) return;  // not where we continue from
        stopped = Hit{n, std::move(why)};
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
    if (spec.stops)
        for (const auto& bp : breaks_)
            hooks.push_back(e.add_code_hook(bp.addr, bp.addr, [&hit, &bp](uint64_t pc) {
                Stop why{Kind::breakpoint};
                why.breakpoint = bp;
                hit(pc, std::move(why));
            }));
    if (spec.temp_at)
        hooks.push_back(e.add_code_hook(*spec.temp_at, *spec.temp_at, [&hit](uint64_t pc) { hit(pc, Stop{}); }));
    if (const Until* until = spec.until)
        hooks.push_back(e.add_code_hook(until->begin, until->end, [&hit, until](uint64_t pc) {
            if (until->here(pc)) hit(pc, Stop{});
        }));
    if (spec.stops)
        for (const auto& w : watches_) watch_of[e.add_write_watch(w.addr, w.size)] = &w;
    if (!spec.record)
        e.set_block_observer([&](uint64_t addr, uint32_t) {
            if (stopped) return;
            if (spec.blocks) {
                spec.blocks->push_back({e.instructions_before(addr), s.process().current_tid()});
                return;
            }
            Stop why{Kind::interrupt};
            if (spec.at_block && (*spec.at_block)()) why.kind = Kind::done;
            else if (!interrupt_check_()) return;
            stopped = Hit{e.instructions_before(addr), why};
            s.process().pause();  // before this block: the engine does not count it
        });

    std::cout.flush();
    for (;;) {
        // Stop at the target, where the next checkpoint is due, and where replay catches up with
        // what has been shown (quiet until there).
        const std::optional<uint64_t> due = checkpoints_.next_after(pos_);
        std::optional<uint64_t> stop = due;
        if (spec.target && (!stop || *spec.target < *stop)) stop = spec.target;
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
            std::optional<WatchReport> rep = watch_report(*w->second);
            if (!rep) continue;
            Stop why{Kind::watch};
            why.watch = rep;
            if (!spec.record) {
                stopped = Hit{pos_, why};
                break;
            }
            if (!spec.target || pos_ < *spec.target) spec.record->push_back({pos_, why});
            continue;
        }
        if (stopped) break;
        if (due && *due == pos_) take_checkpoint();
        if (spec.target && pos_ >= *spec.target) break;
    }
    Stop result = stopped ? stopped->stop : Stop{};
    if (exit_) {
        result.kind = Kind::exited;
        result.exit = exit_;
    }
    result.position = pos_;
    return result;
}

Stop Controller::step(uint64_t n) {
    if (n == 0) return moved(Stop{});
    return moved(run({.target = pos_ + n}));
}

Stop Controller::resume(std::optional<uint64_t> temp_at) { return moved(run({.temp_at = temp_at})); }

Stop Controller::run_until(const Until& until, std::optional<uint64_t> temp_at) {
    return moved(run({.temp_at = temp_at, .until = &until}));
}

Stop Controller::run_until_block(const std::function<bool()>& here) { return moved(run({.at_block = &here})); }

Stop Controller::go_to(uint64_t n) {
    // Already there: nothing moved, and the last stop (a watch's values, say) still holds.
    if (n == pos_ && !exit_) return Stop{Kind::done, pos_};
    const Checkpoint* c = checkpoints_.at_or_before(n);
    if (!c) return Stop{Kind::history_start, pos_};  // forward-only: no way back
    if (exit_ || n < pos_ || c->session->position > pos_) restore(*c);  // a later one is closer too
    if (n > pos_) return moved(run({.target = n, .stops = false}));
    return moved(Stop{});
}

Stop Controller::back_through_stretches(const std::function<std::optional<Stop>(uint64_t from, uint64_t hi)>& look) {
    const uint64_t now = pos_;
    // Replay the stretch before `hi` from the checkpoint before it; `look` says where to go in it, if
    // anywhere. Nothing there: the stretch before that, back to instruction 0.
    for (uint64_t hi = now; hi > 0;) {
        const Checkpoint* c = checkpoints_.at_or_before(hi - 1);
        uint64_t from = c->session->position;
        restore(*c);
        if (std::optional<Stop> found = look(from, hi)) return *found;
        hi = from;
    }
    Stop back = go_to(now);
    Stop none{Kind::history_start};
    if (back.kind == Kind::exited) none.exit = back.exit;
    return moved(none);
}

Stop Controller::reverse_continue() {
    if (breaks_.empty() && watches_.empty()) return Stop{Kind::nothing_to_find, pos_};
    if (!reversible()) return Stop{Kind::history_start, pos_};
    return back_through_stretches([this](uint64_t, uint64_t hi) -> std::optional<Stop> {
        std::vector<Hit> hits;
        run({.target = hi, .record = &hits});
        if (hits.empty()) return std::nullopt;
        Hit h = hits.back();  // the last hit before hi is where to go
        go_to(h.pos);
        return moved(h.stop);
    });
}

Stop Controller::reverse_step(int tid) {
    if (!reversible()) return Stop{Kind::history_start, pos_};
    return back_through_stretches([this, tid](uint64_t from, uint64_t hi) -> std::optional<Stop> {
        // Block i runs in thread blocks[i].second from blocks[i].first up to the next block's start.
        std::vector<std::pair<uint64_t, int>> blocks{{from, session().process().current_tid()}};
        run({.target = hi, .stops = false, .blocks = &blocks});
        for (size_t i = blocks.size(); i-- > 0;) {
            uint64_t begin = blocks[i].first, end = std::min(hi, i + 1 < blocks.size() ? blocks[i + 1].first : hi);
            if (blocks[i].second == tid && begin < end) return go_to(end - 1);
        }
        return std::nullopt;
    });
}

}  // namespace gostart::stepper
