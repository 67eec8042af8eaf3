#!/usr/bin/env python3
"""`check` on a corpus binary (tools/fetch-corpus) run with ARGS: when `info` finds struct layouts (DWARF or
the release's table) every check must agree; when it has none, check must stop with one clear
`gostart-emu: ` line naming the Go version — never a crash or a traceback. Exit 77 when the cache is absent.
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
    info = json.loads(subprocess.run([a.emu, 'info', '--json', a.binary], check=True, capture_output=True,
                                     text=True).stdout)
    t = Failures(f"check-corpus {info['go_version']}")
    if info.get('layout_source') in ('dwarf', 'table'):
        rc, rep = run_check(a.emu, a.binary, a.args, junit=a.junit)
        if t.check(rep is not None, f'no report (status {rc})'):
            bad = [f"{m['name']} {c['field']}: expected {c['expected']}, actual {c['actual']}"
                   for m in rep['milestones'] for c in m['checks'] if not c['ok']]
            t.check(rc == 0 and not bad, f"check exits {rc} ({info['layout_source']} layouts); diverging: {bad}")
            t.check(len(rep['milestones']) == 10, f"milestones: {[m['name'] for m in rep['milestones']]}")
    else:
        p = subprocess.run([a.emu, 'check', a.binary] + a.args, capture_output=True, text=True, timeout=300)
        lines = [l for l in p.stderr.splitlines() if l.strip()]
        t.check(p.returncode in (125, 126), f'no layouts: exit {p.returncode}, expected 126 (or 125)')
        t.check(len(lines) == 1 and lines[0].startswith('gostart-emu: ') and info['go_version'][:6] in lines[0],
                f'no layouts: expected one gostart-emu: line naming the version, got {lines[:5]}')
    t.finish()


if __name__ == '__main__':
    main()
