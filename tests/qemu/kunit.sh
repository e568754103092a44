# Scenario: kcpp's KUnit test modules (run by tests/qemu/run.sh kunit debug).
#
# Configures failslab for task-filter mode (only tasks with make_it_fail set see failures:
# kcpp::kunit::FailAllocations sets it for the test thread), then loads every
# kcpp_kunit_*.ko in /kcpp. KUnit runs each module's suites at insmod and prints their KTAP on
# the console (what tools/testing/kunit/kunit.py parse and tests/kunit/suite_result.py read).
# The results are also checked here, from /sys/kernel/debug/kunit/<suite>/results: the
# scenario fails if a module does not load, has no suite, or any case is "not ok" or skipped
# (this kernel has everything the suites need, so a skip means a lost test). Modules are
# unloaded again, so kmemleak (dumped by /init after the scenario) sees their teardown.
#
# Build and run (see qemu/mkinitramfs.sh and qemu/run-scenario.sh):
#   qemu/mkinitramfs.sh --kernel debug --out k.cpio.gz --script tests/kunit/scenario.sh \
#       --file kcpp_kunit_core.ko --file kcpp_kunit_sync.ko
#   qemu/run-scenario.sh --kernel debug --name kunit --initrd k.cpio.gz --timeout 300
set -u
fail() { echo "kcpp-kunit: FAIL: $*"; exit 1; }

# --- failslab: every slab allocation of a make_it_fail task fails, quietly.
fs=/sys/kernel/debug/failslab
[ -d $fs ] || fail "$fs missing (needs CONFIG_FAILSLAB, CONFIG_FAULT_INJECTION_DEBUG_FS, debugfs)"
setf() {
	printf '%s' "$2" >"$fs/$1" || fail "cannot write $2 to $fs/$1"
	[ "$(cat "$fs/$1")" = "$2" ] || fail "$fs/$1 reads $(cat "$fs/$1"), wanted $2"
}
setf task-filter Y
setf cache-filter N
setf probability 100
setf interval 1
setf times -1
setf space 0
setf verbose 0
setf ignore-gfp-wait N

kunit=/sys/kernel/debug/kunit
set -- /kcpp/kcpp_kunit_*.ko
[ -e "$1" ] || fail "no kcpp_kunit_*.ko in /kcpp"
seen=' '
total=0
failed=0
for ko in "$@"; do
	mod=$(basename "$ko" .ko)
	insmod "$ko" || fail "insmod $mod failed"
	suites=0
	for dir in "$kunit"/kcpp_*; do
		[ -f "$dir/results" ] || continue
		suite=$(basename "$dir")
		case $seen in *" $suite "*) continue ;; esac
		seen="$seen$suite "
		suites=$((suites + 1))
		results=$(cat "$dir/results")
		cases=$(printf '%s\n' "$results" | grep -cE '^ +(not )?ok [0-9]+ ')
		bad=$(printf '%s\n' "$results" | grep -E '^ *not ok |# SKIP')
		echo "kcpp-kunit: $mod: $suite: $cases cases"
		total=$((total + cases))
		if [ -n "$bad" ]; then
			printf '%s\n' "$bad" | sed "s/^ */kcpp-kunit: $suite: /"
			echo "kcpp-kunit: FAIL: suite $suite has failed or skipped cases"
			failed=1
		fi
	done
	[ "$suites" -gt 0 ] || fail "$mod ran no kcpp_* suite"
	rmmod "$mod" || fail "rmmod $mod failed"
done
[ "$failed" = 0 ] || fail "some suites failed (above)"

# kcpp_format's pr_info case: the line must reach the log with the module's prefix.
if [ -e /kcpp/kcpp_kunit_core.ko ]; then
	dmesg | grep -q 'kcpp_kunit_core: kcpp_format: pr_info 42 0xff "str" -ENOMEM' ||
		fail "kcpp_format's pr_info line is not in the kernel log"
fi
# kmemleak only reports objects older than 5 s: let the last tests' allocations age before
# /init scans.
[ -e /sys/kernel/debug/kmemleak ] && sleep 5
echo "kcpp-kunit: all suites passed ($total cases)"
