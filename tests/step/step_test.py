#!/usr/bin/env python3
"""Tests of `gostart-emu step`: usage step_test.py CASE EMULATOR PROGRAM.

scripted: a --script session on hello; deterministic lines compared exactly, and g0.stack.hi checked
          against what `check --json` reports (independent evidence).
reverse:  si 1000; rstepi 400 gives the registers and memory digest of a plain si 600; rcontinue.
pty:      a pseudo-terminal session: the prompt, Tab completion, an empty line repeating the last command.
"""
import json
import os
import pty
import select
import subprocess
import sys
import tempfile
import time


def step(emu, prog, commands):
    with tempfile.NamedTemporaryFile('w', suffix='.gdb', delete=False) as f:
        f.write('\n'.join(commands) + '\n')
    try:
        r = subprocess.run([emu, 'step', '--script', f.name, prog], capture_output=True, text=True, timeout=240)
    finally:
        os.unlink(f.name)
    return r.returncode, r.stdout


def expect(cond, what, out=''):
    if not cond:
        sys.exit(f'FAIL: {what}\n{out}')


def answers(out):
    """{command: the lines it printed}; a repeated command is keyed `CMD#2`, `CMD#3`..."""
    res, cmd = {}, None
    for line in out.splitlines():
        if line.startswith('(gostart) '):
            cmd, n = line[len('(gostart) '):], 2
            while cmd in res:
                cmd, n = cmd.split('#')[0] + f'#{n}', n + 1
            res[cmd] = []
        elif cmd is not None:
            res[cmd].append(line)
    return res


def scripted(emu, prog):
    rc, out = step(emu, prog, ['break rt0_go', 'c', 'si 5', 'regs', 'until settls', 'stepout', 'p g0.stack.hi',
                               'until schedinit', 'bt', 'stepout', 'p sched.maxmcount', 'p allp[0].status', 'p m0.id',
                               'until main', 'goroutines', 'milestones', 'check', 'help', 'c'])
    a = answers(out)
    expect(rc == 0, f'exit status {rc}', out)
    expect(out.splitlines()[0].startswith('=> rt0_linux_amd64.s:8 '), 'starts at the ELF entry', out)
    expect(a['c'][0] == 'Breakpoint 1 at rt0_go' and '0x45ab00' in a['c'][1], 'breakpoint at rt0_go', out)
    regs = dict(l.split() for l in a['regs'])
    expect(list(regs)[-2:] == ['fs_base', 'gs_base'] and regs['rip'] == '0x000000000045ab13', 'regs after si 5', out)
    bt = a['bt']
    expect(bt[0].startswith('#0  0x4350e0 in runtime.schedinit') and 'runtime.rt0_go at asm_amd64.s:345' in bt[1],
           'bt from schedinit', out)
    expect(a['p sched.maxmcount'] == ['sched.maxmcount = 10000'], 'maxmcount', out)
    expect(a['p allp[0].status'] == ['allp[0].status = 1'], 'allp[0] is _Prunning after procresize', out)
    expect(a['p m0.id'] == ['m0.id = 0'], 'm0.id', out)
    expect(any('goroutine 1 ' in l and 'running' in l and 'runtime.main' in l for l in a['goroutines']), 'goroutines', out)
    expect(any('main.main' in l for l in a['milestones']), 'milestones', out)
    expect(any('agree' in l or 'diverge' in l for l in a['check']), 'check table', out)
    expect(any(l.strip().startswith('rstepi') for l in a['help']), 'help lists rstepi', out)
    expect(a['c#2'][-1].startswith('exit status 0 after '), 'continue to the end', out)
    # g0.stack.hi after settls, against check --json's value for the same field.
    hi = a['p g0.stack.hi'][0].split(' = ')[1]
    r = subprocess.run([emu, 'check', '--json', prog], capture_output=True, text=True, timeout=240)
    j = json.loads(r.stderr[r.stderr.index('{'):])  # the emulator's own output; the guest's is stdout
    vals = [c['actual'] for m in j['milestones'] for c in m['checks'] if c['field'].endswith('g0.stack.hi')]
    expect(vals, 'check --json reports g0.stack.hi', r.stderr[:2000])
    expect(int(vals[0], 0) == int(hi, 0), f'g0.stack.hi {hi} vs check --json {vals[0]}', out)


def state(out, at):
    a = answers(out)
    return a['regs'], a['digest']


def reverse(emu, prog):
    t = time.time()
    _, fwd = step(emu, prog, ['si 600', 'regs', 'digest'])
    forward = time.time() - t
    _, back = step(emu, prog, ['si 1000', 'rstepi 400', 'regs', 'digest'])
    expect(state(fwd, 600) == state(back, 600), 'si 1000; rstepi 400 equals si 600', fwd + back)
    expect('at instruction 600' in answers(back)['digest'][0], 'position 600', back)
    _, far = step(emu, prog, ['until main', 'si 100', 'position', 'rstepi 50', 'position', 'si 50', 'position'])
    p = [l for l in far.splitlines() if l.startswith('instruction ')]
    expect(int(p[0].split()[1]) - 50 == int(p[1].split()[1]) and p[0] == p[2], 'back and forth late in the run', far)
    _, rc = step(emu, prog, ['break schedinit', 'c', 'si 3000', 'rcontinue', 'position', 'rcontinue'])
    a = answers(rc)
    expect(a['rcontinue#2'] == ['No breakpoint hit before this point.'] + a['rcontinue'][1:], 'no earlier hit', rc)
    expect('Breakpoint 1 at schedinit' in rc and 'proc.go:658' in rc.split('(gostart) rcontinue')[1], 'rcontinue to schedinit', rc)
    print(f'forward run to 600 and exit took {forward:.2f} s')


def read_until(fd, needle, timeout=60):
    buf, end = b'', time.time() + timeout
    while needle.encode() not in buf and time.time() < end:
        r, _, _ = select.select([fd], [], [], 0.5)
        if r:
            try:
                buf += os.read(fd, 4096)
            except OSError:
                break
    return buf.decode(errors='replace')


def pty_case(emu, prog):
    home = tempfile.mkdtemp()
    pid, fd = pty.fork()
    if pid == 0:
        os.environ['HOME'] = home
        os.environ['TERM'] = 'dumb'
        os.execv(emu, [emu, 'step', prog])
    screen = read_until(fd, '(gostart) ')
    expect('(gostart) ' in screen, 'a prompt on a terminal', screen)
    os.write(fd, b'si 2\r')
    screen = read_until(fd, '(gostart) ')
    os.write(fd, b'\r')  # an empty line repeats si 2
    screen = read_until(fd, '(gostart) ')
    os.write(fd, b'posi\t\r')  # Tab completes `position`
    screen = read_until(fd, 'instruction ')
    screen += read_until(fd, '(gostart) ', 5)
    expect('instruction 4' in screen, 'Tab completion and empty-line repeat', screen)
    os.write(fd, b'quit\r')
    read_until(fd, 'never', 3)
    os.waitpid(pid, 0)
    hist = open(os.path.join(home, '.gostart_history')).read()
    expect('si 2' in hist.replace('\\040', ' '), 'history file written', hist)


def main():
    case, emu, prog = sys.argv[1:4]
    {'scripted': scripted, 'reverse': reverse, 'pty': pty_case}[case](emu, prog)
    print('ok')


if __name__ == '__main__':
    main()
