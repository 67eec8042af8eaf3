#include "app/heap_setup.h"

#include <malloc.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>

namespace gostart::app {

namespace {

constexpr size_t kHugePage = size_t(2) << 20;
// Enough for LIEF's copies of a ~10 MB program (measured: ~40 MB of blocks in `info` on esbuild);
// only address space until touched.
constexpr size_t kHeapReserve = size_t(64) << 20;

}  // namespace

void set_up_heap() {
#if !defined(__SANITIZE_ADDRESS__)
    // Big blocks from the heap rather than from mmap (a fresh mapping per block, faulted page by page,
    // unmapped on free), and the heap never handed back: later copies reuse pages already touched.
    mallopt(M_MMAP_THRESHOLD, 64 << 20);
    mallopt(M_TRIM_THRESHOLD, 256 << 20);
    // Grow the heap once by kHeapReserve, so that it is one region that the advice below covers:
    // each later brk() would add a region of its own, without the advice.
    mallopt(M_TOP_PAD, static_cast<int>(kHeapReserve));
    auto start = reinterpret_cast<uintptr_t>(sbrk(0));
    // More than the heap has free, so it must grow (by the pad too). Volatile: the compiler may
    // otherwise drop a malloc whose block is only freed.
    void* volatile block = std::malloc(256 << 10);
    std::free(block);
    auto end = reinterpret_cast<uintptr_t>(sbrk(0));
    mallopt(M_TOP_PAD, 128 << 10);  // glibc's default again for growth beyond the reserve
    start = (start + kHugePage - 1) & ~(kHugePage - 1);
    if (end > start) madvise(reinterpret_cast<void*>(start), end - start, MADV_HUGEPAGE);
#endif
}

}  // namespace gostart::app
