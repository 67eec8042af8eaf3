#!/usr/bin/env python3
"""Makes one hostile input from real binaries: a copy of a testdata program with bytes patched, cut or
replaced, so that no binary is ever committed. Each maker takes the ingredients and the output path.

Usage: make_bad_input.py CASE OUT --hello PATH [--not-go PATH] [--goamd64-v3 PATH]
       make_bad_input.py --list
The test (bad_input_test.py) imports CASES and says what each input must give."""

import argparse
import os
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from elf_file import Elf, PF_X, PF_W  # noqa: E402

EM_386, EM_AARCH64 = 3, 183


def read(path):
    with open(path, "rb") as f:
        return f.read()


def write(path, data, mode=0o755):
    with open(path, "wb") as f:
        f.write(data)
    os.chmod(path, mode)


# ---- files that are not ELF executables at all ----

def make_missing(ing, out):
    pass  # nothing is created: the path names no file


def make_directory(ing, out):
    os.mkdir(out)


def make_empty(ing, out):
    write(out, b"")


def make_script(ing, out):
    write(out, b"#!/bin/sh\necho hello\n")


# ---- cut short ----

def make_truncated_ehdr(ing, out):
    write(out, read(ing.hello)[:40])   # inside the 64-byte file header


def make_truncated_phdrs(ing, out):
    elf = Elf.read(ing.hello)
    write(out, bytes(elf.data[:elf.e_phoff + 56 + 20]))   # in the second program header


def make_truncated_sections(ing, out):
    # Cut right after the last loadable segment's bytes: what Linux maps is whole, the symbol table,
    # DWARF and section headers are gone.
    elf = Elf.read(ing.hello)
    end = max(p.offset + p.filesz for p in elf.loads())
    write(out, bytes(elf.data[:end]))


def make_truncated_mid(ing, out):
    data = read(ing.hello)
    write(out, data[:len(data) // 2])   # headers intact, segments and section table cut off


# ---- another machine or class ----

def make_arm64(ing, out):
    elf = Elf.read(ing.hello)
    elf.put(Elf.OFF_MACHINE, "H", EM_AARCH64)
    elf.write(out)


def make_i386(ing, out):
    # A 386 executable is ELFCLASS32 with e_machine EM_386 (same offset in both classes).
    elf = Elf.read(ing.hello)
    elf.data[Elf.OFF_CLASS] = 1
    elf.put(Elf.OFF_MACHINE, "H", EM_386)
    elf.write(out)


def make_elf32(ing, out):
    elf = Elf.read(ing.hello)
    elf.data[Elf.OFF_CLASS] = 1   # 32-bit class, the machine left as x86-64
    elf.write(out)


def make_big_endian(ing, out):
    elf = Elf.read(ing.hello)
    elf.data[Elf.OFF_DATA] = 2
    elf.write(out)


def make_not_executable(ing, out):
    elf = Elf.read(ing.hello)
    elf.put(16, "H", 1)   # e_type ET_REL: an object file
    elf.write(out)


# ---- Go builds the emulated CPU cannot run ----

def patch_goamd64(ing, out, level):
    # The build settings in .go.buildinfo say which GOAMD64 level the compiler targeted.
    elf = Elf.read(ing.hello)
    bi = elf.section(".go.buildinfo")
    at = elf.data.find(b"GOAMD64=v1", bi.offset, bi.offset + bi.size)
    if at < 0:
        raise SystemExit("hello's .go.buildinfo has no GOAMD64=v1 build setting")
    elf.put_bytes(at, b"GOAMD64=" + level.encode())
    elf.write(out)


def make_goamd64_v2(ing, out):
    patch_goamd64(ing, out, "v2")


def make_goamd64_v3(ing, out):
    # A real GOAMD64=v3 build (meson builds it): the compiler emits AVX2/BMI instructions.
    shutil.copy(ing.goamd64_v3, out)


def make_not_go(ing, out):
    shutil.copy(ing.not_go, out)   # a static C program (gcc -static)


# ---- program headers ----

def first_load(elf, flags):
    return next(p for p in elf.loads() if p.flags == flags)


def make_phdr_absurd_memsz(ing, out):
    elf = Elf.read(ing.hello)
    elf.set_phdr(first_load(elf, 4 | PF_W), memsz=1 << 62)   # the data segment claims 4 EiB
    elf.write(out)


def make_phdr_large_memsz(ing, out):
    # 256 GiB of .bss: a legal-looking size that no guest memory limit allows.
    elf = Elf.read(ing.hello)
    elf.set_phdr(first_load(elf, 4 | PF_W), memsz=256 << 30)
    elf.write(out)


def make_phdr_absurd_offset(ing, out):
    elf = Elf.read(ing.hello)
    elf.set_phdr(first_load(elf, 4), offset=1 << 60)
    elf.write(out)


def make_phdr_filesz_over_memsz(ing, out):
    elf = Elf.read(ing.hello)
    p = first_load(elf, 4 | PF_W)
    elf.set_phdr(p, memsz=p.filesz - 0x100)
    elf.write(out)


def make_phdr_count_huge(ing, out):
    elf = Elf.read(ing.hello)
    elf.put(Elf.OFF_PHNUM, "H", 0xffff)
    elf.write(out)


def make_phdr_entsize(ing, out):
    elf = Elf.read(ing.hello)
    elf.put(Elf.OFF_PHENTSIZE, "H", 0x1000)
    elf.write(out)


def make_segments_overlap(ing, out):
    # The read-only data segment moved onto the text: each would overwrite the other's bytes.
    elf = Elf.read(ing.hello)
    text, rodata = first_load(elf, 4 | PF_X), first_load(elf, 4)
    elf.set_phdr(rodata, vaddr=text.vaddr + 0x1000, paddr=text.vaddr + 0x1000)
    elf.write(out)


def make_segment_kernel_half(ing, out):
    elf = Elf.read(ing.hello)
    elf.set_phdr(first_load(elf, 4), vaddr=0xffff800000000000, paddr=0xffff800000000000)
    elf.write(out)


def make_entry_outside(ing, out):
    elf = Elf.read(ing.hello)
    elf.put(Elf.OFF_ENTRY, "Q", 0x10)
    elf.write(out)


def make_entry_in_data(ing, out):
    elf = Elf.read(ing.hello)
    elf.put(Elf.OFF_ENTRY, "Q", first_load(elf, 4 | PF_W).vaddr + 0x40)   # in the writable data, not code
    elf.write(out)


def make_shdrs_past_end(ing, out):
    elf = Elf.read(ing.hello)
    elf.put(Elf.OFF_SHOFF, "Q", len(elf.data) - 0x100)
    elf.write(out)


# ---- Go metadata ----

def make_pclntab_magic(ing, out):
    elf = Elf.read(ing.hello)
    elf.put(elf.section(".gopclntab").offset, "I", 0x12345678)
    elf.write(out)


def make_pclntab_nfunc(ing, out):
    # nfunc (the first header word) far larger than the table can hold.
    elf = Elf.read(ing.hello)
    elf.put(elf.section(".gopclntab").offset + 8, "Q", 1 << 40)
    elf.write(out)


def make_pclntab_suboffset(ing, out):
    # funcnametabOffset (header word 3 of a 1.18+ table) past the end of the section.
    elf = Elf.read(ing.hello)
    elf.put(elf.section(".gopclntab").offset + 8 + 3 * 8, "Q", 1 << 40)
    elf.write(out)


def make_pclntab_functab(ing, out):
    # Garbage over the function table (after the 8-word header and the sub-tables' start).
    elf = Elf.read(ing.hello)
    s = elf.section(".gopclntab")
    hdr = s.offset
    functab = hdr + int.from_bytes(elf.data[hdr + 8 + 7 * 8:hdr + 8 + 8 * 8], "little")   # pclnOffset... funcdata
    elf.put_bytes(functab, bytes([0xff] * 64))
    elf.write(out)


def make_buildinfo_corrupt(ing, out):
    # The inline version string's length (a uvarint after the 32-byte header) made enormous.
    elf = Elf.read(ing.hello)
    at = elf.section(".go.buildinfo").offset + 32
    elf.put_bytes(at, bytes([0xff, 0xff, 0xff, 0xff, 0x0f]))
    elf.write(out)


def make_buildinfo_version_garbage(ing, out):
    # The inline version's bytes (after its 1-byte length) made newlines, control bytes and an escape
    # sequence: once an 8-line message of raw bytes.
    elf = Elf.read(ing.hello)
    at = elf.section(".go.buildinfo").offset + 33
    elf.put_bytes(at, b"\n\x01\x1b[2J\n")
    elf.write(out)


def make_buildinfo_setting_escape(ing, out):
    # A build setting's value (GOOS=linux) made a terminal escape sequence of the same length.
    elf = Elf.read(ing.hello)
    s = elf.section(".go.buildinfo")
    blob = bytes(elf.data[s.offset:s.offset + s.size])
    at = blob.index(b"GOOS=linux") + len("GOOS=")
    elf.put_bytes(s.offset + at, b"\x1b[31m")
    elf.write(out)


def make_symbol_escape(ing, out):
    # The entry's name, in the symbol table and the pclntab alike, made to hold an escape sequence
    # (ESC ] 0 ; sets a terminal's title); same length, so nothing else moves.
    elf = Elf.read(ing.hello)
    name, evil = b"_rt0_amd64_linux", b"_rt0\x1b]0;owned\x07xy"
    assert len(name) == len(evil)
    data = bytes(elf.data)
    at = data.find(name)
    if at < 0:
        raise SystemExit("hello has no _rt0_amd64_linux")
    while at >= 0:
        elf.put_bytes(at, evil)
        at = data.find(name, at + 1)
    elf.write(out)


def make_no_execute_bit(ing, out):
    # hello as it is, without the execute permission.
    Elf.read(ing.hello).write(out, mode=0o644)


def make_buildinfo_ptrsize(ing, out):
    elf = Elf.read(ing.hello)
    elf.data[elf.section(".go.buildinfo").offset + 14] = 3   # pointer size neither 4 nor 8
    elf.write(out)


def make_dwarf_corrupt(ing, out):
    # .debug_info is zlib-compressed (SHF_COMPRESSED): garbage after its Elf64_Chdr breaks the stream.
    elf = Elf.read(ing.hello)
    s = elf.section(".debug_info")
    elf.put_bytes(s.offset + 24, bytes(range(256)) * 4)
    elf.write(out)


def make_dwarf_chdr(ing, out):
    # The compression header claims a 1 TiB uncompressed size.
    elf = Elf.read(ing.hello)
    s = elf.section(".debug_info")
    elf.put(s.offset + 8, "Q", 1 << 40)
    elf.write(out)


CASES = {name[len("make_"):].replace("_", "-"): fn for name, fn in globals().items() if name.startswith("make_")}


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("case", nargs="?")
    p.add_argument("out", nargs="?")
    p.add_argument("--hello")
    p.add_argument("--not-go")
    p.add_argument("--goamd64-v3")
    p.add_argument("--list", action="store_true")
    o = p.parse_args(argv)
    if o.list:
        print("\n".join(CASES))
        return 0
    CASES[o.case](o, o.out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
