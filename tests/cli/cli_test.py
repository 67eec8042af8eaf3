#!/usr/bin/env python3
"""The command line as a new user meets it: usage: cli_test.py CASE EMULATOR HELLO MISBEHAVE EXITCODE.

reports:  a report in a machine format owns stdout and the program's own stdout goes to stderr —
          through real shell pipes into a parser (check --json, --junit -, trace --format jsonl|folded,
          layout --svg -, info --json); with -o FILE the report is in FILE and stdout is the program's.
usage:    bare `gostart-emu` prints the usage (program name, [run] [OPTIONS] PROGRAM [ARGS...], the
          commands) with status 2; --help names option values (FILE, DIR, N, SIZE...), points to
          docs/cli.md; SIZE takes K/M/G/T suffixes; a bad value is one line, status 2.
outputs:  an output FILE that cannot be written is refused before anything runs (status 2, one line
          naming the file); every report written to a file is named on stderr, except with -q.
exit:     the summary's exit line says why there is nothing to check instead of "0/0 model checks".
info:     what `run` and `info` count, against readelf; info's text grouped and aligned.
progress: on a terminal, one line rewritten in place (at most ten times a second) and erased before other
          output; nothing on a pipe or with -q.
strace:   --strace names constants (RLIMIT_*, MADV_*, MAP_*, CLONE_*) and shows read and written buffers as
          strace does, -s N bytes of them.
Standard library only.
"""
import json
import os
import pty
import re
import select
import shlex
import subprocess
import sys
import tempfile
import time
import xml.dom.minidom


def fail(what, out=''):
    sys.exit(f'FAIL: {what}\n{out}')


def expect(cond, what, out=''):
    if not cond:
        fail(what, out)


def run(*argv, timeout=240):
    return subprocess.run(list(argv), capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)


def pipe(command, parser):
    """`command | python3 -c parser` through a shell: the report must parse from a real pipe."""
    line = f'{command} 2>{shlex.quote(ERR)} | {shlex.quote(sys.executable)} -c {shlex.quote(parser)}'
    r = subprocess.run(['sh', '-c', line], capture_output=True, text=True, timeout=240)
    err = open(ERR).read()
    expect(r.returncode == 0, f'{command} | parser: status {r.returncode}', r.stdout + r.stderr + err)
    return r.stdout, err


def reports(emu, hello, misbehave, exitcode):
    q = shlex.quote
    out, err = pipe(f'{q(emu)} check --json {q(hello)}',
                    'import json,sys; j=json.load(sys.stdin); print(j["ok"], len(j["milestones"]))')
    expect(out.startswith('True '), 'check --json | json.load', out)
    expect('hi,world' in err, "the program's stdout is on stderr while the JSON owns stdout", err)

    out, err = pipe(f'{q(emu)} check --junit - {q(hello)}',
                    'import sys, xml.dom.minidom as m; d=m.parse(sys.stdin); '
                    'print(len(d.getElementsByTagName("testcase")))')
    expect(int(out) >= 9 and 'hi,world' in err, 'check --junit - | an XML parser', out + err)
    expect('checks at' in err, 'the human table stays on stderr', err)

    out, err = pipe(f'{q(emu)} trace --format jsonl {q(hello)}',
                    'import json,sys; n=[json.loads(l) for l in sys.stdin]; print(len(n))')
    expect(int(out) > 50 and 'hi,world' in err, 'trace --format jsonl | one JSON value per line', out + err)

    out, err = pipe(f'{q(emu)} trace --calls --format folded {q(hello)}',
                    'import sys\nfor l in sys.stdin:\n  s, n = l.rsplit(" ", 1); assert s.startswith("thread-"), l; int(n)\n'
                    'print("folded")')
    expect(out.strip() == 'folded' and 'hi,world' in err, 'trace --format folded | a folded-stack reader', out + err)

    out, err = pipe(f'{q(emu)} layout --svg - {q(hello)}',
                    'import sys, xml.dom.minidom as m; print(m.parse(sys.stdin).documentElement.tagName)')
    expect(out.strip() == 'svg' and 'initial process stack' in err, 'layout --svg - | an XML parser', out + err)

    out, _ = pipe(f'{q(emu)} info --json {q(hello)}', 'import json,sys; print(json.load(sys.stdin)["go_version"])')
    expect(out.strip().startswith('go1.'), 'info --json | json.load', out)

    # Two reports cannot both own stdout.
    r = run(emu, 'check', '--json', '--junit', '-', hello)
    expect(r.returncode == 2 and len(r.stderr.splitlines()) == 1 and 'both want stdout' in r.stderr,
           'check --json --junit -: refused', r.stderr)

    # With -o FILE the report is in FILE and stdout is the program's own again.
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, 'check.json')
        r = run(emu, 'check', '--json', '-o', path, hello)
        expect(r.returncode == 0 and r.stdout == 'hi,world\n', 'check --json -o FILE: stdout is the program\'s',
               r.stdout + r.stderr)
        expect(json.load(open(path))['ok'] is True, 'check --json -o FILE: the JSON is in FILE')
        path = os.path.join(d, 'trace.jsonl')
        r = run(emu, 'trace', '--format', 'jsonl', '-o', path, hello)
        expect(r.stdout == 'hi,world\n' and all(json.loads(l) is not None for l in open(path)),
               'trace --format jsonl -o FILE', r.stdout + r.stderr)
    # Text stays where it was: the run's summary and a text trace on stderr, the program's stdout on stdout.
    r = run(emu, 'trace', hello)
    expect(r.stdout == 'hi,world\n' and 'rt0_go' in r.stderr, 'a text trace stays on stderr', r.stdout)


def usage(emu, hello, misbehave, exitcode):
    r = run(emu)
    expect(r.returncode == 2, f'bare gostart-emu: status {r.returncode}, not 2', r.stderr)
    expect('Usage: gostart-emu [run] [OPTIONS] PROGRAM [ARGS...]' in r.stderr, 'bare: the usage line', r.stderr)
    for cmd in ['run', 'info', 'check', 'trace', 'layout', 'step']:
        expect(f'\n  {cmd} ' in r.stderr, f'bare: the usage lists {cmd}', r.stderr)
    expect('required' not in r.stderr, 'bare: no "A subcommand is required"', r.stderr)

    r = run(emu, '--help')
    expect(r.returncode == 0 and 'Usage: gostart-emu [run] [OPTIONS] PROGRAM [ARGS...]' in r.stdout, '--help', r.stdout)
    expect('docs/cli.md' in r.stdout and 'stdout' in r.stdout, '--help says where reports go', r.stdout)
    for cmd, want in [('run', ['-o,--output FILE', '--allow-write DIR', '--cpus N', '--max-memory SIZE',
                               '--gdb HOST:PORT', '--env NAME=VALUE', '-s,--string-limit N']),
                      ('check', ['--junit FILE', '--html FILE', 'docs/cli.md']),
                      ('trace', ['--func NAME', '--format text|jsonl|folded']),
                      ('layout', ['--svg FILE', '--at MILESTONE']),
                      ('step', ['--script FILE', '--checkpoint-memory SIZE']),
                      ('info', ['--gdb-script FILE'])]:
        r = run(emu, cmd, '--help')
        expect(r.returncode == 0, f'{cmd} --help', r.stderr)
        tail = 'PROGRAM' if cmd == 'info' else 'PROGRAM [ARGS...]'
        expect(f'Usage: gostart-emu {cmd} [OPTIONS] {tail}\n' in r.stdout, f'{cmd} --help: the usage line', r.stdout)
        for w in want:
            expect(w in r.stdout, f'{cmd} --help shows {w}', r.stdout)
        for bad in [' TEXT', ' UINT', ' INT', 'CLI.md ', '(CLI.md', ' CLI.md']:
            expect(bad not in r.stdout.replace('docs/cli.md', ''), f'{cmd} --help: no {bad.strip()}', r.stdout)

    # SIZE: K/M/G/T, powers of 1024; the limit message gives it in bytes.
    r = run(emu, '-q', '--max-memory', '20M', misbehave, 'alloc')
    expect(r.returncode == 125 and '--max-memory 20971520' in r.stderr, '--max-memory 20M is 20 MiB', r.stderr)
    r = run(emu, '-q', '--max-memory', '4g', '--max-insns', '1000', hello)
    expect(r.returncode == 125 and 'instruction limit' in r.stderr, '--max-memory 4g is accepted', r.stderr)
    for bad in ['4X', 'G', '-1', '99999999999T', '1.5G']:
        r = run(emu, '--max-memory', bad, hello)
        lines = r.stderr.splitlines()
        expect(r.returncode == 2 and len(lines) == 1 and lines[0].startswith('gostart-emu: --max-memory') and
               r.stdout == '', f'--max-memory {bad}: one line, status 2', r.stdout + r.stderr)
    r = run(emu, '--cpus', '100', hello)
    expect(r.returncode == 2 and len(r.stderr.splitlines()) == 1, '--cpus 100: one line, status 2', r.stderr)


def outputs(emu, hello, misbehave, exitcode):
    with tempfile.TemporaryDirectory() as d:
        blocked = os.path.join(d, 'a-directory')
        os.mkdir(blocked)
        for argv, path in [(['check', '--html', '/nonexistent/x.html'], '/nonexistent/x.html'),
                           (['check', '--junit', blocked], blocked),
                           (['check', '-o', '/nonexistent/out.txt'], '/nonexistent/out.txt'),
                           (['run', '-o', '/nonexistent/out.txt'], '/nonexistent/out.txt'),
                           (['layout', '--svg', '/nonexistent/p.svg'], '/nonexistent/p.svg'),
                           (['trace', '--format', 'jsonl', '-o', blocked], blocked),
                           (['step', '-o', '/nonexistent/s.txt'], '/nonexistent/s.txt'),
                           (['step', '--script', '/nonexistent/s.gdb'], '/nonexistent/s.gdb'),
                           (['info', '--gdb-script', '/nonexistent/g.gdb'], '/nonexistent/g.gdb')]:
            t = time.time()
            r = run(emu, *argv, hello)
            lines = r.stderr.splitlines()
            what = ' '.join(argv)
            expect(r.returncode == 2, f'{what}: status {r.returncode}, not 2', r.stderr)
            expect(len(lines) == 1 and lines[0].startswith(f'gostart-emu: {path}: '), f'{what}: one line naming it',
                   r.stderr)
            expect('hi,world' not in r.stdout + r.stderr and time.time() - t < 20, f'{what}: refused before running',
                   r.stdout)

        junit, html, out, svg = (os.path.join(d, n) for n in ['j.xml', 'r.html', 'out.txt', 'p.svg'])
        r = run(emu, 'check', '--junit', junit, '--html', html, hello)
        expect(r.returncode == 0, 'check --junit --html', r.stderr)
        for path, what in [(junit, 'JUnit XML'), (html, 'HTML report')]:
            expect(f'gostart-emu: wrote {path} (' in r.stderr and what in r.stderr and os.path.getsize(path) > 0,
                   f'the {what} written and named', r.stderr)
        r = run(emu, '-o', out, hello)
        expect(r.stderr == f'gostart-emu: wrote {out} (the summary)\n' and 'main.main' in open(out).read(),
               'run -o FILE: the summary in FILE, named', r.stderr)
        r = run(emu, 'layout', '--svg', svg, hello)
        expect(f'gostart-emu: wrote {svg} (the picture as SVG)' in r.stderr, 'layout --svg FILE named', r.stderr)
        gdb = os.path.join(d, 'g.gdb')
        r = run(emu, 'info', '--gdb-script', gdb, hello + '-stripped')
        expect(f'gostart-emu: wrote {gdb} (a gdb script, and {gdb}.sym with ' in r.stderr, 'info --gdb-script named',
               r.stderr)
        os.unlink(junit)
        r = run(emu, 'check', '-q', '--junit', junit, hello)
        expect('wrote' not in r.stderr and os.path.exists(junit), '-q: no line naming the report', r.stderr)


def exit_note(emu, hello, misbehave, exitcode):
    for argv, why in [([emu, '--max-idle', '1', misbehave], 'the run was stopped before the program ended'),
                      ([emu, exitcode], 'main.main did not return')]:
        r = run(*argv)
        exit_line = [l for l in r.stderr.splitlines() if 'at exit' in l]
        expect(len(exit_line) == 1 and f'at exit: nothing to check: {why}' in exit_line[0] and '0/0' not in r.stderr,
               f'{os.path.basename(argv[-1])}: why nothing is checked at exit', r.stderr)
    r = run(emu, 'check', '--json', exitcode)
    exit_milestone = json.loads(r.stdout[r.stdout.index('{'):])['milestones'][-1]
    expect(exit_milestone['checks'] == [] and 'main.main did not return' in exit_milestone['note'],
           'check --json: the exit milestone says why it has no checks', r.stdout)
    r = run(emu, hello)
    expect('at exit: 1/1 model checks agree' in r.stderr, 'a program whose main.main returns: its status is checked',
           r.stderr)


def strace(emu, hello, misbehave, exitcode):
    r = run(emu, '-q', '--strace', '--clean-env', hello)
    for want in ['] read(3, "2097152\\n", 20) = 8\n', '] write(1, "hi,world\\n", 9) = 9\n',
                 '"/sys/kernel/mm/transparent_hugepage/hpage_pmd_size", O_RDONLY) = 3\n',
                 '] getrlimit(RLIMIT_NOFILE, 0x', '] setrlimit(RLIMIT_NOFILE, 0x', ', MADV_HUGEPAGE) = 0\n',
                 '] mmap(NULL, 262144, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x',
                 '] clone(CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM|CLONE_SETTLS, 0x']:
        expect(want in r.stderr, f'--strace shows {want.strip()}', r.stderr[:3000])
    r = run(emu, '-q', '--strace', '-s', '4', hello)
    expect('] write(1, "hi,w"..., 9) = 9\n' in r.stderr and '] read(3, "2097"..., 20) = 8\n' in r.stderr,
           '-s 4: four bytes of each buffer', r.stderr[:3000])


def info(emu, hello, misbehave, exitcode):
    """What the counts count: the symbol table's function symbols against readelf's, the pclntab's
    functions, and the difference named; the text grouped and aligned, saying the same as the JSON."""
    for binary in (hello, hello + '-stripped'):
        j = json.loads(run(emu, 'info', '--json', binary).stdout)
        funcs = set()
        for line in run('readelf', '-sW', binary).stdout.splitlines():
            f = line.split()
            if len(f) >= 8 and f[3] == 'FUNC' and f[6] != 'UND':
                funcs.add(int(f[1], 16))
        n, outside = j['function_symbols'], j['functions_outside_pclntab']
        expect(n == (len(funcs) if j['symtab'] else j['pclntab']['functions']),
               f'{binary}: function_symbols {n} vs readelf\'s {len(funcs)} distinct FUNC addresses', str(j))
        expect(j['pclntab']['functions'] + len(outside) == n, f'{binary}: pclntab functions + the rest', str(j))
        if j['symtab']:
            expect('runtime.etext' in outside, "hello: Go's linker's end-of-text marker is no pclntab function", str(j))
        summary = run(emu, '--max-insns', '1', binary).stderr.splitlines()[0]
        text = run(emu, 'info', binary).stdout
        if j['symtab']:
            want = f'{n} function symbols ({j["pclntab"]["functions"]} pclntab functions + runtime.etext)'
        else:
            want = f'{n} functions (from the pclntab: no symbol table)'
        expect(summary.endswith(want), f'run says what it counts: {want}', summary)
        expect(j['symtab'] == (want in text), 'info says the same', text)

    text = run(emu, 'info', hello).stdout
    lines = text.splitlines()
    expect(lines[0] == f'{hello}: go1.19.8 (from its build info)', 'info: the release first, as go version -m', text)
    for heading in ['ELF file', 'pclntab', 'struct layouts', 'start-up, in the order rt0_go reaches it',
                    'runtime data (from the symbol table)']:
        expect(heading in lines, f'info: a group {heading!r}', text)
    rows = [l for l in lines if l.startswith('  ')]
    columns = {m.start(2) if m else -1 for m in (re.match(r'  (\S.*?) {2,}(\S)', l) for l in rows)}
    expect(len(columns) == 1, f'info: one value column, not {sorted(columns)}', text)
    expect(any(l.split() == ['build', 'CGO_ENABLED=0'] for l in rows), 'info: build settings as go version -m', text)
    expect(not any('.' in l.split()[0] and ':' in l.split()[0] for l in rows), 'info: no flattened JSON keys', text)
    addr = json.loads(run(emu, 'info', '--json', hello).stdout)['symbols']['runtime.schedinit']
    expect(any(l.split() == ['runtime.schedinit', addr] for l in rows), 'info: the addresses as the JSON', text)


def on_terminal(argv, timeout=120):
    """Runs argv with stdout and stderr on a pseudo-terminal; returns (everything it wrote, seconds)."""
    pid, fd = pty.fork()
    if pid == 0:
        os.execv(argv[0], argv)
    out, start = b'', time.time()
    while time.time() - start < timeout:
        r, _, _ = select.select([fd], [], [], 0.5)
        if not r:
            continue
        try:
            data = os.read(fd, 65536)
        except OSError:  # the child ended: EIO on Linux
            break
        if not data:
            break
        out += data
    took = time.time() - start
    os.waitpid(pid, 0)
    return out.decode(errors='replace'), took


def progress(emu, hello, misbehave, exitcode):
    gcchurn = os.path.join(os.path.dirname(hello), 'gcchurn')
    argv = [emu, '--max-insns', '60000000', gcchurn]
    screen, took = on_terminal(argv)
    line = re.compile(r'\rgostart-emu: +\d+ insns  \d+ threads  thread \d+ in \S+\x1b\[K')
    shown = line.findall(screen)
    expect(shown, 'a progress line on a terminal', screen[-2000:])
    expect(len(shown) <= 10 * took + 2, f'{len(shown)} redraws in {took:.1f} s: at most ten a second', screen[-2000:])
    counts = [int(re.search(r'(\d+) insns', l).group(1)) for l in shown]
    expect(counts == sorted(counts), 'the count goes up', str(counts))
    # After each drawing comes the next drawing or the erasure, never other output on its line.
    for m in line.finditer(screen):
        expect(screen[m.end():m.end() + 1] in ('\r', ''), 'the line is erased before other output',
               repr(screen[m.start():m.end() + 80]))
    expect('instruction limit reached (60000000 instructions)' in screen, 'the run ends with its own lines', screen[-500:])
    last = screen.rfind('\x1b[K')
    expect(screen[last - 1:last] == '\r' and '\x1b' not in screen[last + 3:], 'erased at the end, nothing after',
           repr(screen[-600:]))
    # Not on a pipe, nor with -q.
    r = run(*argv)
    expect('\x1b' not in r.stderr and '\r' not in r.stderr and r.returncode == 125, 'a pipe sees no progress',
           r.stderr[:500])
    screen, _ = on_terminal([emu, '-q', '--max-insns', '60000000', gcchurn])
    expect('\x1b[K' not in screen, '-q: no progress', screen[-500:])


ERR = ''


def main():
    global ERR
    case, emu, hello, misbehave, exitcode = sys.argv[1:6]
    with tempfile.NamedTemporaryFile(suffix='.stderr') as f:
        ERR = f.name
        {'reports': reports, 'usage': usage, 'outputs': outputs, 'exit': exit_note, 'strace': strace, 'info': info, 'progress': progress}[case](emu, hello, misbehave, exitcode)
    print('ok')


if __name__ == '__main__':
    main()
