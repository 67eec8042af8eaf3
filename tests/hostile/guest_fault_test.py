#!/usr/bin/env python3
"""Guest faults: a copy of hello with a few bytes of machine code patched in where the guest has no
signal handler yet (the ELF entry, runtime.rt0_go, runtime.schedinit — Go installs its handlers later,
in mstart), or where it has one (main.main: Go's own handler reports the crash). Each case checks the
exit status a shell would report (128+N, or the guest's own) and the emulator's report: the signal, the
faulting address, the pc as an address and as symbol+offset with file:line, the instruction for SIGILL,
and the Go backtrace from the pclntab's frame sizes. Expected addresses come from the ELF symbol table
(tests/hostile/elf_file.py), not from the emulator.

Usage: guest_fault_test.py CASE --emu EMU --hello HELLO     Standard library only."""

import argparse
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from elf_file import Elf  # noqa: E402

MOV_RAX_FROM_0x10 = bytes.fromhex("488b042510000000")   # mov rax, qword ptr [0x10]
UD2 = bytes.fromhex("0f0b")
VPADDD_ZMM = bytes.fromhex("62f17548fec2")               # vpaddd zmm0, zmm1, zmm2 (AVX-512F)
DIV_BY_ZERO = bytes.fromhex("31c9f7f1")                  # xor ecx, ecx; div ecx
KILL_SELF_SIGTERM = bytes.fromhex("31ff" "be0f000000" "b83e000000" "0f05")  # kill(0, SIGTERM)

# name: (function patched, code, expected status, [texts of the report line], [backtrace frame functions])
CASES = {
    "segv-at-entry": ("_rt0_amd64_linux", MOV_RAX_FROM_0x10, 139,
                      ["signal 11 (Segmentation fault) accessing 0x10 (nothing mapped)", "_rt0_amd64_linux+0x0",
                       "(rt0_linux_amd64.s:"], ["_rt0_amd64_linux"]),
    # Three frames: the return addresses are found through schedinit's frame size at its call.
    "segv-in-mallocinit": ("runtime.mallocinit", MOV_RAX_FROM_0x10, 139,
                           ["signal 11 (Segmentation fault) accessing 0x10", "runtime.mallocinit+0x0", "(malloc.go:"],
                           ["runtime.mallocinit", "runtime.schedinit", "runtime.rt0_go"]),
    "ud2-at-entry": ("_rt0_amd64_linux", UD2, 132,
                     ["signal 4 (Illegal instruction)", "_rt0_amd64_linux+0x0", ": ud2 (0f0b)"], ["_rt0_amd64_linux"]),
    "avx512-in-rt0-go": ("runtime.rt0_go.abi0", VPADDD_ZMM, 132,
                         ["signal 4 (Illegal instruction)", "runtime.rt0_go+0x0", ": vpaddd zmm0, zmm1, zmm2"],
                         ["runtime.rt0_go"]),
    "sigfpe-in-schedinit": ("runtime.schedinit", DIV_BY_ZERO, 136,
                            ["signal 8 (Floating point exception)", "runtime.schedinit+0x2", "(proc.go:"],
                            ["runtime.schedinit", "runtime.rt0_go"]),
    "sigterm-in-rt0-go": ("runtime.rt0_go.abi0", KILL_SELF_SIGTERM, 143,
                          ["signal 15 (Terminated) sent to the guest", "runtime.rt0_go+0xe", "(asm_amd64.s:"],
                          ["runtime.rt0_go"]),
    # Go has its handlers by main.main: its own crash report, exit 2, and ours names the instruction.
    "ud2-in-main": ("main.main", UD2, 2, ["illegal instruction in thread 1000", "main.main+0x0", ": ud2 (0f0b)"], None),
}


def make(case, hello, out):
    func, code = CASES[case][0], CASES[case][1]
    elf = Elf.read(hello)
    addr = elf.symbols()[func][0]
    elf.put_bytes(elf.offset_of(addr), code)
    elf.write(out)
    return addr


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("case", choices=sorted(CASES))
    p.add_argument("--emu", required=True)
    p.add_argument("--hello", required=True)
    o = p.parse_args(argv)
    _, _, status, texts, frames = CASES[o.case]
    problems = []
    with tempfile.TemporaryDirectory(prefix="gostart-fault-") as tmp:
        prog = os.path.join(tmp, o.case)
        func_addr = make(o.case, o.hello, prog)
        r = subprocess.run([o.emu, "-q", prog], stdin=subprocess.DEVNULL, capture_output=True, timeout=60)
        # `check` reports the same death, with the same status, after the model's table.
        c = subprocess.run([o.emu, "check", prog], stdin=subprocess.DEVNULL, capture_output=True, timeout=60)
    err = r.stderr.decode(errors="replace")
    lines = err.splitlines()
    if r.returncode != status:
        problems.append("exit status %d, want %d" % (r.returncode, status))
    if frames is not None and c.returncode != status:  # killed by the signal (not the guest's own exit)
        problems.append("check: exit status %d, want %d" % (c.returncode, status))
    if frames is not None and not any(l.startswith("gostart-emu: %s: signal" % prog)
                                      for l in c.stderr.decode(errors="replace").splitlines()):
        problems.append("check does not report the signal")
    report = [l for l in lines if l.startswith("gostart-emu: %s: " % prog)]
    if len(report) != 1:
        problems.append("want one report line naming the program, got %d" % len(report))
    else:
        line = report[0]
        for t in texts:
            if t not in line:
                problems.append("the report lacks %r" % t)
        # The pc as an address, inside the patched function (its first instruction or the one after).
        m = re.search(r" at (0x[0-9a-f]+) ", line)
        if not m or not (func_addr <= int(m.group(1), 16) < func_addr + 16):
            problems.append("the report's pc is not in the patched function at 0x%x" % func_addr)
    if frames is not None:
        bt = [l for l in lines if re.match(r"gostart-emu:   #\d+ ", l)]
        got = [re.match(r"gostart-emu:   #\d+\s+0x[0-9a-f]+ in (\S+)", l).group(1) for l in bt]
        if "gostart-emu: Go backtrace of thread 1000:" not in lines:
            problems.append("no backtrace header")
        if got != frames:
            problems.append("backtrace functions %s, want %s" % (got, frames))
        if bt and not re.search(r" at \S+\.s?:\d+$|\.go:\d+$", bt[0]):
            problems.append("the first frame has no file:line")
    else:
        if "SIGILL: illegal instruction" not in err:
            problems.append("the guest's own SIGILL report is missing")
    for sign in ("terminate called", "Segmentation fault (core", "Aborted"):
        if sign in err:
            problems.append("stderr shows %r" % sign)
    if problems:
        print("FAIL: %s" % o.case)
        for x in problems:
            print("  " + x)
        print("--- stderr ---\n" + err[-3000:])
        return 1
    print("ok: %s -> %d\n%s" % (o.case, r.returncode, "\n".join(l for l in lines if l.startswith("gostart-emu"))))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
