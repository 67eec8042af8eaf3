#!/usr/bin/env python3
"""The checks can fail: `check --debug-corrupt MILESTONE:FIELD=VALUE` writes VALUE into a field of guest memory
just before the checks of that milestone, and exactly that check must diverge — actual VALUE, expected what an
uncorrupted run expects — plus only the later checks that depend on the field. The corruption stays in memory,
so the runtime goes on with it; each case says what follows and why.
Usage: corrupt_fields.py --emu EMU PROGRAM [PROGRAM...]   (the same program, default and stripped)"""
import argparse
from model_lib import Failures, run_check, checks, diverging, number, procresize_divergence

CPUS = 4  # the guest's CPUs in every run here, so that the ncpu case knows the truth


def cases(base):
    """(milestone, field, value, consequence) where consequence is a set of further diverging checks, or
    ('stops', LAST, STATUS) when the runtime itself catches the corruption: LAST is the last milestone reached,
    STATUS the exit status (None: any abnormal end)."""
    hi = number(checks(base)[('runtime.settls', 'g0.stack.hi')]['expected'])
    return [
        # g0.stack.hi is written once by rt0_go and not read again during start-up.
        ('runtime.settls', 'g0.stack.hi', hi + 0x10, set()),
        # args and osinit never switch stacks; schedinit's first systemstack/morestack compares g with m.g0 and
        # traps (INT $3): the run ends there, with every check before it agreeing.
        ('runtime.check', 'm0.g0', 0x1234, ('stops', 'runtime.osinit', None)),
        # argc is read once more by goargs in schedinit (os.Args grows), which no check looks at.
        ('runtime.args', 'runtime.argc', 3, set()),
        # schedinit reads ncpu: the guest now makes 3 Ps where the model (told 4 CPUs) predicts 4.
        ('runtime.osinit', 'runtime.ncpu', 3, procresize_divergence(CPUS, 3)),
        # npidle is next changed when an idle P is taken (wakep after mainStarted), after the last check of it.
        ('runtime.schedinit', 'sched.npidle', 9, set()),
        # goid is never rewritten: main.main still sees goid 5 on the main goroutine.
        ('runtime.newproc', 'g1.goid', 5, {('main.main', 'g1.goid')}),
        # procid is written only by minit; nothing after runtime.main reads it back into a check.
        ('runtime.mstart', 'm0.procid', 77, set()),
        # _Gwaiting on a running g: gopark's status check throws ("gopark: bad g status"), exit 2 before main.main.
        ('runtime.main', 'g1.atomicstatus', 4, ('stops', 'runtime.main', 2)),
        # mainStarted is last checked here; the runtime only reads it in newproc (wakep), which still works.
        ('main.main', 'runtime.mainStarted', 0, set()),
    ]


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--emu', required=True)
    p.add_argument('programs', nargs='+')
    a = p.parse_args()
    t = Failures('corrupt-fields')
    for program in a.programs:
        opts = ['--cpus', str(CPUS)]
        rc, base = run_check(a.emu, program, options=opts)
        if not t.check(rc == 0 and base and base['ok'], f'{program}: the uncorrupted run must agree (status {rc})'):
            continue
        base_checks = checks(base)
        for milestone, field, value, consequence in cases(base):
            what = f'{program}: {milestone}:{field}={value:#x}'
            rc, rep = run_check(a.emu, program, options=opts + ['--debug-corrupt', f'{milestone}:{field}={value:#x}'])
            if not t.check(rep is not None, f'{what}: no report (status {rc})'):
                continue
            t.check(rc == 1, f'{what}: check exits {rc}, expected 1')
            got = checks(rep)
            c = got.get((milestone, field))
            if not t.check(c is not None, f'{what}: the check is missing'):
                continue
            t.check(not c['ok'], f'{what}: the corrupted field still agrees')
            t.check(number(c['actual']) == value, f"{what}: actual {c['actual']}, expected the written {value:#x}")
            t.check(c['expected'] == base_checks[(milestone, field)]['expected'],
                    f"{what}: expected {c['expected']}, the uncorrupted run expects {base_checks[(milestone, field)]['expected']}")
            others = diverging(rep) - {(milestone, field)}
            if isinstance(consequence, set):
                t.check(others == consequence, f'{what}: other divergent checks {sorted(others)}, expected {sorted(consequence)}')
                t.check(len(rep['milestones']) == len(base['milestones']), f'{what}: milestones missing')
            else:
                _, last, status = consequence
                names = [m['name'] for m in rep['milestones']]
                t.check(last in names and names[names.index(last) + 1:] == ['exit'],
                        f'{what}: the run should stop after {last}: {names}')
                t.check(not others, f'{what}: other checks diverge before the stop: {sorted(others)}')
                t.check(status is None and rep['exit_status'] != 0 or rep['exit_status'] == status,
                        f"{what}: exit status {rep['exit_status']}, expected {status or 'non-zero'}")
    t.finish()


if __name__ == '__main__':
    main()
