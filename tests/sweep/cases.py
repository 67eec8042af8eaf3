"""Raw-syscall cases for the differential sweep (sweep.py runs them; testdata/sweep executes them).

A case is one raw syscall with concrete arguments: edge-case integers, bad and unmapped pointers,
overlapping buffers, huge counts, paths inside and outside the writable directory. Everything a case
points at is at a fixed address or descriptor that testdata/sweep sets up identically natively and
under the emulator (the constants below are its constants), so a case means the same in both runs.

What makes a case safe to run natively, in a throwaway child of an unprivileged user:
  - memory calls only touch the arena (a range that would be valid outside it is never generated:
    it would destroy the sweep program itself, natively and emulated);
  - paths that may be written are relative to the work directory (or lead to the read-only
    ../fixed and ..); absolute paths are only read;
  - descriptors are the sweep's fixtures (10-18) or never open, never the runtime's or stdio;
  - nothing blocks: sleeps and futex waits get zero or invalid timeouts, or a value that differs;
  - state a call changes (a signal action, the mask, the FS base, limits) is put back by the very
    next instruction (testdata/sweep's rawPair), and what it creates is closed or unmapped after it.
Calls that can reach beyond the process — signals to other processes, ptrace, sockets, exec, new
processes, mount, reboot, modules, the clock, the host name — and calls that do not return (exit,
rt_sigreturn) are never run natively: NEVER_NATIVE says why, and sweep.py compares the emulator's
answer with the one the table documents (the sandbox's refusal, or an unprivileged process's EPERM).
"""

import random

PAGE = 4096
TASK = 0x7FFFFFFFF000  # TASK_SIZE, 4-level paging
M64 = (1 << 64) - 1
KERNEL = 0xFFFF888000000000
VSYSCALL = 0xFFFFFFFFFF600000

SCRATCH = 0x5FF000000000  # 16 pages read-write, zeroed before each case
RO = SCRATCH + 16 * PAGE
NONE = SCRATCH + 17 * PAGE
HOLE = SCRATCH + 18 * PAGE
ARENA = 0x600000000000
ARENA_SIZE = 16 << 20
# The arena's layout (testdata/sweep resetArena), in pages.
ARENA_LAYOUT = [(0, 4, "rw"), (4, 4, "r"), (8, 4, "none"), (16, 4, "rw"), (20, 4, "rwx"), (24, 2, "file"),
                (26, 2, "shared"), (32, 4, "growsdown")]

FD_FILE, FD_DIR, FD_PIPE_R, FD_PIPE_W, FD_NULL, FD_CLOSED, FD_EPOLL, FD_EVENTFD, FD_FIXED = range(10, 19)
AT_FDCWD = -100

# Fixture slots in the scratch pages: one per argument, a long one for long paths, then buffers.
SLOT = [0x0000, 0x0400, 0x0800, 0x0C00, 0x1000, 0x1400]
LONG_SLOT = 0x2000
BUF = SCRATCH + 0x8000
BUF_END = SCRATCH + 0x10000 - 8  # 8 bytes before the read-only page

MAP_SHARED, MAP_PRIVATE, MAP_SHARED_VALIDATE = 0x01, 0x02, 0x03
MAP_FIXED, MAP_ANONYMOUS, MAP_32BIT, MAP_GROWSDOWN = 0x10, 0x20, 0x40, 0x100
MAP_DENYWRITE, MAP_EXECUTABLE, MAP_LOCKED, MAP_NORESERVE = 0x800, 0x1000, 0x2000, 0x4000
MAP_POPULATE, MAP_NONBLOCK, MAP_STACK, MAP_HUGETLB, MAP_SYNC = 0x8000, 0x10000, 0x20000, 0x40000, 0x80000
MAP_FIXED_NOREPLACE, MAP_UNINITIALIZED = 0x100000, 0x4000000
MAP_DROPPABLE = 0x08

# Never run natively, and why (sweep.py prints this list with the figures).
NEVER_NATIVE = {
    "rt_sigreturn": "does not return: it restores a frame, and a made-up one kills the process",
    "exit": "ends the thread", "exit_group": "ends the process",
    "clone": "makes a process or a thread that would run the case's made-up stack",
    "fork": "makes a host process", "vfork": "makes a host process", "clone3": "makes a host process",
    "execve": "replaces the sweep with another program", "execveat": "replaces the sweep with another program",
    "socket": "network", "connect": "network", "bind": "network", "socketpair": "sockets",
    "kill": "signals other processes (only its own pid with signal 0 or an invalid one is run)",
    "tkill": "signals threads (only its own tid with signal 0 or an invalid one is run)",
    "tgkill": "signals threads (only its own with signal 0 or an invalid one is run)",
    "rt_sigqueueinfo": "signals a process", "rt_tgsigqueueinfo": "signals a thread",
    "pidfd_send_signal": "signals a process", "pidfd_open": "names other processes",
    "ptrace": "traces processes", "process_vm_readv": "reads another process",
    "process_vm_writev": "writes another process",
    "mount": "the host system", "umount2": "the host system", "chroot": "the host system",
    "reboot": "the host system", "sethostname": "the host system", "settimeofday": "the host clock",
    "clock_settime": "the host clock", "init_module": "kernel modules", "finit_module": "kernel modules",
    "kexec_load": "the host system",
    "rseq": "registers memory the kernel writes at every return to the process; the case's goes away",
}
# Excluded from the sweep altogether (neither run): they do not return a value to compare.
NOT_SWEPT = {"rt_sigreturn", "exit", "exit_group"}


def s64(v):
    return v & M64


def cstring(s):
    return s.encode() + b"\0"


class Gen:
    """One case under construction: arguments, scratch bytes, flags."""

    def __init__(self, rng):
        self.r = rng
        self.mem = {}
        self.flags = set()
        self.native = True
        self.kind = "value"

    def pick(self, seq):
        return self.r.choice(seq)

    def put(self, slot, data):
        self.mem[slot] = data
        return SCRATCH + slot

    # Domains ------------------------------------------------------------------------------
    def ptr(self):
        return self.pick([0, BUF, BUF, BUF, BUF_END, RO, NONE, HOLE, 1, 0xFFF, TASK - 8, TASK, KERNEL, M64 - 7,
                          BUF + 1])

    def size(self):
        return self.pick([0, 1, 8, 16, 64, 4096, 0x8000, 0x8001, 0x7FFFFFFF, 1 << 31, 1 << 32, (1 << 63) - 1,
                          1 << 63, M64])

    def small(self):
        return self.pick([0, 1, 2, 8, 16, 24, 64, 128, 4096, 0x7FFFFFFF, s64(-1), 1 << 32])

    def int_(self):
        return s64(self.pick([0, 1, -1, 2, 3, 7, 0x7FFFFFFF, -0x80000000, 1 << 32, 1 << 63, M64, 0x1000]))

    def fd(self):
        return s64(self.pick([-1, FD_FILE, FD_FILE, FD_DIR, FD_PIPE_R, FD_PIPE_W, FD_NULL, FD_CLOSED, FD_EPOLL,
                              FD_EVENTFD, FD_FIXED, 1000, 1023, 1024, 0x7FFFFFFF, (1 << 32) + FD_FILE]))

    def dirfd(self):
        return s64(self.pick([AT_FDCWD, AT_FDCWD, FD_DIR, FD_FILE, FD_CLOSED, -1, 1000, FD_FIXED]))

    def path(self, i, writable=False):
        """A path string in argument slot i (or a bad pointer). Writable paths stay under WORKDIR."""
        if self.r.random() < 0.12:
            return self.pick([0, NONE, HOLE, 1, KERNEL, RO])
        names = ["f", "d", "d/g", "e", "nonexist", "", ".", "..", "../fixed/file", "../fixed/l", "../fixed/dangling",
                 "../fixed/dir", "f/x", "d/../f", "a" * 255, "a" * 256, "e/new", "new", "d/new", "nonexist/x"]
        if not writable:
            names += ["/", "/dev/null", "/etc/passwd", "/nonexistent/x", "../fixed/l/x"]
        name = self.pick(names + ["LONG"])
        if name == "LONG":
            return self.put(LONG_SLOT, cstring("d/" + "x/" * 2100))  # > PATH_MAX
        return self.put(SLOT[i], cstring(name))

    def bits(self, table, extra=()):
        v = 0
        for b in table:
            if self.r.random() < 0.25:
                v |= b
        if self.r.random() < 0.08:
            v |= self.pick(list(extra) + [1 << 31, 1 << 40, 0x7FFFFFFF])
        return v

    def sig(self):
        return s64(self.pick([0, 1, 9, 10, 11, 17, 19, 23, 28, 31, 32, 33, 34, 64, 65, -1, 0x7FFFFFFF]))

    def sent_sig(self):
        """A signal a case may really send: none, an invalid one, or one the runtime ignores (SIGCHLD,
        SIGURG, SIGWINCH) — a lethal one would end the sweep, natively and emulated."""
        return s64(self.pick([0, 0, 65, -1, 0x7FFFFFFF, 17, 23, 28]))

    def timespec(self, i):
        if self.r.random() < 0.25:
            return self.pick([0, NONE, HOLE, RO, BUF_END])
        sec, nsec = self.pick([(0, 0), (0, 1), (-1, 0), (0, 10 ** 9), (0, -1), (-5, -5)])
        return self.put(SLOT[i], s64(sec).to_bytes(8, "little") + s64(nsec).to_bytes(8, "little"))

    # Memory ranges ------------------------------------------------------------------------
    def maddr(self):
        if self.r.random() < 0.3:
            return self.pick([0, 1, 0xFFF, 0x1000, 0xF000, 0x10000, TASK - PAGE, TASK, TASK + PAGE, 1 << 47, KERNEL,
                              VSYSCALL, M64 - PAGE + 1, M64, SCRATCH])
        pg = self.pick([0, 1, 2, 3, 4, 6, 8, 10, 12, 14, 16, 20, 22, 24, 25, 26, 28, 31, 32, 34, 36, 40, 100,
                        ARENA_SIZE // PAGE - 1, ARENA_SIZE // PAGE - 3])
        return ARENA + pg * PAGE + (0x10 if self.r.random() < 0.07 else 0)

    def mlen(self):
        return self.pick([0, 1, PAGE - 1, PAGE, PAGE + 1, 2 * PAGE, 4 * PAGE, 8 * PAGE, 16 * PAGE, 40 * PAGE,
                          1 << 31, 1 << 32, 1 << 46, TASK, 1 << 63, M64 - 2 * PAGE + 1, M64 - PAGE + 1, M64 - PAGE + 2,
                          M64])


def unsafe_range(addr, length, round_start=True):
    """Whether acting on the range could touch what is not the arena (the sweep itself, natively and
    emulated): a range the kernel would act on, from vm.mmap_min_addr up, outside the arena. Ranges
    that wrap, or that round to nothing, are refused or ignored by every memory call; the length is
    rounded as the kernel rounds it. Below 64 KiB nothing of the sweep is mapped."""
    lo = addr & ~(PAGE - 1) if round_start else addr
    hi = addr + (((length + PAGE - 1) & M64) & ~(PAGE - 1))
    if hi > M64 or hi <= lo:
        return False
    lo, hi = max(lo, 0x10000), min(hi, TASK)
    if lo >= hi:
        return False
    return not (ARENA <= lo and hi <= ARENA + ARENA_SIZE)


# Each generator fills one case's six arguments; it may mark it not native, set flags, or return
# None to ask for another draw (an unsafe combination).

def mem_range(g, round_start=True):
    addr, length = g.maddr(), g.mlen()
    if unsafe_range(addr, length, round_start):
        return None
    g.flags.add("arena")
    return addr, length


def gen_mmap(g):
    addr, length = g.maddr(), g.mlen()
    prot = g.pick([0, 1, 3, 5, 7, 0x10, 0xFFFFFFFF, 3])
    mtype = g.pick([MAP_PRIVATE] * 5 + [MAP_SHARED] * 2 + [MAP_SHARED_VALIDATE, 0, 4, MAP_DROPPABLE, 0x0F])
    flags = mtype | g.bits([MAP_FIXED, MAP_32BIT, MAP_GROWSDOWN, MAP_DENYWRITE, MAP_EXECUTABLE, MAP_LOCKED,
                            MAP_NORESERVE, MAP_POPULATE, MAP_NONBLOCK, MAP_STACK, MAP_SYNC, MAP_FIXED_NOREPLACE,
                            MAP_UNINITIALIZED], [MAP_HUGETLB, MAP_HUGETLB | (21 << 26), MAP_HUGETLB | (30 << 26)])
    if g.r.random() < 0.8:
        flags |= MAP_ANONYMOUS
    fd = s64(-1) if flags & MAP_ANONYMOUS and g.r.random() < 0.8 else g.fd()
    off = g.pick([0, 0, 1, PAGE, 2 * PAGE, 1 << 63, M64 - PAGE + 1])
    if (flags & MAP_FIXED) and not (flags & MAP_FIXED_NOREPLACE) and unsafe_range(addr, length, False):
        return None
    if (flags & (MAP_POPULATE | MAP_LOCKED)) and length > (64 << 20):
        flags &= ~(MAP_POPULATE | MAP_LOCKED)  # natively that would really use the memory
    g.flags |= {"arena", "unmap"}
    g.kind = "addr-fixed" if flags & (MAP_FIXED | MAP_FIXED_NOREPLACE) else ("addr32" if flags & MAP_32BIT else "addr")
    return [addr, length, prot, flags, fd, off]


def gen_mprotect(g):
    rng = mem_range(g)
    if not rng:
        return None
    prot = g.pick([0, 1, 3, 5, 7, 4, 8, 0x10, 0x01000001, 0x02000001, 0x03000001, 1 << 32, 0xFFFFFFFF, M64])
    return [rng[0], rng[1], prot]


def gen_munmap(g):
    rng = mem_range(g)
    return list(rng) if rng else None


def gen_madvise(g):
    rng = mem_range(g)
    if not rng:
        return None
    advice = s64(g.pick(list(range(0, 26)) + [100, 101, 102, 103, -1, 1000, 4, 4, 8, 9]))
    return [rng[0], rng[1], advice]


def gen_mremap(g):
    rng = mem_range(g)
    if not rng:
        return None
    new_len = g.mlen()
    flags = g.pick([0, 0, 1, 1, 2, 3, 4, 5, 7, 8, 1 << 32 | 1])
    new_addr = g.maddr()
    if flags & 2 and unsafe_range(new_addr, new_len, False):
        return None
    if (flags & 5) == 5 and unsafe_range(new_addr, new_len, False):
        new_addr = 0  # MREMAP_DONTUNMAP's new address is a hint: keep it in the arena or none
    g.flags.add("unmap")
    g.kind = "addr-fixed" if flags & 2 else "addr"
    return [rng[0], rng[1], new_len, flags, new_addr]


def gen_brk(g):
    g.flags.add("brk")
    g.kind = "brk"
    if g.r.random() < 0.6:
        delta = g.pick([0, 1, PAGE - 1, PAGE, 0x10000, 0x100000, 0x1800, 8 << 30])
        return ["@brk+%#x" % delta]
    if g.r.random() < 0.5:
        return ["@brk-%#x" % g.pick([1, PAGE, 0x10000, 0x100000])]
    return [g.pick([0, 1, M64, M64 - PAGE + 1, 1 << 63, TASK, TASK - PAGE + 1, 0x400000])]


def gen_msync(g):
    rng = mem_range(g)
    if not rng:
        return None
    return [rng[0], rng[1], s64(g.pick([0, 1, 2, 4, 3, 5, 6, 7, 8, -1]))]


def gen_mincore(g):
    rng = mem_range(g)
    if not rng:
        return None
    vec = g.pick([BUF, BUF_END, RO, NONE, HOLE, 0, TASK, KERNEL, ARENA + 16 * PAGE])
    return [rng[0], rng[1], vec]


def gen_mlock(g):
    rng = mem_range(g, round_start=True)
    return list(rng) if rng else None


def gen_mlock2(g):
    rng = mem_range(g, round_start=True)
    if not rng:
        return None
    return [rng[0], rng[1], s64(g.pick([0, 1, 2, 3, -1]))]


def gen_mlockall(g):
    g.flags.add("munlockall")  # MCL_FUTURE would lock the runtime's next heap growth
    return [s64(g.pick([0, 1, 2, 3, 4, 5, 6, 7, 8, -1]))]


def gen_munlockall(g):
    return []


def gen_rw(g, write):
    fd = g.fd()
    if write:
        g.flags.add("tree")  # the file may have changed
    else:
        g.flags.add("fds")  # its offset has
    return [fd, g.ptr(), g.size()]


def gen_pread(g, write):
    g.flags.add("tree" if write else "fds")
    off = s64(g.pick([0, 1, 4096, 8192, -1, 1 << 62, (1 << 63) - 1, 1 << 31]))
    return [g.fd(), g.ptr(), g.size(), off]


def iovecs(g, i):
    if g.r.random() < 0.2:
        return g.ptr()
    entries = []
    for _ in range(g.pick([1, 2, 3])):
        base, n = g.pick([(BUF, 16), (BUF, 0), (NONE, 16), (BUF + 8, 16), (RO, 16), (BUF_END, 16), (0, 0),
                          (BUF, 1 << 63), (BUF, M64), (BUF, 0x8000)])
        entries.append(base.to_bytes(8, "little") + n.to_bytes(8, "little"))
    return g.put(SLOT[i], b"".join(entries))


def gen_rwv(g, write):
    g.flags.add("tree" if write else "fds")
    return [g.fd(), iovecs(g, 1), s64(g.pick([0, 1, 2, 3, 1024, 1025, -1]))]


O = dict(RDONLY=0, WRONLY=1, RDWR=2, CREAT=0o100, EXCL=0o200, NOCTTY=0o400, TRUNC=0o1000, APPEND=0o2000,
         NONBLOCK=0o4000, DSYNC=0o10000, DIRECT=0o40000, LARGEFILE=0o100000, DIRECTORY=0o200000,
         NOFOLLOW=0o400000, NOATIME=0o1000000, CLOEXEC=0o2000000, SYNC=0o4010000, PATH=0o10000000,
         TMPFILE=0o20200000)


def open_flags(g):
    return g.pick([0, 1, 2, 3]) | g.bits([O[k] for k in ("CREAT", "EXCL", "TRUNC", "APPEND", "NONBLOCK", "DIRECTORY",
                                                         "NOFOLLOW", "CLOEXEC", "PATH", "TMPFILE", "NOATIME",
                                                         "DSYNC", "NOCTTY")])


def mode(g):
    return s64(g.pick([0, 0o644, 0o600, 0o777, 0o7777, 0o4755, -1]))


def gen_open(g):
    g.flags |= {"tree", "closefd"}
    g.kind = "fd"
    return [g.path(0, True), open_flags(g), mode(g)]


def gen_openat(g):
    g.flags |= {"tree", "closefd"}
    g.kind = "fd"
    return [g.dirfd(), g.path(1, True), open_flags(g), mode(g)]


def gen_creat(g):
    g.flags |= {"tree", "closefd"}
    g.kind = "fd"
    return [g.path(0, True), mode(g)]


def gen_close(g):
    g.flags.add("fds")
    return [g.fd()]


def gen_stat(g):
    return [g.path(0), g.ptr()]


def gen_fstat(g):
    return [g.fd(), g.ptr()]


def gen_newfstatat(g):
    return [g.dirfd(), g.path(1), g.ptr(), s64(g.pick([0, 0x100, 0x1000, 0x800, 0x1, 0x1100, -1]))]


def gen_lseek(g):
    g.flags.add("fds")
    off = s64(g.pick([0, 1, -1, 4096, 8192, 1 << 62, (1 << 63) - 1, -(1 << 63)]))
    return [g.fd(), off, s64(g.pick([0, 1, 2, 3, 4, 5, -1]))]


def gen_ioctl(g):
    g.flags.add("fds")
    req = g.pick([0x5401, 0x5413, 0x541B, 0x5421, 0x5451, 0x5450, 0x80086601, 0, M64, 0x12345678, 0x8008ae9a])
    arg = g.pick([0, BUF, NONE, 1])
    return [g.fd(), req, arg]


def gen_access(g):
    return [g.path(0), s64(g.pick([0, 1, 2, 4, 7, 8, -1]))]


def gen_faccessat(g):
    return [g.dirfd(), g.path(1), s64(g.pick([0, 1, 2, 4, 7, 8, -1]))]


def gen_pipe(g):
    g.flags.add("closepair")
    return [g.pick([BUF, BUF, BUF_END, RO, NONE, 0, BUF + 2])]


def gen_pipe2(g):
    g.flags.add("closepair")
    return [g.pick([BUF, BUF, BUF_END, RO, NONE, 0]), s64(g.pick([0, O["NONBLOCK"], O["CLOEXEC"], O["DIRECT"], 1, -1]))]


def gen_dup(g):
    g.flags |= {"closefd", "fds"}
    g.kind = "fd"
    return [g.fd()]


def gen_dup2(g):
    g.flags |= {"closefd", "fds"}
    new = s64(g.pick([FD_FILE, FD_PIPE_W, FD_CLOSED, 1000, 1023, 1024, 0x7FFFFFFF, -1, -5]))
    return [g.fd(), new]


def gen_dup3(g):
    g.flags |= {"closefd", "fds"}
    new = s64(g.pick([FD_FILE, FD_PIPE_W, FD_CLOSED, 1000, 1023, 1024, 0x7FFFFFFF, -1]))
    return [g.fd(), new, s64(g.pick([0, O["CLOEXEC"], 1, -1]))]


def gen_fcntl(g):
    g.flags.add("fds")
    cmd = s64(g.pick([0, 1, 2, 3, 4, 5, 6, 8, 9, 10, 11, 1024, 1025, 1030, 1031, 1032, 1033, 1034, 36, 37, -1, 1000]))
    if cmd in (0, 1030):  # F_DUPFD, F_DUPFD_CLOEXEC: a new descriptor
        g.flags.add("closefd")
        g.kind = "fd"
    arg = g.pick([0, 1, 2048, 0x7FFFFFFF, M64, BUF, NONE, 1024, O["NONBLOCK"] | O["APPEND"]])
    if cmd in (5, 6, 36, 37):
        arg = g.pick([NONE, 0, g.put(SLOT[2], bytes([g.pick([0, 1, 2, 7]), 0]) + bytes(30))])
    return [g.fd(), cmd, arg]


def gen_nanosleep(g):
    return [g.timespec(0), g.pick([0, BUF, NONE, RO])]


def gen_clock_nanosleep(g):
    clock = s64(g.pick([0, 1, 2, 3, 4, 5, 7, 8, 9, 11, -1, 16, -6]))
    return [clock, s64(g.pick([0, 1, 2, -1])), g.timespec(2), g.pick([0, BUF, NONE])]


def gen_noargs(g):
    g.kind = "id"
    return [g.int_(), g.int_()]  # ignored by the kernel


def gen_sched_yield(g):
    return []


def gen_wait4(g):
    return [s64(g.pick([-1, 0, 2 ** 30, -(2 ** 30), 1])), g.ptr(),
            s64(g.pick([0, 1, 2, 4, 8, 0x40000000, 0x80000000, 0x20000000, -1, 0x1000000])), g.ptr()]


def gen_kill(g):
    pid = g.pick(["@pid", "@pid", 0, s64(-1), 1, 2 ** 30, s64(-(2 ** 30))])
    # Itself, or its process group (the sweep runs in a session of its own); another process is
    # compared with the documented answer.
    g.native = pid in ("@pid", 0)
    return [pid, g.sent_sig()]


def gen_tkill(g):
    tid = g.pick(["@tid", "@tid", 0, s64(-1), 2 ** 30])
    g.native = tid in ("@tid", 2 ** 30)  # itself, or a thread that cannot exist (pid_max is 2^22)
    return [tid, g.sent_sig()]


def gen_tgkill(g):
    tgid = g.pick(["@pid", "@pid", 0, s64(-1), 2 ** 30])
    tid = g.pick(["@tid", "@tid", 0, s64(-1), 2 ** 30])
    g.native = all(x in ("@pid", "@tid", 2 ** 30) for x in (tgid, tid))
    return [tgid, tid, g.sent_sig()]


def gen_uname(g):
    return [g.ptr()]


def gen_getcwd(g):
    return [g.ptr(), g.pick([0, 1, 10, 4096, 1 << 31, M64])]


def gen_chdir(g):
    g.flags.add("cwd")
    return [g.path(0)]


def path_change(nargs_paths, extra):
    def gen(g):
        g.flags.add("tree")
        args = [g.path(i, True) for i in range(nargs_paths)]
        return args + [e(g) for e in extra]
    return gen


def at_change(extra_before, npaths_with_dirfd, extra_after):
    def gen(g):
        g.flags.add("tree")
        args = [e(g) for e in extra_before]
        for _ in range(npaths_with_dirfd):
            args += [g.dirfd(), g.path(len(args) + 1, True)]
        return args + [e(g) for e in extra_after]
    return gen


def ids(g):
    return s64(g.pick([0, 65534, 1000, -1, 2 ** 31]))


def gen_readlink(g):
    return [g.path(0), g.ptr(), g.pick([0, 1, 4, 100, 4096, 1 << 31, M64])]


def gen_readlinkat(g):
    return [g.dirfd(), g.path(1), g.ptr(), g.pick([0, 1, 4, 100, 4096, 1 << 31, M64])]


def gen_getdents64(g):
    g.flags.add("fds")
    return [g.pick([FD_DIR, FD_DIR, FD_FILE, FD_CLOSED, s64(-1), FD_PIPE_R]), g.ptr(),
            g.pick([0, 1, 24, 64, 4096, 0x8000, 1 << 31, M64])]


def gen_truncate(g):
    g.flags.add("tree")
    return [g.path(0, True), s64(g.pick([0, 1, -1, 1 << 40, 1 << 62, (1 << 63) - 1]))]


def gen_ftruncate(g):
    g.flags.add("tree")
    return [g.fd(), s64(g.pick([0, 1, -1, 1 << 40, 1 << 62, (1 << 63) - 1]))]


def gen_xattr_set(pathish):
    def gen(g):
        g.flags.add("tree")
        first = g.fd() if pathish == "fd" else g.path(0, True)
        name = g.put(SLOT[1], cstring(g.pick(["user.x", "trusted.x", "security.x", "x", "", "user." + "n" * 300])))
        value = g.pick([BUF, NONE, 0])
        return [first, name, value, g.pick([0, 1, 16, 65536, 65537, 1 << 31]), s64(g.pick([0, 1, 2, 3, -1]))]
    return gen


def gen_removexattr(g):
    g.flags.add("tree")
    return [g.path(0, True), g.put(SLOT[1], cstring(g.pick(["user.x", "trusted.x", "x", ""])))]


def gen_utime(g):
    g.flags.add("tree")
    return [g.path(0, True), g.pick([0, BUF, NONE])]


def gen_utimensat(g):
    g.flags.add("tree")
    times = g.pick([0, NONE, g.put(SLOT[2], bytes(16) + (2 ** 30 - 2).to_bytes(8, "little") + bytes(8)),
                    g.put(SLOT[2], bytes(8) + (10 ** 9).to_bytes(8, "little") + bytes(16))])
    return [g.dirfd(), g.path(1, True), times, s64(g.pick([0, 0x100, 0x1000, 1, -1]))]


def gen_gettimeofday(g):
    g.kind = "value"
    return [g.pick([0, BUF, NONE, RO]), g.pick([0, BUF, NONE])]


def gen_time(g):
    g.kind = "time"
    return [g.pick([0, BUF, NONE, RO])]


def gen_clock(g, settime=False):
    clock = s64(g.pick([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, -1, 16, -2, -6, -8, -14, 0x7FFFFFFF]))
    return [clock, g.pick([0, BUF, NONE, RO, BUF_END])]


def gen_rlimit_get(g):
    return [s64(g.pick(list(range(0, 17)) + [-1, 1 << 31])), g.ptr()]


def rlimit_value(g, i):
    # Never a lower hard limit: an unprivileged process could not raise it back.
    cur, mx = g.pick([(2, 1), (M64, M64), (1 << 20, 1 << 19)])
    if g.r.random() < 0.3:
        return g.pick([0, NONE, RO])
    return g.put(SLOT[i], cur.to_bytes(8, "little") + mx.to_bytes(8, "little"))


def gen_setrlimit(g):
    g.flags.add("rlimit")
    res = g.pick(list(range(0, 16)) + [16, s64(-1)])
    return [res, rlimit_value(g, 1)]


def gen_prlimit64(g):
    g.flags.add("rlimit")
    pid = g.pick([0, "@pid", 2 ** 30])
    res = g.pick(list(range(0, 16)) + [16, s64(-1)])
    new = g.pick([0, 0, rlimit_value(g, 2)])
    return [pid, res, new, g.ptr()]


def gen_sysinfo(g):
    return [g.ptr()]


def gen_sigaltstack(g):
    g.flags.add("altstack")
    ss = g.pick([0, NONE, RO,
                 g.put(SLOT[0], BUF.to_bytes(8, "little") + (0).to_bytes(4, "little") + bytes(4) + (0x4000).to_bytes(8, "little")),
                 g.put(SLOT[0], bytes(8) + (2).to_bytes(4, "little") + bytes(12)),
                 g.put(SLOT[0], BUF.to_bytes(8, "little") + bytes(8) + (1).to_bytes(8, "little")),
                 g.put(SLOT[0], BUF.to_bytes(8, "little") + (99).to_bytes(4, "little") + bytes(4) + (0x4000).to_bytes(8, "little")),
                 g.put(SLOT[0], BUF.to_bytes(8, "little") + (0x80000000).to_bytes(4, "little") + bytes(4) + (0x4000).to_bytes(8, "little"))])
    return [ss, g.pick([0, BUF + 0x100, NONE, RO])]


def gen_rt_sigaction(g):
    g.flags.add("sigaction")
    sig = g.sig()
    handler = g.pick([0, 1, BUF, 0x401000])
    act = g.pick([0, NONE, RO, g.put(SLOT[1], handler.to_bytes(8, "little") + (0x04000004).to_bytes(8, "little")
                                    + BUF.to_bytes(8, "little") + s64(g.pick([0, -1])).to_bytes(8, "little"))])
    return [sig, act, g.pick([0, BUF + 0x100, NONE, RO]), g.pick([8, 8, 0, 4, 16, 128])]


def gen_rt_sigprocmask(g):
    g.flags.add("sigmask")
    setp = g.pick([0, NONE, g.put(SLOT[1], s64(g.pick([0, -1, 1 << 22])).to_bytes(8, "little"))])
    return [s64(g.pick([0, 1, 2, 3, -1])), setp, g.pick([0, BUF, NONE, RO]), g.pick([8, 8, 0, 4, 16, 128])]


def gen_prctl(g):
    opt = s64(g.pick([1, 2, 3, 4, 15, 16, 23, 0, -1, 1000, 0x7FFFFFFF, 4, 16, 23]))
    if opt == 4:
        g.flags.add("dumpable")
    if opt == 15:
        g.flags.add("name")
    arg2 = g.pick([0, 1, 2, 40, 41, 64, 65, BUF, NONE, M64])
    if opt == 15 and g.r.random() < 0.6:
        arg2 = g.put(SLOT[1], cstring(g.pick(["sweep", "a-very-long-thread-name"])))
    return [opt, arg2, g.pick([0, 1]), 0, 0]


def gen_arch_prctl(g):
    code = g.pick([0x1001, 0x1002, 0x1003, 0x1004, 0x1011, 0x1012, 0x1021, 0x1022, 0x1023, 0, 1, 0x1000, 0x7FFFFFFF,
                   M64])
    if code == 0x1002:
        g.flags.add("fs")
    elif code == 0x1001:
        g.flags.add("gs")
    elif code == 0x1012:
        g.flags.add("cpuid")
    addr = g.pick([0, BUF, NONE, RO, 1, 0x7FFFFFFFF000, 1 << 47, KERNEL, SCRATCH + 0x8000])
    return [code, addr]


def gen_getrandom(g):
    return [g.ptr(), g.size(), s64(g.pick([0, 1, 2, 3, 4, 5, 6, 7, 8, -1]))]


def gen_futex(g):
    word = g.pick([BUF, BUF, BUF + 1, 0, NONE, RO])
    op = g.pick([0, 1, 9, 10, 128, 129, 128 | 9, 256 | 9, 256 | 0, 3, 4, 5, 6, 7, 8, 11, 12, 13, 14, -1, 1000])
    val = g.pick([1, 0xFFFFFFFF, 0, 2])
    timeout = g.timespec(3)
    # The word is 0 (the scratch pages are zeroed): a wait for 0 without a timeout would wait forever.
    if (op & 0x7F) in (0, 9) and val == 0 and word == BUF and timeout == 0:
        val = 1
    # Priority-inheritance futexes take ownership of the word: natively only with a bad one.
    if (op & 0x7F) in (6, 7, 8, 11, 12, 13) and word in (BUF, RO):
        return None
    return [word, s64(op), val, timeout, g.pick([BUF + 8, 0, NONE]), g.pick([0, 1, 0xFFFFFFFF])]


def gen_sched_getaffinity(g):
    return [g.pick([0, "@pid", 2 ** 30, s64(-1)]), g.pick([0, 1, 4, 8, 16, 128, 1 << 31, 1 << 63]), g.ptr()]


def gen_epoll_create(g):
    g.flags.add("closefd")
    g.kind = "fd"
    return [s64(g.pick([0, 1, -1, 0x7FFFFFFF]))]


def gen_epoll_create1(g):
    g.flags.add("closefd")
    g.kind = "fd"
    return [s64(g.pick([0, O["CLOEXEC"], 1, -1]))]


def epoll_event(g, i):
    if g.r.random() < 0.2:
        return g.pick([0, NONE])
    return g.put(SLOT[i], (g.pick([1, 4, 0x80000001, 0xFFFFFFFF])).to_bytes(4, "little") + (7).to_bytes(8, "little"))


def gen_epoll_ctl(g):
    g.flags.add("fds")
    epfd = s64(g.pick([FD_EPOLL, FD_EPOLL, FD_FILE, FD_CLOSED, -1]))
    fd = s64(g.pick([FD_PIPE_R, FD_EVENTFD, FD_FILE, FD_EPOLL, FD_CLOSED, -1, FD_NULL]))
    return [epfd, s64(g.pick([1, 2, 3, 0, 4, -1])), fd, epoll_event(g, 3)]


def gen_epoll_wait(g):
    return [s64(g.pick([FD_EPOLL, FD_EPOLL, FD_FILE, FD_CLOSED, -1])), g.ptr(), s64(g.pick([0, 1, 16, -1, 0x7FFFFFFF])),
            0]


def gen_epoll_pwait(g):
    return gen_epoll_wait(g) + [g.pick([0, BUF + 0x100, NONE]), g.pick([8, 0, 16])]


def gen_eventfd(g):
    g.flags.add("closefd")
    g.kind = "fd"
    return [g.pick([0, 1, 0xFFFFFFFF])]


def gen_eventfd2(g):
    g.flags.add("closefd")
    g.kind = "fd"
    return [g.pick([0, 1, 0xFFFFFFFF, 1 << 32]), s64(g.pick([0, O["NONBLOCK"], 1, O["CLOEXEC"], 3, -1]))]


def gen_set_tid_address(g):
    g.flags.add("tidaddr")
    g.kind = "id"
    return [g.pick([0, BUF, NONE])]


def gen_set_robust_list(g):
    g.flags.add("robust")
    return [g.pick([0, BUF, NONE]), g.pick([24, 24, 0, 23, 25, 1 << 63])]


def gen_get_robust_list(g):
    return [g.pick([0, "@tid", 2 ** 30, s64(-1)]), g.ptr(), g.ptr()]


def gen_flock(g):
    # LOCK_SH 1, LOCK_EX 2, LOCK_NB 4, LOCK_UN 8, LOCK_MAND 32 (ignored since 5.15); the fixtures are the
    # only open descriptions of their files, so a lock never waits natively, and resetting the
    # descriptors after the case drops it.
    g.flags.add("fds")
    return [g.fd(), s64(g.pick([1, 2, 8, 1 | 4, 2 | 4, 8 | 4, 0, 3, 4, 16, 32, 32 | 2, -1, 1 << 32 | 2]))]


def gen_fsync(g):
    return [g.fd()]


def gen_umask(g):
    g.flags.add("umask")  # testdata/sweep starts with 022, as the emulator's guest does, and puts it back
    return [g.pick([0, 0o22, 0o77, 0o777, 0o7777, 0xFFFFFFFF, 1 << 32, M64])]


def never(*doms):
    def gen(g):
        g.native = False
        return [d(g) for d in doms]
    return gen


def gen_clone(g):
    g.native = False
    return [g.pick([0, 0x11, 0x4000, 0x100, 0x800]), 0, 0, 0, 0]  # never CLONE_VM|CLONE_THREAD: a stray thread


def gen_execve(g):
    g.native = False
    return [g.path(0), g.pick([0, BUF]), g.pick([0, BUF])]


# name -> generator. Every row of the syscall table must have one (sweep.py checks).
GENERATORS = {
    "read": lambda g: gen_rw(g, False), "write": lambda g: gen_rw(g, True),
    "open": gen_open, "close": gen_close, "stat": gen_stat, "fstat": gen_fstat, "lstat": gen_stat,
    "lseek": gen_lseek, "mmap": gen_mmap, "mprotect": gen_mprotect, "munmap": gen_munmap, "brk": gen_brk,
    "rt_sigaction": gen_rt_sigaction, "rt_sigprocmask": gen_rt_sigprocmask, "ioctl": gen_ioctl,
    "pread64": lambda g: gen_pread(g, False), "pwrite64": lambda g: gen_pread(g, True),
    "readv": lambda g: gen_rwv(g, False), "writev": lambda g: gen_rwv(g, True),
    "access": gen_access, "pipe": gen_pipe, "sched_yield": gen_sched_yield, "mremap": gen_mremap,
    "msync": gen_msync, "mincore": gen_mincore, "madvise": gen_madvise, "dup": gen_dup, "dup2": gen_dup2,
    "nanosleep": gen_nanosleep, "getpid": gen_noargs,
    "socket": never(Gen.int_, Gen.int_, Gen.int_), "connect": never(Gen.fd, Gen.ptr, Gen.small),
    "bind": never(Gen.fd, Gen.ptr, Gen.small), "socketpair": never(Gen.int_, Gen.int_, Gen.int_, Gen.ptr),
    "clone": gen_clone, "fork": never(), "vfork": never(), "execve": gen_execve,
    "wait4": gen_wait4, "kill": gen_kill, "uname": gen_uname, "fcntl": gen_fcntl, "truncate": gen_truncate,
    "ftruncate": gen_ftruncate, "getcwd": gen_getcwd, "chdir": gen_chdir,
    "rename": path_change(2, []), "mkdir": path_change(1, [mode]), "rmdir": path_change(1, []),
    "creat": gen_creat, "link": path_change(2, []), "unlink": path_change(1, []), "symlink": path_change(2, []),
    "readlink": gen_readlink, "chmod": path_change(1, [mode]), "fchmod": lambda g: (g.flags.add("tree"), [g.fd(), mode(g)])[1],
    "chown": path_change(1, [ids, ids]), "fchown": lambda g: (g.flags.add("tree"), [g.fd(), ids(g), ids(g)])[1],
    "lchown": path_change(1, [ids, ids]), "gettimeofday": gen_gettimeofday, "getrlimit": gen_rlimit_get,
    "sysinfo": gen_sysinfo, "ptrace": never(Gen.int_, Gen.int_, Gen.ptr, Gen.ptr), "getuid": gen_noargs,
    "getgid": gen_noargs, "geteuid": gen_noargs, "getegid": gen_noargs, "getppid": gen_noargs,
    "rt_sigqueueinfo": never(Gen.int_, Gen.sig, Gen.ptr), "sigaltstack": gen_sigaltstack,
    "utime": gen_utime, "mknod": path_change(1, [lambda g: g.pick([0o10644, 0o20644, 0o60644, 0o140644, 0o100644, 0, 0o170000]),
                                                 lambda g: g.pick([0, 0x103])]),
    "mlock": gen_mlock, "munlock": gen_mlock, "mlockall": gen_mlockall, "munlockall": gen_munlockall,
    "prctl": gen_prctl, "arch_prctl": gen_arch_prctl, "setrlimit": gen_setrlimit,
    "chroot": never(Gen.ptr), "settimeofday": never(Gen.ptr, Gen.ptr),
    "mount": never(Gen.ptr, Gen.ptr, Gen.ptr, Gen.int_, Gen.ptr), "umount2": never(Gen.ptr, Gen.int_),
    "reboot": never(Gen.int_, Gen.int_, Gen.int_, Gen.ptr), "sethostname": never(Gen.ptr, Gen.small),
    "init_module": never(Gen.ptr, Gen.size, Gen.ptr), "gettid": gen_noargs,
    "setxattr": gen_xattr_set("path"), "lsetxattr": gen_xattr_set("path"), "fsetxattr": gen_xattr_set("fd"),
    "removexattr": gen_removexattr, "tkill": gen_tkill, "time": gen_time, "futex": gen_futex,
    "sched_getaffinity": gen_sched_getaffinity, "epoll_create": gen_epoll_create, "getdents64": gen_getdents64,
    "set_tid_address": gen_set_tid_address, "clock_settime": never(Gen.int_, Gen.ptr),
    "clock_gettime": gen_clock, "clock_getres": gen_clock, "clock_nanosleep": gen_clock_nanosleep,
    "epoll_wait": gen_epoll_wait, "epoll_ctl": gen_epoll_ctl, "tgkill": gen_tgkill,
    "utimes": gen_utime, "kexec_load": never(Gen.int_, Gen.int_, Gen.ptr, Gen.int_), "openat": gen_openat,
    "mkdirat": at_change([], 1, [mode]), "mknodat": at_change([], 1, [lambda g: g.pick([0o10644, 0o20644, 0o100644, 0]),
                                                                   lambda g: 0]),
    "fchownat": at_change([], 1, [ids, ids, lambda g: g.pick([0, 0x100, 0x1000, 1])]),
    "futimesat": at_change([], 1, [lambda g: g.pick([0, BUF, NONE])]), "newfstatat": gen_newfstatat,
    "unlinkat": at_change([], 1, [lambda g: s64(g.pick([0, 0x200, 1, -1]))]),
    "renameat": at_change([], 2, []), "linkat": at_change([], 2, [lambda g: s64(g.pick([0, 0x400, 0x1000, 1]))]),
    "symlinkat": lambda g: (g.flags.add("tree"), [g.path(0, True), g.dirfd(), g.path(2, True)])[1],
    "readlinkat": gen_readlinkat, "fchmodat": at_change([], 1, [mode]), "faccessat": gen_faccessat,
    "set_robust_list": gen_set_robust_list, "get_robust_list": gen_get_robust_list, "utimensat": gen_utimensat,
    "epoll_pwait": gen_epoll_pwait, "eventfd": gen_eventfd, "eventfd2": gen_eventfd2,
    "epoll_create1": gen_epoll_create1, "dup3": gen_dup3, "pipe2": gen_pipe2,
    "rt_tgsigqueueinfo": never(Gen.int_, Gen.int_, Gen.sig, Gen.ptr), "prlimit64": gen_prlimit64,
    "process_vm_readv": never(Gen.int_, Gen.ptr, Gen.small, Gen.ptr, Gen.small, Gen.int_),
    "process_vm_writev": never(Gen.int_, Gen.ptr, Gen.small, Gen.ptr, Gen.small, Gen.int_),
    "finit_module": never(Gen.fd, Gen.ptr, Gen.int_), "renameat2": at_change([], 2, [lambda g: s64(g.pick([0, 1, 2, 4, 3, 8, -1]))]),
    "getrandom": gen_getrandom, "execveat": never(Gen.dirfd, Gen.ptr, Gen.ptr, Gen.ptr, Gen.int_),
    "mlock2": gen_mlock2, "rseq": never(Gen.ptr, Gen.small, Gen.int_, Gen.int_),
    "pidfd_send_signal": never(Gen.fd, Gen.sig, Gen.ptr, Gen.int_), "pidfd_open": never(Gen.int_, Gen.int_),
    "clone3": never(Gen.ptr, Gen.small), "flock": gen_flock, "fsync": gen_fsync, "fdatasync": gen_fsync,
    "umask": gen_umask,
}

# Numbers no x86-64 kernel assigns: 387-423 are the time64 calls of 32-bit architectures, 512-547 the
# x32-only ones, which a 64-bit caller cannot reach; ENOSYS natively, safe to run. (335 and 336, after
# rseq, became uretprobe and uprobe in 6.11 and 6.16: uretprobe outside a trampoline is SIGILL.) The
# high bits of rax are dropped by the kernel (the number is an int), so 2^32 + n is n.
UNASSIGNED = list(range(387, 424)) + list(range(512, 548)) + [1000, 0x7FFFFFFF, M64, (1 << 32) + 400]


class Case:
    def __init__(self, cid, nr, name, args, flags, mem, native, kind):
        self.id, self.nr, self.name, self.args = cid, nr, name, args
        self.flags, self.mem, self.native, self.kind = flags, mem, native, kind

    def line(self):
        args = [(a if isinstance(a, str) else "%#x" % s64(a)) for a in (self.args + [0] * 6)[:6]]
        mem = " ".join("m=%#x:%s" % (off, data.hex()) for off, data in sorted(self.mem.items()))
        return " ".join([str(self.id), "%#x" % s64(self.nr)] + args + [",".join(sorted(self.flags)) or "-", mem]).rstrip()

    def describe(self):
        args = ", ".join(a if isinstance(a, str) else hex(s64(a)) for a in self.args)
        return "%s(%s)" % (self.name, args)


# The reproductions of issue 18, first in every sweep: a length that overflows, and brk(-1) after an
# ordinary brk (the emulator used to unmap everything below the break).
PINNED = [
    ("munmap", [0x1000, M64 - 0x2000], {"arena"}, "value"),
    ("brk", ["@brk+0x10000"], set(), "brk"),
    ("brk", [M64], {"brk"}, "brk"),
]
# Differences the long sweep found and the emulator then fixed, so that every sweep repeats them: a
# futex word that is not 4-aligned (the emulator used to wait forever), a read-only O_CREAT of a file
# that exists outside --allow-write (it used to be refused), a file renamed to itself there (likewise),
# and flock operations Linux refuses before it looks at the descriptor.
PINNED_WITH_MEMORY = [
    ("futex", [BUF + 1, 0x89, 0, 0, 0, 0], set(), "value", {}),
    ("futex", [BUF + 2, 0x80, 0, 0, 0, 0], set(), "value", {}),
    ("futex", [BUF, 0x89, 0, 0, 0, 0], set(), "value", {}),
    ("open", [SCRATCH + SLOT[0], 0o100, 0], {"closefd", "tree"}, "fd", {SLOT[0]: cstring("../fixed/l")}),
    ("open", [SCRATCH + SLOT[0], 0o100, 0], {"closefd", "tree"}, "fd", {SLOT[0]: cstring("../fixed/dir")}),
    ("open", [SCRATCH + SLOT[0], 0o100, 0], {"closefd", "tree"}, "fd", {SLOT[0]: cstring("../fixed/nonexist")}),
    ("rename", [SCRATCH + SLOT[0], SCRATCH + SLOT[1]], {"tree"}, "value",
     {SLOT[0]: cstring("../fixed/file"), SLOT[1]: cstring("../fixed/file")}),
    ("rename", [SCRATCH + SLOT[0], SCRATCH + SLOT[1]], {"tree"}, "value",
     {SLOT[0]: cstring("../fixed/file"), SLOT[1]: cstring("../fixed/l")}),
    ("rename", [SCRATCH + SLOT[0], SCRATCH + SLOT[1]], {"tree"}, "value", {SLOT[0]: cstring(".."), SLOT[1]: cstring("..")}),
    ("flock", [FD_FILE, 0], {"fds"}, "value", {}),
    ("flock", [FD_CLOSED, 16], {"fds"}, "value", {}),
    ("flock", [FD_CLOSED, 32], {"fds"}, "value", {}),
]


def generate(seed, per_syscall, outside, table, kernel_names):
    """The pinned cases, then `per_syscall` cases for every row of `table` (nr -> (name, implemented,
    doc)), then `outside` numbers without a row: unassigned ones (run natively) and ones the kernel has
    but we do not (compared with our documented ENOSYS). Deterministic for a seed."""
    rng = random.Random(seed)
    cases = []
    by_name = {name: nr for nr, (name, _, _) in table.items()}
    for name, args, flags, kind in PINNED:
        cases.append(Case(len(cases) + 1, by_name[name], name, args, set(flags), {}, True, kind))
    for name, args, flags, kind, mem in PINNED_WITH_MEMORY:
        cases.append(Case(len(cases) + 1, by_name[name], name, args, set(flags), dict(mem), True, kind))
    rows = sorted(table.items())
    for _ in range(per_syscall):
        for nr, (name, _impl, _doc) in rows:
            if name in NOT_SWEPT:
                continue
            for _attempt in range(50):
                g = Gen(rng)
                args = GENERATORS[name](g)
                if args is not None:
                    break
            else:
                continue
            native = g.native and name not in NEVER_NATIVE or name in ("kill", "tkill", "tgkill") and g.native
            cases.append(Case(len(cases) + 1, nr, name, args, g.flags, g.mem, native, g.kind))
    theirs = sorted(nr for nr in kernel_names if nr not in table)
    for i in range(outside):
        g = Gen(rng)
        args = [g.int_() if rng.random() < 0.5 else g.ptr() for _ in range(6)]
        if i % 2 == 0:
            nr = rng.choice(UNASSIGNED)
            cases.append(Case(len(cases) + 1, nr, "syscall_%d" % (nr & 0xFFFFFFFF), args, set(), {}, True, "value"))
        else:
            nr = rng.choice(theirs)
            cases.append(Case(len(cases) + 1, nr, kernel_names[nr], args, set(), {}, False, "value"))
    return cases
