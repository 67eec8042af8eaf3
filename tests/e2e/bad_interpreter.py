#!/usr/bin/env python3
"""A dynamically linked Go program whose interpreter the host cannot give: 126 and one line naming the
program, the interpreter and why (CLI.md). The program is a copy of a real PIE with its PT_INTERP path
rewritten in place (same length), so everything else about it is runnable.

Usage: bad_interpreter.py --emu EMU PROGRAM      (PROGRAM: a dynamically linked Go binary)
Python 3 standard library only."""
import argparse, os, struct, subprocess, sys, tempfile

p = argparse.ArgumentParser()
p.add_argument('--emu', required=True)
p.add_argument('program')
a = p.parse_args()
data = bytearray(open(a.program, 'rb').read())
phoff, = struct.unpack_from('<Q', data, 0x20)
phentsize, phnum = struct.unpack_from('<HH', data, 0x36)
interp = None
for i in range(phnum):
    ptype, _, off, _, _, filesz = struct.unpack_from('<IIQQQQ', data, phoff + i * phentsize)
    if ptype == 3:  # PT_INTERP
        interp = (off, filesz)
if interp is None:
    sys.exit(f'{a.program}: no PT_INTERP: not a dynamically linked program')
off, size = interp
real = bytes(data[off:off + size - 1]).decode()

cases = []
# A path that does not exist: the emulator must say so, not crash or run something else.
missing = ('/nonexistent/ld-gostart' + 'x' * size)[:size - 1]
cases.append((missing.encode(), [f'its interpreter {missing} is not on this host']))
# An interpreter that exists but is not a shared object: this test script itself... not ELF at all.
notelf = ('/etc/passwd' + '\0' * size)[:size - 1]
cases.append((notelf.encode(), ['its interpreter /etc/passwd cannot be loaded: not an ELF file']))

failed = 0
with tempfile.TemporaryDirectory() as d:
    for path_bytes, wants in cases:
        patched = bytearray(data)
        patched[off:off + size - 1] = path_bytes
        patched[off + size - 1] = 0
        prog = os.path.join(d, 'patched')
        with open(prog, 'wb') as f:
            f.write(patched)
        os.chmod(prog, 0o755)
        r = subprocess.run([a.emu, prog], capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
        lines = r.stderr.strip().splitlines()
        ok = r.returncode == 126 and len(lines) == 1 and lines[0].startswith(f'gostart-emu: {prog}: dynamically linked')
        ok = ok and all(w in lines[0] for w in wants)
        print(('ok' if ok else 'FAIL') + f': interpreter {path_bytes.decode()!r} -> status {r.returncode}: {r.stderr.strip()}')
        failed += not ok
print(f'{len(cases) - failed} passed, {failed} failed')
sys.exit(1 if failed else 0)
