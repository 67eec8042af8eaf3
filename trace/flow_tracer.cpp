#include "trace/flow_tracer.h"

#include "trace/regs_diff.h"

#include <fmt/format.h>

#include <algorithm>

namespace gostart::trace {

FlowTracer::FlowTracer(cpu::Engine& engine, CodeCache& cache, EventWriter& out, std::function<int()> tid,
                       FlowSettings s)
    : engine_(engine), cache_(cache), out_(out), tid_(std::move(tid)), s_(std::move(s)) {
    engine_.set_block_observer([this](uint64_t addr, uint32_t size) { on_block(addr, size); });
    if (s_.regs && s_.print) engine_.add_code_hook(1, 0, [this](uint64_t pc) { on_insn(pc); });
}

int FlowTracer::traced_below(const Frame* parent, int fn) const {
    if (s_.all || s_.targets.count(fn)) return 0;
    if (parent && parent->traced >= 0 && parent->traced < s_.depth) return parent->traced + 1;
    return -1;
}

void FlowTracer::maybe_switch(int tid, uint64_t n) {
    if (last_printed_ != -1 && last_printed_ != tid) out_.thread_switch(last_printed_, tid, n);
    last_printed_ = tid;
}

void FlowTracer::push(ThreadFlow& t, int tid, uint64_t n, uint64_t ret, int fn, uint64_t from) {
    const Frame* parent = t.stack.empty() ? nullptr : &t.stack.back();
    Frame f{ret, fn, traced_below(parent, fn), t.insns, nullptr};
    if (s_.calls) {
        f.node = (parent ? parent->node : s_.calls->root(tid))->child(cache_.code().function_name(fn));
        ++f.node->calls;
    }
    bool events = s_.print && (!s_.all || out_.format() == Format::jsonl);
    if (events && f.traced >= 0) {
        maybe_switch(tid, n);
        out_.call(tid, n, cache_.code().function_name(fn), from, s_.all ? 0 : f.traced);
    }
    t.stack.push_back(f);
}

bool FlowTracer::pop_to(ThreadFlow& t, int tid, uint64_t n, uint64_t addr) {
    size_t k = t.stack.size();
    while (k-- > 1)
        if (t.stack[k].ret == addr) break;
    if (k == 0 || t.stack[k].ret != addr) return false;
    bool events = s_.print && (!s_.all || out_.format() == Format::jsonl);
    for (size_t j = t.stack.size(); j-- > k;) {
        const Frame& f = t.stack[j];
        if (!events) continue;
        std::string_view name = cache_.code().function_name(f.function);
        if (f.traced >= 0) {
            maybe_switch(tid, n);
            out_.ret(tid, n, name, t.insns - f.at, s_.all ? 0 : f.traced);
        } else if (!s_.all && j == k && t.stack[j - 1].traced >= 0) {
            maybe_switch(tid, n);
            out_.stepped(tid, n, name, t.insns - f.at, t.stack[j - 1].traced);
        }
    }
    t.stack.resize(k);
    return true;
}

void FlowTracer::tail_call(ThreadFlow& t, int tid, uint64_t n, int fn) {
    Frame old = t.stack.back();
    t.stack.pop_back();
    const Frame* parent = t.stack.empty() ? nullptr : &t.stack.back();
    std::string_view name = cache_.code().function_name(fn);
    Frame f{old.ret, fn, traced_below(parent, fn), old.at, nullptr};
    if (s_.calls) {
        f.node = (parent ? parent->node : s_.calls->root(tid))->child(name);
        if (f.node != old.node) ++f.node->calls;
    }
    bool events = s_.print && (!s_.all || out_.format() == Format::jsonl);
    if (events && old.traced >= 0 && f.traced < 0) out_.ret(tid, n, cache_.code().function_name(old.function), t.insns - old.at, old.traced);
    if (events && f.traced >= 0 && old.traced < 0) out_.call(tid, n, name, 0, s_.all ? 0 : f.traced);
    t.stack.push_back(f);
}

void FlowTracer::resync(ThreadFlow& t, int tid, uint64_t addr) {
    const CodeInfo& code = cache_.code();
    // Unwind the guest's stack from (addr, rsp): each frame's return address is at SP + its frame size.
    std::vector<std::pair<int, uint64_t>> frames;  // innermost first: (function, return address)
    uint64_t pc = addr, sp = engine_.reg(cpu::Reg::rsp);
    for (int k = 0; k < 128; ++k) {
        int fn = code.function_id(pc);
        uint64_t ret = 0;
        auto size = fn >= 0 ? code.frame_size(pc) : std::nullopt;
        if (size && *size >= 0) {
            uint64_t ra = 0;
            int caller = -1;
            if (engine_.try_read(guest::Addr(sp + static_cast<uint64_t>(*size)), &ra, 8)) caller = code.function_id(ra);
            if (caller >= 0 && ra != code.function_entry(caller)) ret = ra;
        }
        frames.emplace_back(fn, ret);
        if (!ret) break;
        pc = ret;
        sp += static_cast<uint64_t>(*size) + 8;
    }
    bool was_traced = !t.stack.empty() && t.stack.back().traced >= 0;
    t.stack.clear();
    for (auto it = frames.rbegin(); it != frames.rend(); ++it) {
        const Frame* parent = t.stack.empty() ? nullptr : &t.stack.back();
        Frame f{it->second, it->first, traced_below(parent, it->first), t.insns, nullptr};
        if (s_.calls) f.node = (parent ? parent->node : s_.calls->root(tid))->child(code.function_name(it->first));
        t.stack.push_back(f);
    }
    if (s_.print && !s_.all && (was_traced || t.stack.back().traced >= 0))
        out_.note(fmt::format("--- thread {}: stack switch, now in {} ---", tid,
                              code.function_name(t.stack.back().function)));
}

void FlowTracer::on_block(uint64_t addr, uint32_t size) {
    int tid = tid_();
    if (tid != cur_tid_) cur_ = &threads_[tid], cur_tid_ = tid;
    ThreadFlow& t = *cur_;
    const BlockInfo& b = cache_.block(addr, size);
    uint64_t count = b.insns.size();
    uint64_t n = engine_.instructions() - count;  // the engine has counted this block already
    if (!t.started) {
        t.started = true;
        resync(t, tid, addr);
    } else {
        switch (t.prev) {
            case Flow::call: push(t, tid, n, t.prev_end, b.function, t.prev_end); break;
            case Flow::ret:
                if (!pop_to(t, tid, n, addr)) resync(t, tid, addr);
                break;
            case Flow::syscall:
                if (addr != t.prev_end) resync(t, tid, addr);  // a signal handler, or back from one
                break;
            default:
                if (b.function != t.stack.back().function) {
                    // A jump into another function: a tail call when it lands on the entry with the
                    // frame's return address still on top of the stack (ABI wrappers, systemstack
                    // on g0); anything else (gogo) switched stacks.
                    uint64_t top_word = 0;
                    const Frame& top = t.stack.back();
                    if (b.function_entry && top.ret && engine_.try_read(guest::Addr(engine_.reg(cpu::Reg::rsp)), &top_word, 8) &&
                        top_word == top.ret)
                        tail_call(t, tid, n, b.function);
                    else
                        resync(t, tid, addr);
                }
                break;
        }
    }
    const Frame& top = t.stack.back();
    if (s_.calls) top.node->self += count;
    t.insns += count;
    t.prev = b.last;
    t.prev_end = b.end;
    bool printing = s_.print && top.traced >= 0;
    int indent = s_.all ? 0 : top.traced;
    if (s_.regs) {
        block_printing_ = printing, block_indent_ = indent, block_next_ = n;
        return;
    }
    if (!printing) return;
    maybe_switch(tid, n);
    for (size_t i = 0; i < b.insns.size(); ++i) out_.insn(tid, n + i, *b.insns[i], s_.all, indent);
}

void FlowTracer::on_insn(uint64_t pc) {
    ThreadFlow& t = *cur_;
    uint64_t n = block_next_++;
    if (t.have_regs) {
        std::string changes = regs_changed(t.regs, engine_.regs());
        if (!changes.empty()) out_.regs(cur_tid_, n, changes, block_indent_);
        t.have_regs = false;
    }
    if (!block_printing_) return;
    maybe_switch(cur_tid_, n);
    out_.insn(cur_tid_, n, cache_.insn(pc), s_.all, block_indent_);
    t.regs = engine_.regs();
    t.have_regs = true;
}

void FlowTracer::finish() {
    if (!s_.print || s_.all) return;
    std::vector<int> tids;
    for (const auto& [tid, t] : threads_) tids.push_back(tid);
    std::sort(tids.begin(), tids.end());
    for (int tid : tids) {
        const ThreadFlow& t = threads_[tid];
        for (size_t j = t.stack.size(); j-- > 0;) {
            const Frame& f = t.stack[j];
            bool stepped = f.traced < 0 && j > 0 && t.stack[j - 1].traced >= 0;
            if (f.traced >= 0 || stepped)
                out_.unreturned(tid, cache_.code().function_name(f.function), t.insns - f.at,
                                stepped ? t.stack[j - 1].traced : f.traced);
        }
    }
}

}  // namespace gostart::trace
