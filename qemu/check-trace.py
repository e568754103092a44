#!/usr/bin/env python3
"""Checks a QEMU trace (qemu/run-scenario.sh --trace) inside windows the guest marked.

A scenario marks points with `host mark NAME` (tests/qemu/lib/host.sh); the trace then has a
line `monitor_qmp_cmd_in_band "kcpp-host: mark NAME"` between the device events before and
after that point. `--window START END` selects every stretch from a START mark to the next
END mark (at least one must exist; `--windows N` asks for exactly N); without --window the
whole trace is one window. In each window:

  --forbid REGEX        no event line may match REGEX (re.search)
  --expect REGEX=N      exactly N event lines match REGEX
  --expect REGEX=N+     at least N

Marker lines are not events. The trace file is KCPP_TRACE unless given. Exit 0 when every
rule holds in every window, 1 otherwise (each violation printed), 2 on usage errors.

usage: check-trace.py [TRACE] [--window START END [--windows N]] [--forbid RE]... [--expect RE=N]...
"""
import argparse
import os
import re
import sys

MARK = re.compile(r'monitor_qmp_cmd_in_band "kcpp-host: mark (\S+)"')
REQUEST = re.compile(r'monitor_qmp_cmd_in_band ')


def windows(lines, start, end):
    """Yields (first line number, event lines) for every START..END stretch."""
    inside, first, body = False, 0, []
    for n, line in enumerate(lines, 1):
        m = MARK.search(line)
        if m and not inside and m.group(1) == start:
            inside, first, body = True, n, []
        elif m and inside and m.group(1) == end:
            yield first, body
            inside = False
        elif inside and not REQUEST.search(line):
            body.append((n, line))
    if inside:
        raise ValueError(f"mark '{start}' at line {first} has no '{end}' after it")


def parse_expect(spec):
    regex, _, count = spec.rpartition("=")
    m = re.fullmatch(r"(\d+)(\+?)", count)
    if not regex or not m:
        raise argparse.ArgumentTypeError(f"--expect wants REGEX=N or REGEX=N+, not '{spec}'")
    return re.compile(regex), int(m.group(1)), m.group(2) == "+"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("trace", nargs="?", default=os.environ.get("KCPP_TRACE"))
    ap.add_argument("--window", nargs=2, metavar=("START", "END"))
    ap.add_argument("--windows", type=int)
    ap.add_argument("--forbid", action="append", default=[], type=re.compile)
    ap.add_argument("--expect", action="append", default=[], type=parse_expect)
    args = ap.parse_args(argv)
    if not args.trace:
        ap.error("no trace file (argument or KCPP_TRACE)")
    if not args.forbid and not args.expect:
        ap.error("nothing to check: give --forbid or --expect")
    try:
        with open(args.trace, encoding="utf-8", errors="replace") as f:
            lines = f.read().splitlines()
    except OSError as e:
        print(f"check-trace: cannot read the trace: {e}")
        return 1

    try:
        if args.window:
            found = list(windows(lines, *args.window))
            where = f"window {args.window[0]}..{args.window[1]}"
        else:
            found = [(1, [(n, line) for n, line in enumerate(lines, 1) if not REQUEST.search(line)])]
            where = "trace"
    except ValueError as e:
        print(f"check-trace: {args.trace}: {e}")
        return 1
    if not found:
        print(f"check-trace: {args.trace}: no {where} (were the marks sent?)")
        return 1
    if args.windows is not None and len(found) != args.windows:
        print(f"check-trace: {args.trace}: {len(found)} x {where}, expected {args.windows}")
        return 1

    bad = 0
    for first, body in found:
        label = f"{args.trace}: {where} from line {first}"
        for regex in args.forbid:
            hits = [(n, line) for n, line in body if regex.search(line)]
            if hits:
                bad += 1
                print(f"check-trace: {label}: {len(hits)} line(s) match the forbidden /{regex.pattern}/:")
                for n, line in hits[:20]:
                    print(f"    {n}: {line}")
        for regex, count, at_least in args.expect:
            n = sum(1 for _, line in body if regex.search(line))
            if n < count or (n > count and not at_least):
                bad += 1
                want = f"{count}{' or more' if at_least else ''}"
                print(f"check-trace: {label}: {n} line(s) match /{regex.pattern}/, expected {want}")
    if bad:
        return 1
    print(f"check-trace: {args.trace}: {len(found)} x {where}: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
