#!/usr/bin/env python3
"""One corpus binary (tools/corpus.txt): `info --json` identifies it, and `gostart-emu -q BIN ARGS...` prints
what the native run of `BIN ARGS...` prints, with the same exit status. Exit 77 (skipped) when the cache is
absent. Usage: check_corpus.py --emu EMU --binary BIN --go-version V ... -- ARGS..."""
import argparse, json, os, subprocess, sys

p = argparse.ArgumentParser()
p.add_argument('--emu', required=True)
p.add_argument('--binary', required=True)
p.add_argument('--go-version', required=True)
p.add_argument('--version-source', required=True)
p.add_argument('--stripped', choices=['yes', 'no'], required=True)
p.add_argument('--magic', required=True)
p.add_argument('--skip-run', action='store_true', help='identify only')
p.add_argument('args', nargs='*', help='arguments of the run (after --)')
a = p.parse_args()

if not os.path.exists(a.binary):
    print(f'{a.binary}: absent; run tools/fetch-corpus', file=sys.stderr)
    sys.exit(77)

errors = []
info = json.loads(subprocess.run([a.emu, 'info', '--json', a.binary], check=True, capture_output=True, text=True).stdout)
want = {'go_version': a.go_version, 'version_source': a.version_source, 'symtab': a.stripped == 'no',
        'static': True, 'goamd64': info['goamd64']}
for k, v in want.items():
    if info[k] != v:
        errors.append(f'info {k}: {info[k]!r}, expected {v!r}')
if info['pclntab']['magic'] != a.magic:
    errors.append(f"info pclntab.magic: {info['pclntab']['magic']}, expected {a.magic}")
for name in ('runtime.rt0_go', 'runtime.schedinit', 'runtime.main', 'main.main', 'runtime.g0'):
    if name not in info['symbols']:
        errors.append(f'info symbols: {name} missing')

if not a.skip_run:
    native = subprocess.run([a.binary] + a.args, capture_output=True, timeout=60)
    emu = subprocess.run([a.emu, '-q', a.binary] + a.args, capture_output=True, timeout=600)
    if (emu.stdout, emu.stderr, emu.returncode) != (native.stdout, native.stderr, native.returncode):
        errors.append(f'{" ".join(a.args)}: native {native.returncode} {native.stdout!r} {native.stderr!r}, emulated '
                      f'{emu.returncode} {emu.stdout!r} {emu.stderr.decode(errors="replace")[-400:]!r}')

for e in errors:
    print(f'{a.binary}: {e}', file=sys.stderr)
sys.exit(1 if errors else 0)
