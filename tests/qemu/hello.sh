# Scenario: the sample module loads with parameters, shows them in sysfs, accepts a valid
# write to a writable parameter, rejects bad values with EINVAL/ENOSPC and a log line, and
# unloads cleanly (kmemleak, on the debug kernel, is checked after the scenario).
set -eu
fail() { echo "FAIL: $*"; exit 1; }
expect_log() { dmesg | grep -q "$1" || fail "no log line matching '$1'"; }

insmod kcpp_hello.ko greetings=3 whom=kcpp
expect_log 'kcpp_hello: hello, kcpp! (3)'
[ "$(cat /sys/module/kcpp_hello/parameters/greetings)" = 3 ] || fail "greetings not 3 in sysfs"
[ "$(cat /sys/module/kcpp_hello/parameters/whom)" = kcpp ] || fail "whom not kcpp in sysfs"
echo Y > /sys/module/kcpp_hello/parameters/shout
[ "$(cat /sys/module/kcpp_hello/parameters/shout)" = Y ] || fail "shout not writable"
if echo maybe > /sys/module/kcpp_hello/parameters/shout 2>/dev/null; then fail "bad bool accepted"; fi
rmmod kcpp_hello
expect_log 'kcpp_hello: goodbye after 3 greetings'

if insmod kcpp_hello.ko greetings=0 2>/tmp/err; then fail "greetings=0 accepted"; fi
grep -q 'Invalid argument' /tmp/err || fail "greetings=0: not EINVAL: $(cat /tmp/err)"
expect_log "kcpp_hello: parameter 'greetings': invalid value '0' (-22)"
if insmod kcpp_hello.ko greetings=12abc 2>/tmp/err; then fail "greetings=12abc accepted"; fi
grep -q 'Invalid argument' /tmp/err || fail "greetings=12abc: not EINVAL"
if insmod kcpp_hello.ko whom=a-name-much-longer-than-thirty-one-bytes 2>/tmp/err; then fail "long whom accepted"; fi
grep -q 'No space left' /tmp/err || fail "long whom: not ENOSPC: $(cat /tmp/err)"
[ ! -d /sys/module/kcpp_hello ] || fail "a failed load left the module behind"

insmod kcpp_hello.ko
expect_log 'kcpp_hello: hello, world! (1)'
rmmod kcpp_hello
echo "hello scenario: ok"
