#!/usr/bin/env python3
"""tools/check-includes can fail: on scratch trees made to break each rule, and on a copy of this
source tree with one include added that runs back up (stepper/ including app/), it exits 1 and names
the file, the line and the folder; on trees that keep the rules it exits 0 and says nothing.

Usage: check_includes_test.py CHECK_INCLUDES SOURCE_ROOT"""
import os
import shutil
import subprocess
import sys
import tempfile

CHECK, SOURCE_ROOT = sys.argv[1], sys.argv[2]
failures = []


def write(root, path, text):
    full = os.path.join(root, path)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, 'w') as f:
        f.write(text)


def run(root):
    r = subprocess.run([sys.executable, CHECK, root], capture_output=True, text=True)
    return r.returncode, r.stdout + r.stderr


def expect(name, root, status, *messages, absent=()):
    code, out = run(root)
    if code != status:
        failures.append(f'{name}: exit {code}, expected {status}; output:\n{out}')
    for m in messages:
        if m not in out:
            failures.append(f'{name}: output lacks {m!r}; output:\n{out}')
    for m in absent:
        if m in out:
            failures.append(f'{name}: output has {m!r}; output:\n{out}')
    if status == 0 and out:
        failures.append(f'{name}: a clean tree printed:\n{out}')


def scratch():
    """base/ builds base_dep; top/ builds on it (a list kept in a variable); tests/help/ is header-only."""
    root = tempfile.mkdtemp(prefix='check-includes-')
    write(root, 'meson.build', "project('scratch', 'cpp')\nsubdir('base')\nsubdir('top')\n")
    write(root, 'base/meson.build', "base_lib = static_library('base', 'base.cpp')\n"
                                    "base_dep = declare_dependency(link_with : base_lib)\n")
    write(root, 'base/base.h', '#pragma once\n')
    write(root, 'base/base.cpp', '#include "base/base.h"\n#include <fmt/format.h>\n#include "CLI/CLI.hpp"\n')
    write(root, 'top/meson.build', "# base_dep in a comment does not count\n"
                                   "top_deps = [base_dep, fmt_dep]\n"
                                   "top_lib = static_library('top', 'top.cpp', dependencies : top_deps)\n"
                                   "top_dep = declare_dependency(link_with : top_lib)\n")
    write(root, 'top/top.h', '#pragma once\n#include "base/base.h"\n')
    write(root, 'top/top.cpp', '#include "top/top.h"\n')
    write(root, 'tests/meson.build', "subdir('help')\nsubdir('unit')\n")
    write(root, 'tests/help/meson.build', "# header-only helpers\n")
    write(root, 'tests/help/helper.h', '#pragma once\n')
    write(root, 'tests/unit/meson.build', "executable('t', 't.cpp', dependencies : [top_dep])\n")
    write(root, 'tests/unit/t.cpp', '#include "top/top.h"\n#include "tests/help/helper.h"\n')
    return root


roots = []
try:
    root = scratch(); roots.append(root)
    expect('clean scratch tree', root, 0)

    root = scratch(); roots.append(root)
    write(root, 'tests/unit/t.cpp', '#include "top/top.h"\n\n#include "base/base.h"\n')
    expect('undeclared folder', root, 1,
           'tests/unit/t.cpp:3: includes base/base.h, but tests/unit/meson.build does not declare base/ (base_dep)',
           absent=('t.cpp:1:',))

    root = scratch(); roots.append(root)
    write(root, 'top/meson.build', "# base_dep in a comment does not count\n"
                                   "top_lib = static_library('top', 'top.cpp', dependencies : [fmt_dep])\n"
                                   "top_dep = declare_dependency(link_with : top_lib, dependencies : [base_dep])\n")
    expect('declared only on the dependency object, not the library', root, 1,
           'top/top.h:2: includes base/base.h, but top/meson.build does not declare base/ (base_dep)')

    root = scratch(); roots.append(root)
    write(root, 'top/top.cpp', '#include "top/top.h"\n#include "tests/help/helper.h"\n')
    expect('header-only folder from another top-level folder', root, 1,
           'top/top.cpp:2: includes tests/help/helper.h: tests/help/ builds no library, so only tests/ may include it')

    root = scratch(); roots.append(root)
    write(root, 'base/base.h', '#pragma once\n#include "top/top.h"\n')
    expect('a cycle', root, 1,
           'base/base.h:2: includes top/top.h, but base/meson.build does not declare top/ (top_dep)',
           'include cycle between folders: base/ -> top/ (base/base.h:2), top/ -> base/ (top/top.h:2)')

    root = scratch(); roots.append(root)
    write(root, 'tests/other/meson.build', "# header-only\n")
    write(root, 'tests/other/other.h', '#pragma once\n#include "tests/help/helper.h"\n')
    write(root, 'tests/help/helper.h', '#pragma once\n#include "tests/other/other.h"\n')
    expect('a cycle of declared-free header folders', root, 1, 'include cycle between folders: tests/help/ -> tests/other/')

    root = scratch(); roots.append(root)
    arrows = '<!-- check-includes --graph -->\n```\nbase/ -> (none of ours)\ntop/ -> base/\n```\n'
    write(root, 'doc.md', '# Doc\n\n' + arrows)
    r = subprocess.run([sys.executable, CHECK, '--graph', root], capture_output=True, text=True)
    if r.returncode != 0 or r.stdout != 'base/ -> (none of ours)\ntop/ -> base/\n':
        failures.append(f'--graph on the scratch tree: exit {r.returncode}, printed:\n{r.stdout}{r.stderr}')
    r = subprocess.run([sys.executable, CHECK, '--check-doc', os.path.join(root, 'doc.md'), root],
                       capture_output=True, text=True)
    if r.returncode != 0 or r.stderr:
        failures.append(f'an up-to-date doc: exit {r.returncode}, said:\n{r.stderr}')
    write(root, 'doc.md', '# Doc\n\n' + arrows.replace('top/ -> base/', 'top/ -> (none of ours)'))
    r = subprocess.run([sys.executable, CHECK, '--check-doc', os.path.join(root, 'doc.md'), root],
                       capture_output=True, text=True)
    if r.returncode != 1 or 'doc.md: the folder arrows after <!-- check-includes --graph --> are stale' not in r.stderr:
        failures.append(f'a stale doc: exit {r.returncode}, said:\n{r.stderr}')

    # This tree, as it is, keeps the rules; with one arrow running back up it does not.
    copy = tempfile.mkdtemp(prefix='check-includes-tree-'); roots.append(copy)
    ignore = shutil.ignore_patterns('.*', 'build*', 'testdata')
    for entry in os.listdir(SOURCE_ROOT):
        src = os.path.join(SOURCE_ROOT, entry)
        if entry.startswith('.') or entry.startswith('build') or entry == 'testdata':
            continue
        if os.path.isdir(src):
            shutil.copytree(src, os.path.join(copy, entry), ignore=ignore)
        else:
            shutil.copy(src, copy)
    expect('this source tree', copy, 0)
    repl = os.path.join(copy, 'stepper', 'repl.cpp')
    with open(repl) as f:
        text = f.read()
    with open(repl, 'w') as f:
        f.write('#include "app/commands.h"\n' + text)
    expect('this source tree with stepper/ including app/', copy, 1,
           'stepper/repl.cpp:1: includes app/commands.h, but stepper/meson.build does not declare app/ (app_dep)',
           'include cycle between folders: app/ -> ')
finally:
    for r in roots:
        shutil.rmtree(r, ignore_errors=True)

for f in failures:
    print('FAIL', f)
sys.exit(1 if failures else 0)
