#!/usr/bin/env python3
"""`check` on a corpus binary (tools/corpus.txt) run with ARGS: `info` must find its struct layouts (DWARF or
its release's table: every release 1.13-1.27 has one), every check of all ten milestones must agree, and
there must be checks at the milestones every release has. Exit 77 when the cache is absent.
Usage: check_corpus.py --emu EMU --junit FILE BINARY [ARGS...]"""
import argparse, json, os, subprocess, sys
from model_lib import Failures, run_check


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--emu', required=True)
    p.add_argument('--junit', required=True)
    p.add_argument('binary')
    p.add_argument('args', nargs=argparse.REMAINDER)
    a = p.parse_args()
    if not os.path.exists(a.binary):
        print(f'{a.binary}: absent; run tools/fetch-corpus', file=sys.stderr)
        sys.exit(77)
    os.makedirs(os.path.dirname(os.path.abspath(a.junit)), exist_ok=True)  # the corpus suite may run alone
    info = json.loads(subprocess.run([a.emu, 'info', '--json', a.binary], check=True, capture_output=True,
                                     text=True).stdout)
    t = Failures(f"check-corpus {info['go_version']}")
    t.check(info.get('layout_source') in ('dwarf', 'table'),
            f"layout_source {info.get('layout_source')!r}: every supported release has a table")
    rc, rep = run_check(a.emu, a.binary, a.args, junit=a.junit)
    if t.check(rep is not None, f'no report (status {rc})'):
        bad = [f"{m['name']} {c['field']}: expected {c['expected']}, actual {c['actual']}"
               for m in rep['milestones'] for c in m['checks'] if not c['ok']]
        t.check(rc == 0 and not bad, f"check exits {rc} ({info['layout_source']} layouts); diverging: {bad}")
        t.check(len(rep['milestones']) == 10, f"milestones: {[m['name'] for m in rep['milestones']]}")
        total = sum(len(m['checks']) for m in rep['milestones'])
        t.check(total >= 30, f'only {total} checks')
        print(f"check-corpus {info['go_version']}: {total} checks, layouts from {info['layout_source']}")
    t.finish()


if __name__ == '__main__':
    main()
