# Guest side of `./kcpp bench nullb` (bench/nullb.py builds the initramfs and reads the results).
# Loads kcpp_nullb (/dev/kcppnullb0) and the kernel's null_blk with two disks (/dev/nullb0,
# /dev/nullb1), configured alike, prints their configuration, then runs the fio job file
# /kcpp/jobs.fio, whose jobs bracket their I/O with markers (bench/icount/marker.c) that make
# the icount plugin write the instructions executed since the previous marker.
# With SYMS=all in /kcpp/params it dumps /proc/kallsyms (gzip + base64) for per-function
# attribution (slow: reading kallsyms costs billions of guest instructions).
set -eu
. /kcpp/params
insmod /kcpp/kcpp_nullb.ko queues="$QUEUES" depth="$DEPTH" block_size="$BS" capacity_mb="$CAP_MB"
modprobe null_blk nr_devices=2 irqmode=0 queue_mode=2 submit_queues="$QUEUES" hw_queue_depth="$DEPTH" \
	bs="$BS" gb=$((CAP_MB / 1024)) memory_backed=0 poll_queues=0
# No address-space randomisation: fio's fixed costs (page faults, page-table pages) repeat.
echo 0 >/proc/sys/kernel/randomize_va_space
for d in nullb0 nullb1 kcppnullb0; do
	[ -b /dev/$d ] || { echo "no /dev/$d"; exit 1; }
	echo none >/sys/block/$d/queue/scheduler
	for f in /sys/block/$d/queue/*; do
		[ -f "$f" ] && echo "KCPP-BENCH-QUEUE $d ${f##*/} $(cat "$f" 2>/dev/null | tr ' ' _)"
	done
	echo "KCPP-BENCH-QUEUE $d nr_hw_queues $(ls -d /sys/block/$d/mq/* | wc -l)"
	echo "KCPP-BENCH-QUEUE $d size $(cat /sys/block/$d/size)"
done
echo "KCPP-BENCH-CLOCKSOURCE $(cat /sys/devices/system/clocksource/clocksource0/current_clocksource)"
echo "KCPP-BENCH-CPUS $(nproc)"
sed 's/^/KCPP-BENCH-MODULE /' /proc/modules
if [ "${SYMS:-}" = all ]; then
	echo KCPP-BENCH-KALLSYMS-BEGIN
	gzip -1 -c /proc/kallsyms | base64
	echo KCPP-BENCH-KALLSYMS-END
fi
# Where the drivers' text is (its size comes from the .ko files on the host).
for m in null_blk kcpp_nullb; do
	for s in /sys/module/$m/sections/.text*; do echo "KCPP-BENCH-SECTION $m ${s##*/} $(cat "$s")"; done
done

# One fio process runs every job in turn (stonewall); each job runs its marker commands
# (exec_prerun/exec_postrun) right before and after its I/O loop, after its setup.
cd /tmp
fio --eta=never --output-format=terse --output=/tmp/fio.out /kcpp/jobs.fio
sed 's/^/KCPP-BENCH-FIO /' /tmp/fio.out
echo KCPP-BENCH-DONE
