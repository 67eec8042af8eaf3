#!/usr/bin/env python3
"""The Unicorn set-up (DEVELOPERS.md, "The Unicorn cache"), offline:
  - the binary runs on the Unicorn meson configured it with (`--version` names it; bookworm's libunicorn.a
    is on every machine too, and a static link could take the wrong one);
  - tools/get-unicorn: a forced fallback prints nothing for pkg-config and says so in one line; a
    complete cache is used without apt; a bad GOSTART_EMU_UNICORN is refused;
  - tools/configure-build points a new build dir at a Unicorn, switches an existing one, and leaves it
    alone the second time.
Usage: unicorn_setup_test.py EMU UNICORN_VERSION SOURCE_ROOT"""
import json
import os
import subprocess
import sys
import tempfile

emu, want_version, root = sys.argv[1:4]
failures = []


def check(ok, what):
    if not ok:
        failures.append(what)
        print("FAIL: " + what)


def run(argv, env=None, **kw):
    e = dict(os.environ)
    e.update(env or {})
    return subprocess.run(argv, env=e, capture_output=True, text=True, **kw)


# 1. The Unicorn linked is the one meson found.
out = run([emu, "--version"]).stdout
check(f"(Unicorn {want_version}, Capstone " in out, f"--version names Unicorn {want_version}: {out!r}")

get = os.path.join(root, "tools", "get-unicorn")
configure = os.path.join(root, "tools", "configure-build")
with tempfile.TemporaryDirectory() as td:
    # 2. get-unicorn without the network.
    r = run(["bash", get], env={"GOSTART_EMU_UNICORN": "bookworm", "GOSTART_EMU_CACHE": td})
    check(r.returncode == 0 and r.stdout == "", f"forced fallback: status 0, no pkg-config dir ({r.returncode}, {r.stdout!r})")
    lines = r.stderr.splitlines()
    check(len(lines) == 1 and "bookworm's libunicorn-dev" in lines[0], f"forced fallback: one line naming it: {lines}")

    prefix = os.path.join(td, "unicorn-2.1.1")
    os.makedirs(os.path.join(prefix, "lib", "pkgconfig"))
    with open(os.path.join(prefix, "ORIGIN"), "w") as f:
        f.write("binary a test's stand-in\n")
    r = run(["bash", get], env={"GOSTART_EMU_CACHE": td, "GOSTART_EMU_UNICORN": ""})
    check(r.stdout.strip() == os.path.join(prefix, "lib", "pkgconfig"), f"a complete cache is used: {r.stdout!r}")
    check(len(r.stderr.splitlines()) == 1 and "a test's stand-in" in r.stderr, f"one line naming the cache: {r.stderr!r}")

    r = run(["bash", get], env={"GOSTART_EMU_UNICORN": "nonsense", "GOSTART_EMU_CACHE": td})
    check(r.returncode == 2 and "GOSTART_EMU_UNICORN=nonsense" in r.stderr, f"a bad choice is refused: {r.returncode} {r.stderr!r}")

    # 3. configure-build on a project that only asks pkg-config for Unicorn's version.
    proj = os.path.join(td, "proj")
    os.makedirs(proj)
    with open(os.path.join(proj, "meson.build"), "w") as f:
        f.write("project('p', 'c')\nmessage('unicorn ' + dependency('unicorn').version())\n")
    pc = os.path.join(td, "pc")
    os.makedirs(pc)
    with open(os.path.join(pc, "unicorn.pc"), "w") as f:
        f.write("Name: unicorn\nDescription: a stand-in\nVersion: 9.8.7\nLibs:\nCflags:\n")
    build = os.path.join(td, "build")

    def pkg_config_path():
        opts = json.loads(run(["meson", "introspect", "--buildoptions", build]).stdout)
        return next(o["value"] for o in opts if o["name"] == "pkg_config_path")

    def found():
        log = open(os.path.join(build, "meson-logs", "meson-log.txt")).read()
        return log.rsplit("Message: unicorn ", 1)[-1].split("\n", 1)[0]

    r = run(["bash", configure, build, ""], cwd=proj)
    check(r.returncode == 0 and pkg_config_path() == [], f"set up with the system's Unicorn: {r.stderr!r} {pkg_config_path()}")
    system_version = found()
    r = run(["bash", configure, build, pc], cwd=proj)
    check(r.returncode == 0 and "switching Unicorn" in r.stderr and found() == "9.8.7",
          f"switched to the cache's: {r.stderr!r}, found {found()}")
    r = run(["bash", configure, build, pc], cwd=proj)
    check(r.returncode == 0 and r.stderr == "", f"the second time changes nothing: {r.stderr!r}")
    r = run(["bash", configure, build, ""], cwd=proj)
    check(found() == system_version and pkg_config_path() == [], f"switched back: found {found()}")

print(f"unicorn set-up: {len(failures)} failure(s)" if failures else "unicorn set-up: all checks passed")
sys.exit(1 if failures else 0)
