#!/usr/bin/env python3
"""`inittrace` and `diff` end to end (docs/inittrace.md). One case per run of this script:

  native PROG      the package list and order equal what GODEBUG=inittrace=1 prints natively, allocs
                   and bytes nearly (maps hash with a random seed); in the same emulated run with
                   GODEBUG=inittrace=1, the guest's own lines: allocs equal, bytes within the tiny block
  formats PROG     the table (largest first, a total that is the sum), JSON twice byte-identical,
                   folded stacks that sum to the phases, the SVG chart
  diff PROG OTHER  a program against itself and against its own baseline: no change, exit 0; against
                   another program: packages added, the syscall sequence differs
  budget PROG      a baseline made cheaper by hand: main.main=+5% and a package budget fail (exit 1,
                   one-line reason, JUnit failure); a generous budget passes; bad budgets and baselines
                   are refused with one line

Usage: inittrace_test.py CASE EMU PROG [OTHER]"""
import json, os, re, subprocess, sys, tempfile

case, emu, prog = sys.argv[1], sys.argv[2], sys.argv[3]
other = sys.argv[4] if len(sys.argv) > 4 else None
errors = []


def fail(msg):
    errors.append(msg)


def emu_run(*args, check_status=None):
    r = subprocess.run([emu, *args], capture_output=True, text=True, timeout=600)
    if check_status is not None and r.returncode != check_status:
        fail(f'{" ".join(args)}: exit {r.returncode}, expected {check_status}; stderr {r.stderr[-600:]!r}')
    return r


def profile(p):
    r = emu_run('inittrace', '--clean-env', '--json', p, check_status=0)
    return json.loads(r.stdout), r.stdout


LINE = re.compile(r'^init (\S+) @\S+ ms, \S+ ms clock, (\d+) bytes, (\d+) allocs$')


def native_inittrace(p):
    # The environment of --clean-env, and GODEBUG as in the emulated run (from go1.20 internal/godebug's
    # init parses it: another value is other allocations).
    env = {'PATH': '/usr/local/bin:/usr/bin:/bin', 'HOME': '/', 'LANG': 'C.UTF-8', 'GODEBUG': 'inittrace=1'}
    r = subprocess.run([p], capture_output=True, text=True, env=env, timeout=60)
    rows = [LINE.match(l) for l in r.stderr.splitlines()]
    return [(m.group(1), int(m.group(2)), int(m.group(3))) for m in rows if m]


def compare(got, want, exact):
    """The differences between emulated rows and the runtime's own lines: (name, bytes, allocs) each.
    exact: the same execution (the guest's GODEBUG output): allocs equal, bytes within the tiny block's
    16 bytes per package (docs/inittrace.md). Otherwise a native run: maps hash with a random seed, so
    their buckets, and the allocations, differ from run to run: a small tolerance."""
    out = []
    if [n for n, _, _ in got] != [n for n, _, _ in want]:
        return [f'package order: emulated {[n for n, _, _ in got]}, runtime {[n for n, _, _ in want]}']
    for (name, gb, ga), (_, wb, wa) in zip(got, want):
        if exact:
            if ga != wa:
                out.append(f'{name}: {ga} allocs emulated, {wa} by the runtime in the same run')
            if abs(gb - wb) > 16:
                out.append(f'{name}: {gb} bytes emulated, {wb} by the runtime in the same run')
        else:
            if abs(ga - wa) > max(8, wa // 4):
                out.append(f'{name}: {ga} allocs emulated, {wa} natively')
            if abs(gb - wb) > max(2048, wb // 4):
                out.append(f'{name}: {gb} bytes emulated, {wb} natively')
    return out


if case == 'native':
    want = native_inittrace(prog)
    if not want:
        fail('the native run printed no inittrace lines')
    # One emulated run with GODEBUG=inittrace=1: our profile of it against the native run, and against
    # the guest's own inittrace lines of that same run.
    r = emu_run('inittrace', '--clean-env', '--env', 'GODEBUG=inittrace=1', '--json', prog, check_status=0)
    same = [(r2['name'], r2['bytes'], r2['allocs']) for r2 in json.loads(r.stdout)['packages']]
    guest = [(m.group(1), int(m.group(2)), int(m.group(3))) for m in map(LINE.match, r.stderr.splitlines()) if m]
    got = same
    errors += compare(got, want, exact=False)
    errors += compare(same, guest, exact=True)
    # The checks can fail: a swapped order, an allocation more.
    if len(same) > 2 and not compare([same[1], same[0]] + same[2:], guest, exact=True):
        fail('a swapped package order went unnoticed')
    if not compare([(same[0][0], same[0][1], same[0][2] + 1)] + same[1:], guest, exact=True):
        fail('an allocation more went unnoticed')
    ta, wa = sum(a for _, _, a in got), sum(a for _, _, a in want)
    if abs(ta - wa) > max(8, wa // 50):
        fail(f'{ta} allocs in all emulated, {wa} natively')
    print(f'{len(got)} packages, in the native order; allocs {sum(a for _, _, a in got)} emulated, '
          f'{sum(a for _, _, a in want)} native; in the same run {sum(a for _, _, a in same)} and '
          f'{sum(a for _, _, a in guest)}')

elif case == 'formats':
    p1, raw1 = profile(prog)
    _, raw2 = profile(prog)
    if raw1 != raw2:
        fail('two --json runs differ')
    names = [r['name'] for r in p1['phases']]
    for ph in ('schedinit', 'runtime inits', 'gcenable', 'main inits', 'main.main'):
        if ph not in names:
            fail(f'phase {ph} missing: {names}')
    total = p1['packages_total']
    for k in ('insns', 'bytes', 'allocs', 'syscalls'):
        if total[k] != sum(r[k] for r in p1['packages']):
            fail(f'packages_total.{k} is not the sum')
    mains = [r for r in p1['packages'] if r['name'] == 'main']
    if not mains or mains[0]['fns'] < 1:
        fail('no main package init row')
    # Every package of the main module's inits is inside that phase.
    main_inits = next(r for r in p1['phases'] if r['name'] == 'main inits')
    inside = sum(r['insns'] for r in p1['packages'] if r['phase'] == 'main inits')
    if not 0 < inside <= main_inits['insns']:
        fail(f'main inits {main_inits["insns"]} vs its packages {inside}')
    table = emu_run('inittrace', '--clean-env', prog, check_status=0).stderr
    rows = [l for l in table.splitlines() if l.startswith('  ') and not l.lstrip().startswith(('phase', 'package init'))]
    pkg_rows = rows[len(p1['phases']):]
    insns = [int(l.split()[-5].replace(',', '')) for l in pkg_rows[:-1]]
    if insns != sorted(insns, reverse=True):
        fail(f'the table is not largest first: {insns}')
    if not pkg_rows or not pkg_rows[-1].lstrip().startswith('total') or \
            int(pkg_rows[-1].split()[-5].replace(',', '')) != total['insns']:
        fail(f'the total row: {pkg_rows[-1:]!r}')
    folded = emu_run('inittrace', '--clean-env', '--folded', prog, check_status=0).stdout
    weights = sum(int(l.rsplit(' ', 1)[1]) for l in folded.splitlines())
    if weights != sum(r['insns'] for r in p1['phases']):
        fail(f'folded stacks weigh {weights}, the phases {sum(r["insns"] for r in p1["phases"])}')
    if not any(l.startswith('start-up;main inits;main ') for l in folded.splitlines()):
        fail('no folded stack for main\'s init')
    with tempfile.TemporaryDirectory() as d:
        svg = os.path.join(d, 'init.svg')
        emu_run('inittrace', '--clean-env', '--svg', svg, prog, check_status=0)
        text = open(svg).read()
        if not text.startswith('<svg') or text.count('<rect') != len(p1['phases']) + len(p1['packages']):
            fail('the SVG has not one bar per phase and package')

elif case == 'diff':
    r = emu_run('diff', '--clean-env', prog, prog, check_status=0)
    if 'no change in start-up' not in r.stdout or 'package inits:' in r.stdout:
        fail(f'self-diff shows a change: {r.stdout!r}')
    with tempfile.TemporaryDirectory() as d:
        base = os.path.join(d, 'base.json')
        with open(base, 'w') as f:
            f.write(profile(prog)[1])
        r = emu_run('diff', '--clean-env', base, prog, check_status=0)
        if 'no change in start-up' not in r.stdout:
            fail(f'program against its own baseline shows a change: {r.stdout!r}')
        j = json.loads(emu_run('diff', '--clean-env', '--json', base, prog, check_status=0).stdout)
        if j['changed'] or j['packages'] or j['syscalls_before_main']['edits']:
            fail(f'JSON self-diff: {j}')
        # A check --json baseline: the milestones only, and they are the same.
        check = os.path.join(d, 'check.json')
        with open(check, 'w') as f:
            f.write(emu_run('check', '--clean-env', '--json', prog, check_status=0).stdout)
        r = emu_run('diff', '--clean-env', check, prog, check_status=0)
        if 'no change in start-up' not in r.stdout:
            fail(f'program against its check --json shows a change: {r.stdout!r}')
        # Two check --json files: a model field whose value differs is named.
        check2 = os.path.join(d, 'check2.json')
        j = json.load(open(check))
        ms = next(m for m in j['milestones'] if m.get('checks'))
        field = ms['checks'][0]['field']
        ms['checks'][0]['actual'] = 'corrupted'
        with open(check2, 'w') as f:
            json.dump(j, f)
        r = emu_run('diff', check, check2, check_status=0)
        if f"{ms['name']}: {field} " not in r.stdout or '-> corrupted' not in r.stdout:
            fail(f'a model field that differs between two check --json went unseen: {r.stdout!r}')
        if 'no change in start-up' not in emu_run('diff', check, check, check_status=0).stdout:
            fail('a check --json against itself shows a change')
        # ... and a milestone moved in it is seen.
        j = json.load(open(check))
        j['milestones'][-2]['insn'] += 7
        with open(check, 'w') as f:
            json.dump(j, f)
        r = emu_run('diff', '--clean-env', check, prog, check_status=0)
        if f"{j['milestones'][-2]['name']}: insn" not in r.stdout:
            fail(f'a moved milestone in the check --json baseline went unseen: {r.stdout!r}')
    r = emu_run('diff', '--clean-env', '--json', other, prog, check_status=0)
    j = json.loads(r.stdout)
    added = {c['name'] for c in j['packages'] if c['status'] == 'added'}
    if not j['changed'] or 'initcost/heavy' not in added:
        fail(f'{other} -> {prog}: added {added}')
    if j['main_main']['a'] == j['main_main']['b']:
        fail('instructions to main.main did not change between two different programs')

elif case == 'budget':
    with tempfile.TemporaryDirectory() as d:
        p, _ = profile(prog)
        heavy = next(r for r in p['packages'] if r['name'] == 'initcost/heavy')
        # Make the baseline cheaper: B (the real program) is now 10 % over it to main.main, 50 % in heavy.
        p['main_main_insn'] = int(p['main_main_insn'] / 1.10)
        for m in p['milestones']:
            if m['name'] == 'main.main':
                m['insn'] = p['main_main_insn']
        heavy['insns'] = heavy['insns'] * 2 // 3
        base = os.path.join(d, 'cheaper.json')
        with open(base, 'w') as f:
            json.dump(p, f)
        junit = os.path.join(d, 'diff.xml')
        r = emu_run('diff', '--clean-env', '--junit', junit, '--budget', 'main.main=+5%',
                    '--budget', 'initcost/heavy=+20%', '--budget', 'initcost/small=+1000', base, prog, check_status=1)
        reasons = [l for l in r.stderr.splitlines() if l.startswith('gostart-emu: budget')]
        if len(reasons) != 2 or 'main.main=+5%' not in reasons[0] or 'exceeded' not in reasons[0] or \
                'initcost/heavy=+20%' not in reasons[1]:
            fail(f'the reasons: {r.stderr!r}')
        xml = open(junit).read()
        if xml.count('<failure') != 2 or xml.count('<testcase') != 3:
            fail(f'JUnit: {xml!r}')
        if '~ initcost/heavy' not in r.stdout or 'grown' not in r.stdout:
            fail(f'the diff does not show heavy grown: {r.stdout!r}')
        # Generous budgets pass: exit 0.
        emu_run('diff', '--clean-env', '--budget', 'main.main=+20%', '--budget', 'initcost/heavy=+60%', base, prog,
                check_status=0)
        # Bad input: one line, naming the file or the budget, status 2.
        bad = os.path.join(d, 'bad.json')
        with open(bad, 'w') as f:
            f.write('{"program": "x"')
        for args, word in [(['--budget', 'main.main=lots', base, prog], 'main.main=lots'),
                           ([bad, prog], bad), ([base], 'two inputs')]:
            r = emu_run('diff', *args)
            lines = r.stderr.strip().splitlines()
            if r.returncode != 2 or len(lines) != 1 or word not in lines[0] or not lines[0].startswith('gostart-emu: '):
                fail(f'diff {args}: exit {r.returncode}, {r.stderr!r}')
else:
    sys.exit(f'unknown case {case}')

for e in errors:
    print(f'{prog}: {e}', file=sys.stderr)
sys.exit(1 if errors else 0)
