# Scenario: data integrity of kcpp_nvme under fio with verification (crc32c), 3.3 GiB in all:
# sequential and
# random writes over block sizes from 512 B to 1 MiB and queue depths 1 to 64, each block read
# back and checked; then the C driver reads the last job's data back through its own disk
# (fio verify-only pass). Volumes are smaller on the debug kernel (KASAN is slow); fio runs
# threads (--thread): the debug kernel has no System V shared memory.
# bins: /usr/bin/fio
# kmods: nvme
# images: k1=4G
# qemu: -drive file=@k1@,if=none,id=k1,format=raw -device nvme,id=nvmek,serial=kcpp-f,drive=k1
set -eu
fail() { echo "FAIL: $*"; exit 1; }
scale=1
case $(uname -r) in *kcppdbg*) scale=8 ;; esac
mb() { echo "$(( $1 / scale ))M"; }

bdf=$(for d in /sys/bus/pci/devices/*; do [ "$(cat "$d/class")" != 0x010802 ] || basename "$d"; done)
[ -n "$bdf" ] || fail "no NVMe controller"
insmod kcpp_nvme.ko
echo kcpp_nvme > "/sys/bus/pci/devices/$bdf/driver_override"
echo "$bdf" > /sys/bus/pci/drivers_probe
dev=/dev/kcppnvme0n1
[ -b $dev ] || fail "no disk"
echo none > /sys/block/kcppnvme0n1/queue/scheduler

common="--thread --filename=$dev --direct=1 --ioengine=io_uring --verify=crc32c --verify_fatal=1 --do_verify=1 --group_reporting --eta=never"
run() { # run NAME ARGS...: one fio job, failing the scenario on any error or verify mismatch
	name=$1; shift
	fio --name="$name" $common "$@" >/tmp/fio-$name.log 2>&1 || { tail -n 30 /tmp/fio-$name.log; fail "fio $name"; }
	grep -q 'err= 0' /tmp/fio-$name.log || { cat /tmp/fio-$name.log; fail "fio $name reported errors"; }
	echo "fio $name: ok ($(grep -o 'WRITE: bw=[^,]*' /tmp/fio-$name.log | head -n 1))"
}
run seq-1m    --rw=write     --bs=1M            --iodepth=4  --size="$(mb 2048)"
run rand-mix  --rw=randwrite --bsrange=512-128k --iodepth=32 --size="$(mb 768)" --offset=2048M
run rand-4k   --rw=randwrite --bs=4k            --iodepth=64 --size="$(mb 256)" --offset=2816M
run qd1-512   --rw=randwrite --bs=512           --iodepth=1  --size="$(mb 16)"  --offset=3072M
run seq-64k   --rw=write     --bs=64k           --iodepth=8  --size="$(mb 256)" --offset=3328M

# The same data through the kernel's own driver: a verify-only pass of the last job.
echo "$bdf" > /sys/bus/pci/drivers/kcpp_nvme/unbind
modprobe nvme
echo nvme > "/sys/bus/pci/devices/$bdf/driver_override"
echo "$bdf" > /sys/bus/pci/drivers_probe
sleep 1
cdev=$(for b in /sys/block/nvme*n1; do basename "$b"; done | head -n 1)
[ -n "$cdev" ] || fail "the kernel's driver made no disk"
fio --name=seq-64k --thread --filename=/dev/$cdev --direct=1 --ioengine=io_uring --verify=crc32c --verify_fatal=1 \
	--verify_only --rw=write --bs=64k --iodepth=8 --size="$(mb 256)" --offset=3328M --eta=never >/tmp/fio-c.log 2>&1 ||
	{ tail -n 30 /tmp/fio-c.log; fail "the kernel's driver does not read back what kcpp_nvme wrote"; }
grep -q 'err= 0' /tmp/fio-c.log || { cat /tmp/fio-c.log; fail "verify through the kernel's driver"; }
echo "verify through the kernel's driver: ok"
rmmod kcpp_nvme
echo "nvme_fio scenario: ok"
