# Guest side of `./kcpp bench nullb` and `./kcpp bench nvme` (bench/benchlib.py builds the
# initramfs and reads the results). /kcpp/params says what to set up:
#   FAMILIES   nullb and/or nvme
#   nullb      kcpp_nullb (/dev/kcppnullb0) and null_blk with two disks (/dev/nullb0,
#              /dev/nullb1), alike: irqmode=0, QUEUES, DEPTH, BS, CAP_MB, no poll queues
#   nvme       NVMe controllers; the kernel command line's kcpp_bench.nvme=GROUP.ROLE,... gives
#              each controller (in PCI order) its disk group and role: K goes to kcpp_nvme
#              (driver_override, set before any driver loads), C and C2 to the kernel's nvme
#              driver (no multipath heads, no poll or write queues, no SGLs); both drivers with
#              NVME_DEPTH entries per I/O queue
#   HUGEPAGES  2 MiB pages reserved and hugetlbfs mounted on /hugepages (fio iomem=mmaphuge)
#   SYMS=all   dump /proc/kallsyms (gzip + base64) for per-function attribution (slow:
#              reading kallsyms costs billions of guest instructions)
# Every disk gets I/O scheduler none and a link /dev/kcpp-bench/GROUP.ROLE (roles C, K, C2).
# It prints their queue settings and where the drivers' text is, then runs the fio job file
# /kcpp/jobs.fio, whose jobs bracket their I/O with markers (bench/icount/marker.c) that make
# the icount plugin write the instructions executed since the previous marker.
set -eu
. /kcpp/params
. /kcpp/guest-report.sh
fail() { echo "FAIL: $*"; exit 1; }
mkdir -p /dev/kcpp-bench
disks=''
role() { # role GROUP.ROLE DISK
	[ -b "/dev/$2" ] || fail "no /dev/$2"
	ln -s "/dev/$2" "/dev/kcpp-bench/$1"
	disks="$disks $1:$2"
	echo "KCPP-BENCH-ROLE $1 $2"
}
has() { case " $FAMILIES " in *" $1 "*) return 0 ;; esac; return 1; }
driver_of() { basename "$(readlink "/sys/bus/pci/devices/$1/driver" 2>/dev/null)" 2>/dev/null || true; }

if has nullb; then
	insmod /kcpp/kcpp_nullb.ko queues="$QUEUES" depth="$DEPTH" block_size="$BS" capacity_mb="$CAP_MB"
	modprobe null_blk nr_devices=2 irqmode=0 queue_mode=2 submit_queues="$QUEUES" hw_queue_depth="$DEPTH" \
		bs="$BS" gb=$((CAP_MB / 1024)) memory_backed=0 poll_queues=0
	role nullb.C nullb0
	role nullb.C2 nullb1
	role nullb.K kcppnullb0
fi

if has nvme; then
	roles=$(tr ' ' '\n' </proc/cmdline | sed -n 's/^kcpp_bench\.nvme=//p' | tr , ' ')
	bdfs=$(for d in /sys/bus/pci/devices/*; do [ "$(cat "$d/class")" != 0x010802 ] || basename "$d"; done)
	set -- $bdfs
	[ $# = "$(echo $roles | wc -w)" ] || fail "$# NVMe controllers for the roles '$roles' (kcpp_bench.nvme=)"
	i=0
	for r in $roles; do
		i=$((i + 1))
		eval "bdf=\${$i}"
		[ "${r##*.}" != K ] || echo kcpp_nvme >"/sys/bus/pci/devices/$bdf/driver_override"
	done
	insmod /kcpp/kcpp_nvme.ko io_queue_depth="$NVME_DEPTH"
	modprobe nvme_core multipath=N
	modprobe nvme poll_queues=0 write_queues=0 io_queue_depth="$NVME_DEPTH" sgl_threshold=0
	i=0
	for r in $roles; do
		i=$((i + 1))
		eval "bdf=\${$i}"
		want=nvme
		[ "${r##*.}" != K ] || want=kcpp_nvme
		# The kernel's driver probes asynchronously: wait for the disk. Its disks are children
		# of the PCI device in sysfs; kcpp_nvme's are not, but it logs their names.
		disk='' t=0
		while [ -z "$disk" ] && [ $t -lt 60 ]; do
			for b in /sys/block/*; do
				case "$(readlink -f "$b")" in */$bdf/*) disk=${b##*/} ;; esac
			done
			[ $want != kcpp_nvme ] || disk=$(dmesg | sed -n "s/.*kcpp_nvme $bdf: \(kcppnvme[0-9]*n1\): .*/\1/p")
			[ -n "$disk" ] || { sleep 1; t=$((t + 1)); }
		done
		[ -n "$disk" ] || fail "no disk for $bdf ($want)"
		[ "$(driver_of "$bdf")" = $want ] || fail "$bdf is bound to '$(driver_of "$bdf")', not $want"
		echo "KCPP-BENCH-SLOT $((i - 1)) $bdf $r $want $disk"
		role "$r" "$disk"
	done
	for p in multipath; do echo "KCPP-BENCH-PARAM nvme_core.$p $(cat /sys/module/nvme_core/parameters/$p)"; done
	for p in poll_queues write_queues io_queue_depth sgl_threshold; do
		echo "KCPP-BENCH-PARAM nvme.$p $(cat /sys/module/nvme/parameters/$p)"
	done
	[ "$(cat /sys/module/nvme_core/parameters/multipath)" = N ] || fail "nvme_core multipath is on"
fi

if [ "${HUGEPAGES:-0}" -gt 0 ]; then
	echo "$HUGEPAGES" >/proc/sys/vm/nr_hugepages
	mkdir -p /hugepages
	mount -t hugetlbfs none /hugepages
	echo "KCPP-BENCH-HUGEPAGES $(sed -n 's/^HugePages_Total: *//p' /proc/meminfo)"
fi

# No address-space randomisation: fio's fixed costs (page faults, page-table pages) repeat.
echo 0 >/proc/sys/kernel/randomize_va_space
for rd in $disks; do
	r=${rd%%:*} d=${rd#*:}
	echo none >/sys/block/$d/queue/scheduler
	for f in /sys/block/$d/queue/*; do
		[ -f "$f" ] && echo "KCPP-BENCH-QUEUE $r ${f##*/} $(cat "$f" 2>/dev/null | tr ' ' _)"
	done
	echo "KCPP-BENCH-QUEUE $r nr_hw_queues $(ls -d /sys/block/$d/mq/* | wc -l)"
	echo "KCPP-BENCH-QUEUE $r size $(cat /sys/block/$d/size)"
done
report_system "$MODULES"

# One fio process runs every job in turn (stonewall); each job runs its marker commands
# (exec_prerun/exec_postrun) right before and after its I/O loop, after its setup.
# The spinner (bench/icount/spin.c) keeps the vCPU from going idle while fio waits for a
# device inside the runs of jobs that ask for it: their markers let it run there only
# (SIGCONT at a run's start, SIGSTOP at its end; outside the runs fio sleeps on timers, and a
# spinner would make every such sleep cost its length in executed instructions).
cd /tmp
/kcpp/spin &
spin=$!
echo $spin >/tmp/kcpp-spin.pid
while [ "$(cut -d' ' -f3 /proc/$spin/stat)" != T ]; do sleep 0.01; done
/usr/bin/fio --eta=never --output-format=terse --output=/tmp/fio.out /kcpp/jobs.fio
kill -KILL $spin
sed 's/^/KCPP-BENCH-FIO /' /tmp/fio.out
sed 's/^/KCPP-BENCH-TIME /' /tmp/kcpp-bench-times
echo KCPP-BENCH-DONE
