#!/usr/bin/env python3
"""Unit tests of tests/phy/diff_traces.py on synthetic logs: python3 tests/phy/test_diff_traces.py"""
import contextlib
import io
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import diff_traces  # noqa: E402

PHYS = ("0x003b1861", "0x003b1881", "0x003b1841")


def block(driver, phy, scenario, body):
    return [f"KCPP-PHY-BEGIN driver={driver} phy={phy} scenario={scenario}", *body, "KCPP-PHY-END"]


def log(drivers=("c", "kcpp"), body=("R 01 7809", "W 00 1200", "--- status", "link: 0"),
        change=None, drop=None):
    """A log with two scenarios x three PHYs per driver; change/drop: (driver, phy, scenario)."""
    lines = ["[    1.000000] Linux version 6.12", "KCPP-INIT-START"]
    for drv in drivers:
        for phy in PHYS:
            for scen in ("probe", "an-100full"):
                key = (drv, phy, scen)
                if key == drop:
                    continue
                b = list(body)
                if key == change:
                    b[0] = "R 01 782d"
                lines += block(drv, phy, scen, b)
    return "\r\n".join(lines + ["KCPP-SCENARIO-RESULT: pass", ""])


class DiffTracesTest(unittest.TestCase):
    def run_on(self, text, *args):
        with tempfile.NamedTemporaryFile("w", suffix=".log", delete=False) as f:
            f.write(text)
        self.addCleanup(os.unlink, f.name)
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            rc = diff_traces.main([f.name, *args])
        return rc, out.getvalue()

    def test_identical_passes(self):
        rc, out = self.run_on(log())
        self.assertEqual(rc, 0, out)
        self.assertIn("2 scenarios x 3 PHYs identical", out)

    def test_kernel_line_inside_block_is_ignored(self):
        text = log().replace("W 00 1200", "[   12.345678] axmodel: link up 100/Full\r\nW 00 1200", 1)
        rc, out = self.run_on(text)
        self.assertEqual(rc, 0, out)

    def test_differing_mdio_line_fails(self):
        rc, out = self.run_on(log(change=("kcpp", "0x003b1881", "probe")))
        self.assertEqual(rc, 1)
        self.assertIn("DIFFERENT: phy=0x003b1881 scenario=probe", out)
        self.assertIn("-R 01 7809", out)
        self.assertIn("+R 01 782d", out)

    def test_missing_kcpp_block_fails(self):
        rc, out = self.run_on(log(drop=("kcpp", "0x003b1841", "an-100full")))
        self.assertEqual(rc, 1)
        self.assertIn("missing: no kcpp block for phy=0x003b1841 scenario=an-100full", out)

    def test_no_pairs_fails(self):
        rc, out = self.run_on(log(drivers=("c",)))
        self.assertEqual(rc, 1)
        rc, out = self.run_on("KCPP-INIT-START\nKCPP-SCENARIO-RESULT: pass\n")
        self.assertEqual(rc, 1)
        self.assertIn("no c/kcpp block pairs", out)

    def test_unterminated_block_fails(self):
        text = log() + "KCPP-PHY-BEGIN driver=kcpp phy=0x003b1861 scenario=extra\nR 01 7809\n"
        rc, out = self.run_on(text)
        self.assertEqual(rc, 1)
        self.assertIn("not terminated", out)

    def test_aa_drivers(self):
        rc, out = self.run_on(log(drivers=("c", "c2")), "--drivers", "c", "c2")
        self.assertEqual(rc, 0, out)


if __name__ == "__main__":
    unittest.main()
