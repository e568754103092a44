#!/usr/bin/env bash
# Checks every module built for a kernel: its vermagic is exactly that of the kernel's own
# modules (so the kernel will load it), its license is GPL-compatible, and it carries a
# modversions table when the kernel has MODVERSIONS.
#
# usage: scripts/check-modinfo.sh debian|debug
set -euo pipefail
source "$(dirname "$0")/common.sh"
source "$KCPP_ROOT/qemu/kernel.sh"

kind=${1:?usage: check-modinfo.sh debian|debug}
kcpp_kernel_resolve "$kind"
reference=$(find "$KCPP_K_MODDIR" -name '*.ko*' -path '*drivers*' -print -quit)
[[ -n $reference ]] || die "no in-tree module of $KCPP_K_RELEASE to compare with"
want=$(modinfo -F vermagic "$reference")
[[ $want == "$KCPP_K_RELEASE "* ]] || die "reference $reference has vermagic '$want'"

count=0
for ko in "$KCPP_BUILD/modules/$kind"/*.ko; do
	[[ -f $ko ]] || die "no modules in $KCPP_BUILD/modules/$kind"
	got=$(modinfo -F vermagic "$ko")
	[[ $got == "$want" ]] || die "$(basename "$ko"): vermagic '$got', kernel wants '$want'"
	license=$(modinfo -F license "$ko")
	case $license in
	"GPL" | "GPL v2" | "GPL and additional rights" | "Dual BSD/GPL" | "Dual MIT/GPL" | "Dual MPL/GPL") ;;
	*) die "$(basename "$ko"): license '$license' is not GPL-compatible" ;;
	esac
	if grep -q '^CONFIG_MODVERSIONS=y' "$KCPP_K_BUILD/.config"; then
		[[ $(readelf -SW "$ko") == *__versions* ]] || die "$(basename "$ko"): no modversions table"
	fi
	echo "$(basename "$ko"): vermagic '$got', license $license"
	count=$((count + 1))
done
echo "check-modinfo: $count module(s) match $KCPP_K_RELEASE"
