# Scenario: I/O passthrough on the disk, compared with the kernel's nvme driver. Two identical
# controllers: the kernel's driver keeps the first, kcpp_nvme gets the second. The same
# program (tests/qemu/progs/nvme_passthru.c: NVME_IOCTL_ID, IO_CMD, IO64_CMD, SUBMIT_IO,
# ADMIN_CMD on the disk, bad commands, an unprivileged caller) runs on both disks; the outputs
# must be identical, and the data must have moved.
# kmods: nvme
# progs: tests/qemu/progs/nvme_passthru.c
# images: c1=64M k1=64M
# qemu: -drive file=@c1@,if=none,id=c1,format=raw -device nvme,id=nvmec,serial=kcpp-pc,drive=c1
# qemu: -drive file=@k1@,if=none,id=k1,format=raw -device nvme,id=nvmek,serial=kcpp-pk,drive=k1
set -eu
fail() { echo "FAIL: $*"; exit 1; }
ctrls=$(for d in /sys/bus/pci/devices/*; do [ "$(cat "$d/class")" != 0x010802 ] || basename "$d"; done)
set -- $ctrls
[ $# = 2 ] || fail "expected 2 NVMe controllers, found $#"
k_bdf=$2
insmod kcpp_nvme.ko
modprobe nvme
for i in $(seq 50); do [ -e /sys/bus/pci/devices/$k_bdf/driver ] && break; sleep 0.1; done
echo "$k_bdf" > /sys/bus/pci/devices/$k_bdf/driver/unbind
echo kcpp_nvme > /sys/bus/pci/devices/$k_bdf/driver_override
echo "$k_bdf" > /sys/bus/pci/drivers_probe
[ -b /dev/kcppnvme0n1 ] || fail "no kcpp disk"
cdisk=
for i in $(seq 100); do # the kernel's driver scans namespaces asynchronously
	cdisk=$(for b in /sys/block/nvme*n1; do [ -e "$b" ] && basename "$b"; done | head -n 1)
	[ -z "$cdisk" ] || break
	sleep 0.1
done
[ -n "$cdisk" ] || fail "no disk from the kernel's driver: $(ls /sys/block)"
chmod 0666 /dev/$cdisk /dev/kcppnvme0n1 # let the unprivileged part open them
/kcpp/nvme_passthru /dev/$cdisk > /tmp/c.out || { cat /tmp/c.out; fail "passthrough on the kernel's driver"; }
/kcpp/nvme_passthru /dev/kcppnvme0n1 > /tmp/k.out || { cat /tmp/k.out; fail "passthrough on kcpp_nvme"; }
cat /tmp/k.out
diff /tmp/c.out /tmp/k.out || fail "kcpp_nvme answers passthrough differently from the kernel's driver"
for line in "nsid: 1" "io_cmd write data: same" "io64_cmd read data: same" "io_cmd unaligned data: same" \
	"submit_io write data: same" "submit_io read data: same" "identify vid: 0x1b36 model: QEMU NVMe Ctrl"; do
	grep -qxF "$line" /tmp/k.out || fail "missing: $line"
done
grep -q "nobody write (read-only fd): rc=-1 errno=13" /tmp/k.out || fail "unprivileged write allowed"
echo "$k_bdf" > /sys/bus/pci/drivers/kcpp_nvme/unbind
rmmod kcpp_nvme
echo "nvme_passthru scenario: ok"
