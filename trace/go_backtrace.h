// The Go backtrace of a stopped thread, from the pclntab's frame sizes: at each pc the table says how
// many bytes the function has pushed, so the return address is at SP + that, and the caller's SP just
// above it. Shared by the stepper's `bt` and the report of a guest that dies of a signal.
#pragma once

#include "trace/code_info.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace gostart::trace {

struct BacktraceFrame {
    uint64_t pc = 0;
    std::string function;               // "?" when pc is in no known function
    std::optional<CodeInfo::Line> line;  // of the call, for a return address
};

// Reads one 8-byte word of guest memory; false when unreadable.
using ReadWord = std::function<bool(uint64_t addr, uint64_t& value)>;

// Innermost first. Stops at the outermost frames of a thread (runtime.goexit, rt0_go, mstart, the ELF
// entry), at an unknown function or frame size, at an unreadable stack, or after `max_depth` frames.
std::vector<BacktraceFrame> go_backtrace(const CodeInfo& code, const ReadWord& read, uint64_t pc, uint64_t sp,
                                         int max_depth = 100);

// "#1  0x45a4c5 in runtime.rt0_go at asm_amd64.s:349", gdb's shape.
std::string format_frame(size_t depth, const BacktraceFrame& f);

}  // namespace gostart::trace
