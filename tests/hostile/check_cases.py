#!/usr/bin/env python3
"""The bad-input generator's cases and the tests meson declares must be the same list, and each must
have an expectation in bad_input_test.py: a maker without a test (or a test without a maker) fails."""
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bad_input_test  # noqa: E402

maker = sys.argv[1]
declared = set(sys.argv[2:])
made = set(subprocess.run([sys.executable, maker, "--list"], capture_output=True, text=True, check=True).stdout.split())
expected = set(bad_input_test.EXPECT)
problems = []
for name, other, what in ((made, declared, "made but not tested by meson"), (declared, made, "tested but not made"),
                          (made, expected, "made but without an expectation")):
    for c in sorted(name - other):
        problems.append("%s: %s" % (c, what))
print("\n".join(problems) if problems else "ok: %d cases" % len(made))
print("%d passed, %d failed" % (0 if problems else 1, 1 if problems else 0))
sys.exit(1 if problems else 0)
