#!/usr/bin/env bash
# Builds every kcpp module (samples, drivers, test modules) for one kernel and collects the
# .ko files in build/modules/<kind>/. Modules are built per kernel (struct layouts differ:
# lockdep alone enlarges spinlock_t), each in its own copy of the sources under
# build/kbuild/<kind>/ so the checkout stays clean and two kernels never share objects.
#
# usage: scripts/build-modules.sh --kernel debian|debug
#        scripts/build-modules.sh --kdir DIR      (any kernel build dir; output kind "custom")
set -euo pipefail
source "$(dirname "$0")/common.sh"
source "$KCPP_ROOT/qemu/kernel.sh"

usage="usage: scripts/build-modules.sh --kernel debian|debug | --kdir DIR"
kind= kdir=
while (($#)); do
	case $1 in
	--kernel) kind=${2:?}; shift 2 ;;
	--kdir) kdir=${2:?}; shift 2 ;;
	*) die "$usage" ;;
	esac
done
if [[ -n $kdir ]]; then
	[[ -f $kdir/Makefile && -f $kdir/Module.symvers ]] || die "$kdir is not a prepared kernel build dir"
	kind=custom
	KCPP_K_BUILD=$kdir
	KCPP_K_RELEASE=$(make -s -C "$kdir" kernelrelease)
else
	[[ -n $kind ]] || die "$usage"
	kcpp_kernel_resolve "$kind"
fi

src=$KCPP_BUILD/kbuild/$kind
out=$KCPP_BUILD/modules/$kind
mkdir -p "$src" "$out"
# One build per kernel at a time: a second caller waits, then finds the work done.
exec 9>"$KCPP_BUILD/kbuild/$kind.lock"
flock 9
# Sources only. Excluded names are also protected from --delete, so Kbuild's outputs in
# $src survive and rebuilds are incremental.
rsync -a --delete --exclude=/build/ --exclude=/.git/ --exclude='*.o' --exclude='*.ko' \
	--exclude='*.mod' --exclude='*.mod.c' --exclude='.*.cmd' --exclude='.*.d' --exclude='*.dwo' \
	--exclude=kcpp-gen/ --exclude='kcpp-*/' --exclude=modules.order --exclude=Module.symvers \
	"$KCPP_ROOT"/ "$src"/

# C++ objects need the C++ compiler matching the kernel's C compiler.
note "building modules for $KCPP_K_RELEASE ($kind) in $src"
log=$KCPP_BUILD/kbuild/$kind.log
if ! make -C "$KCPP_K_BUILD" M="$src" -j"$(nproc)" >"$log" 2>&1; then
	grep -E 'error|warning|Error' "$log" | head -n 40 >&2
	die "module build for $kind failed (full log: $log)"
fi
rm -f "$out"/*.ko
while read -r ko; do
	cp "$src/${ko%.o}.ko" "$out/"
done < <(sed "s|^$src/||" "$src/modules.order")
note "built $(ls "$out" | wc -l) modules for $KCPP_K_RELEASE: $(cd "$out" && ls | tr '\n' ' ')"
printf '%s\n' "$KCPP_K_RELEASE" >"$out/.release"
