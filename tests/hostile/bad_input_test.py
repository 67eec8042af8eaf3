#!/usr/bin/env python3
"""Bad input: one hostile file (made by make_bad_input.py from real binaries) given to every command that
loads a program. Each must end with the exit status of docs/cli.md and, on stderr, exactly one line
`gostart-emu: FILE: REASON` with a sensible reason — never a crash (a signal), a hang, or a library's
message ("terminate called", "LIEF", a sanitizer report).

Usage: bad_input_test.py CASE --emu EMU --hello HELLO --not-go NOTGO --goamd64-v3 HELLO_V3
Standard library only."""

import argparse
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_bad_input  # noqa: E402

LOADING_COMMANDS = ["run", "info", "check", "trace", "layout", "step"]
RUNNING_COMMANDS = [c for c in LOADING_COMMANDS if c != "info"]

# What each input must give: {command: (status, reason)}, `reason` a text the one line must contain.
# The reasons are the contract of docs/cli.md and docs/security.md, written from what each file is.
def every(status, reason):
    return {c: (status, reason) for c in LOADING_COMMANDS}


EXPECT = {
    "missing": every(127, "no such file"),
    "directory": every(126, "is a directory"),
    "empty": every(126, "empty file"),
    "script": every(126, "a script, not an ELF executable"),
    "truncated-ehdr": every(126, "truncated ELF header"),
    "truncated-phdrs": every(126, "program headers run past the end of the file"),
    "truncated-mid": every(126, "runs past the end of the file"),
    "truncated-sections": every(126, "truncated ELF: section "),
    "arm64": every(126, "wrong architecture: arm64"),
    "i386": every(126, "32-bit ELF for 386"),
    "elf32": every(126, "32-bit ELF for amd64"),
    "big-endian": every(126, "big-endian ELF"),
    "not-executable": every(126, "not an executable (ELF type 1, an object file)"),
    # info describes what the binary is (a GOAMD64=v2 Go binary); running it is what cannot be done.
    "goamd64-v2": {**{c: (126, "built for GOAMD64=v2") for c in RUNNING_COMMANDS}, "info": (0, None)},
    "goamd64-v3": {**{c: (126, "built for GOAMD64=v3") for c in RUNNING_COMMANDS}, "info": (0, None)},
    "not-go": every(126, "not a Go binary"),
    "phdr-absurd-memsz": every(126, "has an absurd size"),
    "phdr-absurd-offset": every(126, "runs past the end of the file"),
    "phdr-filesz-over-memsz": every(126, "file size exceeds its memory size"),
    "phdr-count-huge": every(126, "program headers run past the end of the file"),
    "phdr-entsize": every(126, "bad program header entry size"),
    "segments-overlap": every(126, "overlap"),
    "segment-kernel-half": every(126, "outside the user address space"),
    # A legal-looking 256 GiB .bss: info can describe the file; running it needs more than --max-memory.
    "phdr-large-memsz": {**{c: (125, "guest memory limit reached") for c in RUNNING_COMMANDS}, "info": (0, None)},
    "entry-outside": every(126, "entry point 0x10 is outside every executable segment"),
    "entry-in-data": every(126, "is outside every executable segment"),
    "shdrs-past-end": every(126, "section headers run past the end of the file"),
    "pclntab-magic": every(126, "corrupt .gopclntab: unknown magic"),
    "pclntab-nfunc": every(126, "corrupt .gopclntab: function table runs past the end"),
    "pclntab-suboffset": every(126, "corrupt .gopclntab: a header sub-table offset is past the end"),
    "pclntab-functab": every(126, "corrupt .gopclntab"),
    "buildinfo-corrupt": every(126, "corrupt .go.buildinfo"),
    "buildinfo-ptrsize": every(126, "corrupt .go.buildinfo: pointer size is neither 4 nor 8"),
    "buildinfo-version-garbage": every(126, "corrupt .go.buildinfo: the Go version is not a line of text"),
    # Strings of the binary that hold escape sequences are printed escaped (NO_ESCAPES, below, for all).
    "buildinfo-setting-escape": every(0, None),
    "symbol-escape": every(0, None),
    # Running needs the execute permission, as execve does (a shell says 126); describing it does not.
    "no-execute-bit": {**{c: (126, "permission denied: the file is not executable (no execute bit)")
                          for c in RUNNING_COMMANDS}, "info": (0, None)},
}

# Unreadable DWARF is not fatal: layouts then come from the release's table. Every command still says so
# in one line and then does its work.
DWARF_WARNING = "unreadable DWARF"
for case in ("dwarf-corrupt", "dwarf-chdr"):
    EXPECT[case] = {c: (0, DWARF_WARNING) for c in LOADING_COMMANDS}

CRASH_SIGNS = ["terminate called", "Segmentation fault", "Aborted", "AddressSanitizer", "runtime error:",
               "LIEF", "std::", "what():", "core dumped"]


def run_command(emu, command, path, timeout):
    args = [emu, command]
    if command == "step":
        args += ["--script", os.devnull]   # no commands: load, then quit
    args.append(path)
    try:
        r = subprocess.run(args, stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None
    return r


def check_one(emu, case, command, path, status, reason, timeout):
    problems = []
    r = run_command(emu, command, path, timeout)
    if r is None:
        return ["hung (no exit within %ss)" % timeout]
    err = r.stderr.decode(errors="replace")
    lines = err.splitlines()
    if r.returncode < 0:
        problems.append("killed by signal %d (a crash)" % -r.returncode)
    if r.returncode != status:
        problems.append("exit status %d, want %d" % (r.returncode, status))
    # No terminal escape sequence from the file reaches the user's terminal, whatever the case.
    for stream, data in (("stdout", r.stdout), ("stderr", r.stderr)):
        if b"\x1b" in data:
            problems.append("%s holds an ESC byte: %r" % (stream, data[max(0, data.index(b"\x1b") - 40):][:80]))
    for sign in CRASH_SIGNS:
        if sign in err:
            problems.append("stderr shows %r" % sign)
    if status in (125, 126, 127):
        if len(lines) != 1:
            problems.append("stderr has %d lines, want exactly 1" % len(lines))
        elif not lines[0].startswith("gostart-emu: %s: " % path):
            problems.append("the line does not start with 'gostart-emu: %s: '" % path)
        elif reason not in lines[0]:
            problems.append("the reason lacks %r" % reason)
        if r.stdout and command != "step":
            problems.append("stdout is not empty")
    elif reason:  # a warning that names the file, once, and the command's own output after it
        named = [l for l in lines if l.startswith("gostart-emu: %s: " % path) and reason in l]
        if len(named) != 1:
            problems.append("want exactly one line 'gostart-emu: %s: ...%s...', got %d" % (path, reason, len(named)))
    if problems:
        problems.append("stderr was:\n" + err[-2000:])
    return problems


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("case", choices=sorted(EXPECT))
    p.add_argument("--emu", required=True)
    p.add_argument("--hello", required=True)
    p.add_argument("--not-go", required=True)
    p.add_argument("--goamd64-v3", required=True)
    p.add_argument("--timeout", type=float, default=60)
    o = p.parse_args(argv)
    emu = os.path.abspath(o.emu)
    failures = 0
    with tempfile.TemporaryDirectory(prefix="gostart-bad-input-") as tmp:
        # A relative path in a scratch directory: the message must name the file as the user gave it.
        path = o.case
        make_bad_input.CASES[o.case](o, os.path.join(tmp, path))
        os.chdir(tmp)
        for command, (status, reason) in EXPECT[o.case].items():
            problems = check_one(emu, o.case, command, path, status, reason, o.timeout)
            if problems:
                failures += 1
                print("FAIL: gostart-emu %s %s" % (command, path))
                for x in problems:
                    print("  " + x)
            else:
                print("ok: gostart-emu %s %s -> %d" % (command, path, status))
    print("%d passed, %d failed" % (len(EXPECT[o.case]) - failures, failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
