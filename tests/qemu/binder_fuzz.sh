# Scenario: the binder fuzzer (tests/binder/fuzz.c): seeded random traffic from several processes
# (malformed command streams, bogus handles, offsets, sizes and object types, every ioctl,
# kill -9 and restart) for FUZZ_SECONDS (default 60) against a binder driver. It must end with
# its workers all well (no hang, no malformed return stream, only errnos the driver uses), every
# binder object the driver counts gone again, and (the harness checks) no kernel report.
#
# Kernel command line (run.sh --append) settings:
#   BINDER_DRIVERS=c|kcpp|c,kcpp  which driver(s), as in tests/qemu/binder.sh (default c)
#   FUZZ_SECONDS=N                how long per driver (default 60)
#   FUZZ_SEED=N                   a seed to repeat (default: new each run; printed either way)
# kmods: binder_linux
# progs: tests/binder/build.sh
set -eu
fail() { echo "FAIL: $*"; exit 1; }

# Every "X: active N" line of the driver's debugfs stats must say 0 once the fuzzer's processes
# are gone (their release runs from a work queue: give it time). One exception, for the C driver
# only (ALLOW=1), and only exactly so: it leaks a dead node when a transaction to it fails while
# its process is being released. binder_transaction() holds a local strong reference on the
# target node (binder_get_node_refs_for_txn); binder_node_release() of the dying owner sets
# local_strong_refs to 0; the transaction's error path then takes its reference back, -1, and
# the node is never freed (it stays on binder_dead_nodes, so kmemleak does not see it). Such nodes
# show as dead nodes with "ls -1" in the state file; they are allowed, nothing else is.
check_stats() { # check_stats DEBUGFS_DIR ALLOW
	dir=$1 allow=$2
	[ -f "$dir/stats" ] || { echo "binder: no $dir/stats, object counts not checked"; return 0; }
	i=0
	while :; do
		busy=$(grep ': active ' "$dir/stats" | grep -v ': active 0 ' || true)
		[ -z "$busy" ] && break
		if [ "$allow" = 1 ] && [ "$(echo "$busy" | grep -vc '^node: ' || true)" = 0 ]; then
			nodes=$(echo "$busy" | sed -n 's/^node: active \([0-9]*\) .*/\1/p')
			leaked=$(grep -c '^  node [0-9]*: .* ls -[0-9]* ' "$dir/state" || true)
			if [ "$nodes" = "$leaked" ]; then
				grep '^  node [0-9]*: .* ls -[0-9]* ' "$dir/state"
				echo "binder: the C driver leaked $leaked dead node(s) with negative local strong refs (a C driver bug, see binder_fuzz.sh)"
				return 0
			fi
		fi
		i=$((i + 1))
		if [ $i -ge 100 ]; then
			echo "$busy"
			cat "$dir/state" 2>/dev/null || true
			fail "binder objects left after the fuzzer ($dir/stats)"
		fi
		sleep 0.1
	done
	echo "binder: $dir/stats: no objects left"
}

seconds=${FUZZ_SECONDS:-60}
seed=${FUZZ_SEED:-}
drivers=${BINDER_DRIVERS:-c}
for driver in $(echo "$drivers" | tr ',' ' '); do
	case $driver in
	c)
		modprobe binder_linux devices=binder_c || fail "modprobe binder_linux"
		dev=/dev/binder_c debugfs=/sys/kernel/debug/binder allow=1
		;;
	kcpp)
		insmod kcpp_binder.ko devices=binder || fail "insmod kcpp_binder.ko"
		dev=/dev/binder debugfs=/sys/kernel/debug/kcpp_binder allow=0
		;;
	*) fail "unknown binder driver '$driver' in BINDER_DRIVERS" ;;
	esac
	[ -c "$dev" ] || fail "no $dev"
	echo "binder: fuzzing $driver on $dev for $seconds s"
	./binder_fuzz -d "$dev" -t "$seconds" ${seed:+-s "$seed"} || fail "binder_fuzz on $driver"
	check_stats "$debugfs" "$allow"
done
echo "binder_fuzz scenario: ok"
