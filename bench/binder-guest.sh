# Guest side of `./kcpp bench binder` (bench/binder.py builds the initramfs and reads the
# results). Loads the kernel's C binder (binder_linux) with two devices, /dev/binderc (role C,
# the baseline) and /dev/binderc2 (role C2, the A/A twin), and, unless /kcpp/params says
# KCPP=0, kcpp_binder with /dev/binderk (role K); prints where the drivers' text is, then runs
# bench/binder_bench.c on the plan /kcpp/plan, which brackets every run with icount markers.
# /kcpp/params: KCPP (1/0), WARMUP (round trips per client at set-up), SYMS=all to dump
# /proc/kallsyms (gzip + base64) for per-function attribution (slow).
set -eu
. /kcpp/params
. /kcpp/guest-report.sh
fail() { echo "FAIL: $*"; exit 1; }

modprobe binder_linux devices=binderc,binderc2 || fail "modprobe binder_linux devices=binderc,binderc2"
[ -c /dev/binderc ] && [ -c /dev/binderc2 ] || fail "binder_linux made no /dev/binderc and /dev/binderc2"
devs="C=/dev/binderc C2=/dev/binderc2"
mods=binder_linux
if [ "$KCPP" = 1 ]; then
	insmod /kcpp/kcpp_binder.ko devices=binderk || fail "kcpp side: insmod kcpp_binder.ko devices=binderk failed"
	[ -c /dev/binderk ] || fail "kcpp side: kcpp_binder loaded but made no /dev/binderk"
	devs="$devs K=/dev/binderk"
	mods="$mods kcpp_binder"
fi

# Wait until the CPU has been idle for a while: loading a signed module starts background work
# (SHA-256 and RSA: signature checking, crypto self-tests) that would otherwise run, at normal
# priority, in the middle of the first runs. Under -icount sleep=off idle guest time costs
# (almost) no host time. The busiest threads are printed when it is not idle at once.
cpu_ticks() { # prints "total idle" in USER_HZ ticks from /proc/stat's cpu line
	read -r _ us ni sy id io ir so st _ </proc/stat
	echo "$((us + ni + sy + id + io + ir + so + st)) $id"
}
settle() {
	tries=0
	while :; do
		set -- $(cpu_ticks)
		sleep 0.5
		set -- "$@" $(cpu_ticks)
		busy=$(($3 - $1 - ($4 - $2)))
		[ "$busy" -gt 1 ] || break
		tries=$((tries + 1))
		if [ $tries = 1 ]; then
			for st in /proc/[0-9]*/stat; do cat "$st" 2>/dev/null; done |
				awk '{ t = $14 + $15; if (t > 5) print "KCPP-BENCH-BUSY", t, $1, $2 }' | sort -k2 -n -r | head -n 5
		fi
		[ $tries -lt 120 ] || fail "the guest stays busy (last 0.5 s: $busy ticks not idle)"
	done
	echo "KCPP-BENCH-SETTLE $tries"
}
settle

# No address-space randomisation: the programs' page-table layout repeats from run to run.
echo 0 >/proc/sys/kernel/randomize_va_space
report_system "$mods"

# shellcheck disable=SC2086 # devs is a list of ROLE=DEVICE words
/kcpp/binder_bench -w "$WARMUP" /kcpp/plan $devs || fail "binder_bench failed (its message is above)"
echo KCPP-BENCH-DONE
