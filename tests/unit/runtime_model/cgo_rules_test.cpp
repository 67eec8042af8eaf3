// The cgo path's predictions computed from inputs only: where glibc puts g's TLS slot (from PT_TLS and
// runtime.tlsg), g0's stack after x_cgo_init, which milestones the path has, and sysmon's M id.
#include "runtime_model/startup_model.h"

#include <catch2/catch.hpp>

#include <algorithm>

using namespace gostart::model;

namespace {

ModelInputs go119(bool cgo) {
    ModelInputs in;
    in.version = {1, 19, 8};
    in.entry_sp = 0x7fffffffed18;
    in.cgo = cgo;
    in.tls_memsz = 8;
    in.tls_align = 8;
    in.stack_rlimit = 8 << 20;
    return in;
}

}  // namespace

TEST_CASE("without cgo g is at -8(FS), whatever PT_TLS says: settls made FS = &m0.tls + 8") {
    ModelInputs in = go119(false);
    in.tls_memsz = 0x40;
    CHECK(StartupModel(in).g_tls_offset() == -8);
}

TEST_CASE("with cgo g's slot is runtime.tlsg in the executable's block below the thread pointer") {
    ModelInputs in = go119(true);
    CHECK(StartupModel(in).g_tls_offset() == -8);  // Go's one 8-byte tlsg
    // A C __thread variable next to it: the block grows, g stays at its offset inside it.
    in.tls_memsz = 0x18;
    in.tlsg_value = 0x10;
    CHECK(StartupModel(in).g_tls_offset() == -0x18 + 0x10);
    // A 64-byte aligned block is rounded up to its alignment.
    in.tls_memsz = 0x48;
    in.tls_align = 64;
    in.tlsg_value = 0;
    CHECK(StartupModel(in).g_tls_offset() == -0x80);
    // A start that is not aligned (firstbyte = -vaddr mod align) keeps its residue below the thread pointer.
    in.tls_memsz = 0x18;
    in.tls_align = 16;
    in.tls_vaddr = 0x514df8;  // firstbyte 8: roundup(0x18 - 8, 16) + 8 = 0x18
    CHECK(StartupModel(in).g_tls_offset() == -0x18);
    in.tls_vaddr = 0x514df4;  // firstbyte 12: roundup(0x18 - 12, 16) + 12 = 0x1c
    CHECK(StartupModel(in).g_tls_offset() == -0x1c);
}

TEST_CASE("with cgo g0's stack reaches down a pthread stack from x_cgo_init's frame") {
    ModelInputs in = go119(true);
    StartupModel m(in);
    CHECK(m.g0_stack_hi() == 0x7fffffffecf0);                       // (sp - 40) & ~15, as without cgo
    CHECK(m.g0_initial_lo() == 0x7fffffffecf0 - 65536 + 104);
    CHECK(m.g0_stack_lo() == 0x7fffffffecf0 - 16 - (8 << 20) + 4096);
    // An RLIMIT_STACK that is not a page multiple is rounded up; unlimited means glibc's 2 MiB default.
    in.stack_rlimit = (8 << 20) + 1;
    CHECK(StartupModel(in).g0_stack_lo() == 0x7fffffffecf0 - 16 - (8 << 20) - 4096 + 4096);
    in.stack_rlimit = ~uint64_t(0);
    CHECK(StartupModel(in).g0_stack_lo() == 0x7fffffffecf0 - 16 - (2 << 20) + 4096);
    // Without cgo lo is rt0_go's own.
    StartupModel s(go119(false));
    CHECK(s.g0_stack_lo() == s.g0_initial_lo());
}

TEST_CASE("each path has its own first milestone, and sysmon's M id") {
    auto has = [](const std::vector<Milestone>& ms, Milestone m) { return std::find(ms.begin(), ms.end(), m) != ms.end(); };
    StartupModel cgo(go119(true)), plain(go119(false));
    CHECK(has(cgo.milestones(), Milestone::cgo_init));
    CHECK_FALSE(has(cgo.milestones(), Milestone::settls));
    CHECK(has(plain.milestones(), Milestone::settls));
    CHECK_FALSE(has(plain.milestones(), Milestone::cgo_init));
    CHECK(cgo.milestones().size() == plain.milestones().size());
    CHECK(cgo.m_id_of_sysmon() == 2);
    CHECK(plain.m_id_of_sysmon() == 1);
    // The x_cgo_init rule is go1.19's: other releases do not claim it.
    CHECK(cgo.rules().cgo_modelled);
    ModelInputs v121 = go119(true);
    v121.version = {1, 21, 0};
    CHECK_FALSE(StartupModel(v121).rules().cgo_modelled);
}
