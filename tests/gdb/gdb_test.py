#!/usr/bin/env python3
"""gostart-emu --gdb against Debian's gdb and raw sockets: usage gdb_test.py CASE EMULATOR PROGRAM...

session:   gdb attaches to hello, break main.main, continue, info registers rip fs_base, x/2i $pc,
           stepi, info threads, continue to the end; output, status and instruction count as without gdb.
stripped:  hello-stripped with `info --gdb-script`: break main.main works (and fails without the script).
watch:     a write watchpoint on runtime.ncpu stops in runtime.osinit with the old and new values.
exitcode:  a program exiting with status 3 and writing to stderr: gdb sees code 03, both streams intact;
           an instruction limit reaches gdb's console and ends with status 125.
reverse:   step --gdb: reverse-stepi and reverse-continue land where a forward run is.
cgo:       step --gdb on cgohello (dynamic: ld.so and libc run first): stepi and stepi 5 from the entry land on
           the instructions x/i predicts, break main.main + continue, reverse-stepi to the previous pc,
           reverse-continue to the breakpoint, the end as without gdb; run --gdb steps one instruction too.
signal:    run --gdb: a step that takes a signal (queue-signal SIGURG; stepi) stops before the Go handler's
           first instruction, the next stepi after it; the run then ends as usual.
check:     check --gdb: gdb continues to the end, the model's report is as without gdb.
malformed: raw bytes: bad checksum, unknown, overlong, garbage; then detach: the run finishes.
hijack:    a second client is refused while the first is attached; the first can still kill the run.
drop:      the connection drops at a breakpoint and while running: the run goes on to its end.
interrupt: 0x03 while running stops the program with SIGINT.
address:   a malformed --gdb address is a usage error (2); a port in use cannot be listened on (125).

Every wait has a timeout: a test fails, it never hangs.
"""
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time

TIMEOUT = 120


def fail(what, *details):
    sys.exit('FAIL: ' + what + ''.join('\n--- ' + str(d) for d in details))


def expect(cond, what, *details):
    if not cond:
        fail(what, *details)


class Emu:
    """gostart-emu with --gdb 127.0.0.1:0, its output collected; `port` once it listens."""

    def __init__(self, emu, args):
        self.p = subprocess.Popen([emu] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.out, self.err = bytearray(), bytearray()
        self.listening = threading.Event()
        self.port = None
        self.threads = [threading.Thread(target=self._drain, args=(self.p.stdout, self.out), daemon=True),
                        threading.Thread(target=self._drain, args=(self.p.stderr, self.err), daemon=True)]
        for t in self.threads:
            t.start()
        if not self.listening.wait(60):
            self.p.kill()
            fail('the emulator never said where it listens', self.err.decode(errors='replace'))

    def _drain(self, stream, buf):
        for line in iter(stream.readline, b''):
            buf += line
            m = re.match(rb'gostart-emu: gdb: listening on 127\.0\.0\.1:(\d+)$', line.rstrip(b'\n'))
            if m:
                self.port = int(m.group(1))
                self.listening.set()

    def finish(self, timeout=TIMEOUT):
        try:
            rc = self.p.wait(timeout)
        except subprocess.TimeoutExpired:
            self.p.kill()
            fail('the emulator did not finish', self.err.decode(errors='replace'))
        for t in self.threads:
            t.join(10)
        return rc, self.out.decode(errors='replace'), self.err.decode(errors='replace')


def gdb(program, port, commands, script=None):
    args = ['gdb', '-nx', '-batch', '-iex', 'set debuginfod enabled off', '-iex', 'set auto-load python-scripts off',
            '-iex', 'set pagination off', '-iex', 'set confirm off']
    if script:
        args += ['-x', script]  # as docs/gdb.md says: gdb PROGRAM -x SCRIPT -ex 'target remote ...'
    args += ['-ex', f'target remote 127.0.0.1:{port}']
    for c in commands:
        args += ['-ex', c]
    try:
        r = subprocess.run(args + [program], capture_output=True, text=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired as e:
        fail('gdb did not finish', e.stdout, e.stderr)
    return r.stdout, r.stderr


def plain(emu, args):
    r = subprocess.run([emu] + args, capture_output=True, text=True, timeout=TIMEOUT)
    return r.returncode, r.stdout, r.stderr


def symbols(emu, prog):
    r = subprocess.run([emu, 'info', '--json', prog], capture_output=True, text=True, timeout=TIMEOUT)
    return {k: int(v, 16) for k, v in json.loads(r.stdout)['symbols'].items()}


def file_bytes(prog, vaddr, n):
    """n bytes at vaddr from the program file itself, through its PT_LOAD program headers."""
    data = open(prog, 'rb').read()
    phoff, phentsize, phnum = int.from_bytes(data[32:40], 'little'), int.from_bytes(data[54:56], 'little'), \
        int.from_bytes(data[56:58], 'little')
    for i in range(phnum):
        ph = data[phoff + i * phentsize: phoff + (i + 1) * phentsize]
        ptype, off, va, filesz = (int.from_bytes(ph[0:4], 'little'), int.from_bytes(ph[8:16], 'little'),
                                  int.from_bytes(ph[16:24], 'little'), int.from_bytes(ph[32:40], 'little'))
        if ptype == 1 and va <= vaddr < va + filesz:
            return data[off + vaddr - va: off + vaddr - va + n]
    fail(f'{vaddr:#x} is in no PT_LOAD segment')


def regs(text):
    """{name: int} from `info registers` lines."""
    out = {}
    for line in text.splitlines():
        m = re.match(r'^(\w+)\s+(0x[0-9a-f]+)\s', line)
        if m:
            out[m.group(1)] = int(m.group(2), 16)
    return out


def summary_count(err):
    m = re.search(r'exit status (\d+) after (\d+) instructions, (\d+) threads', err)
    expect(m, 'a summary line', err)
    return m.groups()


# --- the cases ---------------------------------------------------------------------------------------

def session(emu, prog):
    syms = symbols(emu, prog)
    e = Emu(emu, ['--strace', '--gdb', '127.0.0.1:0', prog])
    out, err = gdb(prog, e.port, [
        'info registers rip',
        'break main.main',
        'continue',
        'echo @@stop\\n', 'info registers rip fs_base',
        'echo @@x\\n', 'x/2i $pc',
        'echo @@bytes\\n', 'x/8xb $pc',
        'echo @@stepi\\n', 'stepi', 'info registers rip',
        'echo @@threads\\n', 'info threads',
        'echo @@end\\n', 'continue'])
    rc, eout, eerr = e.finish()
    part = dict(re.findall(r'@@(\w+)\n(.*?)(?=@@|\Z)', out, re.S))
    expect(f'{syms["_rt0_amd64_linux"]:#x}' in out.split('@@')[0] and '_rt0_amd64_linux' in out.split('@@')[0],
           'gdb attaches at the ELF entry, before the first instruction', out, err)
    expect('Breakpoint 1, main.main ()' in out, 'the breakpoint at main.main is hit', out, err)
    r = regs(part['stop'])
    expect(0 < r['rip'] - syms['main.main'] < 0x40, f'rip {r.get("rip", 0):#x} inside main.main', out)
    # fs_base: what the guest itself asked for with arch_prctl, on the thread gdb stopped in.
    tid = re.search(r'\[Switching to Thread (\d+)\]', out)
    tid = tid.group(1) if tid else '1000'
    fs = re.search(r'\[' + tid + r'\] arch_prctl\(ARCH_SET_FS, (0x[0-9a-f]+)\) = 0', eerr)
    expect(fs and int(fs.group(1), 16) == r['fs_base'], f'fs_base {r.get("fs_base", 0):#x} is what thread {tid} set',
           part['stop'], eerr[:3000])
    x = part['x'].strip().splitlines()
    expect(len(x) == 2 and x[0].startswith(f'=> {r["rip"]:#x} <main.main+'), 'x/2i $pc: two instructions at rip', out)
    # The breakpoint is a hook, not an int3: memory shows the program's own bytes.
    shown = bytes(int(b, 16) for b in re.findall(r'0x([0-9a-f]{2})\b', part['bytes'].split(':', 1)[1]))
    expect(shown == file_bytes(prog, r['rip'], 8), 'memory at the breakpoint is the file\'s bytes', part['bytes'])
    after = regs(part['stepi'])['rip']
    second = int(re.match(r'\s*(0x[0-9a-f]+)', x[1]).group(1), 16)
    branch = re.search(r'\s(j\w+|call|ret)\s', x[0])
    expect(after == second or (branch and after != r['rip']), f'stepi goes from {r["rip"]:#x} to {after:#x}', out)
    threads = re.findall(r'^\*?\s+\d+\s+Thread (\d+)', part['threads'], re.M)
    expect(len(threads) >= 2 and '1000' in threads and '1001' in threads,
           'info threads lists the guest threads after sysmon started', part['threads'])
    expect('[Inferior 1 (' in part['end'] and 'exited normally' in part['end'], 'gdb sees the exit', out, err)
    native = subprocess.run([prog], capture_output=True, text=True, timeout=TIMEOUT)
    expect(rc == 0 and eout == native.stdout, f'status {rc} and stdout {eout!r} as natively', eerr[-2000:])
    # The stops changed nothing: the same instruction count and threads as a run without gdb.
    prc, _, perr = plain(emu, ['--strace', prog])
    expect(summary_count(eerr) == summary_count(perr), 'the same run with and without gdb',
           summary_count(eerr), summary_count(perr))


def stripped(emu, prog):
    syms = symbols(emu, prog)
    with tempfile.TemporaryDirectory() as d:
        script = os.path.join(d, 'hello.gdb')
        r = subprocess.run([emu, 'info', '--gdb-script', script, prog], capture_output=True, text=True, timeout=TIMEOUT)
        expect(r.returncode == 0 and os.path.exists(script + '.sym'), 'info --gdb-script writes the script', r.stderr)
        # Without the script gdb knows no main.main in a stripped binary.
        e = Emu(emu, ['-q', '--gdb', '127.0.0.1:0', prog])
        out, err = gdb(prog, e.port, ['break main.main'])
        e.finish()
        expect('Function "main.main" not defined' in out + err or 'No symbol table is loaded' in out + err,
               'no main.main without the script', out, err)
        e = Emu(emu, ['-q', '--gdb', '127.0.0.1:0', prog])
        out, err = gdb(prog, e.port, ['break main.main', 'continue', 'echo @@stop\\n', 'info registers rip', 'x/2i $pc',
                                      'echo @@end\\n', 'continue'], script=script)
        rc, eout, eerr = e.finish()
    expect('Breakpoint 1, ' in out and 'in main.main ()' in out, 'break main.main works on the stripped binary', out, err)
    rip = regs(out.split('@@stop')[1])['rip']
    expect(rip == syms['main.main'], f'stopped at main.main {syms["main.main"]:#x}, not {rip:#x}', out)
    # gdb names the function a pc is in (which a file added with add-symbol-file would not give it).
    expect(f'=> {rip:#x} <main.main>:' in out and '<main.main+' in out, 'x/2i names main.main', out)
    expect('exited normally' in out and rc == 0 and eout == 'hi,world\n', 'the run ends as usual', out, eout)
    # A binary with its own symbol table gets a script that adds nothing.
    with tempfile.TemporaryDirectory() as d:
        script = os.path.join(d, 'hello.gdb')
        full = prog[:-len('-stripped')]
        r = subprocess.run([emu, 'info', '--gdb-script', script, full], capture_output=True, text=True, timeout=TIMEOUT)
        text = open(script).read()
        expect(r.returncode == 0 and 'own symbol table' in text and 'symbol-file' not in text.replace('symbol table', '')
               and not os.path.exists(script + '.sym'), 'nothing to add for a binary with symbols', text)


def watch(emu, prog):
    syms = symbols(emu, prog)
    e = Emu(emu, ['-q', '--cpus', '3', '--gdb', '127.0.0.1:0', prog])
    out, err = gdb(prog, e.port, ['set language c', f'watch *(int*){syms["runtime.ncpu"]:#x}', 'continue',
                                  'echo @@where\\n', 'info registers rip', 'delete', 'echo @@end\\n', 'continue'])
    rc, eout, _ = e.finish()
    expect('Hardware watchpoint 1' in out, 'a hardware (Z2) watchpoint', out, err)
    expect(re.search(r'Old value = 0\s+New value = 3', out), 'ncpu goes from 0 to --cpus 3', out)
    # Stopped after the writing instruction, which is in runtime.osinit (its `ncpu = getproccount()`).
    expect(re.search(r'in runtime\.osinit \(\) at .*os_linux\.go:\d+\n\d+\s+ncpu = ', out), 'the write is in runtime.osinit', out)
    rip = regs(out.split('@@where')[1])['rip']
    expect(0 < rip - syms['runtime.osinit'] < 0x100, f'rip {rip:#x} in runtime.osinit', out)
    expect('exited normally' in out and rc == 0 and eout == 'hi,world\n', 'the run ends as usual', out)


def exitcode(emu, prog):
    e = Emu(emu, ['--gdb', '127.0.0.1:0', prog])
    out, err = gdb(prog, e.port, ['continue'])
    rc, eout, eerr = e.finish()
    native = subprocess.run([prog], capture_output=True, text=True, timeout=TIMEOUT)
    expect('exited with code 03' in out, 'gdb sees exit code 3', out, err)
    expect(rc == 3 == native.returncode and eout == native.stdout and native.stderr in eerr,
           'status, stdout and stderr as natively', rc, eout, eerr)
    # When the emulator ends the run, gdb's console says why and the status is 125 (gdb prints it in octal).
    e = Emu(emu, ['-q', '--max-insns', '100000', '--gdb', '127.0.0.1:0', prog])
    out, err = gdb(prog, e.port, ['continue'])
    rc, eout, eerr = e.finish()
    expect('gostart-emu: instruction limit reached (100000 instructions)' in out + err and 'exited with code 0175' in out,
           'the emulator\'s stop reaches gdb', out, err)
    expect(rc == 125 and 'instruction limit reached' in eerr, 'status 125', rc, eerr)


def reverse(emu, prog):
    syms = symbols(emu, prog)
    e = Emu(emu, ['step', '-q', '--gdb', '127.0.0.1:0', prog])
    out, err = gdb(prog, e.port, [
        'stepi 5', 'echo @@at5\\n', 'info registers',
        'stepi 3', 'echo @@at8\\n', 'info registers rip',
        'reverse-stepi 3', 'echo @@back5\\n', 'info registers',
        f'break *{syms["runtime.schedinit"]:#x}', 'continue', 'echo @@sched\\n', 'info registers rip',
        'stepi 200', 'reverse-continue', 'echo @@rsched\\n', 'info registers rip',
        'delete', 'reverse-continue', 'echo @@start\\n', 'info registers rip',
        'echo @@end\\n', 'continue'])
    rc, eout, _ = e.finish()
    part = dict(re.findall(r'@@(\w+)\n(.*?)(?=@@|\Z)', out, re.S))
    at5, back5 = regs(part['at5']), regs(part['back5'])
    expect(regs(part['at8'])['rip'] != at5['rip'], 'stepi 3 moved', out, err)
    expect(at5 and at5 == back5, 'stepi 5; stepi 3; reverse-stepi 3 has the registers of stepi 5', part['at5'], part['back5'])
    sched = regs(part['sched'])['rip']
    expect(sched == syms['runtime.schedinit'], 'at schedinit', out)
    expect(regs(part['rsched'])['rip'] == sched, 'reverse-continue back to the schedinit breakpoint', out, err)
    expect('No more reverse-execution history' in part['rsched'] + part['start'] and
           regs(part['start'])['rip'] == syms['_rt0_amd64_linux'], 'reverse-continue without breakpoints: the start', out)
    expect('exited normally' in out and rc == 0, 'continue to the end after going backwards', out, err)


def insns(text):
    """[(address, mnemonic and operands)] from `x/Ni` lines."""
    return [(int(a, 16), i.strip()) for a, i in re.findall(r'^(?:=>)?\s*(0x[0-9a-f]+)(?: <[^>]*>)?:\s*(.*)$', text, re.M)]


def is_branch(insn):
    return re.match(r'(j\w+|call\w*|ret\w*|loop\w*)\b', insn) is not None


def cgo(emu, prog):
    syms = symbols(emu, prog)
    e = Emu(emu, ['step', '--gdb', '127.0.0.1:0', prog])
    out, err = gdb(prog, e.port, [
        'echo @@entry\\n', 'x/2i $pc',
        'stepi', 'echo @@one\\n', 'info registers rip', 'x/2i $pc',
        'reverse-stepi', 'echo @@unone\\n', 'info registers rip',
        'stepi 5', 'echo @@five\\n', 'info registers rip',
        'break main.main', 'continue', 'echo @@main\\n', 'info registers rip',
        'stepi', 'echo @@s1\\n', 'info registers', 'stepi', 'echo @@s2\\n', 'info registers rip',
        'reverse-stepi', 'echo @@rs\\n', 'info registers',
        'reverse-continue', 'echo @@rc\\n', 'info registers rip',
        # Another thread (sysmon, off the CPU): its step, back, and the same step again (with no breakpoint
        # in the way: main.main's would stop thread 1 first).
        'delete', 'thread 2', 'stepi', 'echo @@t2\\n', 'info registers', 'reverse-stepi', 'echo @@t2back\\n', 'info registers rip',
        'x/2i $pc', 'stepi', 'echo @@t2again\\n', 'info registers',
        'echo @@end\\n', 'continue'])
    rc, eout, eerr = e.finish()
    part = dict(re.findall(r'@@(\w+)\n(.*?)(?=@@|\Z)', out, re.S))
    expect('ld-linux' in part.get('entry', '') or '<_start>' in part.get('entry', ''), 'gdb attaches in ld.so\'s _start', out, err)
    entry = insns(part['entry'])
    expect(len(entry) == 2 and not is_branch(entry[0][1]), 'x/2i at the entry: two instructions, the first no branch', out)
    # One stepi: the next instruction of ld.so's _start, as its length (x/2i) says; not a run to _dl_debug_state.
    one = regs(part['one'])['rip']
    expect(one == entry[1][0], f'stepi from the entry {entry[0][0]:#x} stops at {entry[1][0]:#x}, not {one:#x}', out)
    expect(regs(part['unone'])['rip'] == entry[0][0], 'reverse-stepi goes back to the entry', out)
    # stepi 5 from the entry: the first instruction, the call that follows it, and three in the callee.
    call = insns(part['one'])
    m = re.match(r'call\s+(0x[0-9a-f]+)', call[0][1]) if call else None
    expect(m, 'the second instruction of ld.so\'s _start is a direct call', part['one'])
    callee = int(m.group(1), 16)
    e2 = Emu(emu, ['-q', '--gdb', '127.0.0.1:0', prog])  # run --gdb: forward-only, the same stops
    out2, err2 = gdb(prog, e2.port, [f'echo @@callee\\n', f'x/4i {callee:#x}', 'stepi', 'echo @@one\\n',
                                     'info registers rip', 'echo @@end\\n', 'continue'])
    rc2, eout2, _ = e2.finish()
    part2 = dict(re.findall(r'@@(\w+)\n(.*?)(?=@@|\Z)', out2, re.S))
    body = insns(part2['callee'])
    expect(len(body) == 4 and not any(is_branch(i) for _, i in body[:3]), 'the callee starts with three plain instructions', out2)
    five = regs(part['five'])['rip']
    expect(five == body[3][0], f'stepi 5 from the entry stops at {body[3][0]:#x} in the callee, not {five:#x}', out)
    expect(regs(part2['one'])['rip'] == entry[1][0] and rc2 == 0 and 'exited normally' in out2,
           'run --gdb: stepi moves one instruction too', out2, err2)
    # break main.main: gdb puts it after the prologue, at the address it prints.
    bp = re.search(r'Breakpoint 1 at (0x[0-9a-f]+): file .*main\.go', out)
    expect(bp and 'Breakpoint 1, main.main ()' in part['five'], 'break main.main and continue reach main.main', out, err)
    at = int(bp.group(1), 16)
    expect(regs(part['main'])['rip'] == at and 0 < at - syms['main.main'] < 0x40, f'stopped at {at:#x} in main.main', out)
    s1, s2, rs = regs(part['s1']), regs(part['s2'])['rip'], regs(part['rs'])
    expect(s2 != s1['rip'] and s1['rip'] != at, 'two stepi moved twice', out)
    expect(rs == s1, f'reverse-stepi from {s2:#x} is back at {s1["rip"]:#x} with the same registers', part['s1'], part['rs'])
    # gdb's report of the stop comes before the echo, after the registers of @@rs.
    expect('Breakpoint 1, main.main ()' in part['rs'] and regs(part['rc'])['rip'] == at,
           'reverse-continue returns to the breakpoint at main.main', part['rs'], part['rc'], err)
    t2, t2again = regs(part['t2']), regs(part['t2again'])
    back = insns(part['t2back'])
    expect('Thread 2 ' in part['rc'] + part['t2'] or 'thread 2 (Thread 1001)' in part['rc'], 'thread 2 selected', out)
    expect(len(back) == 2 and not is_branch(back[0][1]) and back[1][0] == t2['rip'] != back[0][0],
           f'reverse-stepi of thread 2 is one instruction before {t2["rip"]:#x}', part['t2back'])
    expect(t2 and t2 == t2again, 'thread 2 steps again to the same registers', part['t2'], part['t2again'])
    expect('exited normally' in part['end'] and rc == 0, 'continue to the end', out, err)
    # Going back and forth changed nothing: the guest's output once, and the count of a plain run.
    native = subprocess.run([prog], capture_output=True, text=True, timeout=TIMEOUT)
    expect(eout == native.stdout, 'the guest\'s output once, as natively', eout, native.stdout)
    count = re.search(r'exit status 0 after (\d+) instructions', eerr)
    prc, _, perr = plain(emu, ['run', prog])
    expect(count and count.group(1) == summary_count(perr)[1], 'the instruction count of a plain run', eerr, perr)


def signal(emu, prog):
    # The handler's address from the ELF symbol table (binutils' nm), not from the emulator.
    nm = subprocess.run(['nm', prog], capture_output=True, text=True, timeout=TIMEOUT).stdout
    syms = {name: int(addr, 16) for addr, name in re.findall(r'^([0-9a-f]+) [Tt] (\S+)$', nm, re.M)}
    handler = syms.get('runtime.sigtramp.abi0', syms.get('runtime.sigtramp'))  # an assembly function: ABI0
    expect(handler, 'nm names runtime.sigtramp', nm[:2000])
    e = Emu(emu, ['-q', '--gdb', '127.0.0.1:0', prog])
    out, err = gdb(prog, e.port, ['break main.main', 'continue', 'queue-signal SIGURG', 'stepi',
                                  'echo @@handler\\n', 'info registers rip', 'x/2i $pc',
                                  'stepi', 'echo @@next\\n', 'info registers rip', 'delete', 'echo @@end\\n', 'continue'])
    rc, eout, _ = e.finish()
    part = dict(re.findall(r'@@(\w+)\n(.*?)(?=@@|\Z)', out, re.S))
    at = regs(part['handler'])['rip']
    expect(at == handler, f'stopped at runtime.sigtramp {handler:#x}, not {at:#x}', out, err)
    x = insns(part['handler'])
    expect(len(x) == 2 and not is_branch(x[0][1]) and regs(part['next'])['rip'] == x[1][0],
           'the next stepi runs the handler\'s first instruction', out)
    expect('exited normally' in part['end'] and rc == 0 and eout == 'hi,world\n', 'the run ends as usual', out, eout)


def check(emu, prog):
    syms = symbols(emu, prog)
    e = Emu(emu, ['check', '--gdb', '127.0.0.1:0', prog])
    out, err = gdb(prog, e.port, [f'break *{syms["runtime.schedinit"]:#x}', 'continue', 'continue'])
    rc, eout, eerr = e.finish()
    prc, _, perr = plain(emu, ['check', prog])
    table = lambda s: [l for l in s.splitlines() if ('agree' in l or 'DIVERGE' in l or l.startswith('gostart-emu: '))
                       and not l.startswith('gostart-emu: gdb: ')]
    expect('Breakpoint 1, ' in out and 'exited normally' in out, 'gdb drives check', out, err)
    expect(rc == prc == 0 and table(eerr) == table(perr), 'the same check report with and without gdb', eerr, perr)


def connect(port):
    s = socket.create_connection(('127.0.0.1', port), timeout=30)
    s.settimeout(30)
    return s


def packet(payload):
    data = payload.encode('latin-1')
    return b'$' + data + b'#' + f'{sum(data) & 0xff:02x}'.encode()


def reply(s, want_ack=True):
    """Reads `+` (when acks are on) and one packet; returns the payload."""
    buf = b''
    while True:
        m = re.match(rb'^(\+?)\$([^#]*)#([0-9a-f]{2})', buf, re.S)
        if m:
            expect(not want_ack or m.group(1) == b'+', 'the packet was acknowledged', buf)
            return m.group(2).decode('latin-1')
        chunk = s.recv(65536)
        expect(chunk, 'the stub answered', buf)
        buf += chunk


def malformed(emu, prog):
    e = Emu(emu, ['-q', '--gdb', '127.0.0.1:0', prog])
    s = connect(e.port)
    s.sendall(b'$g#00')
    expect(s.recv(1) == b'-', 'a bad checksum gets -')
    s.sendall(packet('qNoSuchPacket'))
    expect(reply(s) == '', 'an unknown packet gets the empty reply')
    s.sendall(packet('m' + 'a' * 0x5000))
    expect(reply(s) == 'E01', 'an overlong packet gets an error')
    s.sendall(b'\x00\xff}}}##$$\x03+-garbage' + bytes(range(256)) + b'#zz')
    s.sendall(packet('qC'))
    got = b''
    while b'QC3e8' not in got:
        chunk = s.recv(65536)
        expect(chunk, 'the stub still answers after garbage', got)
        got += chunk
    s.sendall(packet('m0,8'))
    expect(reply(s, False) == 'E14', 'unmapped memory is an error')
    s.sendall(packet('D'))
    expect(reply(s, False) == 'OK', 'D detaches')
    s.close()
    rc, out, err = e.finish()
    expect(rc == 0 and out == 'hi,world\n', 'the run finishes after the detach', rc, out, err)


def hijack(emu, prog):
    e = Emu(emu, ['--gdb', '127.0.0.1:0', prog])
    a = connect(e.port)
    a.sendall(packet('qC'))
    expect(reply(a) == 'QC3e8', 'the first client is served')
    try:
        b = socket.create_connection(('127.0.0.1', e.port), timeout=5)
        b.settimeout(5)
        b.sendall(packet('qC'))
        got = b.recv(100)
        expect(got == b'', 'a second client gets nothing', got)
    except (ConnectionRefusedError, ConnectionResetError):
        pass
    a.sendall(packet('qC'))
    expect(reply(a) == 'QC3e8', 'the first client is still served')
    a.sendall(packet('k'))
    rc, out, err = e.finish()
    expect(rc == 137 and 'killed by gdb' in err and out == '', 'k kills the run (128+SIGKILL)', rc, out, err)


def drop(emu, prog):
    syms = symbols(emu, prog)
    e = Emu(emu, ['--gdb', '127.0.0.1:0', prog])
    s = connect(e.port)
    s.sendall(packet(f'Z0,{syms["main.main"]:x},1'))
    expect(reply(s) == 'OK', 'Z0 accepted')
    s.sendall(packet('c'))
    stop = reply(s)
    expect(stop.startswith('T05') and 'thread:' in stop, 'a stop reply naming the thread', stop)
    s.close()  # no D: the connection just drops at the breakpoint
    rc, out, err = e.finish()
    expect(rc == 0 and out == 'hi,world\n' and 'the gdb connection closed; the run goes on' in err,
           'the run goes on to its end', rc, out, err)
    e = Emu(emu, ['-q', '--gdb', '127.0.0.1:0', prog])
    s = connect(e.port)
    s.sendall(packet('c'))
    s.close()  # drops while the program runs
    rc, out, err = e.finish()
    expect(rc == 0 and out == 'hi,world\n', 'the run goes on after a drop while running', rc, out, err)


def interrupt(emu, prog):
    e = Emu(emu, ['-q', '--gdb', '127.0.0.1:0', prog])
    s = connect(e.port)
    s.sendall(packet('c') + b'\x03')  # the interrupt right behind the continue
    stop = reply(s)
    expect(stop.startswith('T02') and 'thread:3e8;' in stop, 'SIGINT stop in thread 1000', stop)
    s.sendall(packet('D'))
    expect(reply(s) == 'OK', 'D detaches')
    s.close()
    rc, out, err = e.finish()
    expect(rc == 0 and out == 'main woke\n', 'the run finishes', rc, out, err)


def address(emu, prog):
    rc, out, err = plain(emu, ['--gdb', 'nonsense:port', prog])
    expect(rc == 2 and 'gostart-emu: --gdb nonsense:port: expected HOST:PORT' in err, 'a malformed address: usage', rc, err)
    busy = socket.socket()
    busy.bind(('127.0.0.1', 0))
    busy.listen(1)
    port = busy.getsockname()[1]
    rc, out, err = plain(emu, ['--gdb', str(port), prog])
    expect(rc == 125 and err == f'gostart-emu: {prog}: --gdb {port}: cannot listen on 127.0.0.1:{port}: Address already in use\n',
           'a port in use: one line, 125', rc, err)


def main():
    case, emu, prog = sys.argv[1:4]
    cases = {'session': session, 'stripped': stripped, 'watch': watch, 'exitcode': exitcode, 'reverse': reverse, 'cgo': cgo, 'signal': signal,
             'check': check, 'malformed': malformed, 'hijack': hijack, 'drop': drop, 'interrupt': interrupt,
             'address': address}
    t = time.time()
    cases[case](emu, prog)
    print(f'ok ({time.time() - t:.1f} s)')


if __name__ == '__main__':
    main()
