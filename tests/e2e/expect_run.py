#!/usr/bin/env python3
"""Runs a command and checks its exit status and that stderr has a line containing a text.

Usage: expect_run.py --status N [--stderr-has TEXT]... [--stdout-has TEXT]... [--attempts K] -- COMMAND [ARGS...]
Used for the emulator's own stops (instruction limit, memory limit, bad input), where there is no
native run to compare with, and for native runs that are the oracle. --attempts K (default 1) runs the
command up to K times and passes on the first run that meets every check: only for a native oracle
whose outcome races on the host (never for the emulator, which is deterministic). Python 3 standard
library only.
"""
import argparse, subprocess, sys

p = argparse.ArgumentParser()
p.add_argument("--status", type=int, required=True)
p.add_argument("--stderr-has", action="append", default=[])
p.add_argument("--stdout-has", action="append", default=[])
p.add_argument("--timeout", type=float, default=120)
p.add_argument("--attempts", type=int, default=1)
p.add_argument("command", nargs=argparse.REMAINDER)
o = p.parse_args()
cmd = o.command[1:] if o.command and o.command[0] == "--" else o.command
for attempt in range(o.attempts):
    r = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=o.timeout)
    problems = []
    if r.returncode != o.status:
        problems.append(f"exit status {r.returncode}, expected {o.status}")
    for t in o.stderr_has:
        if t not in r.stderr:
            problems.append(f"stderr lacks {t!r}")
    for t in o.stdout_has:
        if t not in r.stdout:
            problems.append(f"stdout lacks {t!r}")
    if not problems:
        break
    if attempt + 1 < o.attempts:
        print(f"attempt {attempt + 1}: " + "; ".join(problems) + " (again)")
if problems:
    print("FAIL:", " ".join(cmd))
    for x in problems:
        print("  " + x)
    print("--- stdout ---\n" + r.stdout[-3000:] + "\n--- stderr ---\n" + r.stderr[-3000:])
    sys.exit(1)
print("ok:", " ".join(cmd))
