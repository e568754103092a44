# Scenario: differential test of the Asix PHY driver. Every scenario runs once with the
# kernel's C driver (ax88796b.ko) and once with kcpp's (kcpp_ax88796b.ko), never both loaded,
# against the register-level PHY model kcpp_test_axmodel.ko (tests/phy/model/axmodel.c), for
# each of the three PHY IDs. Each scenario's MDIO trace, phylib status (and ethtool output
# where taken) is printed between
#   KCPP-PHY-BEGIN driver=<c|kcpp> phy=<id> scenario=<name> ... KCPP-PHY-END
# and tests/phy/diff_traces.py LOG requires the c and kcpp blocks to be identical:
#   tests/qemu/run.sh phy debian --timeout 300 && python3 tests/phy/diff_traces.py build/qemu/phy-debian.log
# This script itself checks the outcomes that do not depend on the driver (link, speed,
# bound driver, rmmod refused while attached, error state after MDIO errors).
#
# A/A mode (determinism check): kernel argument kcpp.phy_passes=c,c2 runs the C driver twice
# (the second pass labelled c2):
#   tests/qemu/run.sh phy debian --as phy-aa --timeout 300 --append kcpp.phy_passes=c,c2
#   python3 tests/phy/diff_traces.py build/qemu/phy-aa-debian.log --drivers c c2
#
# kmods: ax88796b
# bins: /usr/sbin/ethtool
set -u

D=/sys/kernel/debug/axmodel
SYS=/sys/bus/mdio_bus/devices/axmodel-mii:01
BLOCKS=/tmp/phy-blocks
MODEL=/kcpp/kcpp_test_axmodel.ko
KCPP_DRIVER=/kcpp/kcpp_ax88796b.ko
nfail=0 NOTE=
: >"$BLOCKS"

fail() { echo "FAIL: $*"; nfail=$((nfail + 1)); }
ctl() { # FILE VALUE: a control write; failure is a test failure
	echo "$2" >"$D/$1" || fail "$PASS/$ID/$SCEN: write '$2' to $1 failed"
}
st() { sed -n "s/^$1: //p" "$D/status"; }
expect() { # FIELD VALUE
	v=$(st "$1")
	[ "$v" = "$2" ] || fail "$PASS/$ID/$SCEN: $1 is '$v', want '$2'"
}
expect_link() { # LINK [SPEED DUPLEX]
	expect link "$1"
	[ $# -lt 3 ] || { expect speed "$2"; expect duplex "$3"; }
}
begin() { SCEN=$1; echo "phy: $PASS $ID $SCEN"; }
dump() { # [ETHTOOL-OUTPUT-FILE]: record the trace and status of scenario $SCEN, clear the trace
	{
		echo "KCPP-PHY-BEGIN driver=$PASS phy=$ID scenario=$SCEN"
		cat "$D/trace"
		echo "--- status"
		cat "$D/status"
		[ -z "$NOTE" ] || echo "--- note: $NOTE"
		if [ -n "${1:-}" ]; then
			echo "--- ethtool"
			cat "$1"
		fi
		echo "KCPP-PHY-END"
	} >>"$BLOCKS"
	echo clear >"$D/trace"
	NOTE=
}
run_ethtool() { ethtool axm0 >/tmp/ethtool.out 2>&1 || fail "$PASS/$ID/$SCEN: ethtool axm0 failed: $(cat /tmp/ethtool.out)"; }
has() { grep -q "$1" /tmp/ethtool.out || fail "$PASS/$ID/$SCEN: ethtool axm0 lacks '$1'"; }

modname() { case $1 in kcpp) echo kcpp_ax88796b ;; *) echo ax88796b ;; esac; }
load_driver() {
	case $PASS in
	kcpp) insmod "$KCPP_DRIVER" ;;
	*) modprobe ax88796b ;;
	esac || { fail "$PASS: loading the driver failed"; return 1; }
	n=$(grep -c -e '^ax88796b ' -e '^kcpp_ax88796b ' /proc/modules)
	[ "$n" = 1 ] || fail "$PASS: $n Asix PHY drivers loaded: $(grep ax88796b /proc/modules)"
}
unload_driver() { rmmod "$(modname "$PASS")" || fail "$PASS: rmmod $(modname "$PASS") failed"; }
bound_driver() { [ -e "$SYS/driver" ] && basename "$(readlink "$SYS/driver")" || echo none; }

# One PHY variant: model loaded, all scenarios, model unloaded. The driver stays loaded.
variant() { # ID DRIVER-NAME
	ID=$1 want=$2
	SCEN=probe
	insmod "$MODEL" phy_id="$ID" || { fail "$PASS/$ID: insmod model failed"; return; }

	begin probe
	[ "$(bound_driver)" = "$want" ] || fail "$PASS/$ID: sysfs driver is '$(bound_driver)', want '$want'"
	expect driver "$want"
	expect state READY
	run_ethtool
	has 'Supported link modes:.*10baseT/Half 10baseT/Full'
	has '100baseT/Half 100baseT/Full'
	has 'Supports auto-negotiation: Yes'
	has 'PHYAD: 1'
	has 'Link detected: no'
	dump /tmp/ethtool.out

	begin up
	ip link set axm0 up || fail "$PASS/$ID: ip link set axm0 up failed"
	ctl settle 1
	expect state NOLINK
	expect_link 0
	dump

	begin an-100full
	ctl partner 0x05e1
	ctl link up
	expect state RUNNING
	expect_link 1 100 Full
	run_ethtool
	has 'Speed: 100Mb/s'
	has 'Duplex: Full'
	has 'Link detected: yes'
	grep -E 'Speed:|Duplex:|Link detected:' /tmp/ethtool.out | sed "s/^/phy: $PASS $ID ethtool: /"
	dump /tmp/ethtool.out

	begin link-loss
	ctl link down
	expect state NOLINK
	expect_link 0
	dump

	begin link-recovery
	ctl link up
	expect state RUNNING
	expect_link 1 100 Full
	dump

	begin an-10half
	ctl link down
	ctl partner 0x0021
	ctl link up
	expect_link 1 10 Half
	dump

	begin lpa-zero
	ctl link down
	ctl partner 0x05e1
	ctl lpa_zero 1
	ctl link up
	expect link 1
	# Only the AX88772A driver takes speed and duplex from BMCR when LPA reads 0.
	[ "$ID" != 0x003b1861 ] || expect_link 1 100 Full
	run_ethtool
	dump /tmp/ethtool.out

	begin lpa-zero-off
	ctl lpa_zero 0
	ctl link down
	ctl link up
	expect_link 1 100 Full
	dump

	begin pm
	ctl pm suspend
	case $ID in 0x003b1841) expect suspended 0 ;; *) expect suspended 1 ;; esac
	ctl pm resume
	expect suspended 0
	ctl link up
	expect_link 1 100 Full
	dump

	begin pm-bus
	# The MDIO bus's system-sleep callbacks (stop machine, suspend; init_hw, resume, start
	# machine); absent without CONFIG_PM_SLEEP (the debug kernel).
	if echo bus-suspend >"$D/pm" 2>/dev/null; then
		ctl pm bus-resume
		expect_link 1 100 Full
	else
		NOTE="bus PM callbacks not supported by this kernel"
	fi
	dump

	begin reset
	ctl reset 1
	ctl link up
	expect_link 1 100 Full
	dump

	begin down-up
	ip link set axm0 down || fail "$PASS/$ID: ip link set axm0 down failed"
	ctl settle 1
	expect state HALTED
	expect link 0
	ip link set axm0 up || fail "$PASS/$ID: ip link set axm0 up failed"
	ctl settle 1
	expect state RUNNING
	expect_link 1 100 Full
	dump

	begin rmmod-busy
	mod=$(modname "$PASS")
	if rmmod "$mod" 2>/tmp/rmmod.err; then
		fail "$PASS/$ID: rmmod $mod succeeded while the PHY was attached"
		load_driver
	else
		grep -q -e 'Resource temporarily unavailable' -e 'in use' /tmp/rmmod.err ||
			fail "$PASS/$ID: rmmod $mod: unexpected error: $(cat /tmp/rmmod.err)"
	fi
	ctl attach 0
	expect attached 0
	if rmmod "$mod"; then
		expect driver none
		[ "$(bound_driver)" = none ] || fail "$PASS/$ID: still bound to '$(bound_driver)' after rmmod"
		load_driver
	else
		fail "$PASS/$ID: rmmod $mod failed after detaching"
	fi
	[ "$(bound_driver)" = "$want" ] || fail "$PASS/$ID: after reload, sysfs driver is '$(bound_driver)'"
	ctl attach 1
	expect attached 1
	expect state RUNNING
	expect_link 1 100 Full
	dump

	begin mdio-error
	ctl fail "read 01 1000"
	ctl link up
	expect state ERROR
	expect link 0
	ctl fail 0
	dump

	ip link set axm0 down || fail "$PASS/$ID: ip link set axm0 down (after the error) failed"
	rmmod kcpp_test_axmodel || fail "$PASS/$ID: rmmod kcpp_test_axmodel failed"
	[ ! -e "$SYS" ] || fail "$PASS/$ID: $SYS still there after rmmod"
}

# The model's control files reject bad input with an error and no kernel report. Run with no
# Asix driver loaded (phylib attaches its generic driver), so it also covers the model
# without a driver bound (after `attach 0` genphy lets go of the PHY).
robustness() {
	PASS=model ID=0x003b1861 SCEN=robustness
	echo "phy: model robustness"
	insmod "$MODEL" || { fail "robustness: insmod model failed"; return; }
	expect driver "Generic PHY"
	long=$(printf '%080d' 0)
	for spec in "link:" "link:sideways" "link:up down" "link:$long" "partner:xyz" \
		"partner:0x10000" "lpa_zero:2" "lpa_zero:-1" "fail:read" "fail:read 20 1" \
		"fail:read zz 1" "fail:frob 01 1" "fail:read all x" "pm:hibernate" "reset:2" \
		"attach:2" "settle:0" "trace:foo" "trace:$long"; do
		file=${spec%%:*} val=${spec#*:}
		if echo "$val" >"$D/$file" 2>/tmp/bad.err; then
			fail "robustness: '$val' > $file accepted"
		elif ! grep -q 'Invalid argument' /tmp/bad.err; then
			fail "robustness: '$val' > $file: not EINVAL: $(cat /tmp/bad.err)"
		fi
	done
	if echo 1 >"$D/attach" 2>/tmp/bad.err; then fail "robustness: attach 1 while attached accepted"; fi
	grep -q 'busy' /tmp/bad.err || fail "robustness: attach 1 while attached: $(cat /tmp/bad.err)"
	ctl fail "write 00 2"
	if echo suspend >"$D/pm" 2>/dev/null; then fail "robustness: pm suspend with failing BMCR writes succeeded"; fi
	ctl fail 0
	grep -q '^W 00 [0-9a-f]* -5$' "$D/trace" || fail "robustness: no failed write in the trace"
	ctl fail "read all 3"
	ctl link up
	ctl fail 0
	ctl attach 0
	ctl attach 0
	expect driver none
	ctl pm suspend
	ctl pm resume
	ctl reset 1
	ctl link down
	ctl settle 1
	cat "$D/status" >/dev/null && cat "$D/trace" >/dev/null || fail "robustness: reading status/trace failed"
	ctl attach 1
	expect driver "Generic PHY"
	ip link set axm0 up && ctl link up && ip link set axm0 down || fail "robustness: generic PHY up/down failed"
	rmmod kcpp_test_axmodel || fail "robustness: rmmod kcpp_test_axmodel failed"
	insmod "$MODEL" phy_id=0x12345678 || fail "robustness: insmod model with an unknown ID failed"
	expect driver "Generic PHY"
	rmmod kcpp_test_axmodel || fail "robustness: rmmod kcpp_test_axmodel (unknown ID) failed"
}

# --- main
# phylib asks for a driver module (request_module "mdio:...") when the PHY appears: that
# would load the C driver during the kcpp pass. Each pass loads its driver itself.
echo /bin/true >/proc/sys/kernel/modprobe
modprobe libphy 2>/dev/null || true # Debian: PHYLIB=m; debug kernel: built in
[ -d /sys/bus/mdio_bus ] || { echo "FAIL: no MDIO bus support (libphy)"; exit 1; }

robustness

passes="c kcpp"
for arg in $(cat /proc/cmdline); do
	case $arg in kcpp.phy_passes=*) passes=$(echo "${arg#*=}" | tr ',' ' ') ;; esac
done

for PASS in $passes; do
	ID=- SCEN=load
	if [ "$PASS" = kcpp ] && [ ! -f "$KCPP_DRIVER" ]; then
		fail "kcpp pass skipped: $KCPP_DRIVER not built"
		continue
	fi
	load_driver || continue
	variant 0x003b1861 "Asix Electronics AX88772A"
	variant 0x003b1881 "Asix Electronics AX88772C"
	variant 0x003b1841 "Asix Electronics AX88796B"
	unload_driver
done

# The blocks, printed with the console quiet so no kernel line lands inside one (kernel lines
# printed meanwhile are replayed from dmesg right after).
level=$(cut -f1 /proc/sys/kernel/printk)
lines=$(dmesg | wc -l)
dmesg -n 1
cat "$BLOCKS"
dmesg -n "$level"
dmesg | tail -n +$((lines + 1))

echo "phy scenario: $(grep -c '^KCPP-PHY-BEGIN' "$BLOCKS") blocks, $nfail failure(s)"
[ "$nfail" = 0 ]
