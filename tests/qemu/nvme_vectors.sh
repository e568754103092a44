# Scenario: kcpp_nvme's interrupt vector fallbacks, with data written and verified on each.
# Four controllers on 2 CPUs (kcpp_nvme asks for 1 admin + 2 I/O vectors):
#   vec-full   65 MSI-X vectors   -> 3 vectors, 2 I/O queues with a vector each
#   vec-msix2  msix_qsize=2       -> 2 vectors, 1 I/O queue with its own vector
#   vec-msix1  msix_qsize=1       -> 1 vector, 1 I/O queue sharing the admin vector
#   vec-qp1    max_ioqpairs=1     -> 3 vectors allocated, 1 I/O queue (one vector idle)
# With `pci=nomsi` on the kernel command line (the vectors-intx run) every controller falls
# back to INTx: 1 I/O queue sharing the admin interrupt, all four on shared INTx lines.
# (QEMU's NVMe controller has no MSI capability, only MSI-X and INTx: plain MSI cannot be
# exercised here.) For each: the driver's log line, the vectors the PCI core allocated, the
# vectors that actually interrupted during fio (crc32c-verified random writes, one job per
# CPU), then unbind. QEMU's trace must show no NVMe error or UB event during all that, and
# a deliberately bad admin command afterwards must show up in it (the check can fail).
# bins: /usr/bin/fio /usr/sbin/nvme
# images: a=64M b=64M c=64M d=64M
# qemu: -drive file=@a@,if=none,id=a,format=raw -device nvme,id=nvme-a,serial=vec-full,drive=a
# qemu: -drive file=@b@,if=none,id=b,format=raw -device nvme,id=nvme-b,serial=vec-msix2,drive=b,msix_qsize=2
# qemu: -drive file=@c@,if=none,id=c,format=raw -device nvme,id=nvme-c,serial=vec-msix1,drive=c,msix_qsize=1
# qemu: -drive file=@d@,if=none,id=d,format=raw -device nvme,id=nvme-d,serial=vec-qp1,drive=d,max_ioqpairs=1
# host-commands:
# trace: pci_nvme_err_* pci_nvme_ub_* pci_nvme_mmio_shutdown_set
# host-check: python3 qemu/check-trace.py --window io-begin io-end --windows 1 --forbid '^pci_nvme_(err|ub)_' --expect '^pci_nvme_mmio_shutdown_set\b=4'
# host-check: python3 qemu/check-trace.py --window control-begin control-end --windows 1 --expect '^pci_nvme_err_invalid_admin_opc\b=1'
set -eu
. /kcpp/host.sh
fail() { echo "FAIL: $*"; exit 1; }
size=16M
case $(uname -r) in *kcppdbg*) size=8M ;; esac
[ "$(nproc)" = 2 ] || fail "the expectations assume 2 CPUs, not $(nproc)"
intx=''
case " $(cat /proc/cmdline) " in *" pci=nomsi "*) intx=1 ;; esac

# Total interrupts of one IRQ over all CPUs.
irq_count() { awk -v irq="$1:" '$1 == irq { n = 0; for (i = 2; i <= ncpu + 1; i++) n += $i; print n }' ncpu="$(nproc)" /proc/interrupts; }

insmod kcpp_nvme.ko
host mark io-begin
n=0
for d in /sys/bus/pci/devices/*; do
	[ "$(cat "$d/class")" = 0x010802 ] || continue
	bdf=$(basename "$d")
	echo kcpp_nvme > "$d/driver_override"
	echo "$bdf" > /sys/bus/pci/drivers_probe
	[ "$(basename "$(readlink "$d/driver")")" = kcpp_nvme ] || fail "kcpp_nvme did not bind $bdf"
	line=$(dmesg | grep "kcpp_nvme $bdf: QEMU NVMe Ctrl" | tail -n 1)
	serial=$(echo "$line" | sed -n 's/.*(serial \([^,]*\),.*/\1/p')
	kind=${line##*interrupts: }
	# Expected: interrupt kind, I/O queues, vector sharing, vectors allocated, vectors that
	# interrupt during fio (the I/O queues' own; the admin vector is quiet then).
	case $intx:$serial in
	1:*) want="INTx 1 sharing 0 1" ;;
	:vec-full) want="MSI-X 2 each 3 2" ;;
	:vec-msix2) want="MSI-X 1 each 2 1" ;;
	:vec-msix1) want="MSI-X 1 sharing 1 1" ;;
	:vec-qp1) want="MSI-X 1 each 3 1" ;;
	*) fail "unexpected controller $bdf: $line" ;;
	esac
	set -- $want
	[ "$kind" = "$1" ] || fail "$serial: interrupts $kind, expected $1"
	mode="one vector each"
	[ "$3" = each ] || mode="sharing the admin vector"
	dmesg | grep "kcpp_nvme $bdf: $2 I/O queue(s) of depth [0-9]*, $mode" >/dev/null ||
		fail "$serial: expected $2 I/O queue(s), $mode; the driver said: $(dmesg | grep "kcpp_nvme $bdf: .*I/O queue")"
	irqs=$(ls "$d/msi_irqs" 2>/dev/null || true)
	[ "$(echo $irqs | wc -w)" = "$4" ] || fail "$serial: $(echo $irqs | wc -w) MSI-X vectors allocated, expected $4"
	[ -n "$irqs" ] || irqs=$(cat "$d/irq")
	grep "^ *$(echo $irqs | cut -d' ' -f1):.*kcpp_nvme" /proc/interrupts >/dev/null ||
		fail "$serial: no kcpp_nvme handler on IRQ $(echo $irqs | cut -d' ' -f1)"
	for i in $irqs; do eval "before_$i=$(irq_count "$i")"; done

	disk=$(dmesg | sed -n "s/.*kcpp_nvme $bdf: \(kcppnvme[0-9]*n1\): .*/\1/p" | tail -n 1)
	[ -b "/dev/$disk" ] || fail "$serial: no disk ($disk)"
	/usr/bin/fio --name="$serial" --filename="/dev/$disk" --thread --direct=1 --ioengine=io_uring \
		--rw=randwrite --bsrange=4k-128k --iodepth=16 --size=$size --numjobs=2 --offset_increment=$size \
		--cpus_allowed=0-1 --cpus_allowed_policy=split --verify=crc32c --verify_fatal=1 --do_verify=1 \
		--group_reporting --eta=never >/tmp/fio.log 2>&1 || { tail -n 30 /tmp/fio.log; fail "$serial: fio"; }
	grep -q 'err= 0' /tmp/fio.log || { cat /tmp/fio.log; fail "$serial: fio reported errors"; }
	used=0
	for i in $irqs; do
		eval "b=\$before_$i"
		[ "$(irq_count "$i")" -gt "$b" ] && used=$((used + 1))
	done
	# (An INTx line may be shared with other devices: its count is only a lower bound there.)
	[ "$used" = "$5" ] || fail "$serial: $used vector(s) interrupted during fio, expected $5"
	echo "$serial ($bdf): $kind, $2 I/O queue(s) ($3), $4 vector(s) allocated, $used interrupting under I/O, fio verify ok"
	n=$((n + 1))
done
[ "$n" = 4 ] || fail "expected 4 controllers, found $n"

host mark unbind-begin
rmmod kcpp_nvme
host mark unbind-end
[ "$(dmesg | grep -c 'kcpp_nvme .*: shutdown complete')" = 4 ] || fail "not every controller was shut down"
host mark io-end

# Control: a bad admin opcode reaches the controller, which traces the error.
insmod kcpp_nvme.ko
echo kcpp_nvme > "/sys/bus/pci/devices/$bdf/driver_override"
echo "$bdf" > /sys/bus/pci/drivers_probe
ctrl=/dev/$(ls /dev | grep '^kcppnvme[0-9]*$' | head -n 1)
host mark control-begin
if nvme admin-passthru "$ctrl" --opcode=0xc0 >/tmp/bad 2>&1; then
	cat /tmp/bad; fail "opcode 0xc0 succeeded"
fi
host mark control-end
rmmod kcpp_nvme
echo "nvme_vectors scenario: ok"
