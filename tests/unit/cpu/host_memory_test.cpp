// HostMemory: giving guest pages back to the host (MADV_DONTNEED of private anonymous guest memory).
#include "cpu/host_memory.h"
#include "cpu/prot.h"

#include <catch2/catch.hpp>

#include <cstring>
#include <sys/mman.h>
#include <vector>

using gostart::cpu::HostMemory;
using gostart::cpu::kPageSize;

namespace {

// How many of the n pages from p the host kernel has resident.
size_t resident(const uint8_t* p, size_t pages) {
    std::vector<unsigned char> vec(pages);
    REQUIRE(::mincore(const_cast<uint8_t*>(p), pages * kPageSize, vec.data()) == 0);
    size_t n = 0;
    for (unsigned char v : vec) n += v & 1;
    return n;
}

}  // namespace

TEST_CASE("discard gives the host pages back and the guest reads zeros", "[cpu][memory]") {
    HostMemory m;
    constexpr uint64_t kGuest = 0x10000000, kPages = 64;
    uint8_t* p = m.allocate(kGuest, kPages * kPageSize);
    std::memset(p, 0x5a, kPages * kPageSize);
    REQUIRE(resident(p, kPages) == kPages);

    REQUIRE(m.discard(kGuest + 8 * kPageSize, 32 * kPageSize));
    CHECK(resident(p, kPages) == kPages - 32);  // writing zeros instead would have kept them all
    CHECK(p[8 * kPageSize] == 0);
    CHECK(p[40 * kPageSize - 1] == 0);
    CHECK(p[8 * kPageSize - 1] == 0x5a);
    CHECK(p[40 * kPageSize] == 0x5a);
    // Not all of the range is this memory's: nothing is done.
    CHECK_FALSE(m.discard(kGuest + (kPages - 1) * kPageSize, 2 * kPageSize));
    CHECK(p[(kPages - 1) * kPageSize] == 0x5a);
}

TEST_CASE("while writes are tracked, discarded pages count as written", "[cpu][memory]") {
    HostMemory m;
    constexpr uint64_t kGuest = 0x10000000;
    m.allocate(kGuest, 4 * kPageSize);
    m.start_tracking();
    CHECK_FALSE(m.written(kGuest + kPageSize));
    REQUIRE(m.discard(kGuest + kPageSize, kPageSize));
    CHECK(m.written(kGuest + kPageSize));  // its bytes changed: a checkpoint must copy it
    CHECK_FALSE(m.written(kGuest));
}
