// fsync, fdatasync and flock: Go's os.File.Sync works on files under --allow-write and, as on Linux, on
// read-only ones; a flock, which other host processes see, is refused outside --allow-write.
#include "tests/unit/linux/guest.h"
#include "tests/unit/temp_dir.h"

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <sys/file.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace fs = std::filesystem;
using gostart::test::Guest;
using gostart::test::m32;
using gostart::test::TempDir;

namespace {

// Whether another process could take an exclusive lock on `path` now (the test process is not the
// guest's: a flock conflicts across open file descriptions).
bool host_can_lock(const fs::path& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    REQUIRE(fd >= 0);
    bool ok = ::flock(fd, LOCK_EX | LOCK_NB) == 0;
    ::close(fd);
    return ok;
}

}  // namespace

TEST_CASE("fsync, fdatasync and flock work on a file under --allow-write; the lock is the host's", "[linux][sandbox]") {
    TempDir allowed("gostart-fsync-test");
    Guest g;
    g.proc.paths().allow_write(allowed.path.string());
    fs::path file = allowed.path / "data.txt";
    uint64_t fd = g.sys(SYS_openat, {AT_FDCWD, g.str(file.string()), O_CREAT | O_RDWR | O_CLOEXEC, 0644});
    g.sys(SYS_write, {m32(fd), g.str("synced"), 6});
    uint64_t sync = g.sys(SYS_fsync, {m32(fd)});
    uint64_t datasync = g.sys(SYS_fdatasync, {m32(fd)});
    uint64_t lock = g.sys(SYS_flock, {m32(fd), LOCK_EX});
    g.exit_group(0);
    REQUIRE(g.run().status == 0);
    CHECK(g.result(sync) == 0);
    CHECK(g.result(datasync) == 0);
    CHECK(g.result(lock) == 0);
    CHECK_FALSE(host_can_lock(file));  // the guest still holds it: the process keeps its descriptors
}

TEST_CASE("outside --allow-write a read-only file syncs as on Linux, and flock is refused", "[linux][sandbox]") {
    TempDir elsewhere("gostart-fsync-test");
    fs::path file = elsewhere.path / "readme.txt";
    std::ofstream(file) << "read me";
    Guest g;
    uint64_t fd = g.sys(SYS_openat, {AT_FDCWD, g.str(file.string()), O_RDONLY | O_CLOEXEC, 0});
    uint64_t sync = g.sys(SYS_fsync, {m32(fd)});
    uint64_t datasync = g.sys(SYS_fdatasync, {m32(fd)});
    uint64_t lock = g.sys(SYS_flock, {m32(fd), LOCK_SH});
    uint64_t fds = g.alloc(8);
    g.sys(SYS_pipe2, {fds, O_CLOEXEC});
    uint64_t pipe_sync = g.sys(SYS_fsync, {m32(fds)});
    uint64_t bad = g.sys(SYS_fsync, {99});
    g.exit_group(0);
    REQUIRE(g.run().status == 0);
    CHECK(g.result(sync) == 0);
    CHECK(g.result(datasync) == 0);
    CHECK(g.result(lock) == -EACCES);
    CHECK(host_can_lock(file));  // no lock was taken on the host
    CHECK(g.result(pipe_sync) == -EINVAL);
    CHECK(g.result(bad) == -EBADF);
}
