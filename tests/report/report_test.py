#!/usr/bin/env python3
"""`gostart-emu check --html` renders in a real browser: headless Chromium takes a screenshot of the
report of hello, and the PNG must be large and not one flat colour. Exit 77 (skipped) only when no
Chromium is installed; .ci/run installs it, so CI always runs this.

Usage: report_test.py GOSTART_EMU HELLO
"""
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib


def png_pixels_vary(path):
    """Reads the PNG with the standard library: IHDR for the size, IDAT inflated; True when the raw
    scanlines hold many distinct byte values (a blank page has one or two)."""
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        return False, "not a PNG"
    pos, idat, width, height = 8, b"", 0, 0
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            width, height = struct.unpack(">II", body[:8])
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    raw = zlib.decompress(idat)
    distinct = len(set(raw[::7]))
    return width >= 1000 and height >= 1000 and distinct > 40, f"{width}x{height}, {distinct} distinct byte values"


def main():
    emu, hello = os.path.abspath(sys.argv[1]), sys.argv[2]
    browser = next((b for b in ("/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser"))
                    if b and os.path.exists(b)), None)
    if not browser:
        print("skipped: no chromium installed (apt-get install -y chromium)")
        sys.exit(77)
    with tempfile.TemporaryDirectory() as tmp:
        html = os.path.join(tmp, "report.html")
        png = os.path.join(tmp, "out.png")
        p = subprocess.run([emu, "check", "--clean-env", "-q", "--html", html, "./hello"],
                           cwd=os.path.dirname(os.path.abspath(hello)), capture_output=True)
        if p.returncode != 0 or not os.path.exists(html):
            sys.exit(f"FAIL: check --html exited {p.returncode}: {p.stderr.decode()[-2000:]}")
        page = open(html, encoding="utf-8").read()
        for needle in ["<svg", "Start-up timeline", "runtime.schedinit", "arch_prctl", "runtime.mallocinit"]:
            if needle not in page:
                sys.exit(f"FAIL: the report lacks {needle!r}")
        if "http://" in page.replace('xmlns="http://www.w3.org/2000/svg"', "") or "https://" in page:
            sys.exit("FAIL: the report refers to an external resource")
        profile = tempfile.mkdtemp(dir=tmp)
        subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                        "--disable-background-networking", "--disable-component-update", "--disable-sync",
                        f"--user-data-dir={profile}", f"--screenshot={png}", "--window-size=1280,2000",
                        "file://" + html], capture_output=True, timeout=120, cwd=tmp)
        if not os.path.exists(png) or os.path.getsize(png) < 30000:
            sys.exit(f"FAIL: no screenshot, or a tiny one ({os.path.getsize(png) if os.path.exists(png) else 0} bytes)")
        ok, why = png_pixels_vary(png)
        if not ok:
            sys.exit(f"FAIL: the screenshot looks blank: {why}")
        print("ok:", why)


if __name__ == "__main__":
    main()
