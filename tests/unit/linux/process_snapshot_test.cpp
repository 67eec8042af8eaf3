// Process snapshots: after restoring the Linux layer's snapshot and the engine's, running on repeats
// exactly what followed — host file offsets, pipe contents, the memory map, threads.
#include "tests/unit/linux/guest.h"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

using gostart::linux::ExitInfo;
using gostart::test::Guest;
using gostart::test::m32;
using gostart::test::m64;

namespace {

struct TempFile {
    std::string path;
    explicit TempFile(const std::string& content) {
        char name[] = "/tmp/gostart-snapshot-XXXXXX";
        int fd = ::mkstemp(name);
        REQUIRE(fd >= 0);
        REQUIRE(::write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size()));
        ::close(fd);
        path = name;
    }
    ~TempFile() { ::unlink(path.c_str()); }
};

}  // namespace

TEST_CASE("Running on from a restored checkpoint repeats the run: file offsets, pipes, mappings", "[linux][snapshot]") {
    TempFile file("abcdefghijklmnop");
    Guest g;
    uint64_t fds = Guest::kData;  // the pipe's int[2]
    uint64_t buf1 = g.alloc(8), buf2 = g.alloc(8), buf3 = g.alloc(8);
    uint64_t msg = g.str("hello");
    g.sys(SYS_pipe2, {fds, 0});
    g.sys(SYS_write, {m32(fds + 4), msg, 5});
    uint64_t file_fd = g.sys(SYS_openat, {AT_FDCWD, g.str(file.path), O_RDONLY, 0});
    uint64_t r1 = g.sys(SYS_read, {m64(file_fd), buf1, 4});
    uint64_t map = g.sys(SYS_mmap, {0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0});
    uint64_t marker = g.code.here();  // the checkpoint is taken here
    g.code.nop();
    uint64_t r2 = g.sys(SYS_read, {m64(file_fd), buf2, 4});
    uint64_t r3 = g.sys(SYS_read, {m32(fds), buf3, 8});
    uint64_t c = g.sys(SYS_close, {m64(file_fd)});
    uint64_t u = g.sys(SYS_munmap, {m64(map), 4096});
    g.exit_group(3);

    int hook = g.engine.add_code_hook(marker, marker, [&](uint64_t) { g.proc.pause(); });
    REQUIRE(g.run().kind == ExitInfo::Kind::paused);
    g.engine.remove_hook(hook);
    CHECK(g.result(r1) == 4);
    CHECK(g.read_bytes(buf1, 4) == "abcd");
    uint64_t mapped = static_cast<uint64_t>(g.result(map));
    auto cpu = g.engine.take_snapshot();
    auto linux = g.proc.snapshot();

    auto finish = [&] {
        ExitInfo e = g.proc.run();
        CHECK(e.kind == ExitInfo::Kind::exited);
        CHECK(e.status == 3);
        CHECK(g.result(r2) == 4);
        CHECK(g.read_bytes(buf2, 4) == "efgh");
        CHECK(g.result(r3) == 5);
        CHECK(g.read_bytes(buf3, 5) == "hello");
        CHECK(g.result(c) == 0);
        CHECK(g.result(u) == 0);
        CHECK(g.proc.memory().find(mapped) == nullptr);
    };
    finish();
    uint64_t insns = g.engine.instructions();

    g.engine.restore_snapshot(cpu);
    g.proc.restore(linux);
    CHECK(g.proc.memory().find(mapped) != nullptr);  // the mapping is back, and the file open again
    REQUIRE(g.proc.fds().get(static_cast<int>(g.result(file_fd))) != nullptr);
    finish();
    CHECK(g.engine.instructions() == insns);

    // A snapshot can be restored any number of times.
    g.engine.restore_snapshot(cpu);
    g.proc.restore(linux);
    finish();
}

TEST_CASE("A quiet process writes no strace lines", "[linux][snapshot]") {
    Guest g({}, true);
    g.sys(SYS_getpid);
    uint64_t marker = g.code.here();
    g.code.nop();
    g.sys(SYS_gettid);
    g.exit_group(0);
    int hook = g.engine.add_code_hook(marker, marker, [&](uint64_t) { g.proc.pause(); });
    REQUIRE(g.run().kind == ExitInfo::Kind::paused);
    g.engine.remove_hook(hook);
    g.proc.set_quiet(true);
    REQUIRE(g.proc.run().kind == ExitInfo::Kind::exited);
    std::string t = g.trace.str();
    CHECK(t.find("getpid") != std::string::npos);
    CHECK(t.find("gettid") == std::string::npos);
}
