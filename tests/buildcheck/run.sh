#!/usr/bin/env bash
# Builds one tests/buildcheck/cases/NAME.cpp through the real Kbuild rule and checks the
# outcome: the control case (expect: OK) must build; every other case must FAIL with its
# expected message, proving the build check can fail. Compile-level cases build just the
# object; "link: yes" cases build the whole module (modpost, objtool on the linked module).
# A case with a "rebuild:" line is built once as it is (which must succeed), then that line is
# appended to it and the checked build is a rebuild in the same directory.
#
# usage: tests/buildcheck/run.sh NAME [--kernel debian|debug]
set -euo pipefail
source "$(dirname "$0")/../../scripts/common.sh"
source "$KCPP_ROOT/qemu/kernel.sh"

name=${1:?usage: run.sh NAME [--kernel debian|debug]}
kind=debian
[[ ${2:-} == --kernel ]] && kind=${3:?--kernel needs debian or debug}
case_src=$KCPP_ROOT/tests/buildcheck/cases/$name.cpp
[[ -f $case_src ]] || die "no such case: $case_src"
kcpp_kernel_resolve "$kind"

expect=$(sed -n 's|^// expect: ||p' "$case_src")
cxxflags=$(sed -n 's|^// cxxflags: ||p' "$case_src")
link=$(sed -n 's|^// link: ||p' "$case_src")
rebuild=$(sed -n 's|^// rebuild: ||p' "$case_src")

dir=$KCPP_BUILD/buildcheck/$kind/$name
rm -rf "$dir"
mkdir -p "$dir"
cp "$case_src" "$dir/case_$name.cpp"
cat >"$dir/Kbuild" <<KBUILD
KCPP_ROOT := $KCPP_ROOT
include \$(KCPP_ROOT)/scripts/kbuild/kcpp.mk
obj-m += bc_$name.o
bc_$name-y := case_$name.o \$(call kcpp-objs,bc_$name,core)
CXXFLAGS_case_$name.o := $cxxflags
KBUILD

target=$([[ $link == yes ]] && echo modules || echo "case_$name.o")
if [[ -n $rebuild ]]; then
	make -C "$KCPP_K_BUILD" M="$dir" -j"$(nproc)" "$target" >"$dir/first-build.log" 2>&1 ||
		{ tail -n 30 "$dir/first-build.log" >&2; die "$name: the first build, before the edit, failed"; }
	echo "$rebuild" >>"$dir/case_$name.cpp"
fi
set +e
make -C "$KCPP_K_BUILD" M="$dir" -j"$(nproc)" "$target" >"$dir/build.log" 2>&1
status=$?
set -e

if [[ $expect == OK ]]; then
	((status == 0)) || { tail -n 30 "$dir/build.log" >&2; die "$name: the control case failed to build"; }
	echo "buildcheck $name: builds, as it should"
	exit 0
fi
((status != 0)) || { tail -n 30 "$dir/build.log" >&2; die "$name: built, but the build check should have rejected it"; }
grep -Eq -- "$expect" "$dir/build.log" ||
	{ tail -n 30 "$dir/build.log" >&2; die "$name: failed, but without the expected message /$expect/"; }
echo "buildcheck $name: rejected as expected: $(grep -Em1 -- "$expect" "$dir/build.log")"
