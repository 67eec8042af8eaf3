#!/usr/bin/env python3
"""The e2e harness's own test: run compare_native.py, strace_determinism.py and cli_not_found.py with
native_standin.py in place of gostart-emu, and check that they pass when the stand-in behaves and fail,
saying why, when it changes the output, the exit status or the trace on purpose. Standard library only."""

import argparse
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
PY = sys.executable
STANDIN = os.path.join(HERE, "native_standin.py")


def tool(name, *args, env=None):
    e = dict(os.environ)
    e.update(env or {})
    proc = subprocess.run([PY, os.path.join(HERE, name), "--emu", STANDIN] + list(args),
                          stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          env=e, timeout=120)
    return proc.returncode, proc.stdout.decode(errors="replace")


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for name in ("hello", "panic", "exitcode", "argsenv", "spin", "writetmp"):
        p.add_argument("--" + name, required=True, metavar="BINARY")
    b = p.parse_args(argv)

    # (description, tool, arguments, extra environment, expected status, text the output must contain)
    cases = [
        ("identical runs agree", "compare_native.py", [b.hello], None, 0, "ok: "),
        ("an extra stdout line is caught", "compare_native.py",
         ["--emu-arg=--standin-stdout", b.hello], None, 1, "+extra line from the stand-in"),
        ("an extra stderr line is caught", "compare_native.py",
         ["--emu-arg=--standin-stderr", b.hello], None, 1, "stderr differs"),
        ("--stderr none ignores stderr", "compare_native.py",
         ["--stderr", "none", "--emu-arg=--standin-stderr", b.hello], None, 0, "ok: "),
        ("--stderr first-lines ignores later lines", "compare_native.py",
         ["--stderr", "first-lines", "--stderr-lines", "1", "--emu-arg=--standin-stderr", b.exitcode],
         None, 0, "ok: "),
        ("a different exit status is caught", "compare_native.py",
         ["--emu-arg=--standin-status", "--emu-arg=5", b.hello], None, 1, "exit status differs"),
        ("exit status 3 agrees", "compare_native.py", [b.exitcode], None, 0, "exit status 3"),
        ("a panic agrees on its first lines", "compare_native.py",
         ["--stderr", "first-lines", "--stderr-lines", "4", b.panic], None, 0, "exit status 2"),
        ("arguments and environment reach both runs", "compare_native.py",
         ["--env", "GOSTART_TEST_VAR=x y", "--env", "GOSTART_TEST_EMPTY=", b.argsenv, "a b", "-q", ""],
         None, 0, "ok: "),
        ("@TMPDIR@ is substituted, in emulator options too", "compare_native.py",
         ["--emu-arg=--allow-write", "--emu-arg=@TMPDIR@", b.writetmp, "@TMPDIR@"], None, 0, "ok: "),
        ("writetmp cannot write where there is no directory", "compare_native.py",
         ["--expect-stdout", "create: failed: no such file or directory\ncreate: permission error: false\n",
          b.writetmp, "@TMPDIR@/missing"], None, 0, "ok: "),
        ("expected output that matches", "compare_native.py",
         ["--expect-stdout", "hi,world\n", b.hello], None, 0, "ok: "),
        ("expected output that does not match", "compare_native.py",
         ["--expect-stdout", "hello, world\n", b.hello], None, 1, "-hello, world"),
        ("expected status that does not match", "compare_native.py",
         ["--expect-stdout", "hi,world\n", "--expect-status", "1", b.hello], None, 1, "exit status differs"),
        ("a hung run times out", "compare_native.py", ["--timeout", "2", b.spin],
         {"GODEBUG": "asyncpreemptoff=1"}, 1, "timed out"),
        ("a missing emulator is a failure", "compare_native.py", ["--emu", "/nonexistent/emu", b.hello],
         None, 1, "cannot start"),
        ("identical strace logs agree", "strace_determinism.py", [b.hello], None, 0, "ok: "),
        ("differing strace logs are caught", "strace_determinism.py",
         ["--emu-arg=--standin-noisy-trace", b.hello], None, 1, "the strace logs differ"),
        ("a missing program exits 127", "cli_not_found.py", [], None, 0, "ok: 'gostart-emu: "),
    ]
    failed = 0
    for what, name, args, env, want_status, want_text in cases:
        status, out = tool(name, *args, env=env)
        good = status == want_status and want_text in out
        print("%s: %s" % ("ok  " if good else "FAIL", what))
        if not good:
            failed += 1
            print("  %s %s -> status %d (want %d), output should contain %r:" % (name, args, status,
                                                                                 want_status, want_text))
            print("  " + out.replace("\n", "\n  "))
    print("%d of %d harness checks failed" % (failed, len(cases)) if failed
          else "all %d harness checks passed" % len(cases))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
