"""Why the emulator's answer may differ from the kernel's: every rule is a predicate over the case
and the two answers, with the reason. The sweep explains a difference by the first rule that holds.

  design  the emulator differs on purpose: the sandbox, --max-memory, what it deliberately does not
          provide (the syscall table says so, and docs/security.md lists each);
  host    the host's kernel differs from the Linux the guest is told it runs (6.1, Debian's
          configuration, vm.mmap_min_addr 65536), and the native answer is that kernel's;
  known   a shortcoming of the emulator, listed with where it is tracked.

No rule is a list of observed outputs: each says which calls it covers and what the emulator
answers them by design.
"""

import re

import cases as C


class Verdict:
    def __init__(self, category, rule="", reason=""):
        self.category, self.rule, self.reason = category, rule, reason


class Context:
    def __init__(self, table, names, host, max_memory):
        self.table, self.names, self.host, self.max_memory = table, names, host, max_memory

    def doc(self, nr):
        row = self.table.get(nr)
        return row[2] if row else None

    def implemented(self, nr):
        row = self.table.get(nr)
        return bool(row and row[1])


def err(o, *names):
    return o is not None and o[0] == "err" and (not names or o[1] in names)


def ok(o):
    return o is not None and o[0] in ("ok", "brk")


def documented_answer(case, ctx):
    """What the emulator answers a call it never runs natively, by its syscall table."""
    nr = case.nr & 0xFFFFFFFF
    nr = nr - (1 << 32) if nr >> 31 else nr
    doc = ctx.doc(nr)
    if doc is None or not ctx.implemented(nr):
        return {"ENOSYS"}, "no row in the syscall table (or no handler): ENOSYS, named once on the emulator's output"
    m = re.match(r"refused \((E[A-Z]+)\)", doc)
    if m:
        return {m.group(1)}, "refused by the sandbox: " + doc
    if doc.startswith("-ENOSYS on purpose"):
        return {"ENOSYS"}, doc
    if case.name == "clone":
        return {"EACCES"}, "a new process is refused (EACCES)"
    if case.name == "kill":
        return {"EPERM", "EINVAL"}, "signals reach this process only; others: EPERM (an invalid signal: EINVAL)"
    if case.name in ("tkill", "tgkill"):
        return {"ESRCH", "EINVAL"}, "signals reach this process's threads only; other ids: ESRCH (an invalid signal: EINVAL)"
    return set(), doc


# ------------------------------------------------------------------------------- the rules

def r_cap(c, n, e, ctx):
    return e is not None and e[0] == "stopped" and "memory limit reached" in e[1]


def r_refused(c, n, e, ctx):
    doc = ctx.doc(c.nr) or ""
    m = re.match(r"refused \((E[A-Z]+)\)", doc)
    return bool(m) and err(e, m.group(1))


def r_no_handler(c, n, e, ctx):
    return c.nr in ctx.table and not ctx.implemented(c.nr) and err(e, "ENOSYS")


def r_not_provided(c, n, e, ctx):
    return (ctx.doc(c.nr) or "").startswith("-ENOSYS on purpose") and err(e, "ENOSYS")


def r_shared_write(c, n, e, ctx):
    prot, flags = (c.args + [0] * 6)[2], (c.args + [0] * 6)[3]
    return (c.name == "mmap" and not flags & C.MAP_ANONYMOUS and flags & 0x0F in (C.MAP_SHARED, C.MAP_SHARED_VALIDATE)
            and prot & 2 and err(e, "EACCES"))


def r_mmap_min_addr(c, n, e, ctx):
    low = ctx.host["mmap_min_addr"]
    if low >= 0x10000 or c.name not in ("mmap", "mremap"):
        return False
    a = c.args + [0] * 6
    addr = a[0] if c.name == "mmap" else a[4]
    return low <= addr < 0x10000 and err(e, "EPERM")


def r_fixed_past_task(c, n, e, ctx):
    a = c.args + [0] * 6
    fixed = a[3] & (C.MAP_FIXED | C.MAP_FIXED_NOREPLACE)
    return (c.name == "mmap" and newer(ctx) and fixed and a[0] + ((a[1] + C.PAGE - 1) & ~(C.PAGE - 1)) > C.TASK
            and err(n, "EPERM") and err(e, "ENOMEM"))


def r_memory_failure(c, n, e, ctx):
    return (c.name == "madvise" and not ctx.host["memory_failure"] and (c.args + [0] * 3)[2] in (100, 101)
            and err(n, "EINVAL"))


def newer(ctx):
    m = re.match(r"(\d+)\.(\d+)", ctx.host["release"])
    return m and (int(m.group(1)), int(m.group(2))) > (6, 1)


def r_gigantic(c, n, e, ctx):
    flags = (c.args + [0] * 4)[3]
    return (c.name == "mmap" and flags & C.MAP_HUGETLB and (flags >> 26) & 0x3F == 30 and err(e, "EINVAL")
            and ctx.host["gigantic_pages"])


def r_hugetlb_pool(c, n, e, ctx):
    return c.name == "mmap" and (c.args + [0] * 4)[3] & C.MAP_HUGETLB and err(e, "ENOMEM")


def r_droppable(c, n, e, ctx):
    return (newer(ctx) and c.name == "mmap" and (c.args + [0] * 4)[3] & 0x0F == C.MAP_DROPPABLE
            and err(e, "EINVAL"))


def r_guard(c, n, e, ctx):
    return newer(ctx) and c.name == "madvise" and (c.args + [0] * 3)[2] in (102, 103) and err(e, "EINVAL")


def kernel_at_least(ctx, major, minor):
    m = re.match(r"(\d+)\.(\d+)", ctx.host["release"])
    return bool(m) and (int(m.group(1)), int(m.group(2))) >= (major, minor)


def r_mremap_617(c, n, e, ctx):
    # The emulator checks and moves as Linux 6.17 does (check_mremap_params before any VMA lookup; a
    # fixed move of the same length may span VMAs); older hosts answer those cases differently.
    return c.name == "mremap" and not kernel_at_least(ctx, 6, 17)


def both_err(n, e):
    return err(n) and err(e)


def shape(*allowed):
    """A predicate on the answers' shape: 'ee' both errors, 'eo' native error and emulator success, 'oe'."""
    def pred(n, e):
        s = ("e" if err(n) else "o" if ok(n) else "?") + ("e" if err(e) else "o" if ok(e) else "?")
        return s in allowed
    return pred


def family(names, answers, extra=None):
    def pred(c, n, e, ctx):
        return c.name in names and answers(n, e) and (extra is None or extra(c, n, e))
    return pred


PATH_CALLS = {"open", "openat", "creat", "access", "faccessat", "mkdir", "mkdirat", "unlinkat", "renameat", "renameat2",
              "stat", "lstat", "newfstatat", "readlink", "readlinkat", "chdir", "truncate", "rename", "unlink", "rmdir"}
IO_CALLS = {"read", "write", "pread64", "pwrite64", "readv", "writev", "getdents64", "lseek", "ftruncate", "fstat"}

RULES = [
    ("design", "memory cap", "the call would take committed guest memory past --max-memory: the run stops with 125 "
     "and the reason, as for mmap (docs/security.md, Limits)", r_cap),
    ("design", "sandbox refusal", "the syscall table refuses the call: the guest cannot change the host", r_refused),
    ("design", "not implemented", "a row without a handler: ENOSYS, named on the emulator's output", r_no_handler),
    ("design", "ENOSYS on purpose", "the C library copes (no rseq, no clone3)", r_not_provided),
    ("design", "no huge pages", "MAP_HUGETLB meets an empty huge-page pool: ENOMEM (natively MAP_NORESERVE maps "
     "memory that raises SIGBUS when touched, or the host has a pool)", r_hugetlb_pool),
    ("design", "shared file mapping", "file mappings are private copies, so a writable shared one is refused (EACCES)",
     r_shared_write),
    ("design", "no terminal", "every ioctl is ENOTTY: the guest sees no terminal and no device (syscall table)",
     family({"ioctl"}, lambda n, e: err(e, "ENOTTY"))),
    ("design", "own limits only", "prlimit64 reaches this process's own limits; any other pid is EPERM, also one "
     "that does not exist", family({"prlimit64"}, lambda n, e: err(e, "EPERM"), lambda c, n, e: c.args[0] not in (0, "@pid"))),
    ("design", "sandbox decides first", "the sandbox judges a path or descriptor to be written before the "
     "kernel's own checks: what it cannot place below --allow-write is EACCES, where Linux would first have said "
     "EINVAL, ENOENT, ENOTDIR, EISDIR, EEXIST or EBADF",
     family(PATH_CALLS | {"ftruncate"}, lambda n, e: err(n) and err(e, "EACCES"))),
    ("design", "flock only under --allow-write", "a flock is seen by every process on the host, so it is refused "
     "(EACCES) on a file outside --allow-write, as other changes are (syscall table); natively it succeeds",
     family({"flock"}, lambda n, e: ok(n) and err(e, "EACCES"))),
    ("host", "MAP_FIXED past TASK_SIZE", "a fixed mapping that ends beyond the address space: Linux 6.1, which the "
     "guest is told it runs, answers ENOMEM (get_unmapped_area); newer hosts answer EPERM", r_fixed_past_task),
    ("host", "mmap_min_addr", "the host's vm.mmap_min_addr is below the 64 KiB the guest gets (Debian's default): "
     "natively the page maps, emulated it is EPERM", r_mmap_min_addr),
    ("host", "no CONFIG_MEMORY_FAILURE", "the host kernel has no memory-failure injection (EINVAL); the guest's "
     "Linux has it (EPERM without CAP_SYS_ADMIN)", r_memory_failure),
    ("host", "1 GiB pages", "the host CPU has 1 GiB pages; the emulated one has none (no pdpe1gb): EINVAL",
     r_gigantic),
    ("host", "MAP_DROPPABLE", "a 6.11 mapping type; the guest's Linux is 6.1 (EINVAL)", r_droppable),
    ("host", "MADV_GUARD_*", "6.13 advice; the guest's Linux is 6.1 (EINVAL)", r_guard),
    ("host", "mremap before 6.17", "the host kernel predates 6.17's mremap (argument checks before the VMA lookup, "
     "fixed moves across VMAs), which the emulator follows", r_mremap_617),
    # Known shortcomings of handlers outside the memory syscalls: what differs, and where it is tracked.
    ("known", "open flags", "O_PATH (Linux then ignores the access mode), O_TMPFILE, the access mode 3 and "
     "O_APPEND on a read-only open are not understood: refused or opened differently (files.cpp)",
     family({"open", "openat"}, shape("oe", "eo", "ee"),
            lambda c, n, e: (lambda f: f & 0o10000000 or f & 0o20000000 or f & 3 == 3 or (f & 3 == 0 and f & 0o2000))(
                c.args[1 if c.name == "open" else 2]))),
    ("known", "O_NOATIME", "O_NOATIME is checked against the emulator's own user, not the guest's (natively "
     "EPERM for a file one does not own)", family({"open", "openat"}, lambda n, e: err(n, "EPERM") and ok(e),
                                                   lambda c, n, e: c.args[1 if c.name == "open" else 2] & 0o1000000)),
    ("known", "empty path", "an empty path is taken as the working directory (Linux: ENOENT) (files.cpp)",
     family(PATH_CALLS, lambda n, e: err(n, "ENOENT") and ok(e), lambda c, n, e: any(v == b"\0" for v in c.mem.values()))),
    ("known", "writes to /dev/null", "a write to /dev/null reads its buffer (Linux counts the bytes without reading "
     "them), so a bad buffer is EFAULT or a shorter count", family({"write", "writev", "pwrite64"}, shape("oo", "oe"),
                                                                  lambda c, n, e: c.args[0] == C.FD_NULL)),
    ("known", "path checks in another order", "the *at calls and path calls look at the descriptor, the flags and "
     "the path in another order than Linux (EBADF, ENOTDIR, EINVAL, EFAULT, ENOENT swap); files.cpp",
     family(PATH_CALLS, both_err)),
    ("known", "access to the work directory", "access/faccessat(W_OK) of a directory given to --allow-write "
     "(or of /dev/null) is refused (EACCES)", family({"access", "faccessat"}, lambda n, e: ok(n) and err(e, "EACCES"))),
    ("known", "descriptor checked late", "read, write and the other descriptor calls check the buffer, the count "
     "and the offset before the descriptor (EFAULT, EINVAL or a result where Linux says EBADF, ESPIPE, EISDIR); "
     "files.cpp", family(IO_CALLS, shape("ee", "eo"))),
    ("known", "all or nothing", "a read, write or getrandom whose buffer faults part way is EFAULT; Linux returns "
     "what it copied before the fault (issue 19, item 6)", family(IO_CALLS | {"getrandom"},
                                                                 lambda n, e: ok(n) and err(e))),
    ("known", "readlink size", "readlink(at) takes a buffer size that is negative as an int (EINVAL natively)",
     family({"readlink", "readlinkat"}, lambda n, e: err(n, "EINVAL"))),
    ("known", "dirfd not a descriptor", "an *at call with a relative path and a dirfd that is not open (-1, a "
     "closed one) works from the working directory instead of failing with EBADF (files.cpp)",
     family({"mkdirat", "unlinkat", "renameat", "renameat2", "openat", "newfstatat", "readlinkat", "faccessat"},
            lambda n, e: err(n, "EBADF"))),
    ("known", "unknown flags accepted", "flags Linux does not know are accepted (EINVAL natively): eventfd2, "
     "epoll_create1, pipe2, getrandom, newfstatat, unlinkat",
     family({"eventfd2", "epoll_create1", "pipe2", "getrandom", "newfstatat", "unlinkat"},
            lambda n, e: err(n, "EINVAL"))),
    ("known", "getrandom buffer", "getrandom does not check a buffer it writes nothing to (EFAULT natively for a "
     "kernel address and a zero length)", family({"getrandom"}, lambda n, e: err(n, "EFAULT") and ok(e))),
    ("known", "epoll arguments", "epoll_ctl/epoll_wait/epoll_pwait check their descriptors, events pointer, count "
     "and mask in another order, and not all of them (poll.cpp)",
     family({"epoll_ctl", "epoll_wait", "epoll_pwait"}, shape("ee", "eo"))),
    ("known", "clocks", "the CPU-time clocks of processes and threads (negative clock ids) and the clocks "
     "clock_nanosleep cannot sleep on are EINVAL; timespec pointers are checked after the clock, and "
     "gettimeofday does not write its timezone (time.cpp)",
     family({"clock_gettime", "clock_getres", "clock_nanosleep", "nanosleep", "gettimeofday"},
            shape("ee", "oe", "eo"))),
    ("known", "futex operations", "only FUTEX_WAIT, FUTEX_WAKE and their _BITSET forms are implemented (others "
     "ENOSYS); the word, the timeout and the op are checked in another order (threads.cpp)",
     family({"futex"}, shape("ee", "eo", "oe"))),
    ("known", "sched_getaffinity arguments", "the pid, the length and the mask pointer are not checked "
     "(threads.cpp)", family({"sched_getaffinity"}, shape("ee", "eo", "oo"))),
    ("known", "sigaltstack checks", "the new stack's flags and size are checked differently (signals.cpp)",
     family({"sigaltstack"}, shape("oe", "ee"))),
    ("known", "rt_sigaction order", "the signal number is checked before the action is read (EINVAL where Linux "
     "says EFAULT)", family({"rt_sigaction"}, both_err)),
    ("known", "rlimit checks", "a soft limit above the hard one is EPERM, not EINVAL; getrlimit/setrlimit with a "
     "bad pointer are checked in another order (system.cpp)",
     family({"setrlimit", "prlimit64", "getrlimit"}, shape("ee", "eo", "oe"))),
    ("known", "wait4 options", "wait4 answers ECHILD before checking its options (EINVAL natively)",
     family({"wait4"}, lambda n, e: err(n, "EINVAL") and err(e, "ECHILD"))),
    ("known", "tkill/tgkill order", "tkill and tgkill check the signal before the thread (EINVAL where Linux says "
     "ESRCH)", family({"tkill", "tgkill"}, both_err)),
    ("known", "arch_prctl codes", "ARCH_GET_CPUID and the XSTATE permission codes are EINVAL; ARCH_SET_GS takes a "
     "non-canonical address (system.cpp)", family({"arch_prctl"}, shape("ee", "oe", "eo"))),
    ("known", "fcntl commands", "leases, signals and other commands beyond the descriptor and status flags are "
     "EINVAL; F_GETFL lacks O_LARGEFILE", family({"fcntl"}, shape("ee", "oe", "eo", "oo"))),
]


def classify(c, n, e, ctx):
    if not c.native:
        want, why = documented_answer(c, ctx)
        if e is not None and e[0] == "err" and e[1] in want:
            return Verdict("documented-agree")
        for category, name, reason, pred in RULES:
            if pred(c, n, e, ctx):
                return Verdict(category, name, reason)
        return Verdict("unexplained", "documented", "expected %s: %s" % ("/".join(sorted(want)) or "?", why))
    if n == e:
        return Verdict("agree")
    for category, name, reason, pred in RULES:
        if pred(c, n, e, ctx):
            return Verdict(category, name, reason)
    return Verdict("unexplained")
