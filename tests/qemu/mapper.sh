# Scenario: samples/mapper, binder's kernel plumbing in miniature. mapper_test
# (tests/qemu/progs/mapper_test.c) drives mmap'd pages, fd passing and deferred close, task
# and credential facts, binder's nice rules, waits, poll/epoll and the poll-free path; the
# shell checks device registration (EEXIST for a taken name, leaving nothing behind), the
# debugfs files and the deferred release.
# progs: tests/qemu/progs/mapper_test.c
set -eu
fail() { echo "FAIL: $*"; exit 1; }
dbg=/sys/kernel/debug

# Two devices of one name: the second registration fails with EEXIST, the load fails, and
# the first device, its debugfs directory and the module are gone again.
if insmod kcpp_mapper.ko names=kcpp_mapper,kcpp_mapper 2>/tmp/insmod.err; then
	fail "a module with a duplicate device name loaded"
fi
grep -q 'File exists' /tmp/insmod.err || fail "insmod did not fail with EEXIST: $(cat /tmp/insmod.err)"
dmesg | grep -q 'kcpp_mapper: cannot register /dev/kcpp_mapper: -EEXIST' || fail "no log line for the taken name"
[ ! -e /dev/kcpp_mapper ] || fail "device node left behind by the failed load"
[ ! -d $dbg/kcpp_mapper ] || fail "debugfs directory left behind by the failed load"
grep -q '^kcpp_mapper ' /proc/modules && fail "module still loaded"

insmod kcpp_mapper.ko names=kcpp_mapper,kcpp_mapper2
[ -c /dev/kcpp_mapper ] && [ -c /dev/kcpp_mapper2 ] || fail "device nodes missing"
[ -f $dbg/kcpp_mapper/state ] && [ -f $dbg/kcpp_mapper2/state ] || fail "debugfs state files missing"

./mapper_test /dev/kcpp_mapper || fail "mapper_test"

# The per-open debugfs file exists while the file is open, and shows its state.
exec 3</dev/kcpp_mapper2
n=$(ls $dbg/kcpp_mapper2/proc | wc -l)
[ "$n" = 1 ] || fail "expected one proc file, found $n"
grep -q '^owner [0-9]* mapped false size 0 pages 0$' $dbg/kcpp_mapper2/proc/* ||
	fail "proc file: $(cat $dbg/kcpp_mapper2/proc/*)"
if rmmod kcpp_mapper 2>/dev/null; then fail "unloaded while a file is open"; fi
exec 3<&-
# The release is deferred to a workqueue: wait for it.
i=0
while [ -n "$(ls $dbg/kcpp_mapper2/proc)" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
[ -z "$(ls $dbg/kcpp_mapper2/proc)" ] || fail "proc file not removed after the last close"

# Every open was released and cleaned up; flush and vma_close ran.
cat $dbg/kcpp_mapper/state
get() { sed -n "s/^$1 //p" $dbg/kcpp_mapper/state; }
[ "$(get opens)" -ge 5 ] || fail "opens $(get opens)"  # mapper_test opens 5 files
[ "$(get opens)" = "$(get releases)" ] || fail "opens $(get opens) != releases $(get releases)"
[ "$(get releases)" = "$(get cleanups)" ] || fail "releases $(get releases) != cleanups $(get cleanups)"
[ "$(get flushes)" -ge "$(get opens)" ] || fail "flushes $(get flushes) < opens"
[ "$(get vma_closes)" -ge 1 ] || fail "vma_close never ran"

rmmod kcpp_mapper
[ ! -e /dev/kcpp_mapper ] && [ ! -e /dev/kcpp_mapper2 ] || fail "device nodes left behind"
[ ! -d $dbg/kcpp_mapper ] || fail "debugfs directory left behind"
echo "mapper scenario: ok"
