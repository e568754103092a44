# Scenario: the misc device sample. echo_test (tests/qemu/progs/echo_test.c) drives every
# file operation and the error paths; the shell checks the module's parameter and unload.
# progs: tests/qemu/progs/echo_test.c
set -eu
fail() { echo "FAIL: $*"; exit 1; }
insmod kcpp_echo.ko
[ -c /dev/kcpp_echo ] || fail "no /dev/kcpp_echo"
./echo_test || fail "echo_test"
dmesg | grep -q 'kcpp_echo: message of 8192 bytes refused (max_message=4096)' || fail "no log line for the oversized write"
exec 3</dev/kcpp_echo
if rmmod kcpp_echo 2>/dev/null; then fail "unloaded while a file is open"; fi
exec 3<&-
rmmod kcpp_echo
[ ! -e /dev/kcpp_echo ] || fail "device node left behind"
echo "echo scenario: ok"
