# Scenario: a quick end-to-end check of kcpp_binder (tests/qemu/progs/binder_smoke.c: a call,
# a one-way message, passing a node, a death notification, dead and failed replies with their
# extended errors), run first against the kernel's C driver (binder_linux) so the program
# itself is checked, then against kcpp_binder, in one boot; then kcpp_binder unloads.
# The full differential suite is the `binder` scenario.
# kmods: binder_linux
# progs: tests/qemu/progs/binder_smoke.c
set -eu
fail() { echo "FAIL: $*"; exit 1; }
modprobe binder_linux devices=binder_c || fail "modprobe binder_linux"
./binder_smoke /dev/binder_c || fail "binder_smoke on the C driver"
insmod kcpp_binder.ko devices=kcpp_binder,kcpp_binder2 || fail "insmod kcpp_binder.ko"
[ -c /dev/kcpp_binder ] && [ -c /dev/kcpp_binder2 ] || fail "no /dev/kcpp_binder{,2}"
./binder_smoke /dev/kcpp_binder || fail "binder_smoke on kcpp_binder"
./binder_smoke /dev/kcpp_binder2 || fail "binder_smoke on kcpp_binder2"
# A name already taken: loading fails cleanly with EEXIST.
rmmod kcpp_binder || fail "rmmod kcpp_binder"
if insmod kcpp_binder.ko devices=binder_c 2>/tmp/err; then fail "devices=binder_c accepted"; fi
grep -q "File exists" /tmp/err || { cat /tmp/err; fail "not EEXIST"; }
insmod kcpp_binder.ko || fail "insmod with the default devices"
[ -c /dev/binder ] || fail "no /dev/binder"
./binder_smoke /dev/binder || fail "binder_smoke on /dev/binder"
rmmod kcpp_binder || fail "rmmod kcpp_binder"
echo "binder_smoke scenario: ok"
