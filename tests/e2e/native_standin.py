#!/usr/bin/env python3
"""A stand-in for gostart-emu that runs the program natively: the e2e harness's own self-test uses it.

It takes the emulator's command-line shape (CLI.md) - options, then PROGRAM, then the program's
arguments - and execs PROGRAM on the host, so every comparison with a native run must agree. Options
named --standin-* make it misbehave on purpose, so the self-test can check that the harness notices:

  --standin-stdout       append a line to the program's stdout
  --standin-stderr       append a line to the program's stderr
  --standin-status N     exit with N instead of the program's status
  --standin-noisy-trace  write a different strace log on every run

--strace -o FILE writes a small deterministic log; a missing PROGRAM gives status 127 and one
`gostart-emu: ` line, as the real emulator does.
"""

import os
import subprocess
import sys
import time

VALUED = {"-o", "--output", "--cpus", "--clock", "--seed", "--env", "--max-insns", "--allow-write", "--gdb",
          "--standin-status"}
FLAGS = {"-q", "--quiet", "--strace", "--clean-env", "--standin-stdout", "--standin-stderr",
         "--standin-noisy-trace"}


def main(argv):
    opts, i = {}, 0
    while i < len(argv) and argv[i].startswith("-"):
        name = argv[i]
        if name == "--":
            i += 1
            break
        if name in VALUED and i + 1 < len(argv):
            opts[name] = argv[i + 1]
            i += 2
        elif name in FLAGS:
            opts[name] = True
            i += 1
        else:
            sys.stderr.write("gostart-emu: unknown option %s\n" % name)
            return 2
    if i >= len(argv):
        sys.stderr.write("gostart-emu: no program given\n")
        return 2
    program, args = argv[i], argv[i + 1:]
    path = program if os.sep in program else os.path.join(".", program)
    if not os.path.exists(path):
        sys.stderr.write("gostart-emu: %s: no such file or directory\n" % program)
        return 127

    log = opts.get("-o", opts.get("--output"))
    if "--strace" in opts and log:
        with open(log, "w") as f:
            f.write("[standin] execve(%r, %r)\n" % (program, args))
            if "--standin-noisy-trace" in opts:
                f.write("[standin] clock_gettime() = %d\n" % time.monotonic_ns())

    sys.stdout.flush()
    proc = subprocess.run([path] + args)
    status = 128 - proc.returncode if proc.returncode < 0 else proc.returncode
    if "--standin-stdout" in opts:
        sys.stdout.write("extra line from the stand-in\n")
    if "--standin-stderr" in opts:
        sys.stderr.write("extra stderr line from the stand-in\n")
    if "--standin-status" in opts:
        status = int(opts["--standin-status"])
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
