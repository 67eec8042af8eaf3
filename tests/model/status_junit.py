#!/usr/bin/env python3
"""check's exit status and JUnit XML: 0 when every check agrees and 1 on a divergence; --junit FILE writes one
<testcase> per milestone (named as in --json), with a <failure> exactly where a check diverged.
Usage: status_junit.py --emu EMU --junit-dir DIR PROGRAM"""
import argparse, os
import xml.etree.ElementTree as ET
from model_lib import Failures, run_check


def junit_matches(t, name, path, report):
    try:
        suite = ET.parse(path).getroot()
    except (OSError, ET.ParseError) as e:
        t.check(False, f'{name}: {path}: not parseable JUnit XML: {e}')
        return
    t.check(suite.tag == 'testsuite', f'{name}: root element {suite.tag}')
    cases = suite.findall('testcase')
    t.check([c.get('name') for c in cases] == [m['name'] for m in report['milestones']],
            f'{name}: test cases {[c.get("name") for c in cases]} are not the milestones')
    failed = [m['name'] for m in report['milestones'] if any(not c['ok'] for c in m['checks'])]
    t.check([c.get('name') for c in cases if c.find('failure') is not None] == failed,
            f'{name}: failures in the JUnit file do not match the divergent milestones {failed}')
    t.check(int(suite.get('tests', -1)) == len(cases) and int(suite.get('failures', -1)) == len(failed),
            f"{name}: tests/failures attributes {suite.get('tests')}/{suite.get('failures')}")


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--emu', required=True)
    p.add_argument('--junit-dir', required=True)
    p.add_argument('program')
    a = p.parse_args()
    os.makedirs(a.junit_dir, exist_ok=True)
    t = Failures('status-junit')
    runs = [
        ('agree', [], 0),
        ('one-divergence', ['--debug-corrupt', 'runtime.schedinit:sched.npidle=9'], 1),
        ('many-divergences', ['--debug-model-cpus', '2', '--cpus', '4'], 1),
    ]
    for name, options, status in runs:
        junit = os.path.join(a.junit_dir, f'status-junit-{name}.xml')
        rc, rep = run_check(a.emu, a.program, options=options, junit=junit)
        if not t.check(rep is not None, f'{name}: no report (status {rc})'):
            continue
        t.check(rc == status, f'{name}: check exits {rc}, expected {status}')
        t.check(rep['ok'] == (status == 0), f"{name}: report ok={rep['ok']}")
        junit_matches(t, name, junit, rep)
    t.finish()


if __name__ == '__main__':
    main()
