#!/usr/bin/env python3
"""./kcpp bench binder: guest kernel instructions per binder round trip of kcpp_binder against
the kernel's C binder (binder_linux), counted in one QEMU boot of Debian's 6.12 kernel
(counting method, markers, medians and ABBA: bench/benchlib.py and bench/icount/).

Both drivers are loaded in the same boot under different device names: binder_linux with
devices=binderc,binderc2 (roles C, the baseline, and C2, its A/A twin for the noise floor) and
kcpp_binder with devices=binderk (role K). On each device bench/binder_bench.c sets up, once, a
service manager and two client/server pairs (all binder traffic through tests/binder/lib); a
run has the first one or two clients do N synchronous round trips each, libbinder-style
(BC_FREE_BUFFER of the last reply + BC_TRANSACTION with a read, then a read for BR_REPLY; the
server frees the request with its next read and replies with an empty parcel), with a request
of 0, 64, 4096 or 65536 bytes. Every run is bracketed by icount markers. QEMU runs TCG with
`-icount shift=0,sleep=off`, 1 vCPU (two pairs share it: more processes, threads and driver
state interleaved, not parallel lock contention), and the icount plugin.

Measurements: a run of N and one of 2N round trips per client on the same device;
per-transaction = (count(2N) - count(N)) / (pairs * N), so fixed costs (waking the clients,
the markers) cancel. Pairs "cmp" (C against K) and "aa" (C against C2), each ABBA within every
repetition; baseline and kcpp are medians over all measurements, ratio_min/ratio_max the
extremes of the per-repetition ratios.

Prints a table and writes build/bench/binder.json: a list of {name, baseline, kcpp, ratio}
(ratio oriented so that higher is better for kcpp: C/kcpp for costs, kcpp/C for throughput),
with ratio_min/ratio_max and unit, for each job rt.<P>p.<SIZE> (P pairs, SIZE request bytes):
  JOB          kernel instructions per round trip, binder_linux vs kcpp_binder (the primary
               figure; with the A/A floor aa_ratio_min and a verdict: ok >= 1, within noise
               >= the floor, worse)
  aa.JOB       the same for binderc vs binderc2 (both binder_linux): the noise floor
  module.JOB   instructions per round trip inside binder_linux.ko vs kcpp_binder.ko (shares
               of the kernel figure in baseline_share / kcpp_share)
  user.JOB     user-space instructions per round trip
  lat.JOB      guest ns per round trip of one client (secondary; under -icount shift=0 guest
               time is executed instructions, so this follows kernel + user instructions)
  tps.JOB      round trips per guest second, all clients together (secondary)
  aa.lat.JOB   lat for the A/A pair
With --aa-only kcpp_binder is not loaded and only the aa rows are measured (the harness
proving itself, C against C).

usage: bench/binder.py [--reps R (3)] [--scale F (1.0)] [--jobs rt.1p.0,...] [--aa-only]
                       [--functions [K]] [--modules DIR] [--out FILE]
  --scale      multiplies every job's N
  --functions  count per translation block and dump the guest's kallsyms, then print the K
               (default 15) kernel functions whose per-round-trip counts differ most between
               binder_linux and kcpp_binder for the one-pair jobs (use --reps 1)
"""
import argparse
import subprocess
import time
from dataclasses import dataclass

import benchlib
from benchlib import (BUILD, ROOT, Analysis, Sample, boot, die, guest_times, kallsyms, kcpp_ko, kernel_ko,
                      module_ranges, note, prepare, print_functions, print_rows, run, write_json)

SIZES = {"0": 0, "64": 64, "4k": 4096, "64k": 65536}
PAIR_COUNTS = (1, 2)
# Round trips per client in the N-run (the 2N-run does twice as many), per request size: each
# measurement's difference covers some 10-40 million guest instructions.
N = {0: 1000, 64: 1000, 4096: 800, 65536: 300}
WARMUP = 200  # round trips per client at set-up (sizes mixed), before any run
ROLES = ("C", "K", "C2")
PAIRS = {"cmp": ("C", "K"), "aa": ("C", "C2")}
DEVICE = {"C": "binderc", "K": "binderk", "C2": "binderc2"}


@dataclass
class Job:
    name: str  # rt.<pairs>p.<size name>
    pairs: int
    size: int
    ios: int  # N (Analysis reads job.ios)


@dataclass
class Family:  # what benchlib.Analysis and print_functions read
    name: str
    c_name: str
    k_name: str
    jobs: list


@dataclass
class Run:
    id: int
    role: str
    job: Job
    n: int
    tag: tuple = None  # (rep, pair, slot) for measurements, None for warm-up runs


def all_jobs():
    return [f"rt.{p}p.{s}" for p in PAIR_COUNTS for s in SIZES]


def make_jobs(names, scale):
    jobs = []
    for name in names:
        _, p, s = name.split(".")
        size = SIZES[s]
        jobs.append(Job(name, int(p[:-1]), size, max(1, round(N[size] * scale))))
    return jobs


def make_plan(jobs, reps, pairs):
    """A warm-up run per role and job, then per repetition and job each pair ABBA, each slot a
    run of N and one of 2N round trips per client."""
    roles = sorted({r for p in pairs for r in PAIRS[p]}, key=ROLES.index)
    plan = []
    for role in roles:
        for job in jobs:
            plan.append(Run(len(plan), role, job, max(1, job.ios // 4)))
    for rep in range(reps):
        for job in jobs:
            for pair in pairs:
                a, b = PAIRS[pair]
                for slot, role in enumerate((a, b, b, a)):
                    for n in (job.ios, 2 * job.ios):
                        plan.append(Run(len(plan), role, job, n, (rep, pair, slot)))
    if 2 * len(plan) > 0xFFFF:
        die(f"{len(plan)} runs need more marker ids than the plugin has (65536)")
    return plan


def build_program(work):
    """bench/binder_bench.c with the bt library, static, against the 6.12 UAPI headers."""
    uapi = run([ROOT / "scripts/binder-uapi.sh"], stdout=subprocess.PIPE).stdout.strip().splitlines()[-1]
    lib = sorted((ROOT / "tests/binder/lib").glob("*.c"))
    out = work / "binder_bench"
    run(["gcc", "-static", "-O2", "-g", "-Wall", "-Wextra", "-Werror", "-std=gnu11", f"-I{uapi}",
         f"-I{ROOT / 'tests/binder/lib'}", "-pthread", "-o", out, ROOT / "bench/binder_bench.c", *lib])
    return out


def make_initramfs(work, prog, plan, params, kcpp):
    (work / "plan").write_text("".join(f"{r.id} {r.role} {r.job.pairs} {r.job.size} {r.n}\n" for r in plan))
    (work / "params").write_text("".join(f"{k}='{v}'\n" for k, v in params.items()))
    initrd = work / "initrd.cpio.gz"
    cmd = [ROOT / "qemu/mkinitramfs.sh", "--kernel", "debian", "--out", initrd, "--script",
           ROOT / "bench/binder-guest.sh", "--file", ROOT / "bench/guest-report.sh", "--kmod", "binder_linux", "--file", prog,
           "--file", work / "plan", "--file", work / "params"]
    if kcpp:
        cmd += ["--file", kcpp]
    run(cmd, stdout=subprocess.DEVNULL)
    return initrd


def guest_failure(name):
    """The guest's own explanation of a failed boot, for the error message."""
    log = BUILD / f"qemu/{name}.log"
    if not log.is_file():
        return ""
    keep = [line for line in log.read_text(errors="replace").splitlines()
            if line.startswith(("FAIL:", "binder_bench:", "# ")) or "kcpp_binder" in line or "binder:" in line]
    return "\n".join(keep[-20:])


def samples(bt, plan, ranges):
    """(rep, family, job, pair, slot, n) -> Sample for the measurement runs."""
    done = {}
    for line in bt.log:
        if line.startswith("KCPP-BENCH-RUN "):
            p = line.split()
            done[int(p[1])] = int(p[5])
    times = guest_times(bt.log)
    out = {}
    for r in plan:
        want = r.n * r.job.pairs
        if done.get(r.id) != want:
            die(f"run {r.id} ({r.role} {r.job.name} N={r.n}): {done.get(r.id)} round trips reported, want {want}")
        if r.tag is None:
            continue
        m = bt.marks.get(str(2 * r.id + 1)) or die(f"{bt.name}: no plugin counts for run {r.id}")
        if 2 * r.id not in times or 2 * r.id + 1 not in times:
            die(f"{bt.name}: no guest time stamps for run {r.id}")
        inside = {mod: sum(n for k, n in m[2].items() if lo <= k < hi) for mod, (lo, hi) in ranges[r.role].items()}
        rep, pair, slot = r.tag
        out[(rep, "binder", r.job.name, pair, slot, r.n)] = Sample(m[0], m[1], inside, m[2],
                                                                 times[2 * r.id + 1] - times[2 * r.id], 0.0)
    return out


def binder_rows(an, fam, pairs):
    rows = []
    for job in fam.jobs:
        per_txn = job.ios * job.pairs  # round trips in N more per client

        def kernel(b, a, _n):
            return benchlib.kernel_per_io(b, a, per_txn)

        def user(b, a, _n):
            return benchlib.user_per_io(b, a, per_txn)

        def lat(b, a, n):
            return (b.ns - a.ns) / n  # each client did n more round trips in that guest time

        def tps(b, a, _n):
            return 1e9 * per_txn / (b.ns - a.ns)

        unit = "kernel instructions/round trip"
        aa = an.row(f"aa.{job.name}", fam, job, "aa", kernel, unit=unit)
        aa_lat = an.row(f"aa.lat.{job.name}", fam, job, "aa", lat, unit="guest ns/round trip")
        if "cmp" not in pairs:
            rows += [aa, aa_lat]
            continue
        cmp_ = an.row(job.name, fam, job, "cmp", kernel, unit=unit)
        benchlib.judge(cmp_, aa)
        mod = benchlib.module_row(an, f"module.{job.name}", fam, job, cmp_, per_txn,
                                  unit="instructions/round trip inside the driver modules")
        rows += [cmp_, aa, mod,
                 an.row(f"user.{job.name}", fam, job, "cmp", user, unit="user instructions/round trip"),
                 an.row(f"lat.{job.name}", fam, job, "cmp", lat, unit="guest ns/round trip"),
                 an.row(f"tps.{job.name}", fam, job, "cmp", tps, higher_better=True, unit="round trips/guest s"),
                 aa_lat]
    return rows


def main():
    ap = argparse.ArgumentParser(description="kcpp_binder vs binder_linux, guest instructions per round trip")
    ap.add_argument("--reps", type=int, default=3, help="ABBA repetitions")
    ap.add_argument("--scale", type=float, default=1.0, help="multiplies every job's N")
    ap.add_argument("--jobs", default=",".join(all_jobs()), help="of: " + ", ".join(all_jobs()))
    ap.add_argument("--aa-only", action="store_true", help="binder_linux against itself only (no kcpp_binder)")
    benchlib.add_common_args(ap, "binder")
    args = ap.parse_args()
    names = benchlib.job_list(args.jobs, all_jobs())
    if args.functions and args.aa_only:
        die("--functions compares binder_linux with kcpp_binder: not with --aa-only")
    t0 = time.monotonic()
    work = BUILD / "bench" / "binder"
    tools = prepare(work, args.modules)
    prog = build_program(work)
    jobs = make_jobs(names, args.scale)
    pairs = ("aa",) if args.aa_only else ("cmp", "aa")
    fam = Family("binder", "binderc", "binderc2", jobs) if args.aa_only else Family("binder", "binder_linux", "kcpp_binder", jobs)
    plan = make_plan(jobs, args.reps, pairs)
    kos = {"binder_linux": kernel_ko("drivers/android", "binder_linux")}
    if not args.aa_only:
        kos["kcpp_binder"] = kcpp_ko("kcpp_binder")
    params = dict(KCPP=0 if args.aa_only else 1, WARMUP=WARMUP, SYMS="all" if args.functions else "")
    initrd = make_initramfs(work, prog, plan, params, kos.get("kcpp_binder"))

    gran = "tb" if args.functions else "page"
    name = "bench-binder"
    note(f"booting: {len(plan)} runs ({args.reps} repetitions, pairs {'/'.join(pairs)}), 1 vCPU, "
         f"-icount shift=0,sleep=off, plugin gran={gran}")
    try:
        bt = boot(name, work, initrd, tools, gran, timeout=900)
    except SystemExit:
        why = guest_failure(name)
        if why:
            print(f"kcpp: the guest said (full log: {BUILD / 'qemu' / (name + '.log')}):\n{why}")
        if not args.aa_only and any(w in why for w in ("kcpp side", "role K", "client.K", "server.K")):
            print("kcpp: the kcpp_binder side failed; `--aa-only` measures binder_linux against itself")
        raise
    mr = module_ranges(bt.log, kos)
    c = {"binder_linux": mr["binder_linux"]}
    ranges = {"C": c, "C2": c, "K": {"kcpp_binder": mr["kcpp_binder"]} if "kcpp_binder" in mr else {}}
    an = Analysis([(bt, samples(bt, plan, ranges))], args.reps)
    rows = binder_rows(an, fam, pairs)
    print_rows(f"guest instructions per binder round trip (kernel; N vs 2N round trips per client, {args.reps} "
               f"ABBA repetitions, 1 vCPU, request SIZE bytes, empty reply)", fam, rows)
    print("(jobs rt.<pairs>p.<request size>; aa.*: binderc vs binderc2, both binder_linux; module.*: inside "
          "binder_linux.ko vs kcpp_binder.ko; lat/tps: guest time, information only)")
    worse = [r["name"] for r in rows if r.get("verdict") == "worse"]
    if worse:
        print("below the A/A floor: " + ", ".join(worse))
    if args.functions:
        syms = {bt.name: kallsyms(bt.log)}
        for job in jobs:
            if job.pairs == 1:
                print_functions(an, fam, job, syms, args.functions)
    out = write_json(args.out, rows)
    print(f"wrote {out}; QEMU {bt.secs:.0f} s (boot retries: {bt.retries}), total {time.monotonic() - t0:.0f} s")


if __name__ == "__main__":
    main()
