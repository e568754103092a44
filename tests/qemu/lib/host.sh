# Guest side of qemu/host-commands.py, sourced by scenarios with a `# host-commands:` line
# (tests/qemu/run.sh puts it in /kcpp/host.sh):
#
#   . /kcpp/host.sh
#   host mark before-unplug        # a marker in the QEMU trace, nothing else
#   host device_del nvme1          # an HMP command from the scenario's allowed list
#
# `host` prints the request as "KCPP-HOST: ..." and each line of the answer as
# "KCPP-HOST-REPLY: ..." on the console, and returns 0 only if the host ran the command
# without an error. It waits for the answer (at most 60 s per line), so whatever the guest
# did before the request happened before the command.
host() {
	echo "KCPP-HOST: $*"
	if [ -z "${kcpp_host_open:-}" ]; then
		[ -c /dev/ttyS1 ] || { echo "KCPP-HOST-REPLY: no /dev/ttyS1"; return 1; }
		stty -F /dev/ttyS1 raw -echo || return 1
		exec 9<>/dev/ttyS1
		kcpp_host_open=1
	fi
	echo "$*" >&9
	while IFS= read -r -t 60 kcpp_host_line <&9; do
		case $kcpp_host_line in
		"KCPP-HOST-DONE "*)
			echo "KCPP-HOST-REPLY: rc ${kcpp_host_line#KCPP-HOST-DONE }"
			return "${kcpp_host_line#KCPP-HOST-DONE }" ;;
		*) echo "KCPP-HOST-REPLY: $kcpp_host_line" ;;
		esac
	done
	echo "KCPP-HOST-REPLY: no answer from the host"
	return 1
}
