# Scenario for ./kcpp demo: every kcpp module, loaded and shown working, one section each.
# Kernel log lines appear inline on the console (they are not repeated with dmesg).
set -eu
section() { echo; echo "=== $* ==="; }

section "kcpp_hello: a C++ module with typed, validated parameters"
modinfo kcpp_hello.ko | grep -E '^(description|license|vermagic|parm):'
insmod kcpp_hello.ko greetings=2 whom=demo
echo "sysfs: greetings=$(cat /sys/module/kcpp_hello/parameters/greetings) whom=$(cat /sys/module/kcpp_hello/parameters/whom)"
rmmod kcpp_hello
echo "a bad parameter is refused with a clear error:"
! insmod kcpp_hello.ko greetings=99
