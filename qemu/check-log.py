#!/usr/bin/env python3
"""Scan a QEMU console log for kernel reports; exit 1 if any is not allowed.

usage: qemu/check-log.py LOG [--allow FILE]...

A report is one kernel complaint: KASAN/KFENCE/UBSAN, lockdep, kmemleak objects, DMA-API,
debugobjects, WARN ("cut here") blocks, BUG/Oops/panic, hung tasks, RCU stalls, list and refcount
corruption, usercopy, or a stray "Call Trace:". Its block (register dump, call trace, ...) is
consumed with it, so one report counts once.

Allow-list files: one Python regex per line, each directly below a "# why: <reason>" line;
other "#" lines and blank lines are ignored. An entry without its why-line rejects the file.
A report is allowed when a regex matches (re.search) one of its key lines: its first line; for
a "cut here" block every line up to and including its WARNING:/BUG:/UBSAN: line; for a
kmemleak object or a stray call trace the whole block (so an entry can name a function).

Exit: 0 no unallowed report, 1 unallowed reports, 2 usage or allow-list error.
"""
import argparse
import re
import sys

# "[   12.345678] " and an optional caller id "[T123] " / "[C1] " in front of kernel lines.
PREFIX = re.compile(r"^\[\s*\d+\.\d+\](?:\[\s*[TC]\d+\])? ?")
SEPARATOR = re.compile(r"^={10,}$")
CUT_HERE = "------------[ cut here ]------------"
END = "---[ end "
KMEMLEAK = re.compile(r"^unreferenced object 0x[0-9a-f]+")
MARKER = re.compile(r"^KCPP-[A-Z-]+")

# Lines that start a report (matched against the message with leading blanks removed).
TRIGGERS = [re.compile(p) for p in (
    r"^(?:\S+: )?BUG: ",                   # BUG: KASAN/KFENCE/sleeping.../soft lockup ...
    r"^WARNING: ",                         # WARNING: CPU: ..., lockdep, suspicious RCU usage
    r"^kernel BUG at ",
    r"^UBSAN: ",
    r"^Oops",
    r"^general protection fault",
    r"^Kernel panic",
    r"^INFO: task .* blocked for more than",
    r"^INFO: (?!lockdep is turned off)",    # lockdep's INFO: reports
    r"^rcu: INFO: .*stall",
    r"^inconsistent lock state",
    r"^possible recursive locking",
    r"^DEBUG_LOCKS_WARN_ON",
    r"^list_(?:add|del) corruption",
    r"^refcount_t: ",
    r"^usercopy: ",
    # Informational DMA-API / ODEBUG boot lines are not reports.
    r"^DMA-API: (?!preallocated |debugging enabled |dma_debug_entry pool grown|enable driver filter"
    r"|switching off dma-debug driver filter|debugging disabled on kernel command line)",
    r"^ODEBUG: (?!selftest passed)",
    r"^Call Trace:",
)]
# Lines that may appear inside a report's block without starting a new one.
CONTINUATIONS = re.compile(r"^(?:Call Trace:|Oops|INFO: lockdep is turned off)")
KEY_END = re.compile(r"^(?:(?:\S+: )?BUG: |WARNING: |kernel BUG at |UBSAN: |Oops)")
MAX_BLOCK = 600     # a block never swallows more lines than this
TAIL_LOOKAHEAD = 30  # lines after "</TASK>" searched for the block's "---[ end" line


def message(line):
    """The kernel message of a console line: timestamp removed, leading blanks kept."""
    return PREFIX.sub("", line.rstrip("\r\n").replace("\r", ""), count=1)


def is_trigger(msg):
    text = msg.strip()
    return any(t.search(text) for t in TRIGGERS)


def starts_block(msgs, j):
    """True if line j starts a new report block (used to stop the current one)."""
    text = msgs[j].strip()
    if text == CUT_HERE or KMEMLEAK.match(text) or MARKER.match(text):
        return True
    if SEPARATOR.match(text) and j + 1 < len(msgs) and is_trigger(msgs[j + 1]):
        return True
    return is_trigger(msgs[j]) and not CONTINUATIONS.match(text)


class Report:
    def __init__(self, start, end, key):
        self.start, self.end, self.key = start, end, key  # line indexes [start, end), key lines


def find_end(msgs, i, first):
    """End (exclusive) of the block whose first line (after any frame/cut-here line) is `first`."""
    limit = min(len(msgs), i + MAX_BLOCK)
    kind = "plain"
    text = msgs[first].strip()
    if SEPARATOR.match(msgs[i].strip()) and re.search(r"BUG: (?:KASAN|KFENCE)", text):
        kind = "framed"           # KASAN/KFENCE: closed by another ===== line
    elif msgs[i].strip() == CUT_HERE:
        kind = "cut"              # WARN/BUG/UBSAN: closed by "---[ end trace"
    elif KMEMLEAK.match(text):
        kind = "kmemleak"         # indented lines follow
    for j in range(first + 1, limit):
        t = msgs[j].strip()
        if t.startswith(END):
            return j + 1
        if kind == "framed":
            if SEPARATOR.match(t):
                return j + 1
            if MARKER.match(t):
                return j
            continue
        if kind == "kmemleak":
            if not msgs[j][:1].isspace():
                return j
            continue
        if starts_block(msgs, j):
            return j
        if kind != "cut" and t == "</TASK>":
            # An Oops or panic block goes on to its "---[ end" line; other blocks end here.
            for k in range(j + 1, min(limit, j + 1 + TAIL_LOOKAHEAD)):
                if msgs[k].strip().startswith(END):
                    return k + 1
                if starts_block(msgs, k):
                    break
            return j + 1
    return limit


# A kernel line that starts in the middle of a console line: on SMP, user-space output and
# printk share the serial console, so "phy: c mdio-error[   68.40] ------------[ cut here ]"
# happens. The kernel's part is split off onto a line of its own before scanning.
INTERLEAVED = re.compile(r"(?<=\S)(?=\[\s*\d+\.\d{6}\] )")


def split_interleaved(lines):
    out = []
    for line in lines:
        out.extend(INTERLEAVED.split(line))
    return out


def scan(lines):
    msgs = [message(line) for line in split_interleaved(lines)]
    reports = []
    i = 0
    while i < len(msgs):
        text = msgs[i].strip()
        if text == CUT_HERE:
            # Key lines: the WARN message (if any) down to the WARNING:/BUG:/UBSAN: line.
            key, first = [], i
            for j in range(i + 1, min(len(msgs), i + 12)):
                key.append(msgs[j].strip())
                if KEY_END.match(msgs[j].strip()):
                    first = j
                    break
            else:
                key = key[:1]
                first = min(i + 1, len(msgs) - 1)
            end = find_end(msgs, i, first)
            reports.append(Report(i, end, key or [text]))
            i = end
        elif SEPARATOR.match(text) and i + 1 < len(msgs) and is_trigger(msgs[i + 1]):
            end = find_end(msgs, i, i + 1)
            reports.append(Report(i, end, [msgs[i + 1].strip()]))
            i = end
        elif KMEMLEAK.match(text) or text.startswith("Call Trace:"):
            end = find_end(msgs, i, i)
            reports.append(Report(i, end, [m.strip() for m in msgs[i:end]]))
            i = end
        elif is_trigger(msgs[i]):
            end = find_end(msgs, i, i)
            reports.append(Report(i, end, [text]))
            i = end
        else:
            i += 1
    return msgs, reports


class AllowListError(Exception):
    pass


def load_allow(path):
    """[(regex, 'file:line', why)] from an allow-list file; AllowListError if malformed."""
    entries = []
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    for n, raw in enumerate(lines, 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        prev = lines[n - 2].strip() if n >= 2 else ""
        m = re.match(r"^#\s*why:\s*(\S.*)$", prev)
        if not m:
            raise AllowListError(f"{path}:{n}: entry '{line}' lacks a '# why: ...' line directly above it")
        try:
            entries.append((re.compile(line), f"{path}:{n}", m.group(1)))
        except re.error as e:
            raise AllowListError(f"{path}:{n}: bad regex '{line}': {e}") from None
    return entries


def main(argv=None):
    ap = argparse.ArgumentParser(description="Fail on kernel reports in a QEMU console log.")
    ap.add_argument("log")
    ap.add_argument("--allow", action="append", default=[], metavar="FILE",
                    help="allow-list file (repeatable)")
    args = ap.parse_args(argv)
    try:
        allow = [e for path in args.allow for e in load_allow(path)]
        with open(args.log, encoding="utf-8", errors="replace") as f:
            lines = f.readlines()
    except (OSError, AllowListError) as e:
        print(f"check-log: error: {e}", file=sys.stderr)
        return 2
    msgs, reports = scan(lines)
    allowed = 0
    for r in reports:
        hit = next(((where, why) for rx, where, why in allow
                    if any(rx.search(k) for k in r.key)), None)
        head = msgs[r.start:min(r.end, r.start + 8)]
        if hit:
            allowed += 1
            print(f"check-log: allowed ({hit[0]}: {hit[1]}): {args.log}:{r.start + 1}: {r.key[0]}")
        else:
            print(f"check-log: REPORT at {args.log}:{r.start + 1}:")
            for m in head:
                print(f"    {m}")
    print(f"check-log: {len(reports)} report(s), {allowed} allowed")
    return 1 if allowed < len(reports) else 0


if __name__ == "__main__":
    sys.exit(main())
