#!/usr/bin/env python3
"""Reports one KUnit suite's result from a QEMU console log, through the kernel's own
`kunit.py parse` (from the debug kernel's tree): the ctest test for that suite.

A module's KTAP output nests all its suites under one top-level plan, and kunit.py reads only
the first KTAP block of a log, so the suite's lines are cut out and re-wrapped as a one-suite
KTAP document. A suite missing from the log is a failure, never a pass.

usage: suite_result.py LOG SUITE
"""
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def extract(log_text, suite):
    lines = [re.sub(r"^\[\s*\d+\.\d+\] ", "", l) for l in log_text.splitlines()]
    header = next((i for i, l in enumerate(lines) if re.fullmatch(r"\s+# Subtest: " + re.escape(suite), l)), None)
    if header is None:
        return None
    start = header
    while start > 0 and not re.fullmatch(r"\s+KTAP version 1", lines[start]):
        start -= 1
    for end in range(header, len(lines)):
        m = re.fullmatch(r"(not ok|ok) \d+ " + re.escape(suite) + r"(\s*#.*)?", lines[end])
        if m:
            body = lines[start:end]
            return "\n".join(["KTAP version 1", "1..1", *body, f"{m.group(1)} 1 {suite}{m.group(2) or ''}"]) + "\n"
    return None  # the suite started but never finished: a crash or a hang


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    log, suite = Path(sys.argv[1]), sys.argv[2]
    if not log.exists():
        sys.exit(f"suite_result: no log {log} (did the KUnit boot run?)")
    ktap = extract(log.read_text(errors="replace"), suite)
    if ktap is None:
        sys.exit(f"suite_result: suite {suite} missing or unfinished in {log}")
    tree = subprocess.run([str(ROOT / "qemu/build-debug-kernel.sh")], capture_output=True, text=True,
                          check=True).stdout.strip().splitlines()[-1]
    result = subprocess.run([sys.executable, f"{tree}/tools/testing/kunit/kunit.py", "parse"], input=ktap,
                            text=True)
    sys.exit(result.returncode)


if __name__ == "__main__":
    main()
