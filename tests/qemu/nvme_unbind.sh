# Scenario: kcpp_nvme unbound while fio keeps its disk busy, three times. Unbind must finish
# in bounded time, fio must end by itself with I/O errors (EIO/ENXIO/ENODEV, or ENOSPC once
# the removed disk's capacity is 0), nothing may hang or oops; each rebind makes a new disk on which the data written
# before the first cycle reads back intact. Then `rmmod kcpp_nvme` while the disk is open
# and fio verifies on it: refused (then fio completes and verifies, and rmmod works once the
# disk is closed), or clean (then fio fails, without hanging). QEMU's trace: one shutdown notification per unbind and
# no NVMe error or UB event.
# bins: /usr/bin/fio
# images: k1=256M
# qemu: -drive file=@k1@,if=none,id=k1,format=raw -device nvme,id=nvmek,serial=kcpp-u,drive=k1
# host-commands:
# trace: pci_nvme_err_* pci_nvme_ub_* pci_nvme_mmio_shutdown_set
# host-check: python3 qemu/check-trace.py --window io-begin io-end --windows 1 --forbid '^pci_nvme_(err|ub)_'
# host-check: python3 qemu/check-trace.py --window unbind-begin unbind-end --windows 4 --expect '^pci_nvme_mmio_shutdown_set\b=1'
set -eu
. /kcpp/host.sh
fail() { echo "FAIL: $*"; exit 1; }
cycles=3 vsize=32M
case $(uname -r) in *kcppdbg*) vsize=8M ;; esac

bdf=$(for d in /sys/bus/pci/devices/*; do [ "$(cat "$d/class")" != 0x010802 ] || basename "$d"; done)
[ -n "$bdf" ] || fail "no NVMe controller"
disk_of() { dmesg | sed -n "s/.*kcpp_nvme $bdf: \(kcppnvme[0-9]*n1\): .*/\1/p" | tail -n 1; }
bind() {
	echo "$bdf" > /sys/bus/pci/drivers_probe
	[ "$(basename "$(readlink /sys/bus/pci/devices/$bdf/driver)")" = kcpp_nvme ] || fail "kcpp_nvme did not bind"
	disk=$(disk_of)
	[ -b "/dev/$disk" ] || fail "no disk after binding ($disk)"
}
# wait_gone PID SECONDS: true once PID has exited, false if it is still there after SECONDS.
wait_gone() {
	t=0
	while kill -0 "$1" 2>/dev/null; do
		[ $t -lt "$2" ] || return 1
		sleep 1; t=$((t + 1))
	done
}
stuck() { # the blocked tasks go to the log (when the kernel has SysRq), then fail
	[ ! -w /proc/sysrq-trigger ] || { echo w > /proc/sysrq-trigger; sleep 1; }
	fail "$*"
}

insmod kcpp_nvme.ko
host mark io-begin
echo kcpp_nvme > /sys/bus/pci/devices/$bdf/driver_override
bind
# 16 MiB that must survive every cycle, in the first 16 MiB; fio stays above 32 MiB.
dd if=/dev/urandom of=/tmp/pattern bs=1M count=16 2>/dev/null
dd if=/tmp/pattern of=/dev/$disk bs=1M conv=fsync 2>/dev/null || fail "write the pattern"

c=1
while [ $c -le $cycles ]; do
	before=$(awk '{ print $1 + $5 }' /sys/block/$disk/stat) # reads + writes completed
	/usr/bin/fio --name=busy --filename=/dev/$disk --thread --direct=1 --ioengine=io_uring --rw=randrw \
		--bsrange=4k-256k --iodepth=32 --offset=32M --size=192M --time_based --runtime=120 \
		--eta=never >/tmp/fio-$c.log 2>&1 &
	fio=$!
	t=0
	while [ "$(awk '{ print $1 + $5 }' /sys/block/$disk/stat)" -lt $((before + 200)) ]; do
		kill -0 $fio 2>/dev/null || { cat /tmp/fio-$c.log; fail "cycle $c: fio ended before the unbind"; }
		[ $t -lt 60 ] || fail "cycle $c: fio does no I/O"
		sleep 1; t=$((t + 1))
	done
	host mark unbind-begin
	echo "$bdf" > /sys/bus/pci/drivers/kcpp_nvme/unbind &
	unbind=$!
	wait_gone $unbind 60 || stuck "cycle $c: unbind still running after 60 s under I/O"
	wait $unbind || fail "cycle $c: unbind failed"
	host mark unbind-end
	[ ! -e /sys/block/$disk ] || fail "cycle $c: $disk still there after the unbind"
	wait_gone $fio 60 || stuck "cycle $c: fio still running 60 s after the unbind"
	if wait $fio; then cat /tmp/fio-$c.log; fail "cycle $c: fio saw no error although its disk went away"; fi
	# del_gendisk sets the capacity to 0: from then on writes fail with ENOSPC before they
	# reach the block layer; I/O already in it fails with EIO (or ENODEV/ENXIO).
	grep -E 'Input/output error|No such device|No space left on device' /tmp/fio-$c.log >/tmp/err ||
		{ cat /tmp/fio-$c.log; fail "cycle $c: fio failed, but not with EIO/ENXIO/ENODEV/ENOSPC"; }
	echo "cycle $c: $disk unbound under I/O; fio: $(head -n 1 /tmp/err | cut -c1-120)"
	old=$disk
	bind
	[ "$disk" != "$old" ] || fail "cycle $c: the rebind reused the name $disk"
	dd if=/dev/$disk of=/tmp/readback bs=1M count=16 2>/dev/null || fail "cycle $c: read after the rebind"
	cmp /tmp/pattern /tmp/readback || fail "cycle $c: the data written before the cycles changed"
	c=$((c + 1))
done
dmesg | grep "kcpp_nvme $bdf: shutdown complete" >/tmp/shut
[ "$(wc -l < /tmp/shut)" = $cycles ] || fail "$(wc -l < /tmp/shut) shutdown notifications for $cycles unbinds"

# rmmod while the disk is busy: the shell holds it open and fio writes and verifies on it.
exec 7<"/dev/$disk"
before=$(awk '{ print $1 + $5 }' /sys/block/$disk/stat)
/usr/bin/fio --name=rmmod --filename=/dev/$disk --thread --direct=1 --ioengine=io_uring --rw=randwrite \
	--bsrange=4k-128k --iodepth=16 --offset=32M --size=$vsize --verify=crc32c --verify_fatal=1 --do_verify=1 \
	--eta=never >/tmp/fio-rmmod.log 2>&1 &
fio=$!
t=0
while [ "$(awk '{ print $1 + $5 }' /sys/block/$disk/stat)" -lt $((before + 50)) ]; do
	kill -0 $fio 2>/dev/null || break
	[ $t -lt 60 ] || fail "fio does no I/O on $disk"
	sleep 1; t=$((t + 1))
done
running=''
kill -0 $fio 2>/dev/null && running=1
echo "kcpp_nvme references with $disk open: $(cat /sys/module/kcpp_nvme/refcnt); fio $( [ -n "$running" ] && echo running || echo "already done")"
host mark unbind-begin
if rmmod kcpp_nvme 2>/tmp/rmmod.err; then
	host mark unbind-end
	wait_gone $fio 60 || stuck "fio still running 60 s after rmmod"
	if wait $fio && [ -n "$running" ]; then cat /tmp/fio-rmmod.log; fail "fio passed although the module went away under it"; fi
	dd bs=4k count=1 <&7 >/tmp/after 2>&1 || true # the removed disk: an error or end of file, not a hang
	exec 7<&-
	echo "rmmod with the disk open: removed; fio $( [ -n "$running" ] && echo 'failed' || echo 'had finished'); read after: $(tail -n 1 /tmp/after)"
else
	# busybox rmmod asks with O_NONBLOCK: a module in use is EAGAIN (EBUSY without it).
	grep -E 'in use|Resource temporarily unavailable|busy' /tmp/rmmod.err >/dev/null ||
		fail "rmmod refused for another reason: $(cat /tmp/rmmod.err)"
	wait_gone $fio 120 || stuck "fio still running 120 s after the refused rmmod"
	wait $fio || { tail -n 30 /tmp/fio-rmmod.log; fail "fio failed after the refused rmmod"; }
	grep -q 'err= 0' /tmp/fio-rmmod.log || { cat /tmp/fio-rmmod.log; fail "fio reported errors after the refused rmmod"; }
	exec 7<&-
	rmmod kcpp_nvme || fail "rmmod once the disk is closed"
	host mark unbind-end
	echo "rmmod with the disk open: refused ($(cat /tmp/rmmod.err)); fio verified; rmmod once closed: ok"
fi
[ -z "$(readlink /sys/bus/pci/devices/$bdf/driver)" ] || fail "still bound after rmmod"
host mark io-end
echo "nvme_unbind scenario: ok"
