#!/usr/bin/env python3
"""`check` on one program: every milestone is reached and every check agrees (exit 0), with at least
--min-checks comparisons; the JUnit file it writes (--junit) is kept for CI.
Usage: check_program.py --emu EMU --junit FILE [--min-checks N] [--cgo] -- [CHECK OPTIONS] PROGRAM [ARGS...]
--cgo: the program links runtime/cgo, so its milestones are the cgo path's."""
import argparse, os, subprocess, sys
import xml.etree.ElementTree as ET
from model_lib import Failures, run_check

MILESTONES = ['runtime.settls', 'runtime.check', 'runtime.args', 'runtime.osinit', 'runtime.schedinit',
              'runtime.newproc', 'runtime.mstart', 'runtime.main', 'main.main', 'exit']
# With cgo rt0_go calls _cgo_init where it would call settls.
CGO_MILESTONES = ['_cgo_init'] + MILESTONES[1:]


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--emu', required=True)
    p.add_argument('--junit', required=True)
    p.add_argument('--min-checks', type=int, default=30)
    p.add_argument('--cgo', action='store_true')
    p.add_argument('rest', nargs=argparse.REMAINDER)
    a = p.parse_args()
    rest = a.rest[1:] if a.rest[:1] == ['--'] else a.rest
    # Options of check (e.g. --cpus 2, --env GOMAXPROCS=3) come first; the program is the first non-option
    # that does not follow an option taking a value.
    takes_value = {'--cpus', '--env', '--seed', '--allow-write', '--max-insns', '--clock'}
    i = 0
    while i < len(rest) and rest[i].startswith('-'):
        i += 2 if rest[i] in takes_value else 1
    options, program, args = rest[:i], rest[i], rest[i + 1:]
    os.makedirs(os.path.dirname(os.path.abspath(a.junit)), exist_ok=True)
    t = Failures(f'check {os.path.basename(program)} {" ".join(options)}')
    rc, rep = run_check(a.emu, program, args, options, junit=a.junit)
    if t.check(rep is not None, f'no report (status {rc})'):
        bad = [f"{m['name']} {c['field']}: expected {c['expected']}, actual {c['actual']}"
               for m in rep['milestones'] for c in m['checks'] if not c['ok']]
        t.check(rc == 0 and not bad, f'check exits {rc}; diverging: {bad}')
        t.check([m['name'] for m in rep['milestones']] == (CGO_MILESTONES if a.cgo else MILESTONES),
                f"milestones reached: {[m['name'] for m in rep['milestones']]}")
        n = sum(len(m['checks']) for m in rep['milestones'])
        t.check(n >= a.min_checks, f'{n} checks, expected at least {a.min_checks}')
        try:
            t.check(len(ET.parse(a.junit).getroot().findall('testcase')) == len(rep['milestones']), 'JUnit test cases')
        except (OSError, ET.ParseError) as e:
            t.check(False, f'{a.junit}: {e}')
    t.finish()


if __name__ == '__main__':
    main()
