#!/usr/bin/env python3
"""./kcpp bench nullb: guest kernel instructions per I/O of kcpp_nullb against the kernel's C
null_blk, counted in one QEMU boot of Debian's 6.12 kernel.

Both drivers are loaded in the same boot and configured alike (irqmode=0 / direct completion,
same queues, depth, block size and capacity, I/O scheduler none): /dev/nullb0 (C, "baseline")
against /dev/kcppnullb0 (kcpp), and, for the noise floor, an A/A pair /dev/nullb0 against
/dev/nullb1 (null_blk nr_devices=2). QEMU runs TCG with `-icount shift=0,sleep=off`, 1 vCPU, and
the icount plugin (bench/icount/) counting executed guest instructions, kernel and user apart,
per kernel page (or translation block). One fio process (io_uring, O_DIRECT, pinned) runs
its jobs one after the other, each a fixed number of I/Os whose I/O loop is bracketed by two
markers (exec_prerun/exec_postrun); each measurement is a job of N and one of 2N I/Os on the same
disk, per-I/O = (count(2N) - count(N)) / N, so fixed costs cancel. Measurements alternate ABBA
within each repetition; baseline and kcpp are the medians of all measurements of a disk, the
per-repetition ratios (means of the two A and two B measurements) give ratio_min/ratio_max.

Prints a table and writes build/bench/nullb.json: a list of {name, baseline, kcpp, ratio}
(ratio = baseline / kcpp: higher is better for kcpp) with
  <job>         kernel instructions per I/O, null_blk vs kcpp_nullb
  aa.<job>      the same for nullb0 vs nullb1 (both null_blk): the noise floor
  module.<job>  instructions per I/O inside null_blk.ko vs kcpp_nullb.ko (share of the
                kernel's per-I/O instructions in baseline_share / kcpp_share)
plus ratio_min/ratio_max over the repetitions.

usage: bench/nullb.py [--reps R (3)] [--ios N (10000)] [--jobs randread.qd1,...] [--functions [K]]
  --functions  count per translation block and dump the guest's kallsyms, then print the K
               (default 15) kernel functions whose per-I/O counts differ most between null_blk
               and kcpp_nullb (a block counts for the function it starts in; use --reps 1)
"""
import argparse
import base64
import bisect
import gzip
import json
import lzma
import os
import re
import shutil
import statistics
import struct
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILD = Path(os.environ.get("KCPP_BUILD", ROOT / "build"))
WORK = BUILD / "bench" / "nullb"

# name -> (fio rw, iodepth)
JOBS = {
    "randread.qd1": ("randread", 1),
    "randread.qd32": ("randread", 32),
    "randwrite.qd32": ("randwrite", 32),
}
PAIRS = {  # pair -> (baseline disk, other disk)
    "cmp": ("nullb0", "kcppnullb0"),
    "aa": ("nullb0", "nullb1"),
}
MODULE_OF = {"nullb0": "null_blk", "nullb1": "null_blk", "kcppnullb0": "kcpp_nullb"}
PARAMS = dict(QUEUES=1, DEPTH=64, BS=4096, CAP_MB=1024)
SMP = 1  # every job on 1 vCPU (icount runs one vCPU at a time anyway)


def die(msg):
    sys.exit(f"kcpp: error: {msg}")


def note(msg):
    print(f"kcpp: {msg}", file=sys.stderr, flush=True)


def run(cmd, **kw):
    r = subprocess.run([str(c) for c in cmd], text=True, **kw)
    if r.returncode:
        die(f"{' '.join(map(str, cmd))} failed (status {r.returncode})")
    return r


def make_plan(reps, ios, jobs):
    """[(id, disk, rw, qd, n, tag)], tag = None for warm-up runs, else (rep, job, pair, slot, n)."""
    plan = []
    for disk in ("nullb0", "nullb1", "kcppnullb0"):  # page cache, code paths, allocations warm
        for job in jobs:
            rw, qd = JOBS[job]
            plan.append((len(plan), disk, rw, qd, ios, None))
    for rep in range(reps):
        for job in jobs:
            rw, qd = JOBS[job]
            for pair, (a, b) in PAIRS.items():
                for slot, disk in enumerate((a, b, b, a)):
                    for n in (ios, 2 * ios):
                        plan.append((len(plan), disk, rw, qd, n, (rep, job, pair, slot, n)))
    return plan


def fio_jobs(plan):
    """fio job file: one job per plan entry, run one after the other; each job's I/O loop
    is bracketed by markers 2*id and 2*id+1."""
    marker = "/kcpp/marker"
    out = [f"""[global]
ioengine=io_uring
direct=1
bs={PARAMS['BS']}
time_based=0
norandommap
randrepeat=1
cpus_allowed=0
disk_util=0
stonewall
"""]
    for i, disk, rw, qd, n, _ in plan:
        out.append(f"""[r{i}]
filename=/dev/{disk}
rw={rw}
iodepth={qd}
number_ios={n}
exec_prerun={marker} {2 * i}
exec_postrun={marker} {2 * i + 1}
""")
    return "\n".join(out)


def parse_plugin(path):
    """marker id -> (kernel, user, {key: count})"""
    out, cur = {}, None
    with open(path) as f:
        for line in f:
            if line.startswith("k "):
                _, key, n = line.split()
                cur[2][int(key, 16)] = int(n)
            elif line.startswith("marker "):
                p = line.split()
                cur = (int(p[3]), int(p[5]), {})
                out[p[1]] = cur
    return out


def text_bytes(ko):
    """Bytes of a module's core text (executable, allocated, non-.init sections, aligned as the
    module loader lays them out) from its .ko (xz-compressed or not)."""
    data = Path(ko).read_bytes()
    if str(ko).endswith(".xz"):
        data = lzma.decompress(data)
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3A)
    hdr = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize) for i in range(shnum)]
    strtab = hdr[shstrndx][4]
    size = 0
    for name, _typ, flags, _addr, _off, sz, _l, _i, align, _e in hdr:
        sname = data[strtab + name:data.index(b"\0", strtab + name)].decode()
        if flags & 0x6 == 0x6 and not sname.startswith(".init"):  # SHF_ALLOC | SHF_EXECINSTR
            align = max(align, 1)
            size = (size + align - 1) // align * align + sz
    return size


def module_ranges(log, kos):
    """module -> (start, end) of its text: /proc/modules gives the start of the module's text
    allocation (page-granular, followed by a vmalloc guard page), the .ko its size."""
    base, sections = {}, {}
    for line in log:
        p = line.split()
        if line.startswith("KCPP-BENCH-MODULE "):
            base[p[1]] = int(next(x for x in p[6:] if x.startswith("0x")), 16)
        elif line.startswith("KCPP-BENCH-SECTION "):
            sections.setdefault(p[1], []).append(int(p[3], 16))
    ranges = {}
    for mod, ko in kos.items():
        if mod not in base:
            die(f"no /proc/modules line for {mod} in the guest log")
        end = base[mod] + (text_bytes(ko) + 0xFFF) // 0x1000 * 0x1000
        for a in sections.get(mod, []):
            if not base[mod] <= a < end:
                die(f"{mod}: text section at {a:#x} outside [{base[mod]:#x}, {end:#x})")
        ranges[mod] = (base[mod], end)
    return ranges


class Symbols:
    def __init__(self, text):
        syms = []
        for line in text.splitlines():
            p = line.split()
            if len(p) >= 3 and p[1] in "tTwW":
                syms.append((int(p[0], 16), p[2] + (f" {p[3]}" if len(p) > 3 else "")))
        syms.sort()
        self.addrs = [a for a, _ in syms]
        self.names = [n for _, n in syms]

    def name(self, addr):
        i = bisect.bisect_right(self.addrs, addr) - 1
        return self.names[i] if i >= 0 else "?"


def main():
    ap = argparse.ArgumentParser(description="kcpp_nullb vs null_blk, guest instructions per I/O")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--ios", type=int, default=10000, help="N: runs of N and 2N I/Os")
    ap.add_argument("--jobs", default=",".join(JOBS))
    ap.add_argument("--functions", type=int, nargs="?", const=15, default=0)
    ap.add_argument("--out", default=str(BUILD / "bench" / "nullb.json"))
    args = ap.parse_args()
    jobs = args.jobs.split(",")
    for j in jobs:
        if j not in JOBS:
            die(f"unknown job {j} (jobs: {', '.join(JOBS)})")
    t0 = time.monotonic()

    # --- build: modules, plugin, marker, initramfs
    run([ROOT / "scripts/build-modules.sh", "--kernel", "debian"])
    plugin = run([ROOT / "bench/icount/build.sh"], stdout=subprocess.PIPE).stdout.strip().splitlines()[-1]
    WORK.mkdir(parents=True, exist_ok=True)
    marker = WORK / "marker"
    run(["gcc", "-static", "-O2", "-Wall", "-o", marker, ROOT / "bench/icount/marker.c"])
    release = (BUILD / "modules/debian/.release").read_text().strip()
    c_ko = next(Path(f"/lib/modules/{release}/kernel/drivers/block/null_blk").glob("null_blk.ko*"), None)
    c_ko or die(f"the kernel's null_blk module is not installed for {release}")
    fio = shutil.which("fio") or die("fio is not installed (apt-get install fio)")
    plan = make_plan(args.reps, args.ios, jobs)
    (WORK / "jobs.fio").write_text(fio_jobs(plan))
    params = dict(PARAMS, SYMS="all" if args.functions else "")
    (WORK / "params").write_text("".join(f"{k}={v}\n" for k, v in params.items()))
    initrd = WORK / "initrd.cpio.gz"
    run([ROOT / "qemu/mkinitramfs.sh", "--kernel", "debian", "--out", initrd,
         "--script", ROOT / "bench/nullb-guest.sh", "--kmod", "null_blk", "--bin", fio,
         "--file", BUILD / "modules/debian/kcpp_nullb.ko", "--file", marker,
         "--file", WORK / "jobs.fio", "--file", WORK / "params"], stdout=subprocess.DEVNULL)

    # --- boot
    counts = WORK / "icount.out"
    gran = "tb" if args.functions else "page"
    note(f"booting: {len(plan)} fio runs ({args.reps} repetitions, N={args.ios}), {SMP} vCPU, "
         f"-icount shift=0,sleep=off, plugin gran={gran}")
    t_boot = time.monotonic()
    run([ROOT / "qemu/run-scenario.sh", "--kernel", "debian", "--name", "bench-nullb", "--initrd", initrd,
         "--smp", SMP, "--mem", 1024, "--timeout", 900,
         "--qemu-arg", "-icount", "--qemu-arg", "shift=0,sleep=off",
         "--qemu-arg", "-plugin", "--qemu-arg", f"{plugin},outfile={counts},gran={gran}"])
    boot_secs = time.monotonic() - t_boot
    log = (BUILD / "qemu/bench-nullb.log").read_text(errors="replace").replace("\r", "").splitlines()

    # --- configuration check: the compared disks must be set up alike
    queue = {}
    for line in log:
        if line.startswith("KCPP-BENCH-QUEUE "):
            p = line.split(None, 3)
            queue.setdefault(p[1], {})[p[2]] = p[3] if len(p) > 3 else ""
    diffs = [f"{k}: nullb0={queue['nullb0'].get(k)} kcppnullb0={queue['kcppnullb0'].get(k)}"
             for k in sorted(set(queue["nullb0"]) | set(queue["kcppnullb0"]))
             if queue["nullb0"].get(k) != queue["kcppnullb0"].get(k)]
    for d in ("nullb0", "nullb1", "kcppnullb0"):
        if queue[d].get("scheduler", "").split("_")[0] != "[none]":
            die(f"{d}: scheduler {queue[d].get('scheduler')}, want none")
    if queue["nullb0"] != queue["nullb1"]:
        die("nullb0 and nullb1 are configured differently")

    # --- fio sanity: every run did exactly its I/Os
    fio_lines = {}
    for line in log:
        if line.startswith("KCPP-BENCH-FIO "):
            f = line.split(None, 1)[1].split(";")
            fio_lines[f[2]] = f
    for i, disk, rw, qd, n, _ in plan:
        f = fio_lines.get(f"r{i}", [])
        if len(f) < 50:
            die(f"no fio result for run {i} in the guest log")
        kb = int(f[5]) + int(f[46])
        if kb != n * PARAMS["BS"] // 1024 or f[4] != "0":
            die(f"run {i} ({disk} {rw} {n}): fio did {kb} KiB, error {f[4]}; want {n * PARAMS['BS'] // 1024} KiB")

    # --- counts
    marks = parse_plugin(counts)
    ranges = module_ranges(log, {"null_blk": c_ko, "kcpp_nullb": BUILD / "modules/debian/kcpp_nullb.ko"})
    syms = None
    if args.functions:
        b = log.index("KCPP-BENCH-KALLSYMS-BEGIN")
        e = log.index("KCPP-BENCH-KALLSYMS-END")
        syms = Symbols(gzip.decompress(base64.b64decode("".join(log[b + 1:e]))).decode())

    def in_module(keys, mod):
        lo, hi = ranges[mod]
        return sum(n for k, n in keys.items() if lo <= k < hi)

    runs = {}  # (rep, job, pair, slot, n) -> (kernel, user, module, keys)
    for i, disk, rw, qd, n, tag in plan:
        if tag is None:
            continue
        m = marks.get(str(2 * i + 1)) or die(f"no plugin counts for run {i} (marker {2 * i + 1})")
        runs[tag] = (m[0], m[1], in_module(m[2], MODULE_OF[disk]), m[2])

    def per_io(rep, job, pair, slot, what):
        a, b = runs[(rep, job, pair, slot, args.ios)], runs[(rep, job, pair, slot, 2 * args.ios)]
        return (b[what] - a[what]) / args.ios

    results, table = [], []
    for job in jobs:
        for pair in PAIRS:
            for what, label in ((0, job if pair == "cmp" else f"aa.{job}"), (2, f"module.{job}")):
                if what == 2 and pair == "aa":
                    continue
                rep_ratios, xs, ys = [], [], []
                for rep in range(args.reps):
                    x = [per_io(rep, job, pair, s, what) for s in (0, 3)]
                    y = [per_io(rep, job, pair, s, what) for s in (1, 2)]
                    xs += x
                    ys += y
                    rep_ratios.append(statistics.mean(x) / statistics.mean(y))
                # Medians: background work (a kworker, an RCU grace period, fio's main thread)
                # now and then adds instructions to one run; a median ignores it.
                base, kc = statistics.median(xs), statistics.median(ys)
                row = dict(name=label, baseline=round(base, 1), kcpp=round(kc, 1), ratio=round(base / kc, 4),
                           ratio_min=round(min(rep_ratios), 4), ratio_max=round(max(rep_ratios), 4))
                cv = lambda v: statistics.pstdev(v) / statistics.mean(v) * 100 if len(v) > 1 else 0.0
                extra = dict(cv_base=cv(xs), cv_kcpp=cv(ys))
                if what == 2:
                    kb = statistics.median(per_io(r, job, pair, s, 0) for r in range(args.reps) for s in (0, 3))
                    kk = statistics.median(per_io(r, job, pair, s, 0) for r in range(args.reps) for s in (1, 2))
                    row.update(baseline_share=round(base / kb, 4), kcpp_share=round(kc / kk, 4))
                results.append(row)
                table.append((row, extra))
        if args.functions:
            print_functions(args, runs, job, syms, args.functions)

    user = {}
    for job in jobs:
        for slot, disk in ((0, "nullb0"), (1, "kcppnullb0")):
            user[(job, disk)] = statistics.median(per_io(r, job, "cmp", s, 1) for r in range(args.reps)
                                                for s in ((0, 3) if slot == 0 else (1, 2)))

    print(f"\nguest instructions per 4 KiB I/O (kernel; N={args.ios} vs {2 * args.ios} I/Os, "
          f"{args.reps} ABBA repetitions, {SMP} vCPU, io_uring, irqmode=0, scheduler none)")
    print(f"{'':22} {'C null_blk':>11} {'kcpp':>11} {'ratio C/kcpp':>13} {'rep min..max':>16} {'CV C/kcpp %':>13}")
    for row, ex in table:
        b_lbl = row["name"]
        print(f"{b_lbl:22} {row['baseline']:11.1f} {row['kcpp']:11.1f} {row['ratio']:13.4f} "
              f"{row['ratio_min']:7.4f}..{row['ratio_max']:<7.4f} {ex['cv_base']:6.3f}/{ex['cv_kcpp']:.3f}"
              + (f"   share {row['baseline_share'] * 100:.1f}% / {row['kcpp_share'] * 100:.1f}%"
                 if "baseline_share" in row else ""))
    print("(aa.*: nullb0 vs nullb1, both null_blk; module.*: inside null_blk.ko vs kcpp_nullb.ko)")
    print("user-space (fio) instructions per I/O: " + ", ".join(
        f"{job} {user[(job, 'nullb0')]:.0f}/{user[(job, 'kcppnullb0')]:.0f}" for job in jobs))
    if diffs:
        print("queue settings that differ (nullb0 vs kcppnullb0): " + "; ".join(diffs))
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")
    retries = (BUILD / "qemu/bench-nullb.retries").read_text().strip()
    print(f"wrote {out}; QEMU {boot_secs:.0f} s (boot retries: {retries}), total {time.monotonic() - t0:.0f} s")


def print_functions(args, runs, job, syms, top):
    """Per-function kernel instructions per I/O, null_blk vs kcpp_nullb, largest differences."""
    def per_fn(slots):
        acc = {}
        cnt = 0
        for rep in range(args.reps):
            for s in slots:
                a = runs[(rep, job, "cmp", s, args.ios)][3]
                b = runs[(rep, job, "cmp", s, 2 * args.ios)][3]
                cnt += 1
                for k in set(a) | set(b):
                    name = syms.name(k)
                    acc[name] = acc.get(name, 0) + (b.get(k, 0) - a.get(k, 0)) / args.ios
        return {k: v / cnt for k, v in acc.items()}
    c, k = per_fn((0, 3)), per_fn((1, 2))
    names = sorted(set(c) | set(k), key=lambda n: -abs(k.get(n, 0) - c.get(n, 0)))
    print(f"\n{job}: kernel functions by per-I/O difference (kcpp - C)")
    print(f"{'function':48} {'C':>8} {'kcpp':>8} {'diff':>8}")
    for n in names[:top]:
        print(f"{n[:48]:48} {c.get(n, 0):8.1f} {k.get(n, 0):8.1f} {k.get(n, 0) - c.get(n, 0):8.1f}")


if __name__ == "__main__":
    main()
