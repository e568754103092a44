# Scenario (run with --append swiotlb=force): every streaming DMA mapping of kcpp_nvme
# bounces through the software IO TLB, so a mapping made in the wrong direction, synced at
# the wrong time, unmapped early or too large shows up as corrupt data or a failed mapping.
# fio with crc32c verification (sequential 1 MiB, random 512 B-128 KiB, 1 MiB from huge
# pages so that segments are physically contiguous and as large as the disk allows), and
# buffered writes through the page cache compared after dropping it. swiotlb must really
# have bounced (its debugfs high-water mark), and every bounce slot must be free again
# after the I/O. On the debug kernel DMA-API debugging checks every map and unmap, and its
# error count must stay 0, through the unbind too (mappings left behind count as errors).
# QEMU's trace (only kcpp_nvme drives this controller): no NVMe error or UB event, one
# shutdown notification.
# Then tests/qemu/progs/nvme_segments.c: O_DIRECT transfers over physically separate pieces
# (first piece at an offset in its page, a short last piece), each bounced on its own.
# bins: /usr/bin/fio
# progs: tests/qemu/progs/nvme_segments.c
# images: k1=512M
# qemu: -drive file=@k1@,if=none,id=k1,format=raw -device nvme,id=nvmek,serial=kcpp-s,drive=k1
# trace: pci_nvme_err_* pci_nvme_ub_* pci_nvme_mmio_shutdown_set
# host-check: python3 qemu/check-trace.py --forbid '^pci_nvme_(err|ub)_' --expect '^pci_nvme_mmio_shutdown_set\b=1'
set -eu
fail() { echo "FAIL: $*"; exit 1; }
case " $(cat /proc/cmdline) " in *" swiotlb=force "*) ;; *) fail "run with --append swiotlb=force" ;; esac
scale=1 dbg=''
case $(uname -r) in *kcppdbg*) scale=4 dbg=1 ;; esac
mb() { echo "$(( $1 / scale ))M"; }

tlb=/sys/kernel/debug/swiotlb
[ -r $tlb/io_tlb_used_hiwater ] || fail "no $tlb (debugfs swiotlb statistics)"
dmesg | grep 'software IO TLB' || fail "no software IO TLB at boot"
dma=/sys/kernel/debug/dma-api
if [ -n "$dbg" ]; then
	[ -r $dma/error_count ] || fail "no $dma on the debug kernel"
	[ "$(cat $dma/disabled)" = N ] || fail "DMA-API debugging is disabled"
fi
dma_errors() { if [ -n "$dbg" ]; then cat $dma/error_count; else echo 0; fi; }
[ "$(dma_errors)" = 0 ] || fail "DMA-API errors before the test: $(dma_errors)"

bdf=$(for d in /sys/bus/pci/devices/*; do [ "$(cat "$d/class")" != 0x010802 ] || basename "$d"; done)
[ -n "$bdf" ] || fail "no NVMe controller"
insmod kcpp_nvme.ko
echo kcpp_nvme > "/sys/bus/pci/devices/$bdf/driver_override"
echo "$bdf" > /sys/bus/pci/drivers_probe
dev=/dev/kcppnvme0n1
[ -b $dev ] || fail "no disk"
echo 0 > $tlb/io_tlb_used_hiwater
used0=$(cat $tlb/io_tlb_used)

mkdir -p /dev/hugepages
mount -t hugetlbfs none /dev/hugepages
echo 8 > /proc/sys/vm/nr_hugepages
[ "$(cat /proc/sys/vm/nr_hugepages)" -ge 2 ] || fail "no huge pages"

common="--thread --filename=$dev --direct=1 --ioengine=io_uring --verify=crc32c --verify_fatal=1 --do_verify=1 --eta=never"
# What the block layer and swiotlb hold when I/O is stuck, for the log.
stuck_report() {
	echo "--- stuck I/O: swiotlb slots in use $(cat $tlb/io_tlb_used), high-water $(cat $tlb/io_tlb_used_hiwater)"
	for f in /sys/kernel/debug/block/kcppnvme0n1/hctx*/busy /sys/kernel/debug/block/kcppnvme0n1/hctx*/dispatch \
		/sys/kernel/debug/block/kcppnvme0n1/requeue_list /sys/kernel/debug/block/kcppnvme0n1/hctx*/state; do
		[ -r "$f" ] && [ -n "$(cat "$f")" ] && { echo "$f:"; head -n 8 "$f"; }
	done
	cat /sys/block/kcppnvme0n1/queue/max_hw_sectors_kb /sys/block/kcppnvme0n1/queue/max_segment_size | tr '\n' ' '
	echo "(max_hw_sectors_kb, max_segment_size)"
}
bounded() { # bounded PID WHAT: waits for PID; a request that can never be mapped must not hang it
	t=0
	while kill -0 $1 2>/dev/null && [ $t -lt 100 ]; do sleep 1; t=$((t + 1)); done
	if kill -0 $1 2>/dev/null; then
		stuck_report
		fail "$2 still running after 100 s"
	fi
	wait $1
}
run() { # run NAME ARGS...: one fio job
	name=$1; shift
	/usr/bin/fio --name="$name" $common "$@" >/tmp/fio-$name.log 2>&1 &
	bounded $! "fio $name" || { tail -n 30 /tmp/fio-$name.log; fail "fio $name"; }
	grep -q 'err= 0' /tmp/fio-$name.log || { cat /tmp/fio-$name.log; fail "fio $name reported errors"; }
	echo "fio $name: ok (bounce high-water $(cat $tlb/io_tlb_used_hiwater) slots, DMA-API errors $(dma_errors))"
}
run seq-1m   --rw=write     --bs=1M            --iodepth=4  --size="$(mb 128)"
run rand-mix --rw=randwrite --bsrange=512-128k --iodepth=32 --size="$(mb 64)" --offset=128M
run huge-1m  --rw=write     --bs=1M            --iodepth=2  --size="$(mb 64)" --offset=192M --mem=mmaphuge:/dev/hugepages/fio

# Transfers in physically separate pieces, each bounced on its own.
./nvme_segments $dev $((3000 / scale)) 320 >/tmp/seg.log 2>&1 &
bounded $! nvme_segments || { cat /tmp/seg.log; dmesg | grep kcpp_nvme | tail -n 5; fail "nvme_segments"; }
cat /tmp/seg.log

# Through the page cache: 16 MiB written, the cache dropped, read back.
dd if=/dev/urandom of=/tmp/pattern bs=1M count=16 2>/dev/null
dd if=/tmp/pattern of=$dev bs=1M seek=300 conv=fsync 2>/dev/null || fail "buffered write"
sync; echo 3 > /proc/sys/vm/drop_caches
dd if=$dev of=/tmp/readback bs=1M skip=300 count=16 2>/dev/null || fail "buffered read"
cmp /tmp/pattern /tmp/readback || fail "buffered data differs after bouncing"

hw=$(cat $tlb/io_tlb_used_hiwater)
[ "$hw" -gt 0 ] || fail "swiotlb never bounced (high-water 0): is swiotlb=force in effect?"
[ "$(cat $tlb/io_tlb_used)" = "$used0" ] || fail "$(( $(cat $tlb/io_tlb_used) - used0 )) bounce slot(s) still in use after the I/O"
echo 3 > /proc/sys/vm/drop_caches
echo "$bdf" > /sys/bus/pci/drivers/kcpp_nvme/unbind
rmmod kcpp_nvme
[ "$(dma_errors)" = 0 ] || fail "DMA-API debugging counted $(dma_errors) error(s)"
checked=''
[ -n "$dbg" ] || checked=' (not checked: no DMA_API_DEBUG)'
echo "swiotlb: high-water $hw slots of $(cat $tlb/io_tlb_nslabs); DMA-API errors: $(dma_errors)$checked"
echo "nvme_swiotlb scenario: ok"
