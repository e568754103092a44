#!/usr/bin/env python3
"""./kcpp bench nvme: guest kernel instructions per I/O of kcpp_nvme against the kernel's C
nvme driver, and of kcpp_nullb against null_blk, counted in two QEMU boots of Debian's 6.12
kernel (method: bench/benchlib.py; the null block part as in bench/nullb.py).

Each boot has six identical QEMU NVMe controllers (one 8 GiB namespace each, 512 B blocks, on a
null-co backend whose reads return zeros) in fixed PCI slots, in two groups of three: "nvme"
(the device completes at once) for the QD32 and 128 KiB jobs, and "nvme-lat" (it completes
after --latency-ns of host time) for QD1. In each group the roles are C (the kernel's nvme
driver, the baseline), K (kcpp_nvme, bound with driver_override before either driver loads)
and C2 (the kernel's driver again: the A/A pair). Boot 1 gives each group's slots (C, K, C2),
boot 2 swaps C and K: (K, C, C2). Both drivers run one I/O queue pair of depth 64 (63 tags)
with its own MSI-X vector (1 vCPU); the kernel's driver without multipath heads (nvme_core
multipath=N), poll or write queues, and without SGLs (sgl_threshold=0: QEMU offers SGLs,
kcpp_nvme builds PRPs, so both build PRPs). I/O scheduler none on every disk; fio io_uring,
O_DIRECT, pinned; the 128 KiB sequential reads use hugepage buffers (iomem=mmaphuge on
hugetlbfs), so every request is one physically contiguous segment.

Device completions: QEMU completes NVMe I/O in its main-loop thread, not in guest time, so
where a completion lands in the guest's instruction stream varies a little (NVMe repeats to
about 1 %, null_blk exactly). At QD1 a completion that arrived before fio went to sleep would
make a second, cheaper code path: the nvme-lat backends answer later than that. While fio
waits, an idle vCPU would let QEMU (-icount sleep=off) jump the clock from timer to timer
for as long as the host takes, adding timer interrupts to the count; so during the QD1 runs a
SCHED_IDLE spinner (bench/icount/spin.c, counted apart) keeps the vCPU busy. (Not for the
other jobs: a vCPU that never halts starves QEMU's main loop of its lock, and completions then
come late.)

Prints tables and writes build/bench/nvme.json: a list of {name, baseline, kcpp, ratio}
(ratio oriented so that higher is better for kcpp; ratio_min/ratio_max over the repetitions
of both boots), rows nvme.JOB (with the A/A floor aa_ratio_min and a verdict), nvme.aa.JOB,
nvme.module.JOB (inside nvme.ko + nvme-core.ko vs kcpp_nvme.ko, with shares), nvme.user.JOB,
nvme.iops.JOB, nvme.lat.JOB, nvme.aa.iops.JOB, and the same with the prefix nullb. for the null
block disks.

usage: bench/nvme.py [--reps R (3 per boot)] [--scale F (1.0)] [--jobs J,...] [--no-nullb]
                     [--latency-ns NS (300000)] [--functions [K]] [--modules DIR]
  --scale      multiplies every job's N (I/Os per run)
  --functions  count per translation block and dump the guest's kallsyms, then print the K
               (default 15) kernel functions whose per-I/O counts differ most (use --reps 1)
  --modules    measure the .ko files in DIR (a copy of build/modules/debian) instead of building
"""
import argparse
import time

import nullb
from benchlib import (BUILD, Analysis, Family, Job, add_common_args, boot, check_alike, die, family_rows, host_seconds, kallsyms,
                      kcpp_ko, kernel_ko, make_initramfs, make_plan, note, prepare, print_functions, print_rows,
                      role_ranges, job_list, samples, write_json)

DEPTH = 64  # entries per I/O queue, both drivers (63 tags)
HUGEPAGES = 8
# Controller slots in PCI order: group.role, boot 1 and boot 2 (C and K swap slots).
SLOTS = (("nvme.C", "nvme.K", "nvme.C2", "nvme-lat.C", "nvme-lat.K", "nvme-lat.C2"),
         ("nvme.K", "nvme.C", "nvme.C2", "nvme-lat.K", "nvme-lat.C", "nvme-lat.C2"))
NVME_JOBS = {  # name -> (rw, qd, bs, N, extra fio options, disk group, spinner)
    "randread.qd1": ("randread", 1, 4096, 2000, {}, "nvme-lat", True),
    "randread.qd32": ("randread", 32, 4096, 4000, {}, "nvme", False),
    "randwrite.qd32": ("randwrite", 32, 4096, 4000, {}, "nvme", False),
    "read128k.qd8": ("read", 8, 131072, 1000, {"iomem": "mmaphuge:/hugepages/fio"}, "nvme", False),
}
NULLB_JOBS = ("randread.qd1", "randread.qd32", "randwrite.qd32")


def nvme_family(jobs, scale):
    return Family("nvme", "nvme", "kcpp_nvme",
                  {"nvme": kernel_ko("drivers/nvme/host", "nvme"),
                   "nvme_core": kernel_ko("drivers/nvme/host", "nvme-core")},
                  {"kcpp_nvme": kcpp_ko("kcpp_nvme")},
                  [Job(j, rw, qd, bs, max(1, round(n * scale)), opts, group, spin)
                   for j in jobs for rw, qd, bs, n, opts, group, spin in [NVME_JOBS[j]]])


def qemu_args(latency_ns):
    """Identical controllers, one 8 GiB null-co namespace each (reads return zeros); the
    nvme-lat group's backends complete after latency_ns."""
    args = []
    for slot, gr in enumerate(SLOTS[0]):
        lat = f",latency-ns={latency_ns}" if gr.startswith("nvme-lat.") else ""
        args += ["-blockdev", f"driver=null-co,node-name=nvb{slot},size={8 << 30},read-zeroes=on{lat}",
                 "-device", f"nvme,serial=kcpp-bench-{slot},drive=nvb{slot},addr={0x10 + slot:#x}"]
    return args


def main():
    ap = argparse.ArgumentParser(description="kcpp_nvme vs nvme and kcpp_nullb vs null_blk, guest instructions per I/O")
    ap.add_argument("--reps", type=int, default=3, help="ABBA repetitions per boot")
    ap.add_argument("--scale", type=float, default=1.0, help="multiplies every job's N")
    ap.add_argument("--jobs", default=",".join(NVME_JOBS), help=f"NVMe jobs, from {','.join(NVME_JOBS)}")
    ap.add_argument("--no-nullb", action="store_true", help="NVMe only")
    ap.add_argument("--latency-ns", type=int, default=300000, help="completion latency of the QD1 controllers")
    ap.add_argument("--qemu-arg", action="append", default=[], help="an extra QEMU argument (debugging)")
    add_common_args(ap, "nvme")
    args = ap.parse_args()
    jobs = job_list(args.jobs, list(NVME_JOBS))
    t0 = time.monotonic()
    work = BUILD / "bench" / "nvme"
    tools = prepare(work, args.modules)
    fams = [nvme_family(jobs, args.scale)]
    kmods, files = ["nvme"], [kcpp_ko("kcpp_nvme")]
    families, modules = "nvme", "nvme nvme_core kcpp_nvme"
    if not args.no_nullb:
        fams.append(nullb.family(NULLB_JOBS, max(1, round(10000 * args.scale))))
        kmods.append("null_blk")
        files.append(kcpp_ko("kcpp_nullb"))
        families += " nullb"
        modules += " null_blk kcpp_nullb"
    plan = make_plan(fams, args.reps)
    params = dict(nullb.PARAMS, FAMILIES=families, MODULES=modules, NVME_DEPTH=DEPTH, HUGEPAGES=HUGEPAGES,
                  SYMS="all" if args.functions else "")
    initrd = make_initramfs(work, tools, plan, params, kmods, files)

    gran = "tb" if args.functions else "page"
    boots, syms = [], {}
    for i, slots in enumerate(SLOTS):
        name = f"bench-nvme-{i + 1}"
        note(f"boot {i + 1} of {len(SLOTS)}: NVMe slots {','.join(slots)}; {len(plan)} fio runs "
             f"({args.reps} repetitions), 1 vCPU, -icount shift=0,sleep=off, plugin gran={gran}")
        bt = boot(name, work, initrd, tools, gran, qemu_args(args.latency_ns) + args.qemu_arg,
                  append=f"kcpp_bench.nvme={','.join(slots)}", timeout=1800)
        got = tuple(line.split()[3] for line in bt.log if line.startswith("KCPP-BENCH-SLOT "))
        if got != slots:
            die(f"{name}: the guest gave the slots the roles {got}, want {slots}")
        diffs = {f.name: check_alike(bt.log, f) for f in fams}
        boots.append((bt, samples(bt, plan, {f.name: role_ranges(f, bt.log) for f in fams})))
        if args.functions:
            syms[bt.name] = kallsyms(bt.log)
        note(f"{name}: QEMU {bt.secs:.0f} s, boot retries {bt.retries}; host seconds in I/O loops: "
             + ", ".join(f"{k} {v:.0f}" for k, v in host_seconds(bt, plan).items()))

    an = Analysis(boots, args.reps)
    rows = []
    for f in fams:
        fr = family_rows(an, f, prefix=f"{f.name}.")
        rows += fr
        what = (f"NVMe (null-co backends; QD1 on ones that complete after {args.latency_ns} ns)"
                if f.name == "nvme" else "null block (irqmode=0)")
        print_rows(f"{what}: guest instructions per I/O (kernel; N vs 2N I/Os, {len(SLOTS)} boots with the "
                   f"slots swapped x {args.reps} ABBA repetitions, 1 vCPU, io_uring, scheduler none)", f, fr)
        if diffs[f.name]:
            print(f"queue settings that differ ({f.c_name} vs {f.k_name}): " + "; ".join(diffs[f.name]))
        if args.functions:
            for job in f.jobs:
                print_functions(an, f, job, syms, args.functions)
    print("(aa.*: the kernel's driver on both disks; module.*: inside the drivers' modules; "
          "iops/lat: guest time, information only)")
    worse = [r["name"] for r in rows if r.get("verdict") == "worse"]
    if worse:
        print("below the A/A floor: " + ", ".join(worse))
    out = write_json(args.out, rows)
    print(f"wrote {out}; QEMU {sum(b.secs for b, _ in boots):.0f} s (boot retries: "
          f"{sum(b.retries for b, _ in boots)}), total {time.monotonic() - t0:.0f} s")


if __name__ == "__main__":
    main()
