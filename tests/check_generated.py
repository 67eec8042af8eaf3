#!/usr/bin/env python3
"""Fails when a committed generated file differs from what its generator prints now."""
import subprocess, sys, difflib
gen, committed = sys.argv[1], sys.argv[2]
now = subprocess.run([gen], check=True, capture_output=True, text=True).stdout
old = open(committed).read()
if now != old:
    sys.stdout.writelines(difflib.unified_diff(old.splitlines(True), now.splitlines(True), committed, gen))
    print(f"\n{committed} is stale: regenerate it with `{gen} > {committed}`")
    sys.exit(1)
print(f"{committed}: up to date")
