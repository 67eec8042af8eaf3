#!/usr/bin/env python3
"""tools/layoutgen: (1) on the machine's Go tree it reproduces the committed layouts/go1.N.txt (N = that tree's
release; skipped with 77 when there is no committed layout for it); (2) it lays out a small made-up runtime as
computed by hand with cmd/compile's rules, and the same when the tree also holds declarations go1.19 cannot
type-check elsewhere (a generic type alias, `min` in a constant: as go1.24+ trees do); (3) it refuses a tree
whose structures hold an undefined type, or with a syntax error inside a structure.
Usage: layoutgen_test.py --layoutgen EXE --go GO --layouts DIR"""
import argparse, pathlib, re, subprocess, sys, tempfile

FAKE_RUNTIME = '''package runtime

type stack struct {
	lo uintptr
	hi uintptr
}

// A trailing zero-size field: cmd/compile pads the struct by one byte (16 -> 17), then rounds it to its
// alignment (24); go1.19's go/types alone would say 16.
type gobuf struct {
	sp  uintptr
	b   [8]byte
	end struct{}
}

type g struct {
	stack stack  // 0, 16
	flag  bool   // 16
	n     uint32 // 20
	sched gobuf  // 24, 24
	arr   [3]gobuf
}

type m struct{ g0 *g }
type p struct{ id int32 }
type schedt struct{ goidgen uint64 }
'''

EXPECTED = {  # computed by hand from the declarations above
    'g': (-1, 16 + 8 + 24 + 3 * 24), 'g.stack': (0, 16), 'g.stack.hi': (8, 8), 'g.flag': (16, 1), 'g.n': (20, 4),
    'g.sched': (24, 24), 'g.sched.b': (32, 8), 'g.sched.end': (40, 0), 'g.arr': (48, 72), 'gobuf': (-1, 24),
    'stack': (-1, 16), 'm': (-1, 8), 'p': (-1, 4), 'schedt': (-1, 8),
}


# Declarations newer than go1.19 that do not touch the structures.
NEWER = 'package runtime\n\ntype seq[T any] = func(yield func(T) bool)\n\nconst pagesPerChunk = min(512, 8192)\n'


def fake_tree(root, runtime_src, newer=None):
    (root / 'src/runtime').mkdir(parents=True)
    if newer:
        (root / 'src/runtime/newer.go').write_text(newer)
    (root / 'src/internal/goversion').mkdir(parents=True)
    (root / 'src/internal/goversion/goversion.go').write_text('package goversion\n\nconst Version = 19\n')
    (root / 'src/runtime/runtime2.go').write_text(runtime_src)


def parse(text):
    return {k: (int(o), int(s)) for k, o, s in (line.split() for line in text.splitlines())}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--layoutgen', required=True)
    ap.add_argument('--go', required=True)
    ap.add_argument('--layouts', required=True, type=pathlib.Path)
    a = ap.parse_args()
    errors = []

    for newer in (None, NEWER):
        with tempfile.TemporaryDirectory() as d:
            fake_tree(pathlib.Path(d), FAKE_RUNTIME, newer)
            r = subprocess.run([a.layoutgen, d], capture_output=True, text=True)
            what = 'made-up tree' + (' with newer declarations' if newer else '')
            if r.returncode != 0:
                errors.append(f'{what}: exit {r.returncode}: {r.stderr.strip()}')
                continue
            got = parse(r.stdout)
            for k, v in EXPECTED.items():
                if got.get(k) != v:
                    errors.append(f'{what}: {k} is {got.get(k)}, expected {v}')
            if newer and '0 parse errors and 2 type errors' not in r.stderr:
                errors.append(f'{what}: the two errors are not counted: {r.stderr.strip()!r}')
    with tempfile.TemporaryDirectory() as d:
        fake_tree(pathlib.Path(d), FAKE_RUNTIME.replace('n     uint32', 'n     notDeclared'))
        r = subprocess.run([a.layoutgen, d], capture_output=True, text=True)
        if r.returncode == 0 or 'g.n: invalid type' not in r.stderr:
            errors.append(f'undefined field type: exit {r.returncode}, stderr {r.stderr.strip()!r}; expected a refusal naming g.n')
    with tempfile.TemporaryDirectory() as d:
        # g alone in a file with a syntax error among its fields: the parser keeps a g without the fields
        # after the error (a 40-byte g), so only the file rule stands between that and a short layout.
        g = FAKE_RUNTIME[FAKE_RUNTIME.index('type g struct'):FAKE_RUNTIME.index('type m struct')]
        fake_tree(pathlib.Path(d), FAKE_RUNTIME.replace(g, ''))
        pathlib.Path(d, 'src/runtime/g.go').write_text('package runtime\n\n' + g.replace('n     uint32', 'n     uint32 = 3'))
        r = subprocess.run([a.layoutgen, d], capture_output=True, text=True)
        if r.returncode == 0 or r.stdout or 'declares g' not in r.stderr:
            errors.append(f'syntax error in g: exit {r.returncode}, printed {len(r.stdout)} bytes, stderr '
                          f'{r.stderr.strip()!r}; expected a refusal naming g')

    goroot = subprocess.run([a.go, 'env', 'GOROOT'], capture_output=True, text=True, check=True).stdout.strip()
    version = pathlib.Path(goroot, 'src/internal/goversion/goversion.go').read_text()
    minor = int(re.search(r'const Version = (\d+)', version).group(1))
    committed = a.layouts / f'go1.{minor}.txt'
    skipped = not committed.exists()
    if skipped:
        print(f'{goroot} is go1.{minor}: no committed layout to compare with', file=sys.stderr)
    else:
        r = subprocess.run([a.layoutgen, goroot], capture_output=True, text=True)
        if r.returncode != 0:
            errors.append(f'{goroot}: exit {r.returncode}: {r.stderr.strip()}')
        elif r.stdout != committed.read_text():
            want, got = parse(committed.read_text()), parse(r.stdout)
            diff = sorted(k for k in set(want) | set(got) if want.get(k) != got.get(k))
            errors.append(f'{goroot}: differs from {committed} at {diff[:10]}')

    for e in errors:
        print(e, file=sys.stderr)
    sys.exit(1 if errors else (77 if skipped else 0))


if __name__ == '__main__':
    main()
