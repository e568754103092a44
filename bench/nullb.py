#!/usr/bin/env python3
"""./kcpp bench nullb: guest kernel instructions per I/O of kcpp_nullb against the kernel's C
null_blk, counted in one QEMU boot of Debian's 6.12 kernel (method: bench/benchlib.py).

Both drivers are loaded in the same boot and configured alike (irqmode=0 / direct completion,
same queues, depth, block size and capacity, I/O scheduler none): /dev/nullb0 (C, "baseline")
against /dev/kcppnullb0 (kcpp), and, for the noise floor, an A/A pair /dev/nullb0 against
/dev/nullb1 (null_blk nr_devices=2). QEMU runs TCG with `-icount shift=0,sleep=off`, 1 vCPU,
and the icount plugin (bench/icount/); fio uses io_uring, O_DIRECT, pinned.

Prints a table and writes build/bench/nullb.json: a list of {name, baseline, kcpp, ratio}
(ratio oriented so that higher is better for kcpp) with ratio_min/ratio_max over the
repetitions, for each job:
  JOB          kernel instructions per I/O, null_blk vs kcpp_nullb (ratio C/kcpp; with the
               A/A floor aa_ratio_min and a verdict: ok >= 1, within noise >= the floor, worse)
  aa.JOB       the same for nullb0 vs nullb1 (both null_blk): the noise floor
  module.JOB   instructions per I/O inside null_blk.ko vs kcpp_nullb.ko (share of the kernel's
               per-I/O instructions in baseline_share / kcpp_share)
  user.JOB     user-space (fio) instructions per I/O
  iops.JOB, lat.JOB, aa.iops.JOB   IOPS and mean latency in guest time (information)

usage: bench/nullb.py [--reps R (3)] [--ios N (10000)] [--jobs randread.qd1,...] [--functions [K]]
  --functions  count per translation block and dump the guest's kallsyms, then print the K
               (default 15) kernel functions whose per-I/O counts differ most between null_blk
               and kcpp_nullb (a block counts for the function it starts in; use --reps 1)
"""
import argparse
import time

from benchlib import (BUILD, Analysis, Family, Job, add_common_args, boot, check_alike, family_rows, kallsyms, kcpp_ko,
                      kernel_ko, make_initramfs, make_plan, note, prepare, print_functions, print_rows, role_ranges,
                      job_list, samples, write_json)

PARAMS = dict(QUEUES=1, DEPTH=64, BS=4096, CAP_MB=1024)
JOBS = ("randread.qd1", "randread.qd32", "randwrite.qd32")


def family(jobs=JOBS, ios=10000):
    def job(name):
        rw, qd = name.split(".qd")
        return Job(name, rw, int(qd), ios=ios)
    return Family("nullb", "null_blk", "kcpp_nullb",
                  {"null_blk": kernel_ko("drivers/block/null_blk", "null_blk")},
                  {"kcpp_nullb": kcpp_ko("kcpp_nullb")}, [job(j) for j in jobs])


def main():
    ap = argparse.ArgumentParser(description="kcpp_nullb vs null_blk, guest instructions per I/O")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--ios", type=int, default=10000, help="N: runs of N and 2N I/Os")
    ap.add_argument("--jobs", default=",".join(JOBS))
    add_common_args(ap, "nullb")
    args = ap.parse_args()
    jobs = job_list(args.jobs, JOBS)
    t0 = time.monotonic()
    work = BUILD / "bench" / "nullb"
    tools = prepare(work, args.modules)
    fam = family(jobs, args.ios)
    plan = make_plan([fam], args.reps)
    params = dict(PARAMS, FAMILIES="nullb", MODULES="null_blk kcpp_nullb", SYMS="all" if args.functions else "")
    initrd = make_initramfs(work, tools, plan, params, ["null_blk"], [fam.k_modules["kcpp_nullb"]])

    gran = "tb" if args.functions else "page"
    note(f"booting: {len(plan)} fio runs ({args.reps} repetitions, N={args.ios}), 1 vCPU, "
         f"-icount shift=0,sleep=off, plugin gran={gran}")
    bt = boot("bench-nullb", work, initrd, tools, gran, timeout=900)
    diffs = check_alike(bt.log, fam)
    an = Analysis([(bt, samples(bt, plan, {"nullb": role_ranges(fam, bt.log)}))], args.reps)
    rows = family_rows(an, fam)
    print_rows(f"guest instructions per 4 KiB I/O (kernel; N={args.ios} vs {2 * args.ios} I/Os, {args.reps} ABBA "
               f"repetitions, 1 vCPU, io_uring, irqmode=0, scheduler none)", fam, rows)
    print("(aa.*: nullb0 vs nullb1, both null_blk; module.*: inside null_blk.ko vs kcpp_nullb.ko; "
          "iops/lat: guest time, information only)")
    if diffs:
        print("queue settings that differ (nullb0 vs kcppnullb0): " + "; ".join(diffs))
    if args.functions:
        syms = {bt.name: kallsyms(bt.log)}
        for job in fam.jobs:
            print_functions(an, fam, job, syms, args.functions)
    out = write_json(args.out, rows)
    print(f"wrote {out}; QEMU {bt.secs:.0f} s (boot retries: {bt.retries}), total {time.monotonic() - t0:.0f} s")


if __name__ == "__main__":
    main()
