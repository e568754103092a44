#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""objcheck.py — fails the build when a C++ object is unsafe to link into the kernel.

Kbuild runs it on every C++ object right after compiling it (scripts/kbuild/kcpp.mk).
Checks, each of which g++ and the kernel's own tools would let pass silently:
  * no SSE/AVX/x87 register use (the kernel does not save FPU state for kernel code);
  * every function has ftrace's fentry record (--fentry) and its call padding (--padding N);
  * no dynamic initialisation of globals (.init_array/.ctors), which the module loader
    ignores on kernels without CONFIG_CONSTRUCTORS and runs on kernels with it; the
    sanitizer's own module constructors are allowed with --kasan;
  * no weak undefined symbols (a missing __cxa_pure_virtual would silently become NULL);
  * no reference to the C++ runtime pieces kcpp forbids (operator new without GFP flags,
    exceptions, RTTI, thread-safe statics, atexit);
  * with --ibt, every function whose address is stored in data (vtables, ops tables)
    starts with ENDBR64.
Undefined symbols the kernel does not export are modpost's job (an error there).
"""
import argparse
import struct
import subprocess
import sys

SHT_SYMTAB, SHT_RELA = 2, 4
SHF_EXECINSTR = 0x4
STT_FUNC, STT_SECTION = 2, 3
STB_WEAK = 2
ENDBR64 = b"\xf3\x0f\x1e\xfa"

FORBIDDEN = {
    "_Znwm": "operator new(size_t) without GFP flags: use new (kcpp::gfp::KERNEL) T or Box::make",
    "_Znam": "operator new[](size_t) without GFP flags: use Vec",
    "__gxx_personality_v0": "exception handling (build with -fno-exceptions)",
    "_Unwind_Resume": "exception unwinding (build with -fno-exceptions)",
    "__cxa_throw": "a throw expression",
    "__cxa_guard_acquire": "a thread-safe static (build with -fno-threadsafe-statics)",
    "__cxa_atexit": "a static with a destructor registered at exit",
    "atexit": "a static with a destructor registered at exit",
    "__dynamic_cast": "dynamic_cast (RTTI is off)",
}


class Elf:
    def __init__(self, path):
        with open(path, "rb") as f:
            self.data = f.read()
        if self.data[:4] != b"\x7fELF" or self.data[4] != 2:
            raise SystemExit(f"objcheck: {path}: not a 64-bit ELF object")
        shoff, = struct.unpack_from("<Q", self.data, 0x28)
        shentsize, shnum, shstrndx = struct.unpack_from("<HHH", self.data, 0x3A)
        self.sections = []
        for i in range(shnum):
            name, typ, flags, _addr, off, size, link, info, _align, entsize = struct.unpack_from(
                "<IIQQQQIIQQ", self.data, shoff + i * shentsize)
            self.sections.append(dict(name=name, type=typ, flags=flags, off=off, size=size,
                                      link=link, info=info, entsize=entsize))
        strtab = self.sections[shstrndx]
        for s in self.sections:
            s["name"] = self.cstr(strtab["off"] + s["name"])
        self.symbols = []
        for s in self.sections:
            if s["type"] != SHT_SYMTAB:
                continue
            names = self.sections[s["link"]]
            for off in range(s["off"], s["off"] + s["size"], 24):
                name, info, _other, shndx, value, size = struct.unpack_from("<IBBHQQ", self.data, off)
                self.symbols.append(dict(name=self.cstr(names["off"] + name), type=info & 0xF,
                                         bind=info >> 4, shndx=shndx, value=value, size=size))

    def cstr(self, off):
        end = self.data.index(b"\0", off)
        return self.data[off:end].decode()

    def relocations(self):
        """Yields (section the relocation applies to, offset, symbol, addend)."""
        for s in self.sections:
            if s["type"] != SHT_RELA:
                continue
            target = self.sections[s["info"]]
            for off in range(s["off"], s["off"] + s["size"], 24):
                r_off, r_info, addend = struct.unpack_from("<QQq", self.data, off)
                yield target, r_off, self.symbols[r_info >> 32], addend

    def functions(self):
        return [sym for sym in self.symbols
                if sym["type"] == STT_FUNC and 0 < sym["shndx"] < len(self.sections) and sym["size"] > 0]

    def bytes_at(self, shndx, value, n):
        s = self.sections[shndx]
        return self.data[s["off"] + value:s["off"] + value + n]


def check(path, args):
    elf = Elf(path)
    problems = []
    functions = elf.functions()

    # Floating point / vector registers.
    dis = subprocess.run(["objdump", "-d", "--no-show-raw-insn", path],
                         capture_output=True, text=True, check=True).stdout
    for line in dis.splitlines():
        if any(reg in line for reg in ("%xmm", "%ymm", "%zmm", "%st(", "%mm")):
            problems.append(f"uses FPU/SIMD registers (kernel code must not): {line.strip()}")
            break

    # Forbidden runtime pieces and weak undefined symbols.
    for sym in elf.symbols:
        if sym["shndx"] != 0 or not sym["name"]:
            continue
        if sym["name"] in FORBIDDEN:
            problems.append(f"references {sym['name']}: {FORBIDDEN[sym['name']]}")
        elif sym["name"].startswith(("_ZTI", "_ZTS")):
            problems.append(f"references type info {sym['name']} (RTTI is off)")
        elif sym["bind"] == STB_WEAK:
            problems.append(f"weak undefined symbol {sym['name']} (it would silently be NULL)")

    # Dynamic initialisation. C++ emits _GLOBAL__sub_I_<file> for dynamic initialisers; the
    # sanitizers' own constructors and destructors (_sub_I_NNNNN_N / _sub_D_NNNNN_N, which
    # register globals with KASAN) are in C objects too and are allowed with --kasan.
    def sanitizer_cdtor(sym):
        return args.kasan and sym["name"].startswith(("_sub_I_", "_sub_D_"))

    for s in elf.sections:
        if s["name"].startswith((".ctors", ".dtors")):
            problems.append(f"has {s['name']}: static constructors/destructors are not allowed")
    for target, _off, sym, addend in elf.relocations():
        if not target["name"].startswith((".init_array", ".fini_array")):
            continue
        if sym["type"] == STT_SECTION:  # section + offset: name the function found there
            sym = next((fn for fn in functions if fn["shndx"] == sym["shndx"] and fn["value"] == addend), sym)
        if sanitizer_cdtor(sym):
            continue
        problems.append(f"dynamic initialisation or destruction ({sym['name'] or target['name']}) in "
                        f"{target['name']}: globals must be constant-initialised (constinit/constexpr) "
                        "and trivially destructible; see docs/architecture.md")

    # fentry records and call padding: one entry per function.
    # GCC's split-off cold parts (foo.cold) are not entry points, and the sanitizer's
    # constructors are compiler-generated and uninstrumented, as in C objects.
    traced = [fn for fn in functions if not fn["name"].endswith(".cold") and not sanitizer_cdtor(fn)]

    def entries_per_function(section_name):
        covered = set()
        for target, _off, sym, addend in elf.relocations():
            if target["name"] != section_name:
                continue
            for fn in functions:
                # The entry points into the function's first bytes (fentry) or at the
                # padding just before it (patchable entry).
                if sym["shndx"] == fn["shndx"] and (sym["type"] == STT_SECTION or sym is fn):
                    where = (sym["value"] if sym["type"] != STT_SECTION else 0) + addend
                    if fn["value"] - 64 <= where < fn["value"] + 32:
                        covered.add((fn["shndx"], fn["value"]))
        return [fn["name"] for fn in traced if (fn["shndx"], fn["value"]) not in covered]

    if args.fentry:
        missing = entries_per_function("__mcount_loc")
        if missing:
            problems.append(f"functions without an ftrace (fentry) record: {', '.join(missing[:5])}")
    if args.padding:
        missing = entries_per_function("__patchable_function_entries")
        if missing:
            problems.append(f"functions without {args.padding}-byte call padding: {', '.join(missing[:5])}")

    # ENDBR on every function whose address is stored in data.
    if args.ibt:
        by_place = {(fn["shndx"], fn["value"]): fn for fn in functions}
        for target, _off, sym, addend in elf.relocations():
            if target["flags"] & SHF_EXECINSTR or target["name"].startswith(
                    ("__mcount_loc", "__patchable_function_entries", ".debug", ".rela", ".orc", ".discard",
                     "__bug_table", ".altinstructions", ".return_sites", ".call_sites", ".retpoline_sites",
                     ".ibt_endbr_seal", "__jump_table", "__ex_table", ".static_call_sites", ".init_array")):
                continue
            if sym["type"] == STT_FUNC:
                fn = sym
            elif sym["type"] == STT_SECTION:
                fn = by_place.get((sym["shndx"], addend))
            else:
                continue
            if fn is None or fn not in functions:
                continue
            if elf.bytes_at(fn["shndx"], fn["value"], 4) != ENDBR64:
                problems.append(f"{fn['name']} is referenced from {target['name']} but has no ENDBR64 "
                                "(an indirect call to it would fault on IBT hardware)")

    return problems


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ibt", action="store_true", help="kernel has CONFIG_X86_KERNEL_IBT")
    ap.add_argument("--fentry", action="store_true", help="object is built for ftrace (-mfentry -mrecord-mcount)")
    ap.add_argument("--padding", type=int, default=0, help="CONFIG_FUNCTION_PADDING_BYTES with CALL_PADDING")
    ap.add_argument("--kasan", action="store_true", help="allow the address sanitizer's module constructors")
    ap.add_argument("objects", nargs="+")
    args = ap.parse_args()
    failed = False
    for path in args.objects:
        for p in check(path, args):
            print(f"{path}: error: {p}", file=sys.stderr)
            failed = True
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
