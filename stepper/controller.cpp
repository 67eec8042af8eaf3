#include "stepper/controller.h"

#include <fmt/format.h>

#include <iostream>

namespace gostart::stepper {

std::atomic<bool> Controller::interrupted{false};

Controller::Controller(Launcher launch, std::ostream& out) : launch_(std::move(launch)), out_(out) { relaunch(); }

void Controller::relaunch() {
    target_ = {};  // the old session goes first: two engines at once would double the memory
    target_ = launch_();
    pos_ = drift_ = 0;
    exit_.reset();
    const auto& fns = target_.session->program().symbols.functions();
    text_ = fns.empty() ? std::pair<uint64_t, uint64_t>{1, 0} : std::pair{fns.front().addr, fns.back().addr + fns.back().size + 4096};
}

uint64_t Controller::count_at(uint64_t pc) { return target_.session->engine().instructions_before(pc) - drift_; }

int Controller::add_break(uint64_t addr, std::string where) {
    breaks_.push_back({next_break_, addr, std::move(where)});
    return next_break_++;
}

void Controller::run(std::optional<uint64_t> target, bool breaks, std::optional<uint64_t> temp_at,
                     std::vector<uint64_t>* record) {
    if (exit_) {
        out_ << fmt::format("The program has exited (exit status {}): rstepi and rcontinue go back.\n", exit_status());
        return;
    }
    app::Session& s = session();
    cpu::Engine& e = s.engine();
    const uint64_t resume_at = pos_;
    const uint64_t resume_pc = e.reg(cpu::Reg::rip);
    bool stopped = false, armed = false;
    why_.clear();
    auto stop = [&](uint64_t n, std::string why) {
        stopped = true;
        pos_ = n;
        why_ = std::move(why);
        s.process().pause();
    };
    for (auto& w : watches_) e.try_read(w.addr, &w.value, w.size);

    std::vector<int> hooks;
    // The target's hook covers the program's code (a hook over all memory makes Unicorn flush and
    // rebuild its whole translation cache, ~1 GB and seconds); the vDSO and signal trampolines run
    // no Go code, and a step that lands there stops at the next instruction in the text.
    if (target)
        hooks.push_back(e.add_code_hook(text_.first, text_.second, [&](uint64_t pc) {
            if (!armed || stopped) return;
            if (uint64_t n = count_at(pc); n >= *target) stop(n, "");
        }));
    auto at_break = [&](uint64_t pc, const Breakpoint* bp) {
        if (stopped) return;
        uint64_t n = count_at(pc);
        if (n == resume_at && pc == resume_pc) return;  // where we continue from
        if (record) {
            if (!target || n < *target) record->push_back(n);
            return;
        }
        stop(n, bp ? fmt::format("Breakpoint {} at {}", bp->id, bp->where) : "");
    };
    if (breaks)
        for (const auto& bp : breaks_) hooks.push_back(e.add_code_hook(bp.addr, bp.addr, [&at_break, &bp](uint64_t pc) {
            at_break(pc, &bp);
        }));
    if (temp_at) hooks.push_back(e.add_code_hook(*temp_at, *temp_at, [&at_break](uint64_t pc) { at_break(pc, nullptr); }));
    bool watching = !watches_.empty() && !record;
    e.set_block_observer([&](uint64_t addr, uint32_t) {
        if (stopped) return;
        uint64_t base = e.instructions_before(addr) - drift_;
        if (target) armed = *target >= base && *target < e.instructions() - drift_;
        if (interrupted.exchange(false)) return stop(base, "Interrupted.");
        if (!watching) return;
        for (auto& w : watches_) {
            uint64_t v = 0;
            e.try_read(w.addr, &v, w.size);
            if (v == w.value) continue;
            std::string why = fmt::format("Watch {}: {:#x} -> {:#x}", w.expr, w.value, v);
            w.value = v;
            return stop(base, why);
        }
    });

    std::cout.flush();
    linux::ExitInfo r = s.run();
    for (int h : hooks) e.remove_hook(h);
    e.set_block_observer(nullptr);
    if (r.kind == linux::ExitInfo::Kind::paused) {
        if (!stopped) pos_ = e.instructions() - drift_;
        drift_ = e.instructions() - pos_;
    } else {
        exit_ = r;
        pos_ = e.instructions() - drift_;
    }
    report_stop();
}

void Controller::report_stop() {
    if (!why_.empty()) out_ << why_ << "\n";
    if (!exit_) return;
    if (exit_->kind != linux::ExitInfo::Kind::exited) out_ << exit_->message << "\n";
    out_ << fmt::format("exit status {} after {} instructions\n", exit_->exit_status(), pos_);
}

void Controller::step(uint64_t n) {
    if (n) run(pos_ + n, false, std::nullopt);
}

void Controller::resume(std::optional<uint64_t> temp_at) { run(std::nullopt, true, temp_at); }

void Controller::go_to(uint64_t n) {
    if (n >= pos_ && !exit_) return step(n - pos_);
    relaunch();
    step(n);
}

void Controller::reverse_continue() {
    uint64_t now = pos_;
    std::vector<uint64_t> hits;
    relaunch();
    run(now, true, std::nullopt, &hits);
    if (hits.empty()) {
        out_ << "No breakpoint hit before this point.\n";
        if (exit_) go_to(now);  // replayed to the end: stay there
        return;
    }
    go_to(hits.back());
    uint64_t pc = session().engine().reg(cpu::Reg::rip);
    for (const auto& bp : breaks_)
        if (bp.addr == pc) out_ << fmt::format("Breakpoint {} at {}\n", bp.id, bp.where);
}

}  // namespace gostart::stepper
