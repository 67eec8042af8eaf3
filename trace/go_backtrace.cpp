#include "trace/go_backtrace.h"

#include <fmt/format.h>

namespace gostart::trace {
namespace {

bool is_outermost(std::string_view name) {
    return name == "runtime.goexit" || name == "runtime.rt0_go" || name == "runtime.mstart" ||
           name == "_rt0_amd64_linux" || name == "_rt0_amd64";
}

}  // namespace

std::vector<BacktraceFrame> go_backtrace(const CodeInfo& code, const ReadWord& read, uint64_t pc, uint64_t sp,
                                         int max_depth) {
    std::vector<BacktraceFrame> out;
    for (int depth = 0; depth < max_depth; ++depth) {
        int id = code.function_id(pc);
        uint64_t look = depth ? pc - 1 : pc;  // a return address's line and frame are the call's
        BacktraceFrame f{pc, std::string(code.function_name(id)), code.line(look)};
        out.push_back(f);
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
    return fmt::format("#{:<2} {:#x} in {}{}", depth, f.pc, f.function,
                       f.line ? fmt::format(" at {}:{}", f.line->file, f.line->line) : "");
}

}  // namespace gostart::trace
