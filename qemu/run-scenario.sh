#!/usr/bin/env bash
# Boots one scenario initramfs (from qemu/mkinitramfs.sh) under QEMU TCG and judges it.
#
# usage: qemu/run-scenario.sh --kernel debian|debug --name NAME --initrd FILE
#            [--timeout SECONDS (120)] [--smp N (2)] [--mem MB (1024)] [--append "CMDLINE"]
#            [--allow FILE]... [--qemu-arg ARG]...
#            [--trace PATTERN]... [--host-commands "CMD..."] [--host-check "COMMAND"]...
#
# Console log: $KCPP_BUILD/qemu/NAME.log. Pass = the log has "KCPP-SCENARIO-RESULT: pass" and
# qemu/check-log.py finds no unallowed kernel report. A boot that dies before user space
# (no KCPP-INIT-START; e.g. the ~1-in-35 "Oops: int3" code-patching race of TCG with 2 vCPUs)
# is retried once, said so on stdout, and counted in $KCPP_BUILD/qemu/NAME.retries; the dead
# boot's log is kept as NAME.log.died. Exit 0 on pass, 1 on fail, 2 on usage errors.
#
# Host side of a scenario (docs/testing.md):
#   --trace PATTERN    enables QEMU trace events matching PATTERN (e.g. 'pci_nvme_err_*'),
#                      written to $KCPP_BUILD/qemu/NAME.trace (with monitor_qmp_cmd_in_band,
#                      which records the guest's host requests as markers)
#   --host-commands    a channel for the guest (ttyS1, tests/qemu/lib/host.sh) to ask the host
#                      for QEMU monitor commands, only those named (e.g. "device_del"), plus
#                      markers; qemu/host-commands.py runs them over QMP, logs in NAME.host
#   --host-check CMD   runs CMD (bash, in the checkout) after QEMU exits, with KCPP_LOG,
#                      KCPP_TRACE and KCPP_HOST_LOG set; a nonzero exit fails the run
set -euo pipefail
# shellcheck source=scripts/common.sh
source "$(dirname "$0")/../scripts/common.sh"
# shellcheck source=qemu/kernel.sh
source "$KCPP_ROOT/qemu/kernel.sh"

usage() { sed -n '/^# usage:/,/^#$/s/^# \{0,1\}//p' "$0" >&2; exit 2; }

kind='' name='' initrd='' timeout_s=120 smp=2 mem=1024 append=''
allows=() qemu_args=()
traces=() host_cmds='' host_checks=() use_host=''
while (($#)); do
	case $1 in
	--kernel) kind=${2:?}; shift 2 ;;
	--name) name=${2:?}; shift 2 ;;
	--initrd) initrd=${2:?}; shift 2 ;;
	--timeout) timeout_s=${2:?}; shift 2 ;;
	--smp) smp=${2:?}; shift 2 ;;
	--mem) mem=${2:?}; shift 2 ;;
	--append) append=${2?}; shift 2 ;;
	--allow) allows+=(--allow "${2:?}"); shift 2 ;;
	--qemu-arg) qemu_args+=("${2?}"); shift 2 ;;
	--trace) traces+=("${2:?}"); shift 2 ;;
	--host-commands) host_cmds=${2?} use_host=1; shift 2 ;;
	--host-check) host_checks+=("${2:?}"); shift 2 ;;
	-h | --help) usage ;;
	*) note "unknown argument: $1"; usage ;;
	esac
done
[[ -n $kind && -n $name && -n $initrd ]] || usage
[[ $name =~ ^[A-Za-z0-9._-]+$ ]] || die "--name must be a plain file name, not '$name'"
[[ -f $initrd ]] || die "initramfs $initrd not found"
[[ $timeout_s =~ ^[0-9]+$ && $smp =~ ^[0-9]+$ && $mem =~ ^[0-9]+$ ]] || die "--timeout, --smp and --mem take numbers"

kcpp_kernel_resolve "$kind"

logdir=$KCPP_BUILD/qemu
log=$logdir/$name.log
mkdir -p "$logdir"
rm -f "$log" "$log.died"

# --- host side: trace file, monitor channel (see the header)
trace=$logdir/$name.trace host_log=$logdir/$name.host
rm -f "$trace" "$host_log"
host_args=()
if ((${#traces[@]})); then
	for t in "${traces[@]}" monitor_qmp_cmd_in_band; do host_args+=(-trace "enable=$t"); done
	host_args+=(-D "$trace")
fi
sockdir=''
if [[ -n $use_host ]]; then
	# Unix socket paths are short (108 bytes): not under the build tree.
	sockdir=$(mktemp -d /tmp/kcpp-host.XXXXXX)
	trap 'rm -rf "$sockdir"' EXIT
	# ttyS1: a second serial port needs the first one named too (what -nographic gives).
	host_args+=(-qmp "unix:$sockdir/qmp,server=on,wait=off"
		-chardev "socket,id=kcpphost,path=$sockdir/serial,server=on,wait=off"
		-serial mon:stdio -serial chardev:kcpphost)
fi

# Boots once into $log; sets boot_rc (qemu's, or 124 on timeout) and boot_secs.
boot() {
	local start=$SECONDS watcher=''
	boot_rc=0
	[[ -z ${traces[*]} ]] || : >"$trace"
	if [[ -n $use_host ]]; then
		rm -f "$sockdir/qmp" "$sockdir/serial"
		python3 "$KCPP_ROOT/qemu/host-commands.py" --qmp "$sockdir/qmp" --serial "$sockdir/serial" \
			--log "$host_log" --allow "$host_cmds" &
		watcher=$!
	fi
	timeout --kill-after=10 "$timeout_s" qemu-system-x86_64 \
		-M q35 -cpu max -smp "$smp" -m "$mem" -nographic -no-reboot \
		-kernel "$KCPP_K_IMAGE" -initrd "$initrd" \
		-append "console=ttyS0 panic=-1 nokaslr${append:+ $append}" \
		${host_args[@]+"${host_args[@]}"} \
		${qemu_args[@]+"${qemu_args[@]}"} </dev/null >"$log" 2>&1 || boot_rc=$?
	boot_secs=$((SECONDS - start))
	if [[ -n $watcher ]]; then
		# It ends by itself when QEMU's sockets close; never left behind.
		kill "$watcher" 2>/dev/null || true
		wait "$watcher" 2>/dev/null || true
	fi
}

retries=0
boot
if ! grep -q 'KCPP-INIT-START' "$log" && ((boot_rc == 0 || boot_rc == 124)); then
	# qemu itself failing (other exit codes) is not a guest boot death: no retry for it.
	mv "$log" "$log.died"
	retries=1
	echo "kcpp: $name: boot died before user space, retried (1 retry); first boot's log: $log.died"
	grep -m 3 -E 'Oops|Kernel panic|BUG:' "$log.died" | sed 's/^/kcpp:     /' || true
	boot
fi
printf '%s\n' "$retries" >"$logdir/$name.retries"

status="${KCPP_K_RELEASE}, ${boot_secs} s"
tail_log() { tail -n 30 "$log" | sed 's/^/    /' >&2; }
if ((boot_rc == 124 || boot_rc == 137)); then
	echo "kcpp: $name: FAIL: timed out after ${timeout_s} s ($status, log $log); last 30 lines:" >&2
	tail_log
	exit 1
fi
if ((boot_rc != 0)); then
	echo "kcpp: $name: FAIL: qemu exited with status $boot_rc ($status, log $log); last 30 lines:" >&2
	tail_log
	exit 1
fi

fail=''
result=$(grep -ao 'KCPP-SCENARIO-RESULT: .*' "$log" | tail -n 1 | tr -d '\r' || true)
case $result in
"KCPP-SCENARIO-RESULT: pass") ;;
"") if grep -q 'KCPP-INIT-START' "$log"; then
	fail='no KCPP-SCENARIO-RESULT line (the guest died during the scenario)'
else
	fail="boot died before user space$( ((retries)) && echo ', again after the retry')"
fi ;;
*) fail="scenario ${result#KCPP-SCENARIO-RESULT: }" ;;
esac
if [[ -n $fail ]]; then
	echo "kcpp: $name: FAIL: $fail ($status, log $log); last 30 lines:" >&2
	tail_log
fi
if ! check=$(python3 "$KCPP_ROOT/qemu/check-log.py" "$log" ${allows[@]+"${allows[@]}"}); then
	printf '%s\n' "$check" >&2
	[[ -n $fail ]] || echo "kcpp: $name: FAIL: kernel report(s) in the log ($status, log $log)" >&2
	exit 1
fi
[[ -z $fail ]] || exit 1
for check in ${host_checks[@]+"${host_checks[@]}"}; do
	if ! (cd "$KCPP_ROOT" && KCPP_LOG=$log KCPP_TRACE=$trace KCPP_HOST_LOG=$host_log bash -c "$check") >&2; then
		echo "kcpp: $name: FAIL: host check failed: $check ($status, log $log, trace $trace)" >&2
		exit 1
	fi
done
echo "kcpp: $name: pass ($status$( ((retries)) && echo ", $retries retry"))"
