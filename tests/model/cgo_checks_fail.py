#!/usr/bin/env python3
"""The cgo path's checks can fail (a cgo program; tests/model/corrupt_fields.py does the same for the static
path). Each case corrupts a field or lies to the model, and exactly the checks that follow from it diverge:
  - g0.stack.lo after _cgo_init: rt0_go then derives the guards from the corrupted lo, so the guards checked at
    runtime.check and again at mstart's work follow it;
  - a model told a different rt0_go entry SP: hi, lo and every guard derived from them diverge, nothing else
    (the g slot, FS:0 and iscgo do not depend on the SP).
Usage: cgo_checks_fail.py --emu EMU PROGRAM"""
import argparse
from model_lib import Failures, run_check, checks, diverging, number

GUARDS = {('runtime.check', 'g0.stackguard0'), ('runtime.check', 'g0.stackguard1'),
          ('runtime.mstart', 'g0.stackguard0'), ('runtime.mstart', 'g0.stackguard1')}


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--emu', required=True)
    p.add_argument('program')
    a = p.parse_args()
    t = Failures('cgo-checks-can-fail')
    rc, base = run_check(a.emu, a.program)
    if not t.check(rc == 0 and base and base['ok'], f'the unperturbed run must agree (status {rc})'):
        t.finish()
    names = [m['name'] for m in base['milestones']]
    t.check(names[0] == '_cgo_init' and 'runtime.settls' not in names, f'cgo path: {names}')
    lo = number(checks(base)[('_cgo_init', 'g0.stack.lo')]['expected'])

    # 1. Corrupt g0.stack.lo just after x_cgo_init wrote it (0x10000 higher: still a valid stack for the run).
    rc, rep = run_check(a.emu, a.program, options=['--debug-corrupt', f'_cgo_init:g0.stack.lo={lo + 0x10000:#x}'])
    if t.check(rep is not None, f'corrupt lo: no report (status {rc})'):
        t.check(rc == 1, f'corrupt lo: check exits {rc}, expected 1')
        t.check(diverging(rep) == {('_cgo_init', 'g0.stack.lo')} | GUARDS, f'corrupt lo: diverging {sorted(diverging(rep))}')
        c = checks(rep)[('_cgo_init', 'g0.stack.lo')]
        t.check(number(c['actual']) == lo + 0x10000 and number(c['expected']) == lo, f'corrupt lo: {c}')

    # 2. The model is told rt0_go started 64 bytes lower than it did.
    rc, rep = run_check(a.emu, a.program, options=['--debug-model-sp-shift', '-64'])
    want = {('_cgo_init', f) for f in ('g0.stack.hi', 'g0.stack.lo', 'g0.stackguard0', 'g0.stackguard1')} | GUARDS
    if t.check(rep is not None, f'sp shift: no report (status {rc})'):
        t.check(rc == 1, f'sp shift: check exits {rc}, expected 1')
        t.check(diverging(rep) == want, f'sp shift: diverging {sorted(diverging(rep))}, expected {sorted(want)}')
    t.finish()


if __name__ == '__main__':
    main()
