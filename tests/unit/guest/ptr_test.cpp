// guest::Ptr<T> (guest/ptr.h) and the typed readers built on it (linux/guest_io.h). Most of what the
// type is for is what does NOT compile: those checks are static_asserts over requires-expressions, so
// a change that lets a bare number, a wrongly typed pointer or a mismatched value through breaks the
// build of this test. The rest runs: element-scaled arithmetic, and typed reads and writes on a fake CPU
// landing on the bytes they should.
#include "guest/ptr.h"
#include "linux/guest_io.h"
#include "tests/unit/linux/fake_cpu.h"

#include <catch2/catch.hpp>

#include <cstring>
#include <ctime>
#include <sys/uio.h>

namespace {

using gostart::cpu::GuestCpu;
using gostart::guest::Addr;
using gostart::guest::Ptr;
namespace lx = gostart::linux;

// Conversions: nothing becomes a guest address by itself; typed → untyped only.
static_assert(!std::is_convertible_v<uint64_t, Addr>);
static_assert(!std::is_convertible_v<uint64_t, Ptr<int32_t>>);
static_assert(std::is_constructible_v<Ptr<int32_t>, uint64_t>);  // … but it can be made on purpose
static_assert(std::is_convertible_v<Ptr<timespec>, Addr>);
static_assert(!std::is_convertible_v<Addr, Ptr<timespec>>);
static_assert(!std::is_convertible_v<Ptr<int32_t>, Ptr<uint32_t>>);
static_assert(!std::is_convertible_v<Ptr<int32_t>, uint64_t>);
static_assert(!std::is_convertible_v<int*, Addr>);                 // a host pointer is not a guest one
static_assert(sizeof(Ptr<timespec>) == sizeof(uint64_t));

// The CPU's memory calls take guest addresses, not numbers.
template <class A>
concept cpu_reads_at = requires(const GuestCpu& c, A a, void* dst) { c.try_read(a, dst, size_t{1}); };
static_assert(cpu_reads_at<Addr>);
static_assert(cpu_reads_at<Ptr<iovec>>);
static_assert(!cpu_reads_at<uint64_t>);
static_assert(!cpu_reads_at<int>);

template <class A>
concept cpu_maps_at = requires(GuestCpu& c, A a) { c.map(a, uint64_t{4096}, uint32_t{3}); };
static_assert(cpu_maps_at<Addr>);
static_assert(!cpu_maps_at<uint64_t>);

// read_guest takes the value's type from the pointer; write_guest refuses a value of another type.
template <class P>
concept guest_readable = requires(const GuestCpu& c, P p) { lx::read_guest(c, p); };
static_assert(guest_readable<Ptr<timespec>>);
static_assert(!guest_readable<uint64_t>);
static_assert(!guest_readable<Addr>);  // untyped: nothing says how many bytes
static_assert(std::is_same_v<decltype(lx::read_guest(std::declval<const GuestCpu&>(), Ptr<timespec>{})),
                             std::optional<timespec>>);

template <class P, class V>
concept guest_writable = requires(GuestCpu& c, P p, V v) { lx::write_guest(c, p, v); };
static_assert(guest_writable<Ptr<timespec>, timespec>);
static_assert(guest_writable<Ptr<int32_t>, int>);           // a number converts to the pointer's type
static_assert(!guest_writable<Ptr<uint32_t>, timespec>);    // a struct where the guest asked for a word
static_assert(!guest_writable<Ptr<timespec>, timeval>);     // two structs of the same size
static_assert(!guest_writable<uint64_t, timespec>);         // a bare number as the address
static_assert(!guest_writable<Ptr<const char>, char>);      // a pointer to const is read, not written

template <class P>
concept cstring_readable = requires(const GuestCpu& c, P p) { lx::read_cstring(c, p); };
static_assert(cstring_readable<Ptr<const char>>);
static_assert(!cstring_readable<uint64_t>);
static_assert(!cstring_readable<Ptr<uint64_t>>);

TEST_CASE("guest::Ptr arithmetic moves by elements, Addr by bytes", "[guest]") {
    constexpr Ptr<uint64_t> words(0x1000);
    STATIC_REQUIRE((words + 2).addr() == 0x1010);
    STATIC_REQUIRE((words + 3) - words == 3);
    STATIC_REQUIRE(Addr(0x1000) + 2 == Addr(0x1002));
    STATIC_REQUIRE(Addr(words + 1) == Addr(0x1008));
    Ptr<iovec> v(0x2000);
    v += 2;
    CHECK(v.addr() == 0x2000 + 2 * sizeof(iovec));
    v -= 1;
    CHECK(v.addr() == 0x2000 + sizeof(iovec));
    CHECK(v.plus_bytes(8).addr() == 0x2000 + sizeof(iovec) + 8);
    CHECK((v.cast<uint32_t>() + 1).addr() == 0x2000 + sizeof(iovec) + 4);
    CHECK(Ptr<int>().is_null());
    CHECK_FALSE(static_cast<bool>(Ptr<int>()));
    CHECK(Ptr<int>(0x10) < Ptr<int>(0x14));
}

TEST_CASE("typed reads and writes land on the bytes the pointer names", "[guest]") {
    gostart::test::FakeCpu cpu;
    constexpr uint64_t kBase = 0x40000;
    cpu.map(Addr(kBase), 2 * gostart::test::FakeCpu::kPage, gostart::cpu::kProtRead | gostart::cpu::kProtWrite);

    // The third timespec of an array: 2 * 16 bytes in.
    auto array = Ptr<timespec>(kBase + 0x100);
    REQUIRE(lx::write_guest(cpu, array + 2, timespec{7, 9}));
    int64_t raw[2] = {};
    REQUIRE(cpu.try_read(Addr(kBase + 0x100 + 2 * sizeof(timespec)), raw, sizeof raw));
    CHECK(raw[0] == 7);
    CHECK(raw[1] == 9);
    auto back = lx::read_guest(cpu, array + 2);
    REQUIRE(back);
    CHECK(back->tv_sec == 7);
    CHECK(back->tv_nsec == 9);

    // A value converted to the pointer's type: -1 as an int32_t is four 0xff bytes, no more.
    REQUIRE(lx::write_guest(cpu, Ptr<int32_t>(kBase + 0x200), -1));
    uint8_t bytes[8] = {};
    REQUIRE(cpu.try_read(Addr(kBase + 0x200), bytes, sizeof bytes));
    CHECK(bytes[3] == 0xff);
    CHECK(bytes[4] == 0);

    // A string that crosses into the second page, and one that runs off the mapping (EFAULT).
    const char text[] = "crossing";
    uint64_t at = kBase + gostart::test::FakeCpu::kPage - 3;
    REQUIRE(cpu.try_write(Addr(at), text, sizeof text));
    CHECK(lx::read_cstring(cpu, Ptr<const char>(at)) == "crossing");
    uint64_t end = kBase + 2 * gostart::test::FakeCpu::kPage;
    REQUIRE(cpu.try_write(Addr(end - 2), "ab", 2));
    CHECK_FALSE(lx::read_cstring(cpu, Ptr<const char>(end - 2)));
    CHECK(lx::read_guest_path(cpu, Ptr<const char>(end - 2)).error == -EFAULT);
}

}  // namespace
