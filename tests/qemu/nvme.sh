# Scenario: kcpp_nvme's controller bring-up beside the kernel's nvme driver. Two controllers:
# the kernel's driver takes both at load; the second is handed to kcpp_nvme with
# driver_override, which must enable it, identify the controller and both namespaces, and
# on unbind send the shutdown notification. kcpp_nvme never binds a controller by itself.
# kmods: nvme
# qemu: -drive file=null-co://,if=none,id=c1,format=raw,file.size=64M,file.read-zeroes=on -device nvme,id=nvmec,serial=kcpp-c,drive=c1
# qemu: -drive file=null-co://,if=none,id=k1,format=raw,file.size=256M,file.read-zeroes=on -drive file=null-co://,if=none,id=k2,format=raw,file.size=128M,file.read-zeroes=on -device nvme,id=nvmek,serial=kcpp-k -device nvme-ns,drive=k1,bus=nvmek,nsid=1 -device nvme-ns,drive=k2,bus=nvmek,nsid=2,logical_block_size=4096,physical_block_size=4096
set -eu
fail() { echo "FAIL: $*"; exit 1; }
driver_of() { basename "$(readlink "/sys/bus/pci/devices/$1/driver" 2>/dev/null)" 2>/dev/null || true; }

ctrls=$(for d in /sys/bus/pci/devices/*; do [ "$(cat "$d/class")" != 0x010802 ] || basename "$d"; done)
set -- $ctrls
[ $# = 2 ] || fail "expected 2 NVMe controllers, found $#"
c_bdf=$1 k_bdf=$2

insmod kcpp_nvme.ko
modprobe nvme
sleep 1
[ "$(driver_of "$c_bdf")" = nvme ] || fail "the kernel's nvme driver did not take $c_bdf"
[ "$(driver_of "$k_bdf")" = nvme ] || fail "kcpp_nvme took $k_bdf without being asked"

echo "$k_bdf" > "/sys/bus/pci/drivers/nvme/unbind"
echo kcpp_nvme > "/sys/bus/pci/devices/$k_bdf/driver_override"
echo "$k_bdf" > /sys/bus/pci/drivers_probe
[ "$(driver_of "$k_bdf")" = kcpp_nvme ] || fail "kcpp_nvme did not bind $k_bdf"
[ "$(driver_of "$c_bdf")" = nvme ] || fail "the kernel's controller changed hands"
log() { dmesg | grep "kcpp_nvme $k_bdf: $1" >/dev/null || fail "no log line: $1"; }
log "QEMU NVMe Ctrl (serial kcpp-k, firmware [^,]*), NVMe 1\.4, up to [0-9]* namespaces, interrupts: MSI-X"
log "2 active namespace(s)"
log "namespace 1: 524288 blocks of 512 bytes (256 MiB)"
log "namespace 2: 32768 blocks of 4096 bytes (128 MiB)"
log "queues: [0-9]* submission, [0-9]* completion available"

echo "$k_bdf" > /sys/bus/pci/drivers/kcpp_nvme/unbind
log "shutdown complete"
echo "$k_bdf" > /sys/bus/pci/drivers_probe
[ "$(driver_of "$k_bdf")" = kcpp_nvme ] || fail "rebind failed"
[ "$(dmesg | grep -c "kcpp_nvme $k_bdf: namespace 2:")" = 2 ] || fail "rebind did not identify again"
rmmod kcpp_nvme
[ "$(dmesg | grep -c "kcpp_nvme $k_bdf: shutdown complete")" = 2 ] || fail "rmmod did not shut the controller down"
[ -z "$(driver_of "$k_bdf")" ] || fail "still bound after rmmod"

# A device of another class handed over by mistake is refused.
echo "nvme scenario: ok"
