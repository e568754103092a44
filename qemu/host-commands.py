#!/usr/bin/env python3
"""Runs QEMU monitor commands that a scenario in the guest asks for (qemu/run-scenario.sh
--host-commands).

The guest writes one request per line to its second serial port (ttyS1, a socket chardev
here); this program runs it on QEMU's QMP socket and answers on the same port with the
command's output lines and a final line `KCPP-HOST-DONE RC` (0: done, 1: the command failed
or is not allowed). The guest side is tests/qemu/lib/host.sh (`host CMD ARGS...`).

Requests:
  mark NAME            no monitor command; a marker in the QEMU trace (below)
  wait-deleted ID [S]  waits (at most S seconds, default 30) until QEMU has no device ID any
                       more: after device_del the guest may let a device go before QEMU
                       has finished unplugging it (native PCIe hotplug)
  CMD ARGS...          the HMP command CMD (e.g. device_del nvme1), only if CMD is in the
                       allowed list given with --allow

Every request is sent to QMP with the id "kcpp-host: REQUEST", so a trace that enables the
event monitor_qmp_cmd_in_band shows it in order with the device's own events: a host-check
can cut the trace into the windows the guest marked. Every request and answer is also
written to --log.

usage: host-commands.py --qmp SOCKET --serial SOCKET --log FILE [--allow CMD]... [--wait SECONDS]
"""
import argparse
import json
import socket
import sys
import time


def connect(path, deadline):
    """Connects to a unix socket that QEMU creates (server=on,wait=off), retrying until it exists."""
    while True:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            s.connect(path)
            return s
        except OSError:
            s.close()
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


class Qmp:
    def __init__(self, sock):
        self.f = sock.makefile("rw", encoding="utf-8", newline="\n")
        greeting = self._read()
        if "QMP" not in greeting:
            raise RuntimeError(f"not a QMP greeting: {greeting}")
        self.execute("qmp_capabilities")

    def _read(self):
        line = self.f.readline()
        if not line:
            raise EOFError("QMP socket closed")
        return json.loads(line)

    def execute(self, command, arguments=None, ident=None):
        """Returns (ok, result); events that arrive in between are skipped."""
        msg = {"execute": command}
        if arguments is not None:
            msg["arguments"] = arguments
        if ident is not None:
            msg["id"] = ident
        self.f.write(json.dumps(msg) + "\n")
        self.f.flush()
        while True:
            reply = self._read()
            if "return" in reply:
                return True, reply["return"]
            if "error" in reply:
                return False, reply["error"].get("desc", str(reply["error"]))


def hmp_failed(output):
    """HMP reports failures as text: 'Error: ...' or 'unknown command: ...'."""
    return any(line.startswith(("Error", "unknown command")) for line in output.splitlines())


def handle(qmp, request, allowed):
    """Runs one request; returns (rc, output lines)."""
    words = request.split()
    if not words:
        return 1, ["empty request"]
    ident = "kcpp-host: " + request
    if words[0] == "mark":
        if len(words) != 2:
            return 1, ["usage: mark NAME"]
        ok, result = qmp.execute("query-status", ident=ident)
        return (0, []) if ok else (1, [str(result)])
    if words[0] == "wait-deleted":
        if len(words) not in (2, 3) or (len(words) == 3 and not words[2].isdigit()):
            return 1, ["usage: wait-deleted ID [SECONDS]"]
        deadline = time.monotonic() + (int(words[2]) if len(words) == 3 else 30)
        path = "/machine/peripheral/" + words[1]
        while True:
            ok, _ = qmp.execute("qom-get", {"path": path, "property": "type"}, ident=ident)
            if not ok:
                return 0, []
            if time.monotonic() > deadline:
                return 1, [f"device {words[1]} still exists"]
            time.sleep(0.1)
    if words[0] not in allowed:
        return 1, [f"'{words[0]}' is not in this scenario's # host-commands: list ({' '.join(sorted(allowed)) or 'empty'})"]
    ok, result = qmp.execute("human-monitor-command", {"command-line": request}, ident=ident)
    if not ok:
        return 1, [str(result)]
    output = str(result).replace("\r", "")
    lines = [line for line in output.splitlines() if line.strip()]
    return (1 if hmp_failed(output) else 0), lines


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--qmp", required=True)
    ap.add_argument("--serial", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--allow", action="append", default=[])
    ap.add_argument("--wait", type=float, default=30.0, help="seconds to wait for QEMU's sockets")
    args = ap.parse_args()
    allowed = {w for a in args.allow for w in a.replace(",", " ").split()}

    with open(args.log, "w", encoding="utf-8") as log:
        def note(text):
            log.write(f"{time.strftime('%H:%M:%S')} {text}\n")
            log.flush()

        deadline = time.monotonic() + args.wait
        try:
            qmp = Qmp(connect(args.qmp, deadline))
            serial = connect(args.serial, deadline)
        except (OSError, EOFError, RuntimeError) as e:
            note(f"cannot connect to QEMU: {e}")
            return 1
        note(f"connected; allowed HMP commands: {' '.join(sorted(allowed)) or '(none)'}")
        guest = serial.makefile("rwb", buffering=0)
        while True:
            raw = guest.readline()
            if not raw:
                note("guest channel closed")
                return 0
            request = raw.decode("utf-8", "replace").strip()
            if not request:
                continue
            try:
                rc, lines = handle(qmp, request, allowed)
            except (OSError, EOFError) as e:
                note(f"request '{request}': QMP gone ({e})")
                return 0
            note(f"request '{request}': rc {rc}" + "".join(f"\n    {line}" for line in lines))
            reply = "".join(f"{line}\n" for line in lines) + f"KCPP-HOST-DONE {rc}\n"
            try:
                guest.write(reply.encode())
            except OSError as e:
                note(f"cannot answer the guest: {e}")
                return 0


if __name__ == "__main__":
    sys.exit(main())
