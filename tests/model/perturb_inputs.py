#!/usr/bin/env python3
"""The checks follow the inputs: tell the model something other than what the guest got (hidden flags
--debug-model-cpus, --debug-model-gomaxprocs, --debug-model-sp-shift) and exactly the checks that the
model's rules derive from that input diverge — the set is computed here from the rules (model_lib), not
copied from output. Conversely, real changes of the input (--cpus, GOMAXPROCS) keep every check agreeing.
Usage: perturb_inputs.py --emu EMU PROGRAM"""
import argparse, re
from model_lib import Failures, run_check, checks, diverging, number, procresize_divergence

RT0_FRAME = 40  # go1.18+: SUBQ $(5*8), SP (the testdata programs are built by go1.19)


def g0_hi(entry_sp, shift):
    return (entry_sp + shift - RT0_FRAME) & ~15


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--emu', required=True)
    p.add_argument('program')
    a = p.parse_args()
    t = Failures('perturb-inputs')

    def expect(name, options, want, values=None):
        rc, rep = run_check(a.emu, a.program, options=options)
        if not t.check(rep is not None, f'{name}: no report (status {rc})'):
            return None
        got = diverging(rep)
        t.check(got == want, f'{name}: diverging {sorted(got)}, expected {sorted(want)}')
        t.check(rc == (1 if want else 0), f'{name}: check exits {rc}')
        for key, (exp, act) in (values or {}).items():
            c = checks(rep).get(key)
            if t.check(c is not None, f'{name}: {key} missing'):
                t.check((number(c['expected']), number(c['actual'])) == (exp, act),
                        f"{name}: {key}: expected/actual {c['expected']}/{c['actual']}, want {exp}/{act}")
        return rep

    # The model is told 2 CPUs; the guest has 4.
    expect('model-cpus-2', ['--cpus', '4', '--debug-model-cpus', '2'],
           procresize_divergence(2, 4, model_cpus=2, guest_cpus=4),
           {('runtime.osinit', 'runtime.ncpu'): (2, 4), ('runtime.schedinit', 'sched.npidle'): (1, 3)})
    # The model believes GOMAXPROCS=1; the guest has none and uses its 4 CPUs.
    expect('model-gomaxprocs-1', ['--cpus', '4', '--debug-model-gomaxprocs', '1'], procresize_divergence(1, 4),
           {('runtime.schedinit', 'runtime.gomaxprocs'): (1, 4), ('runtime.schedinit', 'sched.npidle'): (0, 3)})
    # The guest has GOMAXPROCS=3; the model is told "0", which schedinit ignores (n > 0 only): it predicts 4.
    expect('model-gomaxprocs-ignored', ['--cpus', '4', '--env', 'GOMAXPROCS=3', '--debug-model-gomaxprocs', '0'],
           procresize_divergence(4, 3))

    # Another entry SP: rt0_go's `SUBQ $frame, SP; ANDQ $~15, SP` decides g0.stack.hi; lo and both guards
    # follow it at settls, and the guards mstart0 moves to lo + StackGuard follow too.
    rc, base = run_check(a.emu, a.program)
    hi_check = checks(base)[('runtime.settls', 'g0.stack.hi')]
    entry_sp = int(re.search(r"\((0x[0-9a-f]+), the loader's stack pointer\)", hi_check['why']).group(1), 16)
    t.check(g0_hi(entry_sp, 0) == number(hi_check['actual']), 'the frame rule reproduces g0.stack.hi')
    g0_fields = {('runtime.settls', f) for f in ('g0.stack.hi', 'g0.stack.lo', 'g0.stackguard0', 'g0.stackguard1')} | \
                {('runtime.mstart', f) for f in ('g0.stackguard0', 'g0.stackguard1')}
    for shift in (16, 1, 8, -16):
        moved = g0_hi(entry_sp, shift) != g0_hi(entry_sp, 0)
        hi = (g0_hi(entry_sp, shift), g0_hi(entry_sp, 0))
        expect(f'sp-shift-{shift}', [f'--debug-model-sp-shift={shift}'], g0_fields if moved else set(),
               {('runtime.settls', 'g0.stack.hi'): hi})

    # Real inputs: every check agrees, and the values are the inputs'.
    for cpus in (1, 2, 8):
        expect(f'cpus-{cpus}', ['--cpus', str(cpus)], set(),
               {('runtime.osinit', 'runtime.ncpu'): (cpus, cpus), ('runtime.schedinit', 'len(allp)'): (cpus, cpus)})
    for procs in (1, 3):
        expect(f'GOMAXPROCS-{procs}', ['--cpus', '4', '--env', f'GOMAXPROCS={procs}'], set(),
               {('runtime.schedinit', 'runtime.gomaxprocs'): (procs, procs),
                ('runtime.schedinit', 'sched.npidle'): (procs - 1, procs - 1)})
    t.finish()


if __name__ == '__main__':
    main()
