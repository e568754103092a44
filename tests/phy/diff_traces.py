#!/usr/bin/env python3
"""Compare the C and kcpp blocks of a differential PHY test log (tests/qemu/phy.sh).

usage: tests/phy/diff_traces.py LOG [--drivers A B]

The log holds blocks
    KCPP-PHY-BEGIN driver=<d> phy=<id> scenario=<name>
    ... MDIO trace, status, ethtool output ...
    KCPP-PHY-END
Blocks of driver A (default c) and driver B (default kcpp) are paired by (phy, scenario) and
must be identical line for line; kernel console lines (with a "[  12.345678]" timestamp) that
landed inside a block are ignored. It fails (exit 1) on any difference (printing a unified
diff), on a block present for one driver only, on a block seen twice, on an unterminated
block, when the PHYs did not all run the same scenarios, and when there is no pair at all.
A/A run (determinism): --drivers c c2. Exit 0: "N scenarios x M PHYs identical".
"""
import argparse
import difflib
import re
import sys

BEGIN = re.compile(r"KCPP-PHY-BEGIN driver=(\S+) phy=(\S+) scenario=(\S+)\s*$")
END = "KCPP-PHY-END"
KERNEL_LINE = re.compile(r"^\[\s*\d+\.\d+\]")


def parse(lines):
    """({(driver, phy, scenario): [lines]}, [errors])."""
    blocks, errors = {}, []
    key, body = None, []
    for n, raw in enumerate(lines, 1):
        line = raw.rstrip("\r\n").replace("\r", "")
        m = BEGIN.search(line)
        if m:
            if key:
                errors.append(f"line {n}: block {fmt(key)} not terminated before the next one")
            key, body = (m.group(1), m.group(2), m.group(3)), []
            continue
        if key is None:
            continue
        if line.strip() == END:
            if key in blocks:
                errors.append(f"line {n}: block {fmt(key)} appears twice")
            blocks[key] = body
            key = None
        elif not KERNEL_LINE.match(line):
            body.append(line)
    if key:
        errors.append(f"block {fmt(key)} not terminated (log truncated?)")
    return blocks, errors


def fmt(key):
    return f"driver={key[0]} phy={key[1]} scenario={key[2]}"


def compare(blocks, a, b):
    """(pairs, scenarios, phys, [problems]); problems hold diffs and missing blocks."""
    problems = []
    keys = sorted({(phy, scen) for drv, phy, scen in blocks if drv in (a, b)})
    pairs = 0
    for phy, scen in keys:
        left, right = blocks.get((a, phy, scen)), blocks.get((b, phy, scen))
        if left is None or right is None:
            missing = a if left is None else b
            problems.append(f"missing: no {missing} block for phy={phy} scenario={scen}")
            continue
        pairs += 1
        if left != right:
            diff = difflib.unified_diff(left, right, f"{a} phy={phy} scenario={scen}",
                                        f"{b} phy={phy} scenario={scen}", lineterm="")
            problems.append(f"DIFFERENT: phy={phy} scenario={scen}\n" + "\n".join(diff))
    phys = sorted({phy for phy, _ in keys})
    scenarios = sorted({scen for _, scen in keys})
    for phy in phys:
        for scen in scenarios:
            if (phy, scen) not in keys:
                problems.append(f"missing: phy={phy} has no scenario={scen} (other PHYs have it)")
    return pairs, scenarios, phys, problems


def main(argv=None):
    ap = argparse.ArgumentParser(description="Compare C and kcpp PHY test blocks.")
    ap.add_argument("log")
    ap.add_argument("--drivers", nargs=2, default=["c", "kcpp"], metavar=("A", "B"))
    args = ap.parse_args(argv)
    a, b = args.drivers
    try:
        with open(args.log, encoding="utf-8", errors="replace") as f:
            blocks, errors = parse(f)
    except OSError as e:
        print(f"diff_traces: error: {e}", file=sys.stderr)
        return 2
    pairs, scenarios, phys, problems = compare(blocks, a, b)
    problems = errors + problems
    for p in problems:
        print(p)
    if not pairs:
        print(f"diff_traces: FAIL: no {a}/{b} block pairs in {args.log}")
        return 1
    if problems:
        print(f"diff_traces: FAIL: {len(problems)} problem(s) in {pairs} {a}/{b} pair(s)")
        return 1
    print(f"diff_traces: {len(scenarios)} scenarios x {len(phys)} PHYs identical ({a} vs {b})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
