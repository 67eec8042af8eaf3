#!/usr/bin/env python3
"""`gostart-emu PROGRAM` with a PROGRAM that does not exist: exit status 127, nothing on stdout, and on
stderr exactly one line that starts with `gostart-emu: ` and names the file (CLI.md). Standard library only."""

import argparse
import os
import subprocess
import sys
import tempfile


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--emu", required=True)
    p.add_argument("--timeout", type=float, default=60.0)
    opts = p.parse_args(argv)

    problems = []
    with tempfile.TemporaryDirectory(prefix="gostart-e2e-cli-") as cwd:
        name = "nonexistent"   # relative to an empty directory, so surely absent
        emu = os.path.abspath(opts.emu) if os.sep in opts.emu else opts.emu
        proc = subprocess.run([emu, name], cwd=cwd, stdin=subprocess.DEVNULL,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=opts.timeout)
    err = proc.stderr.decode(errors="replace")
    lines = err.splitlines()
    if proc.returncode != 127:
        problems.append("exit status %d, want 127" % proc.returncode)
    if proc.stdout:
        problems.append("stdout is not empty: %r" % proc.stdout.decode(errors="replace"))
    if len(lines) != 1:
        problems.append("stderr has %d lines, want exactly 1" % len(lines))
    elif not lines[0].startswith("gostart-emu: "):
        problems.append("the message does not start with 'gostart-emu: '")
    elif name not in lines[0]:
        problems.append("the message does not name the file %r" % name)
    if problems:
        print("FAIL: %s %s" % (opts.emu, name))
        for prob in problems:
            print(prob)
        print("stderr was:\n" + err)
        return 1
    print("ok: %r" % lines[0])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
