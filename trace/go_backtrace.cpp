#include "trace/go_backtrace.h"
#include "loader/printable.h"

#include <fmt/format.h>

namespace gostart::trace {
namespace {

bool is_outermost(std::string_view name) {
    return name == "runtime.goexit" || name == "runtime.rt0_go" || name == "runtime.mstart" ||
           name == "runtime.mstart0" || name == "_rt0_amd64_linux" || name == "_rt0_amd64";
}

}  // namespace

std::vector<BacktraceFrame> go_backtrace(const CodeInfo& code, const ReadWord& read, uint64_t pc, uint64_t sp,
                                         int max_depth, const FindSwitchedStack& find_switch) {
    std::vector<BacktraceFrame> out;
    std::optional<uint64_t> switched;
    for (int depth = 0; depth < max_depth; ++depth) {
        int id = code.function_id(pc);
        // A return address's line and frame are the call's; a saved g.sched.pc is where it stopped.
        uint64_t look = depth && !switched ? pc - 1 : pc;
        BacktraceFrame f{pc, std::string(code.function_name(id)), code.line(look), switched};
        out.push_back(f);
        switched.reset();
        if (find_switch && (f.function == "runtime.systemstack" || f.function == "runtime.mcall")) {
            if (auto to = find_switch()) {
                if (!to->sp) break;
                pc = to->pc, sp = to->sp, switched = to->goid;
                continue;
            }
        }
        if (id < 0 || is_outermost(f.function)) break;
        auto frame = code.frame_size(look);
        uint64_t ret = 0;
        if (!frame || *frame < 0 || !read(sp + static_cast<uint64_t>(*frame), ret)) break;
        sp += static_cast<uint64_t>(*frame) + 8;
        pc = ret;
    }
    return out;
}

std::string format_frame(size_t depth, const BacktraceFrame& f) {
    std::string note = f.switched_from_goroutine
                           ? fmt::format("    (switched from goroutine {}'s stack)\n", *f.switched_from_goroutine)
                           : "";
    return note + fmt::format("#{:<2} {:#x} in {}{}", depth, f.pc, loader::printable(f.function),
                       f.line ? fmt::format(" at {}:{}", loader::printable(f.line->file), f.line->line) : "");
}

}  // namespace gostart::trace
