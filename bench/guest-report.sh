# Sourced by the benchmarks' guest scripts (bench/guest.sh, bench/binder-guest.sh): what the
# host side (bench/benchlib.py) reads about the booted system before the measured runs.
# report_system MODULES: the clocksource, the CPU count, the loaded modules, the kernel's
# symbols when SYMS=all (per-function attribution; slow: reading kallsyms costs billions of
# guest instructions) and where the text of each of MODULES (the drivers measured) is.
report_system() {
	echo "KCPP-BENCH-CLOCKSOURCE $(cat /sys/devices/system/clocksource/clocksource0/current_clocksource)"
	echo "KCPP-BENCH-CPUS $(nproc)"
	sed 's/^/KCPP-BENCH-MODULE /' /proc/modules
	if [ "${SYMS:-}" = all ]; then
		echo KCPP-BENCH-KALLSYMS-BEGIN
		gzip -1 -c /proc/kallsyms | base64
		echo KCPP-BENCH-KALLSYMS-END
	fi
	# Its size comes from the .ko files on the host.
	for m in $1; do
		for s in /sys/module/$m/sections/.text*; do echo "KCPP-BENCH-SECTION $m ${s##*/} $(cat "$s")"; done
	done
}
