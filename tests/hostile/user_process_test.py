#!/usr/bin/env python3
"""The guest is a user process (issue 19): testdata/userproc tries, with raw syscalls and hand-written
instructions, what a user process may not do, and each case checks the exit status and the emulator's
report line. Where Linux's answer is the expectation, the case also runs natively and requires the native
run to give that status (and the same output), so the expected values are Linux's, not the emulator's.

Usage: user_process_test.py CASE --emu EMU --userproc PROG --source DIR
       user_process_test.py --declared CASE...   (meson's list must be CASES: a case without a test fails)
Standard library only."""

import argparse
import os
import re
import resource
import subprocess
import sys
import tempfile
import time

GP = "signal 11 (Segmentation fault): general protection fault in thread 1000 at 0x"


def priv(name, func, insn):
    """A privileged instruction with the signals at their default action: 139 and the #GP report naming
    the instruction, at the function and the line of insns_amd64.s that holds it."""
    return {"args": ["priv", name], "status": 139, "native": True,
            "report": [GP, "main.%s+0x" % func, ": " + insn], "line_of": "INSN(·%s," % func}


CASES = {
    "priv-mov-to-dr7": priv("mov-to-dr7", "movToDR7", "mov dr7, rax"),
    "priv-mov-from-dr7": priv("mov-from-dr7", "movFromDR7", "mov rax, dr7"),
    "priv-mov-to-cr0": priv("mov-to-cr0", "movToCR0", "mov cr0, rax"),
    "priv-mov-from-cr3": priv("mov-from-cr3", "movFromCR3", "mov rax, cr3"),
    "priv-in": priv("in", "inPort", "in al, dx"),
    "priv-out": priv("out", "outPort", "out dx, al"),
    "priv-hlt": priv("hlt", "hlt", "hlt"),
    "priv-cli": priv("cli", "cli", "cli"),
    "priv-sti": priv("sti", "sti", "sti"),
    "priv-rdmsr": priv("rdmsr", "rdmsr", "rdmsr"),
    "priv-wrmsr": priv("wrmsr", "wrmsr", "wrmsr"),
    "priv-lgdt": priv("lgdt", "lgdt", "lgdt [rbx]"),
    "priv-lidt": priv("lidt", "lidt", "lidt [rbx]"),
    "priv-lldt": priv("lldt", "lldt", "lldt ax"),
    "priv-ltr": priv("ltr", "ltr", "ltr ax"),
    "priv-invlpg": priv("invlpg", "invlpg", "invlpg byte ptr [rbx]"),
    "priv-wbinvd": priv("wbinvd", "wbinvd", "wbinvd"),
    "priv-clts": priv("clts", "clts", "clts"),
    "priv-swapgs": priv("swapgs", "swapgs", "swapgs"),
    # int n through a gate of the kernel's: #GP at the int instruction, as for a privileged one.
    "priv-int-0x0d": priv("int-0x0d", "int0x0d", "int 0xd"),
    # int3's gate is the user's: SIGTRAP after it.
    "int3": {"args": ["priv", "int3"], "status": 133, "native": True,
             "report": ["signal 5 (Trace/breakpoint trap): int3 in thread 1000 at 0x", "main.int3+0x"],
             "line_of": "INSN(·int3,"},
    # Go's own handler: Linux's siginfo (SIGSEGV, code 0x80 SI_KERNEL, addr 0) reaches Go's crash
    # report, which must read as natively; our line names the instruction.
    "priv-handled": {"args": ["priv", "mov-to-dr7", "handled"], "status": 2, "native": True,
                     "same_stderr_lines": 3,
                     "report": ["general protection fault in thread 1000 at 0x", "main.movToDR7+0x", ": mov dr7, rax"]},
    # int 0x80 runs the i386 ABI: write, close, dup, an unknown number, exit_group(7). A kernel built (or
    # booted) without IA32 emulation answers int 0x80 with SIGSEGV: then there is no native answer to compare.
    "int80": {"args": ["int80"], "status": 7, "native": True, "same_stdout": True, "report": [],
              "native_absent_if": 139, "stdout_has": ["write: 9", "close(-1): -9", "syscall 500: -38"]},
    # An i386 call whose arguments differ from the 64-bit ABI (a 32-bit timespec): -ENOSYS, named once.
    "int80-enosys": {"args": ["int80-enosys"], "status": 0, "native": False, "stdout": "nanosleep: -38\n",
                     "report": ["unimplemented int 0x80 (i386) syscall nanosleep (162) in thread 1000 at main.int80+0x"]},
    # A jump to address 0 faults there (it used to run nothing, forever, past --max-insns).
    "jump0": {"args": ["jump0"], "status": 139, "native": True, "max_insns": True,
              "report": ["signal 11 (Segmentation fault) accessing 0x0 (nothing mapped) in thread 1000 at 0x0"]},
    "jump0-handled": {"args": ["jump0", "handled"], "status": 2, "native": True, "same_stderr_lines": 2,
                      "max_insns": True, "report": []},
    # Under --allow-write: no set-user-ID, set-group-ID or sticky bit on anything created, and the guest's
    # own umask (022 at start). The emulator runs with the host umask 0, so only the guest's applies; the
    # modes are read from the host's files, not from the guest's output.
    "create": {"args": ["create", "@DIR@"], "status": 0, "native": False, "allow_write": True,
               "stdout_has": ["umask at start: 022", "umask was: 022", "mknod fifo: permission denied"],
               "modes": {"setuid": 0o755, "creat": 0o755, "open": 0o755, "sticky": 0o755, "mkdir": 0o755,
                         "private": 0o600}, "report": []},
    # RLIMIT_NOFILE as Linux enforces it: EBADF, EINVAL and EMFILE where Linux gives them (dup3 to INT_MAX
    # and F_DUPFD from INT_MAX were a signed overflow), the limit moved down and up; natively the same.
    "fds": {"args": ["fds"], "status": 0, "native": True, "same_stdout": True, "report": [],
            "stdout_has": ["eventfds until the limit: 1021, then too many open files"]},
    # Allocating descriptors is about linear: 50,000 eventfds took 26.6 s when each search started at 0.
    "eventfds-50000": {"args": ["eventfds", "50000"], "status": 0, "native": False, "stdout": "50000 eventfds\n",
                       "seconds": 15, "report": []},
    # A guest that uses up the host's descriptors (the emulator runs under a hard limit of 256 here) does
    # not leave check without the one it needs to write its JUnit report.
    "exhaust-host-fds": {"args": ["exhaust"], "status": 0, "native": False, "host_nofile": 256,
                         "emu_command": ["check", "--junit", "@DIR@/report.xml"],
                         "stdout_has": ["then too many open files"], "files": {"report.xml": "<testcase "},
                         "report": []},
    # The same for inittrace's SVG chart, written while the guest's descriptors are still open.
    "exhaust-host-fds-inittrace": {"args": ["exhaust"], "status": 0, "native": False, "host_nofile": 256,
                                   "emu_command": ["inittrace", "--svg", "@DIR@/chart.svg"],
                                   "stdout_has": ["then too many open files"], "files": {"chart.svg": "<svg"},
                                   "report": []},
    # A stdout redirected to a file (`> FILE`) is a stream to the guest: write only, where it is. It once
    # rewrote offset 0 and grew the user's file sparse to 1 TiB.
    "stdout-seek": {"args": ["stdout-seek"], "status": 0, "native": False, "stdout_to": "out.txt",
                    "file_is": {"out.txt": b"first\nlast\n"},
                    "report": ["lseek(1, 0, SEEK_SET): -1 illegal seek", "pwrite(1, X, 1, 0): -1 illegal seek",
                               "pwrite(1, X, 1, 1 TiB): -1 illegal seek", "ftruncate(1, 0): -1 permission denied"]},
    # A read whose buffer faults consumes nothing: the file offset and the pipe's bytes stay (Linux's EFAULT).
    "readfault": {"args": ["readfault"], "status": 0, "native": True, "same_stdout": True, "report": [],
                  "stdout_has": ["file offset after it: 0", 'then read: 3 "abc"']},
    # PATH_MAX counts the NUL: 4095 bytes reach the filesystem, 4096 are ENAMETOOLONG (it was EFAULT).
    "longpath": {"args": ["longpath"], "status": 0, "native": True, "same_stdout": True, "report": [],
                 "stdout_has": ["openat of a 4096-byte path: file name too long"]},
    # renameat2's RENAME_NOREPLACE and RENAME_EXCHANGE, honoured inside DIR (once ignored: a file was
    # overwritten or lost); natively in a directory of its own.
    "rename": {"args": ["rename", "@DIR@"], "status": 0, "native": True, "same_stdout": True, "allow_write": True,
               "stdout_has": ["RENAME_NOREPLACE a -> b (b exists): file exists", "  a=B b=A c=-"], "report": []},
    # nanosleep(INT64_MAX) sleeps (it returned at once): virtual time jumps, and the idle limit ends it.
    "sleep-max": {"args": ["sleep-max"], "status": 125, "native": False, "report": ["idle limit reached"]},
    "sigreturn0": {"args": ["sigreturn0"], "status": 139, "native": True, "max_insns": True,
                   "report": ["signal 11 (Segmentation fault) accessing 0x0 (nothing mapped) in thread 1000 at 0x0"]},
}


def status_of(returncode):
    return 128 - returncode if returncode < 0 else returncode


def run(cmd, timeout=60, umask=None, nofile=None, stdout=None):
    def limits():
        if umask is not None:
            os.umask(umask)
        if nofile is not None:
            resource.setrlimit(resource.RLIMIT_NOFILE, (nofile, nofile))
    try:
        r = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=stdout or subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=timeout, preexec_fn=limits)
    except subprocess.TimeoutExpired:
        return None, "", "(hung: no exit within %d s)" % timeout
    return status_of(r.returncode), (r.stdout or b"").decode(errors="replace"), r.stderr.decode(errors="replace")


def line_of(source_dir, marker):
    with open(os.path.join(source_dir, "insns_amd64.s")) as f:
        for n, line in enumerate(f, 1):
            if line.startswith(marker):
                return n
    raise SystemExit("insns_amd64.s has no line starting with %r" % marker)


def compare_native(c, problems, out, err, n_status, n_out, n_err):
    if n_status != c["status"]:
        problems.append("natively the status is %s, not the expected %d: the expectation is wrong" % (n_status, c["status"]))
    if c.get("same_stdout") and n_out != out:
        problems.append("stdout differs from the native run's: %r, natively %r" % (out, n_out))
    n = c.get("same_stderr_lines")
    if n:
        ours = [l for l in err.splitlines() if not l.startswith("gostart-emu: ")][:n]
        theirs = n_err.splitlines()[:n]
        if ours != theirs:
            problems.append("the guest's stderr differs from the native run's:\n  %r\n  natively %r" % (ours, theirs))


def check_declared(declared):
    missing, unknown = sorted(set(CASES) - set(declared)), sorted(set(declared) - set(CASES))
    for c in missing:
        print("%s: a case meson does not run" % c)
    for c in unknown:
        print("%s: declared in meson, not a case" % c)
    print("ok: %d cases" % len(CASES) if not (missing or unknown) else "")
    return 1 if missing or unknown else 0


def main(argv):
    if argv and argv[0] == "--declared":
        return check_declared(argv[1:])
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("case", choices=sorted(CASES))
    p.add_argument("--emu", required=True)
    p.add_argument("--userproc", required=True)
    p.add_argument("--source", required=True, help="testdata/userproc, for the line numbers of the instructions")
    o = p.parse_args(argv)
    c = CASES[o.case]
    with tempfile.TemporaryDirectory(prefix="gostart-userproc-") as tmp:
        os.mkdir(os.path.join(tmp, "emu"))
        os.mkdir(os.path.join(tmp, "native"))  # a native run of its own, where a case writes files
        return check(o, c, os.path.join(tmp, "emu"), os.path.join(tmp, "native"))


def check(o, c, tmp, native_tmp):
    problems = []
    emu_args = [o.emu] + [a.replace("@DIR@", tmp) for a in c.get("emu_command", [])]
    if c.get("max_insns"):
        emu_args += ["--max-insns", "50000000"]  # a hang would end with 125, not the expected status
    if c.get("allow_write"):
        emu_args += ["--allow-write", tmp]
    args = [a.replace("@DIR@", tmp) for a in c["args"]]
    started = time.monotonic()
    stdout = open(os.path.join(tmp, c["stdout_to"]), "wb") if "stdout_to" in c else None  # as `> FILE` opens it
    status, out, err = run(emu_args + ["-q", o.userproc] + args, umask=0, nofile=c.get("host_nofile"), stdout=stdout)
    took = time.monotonic() - started
    if "seconds" in c and took > c["seconds"]:
        problems.append("took %.1f s, more than %d s" % (took, c["seconds"]))
    for text in c.get("stdout_has", []):
        if text not in out:
            problems.append("stdout lacks %r" % text)
    for name, text in c.get("files", {}).items():
        path = os.path.join(tmp, name)
        if not os.path.exists(path) or text not in open(path, errors="replace").read():
            problems.append("%s was not written, or lacks %r" % (name, text))
    for name, want in c.get("file_is", {}).items():
        path = os.path.join(tmp, name)
        size = os.path.getsize(path)
        got = open(path, "rb").read(4096)
        if got != want or size != len(want):
            problems.append("%s holds %r (%d bytes), want %r" % (name, got[:64], size, want))
    for name, want in c.get("modes", {}).items():
        path = os.path.join(tmp, name)
        got = os.lstat(path).st_mode & 0o7777 if os.path.lexists(path) else None
        if got != want:
            problems.append("%s has mode %s, want %#o" % (name, "(none)" if got is None else "%#o" % got, want))
    if status != c["status"]:
        problems.append("exit status %s, want %d" % (status, c["status"]))
    for text in c["report"]:
        if text not in err:
            problems.append("stderr lacks %r" % text)
    if "line_of" in c:
        where = "(insns_amd64.s:%d)" % line_of(o.source, c["line_of"])
        if where not in err:
            problems.append("stderr lacks the instruction's line %s" % where)
    if "AddressSanitizer" in err or re.search(r"\.(cpp|h):\d+:\d+: runtime error:", err):
        problems.append("a sanitizer report")  # (Go's panics say "runtime error:" too, without a C++ file)
    if "stdout" in c and out != c["stdout"]:
        problems.append("stdout %r, want %r" % (out, c["stdout"]))
    if c["native"]:
        n_status, n_out, n_err = run([o.userproc] + [a.replace("@DIR@", native_tmp) for a in c["args"]])
        if n_status is not None and n_status == c.get("native_absent_if"):
            print("note: natively status %d: this kernel cannot do it, nothing to compare with" % n_status)
        else:
            compare_native(c, problems, out, err, n_status, n_out, n_err)
    if problems:
        print("FAIL: %s" % " ".join(c["args"]))
        for x in problems:
            print("  " + x)
        print("--- stdout ---\n" + out[-2000:] + "\n--- stderr ---\n" + err[-3000:])
        return 1
    print("ok: %s -> %d" % (" ".join(c["args"]), status))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
