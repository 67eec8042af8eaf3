// Picture: a memory-layout figure as plain data — columns of boxes whose rows are 8-byte words (address,
// value, what it is), and pointers from a row to another box. layout_facts.cpp fills one from guest
// memory; layout_text.cpp draws it with box characters, layout_svg.cpp as SVG. Nothing here reads memory.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace gostart::picture {

struct Row {
    uint64_t addr = 0;      // 0: a row without an address (a gap, a summary)
    std::string value;      // "0x7fffffffe6f8", "1", "" for a gap
    std::string label;      // "argv (rt0_go's copy)"
    std::string link;       // id of the box this row points into ("g0"), "" for none
    bool gap = false;       // "⋮ 65432 bytes"
    bool marker = false;    // a position (SP, stack.hi) rather than a stored word
};

struct Box {
    std::string id;         // "g0", "m0", "stack"
    std::string title;      // "runtime.g0 @ 0x529720"
    std::vector<Row> rows;  // high addresses first for stacks, field order for structs
};

struct Picture {
    std::string title;               // "hello: after runtime.osinit returns (insn 1518, thread 1000)"
    std::vector<std::string> notes;  // lines under the figure (why this point, FS base)
    std::vector<Box> memory;         // the left column: process stack, rt0_go frame, g0 stack
    std::vector<Box> structs;        // the right column: g0, m0, later g1, allp, sched
};

// Renderers.
std::string to_text(const Picture& p);
std::string to_svg(const Picture& p);

}  // namespace gostart::picture
