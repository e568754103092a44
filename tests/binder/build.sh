#!/usr/bin/env bash
# Builds the binder test programs into OUTDIR, static, against the 6.12 UAPI headers
# (scripts/binder-uapi.sh):
#   binder_suite    the differential suite (suite/*.c + lib/*.c)
#   binder_suite32  the same suite as a 32-bit program (compat_ioctl), if gcc -m32 can link
#                   static programs here (apt-get install gcc-multilib); otherwise a note
#   binder_fuzz     the fuzzer (fuzz.c + lib/*.c)
# tests/qemu/run.sh runs this for a scenario's `# progs: tests/binder/build.sh` line.
#
# usage: tests/binder/build.sh OUTDIR
set -euo pipefail
source "$(dirname "$0")/../../scripts/common.sh"

out=${1:?usage: tests/binder/build.sh OUTDIR}
mkdir -p "$out"
src=$KCPP_ROOT/tests/binder
uapi=$("$KCPP_ROOT/scripts/binder-uapi.sh")
cflags=(-static -O2 -g -Wall -Wextra -Werror -std=gnu11 -I"$uapi" -I"$src/lib" -pthread)
lib=("$src"/lib/*.c)
suite=("$src"/suite/*.c)

gcc "${cflags[@]}" -o "$out/binder_suite" "${suite[@]}" "${lib[@]}"
gcc "${cflags[@]}" -o "$out/binder_fuzz" "$src/fuzz.c" "${lib[@]}"
if echo 'int main(void){return 0;}' | gcc -m32 -static -x c -o /dev/null - 2>/dev/null; then
	gcc -m32 "${cflags[@]}" -o "$out/binder_suite32" "${suite[@]}" "${lib[@]}"
else
	note "gcc -m32 cannot link static 32-bit programs (apt-get install gcc-multilib): no binder_suite32"
fi
