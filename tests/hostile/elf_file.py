"""A small reader and patcher of 64-bit little-endian ELF files, for the tests that make hostile inputs
from real binaries (a copy is patched; the binaries themselves are never committed).

Only what the generators need: the file header, program headers, section headers with their names, and
.symtab. Python 3 standard library only, independent of the emulator's own loader, so that a bug there
cannot hide itself in the test inputs."""

import struct

EHDR = struct.Struct("<16sHHIQQQIHHHHHH")   # Elf64_Ehdr
PHDR = struct.Struct("<IIQQQQQQ")           # Elf64_Phdr
SHDR = struct.Struct("<IIQQQQIIQQ")         # Elf64_Shdr
SYM = struct.Struct("<IBBHQQ")              # Elf64_Sym

PT_LOAD = 1
PF_X, PF_W, PF_R = 1, 2, 4


class Phdr:
    def __init__(self, elf, index):
        self.index = index
        self.at = elf.e_phoff + index * PHDR.size   # where the entry itself is in the file
        (self.type, self.flags, self.offset, self.vaddr, self.paddr, self.filesz, self.memsz,
         self.align) = PHDR.unpack_from(elf.data, self.at)


class Shdr:
    def __init__(self, elf, index):
        self.index = index
        self.at = elf.e_shoff + index * SHDR.size
        (self.name_off, self.type, self.flags, self.addr, self.offset, self.size, self.link, self.info,
         self.addralign, self.entsize) = SHDR.unpack_from(elf.data, self.at)
        self.name = ""


class Elf:
    # Field offsets in Elf64_Ehdr, for patching.
    OFF_CLASS, OFF_DATA = 4, 5
    OFF_MACHINE, OFF_ENTRY, OFF_PHOFF, OFF_SHOFF = 18, 24, 32, 40
    OFF_PHENTSIZE, OFF_PHNUM, OFF_SHNUM = 54, 56, 60

    def __init__(self, data):
        self.data = bytearray(data)
        if self.data[:4] != b"\x7fELF" or self.data[4] != 2 or self.data[5] != 1:
            raise ValueError("not a 64-bit little-endian ELF file")
        (_, self.e_type, self.e_machine, _, self.e_entry, self.e_phoff, self.e_shoff, _, _,
         self.e_phentsize, self.e_phnum, _, self.e_shnum, self.e_shstrndx) = EHDR.unpack_from(self.data, 0)
        self.phdrs = [Phdr(self, i) for i in range(self.e_phnum)]
        self.shdrs = [Shdr(self, i) for i in range(self.e_shnum)]
        if self.shdrs:
            names = self.shdrs[self.e_shstrndx]
            for s in self.shdrs:
                s.name = self._cstring(names.offset + s.name_off)

    @classmethod
    def read(cls, path):
        with open(path, "rb") as f:
            return cls(f.read())

    def write(self, path, mode=0o755):
        import os
        with open(path, "wb") as f:
            f.write(self.data)
        os.chmod(path, mode)

    def _cstring(self, off):
        end = self.data.index(b"\0", off)
        return self.data[off:end].decode()

    def section(self, name):
        for s in self.shdrs:
            if s.name == name:
                return s
        raise KeyError("no section " + name)

    def loads(self):
        return [p for p in self.phdrs if p.type == PT_LOAD]

    def symbols(self):
        """name -> (value, size) from .symtab."""
        symtab, strtab = self.section(".symtab"), self.section(".strtab")
        out = {}
        for i in range(symtab.size // SYM.size):
            name_off, _, _, _, value, size = SYM.unpack_from(self.data, symtab.offset + i * SYM.size)
            if name_off:
                out[self._cstring(strtab.offset + name_off)] = (value, size)
        return out

    def offset_of(self, vaddr):
        """The file offset that a PT_LOAD maps at vaddr."""
        for p in self.loads():
            if p.vaddr <= vaddr < p.vaddr + p.filesz:
                return p.offset + (vaddr - p.vaddr)
        raise KeyError("0x%x is not file-backed" % vaddr)

    def function_offset(self, name):
        """The file offset of a function's first byte (name as in .symtab)."""
        return self.offset_of(self.symbols()[name][0])

    # Patching: each helper changes the copy in memory; write() saves it.
    def put(self, off, fmt, *values):
        struct.pack_into("<" + fmt, self.data, off, *values)

    def put_bytes(self, off, raw):
        self.data[off:off + len(raw)] = raw

    def set_phdr(self, p, **fields):
        vals = {k: getattr(p, k) for k in ("type", "flags", "offset", "vaddr", "paddr", "filesz", "memsz", "align")}
        vals.update(fields)
        PHDR.pack_into(self.data, p.at, vals["type"], vals["flags"], vals["offset"], vals["vaddr"], vals["paddr"],
                       vals["filesz"], vals["memsz"], vals["align"])
