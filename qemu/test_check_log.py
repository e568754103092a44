#!/usr/bin/env python3
"""Self-test of qemu/check-log.py on small synthetic console logs (python3 -m unittest, no pytest).

run: python3 qemu/test_check_log.py
"""
import contextlib
import importlib.util
import io
import os
import sys
import tempfile
import textwrap
import unittest

sys.dont_write_bytecode = True  # no qemu/__pycache__ in the source tree
_spec = importlib.util.spec_from_file_location(
    "check_log", os.path.join(os.path.dirname(os.path.abspath(__file__)), "check-log.py"))
check_log = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(check_log)

BOOT = """\
[    0.000000] Linux version 6.12.117-kcppdbg (root@host) #1 SMP PREEMPT
[    0.120000] DMA-API: preallocated 65536 debug entries
[    0.130000] ODEBUG: selftest passed
[    0.140000] KASAN: KernelAddressSanitizer initialized (generic)
[    1.000000] Run /init as init process
KCPP-INIT-START
hello
"""
END = """\
KCPP-SCENARIO-RESULT: pass
KCPP-KMEMLEAK-BEGIN
KCPP-KMEMLEAK-END
[    3.000000] reboot: Power down
"""

KASAN = """\
[    2.000000] ==================================================================
[    2.000001] BUG: KASAN: slab-out-of-bounds in kcpp_test_init+0x2a/0x40 [kcpp_test]
[    2.000002] Read of size 1 at addr ffff888003a1c0a8 by task insmod/75
[    2.000003] Call Trace:
[    2.000004]  <TASK>
[    2.000005]  kcpp_test_init+0x2a/0x40 [kcpp_test]
[    2.000006]  </TASK>
[    2.000007] Allocated by task 75:
[    2.000008]  kmalloc_trace+0x1/0x2
[    2.000009] ==================================================================
"""

WARN = """\
[    2.100000] ------------[ cut here ]------------
[    2.100001] kcpp: refcount went negative
[    2.100002] WARNING: CPU: 1 PID: 75 at drivers/kcpp/core.c:42 kcpp_put+0x10/0x20 [kcpp]
[    2.100003] Modules linked in: kcpp(OE)
[    2.100004] CPU: 1 UID: 0 PID: 75 Comm: insmod Tainted: G           OE      6.12.117 #1
[    2.100005] RIP: 0010:kcpp_put+0x10/0x20 [kcpp]
[    2.100006] Call Trace:
[    2.100007]  <TASK>
[    2.100008]  kcpp_put+0x10/0x20 [kcpp]
[    2.100009]  </TASK>
[    2.100010] irq event stamp: 1234
[    2.100011] hardirqs last  enabled at (1233): [<ffffffff81000000>] _raw_spin_unlock+0x1/0x2
[    2.100012] ---[ end trace 0000000000000000 ]---
"""

KMEMLEAK = """\
KCPP-SCENARIO-RESULT: pass
KCPP-KMEMLEAK-BEGIN
unreferenced object 0xffff888003b2c000 (size 64):
  comm "insmod", pid 75, jiffies 4294893000
  hex dump (first 32 bytes):
    00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00  ................
  backtrace (crc 0):
    [<ffffffff81234567>] kmalloc_trace+0x1/0x2
    [<ffffffffa0001000>] kcpp_leaky_init+0x10/0x20 [kcpp_test]
KCPP-KMEMLEAK-END
[    3.000000] reboot: Power down
"""

OOPS = """\
[    2.200000] BUG: kernel NULL pointer dereference, address: 0000000000000000
[    2.200001] #PF: supervisor read access in kernel mode
[    2.200002] Oops: 0000 [#1] PREEMPT SMP NOPTI
[    2.200003] Call Trace:
[    2.200004]  <TASK>
[    2.200005]  kcpp_test_init+0x2a/0x40 [kcpp_test]
[    2.200006]  </TASK>
[    2.200007] Modules linked in: kcpp_test(OE)
[    2.200008] CR2: 0000000000000000
[    2.200009] ---[ end trace 0000000000000000 ]---
[    2.200010] RIP: 0010:kcpp_test_init+0x2a/0x40 [kcpp_test]
"""


class CheckLogTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)

    def write(self, name, text):
        path = os.path.join(self.tmp.name, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(textwrap.dedent(text))
        return path

    def run_check(self, log_text, *allow_texts):
        args = [self.write("console.log", log_text)]
        for n, text in enumerate(allow_texts):
            args += ["--allow", self.write(f"allow{n}.txt", text)]
        out = io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
            rc = check_log.main(args)
        return rc, out.getvalue()

    def test_clean_log_passes(self):
        rc, out = self.run_check(BOOT + END)
        self.assertEqual(rc, 0, out)
        self.assertIn("check-log: 0 report(s), 0 allowed", out)

    def test_kasan_fails(self):
        rc, out = self.run_check(BOOT + KASAN + END)
        self.assertEqual(rc, 1, out)
        self.assertIn("BUG: KASAN: slab-out-of-bounds", out)
        self.assertIn("check-log: 1 report(s), 0 allowed", out)  # its Call Trace counts once

    def test_warning_block_fails(self):
        rc, out = self.run_check(BOOT + WARN + END)
        self.assertEqual(rc, 1, out)
        self.assertIn("check-log: 1 report(s), 0 allowed", out)

    def test_allowed_warning_passes(self):
        allow = "# why: kcpp_put's refcount warning is provoked on purpose by this test\n" \
                r"^WARNING: CPU: \d+ PID: \d+ at drivers/kcpp/core\.c:\d+ kcpp_put" "\n"
        rc, out = self.run_check(BOOT + WARN + END, allow)
        self.assertEqual(rc, 0, out)
        self.assertIn("check-log: 1 report(s), 1 allowed", out)

    def test_interleaved_console_line_is_split(self):
        # On SMP a scenario's output and printk share the console line.
        mixed = WARN.replace("[    2.100000] ------------[ cut here ]",
                             "progress: step 3[    2.100000] ------------[ cut here ]", 1)
        self.assertNotEqual(mixed, WARN)
        rc, out = self.run_check(BOOT + mixed + END)
        self.assertEqual(rc, 1, out)  # still a report
        allow = "# why: provoked on purpose\n^kcpp: refcount went negative$\n"
        rc, out = self.run_check(BOOT + mixed + END, allow)
        self.assertEqual(rc, 0, out)  # and still matched by an anchored entry
        rc, out = self.run_check(BOOT + "step[    2.0] x" + KASAN.replace("[    2.000000] ===", "x[    2.000000] ===", 1) + END)
        self.assertEqual(rc, 1, out)

    def test_allow_matches_warn_message_line(self):
        allow = "# why: provoked on purpose\nkcpp: refcount went negative\n"
        rc, out = self.run_check(BOOT + WARN + END, allow)
        self.assertEqual(rc, 0, out)

    def test_allowed_block_does_not_hide_next_report(self):
        allow = "# why: provoked on purpose\nkcpp_put\n"
        rc, out = self.run_check(BOOT + WARN + KASAN + END, allow)
        self.assertEqual(rc, 1, out)
        self.assertIn("check-log: 2 report(s), 1 allowed", out)

    def test_allow_entry_without_why_is_rejected(self):
        rc, out = self.run_check(BOOT + WARN + END, "# just a comment\n^WARNING: CPU:\n")
        self.assertEqual(rc, 2, out)
        self.assertIn("lacks a '# why: ...' line", out)
        rc, out = self.run_check(BOOT + END, "# why: fine\n^a\n\n^WARNING: CPU:\n")
        self.assertEqual(rc, 2, out)

    def test_kmemleak_fails(self):
        rc, out = self.run_check(BOOT + KMEMLEAK)
        self.assertEqual(rc, 1, out)
        self.assertIn("unreferenced object", out)

    def test_kmemleak_allowed_by_backtrace_function(self):
        rc, out = self.run_check(BOOT + KMEMLEAK, "# why: planted leak\nkcpp_leaky_init\n")
        self.assertEqual(rc, 0, out)

    def test_oops_is_one_report(self):
        rc, out = self.run_check(BOOT + OOPS + END)
        self.assertEqual(rc, 1, out)
        self.assertIn("check-log: 1 report(s), 0 allowed", out)

    def test_stray_call_trace_fails(self):
        rc, out = self.run_check(BOOT + "[ 2.0] Call Trace:\n[ 2.0]  <TASK>\n[ 2.0]  dump_stack+0x1/0x2\n"
                                 "[ 2.0]  </TASK>\n" + END)
        self.assertEqual(rc, 1, out)


if __name__ == "__main__":
    unittest.main()
