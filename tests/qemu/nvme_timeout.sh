# Scenario (debug kernel: needs FAIL_IO_TIMEOUT): kcpp_nvme honours blk_should_fake_timeout.
# The block layer's fault injection drops three completions as if their interrupts were
# lost; the requests time out after 1 s and the timeout handler recovers them, and the data
# written and read through them is intact.
# images: k1=64M
# qemu: -drive file=@k1@,if=none,id=k1,format=raw -device nvme,id=nvmek,serial=kcpp-t,drive=k1
set -eu
fail() { echo "FAIL: $*"; exit 1; }
bdf=$(for d in /sys/bus/pci/devices/*; do [ "$(cat "$d/class")" != 0x010802 ] || basename "$d"; done)
[ -n "$bdf" ] || fail "no NVMe controller"
insmod kcpp_nvme.ko
echo kcpp_nvme > "/sys/bus/pci/devices/$bdf/driver_override"
echo "$bdf" > /sys/bus/pci/drivers_probe
[ -b /dev/kcppnvme0n1 ] || fail "no disk"
dd if=/dev/urandom of=/tmp/pattern bs=64k count=16 2>/dev/null

fi=/sys/kernel/debug/fail_io_timeout
[ -d $fi ] || fail "no $fi (CONFIG_FAIL_IO_TIMEOUT)"
printf 0 > $fi/verbose
printf 100 > $fi/probability
printf 1 > $fi/interval
printf 3 > $fi/times
printf 1000 > /sys/block/kcppnvme0n1/queue/io_timeout
printf 1 > /sys/block/kcppnvme0n1/io-timeout-fail

dd if=/tmp/pattern of=/dev/kcppnvme0n1 bs=64k conv=fsync 2>/dev/null || fail "write"
printf 0 > /sys/block/kcppnvme0n1/io-timeout-fail
sync; echo 3 > /proc/sys/vm/drop_caches
dd if=/dev/kcppnvme0n1 of=/tmp/readback bs=64k count=16 2>/dev/null || fail "read"
cmp /tmp/pattern /tmp/readback || fail "data lost across the timeouts"
n=$(dmesg | grep -c "kcpp_nvme $bdf: command [0-9]* timed out but had completed: recovered" || true)
[ "$n" = 3 ] || fail "expected 3 recovered timeouts, saw $n"
rmmod kcpp_nvme
echo "nvme_timeout scenario: ok"
