// InsnCounter: the instruction count before each instruction, for a code hook on every instruction
// of the program's code (replays for reverse execution count their way to a position with it).
#pragma once

#include "cpu/engine.h"

#include <cstdint>

namespace gostart::app {

// The first hook of a block asks the engine; the following ones of the same block add one.
class InsnCounter {
public:
    explicit InsnCounter(cpu::Engine& e) : e_(e) {}
    uint64_t at(uint64_t pc) {
        if (uint64_t now = e_.instructions(); now != engine_) {
            engine_ = now;
            count_ = e_.instructions_before(pc);
        } else {
            ++count_;
        }
        return count_;
    }

private:
    cpu::Engine& e_;
    uint64_t engine_ = UINT64_MAX, count_ = 0;
};

}  // namespace gostart::app
