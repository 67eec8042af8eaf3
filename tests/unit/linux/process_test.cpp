// Process: guest programs run end to end on a real engine — exit, threads and futexes, deadlock,
// virtual time, the instruction limit, faults and signal delivery.
#include "linux/signal_frame.h"
#include "tests/unit/linux/guest.h"

#include <catch2/catch.hpp>

#include <sys/mman.h>

#include <csignal>
#include <ctime>
#include <linux/futex.h>
#include <sched.h>
#include <sys/syscall.h>

#include <tuple>
#include <utility>
#include <vector>

using gostart::linux::ExitInfo;
using gostart::test::Cond;
using gostart::test::Guest;
using gostart::test::m32;
using gostart::test::m64;
using gostart::test::R;

namespace {

constexpr uint64_t kThreadFlags = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM;

// Emits futex(addr, FUTEX_WAIT_PRIVATE, 0, NULL): waits forever while *addr == 0.
void futex_wait_forever(Guest& g, uint64_t addr) {
    g.sys(SYS_futex, {addr, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 0, 0});
}

// Emits clone(kThreadFlags [| CLONE_SETTLS], child stack, 0, 0, tls) and a branch: the child goes to
// `child`, the parent falls through with the child's tid in rax, which it also stores at the returned
// address (the slot sys() fills is written by both threads, so it cannot tell which saw what).
uint64_t emit_clone(Guest& g, gostart::test::Asm::Label child, uint64_t extra_flags = 0, uint64_t tls = 0) {
    constexpr uint64_t kParentSaw = Guest::kData + 0xf00;
    g.sys(SYS_clone, {kThreadFlags | extra_flags, Guest::kChildStackTop - 0x100, 0, 0, tls});
    g.code.cmp(R::rax, 0);
    g.code.j(Cond::e, child);
    g.code.mov(R::r15, kParentSaw);
    g.code.store(R::r15, 0, R::rax);
    return kParentSaw;
}

}  // namespace

TEST_CASE("A program that writes through a pipe and calls exit_group(7) exits with 7", "[linux][process]") {
    Guest g;
    uint64_t fds = Guest::kData;  // int[2]
    uint64_t msg = g.str("hello");
    uint64_t buf = g.alloc(16);
    uint64_t p = g.sys(SYS_pipe2, {fds, 0});
    uint64_t w = g.sys(SYS_write, {m32(fds + 4), msg, 5});
    uint64_t r = g.sys(SYS_read, {m32(fds), buf, 16});
    g.exit_group(7);
    g.code.ud2();  // never reached

    ExitInfo e = g.run();
    CHECK(e.kind == ExitInfo::Kind::exited);
    CHECK(e.status == 7);
    CHECK(e.exit_status() == 7);
    CHECK(g.result(p) == 0);
    CHECK(g.read32(fds) >= 3);
    CHECK(g.read32(fds + 4) == g.read32(fds) + 1);
    CHECK(g.result(w) == 5);
    CHECK(g.result(r) == 5);
    CHECK(g.read_bytes(buf, 5) == "hello");
}

TEST_CASE("clone creates a thread with its TLS; futex wait and wake hand over between threads", "[linux][threads]") {
    Guest g;
    constexpr uint64_t kFlag = Guest::kData + 0x100;  // u32 the parent waits on
    constexpr uint64_t kTls = Guest::kData + 0x200;   // the child's FS base
    constexpr uint64_t kOut = Guest::kData + 0x300;   // what the child saw
    uint64_t magic = 0x7153a11ce;
    g.engine.write(gostart::guest::Addr(kTls), &magic, 8);
    auto child = g.code.label(), wait = g.code.label(), done = g.code.label();

    uint64_t tid_slot = emit_clone(g, child, CLONE_SETTLS, kTls);
    // Parent: while (*flag == 0) futex_wait(flag, 0).
    g.code.bind(wait);
    g.code.mov(R::rbx, kFlag);
    g.code.load32(R::rcx, R::rbx, 0);
    g.code.cmp(R::rcx, 0);
    g.code.j(Cond::ne, done);
    futex_wait_forever(g, kFlag);
    g.code.jmp(wait);
    g.code.bind(done);
    g.code.mov(R::rdi, R::rcx);  // exit_group(*flag)
    g.code.mov(R::rax, 231);
    g.code.syscall();

    // Child: record FS base, fs:[0], gettid; set the flag to 42 and wake one waiter; exit.
    g.code.bind(child);
    g.code.mov(R::rbx, kOut);
    g.code.store(R::rbx, 0, R::rsp);
    g.sys(SYS_arch_prctl, {0x1003 /*ARCH_GET_FS*/, kOut + 8});
    g.code.load_rax_fs(0);
    g.code.mov(R::rbx, kOut);
    g.code.store(R::rbx, 16, R::rax);
    uint64_t child_tid = g.sys(SYS_gettid);
    g.code.mov(R::rbx, kFlag);
    g.code.mov(R::rcx, 42);
    g.code.store32(R::rbx, 0, R::rcx);
    uint64_t woken = g.sys(SYS_futex, {kFlag, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, 1});
    g.sys(SYS_exit, {0});

    ExitInfo e = g.run();
    CHECK(e.kind == ExitInfo::Kind::exited);
    CHECK(e.status == 42);
    CHECK(g.result(tid_slot) == 1001);   // the parent got the child's tid
    CHECK(g.result(child_tid) == 1001);  // and the child agrees
    CHECK(g.read64(kOut) == Guest::kChildStackTop - 0x100);
    CHECK(g.read64(kOut + 8) == kTls);
    CHECK(g.read64(kOut + 16) == magic);
    CHECK(g.result(woken) == 1);
}

TEST_CASE("clone without CLONE_THREAD (a new process) is refused", "[linux][threads][sandbox]") {
    Guest g;
    uint64_t r = g.sys(SYS_clone, {SIGCHLD, 0, 0, 0, 0});
    uint64_t f = g.sys(SYS_fork);
    g.exit_group(0);
    CHECK(g.run().status == 0);
    CHECK(g.result(r) == -EACCES);
    CHECK(g.result(f) == -EACCES);
}

TEST_CASE("Two threads waiting forever on futexes are a deadlock: exit 125 naming both", "[linux][threads]") {
    Guest g;
    constexpr uint64_t kA = Guest::kData + 0x100, kB = Guest::kData + 0x108;
    auto child = g.code.label();
    emit_clone(g, child);
    futex_wait_forever(g, kA);
    g.exit_group(1);
    g.code.bind(child);
    futex_wait_forever(g, kB);
    g.exit_group(2);

    ExitInfo e = g.run();
    CHECK(e.kind == ExitInfo::Kind::emulator_stop);
    CHECK(e.exit_status() == 125);
    CHECK_THAT(e.message, Catch::Contains("deadlock"));
    CHECK_THAT(e.message, Catch::Contains("thread 1000: futex wait 0x600100"));
    CHECK_THAT(e.message, Catch::Contains("thread 1001: futex wait 0x600108"));
}

TEST_CASE("the deadlock report says where every thread waits, not only the current one", "[linux][threads]") {
    // Issue 2: "reported as a deadlock (exit 125) with each thread's futex and symbol".
    Guest g;
    auto child = g.code.label();
    emit_clone(g, child);
    futex_wait_forever(g, Guest::kData + 0x100);
    g.code.bind(child);
    futex_wait_forever(g, Guest::kData + 0x108);
    ExitInfo e = g.run();
    REQUIRE(e.exit_status() == 125);
    CHECK_THAT(e.message, Catch::Contains("thread 1000: futex wait 0x600100 at "));
    CHECK_THAT(e.message, Catch::Contains("thread 1001: futex wait 0x600108 at "));
}

TEST_CASE("When every thread waits, virtual time jumps to the sleeper's deadline", "[linux][time]") {
    Guest g;
    uint64_t t0 = Guest::kData + 0x100, t1 = Guest::kData + 0x110;
    timespec five{5, 0};
    uint64_t req = g.put(five);
    auto child = g.code.label();
    emit_clone(g, child);
    g.sys(SYS_clock_gettime, {CLOCK_MONOTONIC, t0});
    uint64_t slept = g.sys(SYS_nanosleep, {req, 0});
    g.sys(SYS_clock_gettime, {CLOCK_MONOTONIC, t1});
    g.exit_group(0);
    g.code.bind(child);
    futex_wait_forever(g, Guest::kData + 0x200);  // never woken: it must not count as a deadlock

    ExitInfo e = g.run();
    REQUIRE(e.kind == ExitInfo::Kind::exited);
    CHECK(g.result(slept) == 0);
    auto ns = [&](uint64_t a) { return g.read64(a) * 1000000000ull + g.read64(a + 8); };
    uint64_t d = ns(t1) - ns(t0);
    CHECK(d >= 5000000000ull);
    CHECK(d < 5000000000ull + 4000);         // plus a few instructions at 4 ns each
    CHECK(g.engine.instructions() < 200);    // while hardly anything ran
    CHECK(ns(t0) >= 1000000000ull);          // CLOCK_MONOTONIC starts at 1 s
}

TEST_CASE("--max-insns stops an infinite loop with status 125 and 'instruction limit'", "[linux][process]") {
    gostart::linux::ProcessOptions o;
    o.max_insns = 10000;
    Guest g(o);
    auto loop = g.code.label();
    g.code.bind(loop);
    g.code.jmp(loop);
    ExitInfo e = g.run();
    CHECK(e.kind == ExitInfo::Kind::emulator_stop);
    CHECK(e.exit_status() == 125);
    CHECK_THAT(e.message, Catch::Contains("instruction limit"));
    CHECK_THAT(e.message, Catch::Contains("10000"));
    CHECK(g.engine.instructions() == 10000);
}

TEST_CASE("A null-pointer read without a SIGSEGV handler kills the process with signal 11", "[linux][signals]") {
    Guest g;
    g.code.mov(R::rax, 0);
    g.code.load(R::rcx, R::rax, 0x18);  // mov rcx, [rax+0x18]
    g.exit_group(0);
    ExitInfo e = g.run();
    CHECK(e.kind == ExitInfo::Kind::signaled);
    CHECK(e.status == SIGSEGV);
    CHECK(e.exit_status() == 139);
    CHECK_THAT(e.message, Catch::Contains("0x18"));
    CHECK_THAT(e.message, Catch::Contains("signal 11"));
}

namespace {

struct KSigaction {
    uint64_t handler, flags, restorer, mask;
};
struct KStack {
    uint64_t sp;
    int32_t flags, pad;
    uint64_t size;
};
constexpr uint64_t kSaSiginfo = 4, kSaOnstack = 0x08000000, kSaRestorer = 0x04000000;

// Emits the restorer Go and glibc use: rt_sigreturn.
void emit_restorer(Guest& g) {
    g.code.mov(R::rax, SYS_rt_sigreturn);
    g.code.syscall();
}

}  // namespace

TEST_CASE("A SIGSEGV handler runs on the sigaltstack with siginfo and ucontext, and rt_sigreturn resumes",
          "[linux][signals]") {
    Guest g;
    constexpr uint64_t kSeen = Guest::kData + 0x800;  // what the handler saw
    constexpr uint64_t kAfter = Guest::kData + 0x900; // what the main code saw after resuming
    auto handler = g.code.label(), restorer = g.code.label(), main = g.code.label();
    g.code.jmp(main);

    g.code.bind(handler);
    g.code.mov(R::rbx, kSeen);
    g.code.store(R::rbx, 0, R::rdi);
    g.code.store(R::rbx, 8, R::rsi);
    g.code.store(R::rbx, 16, R::rdx);
    g.code.store(R::rbx, 24, R::rsp);
    g.code.load(R::rax, R::rsi, 16);   // siginfo.si_addr
    g.code.store(R::rbx, 32, R::rax);
    g.code.load32(R::rax, R::rsi, 0);  // siginfo.si_signo
    g.code.store(R::rbx, 40, R::rax);
    g.code.load(R::rax, R::rdx, 40 + 128);  // uc_mcontext.rip
    g.code.store(R::rbx, 48, R::rax);
    g.code.load(R::rax, R::rdx, 40 + 8 * 13);  // uc_mcontext.rax
    g.code.store(R::rbx, 56, R::rax);
    g.code.mov(R::rbx, 0xbad);         // clobbered here, restored by rt_sigreturn
    g.code.load(R::rax, R::rdx, 40 + 128);
    g.code.add(R::rax, 7);             // skip the 7-byte faulting load
    g.code.store(R::rdx, 40 + 128, R::rax);
    g.code.ret();                      // into sa_restorer

    g.code.bind(restorer);
    emit_restorer(g);

    g.code.bind(main);
    KStack ss{Guest::kAltStack, 0, 0, Guest::kAltStackSize};
    uint64_t ss_addr = g.put(ss);
    uint64_t act_addr = g.alloc(sizeof(KSigaction));
    uint64_t alt = g.sys(SYS_sigaltstack, {ss_addr, 0});
    // The action's addresses are known only once the labels are bound: filled in after assembly.
    uint64_t sa = g.sys(SYS_rt_sigaction, {SIGSEGV, act_addr, 0, 8});
    g.code.mov(R::rbx, 0x1234);
    g.code.mov(R::rax, 0x5150);
    g.code.mov(R::rdx, 0);
    uint64_t faulting = g.code.here();
    g.code.load(R::rcx, R::rdx, 0x18);  // mov rcx, [rdx+0x18]: 7 bytes
    uint64_t resumed = g.code.here();
    g.code.mov(R::rcx, kAfter);
    g.code.store(R::rcx, 0, R::rbx);
    g.code.store(R::rcx, 8, R::rax);
    g.exit_group(0);

    REQUIRE(resumed - faulting == 7);
    KSigaction act{g.code.addr(handler), kSaSiginfo | kSaOnstack | kSaRestorer, g.code.addr(restorer), 0};
    g.engine.write(gostart::guest::Addr(act_addr), &act, sizeof act);

    ExitInfo e = g.run();
    REQUIRE(e.kind == ExitInfo::Kind::exited);
    CHECK(g.result(alt) == 0);
    CHECK(g.result(sa) == 0);
    CHECK(g.read64(kSeen) == SIGSEGV);                    // rdi = sig
    uint64_t info = g.read64(kSeen + 8), uc = g.read64(kSeen + 16), sp = g.read64(kSeen + 24);
    auto on_alt = [](uint64_t a) { return a >= Guest::kAltStack && a < Guest::kAltStack + Guest::kAltStackSize; };
    CHECK(on_alt(sp));
    CHECK(on_alt(info));
    CHECK(on_alt(uc));
    CHECK((sp + 8) % 16 == 0);                            // as after a call
    CHECK(g.read64(sp) == g.code.addr(restorer));         // the return address is sa_restorer
    CHECK(g.read64(kSeen + 32) == 0x18);                  // si_addr
    CHECK(g.read64(kSeen + 40) == SIGSEGV);               // si_signo
    CHECK(g.read64(kSeen + 48) == faulting);              // uc_mcontext.rip: the faulting instruction
    CHECK(g.read64(kSeen + 56) == 0x5150);                // uc_mcontext.rax
    CHECK(g.read64(kAfter) == 0x1234);                    // rbx as before the fault
    CHECK(g.read64(kAfter + 8) == 0x5150);
}

TEST_CASE("A signal whose frame cannot be written becomes a SIGSEGV, which a handler on the alternate stack gets",
          "[linux][signals]") {
    // Linux's force_sigsegv: the SIGURG handler runs on the current stack, which the guest unmapped.
    Guest g;
    constexpr uint64_t kSeen = Guest::kData + 0x800;
    auto urg = g.code.label(), segv = g.code.label(), restorer = g.code.label(), main = g.code.label();
    g.code.jmp(main);
    g.code.bind(urg);
    g.exit_group(1);  // never: its frame cannot be written
    g.code.bind(segv);
    g.code.mov(R::rbx, kSeen);
    g.code.store(R::rbx, 0, R::rdi);
    g.code.load32(R::rax, R::rsi, 8);  // si_code
    g.code.store(R::rbx, 8, R::rax);
    g.exit_group(42);
    g.code.bind(restorer);
    emit_restorer(g);

    g.code.bind(main);
    KStack ss{Guest::kAltStack, 0, 0, Guest::kAltStackSize};
    uint64_t ss_addr = g.put(ss);
    uint64_t urg_act = g.alloc(sizeof(KSigaction)), segv_act = g.alloc(sizeof(KSigaction));
    g.sys(SYS_sigaltstack, {ss_addr, 0});
    g.sys(SYS_rt_sigaction, {SIGURG, urg_act, 0, 8});
    g.sys(SYS_rt_sigaction, {SIGSEGV, segv_act, 0, 8});
    g.sys(SYS_munmap, {Guest::kStack, Guest::kStackTop - Guest::kStack});
    uint64_t tid = g.sys(SYS_gettid);
    g.sys(SYS_tgkill, {1000, m64(tid), SIGURG});
    g.exit_group(0);
    KSigaction a1{g.code.addr(urg), kSaSiginfo | kSaRestorer, g.code.addr(restorer), 0};
    KSigaction a2{g.code.addr(segv), kSaSiginfo | kSaOnstack | kSaRestorer, g.code.addr(restorer), 0};
    g.engine.write(gostart::guest::Addr(urg_act), &a1, sizeof a1);
    g.engine.write(gostart::guest::Addr(segv_act), &a2, sizeof a2);

    ExitInfo e = g.run();
    REQUIRE(e.kind == ExitInfo::Kind::exited);
    CHECK(e.status == 42);
    CHECK(g.read64(kSeen) == SIGSEGV);
    CHECK(static_cast<int32_t>(g.read64(kSeen + 8)) == 0x80);  // SI_KERNEL
}

TEST_CASE("A SIGSEGV whose frame cannot be written is fatal, reported with the munmap that caused it",
          "[linux][signals]") {
    Guest g;
    auto segv = g.code.label(), restorer = g.code.label(), main = g.code.label();
    g.code.jmp(main);
    g.code.bind(segv);
    g.exit_group(1);  // never
    g.code.bind(restorer);
    emit_restorer(g);
    g.code.bind(main);
    uint64_t act = g.alloc(sizeof(KSigaction));
    g.sys(SYS_rt_sigaction, {SIGSEGV, act, 0, 8});
    g.sys(SYS_munmap, {Guest::kStack, Guest::kStackTop - Guest::kStack});
    g.code.mov(R::rax, 0);
    g.code.load(R::rcx, R::rax, 0x18);  // a fault: its frame goes on the stack that is gone
    g.exit_group(0);
    KSigaction a{g.code.addr(segv), kSaSiginfo | kSaRestorer, g.code.addr(restorer), 0};
    g.engine.write(gostart::guest::Addr(act), &a, sizeof a);

    ExitInfo e = g.run();
    CHECK(e.kind == ExitInfo::Kind::signaled);
    CHECK(e.exit_status() == 139);
    CHECK_THAT(e.message, Catch::StartsWith("signal 11 (Segmentation fault): the frame of signal 11 "));
    CHECK_THAT(e.message, Catch::Contains("(nothing mapped: 0x10000000-0x10010000 was unmapped by munmap(0x10000000, "
                                          "0x10000) in thread 1000 at 0x"));
}

TEST_CASE("A fault the guest caused by unmapping or protecting memory names the call", "[linux][signals]") {
    SECTION("unmapped") {
        Guest g;
        g.sys(SYS_munmap, {Guest::kData + 0x3000, 0x2000});
        g.code.mov(R::rax, Guest::kData + 0x4000);
        g.code.load(R::rcx, R::rax, 0x10);
        g.exit_group(0);
        ExitInfo e = g.run();
        CHECK(e.exit_status() == 139);
        CHECK_THAT(e.message, Catch::Contains("accessing 0x604010 (nothing mapped: 0x603000-0x605000 was unmapped by "
                                              "munmap(0x603000, 0x2000) in thread 1000 at 0x"));
    }
    SECTION("made read-only") {
        Guest g;
        g.sys(SYS_mprotect, {Guest::kData + 0x3000, 0x1000, PROT_READ});
        g.code.mov(R::rax, Guest::kData + 0x3000);
        g.code.store(R::rax, 8, R::rax);
        g.exit_group(0);
        ExitInfo e = g.run();
        CHECK(e.exit_status() == 139);
        CHECK_THAT(e.message, Catch::Contains("accessing 0x603008 (not permitted there: 0x603000-0x604000 was left with "
                                              "less access by mprotect(0x603000, 0x1000, 0x1) in thread 1000 at 0x"));
    }
    SECTION("never mapped: no call to name") {
        Guest g;
        g.code.mov(R::rax, 0x700000);
        g.code.load(R::rcx, R::rax, 0);
        g.exit_group(0);
        ExitInfo e = g.run();
        CHECK_THAT(e.message, Catch::Contains("accessing 0x700000 (nothing mapped) in thread 1000"));
    }
}

TEST_CASE("tgkill to the thread itself delivers SIGURG to its handler with SI_TKILL", "[linux][signals]") {
    Guest g;
    constexpr uint64_t kSeen = Guest::kData + 0x800;
    auto handler = g.code.label(), restorer = g.code.label(), main = g.code.label();
    g.code.jmp(main);
    g.code.bind(handler);
    g.code.mov(R::rbx, kSeen);
    g.code.store(R::rbx, 0, R::rdi);
    g.code.load32(R::rax, R::rsi, 8);   // si_code
    g.code.store(R::rbx, 8, R::rax);
    g.code.load32(R::rax, R::rsi, 16);  // si_pid
    g.code.store(R::rbx, 16, R::rax);
    g.code.load(R::rax, R::rbx, 24);    // calls++
    g.code.inc(R::rax);
    g.code.store(R::rbx, 24, R::rax);
    g.code.ret();
    g.code.bind(restorer);
    emit_restorer(g);

    g.code.bind(main);
    uint64_t act_addr = g.alloc(sizeof(KSigaction));
    g.sys(SYS_rt_sigaction, {SIGURG, act_addr, 0, 8});
    uint64_t pid = g.sys(SYS_getpid);
    uint64_t tid = g.sys(SYS_gettid);
    uint64_t kill = g.sys(SYS_tgkill, {m64(pid), m64(tid), SIGURG});
    uint64_t wrong_pid = g.sys(SYS_tgkill, {4242, m64(tid), SIGURG});
    g.exit_group(0);
    KSigaction act{g.code.addr(handler), kSaSiginfo | kSaRestorer, g.code.addr(restorer), 0};
    g.engine.write(gostart::guest::Addr(act_addr), &act, sizeof act);

    ExitInfo e = g.run();
    REQUIRE(e.kind == ExitInfo::Kind::exited);
    CHECK(g.result(pid) == 1000);
    CHECK(g.result(tid) == 1000);
    CHECK(g.result(kill) == 0);  // rax as the interrupted code had it
    CHECK(g.result(wrong_pid) == -ESRCH);
    CHECK(g.read64(kSeen) == SIGURG);
    CHECK(static_cast<int32_t>(g.read64(kSeen + 8)) == -6);  // SI_TKILL
    CHECK(g.read64(kSeen + 16) == 1000);
    CHECK(g.read64(kSeen + 24) == 1);
}

TEST_CASE("SIGURG with no handler is ignored, as its default action is", "[linux][signals]") {
    Guest g;
    uint64_t tid = g.sys(SYS_gettid);
    g.sys(SYS_tgkill, {1000, m64(tid), SIGURG});
    g.exit_group(3);
    CHECK(g.run().status == 3);
}

TEST_CASE("Signal frame layout matches the kernel's and glibc's", "[linux][signals]") {
    using namespace gostart::linux;
    static_assert(offsetof(KernelUcontext, uc_mcontext) == 40);
    static_assert(offsetof(KernelSigcontext, rip) == 128);
    static_assert(offsetof(KernelSigcontext, rsp) == 120);
    static_assert(offsetof(KernelSigcontext, eflags) == 136);
    static_assert(offsetof(KernelSigcontext, cr2) == 176);
    static_assert(sizeof(KernelSiginfo) == 128);
    static_assert(offsetof(RtSigframe, uc) == 8);
    CHECK(offsetof(ucontext_t, uc_mcontext) == offsetof(KernelUcontext, uc_mcontext));
    CHECK(offsetof(mcontext_t, gregs) + REG_RIP * 8 == offsetof(KernelSigcontext, rip));
    CHECK(offsetof(mcontext_t, gregs) + REG_RSP * 8 == offsetof(KernelSigcontext, rsp));
    CHECK(offsetof(mcontext_t, gregs) + REG_RAX * 8 == offsetof(KernelSigcontext, rax));
    CHECK(offsetof(mcontext_t, gregs) + REG_R8 * 8 == offsetof(KernelSigcontext, r8));
    CHECK(offsetof(mcontext_t, gregs) + REG_CR2 * 8 == offsetof(KernelSigcontext, cr2));
    CHECK(offsetof(ucontext_t, uc_sigmask) == offsetof(KernelUcontext, uc_sigmask));
    CHECK(offsetof(ucontext_t, uc_stack) == offsetof(KernelUcontext, uc_stack));
    CHECK(sizeof(siginfo_t) == sizeof(KernelSiginfo));
    siginfo_t si{};
    CHECK(reinterpret_cast<char*>(&si.si_addr) - reinterpret_cast<char*>(&si) == offsetof(KernelSiginfo, u));
    CHECK(reinterpret_cast<char*>(&si.si_code) - reinterpret_cast<char*>(&si) == offsetof(KernelSiginfo, si_code));
}

TEST_CASE("a run paused inside blocks switches threads where a run without pauses does", "[linux][threads][pause]") {
    // A debugger pauses the process before an instruction in the middle of a block, many times. The
    // scheduler must then finish that block before it looks at the time slice, as it would have done
    // without the pause, or the threads interleave differently from then on.
    const uint64_t quantum = GENERATE(7, 9, 12, 16);
    INFO("quantum " << quantum);
    struct Run {
        std::vector<std::tuple<int, int, uint64_t>> switches;  // (from, to, instructions)
        uint64_t insns = 0;
        int pauses = 0;
    };
    auto run = [&](bool pause) {
        gostart::linux::ProcessOptions o;
        o.quantum = quantum;
        Guest g(o);
        auto child = g.code.label(), work = g.code.label();
        emit_clone(g, child);
        g.code.call(work);
        g.exit_group(0);
        g.code.bind(child);
        g.code.call(work);
        g.code.mov(R::rdi, 0);
        g.code.mov(R::rax, SYS_exit);
        g.code.syscall();
        g.code.bind(work);  // a loop of one 5-instruction block
        g.code.mov(R::rcx, 100);
        auto loop = g.code.label();
        g.code.bind(loop);
        g.code.add(R::rax, 1);
        g.code.add(R::rbx, R::rax);
        uint64_t inside = g.code.here();
        g.code.add(R::rdx, R::rbx);
        g.code.dec(R::rcx);
        g.code.j(Cond::ne, loop);
        g.code.ret();

        Run r;
        g.proc.on_thread_switch = [&](int from, int to) { r.switches.emplace_back(from, to, g.engine.instructions()); };
        bool resuming = false;  // the paused instruction calls the hook again when it runs
        int hits = 0;
        if (pause)
            g.engine.add_code_hook(inside, inside, [&](uint64_t) {
                if (std::exchange(resuming, false)) return;
                if (++hits % 3) return;
                resuming = true;
                ++r.pauses;
                g.proc.pause();
            });
        ExitInfo e = g.run();
        while (e.kind == ExitInfo::Kind::paused) e = g.proc.run();
        CHECK(e.kind == ExitInfo::Kind::exited);
        r.insns = g.engine.instructions();
        return r;
    };
    Run plain = run(false), paused = run(true);
    CHECK(paused.pauses > 50);
    CHECK(plain.switches.size() > 20);
    CHECK(paused.switches == plain.switches);
    CHECK(paused.insns == plain.insns);
}

TEST_CASE("a new process starts with the psABI's floating-point control state", "[linux][process]") {
    // x86-64 psABI 3.2.3 and Linux's fpu init state: x87 control word 0x37f (every exception masked,
    // 64-bit precision, round to nearest), MXCSR 0x1f80 (every SSE exception masked). Unicorn's CPU
    // starts with both at 0.
    Guest g;
    constexpr uint64_t kOut = Guest::kData + 0x400;
    g.code.mov(R::rbx, kOut);
    g.code.raw({0x0f, 0xae, 0x1b});        // stmxcsr [rbx]
    g.code.raw({0xd9, 0x7b, 0x08});        // fnstcw [rbx+8]
    g.exit_group(0);
    uint64_t poison = ~uint64_t(0);
    g.engine.write(gostart::guest::Addr(kOut), &poison, 8);
    g.engine.write(gostart::guest::Addr(kOut + 8), &poison, 8);
    ExitInfo e = g.run();
    REQUIRE(e.kind == ExitInfo::Kind::exited);
    CHECK(g.read32(kOut) == 0x1f80);
    CHECK((g.read64(kOut + 8) & 0xffff) == 0x37f);
}
