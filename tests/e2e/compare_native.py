#!/usr/bin/env python3
"""Run a program natively and under gostart-emu, and compare what the two runs did.

The two runs get the same arguments, the same environment and the same stdin; the emulator is run as
`EMU -q [EMU-ARGS...] PROGRAM ARGS...` (CLI.md: -q leaves only the program's own output). Compared are
stdout, stderr (exactly, its first N lines, or not at all) and the exit status, with the native status
normalised to the emulator's convention (128+N for death by signal N). On a mismatch it prints a unified
diff of each differing stream and exits 1; a run that times out or cannot start also fails.

Instead of a native run, --expect-stdout / --expect-stdout-file / --expect-status give the expected
outcome directly (--no-native), for behaviour that differs from the host on purpose (the emulator refuses
file writes by default).

An argument (of the program or the emulator) equal to or containing @TMPDIR@ is replaced by a fresh empty
directory, a different one for each run, removed afterwards.

Python 3 standard library only.
"""

import argparse
import difflib
import os
import shutil
import signal
import subprocess
import sys
import tempfile

TMPDIR_MARK = "@TMPDIR@"


class Outcome:
    def __init__(self, what, stdout=b"", stderr=b"", status=None, error=None):
        self.what = what          # "native" or "emulator" or "expected"
        self.stdout = stdout
        self.stderr = stderr
        self.status = status      # exit status, 128+N for signal N, None when not run to the end
        self.error = error        # why the run did not complete, or None


def parse_args(argv):
    p = argparse.ArgumentParser(
        description="Compare a program's run under gostart-emu with its native run.",
        usage="%(prog)s --emu EMU [options] [--] PROGRAM [ARGS...]")
    p.add_argument("--emu", required=True, help="the gostart-emu executable")
    p.add_argument("--emu-arg", action="append", default=[], metavar="ARG",
                   help="an extra emulator option, placed before PROGRAM (repeatable; write --emu-arg=--opt "
                        "for a value that starts with '-')")
    p.add_argument("--env", action="append", default=[], metavar="NAME=VALUE",
                   help="set an environment variable for both runs (repeatable)")
    p.add_argument("--unset-env", action="append", default=[], metavar="NAME",
                   help="remove an environment variable for both runs (repeatable)")
    p.add_argument("--stdin", metavar="FILE", help="feed FILE to both runs' stdin (default: /dev/null)")
    p.add_argument("--stderr", default="exact", choices=["exact", "first-lines", "none"],
                   help="how to compare stderr (default: exact)")
    p.add_argument("--stderr-lines", type=int, default=2, metavar="N",
                   help="with --stderr first-lines: how many lines (default: 2)")
    p.add_argument("--timeout", type=float, default=120.0, metavar="SECONDS",
                   help="per run (default: 120)")
    p.add_argument("--no-native", action="store_true",
                   help="do not run natively: compare with --expect-* instead")
    p.add_argument("--expect-stdout", metavar="TEXT", help="expected stdout (implies --no-native)")
    p.add_argument("--expect-stdout-file", metavar="FILE", help="expected stdout (implies --no-native)")
    p.add_argument("--expect-stderr", metavar="TEXT",
                   help="expected stderr, compared per --stderr (with --no-native; default: empty)")
    p.add_argument("--expect-status", type=int, metavar="N",
                   help="expected exit status (with --no-native; default 0)")
    p.add_argument("--show", action="store_true", help="print both runs' output even when they agree")
    p.add_argument("program", help="the program to run")
    p.add_argument("args", nargs=argparse.REMAINDER, help="its arguments")
    opts = p.parse_args(argv)
    if opts.expect_stdout is not None or opts.expect_stdout_file is not None:
        opts.no_native = True
    if opts.expect_stdout is not None and opts.expect_stdout_file is not None:
        p.error("give --expect-stdout or --expect-stdout-file, not both")
    if not opts.no_native and (opts.expect_stderr is not None or opts.expect_status is not None):
        p.error("--expect-stderr and --expect-status need --no-native or --expect-stdout[-file]")
    if opts.stderr_lines < 0:
        p.error("--stderr-lines must not be negative")
    for kv in opts.env:
        if "=" not in kv or kv.startswith("="):
            p.error("--env wants NAME=VALUE, got %r" % kv)
    return opts


def environment(opts):
    env = dict(os.environ)
    for name in opts.unset_env:
        env.pop(name, None)
    for kv in opts.env:
        name, value = kv.split("=", 1)
        env[name] = value
    return env


def substitute_tmpdir(args, tmpdir):
    return [a.replace(TMPDIR_MARK, tmpdir) for a in args]


def status_of(returncode):
    # subprocess reports death by signal N as -N; a shell, and gostart-emu, report 128+N.
    return 128 - returncode if returncode < 0 else returncode


def run(what, cmd, env, stdin_path, timeout):
    stdin = open(stdin_path, "rb") if stdin_path else subprocess.DEVNULL
    try:
        # A session of its own, so that a timeout can kill the whole group (the emulator's threads too).
        proc = subprocess.Popen(cmd, stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                env=env, start_new_session=True)
    except OSError as e:
        return Outcome(what, error="cannot start %s: %s" % (cmd[0], e))
    finally:
        if stdin_path:
            stdin.close()
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        out, err = proc.communicate()
        return Outcome(what, out, err, error="timed out after %g s" % timeout)
    return Outcome(what, out, err, status_of(proc.returncode))


def run_with_tmpdir(what, cmd_of, env, opts):
    tmpdir = tempfile.mkdtemp(prefix="gostart-e2e-%s-" % what)
    try:
        return run(what, cmd_of(tmpdir), env, opts.stdin, opts.timeout)
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)


def text(b):
    return b.decode("utf-8", errors="backslashreplace")


def first_lines(b, n):
    lines = b.splitlines(keepends=True)
    return b"".join(lines[:n])


def stderr_view(b, opts):
    if opts.stderr == "none":
        return b""
    if opts.stderr == "first-lines":
        return first_lines(b, opts.stderr_lines)
    return b


def diff(name, a, b, a_label, b_label):
    lines = difflib.unified_diff(text(a).splitlines(keepends=True), text(b).splitlines(keepends=True),
                                 fromfile="%s %s" % (a_label, name), tofile="%s %s" % (b_label, name))
    out = []
    for line in lines:
        out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(out)


SHOW_LINES = 100


def clipped(b):
    lines = text(b).splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n\\ No newline at end of output\n"
    if len(lines) > SHOW_LINES:
        lines = lines[:SHOW_LINES] + ["... %d more lines\n" % (len(lines) - SHOW_LINES)]
    return "".join(lines)


def show(outcome):
    sys.stdout.write("---- %s: status %s\n" % (outcome.what, outcome.status))
    sys.stdout.write("---- %s stdout:\n%s" % (outcome.what, clipped(outcome.stdout)))
    sys.stdout.write("---- %s stderr:\n%s" % (outcome.what, clipped(outcome.stderr)))
    sys.stdout.write("----\n")


def compare(ref, emu, opts):
    """Return a list of complaints; empty when the runs agree."""
    problems = []
    for o in (ref, emu):
        if o.error:
            problems.append("%s run: %s" % (o.what, o.error))
    if problems:
        return problems
    if ref.stdout != emu.stdout:
        problems.append("stdout differs:\n" + diff("stdout", ref.stdout, emu.stdout, ref.what, emu.what))
    ref_err, emu_err = stderr_view(ref.stderr, opts), stderr_view(emu.stderr, opts)
    if ref_err != emu_err:
        how = "" if opts.stderr == "exact" else " (first %d lines)" % opts.stderr_lines
        problems.append("stderr%s differs:\n%s" % (how, diff("stderr", ref_err, emu_err, ref.what, emu.what)))
    if ref.status != emu.status:
        problems.append("exit status differs: %s %s, %s %s" % (ref.what, ref.status, emu.what, emu.status))
    return problems


def main(argv):
    opts = parse_args(argv)
    env = environment(opts)
    program = os.path.abspath(opts.program) if os.sep in opts.program else opts.program

    if opts.no_native:
        expected_out = b""
        if opts.expect_stdout_file is not None:
            with open(opts.expect_stdout_file, "rb") as f:
                expected_out = f.read()
        elif opts.expect_stdout is not None:
            expected_out = opts.expect_stdout.encode()
        expected_err = (opts.expect_stderr or "").encode()
        ref = Outcome("expected", expected_out, expected_err,
                      opts.expect_status if opts.expect_status is not None else 0)
    else:
        ref = run_with_tmpdir("native", lambda d: [program] + substitute_tmpdir(opts.args, d), env, opts)

    emu = run_with_tmpdir(
        "emulator",
        lambda d: [opts.emu, "-q"] + substitute_tmpdir(opts.emu_arg, d) + [program]
        + substitute_tmpdir(opts.args, d),
        env, opts)

    problems = compare(ref, emu, opts)
    if problems or opts.show:
        show(ref)
        show(emu)
    if problems:
        cmd = " ".join([opts.emu, "-q"] + opts.emu_arg + [program] + opts.args)
        sys.stdout.write("FAIL: %s\n" % cmd)
        for p in problems:
            sys.stdout.write(p if p.endswith("\n") else p + "\n")
        return 1
    sys.stdout.write("ok: %s agrees with the %s run (stdout %d bytes, exit status %s)\n"
                     % (os.path.basename(opts.program), ref.what, len(ref.stdout), ref.status))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
