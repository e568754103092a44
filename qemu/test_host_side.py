#!/usr/bin/env python3
"""Self-test of the scenarios' host side: qemu/check-trace.py on small synthetic QEMU traces,
qemu/host-commands.py's request handling against a fake QMP (python3 -m unittest).

run: python3 qemu/test_host_side.py
"""
import contextlib
import importlib.util
import io
import os
import sys
import tempfile
import unittest

sys.dont_write_bytecode = True  # no qemu/__pycache__ in the source tree
_spec = importlib.util.spec_from_file_location(
    "check_trace", os.path.join(os.path.dirname(os.path.abspath(__file__)), "check-trace.py"))
check_trace = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(check_trace)
_spec = importlib.util.spec_from_file_location(
    "host_commands", os.path.join(os.path.dirname(os.path.abspath(__file__)), "host-commands.py"))
host_commands = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(host_commands)


def mark(name):
    return f'monitor_qmp_cmd_in_band "kcpp-host: mark {name}"'


# Shaped like a real run: an error before our window, one shutdown per unbind window, a host
# request (device_del) inside a window, and one after the last window.
TRACE = "\n".join([
    "monitor_qmp_cmd_in_band ",
    "pci_nvme_err_invalid_identify_cns 0x6",
    "pci_nvme_mmio_shutdown_set shutdown bit set",
    mark("bind"),
    mark("unbind-begin"),
    'monitor_qmp_cmd_in_band "kcpp-host: device_del nvme1"',
    "pci_nvme_mmio_shutdown_set shutdown bit set",
    mark("unbind-end"),
    mark("released"),
    mark("bind"),
    mark("unbind-begin"),
    "pci_nvme_mmio_shutdown_set shutdown bit set",
    mark("unbind-end"),
    mark("released"),
    "pci_nvme_err_req_status cid 1 nsid 0 status 0x4001 opc 0xc0",
]) + "\n"


class CheckTrace(unittest.TestCase):
    def run_check(self, *args, trace=TRACE):
        with tempfile.NamedTemporaryFile("w", suffix=".trace", delete=False) as f:
            f.write(trace)
        self.addCleanup(os.unlink, f.name)
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            rc = check_trace.main([f.name, *args])
        return rc, out.getvalue()

    def test_forbid_inside_windows_ignores_outside(self):
        rc, out = self.run_check("--window", "bind", "released", "--windows", "2", "--forbid", "^pci_nvme_err_")
        self.assertEqual(rc, 0, out)

    def test_forbid_whole_trace_fails(self):
        rc, out = self.run_check("--forbid", "^pci_nvme_err_")
        self.assertEqual(rc, 1)
        self.assertIn("pci_nvme_err_invalid_identify_cns", out)
        self.assertIn("pci_nvme_err_req_status", out)

    def test_expect_exact_count_per_window(self):
        rc, out = self.run_check("--window", "unbind-begin", "unbind-end", "--expect", r"^pci_nvme_mmio_shutdown_set\b=1")
        self.assertEqual(rc, 0, out)
        rc, out = self.run_check("--window", "unbind-begin", "unbind-end", "--expect", r"^pci_nvme_mmio_shutdown_set\b=2")
        self.assertEqual(rc, 1)
        self.assertIn("1 line(s) match", out)

    def test_expect_at_least(self):
        rc, out = self.run_check("--expect", r"^pci_nvme_mmio_shutdown_set\b=3+")
        self.assertEqual(rc, 0, out)
        rc, out = self.run_check("--expect", r"^pci_nvme_mmio_shutdown_set\b=4+")
        self.assertEqual(rc, 1)

    def test_host_requests_are_not_events(self):
        rc, out = self.run_check("--window", "unbind-begin", "unbind-end", "--forbid", "device_del")
        self.assertEqual(rc, 0, out)

    def test_window_count(self):
        rc, out = self.run_check("--window", "bind", "released", "--windows", "3", "--forbid", "x")
        self.assertEqual(rc, 1)
        self.assertIn("expected 3", out)

    def test_missing_window_fails(self):
        rc, out = self.run_check("--window", "nope", "released", "--forbid", "x")
        self.assertEqual(rc, 1)
        self.assertIn("no window", out)

    def test_unclosed_window_fails(self):
        rc, out = self.run_check("--window", "bind", "released", "--forbid", "x",
                                 trace=mark("bind") + "\npci_nvme_mmio_shutdown_set\n")
        self.assertEqual(rc, 1)
        self.assertIn("has no 'released' after it", out)

    def test_missing_trace_fails(self):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            rc = check_trace.main(["/nonexistent/trace", "--forbid", "x"])
        self.assertEqual(rc, 1)

    def test_bad_expect_is_a_usage_error(self):
        with contextlib.redirect_stderr(io.StringIO()), self.assertRaises(SystemExit) as e:
            check_trace.main(["t", "--expect", "no-count"])
        self.assertEqual(e.exception.code, 2)


class FakeQmp:
    """Records what would go to QEMU; answers like QMP does."""

    def __init__(self, hmp_output="", devices=()):
        self.sent, self.hmp_output, self.devices = [], hmp_output, set(devices)

    def execute(self, command, arguments=None, ident=None):
        self.sent.append((command, arguments, ident))
        if command == "qom-get":
            gone = arguments["path"].rsplit("/", 1)[1] not in self.devices
            return (False, "Device not found") if gone else (True, "nvme")
        if command == "human-monitor-command":
            return True, self.hmp_output
        return True, {}


class HostCommands(unittest.TestCase):
    def test_mark_is_a_traced_no_op(self):
        qmp = FakeQmp()
        self.assertEqual(host_commands.handle(qmp, "mark unplug-begin", set()), (0, []))
        self.assertEqual(qmp.sent, [("query-status", None, "kcpp-host: mark unplug-begin")])

    def test_only_allowed_commands_reach_the_monitor(self):
        qmp = FakeQmp()
        rc, lines = host_commands.handle(qmp, "quit", {"device_del"})
        self.assertEqual(rc, 1)
        self.assertIn("not in this scenario's", lines[0])
        self.assertEqual(qmp.sent, [])

    def test_hmp_error_text_fails_the_request(self):
        qmp = FakeQmp("Error: Device 'x' not found\r\n")
        rc, lines = host_commands.handle(qmp, "device_del x", {"device_del"})
        self.assertEqual((rc, lines), (1, ["Error: Device 'x' not found"]))
        self.assertEqual(qmp.sent[0][1], {"command-line": "device_del x"})
        self.assertEqual(qmp.sent[0][2], "kcpp-host: device_del x")

    def test_hmp_success(self):
        self.assertEqual(host_commands.handle(FakeQmp(""), "device_del x", {"device_del"}), (0, []))

    def test_wait_deleted(self):
        self.assertEqual(host_commands.handle(FakeQmp(), "wait-deleted nvme1", set()), (0, []))
        rc, lines = host_commands.handle(FakeQmp(devices={"nvme1"}), "wait-deleted nvme1 0", set())
        self.assertEqual(rc, 1)
        self.assertIn("still exists", lines[0])


if __name__ == "__main__":
    unittest.main()
