# Scenario: kcpp_nvme beside the kernel's nvme driver. Two controllers: the kernel's driver
# takes both at load; the second is handed to kcpp_nvme with driver_override. kcpp_nvme must
# identify it and both namespaces (512 B and 4 KiB blocks), create a disk per namespace, keep
# data intact (raw patterns, and ext4 with a clean fsck), and the data it wrote must read
# back the same through the kernel's driver. On unbind it sends the shutdown notification.
# It never binds a controller by itself. On the host, QEMU's trace shows no NVMe error or
# undefined-behaviour event while kcpp_nvme owns the controller, and exactly one shutdown
# notification (CC.SHN) per unbind.
# kmods: nvme ext4 crc32c_generic
# bins: /sbin/mkfs.ext4 /sbin/e2fsck /sbin/blkdiscard /usr/sbin/nvme
# images: k1=256M k2=128M
# host-commands:
# trace: pci_nvme_err_* pci_nvme_ub_* pci_nvme_mmio_shutdown_set
# host-check: python3 qemu/check-trace.py --window bind-kcpp_nvme kcpp-released --windows 2 --forbid '^pci_nvme_(err|ub)_'
# host-check: python3 qemu/check-trace.py --window unbind-begin unbind-end --windows 2 --expect '^pci_nvme_mmio_shutdown_set\b=1'
# qemu: -drive file=null-co://,if=none,id=c1,format=raw,file.size=64M,file.read-zeroes=on -device nvme,id=nvmec,serial=kcpp-c,drive=c1
# qemu: -drive file=@k1@,if=none,id=k1,format=raw -drive file=@k2@,if=none,id=k2,format=raw -device nvme,id=nvmek,serial=kcpp-k -device nvme-ns,drive=k1,bus=nvmek,nsid=1 -device nvme-ns,drive=k2,bus=nvmek,nsid=2,logical_block_size=4096,physical_block_size=4096
set -eu
. /kcpp/host.sh
fail() { echo "FAIL: $*"; exit 1; }
driver_of() { basename "$(readlink "/sys/bus/pci/devices/$1/driver" 2>/dev/null)" 2>/dev/null || true; }
hand_to() { # hand_to BDF DRIVER: unbind from the current driver, bind to DRIVER
	cur=$(driver_of "$1")
	[ -z "$cur" ] || echo "$1" > "/sys/bus/pci/drivers/$cur/unbind"
	host mark "bind-$2" # QEMU's trace: what follows is the new driver's
	echo "$2" > "/sys/bus/pci/devices/$1/driver_override"
	echo "$1" > /sys/bus/pci/drivers_probe
	[ "$(driver_of "$1")" = "$2" ] || fail "$2 did not bind $1"
}
drop_caches() { sync; echo 3 > /proc/sys/vm/drop_caches; }

ctrls=$(for d in /sys/bus/pci/devices/*; do [ "$(cat "$d/class")" != 0x010802 ] || basename "$d"; done)
set -- $ctrls
[ $# = 2 ] || fail "expected 2 NVMe controllers, found $#"
c_bdf=$1 k_bdf=$2

insmod kcpp_nvme.ko
modprobe nvme
sleep 1
[ "$(driver_of "$c_bdf")" = nvme ] || fail "the kernel's nvme driver did not take $c_bdf"
[ "$(driver_of "$k_bdf")" = nvme ] || fail "kcpp_nvme took $k_bdf without being asked"

hand_to "$k_bdf" kcpp_nvme
[ "$(driver_of "$c_bdf")" = nvme ] || fail "the kernel's controller changed hands"
log() { dmesg | grep "kcpp_nvme $k_bdf: $1" >/dev/null || fail "no log line: $1"; }
log "QEMU NVMe Ctrl (serial kcpp-k, firmware [^,]*), NVMe 1\.4, up to [0-9]* namespaces, interrupts: MSI-X"
log "namespace 1: 524288 blocks of 512 bytes (256 MiB)"
log "namespace 2: 32768 blocks of 4096 bytes (128 MiB)"
log "2 active namespace(s)"
log "[0-9]* I/O queue(s) of depth 64, one vector each"
[ -b /dev/kcppnvme0n1 ] && [ -b /dev/kcppnvme0n2 ] || fail "no kcppnvme0n1/n2 disks"
[ "$(cat /sys/block/kcppnvme0n1/size)" = 524288 ] || fail "n1 size"
[ "$(cat /sys/block/kcppnvme0n2/queue/logical_block_size)" = 4096 ] || fail "n2 block size"

# Raw data: a random pattern written and read back on the 4 KiB namespace.
dd if=/dev/urandom of=/tmp/pattern bs=64k count=64 2>/dev/null
dd if=/tmp/pattern of=/dev/kcppnvme0n2 bs=64k seek=100 conv=fsync 2>/dev/null || fail "write to n2"
drop_caches
dd if=/dev/kcppnvme0n2 of=/tmp/readback bs=64k skip=100 count=64 2>/dev/null || fail "read from n2"
cmp /tmp/pattern /tmp/readback || fail "n2 read back different data"

# Write zeroes and discard: the controller has both, so the disks offer them. (util-linux
# blkdiscard by path: busybox's shell prefers its own applet, which has no -z.)
[ "$(cat /sys/block/kcppnvme0n2/queue/discard_max_bytes)" -gt 0 ] || fail "no discard on n2"
[ "$(cat /sys/block/kcppnvme0n2/queue/write_zeroes_max_bytes)" -gt 0 ] || fail "no write zeroes on n2"
/bin/blkdiscard -z -o $((100 * 65536)) -l 65536 /dev/kcppnvme0n2 || fail "write zeroes"
drop_caches
dd if=/dev/zero of=/tmp/zeros bs=64k count=1 2>/dev/null
dd if=/dev/kcppnvme0n2 of=/tmp/zread bs=64k skip=100 count=1 2>/dev/null
cmp /tmp/zeros /tmp/zread || fail "write zeroes left data behind"
dd if=/dev/kcppnvme0n2 of=/tmp/rest bs=64k skip=101 count=63 2>/dev/null
dd if=/tmp/pattern of=/tmp/pattern_rest bs=64k skip=1 count=63 2>/dev/null
cmp /tmp/pattern_rest /tmp/rest || fail "write zeroes touched the next blocks"
/bin/blkdiscard -o $((200 * 65536)) -l $((4 * 65536)) /dev/kcppnvme0n2 || fail "discard"
# Put the pattern back whole, for the kernel's driver to read later.
dd if=/tmp/pattern of=/dev/kcppnvme0n2 bs=64k seek=100 conv=fsync 2>/dev/null || fail "rewrite n2"

# A file system on the 512 B namespace: create, fill, unmount, check, read back.
mkfs.ext4 -q -F /dev/kcppnvme0n1 || fail "mkfs.ext4"
mkdir -p /mnt
mount -t ext4 /dev/kcppnvme0n1 /mnt || fail "mount"
for i in 1 2 3 4; do cp /tmp/pattern "/mnt/file$i"; done
umount /mnt
e2fsck -f -n /dev/kcppnvme0n1 >/tmp/fsck.log 2>&1 || { cat /tmp/fsck.log; fail "fsck found problems"; }
mount -t ext4 /dev/kcppnvme0n1 /mnt
for i in 1 2 3 4; do cmp /tmp/pattern "/mnt/file$i" || fail "file$i differs"; done
umount /mnt

# nvme-cli through the controller device's admin passthrough.
[ -c /dev/kcppnvme0 ] || fail "no controller device /dev/kcppnvme0"
nvme id-ctrl /dev/kcppnvme0 >/tmp/idctrl 2>&1 || { cat /tmp/idctrl; fail "nvme id-ctrl"; }
grep -q '^sn *: kcpp-k' /tmp/idctrl || fail "id-ctrl serial: $(grep '^sn' /tmp/idctrl)"
grep -q '^mn *: QEMU NVMe Ctrl' /tmp/idctrl || fail "id-ctrl model"
nvme id-ns /dev/kcppnvme0 -n 2 >/tmp/idns 2>&1 || { cat /tmp/idns; fail "nvme id-ns"; }
grep -q '^nsze *: 0x8000$' /tmp/idns || fail "id-ns size: $(grep nsze /tmp/idns)"
nvme smart-log /dev/kcppnvme0 >/tmp/smart 2>&1 || { cat /tmp/smart; fail "nvme smart-log"; }
grep -qi 'temperature' /tmp/smart || fail "smart-log has no temperature"
nvme get-feature /dev/kcppnvme0 -f 7 >/tmp/feat 2>&1 || { cat /tmp/feat; fail "nvme get-feature"; }
grep -q 'Current value' /tmp/feat || fail "get-feature output: $(cat /tmp/feat)"
if nvme admin-passthru /dev/kcppnvme0 --opcode=0x06 --cdw10=1 --data-len=2097152 -r >/tmp/bad 2>&1; then
	fail "a 2 MiB passthrough was accepted"
fi
log "passthrough: 2097152 bytes of data, at most 1048576"

# Unbind: the shutdown notification. Then the kernel's driver reads what we wrote.
host mark unbind-begin
echo "$k_bdf" > /sys/bus/pci/drivers/kcpp_nvme/unbind
host mark unbind-end
host mark kcpp-released
log "shutdown complete"
[ ! -e /dev/kcppnvme0n1 ] || fail "disk left behind after unbind"
hand_to "$k_bdf" nvme
sleep 1
# The kernel's disk names do not follow NSIDs (multipath heads): find ours by NSID and size
# (the other controller has one 64 MiB namespace).
c_disk() { for b in /sys/block/nvme*; do
	[ "$(cat "$b/nsid" 2>/dev/null)" = "$1" ] && [ "$(cat "$b/size")" = "$2" ] && basename "$b"; done; true; }
cdisk=$(c_disk 2 262144)
[ -n "$cdisk" ] || fail "the kernel's driver made no disk for namespace 2: $(ls /sys/block)"
dd if="/dev/$cdisk" of=/tmp/readback2 bs=64k skip=100 count=64 2>/dev/null
cmp /tmp/pattern /tmp/readback2 || fail "the kernel's driver reads different data"
cdisk1=$(c_disk 1 524288)
[ -n "$cdisk1" ] || fail "the kernel's driver made no disk for namespace 1"
e2fsck -f -n "/dev/$cdisk1" >/tmp/fsck.log 2>&1 || { cat /tmp/fsck.log; fail "fsck through the kernel's driver"; }

# And back to kcpp_nvme, which then unloads cleanly.
hand_to "$k_bdf" kcpp_nvme
host mark unbind-begin
rmmod kcpp_nvme
host mark unbind-end
host mark kcpp-released
[ "$(dmesg | grep -c "kcpp_nvme $k_bdf: shutdown complete")" = 2 ] || fail "rmmod did not shut the controller down"
[ -z "$(driver_of "$k_bdf")" ] || fail "still bound after rmmod"
echo "nvme scenario: ok"
