#include "runtime_model/init_task.h"

#include <algorithm>
#include <array>

namespace gostart::model {

InitTaskLayout init_task_layout_for(int go_minor) {
    return go_minor >= 21 ? InitTaskLayout::fns_only : InitTaskLayout::with_deps;
}

std::string_view init_task_layout_name(InitTaskLayout l) {
    return l == InitTaskLayout::fns_only ? "go1.21+ (state uint32, nfns uint32, fns)"
                                         : "go1.13-1.20 (state, ndeps, nfns, deps, fns)";
}

std::optional<InitTask> read_init_task(const GuestView& mem, uint64_t addr, InitTaskLayout layout) {
    InitTask t;
    t.addr = addr;
    uint64_t ndeps = 0, nfns = 0;
    guest::Ptr<uint64_t> first;  // the deps' and fns' words
    if (layout == InitTaskLayout::with_deps) {  // state, ndeps, nfns: three words
        auto words = guest::Ptr<uint64_t>(addr);
        auto state = mem.read_uint(words, 8), d = mem.read_uint(words + 1, 8), f = mem.read_uint(words + 2, 8);
        if (!state || !d || !f) return std::nullopt;
        t.state = *state, ndeps = *d, nfns = *f, first = words + 3;
    } else {  // state, nfns: two uint32s
        auto halves = guest::Ptr<uint32_t>(addr);
        auto state = mem.read_uint(halves, 4), f = mem.read_uint(halves + 1, 4);
        if (!state || !f) return std::nullopt;
        t.state = *state, nfns = *f, first = (halves + 2).cast<uint64_t>();
    }
    if (ndeps > kMaxInitTaskEntries || nfns > kMaxInitTaskEntries) return std::nullopt;
    std::vector<uint64_t> words(ndeps + nfns);
    if (!words.empty() && !mem.read(first, words.data(), words.size() * 8)) return std::nullopt;
    t.deps.assign(words.begin(), words.begin() + static_cast<long>(ndeps));
    t.fns.assign(words.begin() + static_cast<long>(ndeps), words.end());
    return t;
}

std::string_view function_package(std::string_view name) {
    size_t slash = name.rfind('/');
    size_t dot = name.find('.', slash == std::string_view::npos ? 0 : slash);
    return name.substr(0, dot);
}

namespace {
// The runtime's size classes (runtime/sizeclasses.go, unchanged from go1.16 to today's releases).
constexpr std::array<uint16_t, 68> kClassToSize = {
    0,     8,     16,    24,    32,    48,    64,    80,    96,    112,   128,   144,   160,   176,
    192,   208,   224,   240,   256,   288,   320,   352,   384,   416,   448,   480,   512,   576,
    640,   704,   768,   896,   1024,  1152,  1280,  1408,  1536,  1792,  2048,  2304,  2688,  3072,
    3200,  3456,  4096,  4864,  5376,  6144,  6528,  6784,  6912,  8192,  9472,  9728,  10240, 10880,
    12288, 13568, 14336, 16384, 18432, 19072, 20480, 21760, 24576, 27264, 28672, 32768};
constexpr uint64_t kMaxTiny = 16, kMaxSmall = 32768, kPage = 8192;
}  // namespace

uint64_t inittrace_counted_bytes(uint64_t size, bool noscan, TinyBlock& tiny, bool malloc_header) {
    if (size == 0) return 0;
    if (noscan && size < kMaxTiny) {
        uint64_t off = tiny.offset;
        if ((size & 7) == 0) off = (off + 7) & ~uint64_t{7};
        else if ((size & 3) == 0) off = (off + 3) & ~uint64_t{3};
        else if ((size & 1) == 0) off = (off + 1) & ~uint64_t{1};
        if (tiny.open && off + size <= kMaxTiny) {
            tiny.offset = off + size;
            return 0;  // fits the current block: the runtime returns before it counts bytes
        }
        if (!tiny.open || size < tiny.offset) tiny = {true, size};
        return kMaxTiny;
    }
    constexpr uint64_t kHeader = 8, kHeaderAbove = 512;
    if (size <= (malloc_header ? kMaxSmall - kHeader : kMaxSmall)) {
        if (malloc_header && !noscan && size > kHeaderAbove) size += kHeader;
        return *std::lower_bound(kClassToSize.begin(), kClassToSize.end(), size);
    }
    return (size + kPage - 1) / kPage * kPage;
}

}  // namespace gostart::model
