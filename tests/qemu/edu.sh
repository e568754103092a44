# Scenario: kcpp's PCI, MMIO, interrupt and DMA layers on QEMU's edu device, through the
# kcpp_edu sample. Probe runs a self-test (identity, liveness, factorial by interrupt, DMA
# round trip); then unbind/rebind through sysfs, and unload. Booted with pci=nomsi the
# driver must fall back to INTx.
# qemu: -device edu,dma_mask=0xffffffff
set -eu
fail() { echo "FAIL: $*"; exit 1; }
kind=MSI
grep -q 'pci=nomsi' /proc/cmdline && kind=INTx
drv=/sys/bus/pci/drivers/kcpp_edu

insmod kcpp_edu.ko factorial_of=10
dev=$(ls "$drv" | grep '^0000:' || true)
[ -n "$dev" ] || fail "kcpp_edu did not bind to the edu device"
dmesg | grep -q "kcpp_edu $dev: edu v1.0: 10! = 3628800 by interrupt ($kind)" || fail "no factorial by $kind interrupt"
dmesg | grep -q "kcpp_edu $dev: DMA round trip of 2048 bytes ok" || fail "no DMA round trip"
grep -q kcpp_edu /proc/interrupts || fail "interrupt not registered"

echo "$dev" > "$drv/unbind"
dmesg | grep -q "kcpp_edu $dev: unbound after 3 interrupt(s)" || fail "unbind did not destroy the driver data"
! grep -q kcpp_edu /proc/interrupts || fail "interrupt still registered after unbind"
echo "$dev" > "$drv/bind"
[ "$(dmesg | grep -c "kcpp_edu $dev: DMA round trip of 2048 bytes ok")" = 2 ] || fail "rebind did not probe again"
rmmod kcpp_edu
! grep -q kcpp_edu /proc/interrupts || fail "interrupt left behind by rmmod"
[ ! -e "$drv" ] || fail "driver left registered"

if insmod kcpp_edu.ko factorial_of=13 2>/dev/null; then fail "factorial_of=13 accepted"; fi
echo "edu scenario: ok ($kind)"
