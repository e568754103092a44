# Scenario: kcpp_nvme with several namespaces and several I/O queues under load at once.
# One controller with three namespaces of 512 B, 2 KiB and 4 KiB blocks, on as many CPUs as
# QEMU gives (run with --smp 4): one I/O queue and vector per CPU. fio writes all three
# disks at the same time, one job per CPU on each disk (so every hardware queue carries
# commands of every namespace), with crc32c verification; every I/O vector must have
# interrupted. Then the data is verified again after an unbind/rebind (no page cache:
# O_DIRECT reads of what the controller stored). QEMU's trace: no NVMe error or UB event.
# bins: /usr/bin/fio
# images: n1=128M n2=128M n3=128M
# qemu: -device nvme,id=nvmem,serial=kcpp-m
# qemu: -drive file=@n1@,if=none,id=n1,format=raw -device nvme-ns,drive=n1,bus=nvmem,nsid=1
# qemu: -drive file=@n2@,if=none,id=n2,format=raw -device nvme-ns,drive=n2,bus=nvmem,nsid=2,logical_block_size=2048,physical_block_size=2048
# qemu: -drive file=@n3@,if=none,id=n3,format=raw -device nvme-ns,drive=n3,bus=nvmem,nsid=3,logical_block_size=4096,physical_block_size=4096
# host-commands:
# trace: pci_nvme_err_* pci_nvme_ub_* pci_nvme_mmio_shutdown_set
# host-check: python3 qemu/check-trace.py --window io-begin io-end --windows 1 --forbid '^pci_nvme_(err|ub)_' --expect '^pci_nvme_mmio_shutdown_set\b=2'
set -eu
. /kcpp/host.sh
fail() { echo "FAIL: $*"; exit 1; }
size=24M
case $(uname -r) in *kcppdbg*) size=6M ;; esac
cpus=$(nproc)
[ "$cpus" -ge 2 ] || fail "needs several CPUs (--smp), has $cpus"
irq_count() { awk -v irq="$1:" -v ncpu="$cpus" '$1 == irq { n = 0; for (i = 2; i <= ncpu + 1; i++) n += $i; print n }' /proc/interrupts; }

bdf=$(for d in /sys/bus/pci/devices/*; do [ "$(cat "$d/class")" != 0x010802 ] || basename "$d"; done)
[ -n "$bdf" ] || fail "no NVMe controller"
insmod kcpp_nvme.ko
host mark io-begin
echo kcpp_nvme > "/sys/bus/pci/devices/$bdf/driver_override"
echo "$bdf" > /sys/bus/pci/drivers_probe
log() { dmesg | grep "kcpp_nvme $bdf: $1" >/dev/null || fail "no log line: $1"; }
log "namespace 1: 262144 blocks of 512 bytes (128 MiB)"
log "namespace 2: 65536 blocks of 2048 bytes (128 MiB)"
log "namespace 3: 32768 blocks of 4096 bytes (128 MiB)"
log "3 active namespace(s)"
log "$cpus I/O queue(s) of depth [0-9]*, one vector each"
irqs=$(ls /sys/bus/pci/devices/$bdf/msi_irqs)
[ "$(echo $irqs | wc -w)" = $((cpus + 1)) ] || fail "$(echo $irqs | wc -w) vectors, expected $((cpus + 1))"
for n in 1 2 3; do
	[ -b /dev/kcppnvme0n$n ] || fail "no disk kcppnvme0n$n"
	echo none > /sys/block/kcppnvme0n$n/queue/scheduler
done
[ "$(cat /sys/block/kcppnvme0n2/queue/logical_block_size)" = 2048 ] || fail "n2 block size"
[ "$(ls /sys/block/kcppnvme0n1/mq | wc -l)" = "$cpus" ] || fail "n1 has $(ls /sys/block/kcppnvme0n1/mq | wc -l) hardware queues"
for i in $irqs; do eval "before_$i=$(irq_count "$i")"; done

# One job per CPU and namespace, each on its own range; block sizes from the namespace's
# block up to 128 KiB; all at once.
cat > /tmp/multi.fio <<EOF
[global]
thread
direct=1
ioengine=io_uring
rw=randwrite
iodepth=16
size=$size
numjobs=$cpus
offset_increment=$size
cpus_allowed=0-$((cpus - 1))
cpus_allowed_policy=split
verify=crc32c
verify_fatal=1
do_verify=1
group_reporting=1
[ns1]
new_group
filename=/dev/kcppnvme0n1
bsrange=512-128k
[ns2]
new_group
filename=/dev/kcppnvme0n2
bsrange=2k-128k
[ns3]
new_group
filename=/dev/kcppnvme0n3
bsrange=4k-128k
EOF
/usr/bin/fio --eta=never /tmp/multi.fio >/tmp/fio.log 2>&1 || { tail -n 40 /tmp/fio.log; fail "fio"; }
[ "$(grep -c 'err= 0' /tmp/fio.log)" = 3 ] || { cat /tmp/fio.log; fail "fio reported errors"; }
echo "fio on three namespaces x $cpus jobs: ok"
n=0
for i in $irqs; do
	eval "b=\$before_$i"
	[ "$(irq_count "$i")" -gt "$b" ] && n=$((n + 1))
done
[ "$n" = "$cpus" ] || fail "$n I/O vector(s) interrupted under load, expected $cpus"

# The same data once more, from the controller after a rebind.
echo "$bdf" > /sys/bus/pci/drivers/kcpp_nvme/unbind
echo "$bdf" > /sys/bus/pci/drivers_probe
for n in 1 2 3; do [ -b /dev/kcppnvme1n$n ] || fail "no disk kcppnvme1n$n after the rebind"; done
sed -e 's/kcppnvme0/kcppnvme1/' -e 's/^do_verify=1/verify_only=1/' /tmp/multi.fio > /tmp/again.fio
/usr/bin/fio --eta=never /tmp/again.fio >/tmp/fio2.log 2>&1 || { tail -n 40 /tmp/fio2.log; fail "fio verify after the rebind"; }
[ "$(grep -c 'err= 0' /tmp/fio2.log)" = 3 ] || { cat /tmp/fio2.log; fail "verify after the rebind reported errors"; }
[ "$(grep -c ' READ: bw=.*io=' /tmp/fio2.log)" = 3 ] || { cat /tmp/fio2.log; fail "the verify pass read nothing"; }
echo "verify after the rebind: ok ($(grep -o ' READ: .*io=[^ ,]*' /tmp/fio2.log | sed 's/.*io=//' | tr '\n' ' '))"
rmmod kcpp_nvme
host mark io-end
echo "nvme_multi scenario: ok"
