#!/usr/bin/env python3
"""Code size of kcpp_ax88796b.ko against the kernel's C ax88796b.ko, for one kernel.

Prints, and writes as JSON to build/bench/phy.json (a list of {name, baseline, kcpp, ratio}),
the bytes of executable code (.text* sections, what `size` calls text minus read-only data)
and of text+rodata as `size` reports it, once for the whole module and once without the kcpp
runtime and shims linked into it (the objects under kcpp-kcpp_ax88796b/). ratio is
baseline / kcpp: higher is better for kcpp.

usage: phy_size.py KCPP_KO C_KO MOD_FILE OUT_JSON
(MOD_FILE: Kbuild's <module>.mod, the list of objects linked into the module)
"""
import json
import lzma
import struct
import sys
from pathlib import Path

SHF_ALLOC, SHF_WRITE, SHF_EXECINSTR = 0x2, 0x1, 0x4


def section_sizes(data):
    """(code bytes, read-only data bytes) of the allocated sections of an ELF64 object."""
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum, _ = struct.unpack_from("<HHH", data, 0x3A)
    code = rodata = 0
    for i in range(shnum):
        _name, typ, flags, _a, _o, size = struct.unpack_from("<IIQQQQ", data, shoff + i * shentsize)
        if typ == 8 or not flags & SHF_ALLOC:  # NOBITS (bss) or not loaded
            continue
        if flags & SHF_EXECINSTR:
            code += size
        elif not flags & SHF_WRITE:
            rodata += size
    return code, rodata


def read(path):
    data = Path(path).read_bytes()
    return lzma.decompress(data) if str(path).endswith(".xz") else data


def main():
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    kcpp_ko, c_ko, mod_file, out = sys.argv[1:]
    k_code, k_ro = section_sizes(read(kcpp_ko))
    c_code, c_ro = section_sizes(read(c_ko))
    rt_code = rt_ro = 0
    linked = Path(mod_file).read_text().split()
    for obj in (Path(o) for o in linked if "/kcpp-" in o):
        code, ro = section_sizes(obj.read_bytes())
        rt_code += code
        rt_ro += ro
    rows = [
        ("phy.text_bytes.whole_module", c_code, k_code),
        ("phy.text_bytes.without_runtime", c_code, k_code - rt_code),
        ("phy.text_rodata_bytes.whole_module", c_code + c_ro, k_code + k_ro),
        ("phy.text_rodata_bytes.without_runtime", c_code + c_ro, k_code + k_ro - rt_code - rt_ro),
    ]
    results = [dict(name=n, baseline=b, kcpp=k, ratio=round(b / k, 3)) for n, b, k in rows]
    print(f"{'metric':42} {'C':>8} {'kcpp':>8} {'ratio (C/kcpp)':>15}")
    for r in results:
        print(f"{r['name']:42} {r['baseline']:8} {r['kcpp']:8} {r['ratio']:15.3f}")
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    Path(out).write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
