# Scenario: kcpp_nvme recovers from controller trouble without losing data, and fails cleanly
# when the controller is gone for good.
# 1. `nvme reset` (NVME_IOCTL_RESET) while fio writes and verifies: fio passes.
# 2. Lost commands (inject_lost_completions drops completions as if the controller never
#    finished them): each times out (io_timeout_ms=1000), is aborted, times out again, and the
#    controller is reset; the requests are retried and the data is intact.
# 2b. Malformed completions (wrong queue id, stale command id) are logged and dropped, and the
#    commands recovered the same way (inject_corrupt_completions).
# 3. A dead controller (its PCI command register cleared from the guest: no memory decoding,
#    no DMA): I/O times out, the reset fails, outstanding and new I/O fail with EIO within
#    bounded time; unbind is clean; with the register restored a rebind works and the data
#    written before is there.
# bins: /usr/bin/fio /usr/sbin/nvme
# images: k1=256M
# qemu: -drive file=@k1@,if=none,id=k1,format=raw -device nvme,id=nvmek,serial=kcpp-r,drive=k1
set -eu
fail() { echo "FAIL: $*"; exit 1; }
bind_kcpp() {
	echo kcpp_nvme > "/sys/bus/pci/devices/$bdf/driver_override"
	echo "$bdf" > /sys/bus/pci/drivers_probe
	[ -b /dev/kcppnvme$1n1 ] || fail "no disk kcppnvme$1n1"
}
count() { dmesg | grep -c "$1" || true; }

bdf=$(for d in /sys/bus/pci/devices/*; do [ "$(cat "$d/class")" != 0x010802 ] || basename "$d"; done)
[ -n "$bdf" ] || fail "no NVMe controller"
insmod kcpp_nvme.ko io_timeout_ms=1000 admin_timeout_ms=1000
bind_kcpp 0
disk=/dev/kcppnvme0n1

# 1. Resets under load.
/usr/bin/fio --name=under-reset --filename=$disk --thread --direct=1 --ioengine=psync --rw=randwrite \
	--bs=16k --size=64M --numjobs=2 --verify=crc32c --verify_fatal=1 --do_verify=1 --offset_increment=96M \
	--output=/tmp/fio.log &
fio_pid=$!
sleep 2
for i in 1 2 3; do
	/usr/sbin/nvme reset /dev/kcppnvme0 || fail "nvme reset $i"
	sleep 1
done
wait $fio_pid || { cat /tmp/fio.log; fail "fio across resets"; }
[ "$(count 'reset done')" -ge 3 ] || fail "expected 3 resets done, saw $(count 'reset done')"
echo "resets under load: ok ($(count 'cancelled') cancellation lines)"

# 2. Lost commands: abort, then reset, then retry.
dd if=/dev/urandom of=/tmp/pattern bs=64k count=16 2>/dev/null
before=$(count 'reset done')
echo 2 > /sys/module/kcpp_nvme/parameters/inject_lost_completions
dd if=/tmp/pattern of=$disk bs=64k oflag=direct 2>/dev/null || fail "write with lost completions"
dd if=$disk of=/tmp/readback bs=64k count=16 iflag=direct 2>/dev/null || fail "read back"
cmp /tmp/pattern /tmp/readback || fail "data lost across lost commands"
[ "$(cat /sys/module/kcpp_nvme/parameters/inject_lost_completions)" = 0 ] || fail "injection not consumed"
[ "$(count 'dropping the completion')" = 2 ] || fail "expected 2 dropped completions"
[ "$(count 'timed out: aborting it')" -ge 1 ] || fail "no abort sent"
[ "$(count 'abort of command')" -ge 1 ] || fail "no abort completed"
[ "$(count 'reset done')" -gt "$before" ] || fail "no reset after the abort"
echo "lost commands: ok"

# 2b. Malformed completions (another queue's id, a stale command id): logged and dropped, so
# the commands time out and are recovered the same way.
before=$(count 'reset done')
echo 2 > /sys/module/kcpp_nvme/parameters/inject_corrupt_completions
dd if=/dev/urandom of=/tmp/pattern2 bs=64k count=16 2>/dev/null
dd if=/tmp/pattern2 of=$disk bs=64k seek=32 oflag=direct 2>/dev/null || fail "write with malformed completions"
dd if=$disk of=/tmp/readback2 bs=64k skip=32 count=16 iflag=direct 2>/dev/null || fail "read back (malformed)"
cmp /tmp/pattern2 /tmp/readback2 || fail "data lost across malformed completions"
[ "$(count 'completion for unknown command')" -ge 1 ] || fail "no unknown-command completion logged"
[ "$(count 'stale completion for command')" -ge 1 ] || fail "no stale completion logged"
[ "$(count 'reset done')" -gt "$before" ] || fail "malformed completions not recovered by a reset"
echo "malformed completions: ok"

# 3. Dead controller.
cfg=/sys/bus/pci/devices/$bdf/config
dd if=$cfg of=/tmp/command bs=1 skip=4 count=2 2>/dev/null
printf '\000\000' | dd of=$cfg bs=1 seek=4 count=2 conv=notrunc 2>/dev/null
start=$(cut -d. -f1 /proc/uptime)
if dd if=$disk of=/dev/null bs=4k count=1 skip=1000 iflag=direct 2>/dev/null; then fail "read from a dead controller succeeded"; fi
took=$(( $(cut -d. -f1 /proc/uptime) - start ))
[ "$took" -le 60 ] || fail "failing the I/O took $took s"
[ "$(count 'did not come back after a reset')" = 1 ] || fail "no dead-controller message"
if dd if=$disk of=/dev/null bs=4k count=1 iflag=direct 2>/dev/null; then fail "new I/O on a dead controller succeeded"; fi
echo "$bdf" > /sys/bus/pci/drivers/kcpp_nvme/unbind
[ ! -e $disk ] || fail "disk still there after unbind"
dd if=/tmp/command of=$cfg bs=1 seek=4 count=2 conv=notrunc 2>/dev/null
echo "$bdf" > /sys/bus/pci/drivers_probe
[ -b /dev/kcppnvme1n1 ] || fail "no disk after rebinding the revived controller"
dd if=/dev/kcppnvme1n1 of=/tmp/readback bs=64k count=16 iflag=direct 2>/dev/null || fail "read after rebind"
cmp /tmp/pattern /tmp/readback || fail "data changed across the dead controller"
echo "dead controller: ok (I/O failed after $took s)"
echo "$bdf" > /sys/bus/pci/drivers/kcpp_nvme/unbind
rmmod kcpp_nvme
echo "nvme_reset scenario: ok"
