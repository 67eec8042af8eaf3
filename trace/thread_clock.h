// ThreadClock: instructions executed by each thread. The engine counts instructions for the whole
// process; a call's cost, though, is what its own thread executed between the call and the return,
// whatever other threads ran in between. Fed by Process::on_thread_switch.
#pragma once

#include <cstdint>
#include <unordered_map>

namespace gostart::trace {

class ThreadClock {
public:
    // At a switch from `from` to `to`, with the process's instruction count `now`.
    void switched(int from, int /*to*/, uint64_t now) {
        done_[from] += now - since_;
        since_ = now;
    }
    // The instructions `tid` has executed when the process has executed `now` and `current` runs.
    uint64_t at(int tid, int current, uint64_t now) const {
        auto it = done_.find(tid);
        uint64_t base = it == done_.end() ? 0 : it->second;
        return tid == current ? base + (now - since_) : base;
    }

private:
    std::unordered_map<int, uint64_t> done_;
    uint64_t since_ = 0;
};

}  // namespace gostart::trace
