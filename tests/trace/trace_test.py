#!/usr/bin/env python3
"""Tests of `gostart-emu trace` and `gostart-emu layout` on the go1.19 hello (tests/trace/meson.build).

Usage: trace_test.py CASE GOSTART_EMU HELLO [GOLDEN]

Every run uses --clean-env and runs the program as ./hello from its own directory, so argv, envp and the
initial stack are the same on every machine and in every build directory: what the guest sees is then
fully determined by the binary, and the binary by the toolchain and the source.
"""
import json
import os
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET


def run(emu, hello, *args, check=True):
    """Runs `gostart-emu ARGS ./hello` from hello's directory; returns the emulator's own output (-o)."""
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "out")
        cmd = [emu, *args, "--clean-env", "-o", out, "./" + os.path.basename(hello)]
        p = subprocess.run(cmd, cwd=os.path.dirname(os.path.abspath(hello)), stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE)
        if check and p.returncode != 0:
            sys.exit(f"FAIL: {' '.join(cmd)} exited {p.returncode}: {p.stderr.decode()[-2000:]}")
        with open(out, "rb") as f:
            return f.read()


def fail(msg):
    sys.exit("FAIL: " + msg)


def case_golden(emu, hello, golden):
    # The golden is the default trace (runtime.rt0_go, calls stepped over, milestones, exit). It is
    # legitimately stable: the same Go toolchain (Debian's go1.19.8) and the same testdata/hello source
    # give the same binary, the emulator is deterministic (virtual clock, fixed seed and CPU count,
    # --clean-env), and file names are base names, so the build directory does not appear.
    # To update it after an intended change of the format:
    #   GOSTART_UPDATE_GOLDEN=1 meson test -C build trace-golden
    # then review `git diff tests/trace/golden/`.
    got = run(emu, hello, "trace")
    if os.environ.get("GOSTART_UPDATE_GOLDEN"):
        with open(golden, "wb") as f:
            f.write(got)
        print("updated", golden)
        return
    want = open(golden, "rb").read()
    if got != want:
        import difflib
        diff = difflib.unified_diff(want.decode().splitlines(), got.decode().splitlines(), "golden", "now", lineterm="")
        print("\n".join(list(diff)[:80]))
        fail(f"the rt0_go trace differs from {golden} (see the header of this case to update it)")
    for needle in ["TEXT runtime.rt0_go(SB) asm_amd64.s", "mov rax, rdi", "↳ runtime.settls:",
                   "↳ runtime.schedinit:", "↳ runtime.mstart: never returned", "=== main.main", "=== exit status 0"]:
        if needle not in got.decode():
            fail(f"golden trace lacks {needle!r}")


def case_deterministic(emu, hello):
    a = run(emu, hello, "trace", "--all")
    b = run(emu, hello, "trace", "--all")
    if a != b:
        fail("two --all traces differ")
    lines = a.decode().splitlines()
    insns = [l for l in lines if re.match(r"^\d+ +\S+:\d+ +0x[0-9a-f]+ ", l)]
    if len(insns) < 100000:
        fail(f"--all printed only {len(insns)} instruction lines")
    if not lines[0].startswith("1000 "):
        fail(f"--all's first line is not thread 1000's: {lines[0]!r}")


SCHEMA = {  # docs/trace-format.md
    "insn": {"thread": int, "insn": int, "pc": str, "func": str, "file": str, "line": int, "bytes": str, "asm": str},
    "call": {"thread": int, "insn": int, "func": str, "from": str, "depth": int},
    "return": {"thread": int, "insn": int, "func": str, "insns": int, "depth": int, "stepped": bool},
    "unreturned": {"thread": int, "func": str, "insns": int},
    "regs": {"thread": int, "insn": int, "changed": str},
    "syscall": {"thread": int, "insn": int, "name": str, "text": str},
    "milestone": {"thread": int, "insn": int, "name": str},
    "switch": {"thread": int, "from": int, "insn": int},
    "note": {"text": str},
    "exit": {"insn": int, "status": int, "threads": int, "message": str},
}


def check_jsonl(data, want_events):
    seen = set()
    for n, line in enumerate(data.decode().splitlines(), 1):
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            fail(f"line {n} is not JSON ({e}): {line[:200]}")
        ev = obj.get("event")
        if ev not in SCHEMA:
            fail(f"line {n}: unknown event {ev!r}")
        for field, typ in SCHEMA[ev].items():
            if field not in obj or type(obj[field]) is not typ:
                fail(f"line {n}: {ev} needs {field} of type {typ.__name__}: {line[:200]}")
        if ev in ("insn",) and not re.fullmatch(r"0x[0-9a-f]+", obj["pc"]):
            fail(f"line {n}: pc {obj['pc']!r}")
        seen.add(ev)
    if not want_events <= seen:
        fail(f"events missing: {sorted(want_events - seen)}")


def case_jsonl(emu, hello):
    check_jsonl(run(emu, hello, "trace", "--format", "jsonl", "--syscalls", "--depth", "1", "--regs"),
                {"insn", "call", "return", "regs", "syscall", "milestone", "exit"})
    check_jsonl(run(emu, hello, "trace", "--format", "jsonl"), {"insn", "return", "unreturned", "milestone", "exit"})
    check_jsonl(run(emu, hello, "trace", "--format", "jsonl", "--all"), {"insn", "call", "return", "switch", "exit"})


def case_calls(emu, hello):
    text = run(emu, hello, "trace", "--calls").decode()
    tree = text.split("thread 1000:")[1].split("\nthread ")[0].splitlines()
    rows = [re.match(r"^ *(\d+) +(\d+|-)  ( *)(\S.*)$", l) for l in tree[2:]]
    path, found = [], False
    for m in rows:
        if not m:
            continue
        depth = len(m.group(3)) // 2
        path = path[:depth] + [m.group(4)]
        if path[-3:] == ["runtime.rt0_go", "runtime.schedinit", "runtime.mallocinit"]:
            found = int(m.group(1)) > 0
    if not found:
        fail("--calls: no runtime.rt0_go → runtime.schedinit → runtime.mallocinit on thread 1000")


def case_folded(emu, hello):
    lines = run(emu, hello, "trace", "--calls", "--format", "folded").decode().splitlines()
    for l in lines:
        if not re.fullmatch(r"thread-\d+(;[^;]+)+ \d+", l):
            fail(f"not a folded stack: {l!r}")
    if not any(l.startswith("thread-1000;runtime.rt0_go;runtime.schedinit;runtime.mallocinit") for l in lines):
        fail("folded: no thread-1000;runtime.rt0_go;runtime.schedinit;runtime.mallocinit")


def case_modes(emu, hello):
    t = run(emu, hello, "trace", "--func", "runtime.schedinit", "--depth", "1").decode()
    for needle in ["→ runtime.schedinit", "→ runtime.mallocinit", "← runtime.mallocinit:", "↳ "]:
        if needle not in t:
            fail(f"--func runtime.schedinit --depth 1 lacks {needle!r}")
    if not re.search(r"sub rsp, 0x28\n +rsp=0x[0-9a-f]+", run(emu, hello, "trace", "--regs").decode()):
        fail("--regs: no rsp change after sub rsp, 0x28")
    if "movq\t%rdi, %rax" not in run(emu, hello, "trace", "--syntax", "att").decode() and \
       "movq %rdi, %rax" not in run(emu, hello, "trace", "--syntax", "att").decode():
        fail("--syntax att: no movq %rdi, %rax")
    s = run(emu, hello, "trace", "--syscalls").decode()
    if not re.search(r"\[1000\] arch_prctl\(ARCH_SET_FS.*\n(.*\n)*=== runtime.check", s):
        fail("--syscalls: arch_prctl should come before the runtime.check milestone")


def case_layout(emu, hello):
    text = run(emu, hello, "layout").decode()
    for label in ["initial process stack", "argc (the kernel's", "argv[0] \"./hello\"", "auxv AT_RANDOM",
                  "rt0_go's copy at 24(SP)", "rt0_go's copy at 32(SP)", "g0.stack.hi", "stack.lo = stackguard0 = stackguard1",
                  "runtime.g0 @", "runtime.m0 @", "m0.g0 = &g0", "g0.m = &m0", "FS base = &m0.tls[1]"]:
        if label not in text:
            fail(f"layout lacks {label!r}:\n{text}")
    report = json.loads(run(emu, hello, "check", "--json"))
    expected = {c["field"]: c["expected"] for m in report["milestones"] for c in m["checks"] if m["name"] == "runtime.settls"}
    hi = expected["g0.stack.hi"].split()[0]
    lo = expected["g0.stack.lo"].split()[0]
    if not re.search(rf"stack\.hi +{hi}|{hi} +◀── g0\.stack\.hi", text) or f"{hi}      stack.hi" not in text:
        fail(f"layout's g0.stack.hi is not check's {hi}")
    if f"{lo}      stack.lo" not in text:
        fail(f"layout's g0.stack.lo is not check's {lo}")
    # Every auxv word is shown at its own address: the type, then 8 bytes above it the value — checked
    # against what the stepper reads there at the first instruction, and against the ELF file itself.
    rows = {}
    for line in text.splitlines():
        m = re.match(r"│  (0x[0-9a-f]+)  (\S+) +(auxv (AT_\w+) \(type\)|(AT_\w+)'s value)", line)
        if m:
            rows[(m.group(4) or m.group(5), "type" if m.group(4) else "value")] = (int(m.group(1), 16), m.group(2))
    at = {"AT_PHDR": 3, "AT_PHENT": 4, "AT_PHNUM": 5, "AT_PAGESZ": 6, "AT_ENTRY": 9, "AT_RANDOM": 25, "AT_NULL": 0}
    for name, number in at.items():
        if (name, "type") not in rows or (name, "value") not in rows:
            fail(f"layout: no type and value rows for {name}:\n{text}")
        (ta, tv), (va, _) = rows[(name, "type")], rows[(name, "value")]
        if va != ta + 8 or int(tv) != number:
            fail(f"layout: {name}'s type row {ta:#x} {tv}, value row at {va:#x}")
    entry = json.loads(subprocess.run([emu, "info", "--json", hello], capture_output=True, check=True).stdout)["entry"]
    addr, shown = rows[("AT_ENTRY", "value")]
    script = subprocess.run([emu, "step", "--clean-env", "./" + os.path.basename(hello)], input=f"x/1gx {addr:#x}\n",
                            cwd=os.path.dirname(os.path.abspath(hello)), capture_output=True, text=True).stdout
    word = re.search(rf"{addr:#x}:\s+(0x[0-9a-f]+)", script)
    if int(shown, 16) != int(entry, 16) or not word or int(word.group(1), 16) != int(entry, 16):
        fail(f"layout's AT_ENTRY value {shown} at {addr:#x}: the ELF entry is {entry}, memory there holds {word and word.group(1)}")
    later = run(emu, hello, "layout", "--at", "runtime.main").decode()
    for label in ["the main goroutine", "runtime.allp: 4 Ps", "runtime.sched @", "maxmcount"]:
        if label not in later:
            fail(f"layout --at runtime.main lacks {label!r}")
    # The stepper's short names are layout's too (one milestone table): schedinit is runtime.schedinit.
    short = run(emu, hello, "layout", "--at", "schedinit").decode()
    if short != run(emu, hello, "layout", "--at", "runtime.schedinit").decode() or "call of runtime.schedinit returns" not in short:
        fail(f"layout --at schedinit is not layout --at runtime.schedinit:\n{short[:300]}")
    bad = subprocess.run([emu, "layout", "--at", "schedinitx", hello], capture_output=True, text=True)
    if bad.returncode != 2 or "not a milestone (settls" not in bad.stderr:
        fail(f"layout --at schedinitx: status {bad.returncode}, {bad.stderr!r}")


def case_svg(emu, hello):
    with tempfile.TemporaryDirectory() as tmp:
        svg = os.path.join(tmp, "l.svg")
        run(emu, hello, "layout", "--svg", svg)
        root = ET.parse(svg).getroot()
        if root.tag != "{http://www.w3.org/2000/svg}svg":
            fail(f"root element {root.tag}")
        texts = " ".join(t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text"))
        for label in ["runtime.g0 @", "runtime.m0 @", "g0.stack.hi", "argc"]:
            if label not in texts:
                fail(f"SVG lacks {label!r}")
        # Shapes, not glyphs or markers, which renderers other than browsers (ImageMagick's) drop.
        for glyph in "◀▶⋮▲▼":
            if glyph in texts:
                fail(f"SVG draws {glyph!r} as text")
        ns = "{http://www.w3.org/2000/svg}"
        if list(root.iter(ns + "marker")) or any("marker-end" in e.attrib for e in root.iter()):
            fail("SVG uses markers for arrowheads")
        links = [e for e in root.iter(ns + "path") if e.get("stroke") == "#7c3aed"]
        heads = [e for e in root.iter(ns + "polygon") if e.get("fill") == "#7c3aed"]
        if not links or len(heads) != len(links):
            fail(f"SVG: {len(links)} pointers but {len(heads)} arrowheads")
        if not list(root.iter(ns + "circle")):
            fail("SVG: no dots for the gaps")
        families = [f.strip().strip("'\"") for f in root.get("font-family", "").split(",")]
        if len(families) < 2 or families[-1] != "monospace":
            fail(f"SVG font-family {root.get('font-family')!r}: a list ending in monospace")


def main():
    case, emu, hello = sys.argv[1], os.path.abspath(sys.argv[2]), sys.argv[3]
    fn = globals()["case_" + case]
    fn(emu, hello, *sys.argv[4:])
    print("ok")


if __name__ == "__main__":
    main()
