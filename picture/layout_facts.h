// The article's third figure from the real run: what rt0_go has built by a given point — the initial
// process stack with argc/argv/envp/auxv, rt0_go's frame with its copies of argc and argv, the g0
// stack from stack.hi down to stack.lo and its guards, g0 and m0 pointing at each other, m0.tls and
// the FS base — and, for later points, the main goroutine, allp and sched. Every number is read from
// guest memory through `read`; struct offsets come from StructLayouts (DWARF or the release's table).
#pragma once

#include "gostructs/struct_layouts.h"
#include "loader/initial_stack.h"
#include "picture/picture.h"

#include <cstdint>
#include <functional>
#include <map>
#include <string>

namespace gostart::picture {

struct LayoutInputs {
    std::function<bool(uint64_t addr, void* dst, size_t n)> read;
    std::function<std::string(uint64_t pc)> describe;   // "runtime.main" for code addresses
    const gostructs::StructLayouts* layouts = nullptr;
    std::map<std::string, uint64_t> symbols;            // runtime.g0, runtime.m0, runtime.allp, ...
    const loader::InitialStack* stack = nullptr;
    uint64_t sp = 0, fs_base = 0;                      // at the point drawn
    std::string title;
    bool later = false;                                // also g1, allp and sched
};

Picture build_layout(const LayoutInputs& in);

}  // namespace gostart::picture
