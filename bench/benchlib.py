"""Shared parts of the instruction-counting benchmarks (bench/nullb.py, bench/nvme.py; the
binder benchmark uses the boot, counting and analysis parts).

A block benchmark compares disk *families* (the null block disks, the NVMe disks). Each family
has three roles in every boot: C (the kernel's driver, the baseline), K (the kcpp driver) and
C2 (the kernel's driver again, for the A/A noise floor). The guest script (bench/guest.sh)
sets the disks up, links them as /dev/kcpp-bench/GROUP.ROLE (a job's group is its family's
name unless it names another set of disks) and runs one fio process whose jobs, one after the
other, each do a fixed number of I/Os bracketed by two markers (bench/icount/marker.c); the
icount plugin (bench/icount/icount.c) writes the guest instructions executed between markers,
kernel and user apart, per kernel page or translation block, and the marker writes the guest
time. QEMU runs TCG with `-icount shift=0,sleep=off` and 1 vCPU.

Measurements: a job of N and one of 2N I/Os on the same disk; per-I/O = (count(2N) -
count(N)) / N, so fixed costs (fio's setup and teardown, the markers) cancel. Pairs: "cmp"
(C against K) and "aa" (C against C2), each measured ABBA within every repetition. A benchmark
may boot more than once (the NVMe one swaps the controllers' slots in its second boot); the
baseline and kcpp figures are medians over all measurements, ratio_min/ratio_max the extremes
of the per-repetition ratios (mean of the two A measurements over the mean of the two B ones,
outliers left out: see Analysis.row). A primary row's verdict: "ok" at ratio >= 1, "within
noise" at ratio >= the A/A pair's ratio_min, else "worse".
"""
import base64
import bisect
import gzip
import json
import lzma
import os
import statistics
import struct
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILD = Path(os.environ.get("KCPP_BUILD", ROOT / "build"))
MODULES = [BUILD / "modules" / "debian"]  # where our .ko files are (prepare() may change it)
ROLES = ("C", "K", "C2")
PAIRS = {"cmp": ("C", "K"), "aa": ("C", "C2")}  # pair -> (A = baseline role, B role)
TIMES = "/tmp/kcpp-bench-times"  # the guest's marker time stamps (guest.sh prints them)
SPIN_PID = "/tmp/kcpp-spin.pid"  # guest.sh writes the idle spinner's pid there


def die(msg):
    sys.exit(f"kcpp: error: {msg}")


def note(msg):
    print(f"kcpp: {msg}", file=sys.stderr, flush=True)


def run(cmd, **kw):
    r = subprocess.run([str(c) for c in cmd], text=True, **kw)
    if r.returncode:
        die(f"{' '.join(map(str, cmd))} failed (status {r.returncode})")
    return r


@dataclass
class Job:
    name: str  # e.g. randread.qd1
    rw: str  # fio rw=
    qd: int
    bs: int = 4096
    ios: int = 10000  # N
    fio: dict = field(default_factory=dict)  # extra fio options
    group: str = ""  # the disks it runs on, /dev/kcpp-bench/GROUP.ROLE (default: the family's name)
    spin: bool = False  # run the idle spinner (bench/icount/spin.c) during its runs


@dataclass
class Family:
    name: str  # nullb, nvme: the guest's /dev/kcpp-bench/NAME.ROLE
    c_name: str  # the kernel's driver, for tables
    k_name: str
    c_modules: dict  # module name -> .ko path: what counts as "inside the C driver"
    k_modules: dict
    jobs: list

    def groups(self):
        return sorted({j.group or self.name for j in self.jobs})


@dataclass
class Run:
    id: int
    family: Family
    role: str
    job: Job
    n: int
    tag: tuple = None  # (rep, pair, slot) for measurements, None for warm-up runs


def add_common_args(ap, name):
    """The options every benchmark script has: --functions, --modules and --out
    (build/bench/NAME.json)."""
    ap.add_argument("--functions", type=int, nargs="?", const=15, default=0, metavar="K",
                    help="print the K kernel functions whose per-operation counts differ most (use --reps 1)")
    ap.add_argument("--modules", metavar="DIR", help="measure the .ko files in DIR (a copy of build/modules/debian) "
                    "instead of building")
    ap.add_argument("--out", default=str(BUILD / "bench" / f"{name}.json"))


def job_list(text, known):
    """The comma-separated job names in text, each one of known (else the script stops)."""
    jobs = text.split(",")
    for j in jobs:
        if j not in known:
            die(f"unknown job {j} (jobs: {', '.join(known)})")
    return jobs


def make_plan(families, reps):
    """Warm-up runs (page cache, code paths, allocations) on every disk, then per repetition,
    family and job both pairs ABBA, each slot a run of N and one of 2N I/Os."""
    plan = []
    for fam in families:
        for role in ROLES:
            for job in fam.jobs:
                plan.append(Run(len(plan), fam, role, job, job.ios))
    for rep in range(reps):
        for fam in families:
            for job in fam.jobs:
                for pair, (a, b) in PAIRS.items():
                    for slot, role in enumerate((a, b, b, a)):
                        for n in (job.ios, 2 * job.ios):
                            plan.append(Run(len(plan), fam, role, job, n, (rep, pair, slot)))
    if 2 * len(plan) > 0xFFFF:
        die(f"{len(plan)} runs need more marker ids than the plugin has (65536)")
    return plan


def fio_jobfile(plan, cpu=0):
    """One fio job per run, one after the other (stonewall); run i's I/O loop is bracketed by
    markers 2i and 2i+1."""
    marker = "/kcpp/marker"
    out = [f"""[global]
direct=1
time_based=0
norandommap
randrepeat=1
cpus_allowed={cpu}
disk_util=0
stonewall
"""]
    for r in plan:
        spin = f" {SPIN_PID}" if r.job.spin else ""
        opts = dict(ioengine="io_uring", **r.job.fio)
        out.append(f"[r{r.id}]\nfilename=/dev/kcpp-bench/{r.job.group or r.family.name}.{r.role}\nrw={r.job.rw}\n"
                   f"bs={r.job.bs}\niodepth={r.job.qd}\nnumber_ios={r.n}\n"
                   + "".join(f"{k}={v}\n" for k, v in opts.items())
                   + f"exec_prerun={marker} {2 * r.id} {TIMES}{spin}\n"
                   + f"exec_postrun={marker} {2 * r.id + 1} {TIMES}{spin}\n")
    return "\n".join(out)


def kcpp_ko(name):
    """One of our modules, e.g. kcpp_ko('kcpp_nvme')."""
    ko = MODULES[0] / f"{name}.ko"
    return ko if ko.is_file() else die(f"{ko} not found")


def prepare(work, modules=None):
    """Builds the modules (or, given a directory, takes the ones there: a copy of
    build/modules/debian, with its .release, measures a fixed build while others rebuild), the
    plugin, the marker and the idle spinner; returns (plugin path, marker path, spinner path)."""
    if modules:
        MODULES[0] = Path(modules).resolve()
        if not (MODULES[0] / ".release").is_file():
            die(f"{MODULES[0]} has no .release file (copy build/modules/debian whole)")
    else:
        run([ROOT / "scripts/build-modules.sh", "--kernel", "debian"])
    plugin = run([ROOT / "bench/icount/build.sh"], stdout=subprocess.PIPE).stdout.strip().splitlines()[-1]
    work.mkdir(parents=True, exist_ok=True)
    marker, spin = work / "marker", work / "spin"
    run(["gcc", "-static", "-O2", "-Wall", "-o", marker, ROOT / "bench/icount/marker.c"])
    run(["gcc", "-static", "-no-pie", "-O2", "-Wall", "-o", spin, ROOT / "bench/icount/spin.c"])
    nm = run(["nm", "-S", spin], stdout=subprocess.PIPE).stdout
    loop = [line.split() for line in nm.splitlines() if line.endswith(" spin")]
    if len(loop) != 1 or len(loop[0]) != 4:
        die(f"no single 'spin' symbol with a size in {spin}")
    lo, size = int(loop[0][0], 16), int(loop[0][1], 16)
    return Tools(plugin, marker, spin, f"{lo:x}-{lo + size:x}")


@dataclass
class Tools:
    plugin: str  # icount.so
    marker: Path
    spin: Path
    idle: str  # the spinner loop's address range, for the plugin's idle=


def release():
    return (MODULES[0] / ".release").read_text().strip()


def kernel_ko(rel_dir, name):
    """The Debian kernel's own module file, e.g. kernel_ko('drivers/block/null_blk', 'null_blk')."""
    d = Path(f"/lib/modules/{release()}/kernel") / rel_dir
    ko = next(d.glob(f"{name}.ko*"), None)
    return ko or die(f"the kernel's {name} module is not installed for {release()} (in {d})")


def make_initramfs(work, tools, plan, params, kmods, files):
    """Initramfs with bench/guest.sh (and guest-report.sh), fio, the marker, the spinner, the job file and the
    parameters."""
    fio = "/usr/bin/fio"
    os.access(fio, os.X_OK) or die("fio is not installed (apt-get install fio)")
    (work / "jobs.fio").write_text(fio_jobfile(plan))
    (work / "params").write_text("".join(f"{k}='{v}'\n" for k, v in params.items()))
    initrd = work / "initrd.cpio.gz"
    cmd = [ROOT / "qemu/mkinitramfs.sh", "--kernel", "debian", "--out", initrd,
           "--script", ROOT / "bench/guest.sh", "--file", ROOT / "bench/guest-report.sh", "--bin", fio, "--file", tools.marker, "--file", tools.spin,
           "--file", work / "jobs.fio", "--file", work / "params"]
    for k in kmods:
        cmd += ["--kmod", k]
    for f in files:
        cmd += ["--file", f]
    run(cmd, stdout=subprocess.DEVNULL)
    return initrd


@dataclass
class Boot:
    name: str
    log: list
    marks: dict  # marker id -> (kernel, user, {key: count})
    secs: float
    retries: int


def boot(name, work, initrd, tools, gran, qemu_args=(), append="", smp=1, mem=1024, timeout=1200):
    counts = work / f"{name}.icount"
    t = time.monotonic()
    cmd = [ROOT / "qemu/run-scenario.sh", "--kernel", "debian", "--name", name, "--initrd", initrd,
           "--smp", smp, "--mem", mem, "--timeout", timeout,
           "--qemu-arg", "-icount", "--qemu-arg", "shift=0,sleep=off",
           "--qemu-arg", "-plugin", "--qemu-arg", f"{tools.plugin},outfile={counts},gran={gran},idle={tools.idle}"]
    for a in qemu_args:
        cmd += ["--qemu-arg", a]
    if append:
        cmd += ["--append", append]
    run(cmd)
    secs = time.monotonic() - t
    log = (BUILD / f"qemu/{name}.log").read_text(errors="replace").replace("\r", "").splitlines()
    retries = int((BUILD / f"qemu/{name}.retries").read_text().strip() or 0)
    return Boot(name, log, parse_plugin(counts), secs, retries)


def parse_plugin(path):
    """marker id -> (kernel, user, {key: count}, host ns, idle)"""
    out, cur = {}, None
    with open(path) as f:
        for line in f:
            if line.startswith("k "):
                _, key, n = line.split()
                cur[2][int(key, 16)] = int(n)
            elif line.startswith("marker "):
                p = line.split()
                cur = (int(p[3]), int(p[5]), {}, int(p[7]), int(p[9]))
                out[p[1]] = cur
    return out


def host_seconds(bt, plan):
    """Host seconds spent in the runs' I/O loops, per (group, job)."""
    out = {}
    for r in plan:
        a, b = bt.marks.get(str(2 * r.id)), bt.marks.get(str(2 * r.id + 1))
        if a and b:
            k = f"{r.job.group or r.family.name} {r.job.name}"
            out[k] = out.get(k, 0) + (b[3] - a[3]) / 1e9
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


def role_ranges(fam, log):
    """role -> {module: text range}: C and C2 run the C modules, K ours."""
    r = module_ranges(log, {**fam.c_modules, **fam.k_modules})
    c = {m: r[m] for m in fam.c_modules}
    return {"C": c, "C2": c, "K": {m: r[m] for m in fam.k_modules}}


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


def kallsyms(log):
    try:
        b, e = log.index("KCPP-BENCH-KALLSYMS-BEGIN"), log.index("KCPP-BENCH-KALLSYMS-END")
    except ValueError:
        die("no kallsyms dump in the guest log")
    return Symbols(gzip.decompress(base64.b64decode("".join(log[b + 1:e]))).decode())


def queues(log):
    """disk (FAMILY.ROLE) -> {queue setting: value} as the guest printed them."""
    q = {}
    for line in log:
        if line.startswith("KCPP-BENCH-QUEUE "):
            p = line.split(None, 3)
            q.setdefault(p[1], {})[p[2]] = p[3] if len(p) > 3 else ""
    return q


# fio terse v3 fields (0-based): read KiB 5, IOPS 7, mean total latency (us) 39; the write
# block starts 41 fields later (KiB 46, IOPS 48, latency 80).
def fio_results(log, plan):
    """run id -> (KiB done, fio's IOPS, mean latency us); dies unless every run did exactly
    its I/Os. (fio's IOPS come from a runtime in whole ms: the guest time stamps are finer.)"""
    lines = {}
    for line in log:
        if line.startswith("KCPP-BENCH-FIO "):
            f = line.split(None, 1)[1].split(";")
            lines[f[2]] = f
    out = {}
    for r in plan:
        f = lines.get(f"r{r.id}", [])
        if len(f) < 81:
            die(f"no fio result for run {r.id} in the guest log")
        kb = int(f[5]) + int(f[46])
        want = r.n * r.job.bs // 1024
        if kb != want or f[4] != "0":
            die(f"run {r.id} ({r.family.name}.{r.role} {r.job.name} {r.n}): fio did {kb} KiB, error {f[4]}; "
                f"want {want} KiB")
        w = 41 if int(f[46]) else 0
        out[r.id] = (kb, float(f[7 + w]), float(f[39 + w]))
    return out


def guest_times(log):
    """marker id -> guest CLOCK_MONOTONIC ns (bench/icount/marker.c)."""
    t = {}
    for line in log:
        if line.startswith("KCPP-BENCH-TIME "):
            _, i, ns = line.split()
            t[int(i)] = int(ns)
    return t


@dataclass
class Sample:
    kernel: int  # kernel instructions in the run's I/O loop
    user: int
    inside: dict  # {module: instructions} inside the run's driver modules
    keys: dict  # kernel instructions per page or block
    ns: int  # guest time of the I/O loop
    lat: float  # fio's mean latency, us


def samples(bt, plan, fams_ranges):
    """(rep, family, job, pair, slot, n) -> Sample for the measurement runs of one boot."""
    fio = fio_results(bt.log, plan)
    times = guest_times(bt.log)
    out = {}
    for r in plan:
        if r.tag is None:
            continue
        m = bt.marks.get(str(2 * r.id + 1)) or die(f"{bt.name}: no plugin counts for run {r.id}")
        inside = {}
        for mod, (lo, hi) in fams_ranges[r.family.name][r.role].items():
            inside[mod] = sum(n for k, n in m[2].items() if lo <= k < hi)
        rep, pair, slot = r.tag
        if 2 * r.id not in times or 2 * r.id + 1 not in times:
            die(f"{bt.name}: no guest time stamps for run {r.id}")
        ns = times[2 * r.id + 1] - times[2 * r.id]
        out[(rep, r.family.name, r.job.name, pair, slot, r.n)] = Sample(m[0], m[1], inside, m[2], ns, fio[r.id][2])
    return out


def cv(v):
    return statistics.pstdev(v) / statistics.mean(v) * 100 if len(v) > 1 and statistics.mean(v) else 0.0


class Analysis:
    """Per-I/O figures over every boot's measurements."""

    def __init__(self, boots, reps):
        self.boots = boots  # [(Boot, {key: Sample})]
        self.reps = reps

    def per_io(self, fam, job, pair, slots, what):
        """[per-I/O value] per (boot, rep) for each slot given, as a list of lists."""
        out = []
        for _bt, s in self.boots:
            for rep in range(self.reps):
                vals = []
                for slot in slots:
                    a = s[(rep, fam.name, job.name, pair, slot, job.ios)]
                    b = s[(rep, fam.name, job.name, pair, slot, 2 * job.ios)]
                    vals.append(what(b, a, job.ios))
                out.append(vals)
        return out

    def row(self, name, fam, job, pair, what, higher_better=False, unit=""):
        """{name, baseline, kcpp, ratio, ratio_min, ratio_max, outliers}; ratio oriented so
        that higher is better for the B side.

        baseline and kcpp are medians of all measurements: background work (a kworker, an
        RCU grace period, fio's helper thread, a late device completion) now and then adds
        instructions to one run, and a median ignores it. The per-repetition ratios (mean of
        the two A measurements over the mean of the two B ones) leave out such outliers, values
        further from their side's median than max(6 robust standard deviations, 1 %), counted
        in "outliers"; cv is over the rest."""
        xs = self.per_io(fam, job, pair, (0, 3), what)
        ys = self.per_io(fam, job, pair, (1, 2), what)
        fx, fy = [v for x in xs for v in x], [v for y in ys for v in y]
        base, kc = statistics.median(fx), statistics.median(fy)
        ox, oy = outlier_test(fx), outlier_test(fy)
        reps = []
        for x, y in zip(xs, ys):
            x, y = [v for v in x if not ox(v)], [v for v in y if not oy(v)]
            if x and y and statistics.mean(y):
                reps.append(statistics.mean(x) / statistics.mean(y))
        if higher_better:
            reps = [1 / r for r in reps if r]
        reps = reps or [0.0]
        ratio = (kc / base if higher_better else base / kc) if base and kc else 0.0
        kx, ky = [v for v in fx if not ox(v)], [v for v in fy if not oy(v)]
        return dict(name=name, baseline=round(base, 1), kcpp=round(kc, 1), ratio=round(ratio, 4),
                    ratio_min=round(min(reps), 4), ratio_max=round(max(reps), 4),
                    outliers=len(fx) - len(kx) + len(fy) - len(ky), unit=unit,
                    cv=(round(cv(kx), 3), round(cv(ky), 3)))


def outlier_test(values):
    """A predicate: is a value further from the median of values than max(6 robust standard
    deviations (1.4826 MAD), 1 % of the median)?"""
    med = statistics.median(values)
    mad = statistics.median(abs(v - med) for v in values)
    lim = max(6 * 1.4826 * mad, 0.01 * abs(med))
    return lambda v: abs(v - med) > lim


def kernel_per_io(b, a, n):
    return (b.kernel - a.kernel) / n


def user_per_io(b, a, n):
    return (b.user - a.user) / n


def inside_per_io(b, a, n):
    return (sum(b.inside.values()) - sum(a.inside.values())) / n


def iops_of(b, a, n):
    return 1e9 * n / (b.ns - a.ns)  # per-I/O guest time of N more I/Os


def lat_of(b, _a, _n):
    return b.lat


def judge(cmp_, aa):
    """Marks a primary row with its A/A floor and a verdict: ok at >= 1, within noise down to
    the A/A pair's lowest per-repetition ratio, else worse."""
    floor = aa["ratio_min"]
    cmp_["aa_ratio_min"] = floor
    cmp_["verdict"] = "ok" if cmp_["ratio"] >= 1.0 else ("within noise" if cmp_["ratio"] >= floor else "worse")


def module_row(an, name, fam, job, whole, units, unit):
    """The instructions inside the drivers' modules per unit (`units` of them in N more I/Os:
    I/Os, round trips), their shares of the kernel's total (the row `whole`), and per module
    the median, for the lead's eye."""
    mod = an.row(name, fam, job, "cmp", lambda b, a, _n: inside_per_io(b, a, units), unit=unit)
    mod.update(baseline_share=round(mod["baseline"] / whole["baseline"], 4),
               kcpp_share=round(mod["kcpp"] / whole["kcpp"], 4))
    for side, slots in (("baseline_modules", (0, 3)), ("kcpp_modules", (1, 2))):
        per = {}
        for _bt, s in an.boots:
            for rep in range(an.reps):
                for slot in slots:
                    a = s[(rep, fam.name, job.name, "cmp", slot, job.ios)]
                    b = s[(rep, fam.name, job.name, "cmp", slot, 2 * job.ios)]
                    for m in b.inside:
                        per.setdefault(m, []).append((b.inside[m] - a.inside[m]) / units)
        mod[side] = {m: round(statistics.median(v), 1) for m, v in per.items()}
    return mod


def family_rows(an, fam, prefix=""):
    """Rows for one family: per job the primary figure (kernel instructions per I/O, C vs
    kcpp), its A/A twin, the share inside the drivers' modules, and the secondary figures."""
    rows = []
    for job in fam.jobs:
        p = f"{prefix}{job.name}"
        cmp_ = an.row(p, fam, job, "cmp", kernel_per_io, unit="kernel instructions/IO")
        aa = an.row(f"{prefix}aa.{job.name}", fam, job, "aa", kernel_per_io, unit="kernel instructions/IO")
        judge(cmp_, aa)
        mod = module_row(an, f"{prefix}module.{job.name}", fam, job, cmp_, job.ios,
                         unit="instructions/IO inside the driver modules")
        user = an.row(f"{prefix}user.{job.name}", fam, job, "cmp", user_per_io, unit="user instructions/IO")
        iops = an.row(f"{prefix}iops.{job.name}", fam, job, "cmp", iops_of, higher_better=True, unit="IOPS (guest time)")
        lat = an.row(f"{prefix}lat.{job.name}", fam, job, "cmp", lat_of, unit="mean latency us (guest time)")
        aa_iops = an.row(f"{prefix}aa.iops.{job.name}", fam, job, "aa", iops_of, higher_better=True, unit="IOPS (guest time)")
        rows += [cmp_, aa, mod, user, iops, lat, aa_iops]
    return rows


def print_rows(title, fam, rows):
    print(f"\n{title}")
    print(f"{'':28} {fam.c_name:>11} {fam.k_name:>11} {'ratio':>8} {'rep min..max':>16} {'CV %':>12}")
    for r in rows:
        extra = ""
        if "verdict" in r:
            extra = f"   A/A min {r['aa_ratio_min']:.4f}: {r['verdict']}"
        if "baseline_share" in r:
            extra = (f"   share {r['baseline_share'] * 100:.1f}% / {r['kcpp_share'] * 100:.1f}%  ("
                     + ", ".join(f"{m} {v:.0f}" for m, v in {**r['baseline_modules'], **r['kcpp_modules']}.items()) + ")")
        if r.get("outliers"):
            extra += f"   ({r['outliers']} outlier{'s' if r['outliers'] > 1 else ''})"
        print(f"{r['name']:28} {r['baseline']:11.1f} {r['kcpp']:11.1f} {r['ratio']:8.4f} "
              f"{r['ratio_min']:7.4f}..{r['ratio_max']:<7.4f} {r['cv'][0]:5.2f}/{r['cv'][1]:<5.2f}{extra}")


def write_json(path, rows):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    out = [{k: v for k, v in r.items() if k != "cv"} for r in rows]
    path.write_text(json.dumps(out, indent=2) + "\n")
    return path


def print_functions(an, fam, job, syms_of, top):
    """Per-function kernel instructions per I/O, C vs kcpp (cmp pair), largest differences.
    A translation block counts for the function it starts in."""
    def per_fn(slots):
        acc, cnt = {}, 0
        for bt, s in an.boots:
            syms = syms_of[bt.name]
            for rep in range(an.reps):
                for slot in slots:
                    a = s[(rep, fam.name, job.name, "cmp", slot, job.ios)].keys
                    b = s[(rep, fam.name, job.name, "cmp", slot, 2 * job.ios)].keys
                    cnt += 1
                    for k in set(a) | set(b):
                        name = syms.name(k)
                        acc[name] = acc.get(name, 0) + (b.get(k, 0) - a.get(k, 0)) / job.ios
        return {k: v / cnt for k, v in acc.items()}
    c, k = per_fn((0, 3)), per_fn((1, 2))
    names = sorted(set(c) | set(k), key=lambda n: -abs(k.get(n, 0) - c.get(n, 0)))
    print(f"\n{fam.name} {job.name}: kernel functions by per-I/O difference ({fam.k_name} - {fam.c_name})")
    print(f"{'function':56} {'C':>8} {'kcpp':>8} {'diff':>8}")
    for n in names[:top]:
        print(f"{n[:56]:56} {c.get(n, 0):8.1f} {k.get(n, 0):8.1f} {k.get(n, 0) - c.get(n, 0):8.1f}")


def check_alike(log, fam, strict=("nr_requests", "nr_hw_queues", "logical_block_size", "size")):
    """The compared disks must be configured alike: every disk's scheduler is none, C and C2
    are identical, and the settings named in strict are equal for C and K. Returns the other
    settings where C and K differ (printed as information)."""
    q = queues(log)
    diffs = set()
    for g in fam.groups():
        disks = {role: q.get(f"{g}.{role}") or die(f"no queue settings for {g}.{role}") for role in ROLES}
        for role, s in disks.items():
            if s.get("scheduler", "").split("_")[0] != "[none]":
                die(f"{g}.{role}: scheduler {s.get('scheduler')}, want none")
        if disks["C"] != disks["C2"]:
            bad = [k for k in set(disks["C"]) | set(disks["C2"]) if disks["C"].get(k) != disks["C2"].get(k)]
            die(f"{g}: C and C2 are configured differently: {', '.join(sorted(bad))}")
        diffs |= {f"{k}: {fam.c_name}={disks['C'].get(k)} {fam.k_name}={disks['K'].get(k)}"
                  for k in set(disks["C"]) | set(disks["K"]) if disks["C"].get(k) != disks["K"].get(k)}
        for k in strict:
            if disks["C"].get(k) != disks["K"].get(k):
                die(f"{g}: {k} differs: {fam.c_name} {disks['C'].get(k)}, {fam.k_name} {disks['K'].get(k)}")
    return sorted(diffs)
