#!/usr/bin/env python3
"""The sandbox: testdata/escape tries every way out, under gostart-emu, on scratch files, sacrificial
processes and a listening socket made here. The host must be unchanged — files, modes and times, the
processes alive, no connection, no program executed — each attempt must fail with the errno the sandbox
gives (docs/security.md), and the strace log must show each refusal.

  escape_test.py sandbox --emu EMU --escape ESCAPE       everything refused by default
  escape_test.py allow   --emu EMU --escape ESCAPE       --allow-write DIR: inside yes, out of it no
  escape_test.py selftest --escape ESCAPE                natively the same attempts DO change the host,
                                                         and the checks below must notice each change
Standard library only."""

import argparse
import hashlib
import os
import re
import socket
import subprocess
import sys
import tempfile

PERMISSION = "permission denied"        # EACCES: files, sockets, new processes
NOT_PERMITTED = "operation not permitted"  # EPERM: other processes and the host system
NO_SUCH_PROCESS = "no such process"     # ESRCH: the ids name no thread of the guest's own

# What each attempt of `escape sandbox` must print under the emulator, from the sandbox's rules.
SANDBOX_EXPECT = {
    **{op: PERMISSION for op in [
        "create", "creat", "open-write", "open-rdwr", "open-append", "open-trunc", "open-proc-self-mem",
        "truncate", "ftruncate", "fchmod", "fchown", "mmap-shared-write", "rename", "rename-raw", "unlink",
        "unlink-raw", "rmdir", "rmdir-raw", "mkdir", "mkdir-raw", "chmod", "chmod-raw", "chown", "chown-raw",
        "link", "link-raw", "symlink", "symlink-raw", "utimes", "mknod",
        "dial-tcp", "listen-tcp", "socket-unix", "socket-netlink", "socketpair",
        "fork", "fork-exec", "execve"]},
    "open-read": "ok",  # reads pass through
    **{op: NOT_PERMITTED for op in ["kill", "kill-group", "kill-everyone", "rt_sigqueueinfo", "pidfd_open",
                                    "ptrace-attach"]},
    **{op: NO_SUCH_PROCESS for op in ["tkill", "tgkill"]},
}

# Each refusal as the strace log must show it: (syscall, errno name), at least once.
SANDBOX_STRACE = [
    ("openat", "EACCES"), ("creat", "EACCES"), ("truncate", "EACCES"), ("ftruncate", "EACCES"),
    ("fchmod", "EACCES"), ("fchown", "EACCES"), ("mmap", "EACCES"), ("renameat", "EACCES"), ("rename", "EACCES"),
    ("unlinkat", "EACCES"), ("unlink", "EACCES"), ("rmdir", "EACCES"), ("mkdirat", "EACCES"), ("mkdir", "EACCES"),
    ("fchmodat", "EACCES"), ("chmod", "EACCES"), ("fchownat", "EACCES"), ("chown", "EACCES"), ("linkat", "EACCES"),
    ("link", "EACCES"), ("symlinkat", "EACCES"), ("symlink", "EACCES"), ("utimensat", "EACCES"),
    ("mknodat", "EACCES"), ("socket", "EACCES"), ("socketpair", "EACCES"), ("kill", "EPERM"), ("tkill", "ESRCH"),
    ("tgkill", "ESRCH"), ("rt_sigqueueinfo", "EPERM"), ("pidfd_open", "EPERM"), ("ptrace", "EPERM"),
    ("fork", "EACCES"), ("clone", "EACCES"), ("execve", "EACCES"),
]

ALLOW_EXPECT = {
    "create-inside": "ok", "chdir-inside": "ok",
    **{op: PERMISSION for op in ["via-dotdot", "via-symlinked-dir", "via-dangling-symlink", "via-file-symlink",
                                 "rename-out", "mkdir-out", "unlink-out", "openat-dotdot", "relative-dotdot"]},
}
ALLOW_STRACE = [("openat", "EACCES"), ("renameat", "EACCES"), ("mkdirat", "EACCES"), ("unlinkat", "EACCES")]


def snapshot(root):
    """Everything a write could change: kind, mode, owner, size, content, mtime, link target."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            p = os.path.join(dirpath, name)
            st = os.lstat(p)
            entry = (st.st_mode, st.st_uid, st.st_gid, st.st_size, st.st_mtime_ns)
            if os.path.islink(p):
                entry += (os.readlink(p),)
            elif os.path.isfile(p):
                with open(p, "rb") as f:
                    entry += (hashlib.sha256(f.read()).hexdigest(),)
            out[os.path.relpath(p, root)] = entry
    return out


def sacrificial_process():
    # Ids from 1000 up are the guest's own threads: a host process there would be a different test.
    while True:
        p = subprocess.Popen(["sleep", "120"])
        if not 1000 <= p.pid < 1100:
            return p
        p.kill()
        p.wait()


def parse_report(stdout):
    got = {}
    for line in stdout.splitlines():
        name, _, result = line.partition(": ")
        got[name] = result
    return got


def strace_refusals(log, wanted):
    missing = []
    for name, err in wanted:
        if not re.search(r"^\[\d+\] %s\(.*\) = -1 %s " % (re.escape(name), err), log, re.M):
            missing.append("%s ... = -1 %s" % (name, err))
    return missing


def run(command, timeout=120):
    return subprocess.run(command, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=timeout)


class Host:
    """Scratch files, sacrificial processes and a listener: what the guest must not touch."""

    def __init__(self, tmp):
        self.tmp = tmp
        self.dir = os.path.join(tmp, "d")
        os.makedirs(os.path.join(self.dir, "sub"))
        with open(os.path.join(self.dir, "victim.txt"), "w") as f:
            f.write("original\n")
        os.chmod(os.path.join(self.dir, "victim.txt"), 0o644)
        self.allowed = os.path.join(tmp, "allowed")
        self.outside = os.path.join(tmp, "outside")
        os.makedirs(self.allowed)
        os.makedirs(self.outside)
        with open(os.path.join(self.outside, "keep.txt"), "w") as f:
            f.write("keep\n")
        os.symlink("../outside", os.path.join(self.allowed, "link-out"))
        os.symlink("../outside/dangling-target", os.path.join(self.allowed, "dangling"))
        os.symlink("../outside/keep.txt", os.path.join(self.allowed, "link-file"))
        self.marker = os.path.join(tmp, "marker")
        self.procs = {k: sacrificial_process() for k in ("kill", "tkill", "tgkill")}
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(4)
        self.listener.setblocking(False)
        self.before = snapshot(tmp)
        self.allowed_before = snapshot(self.allowed)

    def sandbox_args(self):
        return ["sandbox", "-dir", self.dir, "-kill", str(self.procs["kill"].pid),
                "-tkill", str(self.procs["tkill"].pid), "-tgkill", str(self.procs["tgkill"].pid),
                "-port", str(self.listener.getsockname()[1]), "-marker", self.marker]

    def allow_args(self):
        return ["allow", "-allowed", self.allowed, "-outside", self.outside]

    def changes(self, allowed_new=()):
        """What differs from before: a list of sentences, empty when the host is as it was."""
        out = []
        after = snapshot(self.tmp)
        for path in sorted(set(self.before) | set(after)):
            if allowed_new and (path == "allowed" or
                                (os.path.relpath(path, "allowed") in allowed_new and path not in self.before)):
                continue  # the files the guest may create, and the directory that now lists them
            if self.before.get(path) != after.get(path):
                out.append("file %s %s" % (path, "created" if path not in self.before else
                                           "removed" if path not in after else "changed"))
        for k, p in self.procs.items():
            if p.poll() is not None:
                out.append("the %s process died (status %s)" % (k, p.returncode))
        try:
            conn, _ = self.listener.accept()
            conn.close()
            out.append("a TCP connection reached the listener")
        except BlockingIOError:
            pass
        return out

    def close(self):
        for p in self.procs.values():
            if p.poll() is None:
                p.kill()
            p.wait()
        self.listener.close()


def check_results(got, expect):
    problems = []
    for op, want in expect.items():
        if got.get(op) != want:
            problems.append("%s: got %r, want %r" % (op, got.get(op), want))
    for op in sorted(set(got) - set(expect)):
        problems.append("%s: unexpected attempt" % op)
    return problems


def emulated(o, mode):
    problems = []
    with tempfile.TemporaryDirectory(prefix="gostart-sandbox-") as tmp:
        host = Host(tmp)
        log = os.path.join(tempfile.gettempdir(), "gostart-sandbox-%d.strace" % os.getpid())
        try:
            extra = ["--allow-write", host.allowed] if mode == "allow" else []
            args = host.allow_args() if mode == "allow" else host.sandbox_args()
            r = run([o.emu, "-q", "--strace", "-o", log] + extra + [o.escape] + args)
            if r.returncode != 0:
                problems.append("exit status %d, want 0; stderr:\n%s" % (r.returncode, r.stderr[-2000:]))
            expect = ALLOW_EXPECT if mode == "allow" else SANDBOX_EXPECT
            problems += check_results(parse_report(r.stdout), expect)
            new = ("ok.txt",) if mode == "allow" else ()
            problems += ["host changed: " + c for c in host.changes(new)]
            if mode == "allow":
                ok = os.path.join(host.allowed, "ok.txt")
                if not os.path.exists(ok) or open(ok).read() != "written\n":
                    problems.append("the write inside the allowed directory did not happen")
            if os.path.exists(host.marker) or os.path.exists(host.marker + ".fork"):
                problems.append("a host program was executed (marker file exists)")
            with open(log) as f:
                trace = f.read()
            problems += ["strace lacks the refusal " + m
                         for m in strace_refusals(trace, ALLOW_STRACE if mode == "allow" else SANDBOX_STRACE)]
        finally:
            host.close()
            if os.path.exists(log):
                os.unlink(log)
    return problems


def selftest(o):
    """Natively nothing stops the attempts: the checks above must see the host change, or they prove nothing."""
    problems = []
    with tempfile.TemporaryDirectory(prefix="gostart-sandbox-native-") as tmp:
        host = Host(tmp)
        try:
            r = run([o.escape] + host.sandbox_args())
            got = parse_report(r.stdout)
            if not check_results(got, SANDBOX_EXPECT):
                problems.append("natively the attempts gave the emulator's refusals: the expectations prove nothing")
            changes = host.changes()
            for what in ("file d/new.txt created", "file d/victim.txt", "the kill process died",
                         "the tgkill process died", "a TCP connection reached the listener"):
                if not any(c.startswith(what) for c in changes):
                    problems.append("natively %r was not noticed; noticed: %s" % (what, changes))
            if not os.path.exists(host.marker):
                problems.append("natively execve did not create the marker: the marker check proves nothing")
            r = run([o.escape] + host.allow_args())
            if not any(c.startswith("file outside/") for c in host.changes(("ok.txt",))):
                problems.append("natively the escapes from the allowed directory were not noticed")
        finally:
            host.close()
    return problems


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("mode", choices=["sandbox", "allow", "selftest"])
    p.add_argument("--emu")
    p.add_argument("--escape", required=True)
    o = p.parse_args(argv)
    problems = selftest(o) if o.mode == "selftest" else emulated(o, o.mode)
    for x in problems:
        print("FAIL: " + x)
    print("%d passed, %d failed" % (0 if problems else 1, 1 if problems else 0))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
