# Scenario: the NVMe controller hot-unplugged from under fio. It sits on a hot-pluggable
# PCIe root port; while fio reads and writes its disk the guest asks the host for QEMU's
# `device_del` (tests/qemu/lib/host.sh). The guest must see the removal (the PCI device
# goes away, kcpp_nvme's remove runs and notifies the controller), fio must end by itself
# with I/O errors, and nothing may hang or oops. Then the host plugs a new controller onto
# the same backing image (`device_add`); kcpp_nvme takes it and the data written before the
# unplug reads back intact. QEMU's trace: no NVMe error or UB event, one shutdown
# notification during the unplug.
# bins: /usr/bin/fio
# images: k1=256M
# qemu: -device pcie-root-port,id=rp1,slot=1,chassis=1
# qemu: -blockdev driver=file,filename=@k1@,node-name=k1f -blockdev driver=raw,file=k1f,node-name=k1
# qemu: -device nvme,id=nvmeh,serial=kcpp-h,drive=k1,bus=rp1
# host-commands: device_del device_add
# trace: pci_nvme_err_* pci_nvme_ub_* pci_nvme_mmio_shutdown_set
# host-check: python3 qemu/check-trace.py --window io-begin io-end --windows 1 --forbid '^pci_nvme_(err|ub)_'
# host-check: python3 qemu/check-trace.py --window unplug-begin unplug-end --windows 1 --expect '^pci_nvme_mmio_shutdown_set\b=1'
set -eu
. /kcpp/host.sh
fail() { echo "FAIL: $*"; exit 1; }
nvme_bdf() { for d in /sys/bus/pci/devices/*; do [ "$(cat "$d/class")" != 0x010802 ] || basename "$d"; done; }
# wait_pid PID SECONDS / wait_path PATH SECONDS: true once it is gone, false after SECONDS.
wait_pid() { t=0; while kill -0 "$1" 2>/dev/null; do [ $t -lt "$2" ] || return 1; sleep 1; t=$((t + 1)); done; }
wait_path() { t=0; while [ -e "$1" ]; do [ $t -lt "$2" ] || return 1; sleep 1; t=$((t + 1)); done; }
stuck() {
	[ ! -w /proc/sysrq-trigger ] || { echo w > /proc/sysrq-trigger; sleep 1; }
	fail "$*"
}
bind() {
	bdf=$(nvme_bdf)
	[ -n "$bdf" ] || fail "no NVMe controller"
	echo kcpp_nvme > "/sys/bus/pci/devices/$bdf/driver_override"
	echo "$bdf" > /sys/bus/pci/drivers_probe
	disk=$(dmesg | sed -n "s/.*kcpp_nvme $bdf: \(kcppnvme[0-9]*n1\): .*/\1/p" | tail -n 1)
	[ -b "/dev/$disk" ] || fail "no disk after binding $bdf ($disk)"
}

insmod kcpp_nvme.ko
host mark io-begin
bind
echo "controller $bdf behind $(basename "$(dirname "$(readlink -f /sys/bus/pci/devices/$bdf)")"), disk $disk"
dd if=/dev/urandom of=/tmp/pattern bs=1M count=16 2>/dev/null
dd if=/tmp/pattern of=/dev/$disk bs=1M conv=fsync 2>/dev/null || fail "write the pattern"

before=$(awk '{ print $1 + $5 }' /sys/block/$disk/stat)
/usr/bin/fio --name=unplug --filename=/dev/$disk --thread --direct=1 --ioengine=io_uring --rw=randrw \
	--bsrange=4k-256k --iodepth=32 --offset=32M --size=192M --time_based --runtime=120 \
	--eta=never >/tmp/fio.log 2>&1 &
fio=$!
t=0
while [ "$(awk '{ print $1 + $5 }' /sys/block/$disk/stat)" -lt $((before + 200)) ]; do
	kill -0 $fio 2>/dev/null || { cat /tmp/fio.log; fail "fio ended before the unplug"; }
	[ $t -lt 60 ] || fail "fio does no I/O"
	sleep 1; t=$((t + 1))
done

host mark unplug-begin
host device_del nvmeh || fail "device_del refused"
wait_path /sys/bus/pci/devices/$bdf 60 || stuck "$bdf still present 60 s after device_del"
host wait-deleted nvmeh || fail "QEMU did not finish the unplug"
host mark unplug-end
echo "$bdf removed"
wait_pid $fio 60 || stuck "fio still running 60 s after the unplug"
if wait $fio; then cat /tmp/fio.log; fail "fio saw no error although its controller was unplugged"; fi
grep -E 'Input/output error|No such device|No space left on device' /tmp/fio.log >/tmp/err ||
	{ cat /tmp/fio.log; fail "fio failed, but not with EIO/ENXIO/ENODEV/ENOSPC"; }
echo "fio after the unplug: $(head -n 1 /tmp/err | cut -c1-120)"
[ ! -e /sys/block/$disk ] || fail "$disk still there after the unplug"
dmesg | grep "kcpp_nvme $bdf: shutdown complete" >/dev/null || fail "no shutdown notification on removal"

# A new controller on the same image: nothing takes it until it is handed to kcpp_nvme.
host device_add nvme,id=nvmeh2,serial=kcpp-h2,drive=k1,bus=rp1 || fail "device_add refused"
t=0
while [ -z "$(nvme_bdf)" ]; do
	[ $t -lt 60 ] || fail "the new controller did not appear within 60 s"
	sleep 1; t=$((t + 1))
done
bind
dd if=/dev/$disk of=/tmp/readback bs=1M count=16 2>/dev/null || fail "read after the hot-add"
cmp /tmp/pattern /tmp/readback || fail "data written before the unplug changed"
echo "hot-added controller $bdf: $disk, data intact"
rmmod kcpp_nvme
host mark io-end
echo "nvme_hotplug scenario: ok"
