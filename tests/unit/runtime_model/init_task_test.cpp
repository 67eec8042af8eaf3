// The init task readers on hand-made bytes, one per layout (go1.13-1.20 with deps, go1.21+ without),
// the package names the runtime gives init functions, and the bytes its inittrace counts.
#include "runtime_model/init_task.h"

#include <catch2/catch.hpp>

#include <cstring>
#include <map>
#include <vector>

using namespace gostart::model;

namespace {

// Guest memory as one block of bytes at `base`.
class Bytes final : public GuestView {
public:
    Bytes(uint64_t base, std::vector<uint8_t> b) : base_(base), b_(std::move(b)) {}
    bool read(gostart::guest::Addr at, void* dst, size_t n) const override {
        const uint64_t addr = at.addr();
        if (addr < base_ || addr + n > base_ + b_.size()) return false;
        std::memcpy(dst, b_.data() + (addr - base_), n);
        return true;
    }
    uint64_t fs_base() const override { return 0; }

private:
    uint64_t base_;
    std::vector<uint8_t> b_;
};

void put(std::vector<uint8_t>& b, uint64_t v, size_t size) {
    for (size_t i = 0; i < size; ++i) b.push_back(static_cast<uint8_t>(v >> (8 * i)));
}

}  // namespace

TEST_CASE("the release decides the layout: deps up to go1.20, fns only from go1.21") {
    CHECK(init_task_layout_for(13) == InitTaskLayout::with_deps);
    CHECK(init_task_layout_for(20) == InitTaskLayout::with_deps);
    CHECK(init_task_layout_for(21) == InitTaskLayout::fns_only);
    CHECK(init_task_layout_for(27) == InitTaskLayout::fns_only);
}

TEST_CASE("a go1.13-1.20 task: state, ndeps, nfns, the deps, then the fns") {
    std::vector<uint8_t> b;
    put(b, 0, 8), put(b, 2, 8), put(b, 1, 8);             // state 0, 2 deps, 1 fn
    put(b, 0x5a0000, 8), put(b, 0x5a0100, 8);              // deps
    put(b, 0x4a1234, 8);                                   // fn
    Bytes mem(0x5b0000, b);
    auto t = read_init_task(mem, 0x5b0000, InitTaskLayout::with_deps);
    REQUIRE(t);
    CHECK(t->state == 0);
    CHECK(t->deps == std::vector<uint64_t>{0x5a0000, 0x5a0100});
    CHECK(t->fns == std::vector<uint64_t>{0x4a1234});
    // The same bytes read as the other layout are another task: the layout matters.
    auto wrong = read_init_task(mem, 0x5b0000, InitTaskLayout::fns_only);
    REQUIRE(wrong);
    CHECK(wrong->fns.empty());
    CHECK(wrong->deps.empty());
}

TEST_CASE("a go1.21+ task: state and nfns as uint32, then the fns") {
    std::vector<uint8_t> b;
    put(b, 2, 4), put(b, 3, 4);                            // done, 3 fns
    put(b, 0x401000, 8), put(b, 0x401100, 8), put(b, 0x401200, 8);
    Bytes mem(0x600000, b);
    auto t = read_init_task(mem, 0x600000, InitTaskLayout::fns_only);
    REQUIRE(t);
    CHECK(t->state == 2);
    CHECK(t->deps.empty());
    CHECK(t->fns == std::vector<uint64_t>{0x401000, 0x401100, 0x401200});
}

TEST_CASE("a task whose counts run past readable memory, or are absurd, is no task") {
    std::vector<uint8_t> b;
    put(b, 0, 4), put(b, 5, 4), put(b, 0x401000, 8);       // says 5 fns, has 1
    Bytes mem(0x600000, b);
    CHECK_FALSE(read_init_task(mem, 0x600000, InitTaskLayout::fns_only));
    std::vector<uint8_t> huge;
    put(huge, 0, 8), put(huge, kMaxInitTaskEntries + 1, 8), put(huge, 0, 8);
    Bytes mem2(0x1000, huge);
    CHECK_FALSE(read_init_task(mem2, 0x1000, InitTaskLayout::with_deps));
    CHECK_FALSE(read_init_task(mem2, 0x9000, InitTaskLayout::with_deps));
}

TEST_CASE("a function's package is cut as funcpkgpath cuts it") {
    CHECK(function_package("main.init.0") == "main");
    CHECK(function_package("fmt.init") == "fmt");
    CHECK(function_package("vendor/golang.org/x/net/dns/dnsmessage.init") == "vendor/golang.org/x/net/dns/dnsmessage");
    CHECK(function_package("gopkg.in/yaml.v3.init") == "gopkg.in/yaml");  // the runtime's own rule, dots and all
    CHECK(function_package("initcost/heavy.init.1") == "initcost/heavy");
}

TEST_CASE("inittrace counts size classes, pages above 32 KiB, and a tiny block once") {
    TinyBlock tiny;
    CHECK(inittrace_counted_bytes(0, false, tiny) == 0);
    CHECK(inittrace_counted_bytes(1, false, tiny) == 8);       // has pointers: not tiny
    CHECK(inittrace_counted_bytes(33, false, tiny) == 48);
    CHECK(inittrace_counted_bytes(32768, true, tiny) == 32768);
    CHECK(inittrace_counted_bytes(32769, true, tiny) == 40960);
    CHECK(inittrace_counted_bytes(16, true, tiny) == 16);      // 16 bytes is not tiny
    CHECK(inittrace_counted_bytes(5, true, tiny) == 16);       // opens a block
    CHECK(inittrace_counted_bytes(8, true, tiny) == 0);        // aligned to 8: 8..16, fits
    CHECK(inittrace_counted_bytes(1, true, tiny) == 16);       // full: a new block
    CHECK(tiny.offset == 1);
}

TEST_CASE("from go1.22 a pointerful object above 512 bytes counts its 8-byte malloc header") {
    TinyBlock tiny;
    CHECK(inittrace_counted_bytes(576, false, tiny, false) == 576);
    CHECK(inittrace_counted_bytes(576, false, tiny, true) == 640);   // 584 needs the next class
    CHECK(inittrace_counted_bytes(576, true, tiny, true) == 576);    // no pointers: no header
    CHECK(inittrace_counted_bytes(512, false, tiny, true) == 512);   // heap bits in the span
    CHECK(inittrace_counted_bytes(32760, false, tiny, true) == 32768);  // the largest small one, with its header
    CHECK(inittrace_counted_bytes(40000, false, tiny, true) == 40960);  // large: whole pages, no header
}
