#!/usr/bin/env bash
# Runs one QEMU scenario, tests/qemu/NAME.sh, on one kernel with every kcpp module built for
# that kernel (build/modules/KIND/*.ko, in /kcpp of the guest). An allow-list
# tests/qemu/NAME.allow, if present, lists kernel reports the scenario expects (each with
# the reason). Scenario lines `# kmods: NAME...` add the kernel's own modules (with their
# dependencies), `# bins: PATH...` host programs with their libraries (mkinitramfs --bin),
# `# progs: FILE.c...` test programs, compiled static here and put in /kcpp (an entry
# naming a build script, `DIR/SCRIPT.sh`, is run as `SCRIPT.sh OUTDIR` instead and every file
# it leaves in OUTDIR goes to /kcpp: for programs of several files, e.g. tests/binder/build.sh),
# `# qemu: ARG...` extra QEMU arguments (e.g. devices), `# images: NAME=SIZE...` fresh sparse
# disk images (build/qemu/RUN-KIND-NAME.img) that QEMU arguments name as @NAME@. Extra
# arguments go to
# qemu/run-scenario.sh (e.g. --timeout 60, --append pci=nomsi); `--as RUN` first names a
# variant run (its log is build/qemu/RUN-KIND.log).
# Host side (qemu/run-scenario.sh): `# trace: PATTERN...` QEMU trace events, written to
# build/qemu/RUN-KIND.trace; `# host-commands: [CMD...]` lets the guest ask the host for
# markers and those QEMU monitor commands (`. /kcpp/host.sh; host device_del ID`, see
# tests/qemu/lib/host.sh); `# host-check: COMMAND` runs on the host after QEMU exits
# (KCPP_LOG, KCPP_TRACE, KCPP_HOST_LOG set), its failure fails the run.
#
# usage: tests/qemu/run.sh NAME debian|debug [--as RUN] [run-scenario options...]
set -euo pipefail
source "$(dirname "$0")/../../scripts/common.sh"

name=${1:?usage: tests/qemu/run.sh NAME debian|debug}
kind=${2:?usage: tests/qemu/run.sh NAME debian|debug}
shift 2
run_name=$name
if [[ ${1:-} == --as ]]; then
	run_name=${2:?--as needs a name}
	shift 2
fi
scenario=$KCPP_ROOT/tests/qemu/$name.sh
[[ -f $scenario ]] || die "no scenario $scenario"
modules=$KCPP_BUILD/modules/$kind
compgen -G "$modules/*.ko" >/dev/null || die "no modules in $modules: build them first (scripts/build-modules.sh --kernel $kind)"

args=(--kernel "$kind" --script "$scenario" --out "$KCPP_BUILD/qemu/$run_name-$kind.cpio.gz")
for ko in "$modules"/*.ko; do args+=(--file "$ko"); done
while read -r kmod; do
	[[ -n $kmod ]] && args+=(--kmod "$kmod")
done < <(sed -n 's/^# kmods: //p' "$scenario" | tr ' ' '\n')
while read -r bin; do
	[[ -n $bin ]] && args+=(--bin "$bin")
done < <(sed -n 's/^# bins: //p' "$scenario" | tr ' ' '\n')
mkdir -p "$KCPP_BUILD/qemu/progs"
for prog in $(sed -n 's/^# progs: //p' "$scenario"); do
	if [[ $prog == *.sh ]]; then
		outdir=$KCPP_BUILD/qemu/progs/$run_name-$kind-$(dirname "$prog" | tr / _)
		rm -rf "$outdir"
		mkdir -p "$outdir"
		"$KCPP_ROOT/$prog" "$outdir" || die "$prog failed"
		for bin in "$outdir"/*; do args+=(--file "$bin"); done
		continue
	fi
	bin=$KCPP_BUILD/qemu/progs/$(basename "${prog%.c}")
	gcc -static -O2 -Wall -Wextra -Werror -o "$bin" "$KCPP_ROOT/$prog" || die "cannot build $prog"
	args+=(--file "$bin")
done
host_cmds=$(sed -n 's/^# host-commands:[[:space:]]*//p' "$scenario")
grep -q '^# host-commands:' "$scenario" && args+=(--file "$KCPP_ROOT/tests/qemu/lib/host.sh")
"$KCPP_ROOT/qemu/mkinitramfs.sh" "${args[@]}" >/dev/null

run=(--kernel "$kind" --name "$run_name-$kind" --initrd "$KCPP_BUILD/qemu/$run_name-$kind.cpio.gz")
[[ -f $KCPP_ROOT/tests/qemu/$name.allow ]] && run+=(--allow "$KCPP_ROOT/tests/qemu/$name.allow")
grep -q '^# host-commands:' "$scenario" && run+=(--host-commands "$host_cmds")
while read -ra patterns; do
	for t in ${patterns[@]+"${patterns[@]}"}; do run+=(--trace "$t"); done
done < <(sed -n 's/^# trace: //p' "$scenario")
while IFS= read -r check; do
	run+=(--host-check "$check")
done < <(sed -n 's/^# host-check: //p' "$scenario")
declare -A images=()
for spec in $(sed -n 's/^# images: //p' "$scenario"); do
	img=$KCPP_BUILD/qemu/$run_name-$kind-${spec%%=*}.img
	rm -f "$img"
	truncate -s "${spec#*=}" "$img"
	images[${spec%%=*}]=$img
done
for arg in $(sed -n 's/^# qemu: //p' "$scenario"); do
	for name in "${!images[@]}"; do arg=${arg//@$name@/${images[$name]}}; done
	run+=(--qemu-arg "$arg")
done
exec "$KCPP_ROOT/qemu/run-scenario.sh" "${run[@]}" "$@"
