#!/usr/bin/env bash
# ./kcpp bench WHAT — benchmarks that print ratios against the C driver measured alike.
#   phy   code size of kcpp_ax88796b.ko vs the kernel's ax88796b.ko (Debian 6.12 kernel)
#   nullb guest kernel instructions per I/O, kcpp_nullb vs null_blk, counted under QEMU
#         (bench/nullb.py; extra arguments go to it, e.g. --reps 5)
#   nvme  guest kernel instructions per I/O, kcpp_nvme vs nvme (4 KiB random QD1/QD32, 128 KiB
#         sequential) and kcpp_nullb vs null_blk, two QEMU boots with the controllers' slots
#         swapped (bench/nvme.py; extra arguments go to it, e.g. --reps 2, --functions)
#   binder guest kernel instructions per round-trip transaction, kcpp_binder vs binder_linux
#         in one QEMU boot (bench/binder.py; extra arguments go to it, e.g. --reps 5, --aa-only)
set -euo pipefail
source "$(dirname "$0")/../scripts/common.sh"
source "$KCPP_ROOT/qemu/kernel.sh"

case ${1:-} in
phy)
	"$KCPP_ROOT/scripts/build-modules.sh" --kernel debian
	kcpp_kernel_resolve debian
	c_ko=$(find "$KCPP_K_MODDIR" -name 'ax88796b.ko*' -print -quit)
	[[ -n $c_ko ]] || die "the kernel's ax88796b module is not installed"
	python3 "$KCPP_ROOT/bench/phy_size.py" "$KCPP_BUILD/modules/debian/kcpp_ax88796b.ko" "$c_ko" \
		"$KCPP_BUILD/kbuild/debian/drivers/phy_ax88796b/kcpp_ax88796b.mod" "$KCPP_BUILD/bench/phy.json"
	;;
nullb)
	shift
	exec python3 "$KCPP_ROOT/bench/nullb.py" "$@"
	;;
nvme)
	shift
	exec python3 "$KCPP_ROOT/bench/nvme.py" "$@"
	;;
binder)
	shift
	exec python3 "$KCPP_ROOT/bench/binder.py" "$@"
	;;
*) die "usage: ./kcpp bench phy|nullb|nvme|binder [ARGS]" ;;
esac
