# Scenario: the binder differential suite (tests/binder: binder_suite, and binder_suite32 for
# compat_ioctl) against a binder driver, on two devices of that driver (a second device is a
# second context with its own context manager). Afterwards every binder object the driver
# counts (procs, threads, nodes, refs, deaths, transactions, ...) must be gone again.
#
# The driver comes from the kernel command line (run.sh --append), so one scenario serves both:
#   BINDER_DRIVERS=c     (default) the kernel's binder_linux.ko, devices binder_c,binder_c2
#   BINDER_DRIVERS=kcpp  kcpp_binder.ko, devices binder,binder2
#   BINDER_DRIVERS=c,kcpp  both in one boot, under their different device names
# binder_linux.ko cannot be unloaded, so each driver keeps its own device names.
# kmods: binder_linux
# progs: tests/binder/build.sh
set -eu
fail() { echo "FAIL: $*"; exit 1; }

# Every "X: active N" line of the driver's debugfs stats must say 0 once the suite's
# processes are gone (their release runs from a work queue: give it a few seconds).
check_stats() {
	stats=$1
	[ -f "$stats" ] || { echo "binder: no $stats, object counts not checked"; return 0; }
	i=0
	while grep -v ': active 0 ' "$stats" | grep -q ': active '; do
		i=$((i + 1))
		if [ $i -ge 50 ]; then
			grep ': active ' "$stats"
			cat "$(dirname "$stats")/state" 2>/dev/null || true
			fail "binder objects left after the suite ($stats)"
		fi
		sleep 0.1
	done
	echo "binder: $stats: no objects left"
}

run_suite() { # run_suite DEV DEV2
	rc=0
	./binder_suite -d "$1" -D "$2" || rc=1
	if [ -x ./binder_suite32 ]; then
		./binder_suite32 -d "$1" -D "$2" || rc=1
	else
		echo "binder: no binder_suite32 (no 32-bit toolchain on the host)"
	fi
	return $rc
}

drivers=${BINDER_DRIVERS:-c}
status=0
for driver in $(echo "$drivers" | tr ',' ' '); do
	case $driver in
	c)
		modprobe binder_linux devices=binder_c,binder_c2 || fail "modprobe binder_linux"
		[ -c /dev/binder_c ] && [ -c /dev/binder_c2 ] || fail "no /dev/binder_c and /dev/binder_c2"
		echo "binder: suite on the C driver (binder_linux)"
		run_suite /dev/binder_c /dev/binder_c2 || status=1
		check_stats /sys/kernel/debug/binder/stats
		;;
	kcpp)
		insmod kcpp_binder.ko devices=binder,binder2 || fail "insmod kcpp_binder.ko"
		[ -c /dev/binder ] && [ -c /dev/binder2 ] || fail "no /dev/binder and /dev/binder2"
		echo "binder: suite on kcpp_binder"
		run_suite /dev/binder /dev/binder2 || status=1
		check_stats /sys/kernel/debug/kcpp_binder/stats
		;;
	*) fail "unknown binder driver '$driver' in BINDER_DRIVERS" ;;
	esac
done
[ $status = 0 ] || fail "binder suite failed"
echo "binder scenario: ok"
