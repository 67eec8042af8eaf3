// build_initial_stack: the process stack walked from sp exactly as the kernel ABI defines it.
#include "loader/initial_stack.h"

#include <catch2/catch.hpp>

#include <cstring>
#include <map>
#include <string>
#include <vector>

using namespace gostart::loader;

namespace {

constexpr uint64_t kTop = 0x7ffffffff000;

StackInputs inputs(std::vector<std::string> argv, std::vector<std::string> envp) {
    StackInputs in;
    in.stack_top = kTop;
    in.argv = std::move(argv);
    in.envp = std::move(envp);
    in.execfn = "/opt/bin/prog";
    for (uint8_t i = 0; i < 16; ++i) in.random[i] = static_cast<uint8_t>(0xa0 + i);
    in.phdr = 0x400040;
    in.phent = 56;
    in.phnum = 7;
    in.entry = 0x45c020;
    return in;
}

// Reads the image as guest memory: addresses in [sp, top).
struct Image {
    const InitialStack& st;
    uint64_t top;
    bool contains(uint64_t a, uint64_t n) const { return a >= st.sp && a + n <= top; }
    uint64_t u64(uint64_t a) const {
        REQUIRE(contains(a, 8));
        uint64_t v;
        std::memcpy(&v, &st.bytes[a - st.sp], 8);
        return v;
    }
    std::string cstr(uint64_t a) const {
        std::string s;
        for (;; ++a) {
            REQUIRE(contains(a, 1));  // the NUL is inside the image
            char c = static_cast<char>(st.bytes[a - st.sp]);
            if (!c) return s;
            s += c;
        }
    }
};

}  // namespace

TEST_CASE("The initial stack holds argc, argv, envp and auxv in the kernel's order", "[loader][stack]") {
    StackInputs in = inputs({"prog", "a b", ""}, {"HOME=/root", "X=1"});
    InitialStack st = build_initial_stack(in);
    Image m{st, kTop};
    REQUIRE(st.bytes.size() == kTop - st.sp);
    CHECK(st.sp % 16 == 0);

    uint64_t p = st.sp;
    CHECK(m.u64(p) == 3);
    CHECK(st.argc == 3);
    p += 8;
    CHECK(st.argv_addr == p);
    std::vector<std::string> argv;
    for (; m.u64(p) != 0; p += 8) argv.push_back(m.cstr(m.u64(p)));
    CHECK(argv == in.argv);
    p += 8;
    CHECK(st.envp_addr == p);
    std::vector<std::string> envp;
    for (; m.u64(p) != 0; p += 8) envp.push_back(m.cstr(m.u64(p)));
    CHECK(envp == in.envp);
    p += 8;
    CHECK(st.auxv_addr == p);
    std::map<uint64_t, uint64_t> aux;
    std::vector<std::pair<uint64_t, uint64_t>> walked;
    for (;; p += 16) {
        walked.emplace_back(m.u64(p), m.u64(p + 8));
        if (m.u64(p) == kAtNull) break;
        CHECK(aux.count(m.u64(p)) == 0);  // each tag once
        aux[m.u64(p)] = m.u64(p + 8);
    }
    CHECK(walked == st.auxv);

    CHECK(aux.at(kAtPagesz) == 4096);
    CHECK(aux.at(kAtPhdr) == 0x400040);
    CHECK(aux.at(kAtPhent) == 56);
    CHECK(aux.at(kAtPhnum) == 7);
    CHECK(aux.at(kAtEntry) == 0x45c020);
    CHECK(aux.at(kAtUid) == 1000);
    CHECK(aux.at(kAtGid) == 1000);
    CHECK(aux.at(kAtSecure) == 0);
    CHECK(aux.at(kAtRandom) == st.random_addr);
    CHECK(m.cstr(aux.at(kAtExecfn)) == "/opt/bin/prog");
    CHECK(aux.at(kAtExecfn) == st.execfn_addr);
    CHECK(m.cstr(aux.at(kAtPlatform)) == "x86_64");

    // AT_RANDOM: the 16 bytes given, above the pointer arrays.
    REQUIRE(m.contains(st.random_addr, 16));
    CHECK(std::memcmp(&st.bytes[st.random_addr - st.sp], in.random.data(), 16) == 0);
    CHECK(st.random_addr >= p + 16);
    // The stack ends with 8 zero bytes, as Linux leaves it.
    CHECK(m.u64(kTop - 8) == 0);
}

TEST_CASE("sp is 16-byte aligned for every count of arguments and variables", "[loader][stack]") {
    for (int na = 0; na < 6; ++na) {
        for (int ne = 0; ne < 5; ++ne) {
            std::vector<std::string> argv, envp;
            for (int i = 0; i < na; ++i) argv.push_back(std::string(static_cast<size_t>(i * 3 + 1), 'a'));
            for (int i = 0; i < ne; ++i) envp.push_back("V" + std::to_string(i) + "=" + std::string(static_cast<size_t>(i), 'x'));
            InitialStack st = build_initial_stack(inputs(argv, envp));
            INFO(na << " arguments, " << ne << " variables");
            CHECK(st.sp % 16 == 0);
            CHECK(st.argc == static_cast<uint64_t>(na));
            Image m{st, kTop};
            CHECK(m.u64(st.sp) == static_cast<uint64_t>(na));
            CHECK(m.u64(st.argv_addr + 8 * static_cast<uint64_t>(na)) == 0);
            CHECK(m.u64(st.envp_addr + 8 * static_cast<uint64_t>(ne)) == 0);
            CHECK(st.random_addr % 16 == 0);
        }
    }
}

TEST_CASE("The same inputs give the same stack, byte for byte", "[loader][stack]") {
    InitialStack a = build_initial_stack(inputs({"x"}, {"A=B"}));
    InitialStack b = build_initial_stack(inputs({"x"}, {"A=B"}));
    CHECK(a.sp == b.sp);
    CHECK(a.bytes == b.bytes);
}
