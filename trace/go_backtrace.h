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
    // Set on the first frame after runtime.systemstack or runtime.mcall: the goroutine whose stack the
    // walk went on with.
    std::optional<uint64_t> switched_from_goroutine;
};

// Where a goroutine that switched to g0 stopped: its saved pc and sp (g.sched) and its id.
struct StackSwitch {
    uint64_t pc = 0, sp = 0, goid = 0;
};

// Asked at runtime.systemstack or runtime.mcall on g0: the goroutine that switched (m.curg), or
// nothing when the thread is not on g0 or no goroutine switched. The walk needs the runtime's
// structures here, which this layer does not know.
using FindSwitchedStack = std::function<std::optional<StackSwitch>()>;

// Reads one 8-byte word of guest memory; false when unreadable.
using ReadWord = std::function<bool(uint64_t addr, uint64_t& value)>;

// Innermost first. Stops at the outermost frames of a thread (runtime.goexit, rt0_go, mstart, the ELF
// entry), at an unknown function or frame size, at an unreadable stack, or after `max_depth` frames.
// With `find_switch`, a walk that reaches systemstack/mcall on g0 goes on from the goroutine's own
// stack, as Go's traceback does.
std::vector<BacktraceFrame> go_backtrace(const CodeInfo& code, const ReadWord& read, uint64_t pc, uint64_t sp,
                                         int max_depth = 100, const FindSwitchedStack& find_switch = {});

// "#1  0x45a4c5 in runtime.rt0_go at asm_amd64.s:349", gdb's shape.
std::string format_frame(size_t depth, const BacktraceFrame& f);

}  // namespace gostart::trace
