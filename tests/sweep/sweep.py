#!/usr/bin/env python3
"""The differential sweep: the kernel as the oracle for the emulator's syscall answers.

Generates raw-syscall cases (cases.py), runs them with testdata/sweep once natively — in a throwaway
directory, as an unprivileged user in a session of its own, with the emulator's resource limits —
and once under gostart-emu, and compares the return value (or errno) case by case. Each difference
is then explained by a rule (rules.py): a design decision of the sandbox or the emulator, the host's
kernel or configuration, or a known and listed shortcoming; what no rule explains fails the run.

    sweep.py --emu build/app/gostart-emu --program build/testdata/sweep [--seed N] [--per-syscall K]
             [--outside M] [--json FILE] [--verbose]

Exit status: 0 when every difference is explained, 1 otherwise, 2 when the sweep could not run.
Python 3 standard library only.
"""

import argparse
import collections
import errno
import json
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cases as C  # noqa: E402
import rules as R  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
NOBODY = 65534
MAX_MEMORY = 1 << 30  # the emulator's --max-memory for the sweep


def load_table(path):
    """docs/syscalls.md (generated from the syscall table): nr -> (name, implemented, doc)."""
    table = {}
    for line in open(path, encoding="utf-8"):
        # | nr | `name(arguments as --strace shows them)` | implemented | doc | int 0x80 |
        m = re.match(r"\| (\d+) \| `([a-z0-9_]+)\([^`]*\)` \| (yes|no) \| (.*) \| [^|]* \|\s*$", line)
        if m:
            table[int(m.group(1))] = (m.group(2), m.group(3) == "yes", m.group(4))
    return table


def load_names(path):
    names = {}
    for line in open(path, encoding="utf-8"):
        m = re.match(r'\{(\d+), "([a-z0-9_]+)"\}', line.strip())
        if m:
            names[int(m.group(1))] = m.group(2)
    return names


def host_facts():
    def read(p, default=None):
        try:
            return open(p).read().strip()
        except OSError:
            return default
    return {
        "mmap_min_addr": int(read("/proc/sys/vm/mmap_min_addr", "65536")),
        "release": os.uname().release,
        "memory_failure": os.path.exists("/proc/sys/vm/memory_failure_early_kill"),
        "gigantic_pages": os.path.exists("/sys/kernel/mm/hugepages/hugepages-1048576kB"),
        "root": os.geteuid() == 0,
    }


def make_dirs(base, drop):
    """base/work (the guest may write), base/out (results), base/fixed (read-only, with symlinks the
    guest cannot make under the emulator). base itself is read-only too."""
    for d in ("work", "out", "fixed", "fixed/dir"):
        os.makedirs(os.path.join(base, d), exist_ok=True)
    with open(os.path.join(base, "fixed", "file"), "w") as f:
        f.write("fixed\n")
    os.chmod(os.path.join(base, "fixed", "file"), 0o444)
    os.symlink("file", os.path.join(base, "fixed", "l"))
    os.symlink("nowhere", os.path.join(base, "fixed", "dangling"))
    os.chmod(os.path.join(base, "fixed"), 0o555)
    if drop:
        for d in ("work", "out"):
            os.chown(os.path.join(base, d), NOBODY, NOBODY)
    os.chmod(base, 0o555)


def remove_dirs(base):
    for dirpath, dirnames, _ in os.walk(base):
        for d in dirnames:
            try:
                os.chmod(os.path.join(dirpath, d), 0o755, follow_symlinks=False)
            except OSError:
                pass
    os.chmod(base, 0o755)
    shutil.rmtree(base, ignore_errors=True)


def preexec(drop):
    def f():
        os.setsid()  # kill(0, ...) and kill(-pid, ...) reach only the sweep
        # The limits the emulator tells the guest, where a case can observe them.
        for res, val in ((resource.RLIMIT_NOFILE, 1024), (resource.RLIMIT_MEMLOCK, 8 << 20),
                         (resource.RLIMIT_STACK, 8 << 20)):
            soft, hard = resource.getrlimit(res)
            resource.setrlimit(res, (val if hard == resource.RLIM_INFINITY or val <= hard else hard, hard))
        if drop:
            os.setgroups([])
            os.setgid(NOBODY)
            os.setuid(NOBODY)
    return f


def describe_exit(rc, stderr):
    lines = [l for l in stderr.splitlines() if l.startswith("gostart-emu:") and "Go backtrace" not in l
             and not l.startswith("gostart-emu:   ")]
    msg = lines[-1].split(": ", 2)[-1] if lines else ""
    if rc == 125:
        return ("stopped", msg or "emulator stop")
    if rc < 0:
        return ("died", signal.Signals(-rc).name)
    if rc > 128:
        return ("died", signal.Signals(rc - 128).name + (": " + msg if msg else ""))
    return ("died", "exit %d %s" % (rc, stderr.strip().splitlines()[-1] if stderr.strip() else ""))


def run_side(side, cmd_prefix, program, case_list, base, drop, env, timeout):
    """Runs the cases, restarting after one that ends the run. Returns (results, deaths, brk0)."""
    work, out = os.path.join(base, "work"), os.path.join(base, "out")
    cases_path = os.path.join(out, side + "-cases.txt")
    with open(cases_path, "w") as f:
        for c in case_list:
            f.write(c.line() + "\n")
    if drop:
        os.chown(cases_path, NOBODY, NOBODY)
    results, deaths, brk0 = {}, {}, None
    start = 0
    while start < len(case_list):
        res_path = os.path.join(out, "%s-results-%d.txt" % (side, start))
        argv = cmd_prefix + [program, cases_path, res_path, str(start), work]
        p = subprocess.Popen(argv, cwd=work, env=env, preexec_fn=preexec(drop and side == "native"),
                             stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try:
            _, stderr = p.communicate(timeout=timeout)
            outcome = describe_exit(p.returncode, stderr)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            _, stderr = p.communicate()
            outcome = ("hang", "no answer within %d s" % timeout)
        got, done, started = 0, False, False
        if os.path.exists(res_path):
            for line in open(res_path):
                parts = line.split()
                if parts == ["done"]:
                    done = True
                elif len(parts) == 2 and parts[0] == "brk0":
                    brk0, started = int(parts[1], 16), True
                elif len(parts) == 2:
                    results[int(parts[0])] = int(parts[1], 16)
                    got += 1
        if done:
            break
        if not started:  # the fixtures could not be set up: nothing to compare
            sys.exit("sweep.py: the %s run did not start: %s %s" % (side, outcome, stderr.strip()[-500:]))
        k = start + got
        if k >= len(case_list):
            break
        deaths[case_list[k].id] = outcome
        start = k + 1
    return results, deaths, brk0


def normalise(case, raw, brk0):
    if raw is None:
        return None
    if raw > C.M64 - 4095:
        e = C.M64 + 1 - raw
        return ("err", errno.errorcode.get(e, str(e)))
    kind = case.kind
    if kind == "brk":
        d = (raw - brk0) & C.M64
        return ("brk", d - (1 << 64) if d >> 63 else d)
    if kind == "fd":
        return ("ok", "fd")
    if kind in ("id", "time"):
        return ("ok", "*")
    if kind == "addr":
        return ("ok", "addr")
    if kind == "addr32":
        return ("ok", "addr<4G" if raw + 0 < (1 << 32) else "addr>=4G")
    return ("ok", raw)


def show(o):
    if o is None:
        return "not run"
    if o[0] == "err":
        return "-" + o[1]
    if o[0] == "ok":
        return hex(o[1]) if isinstance(o[1], int) else o[1]
    if o[0] == "brk":
        return "brk0%+#x" % o[1]
    return "%s (%s)" % o


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--emu", required=True)
    ap.add_argument("--program", required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--per-syscall", type=int, default=3)
    ap.add_argument("--outside", type=int, default=40)
    ap.add_argument("--table", default=os.path.join(ROOT, "docs", "syscalls.md"))
    ap.add_argument("--names", default=os.path.join(ROOT, "linux", "syscall_names.inc"))
    ap.add_argument("--json")
    ap.add_argument("--keep", action="store_true", help="keep the throwaway directory")
    ap.add_argument("--verbose", action="store_true", help="list every explained difference too")
    o = ap.parse_args()

    table, names = load_table(o.table), load_names(o.names)
    missing = [n for n, _, _ in table.values() if n not in C.GENERATORS and n not in C.NOT_SWEPT]
    if missing:
        sys.exit("sweep.py: no case generator for %s (a new row of the syscall table needs one in cases.py)"
                 % ", ".join(missing))
    host = host_facts()
    drop = host["root"]
    cases = C.generate(o.seed, o.per_syscall, o.outside, table, names)
    native_cases = [c for c in cases if c.native]
    base = tempfile.mkdtemp(prefix="gostart-sweep-")
    os.chmod(base, 0o755)
    env = {"PATH": "/usr/bin:/bin", "GOSTART_SWEEP_NATIVE": "1"}
    setarch = shutil.which("setarch")
    native_prefix = [setarch, "x86_64", "-R"] if setarch else []  # no ASLR: the emulator's layout
    emu_prefix = [os.path.abspath(o.emu), "-q", "--allow-write", os.path.join(base, "work"), "--allow-write",
                  os.path.join(base, "out"), "--max-memory", str(MAX_MEMORY)]
    t0 = time.monotonic()
    try:
        make_dirs(base, drop)
        # A copy both runs use: the build tree may be where nobody can reach (under /root, say).
        os.chmod(base, 0o755)
        program = os.path.join(base, "sweep")
        shutil.copy(o.program, program)
        os.chmod(program, 0o755)
        os.chmod(base, 0o555)  # read-only again: the guest's ".." must not be writable
        nat, nat_deaths, nat_brk = run_side("native", native_prefix, program, native_cases, base, drop, env, 120)
        t1 = time.monotonic()
        emu, emu_deaths, emu_brk = run_side("emu", emu_prefix, program, cases, base, drop,
                                            {"PATH": "/usr/bin:/bin"}, 300)
        t2 = time.monotonic()
    finally:
        if o.keep:
            print("sweep.py: kept", base)
        else:
            remove_dirs(base)

    counts = collections.Counter()
    by_rule = collections.defaultdict(list)
    unexplained = []
    ctx = R.Context(table, names, host, MAX_MEMORY)
    for c in cases:
        n = nat_deaths.get(c.id) or normalise(c, nat.get(c.id), nat_brk) if c.native else None
        e = emu_deaths.get(c.id) or normalise(c, emu.get(c.id), emu_brk)
        counts["cases"] += 1
        counts["native" if c.native else "documented"] += 1
        verdict = R.classify(c, n, e, ctx)
        counts[verdict.category] += 1
        if verdict.category in ("agree", "documented-agree"):
            continue
        entry = {"id": c.id, "call": c.describe(), "native": show(n), "emulator": show(e), "rule": verdict.rule,
                 "reason": verdict.reason}
        if verdict.category == "unexplained":
            unexplained.append(entry)
        else:
            by_rule[(verdict.category, verdict.rule)].append(entry)

    print("sweep: seed %d, %d cases (%d run natively, %d compared with the documented answer), %.1f s native, "
          "%.1f s emulated" % (o.seed, counts["cases"], counts["native"], counts["documented"], t1 - t0, t2 - t1))
    print("sweep: %d agree, %d agree with the documented answer, %d expected by design, %d host-dependent, "
          "%d known, %d unexplained" % (counts["agree"], counts["documented-agree"], counts["design"],
                                        counts["host"], counts["known"], counts["unexplained"]))
    for (cat, rule), entries in sorted(by_rule.items()):
        print("sweep: %-7s %4d  %s: %s" % (cat, len(entries), rule, entries[0]["reason"]))
        for e in entries[: (len(entries) if o.verbose else 1)]:
            print("sweep:              e.g. #%d %s: native %s, emulator %s" % (e["id"], e["call"], e["native"],
                                                                            e["emulator"]))
    for e in unexplained:
        print("sweep: UNEXPLAINED #%d %s: native %s, emulator %s" % (e["id"], e["call"], e["native"], e["emulator"]))
    if o.json:
        with open(o.json, "w") as f:
            json.dump({"seed": o.seed, "counts": counts, "explained": {"%s/%s" % k: v for k, v in by_rule.items()},
                       "unexplained": unexplained, "host": host}, f, indent=1)
    return 1 if unexplained else 0


if __name__ == "__main__":
    sys.exit(main())
