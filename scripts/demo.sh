#!/usr/bin/env bash
# The main job: builds every module for the newest Debian 6.12 kernel, boots that kernel in
# QEMU with them, and shows each one working (tests/qemu/demo.sh is the guest side). Prints
# the guest's transcript; exits non-zero if anything in the guest failed.
set -euo pipefail
source "$(dirname "$0")/common.sh"

"$KCPP_ROOT/scripts/build-modules.sh" --kernel debian
"$KCPP_ROOT/scripts/check-modinfo.sh" debian
status=0
"$KCPP_ROOT/tests/qemu/run.sh" demo debian --timeout 180 || status=$?
echo "---- guest transcript ($KCPP_BUILD/qemu/demo-debian.log) ----"
sed -n '/KCPP-INIT-START/,/KCPP-SCENARIO-RESULT/p' "$KCPP_BUILD/qemu/demo-debian.log" | sed -E 's/^\[ *[0-9.]+\] //'
exit "$status"
