# Scenario: the C++ null block driver. Request flow in both directions, the queue limits and
# geometry its parameters ask for, parameter validation, reload with other parameters, and
# unload while idle (kmemleak is checked after the scenario on the debug kernel).
set -eu
fail() { echo "FAIL: $*"; exit 1; }
sysq() { cat "/sys/block/kcppnullb0/queue/$1"; }

insmod kcpp_nullb.ko
[ -b /dev/kcppnullb0 ] || fail "no /dev/kcppnullb0"
[ "$(cat /sys/block/kcppnullb0/size)" = $((250 * 2048)) ] || fail "size $(cat /sys/block/kcppnullb0/size) sectors, want 250 MiB"
[ "$(sysq logical_block_size)" = 512 ] || fail "logical block size $(sysq logical_block_size)"
[ "$(ls -d /sys/block/kcppnullb0/mq/* | wc -l)" = 1 ] || fail "want 1 hardware queue"
echo none > /sys/block/kcppnullb0/queue/scheduler
[ "$(sysq nr_requests)" = 64 ] || fail "nr_requests $(sysq nr_requests), want the depth 64"

# Requests flow: reads and writes of several sizes complete, and the disk counts them.
dd if=/dev/kcppnullb0 of=/dev/null bs=4k count=2000 2>/dev/null || fail "read failed"
dd if=/dev/zero of=/dev/kcppnullb0 bs=64k count=200 oflag=direct 2>/dev/null || fail "direct write failed"
dd if=/dev/kcppnullb0 of=/dev/null bs=512 count=100 iflag=direct 2>/dev/null || fail "512-byte direct read failed"
set -- $(cat /sys/block/kcppnullb0/stat)
[ "$1" -ge 100 ] || fail "read I/Os not counted: $1"
[ "$5" -ge 200 ] || fail "write I/Os not counted: $5"
[ "$9" = 0 ] || fail "$9 I/Os still in flight"
# Past the end there is nothing to read: the block layer stops at the capacity.
[ "$(dd if=/dev/kcppnullb0 bs=512 skip=$((250 * 2048)) count=1 2>/dev/null | wc -c)" = 0 ] ||
	fail "read past the end returned data"
rmmod kcpp_nullb
[ ! -e /sys/block/kcppnullb0 ] || fail "disk left behind after rmmod"

# Other geometry: 4 queues of depth 128, 4 KiB blocks, 1 GiB.
insmod kcpp_nullb.ko queues=4 depth=128 block_size=4096 capacity_mb=1024
[ "$(sysq logical_block_size)" = 4096 ] || fail "logical block size $(sysq logical_block_size), want 4096"
[ "$(sysq physical_block_size)" = 4096 ] || fail "physical block size $(sysq physical_block_size)"
# blk-mq caps hardware queues at the number of CPUs, as for null_blk.
want=4; [ "$(nproc)" -lt 4 ] && want=$(nproc)
[ "$(ls -d /sys/block/kcppnullb0/mq/* | wc -l)" = "$want" ] || fail "want $want hardware queues"
[ "$(cat /sys/block/kcppnullb0/size)" = $((1024 * 2048)) ] || fail "size, want 1 GiB"
echo none > /sys/block/kcppnullb0/queue/scheduler
[ "$(sysq nr_requests)" = 128 ] || fail "nr_requests $(sysq nr_requests), want 128"
dd if=/dev/kcppnullb0 of=/dev/null bs=4k count=1000 iflag=direct 2>/dev/null || fail "read failed"
[ "$(blockdev --getss /dev/kcppnullb0)" = 4096 ] || fail "sector size seen by user space"
rmmod kcpp_nullb

# Bad parameters: refused with EINVAL and a log line, nothing left behind.
for bad in queues=0 queues=65 depth=0 block_size=1000 block_size=8192 capacity_mb=0 depth=abc; do
	if insmod kcpp_nullb.ko "$bad" 2>/tmp/err; then fail "$bad accepted"; fi
	grep -q 'Invalid argument' /tmp/err || fail "$bad: not EINVAL: $(cat /tmp/err)"
	dmesg | grep -q "kcpp_nullb: parameter '${bad%%=*}': invalid value '${bad#*=}'" || fail "$bad: no log line"
done
[ ! -e /sys/block/kcppnullb0 ] || fail "a failed load left a disk behind"
echo "nullb scenario: ok"
