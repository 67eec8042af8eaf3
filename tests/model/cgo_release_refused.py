#!/usr/bin/env python3
"""check on a cgo program of a release whose cgo start-up the model does not know is refused as "cannot be
run" (126, one line naming the file), before anything runs; run still runs it, saying why it has no model
checks. The program is a copy of
a go1.19 cgo binary whose version strings (.go.buildinfo and runtime.buildVersion) are patched to go1.18
(same length): its layouts still come from its DWARF, so only the cgo rule is missing.
Usage: cgo_release_refused.py --emu EMU PROGRAM"""
import argparse
import os
import subprocess
import sys
import tempfile


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--emu', required=True)
    p.add_argument('program')
    a = p.parse_args()
    data = open(a.program, 'rb').read()
    if data.count(b'go1.19.') == 0:
        sys.exit(f'FAIL: {a.program} has no go1.19 version string to patch')
    with tempfile.TemporaryDirectory() as d:
        patched = os.path.join(d, 'cgohello-go1.18')
        with open(patched, 'wb') as f:
            f.write(data.replace(b'go1.19.', b'go1.18.'))
        os.chmod(patched, 0o755)
        info = subprocess.run([a.emu, 'info', patched], capture_output=True, text=True, timeout=60)
        failures = []
        if 'go1.18.' not in info.stdout:
            failures.append(f'the patched copy does not read as go1.18: {info.stdout!r}')
        r = subprocess.run([a.emu, 'check', patched], capture_output=True, text=True, timeout=120)
        want = f'gostart-emu: {patched}: a cgo program of go1.18.'
        if r.returncode != 126 or not r.stderr.startswith(want) or r.stderr.count('\n') != 1 or r.stdout:
            failures.append(f'check: status {r.returncode}, stdout {r.stdout!r}, stderr {r.stderr!r}; '
                            f'expected 126 and one line starting {want!r}')
        r = subprocess.run([a.emu, 'run', patched], capture_output=True, text=True, timeout=120)
        if r.returncode != 0 or 'from C: hello' not in r.stdout:
            failures.append(f'run: status {r.returncode}, stdout {r.stdout!r}, stderr {r.stderr!r}')
        # run's summary says why there are no model checks, with the same reason check gives.
        if 'gostart-emu: no model checks: a cgo program of go1.18.' not in r.stdout + r.stderr:
            failures.append(f'run: no "no model checks" line naming the cgo release: {r.stdout!r} {r.stderr!r}')
    for f in failures:
        print('FAIL:', f)
    print('ok' if not failures else f'{len(failures)} failed')
    sys.exit(1 if failures else 0)


if __name__ == '__main__':
    main()
