#!/usr/bin/env python3
"""Run a program under gostart-emu twice with `--strace -o FILE` and check that the runs are identical.

With the default virtual clock and fixed seed, a run must repeat exactly (CLI.md): the two strace logs
must be byte-identical and non-empty, and stdout and exit status the same. On a difference it prints a
unified diff of the logs (up to --max-diff-lines lines) and exits 1. Python 3 standard library only.
"""

import argparse
import difflib
import os
import shutil
import subprocess
import sys
import tempfile


def run_once(opts, log):
    quiet = [] if opts.with_summary else ["-q"]
    cmd = [opts.emu] + quiet + ["--strace", "-o", log] + opts.emu_arg + [opts.program] + opts.args
    try:
        proc = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              timeout=opts.timeout)
    except subprocess.TimeoutExpired:
        return None, "timed out after %g s: %s" % (opts.timeout, " ".join(cmd))
    try:
        with open(log, "rb") as f:
            trace = f.read()
    except OSError as e:
        return None, "no strace log: %s (%s)\nstderr:\n%s" % (log, e, proc.stderr.decode(errors="replace"))
    return (proc.returncode, proc.stdout, trace), None


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                usage="%(prog)s --emu EMU [options] [--] PROGRAM [ARGS...]")
    p.add_argument("--emu", required=True)
    p.add_argument("--emu-arg", action="append", default=[], metavar="ARG")
    p.add_argument("--timeout", type=float, default=120.0)
    p.add_argument("--with-summary", action="store_true",
                   help="without -q: the start-up summary goes to the log too and must repeat as well")
    p.add_argument("--max-diff-lines", type=int, default=200)
    p.add_argument("program")
    p.add_argument("args", nargs=argparse.REMAINDER)
    opts = p.parse_args(argv)
    opts.program = os.path.abspath(opts.program) if os.sep in opts.program else opts.program

    tmp = tempfile.mkdtemp(prefix="gostart-e2e-strace-")
    try:
        runs = []
        for n in (1, 2):
            result, error = run_once(opts, os.path.join(tmp, "run%d.strace" % n))
            if error:
                print("FAIL: run %d: %s" % (n, error))
                return 1
            runs.append(result)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    (st1, out1, log1), (st2, out2, log2) = runs
    problems = []
    if not log1:
        problems.append("the strace log is empty (does -q or -o swallow --strace?)")
    if log1 != log2:
        d = list(difflib.unified_diff(log1.decode(errors="replace").splitlines(),
                                      log2.decode(errors="replace").splitlines(),
                                      "run 1 strace", "run 2 strace", lineterm=""))
        more = len(d) - opts.max_diff_lines
        problems.append("the strace logs differ:\n" + "\n".join(d[:opts.max_diff_lines])
                        + ("\n... %d more diff lines" % more if more > 0 else ""))
    if out1 != out2:
        problems.append("stdout differs between the runs")
    if st1 != st2:
        problems.append("exit status differs between the runs: %d, %d" % (st1, st2))
    if problems:
        print("FAIL: %s" % " ".join([opts.emu, "-q", "--strace", "-o", "FILE"] + opts.emu_arg
                                    + [opts.program] + opts.args))
        for prob in problems:
            print(prob)
        return 1
    print("ok: two runs of %s gave identical strace logs (%d bytes, %d lines), stdout and status %d"
          % (os.path.basename(opts.program), len(log1), log1.count(b"\n"), st1))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
