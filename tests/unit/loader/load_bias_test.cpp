// Where execve puts an ELF image with randomisation off (loader/load_bias.h): checked against the
// addresses Linux 6.1 gives under `setarch -R` — a PIE's first page at 0x555555554000 whatever its link
// address, ld.so ending at mmap_base 0x7ffff7fff000 — and ET_EXEC staying where it is linked.
#include "loader/load_bias.h"

#include <catch2/catch.hpp>

using namespace gostart::loader;

namespace {

BinaryView image(std::initializer_list<Segment> segs) {
    BinaryView v;
    v.segments = segs;
    return v;
}

Segment load(uint64_t vaddr, uint64_t memsz, uint64_t align = 0x1000) {
    Segment s;
    s.type = 1;  // PT_LOAD
    s.vaddr = vaddr;
    s.offset = vaddr & 0xfff;
    s.filesz = s.memsz = memsz;
    s.align = align;
    return s;
}

}  // namespace

TEST_CASE("an ET_EXEC runs at its link addresses") {
    auto v = image({load(0x400000, 0x81000), load(0x482000, 0x3c000)});
    CHECK(program_load_bias(v, false) == 0);
}

TEST_CASE("a gcc PIE linked at 0 starts at ELF_ET_DYN_BASE") {
    auto v = image({load(0, 0x1dfa8), load(0x1e000, 0x81a5d), load(0xc1bb0, 0xbb1b8)});
    CHECK(program_load_bias(v, true) == 0x555555554000);
}

TEST_CASE("Go's internally linked PIE (linked at 0x400000) starts at the same place") {
    auto v = image({load(0x400000, 0x81280), load(0x482000, 0x3c5d7)});
    uint64_t bias = program_load_bias(v, true);
    CHECK(bias == 0x555555154000);
    CHECK(load_start(v) + bias == 0x555555554000);
}

TEST_CASE("a larger power-of-two segment alignment rounds the base down, as maximum_alignment() does") {
    auto v = image({load(0, 0x1000, 0x200000)});
    CHECK(program_load_bias(v, true) == 0x555555400000);
    // A p_align that is not a power of two is ignored.
    auto w = image({load(0, 0x1000, 0x3000)});
    CHECK(program_load_bias(w, true) == 0x555555554000);
}

TEST_CASE("the interpreter is mmap'd top-down, ending at mmap_base") {
    // Debian bookworm's ld.so (glibc 2.36): PT_LOADs from 0 to 0x342d8, the last one not page-aligned.
    auto v = image({load(0, 0xd58), load(0x1000, 0x25111), load(0x27000, 0x9c7c), load(0x31900, 0x29d8)});
    CHECK(load_end(v) == 0x35000);
    uint64_t bias = interpreter_load_bias(v);
    CHECK(bias == 0x7ffff7fca000);
    CHECK(bias + load_end(v) == kInterpreterTop);
}
