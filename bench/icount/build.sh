#!/usr/bin/env bash
# Builds the instruction-counting QEMU TCG plugin (bench/icount/icount.c) for the installed
# QEMU and prints the path of the .so. Debian's QEMU loads plugins (-plugin) but ships neither
# plugins nor the plugin header, so the header comes from Debian's qemu source package of the
# installed version, fetched with a private apt configuration (deb-src lines derived from the
# machine's own Debian sources; the system's apt lists and config are not touched).
# Everything fetched or built goes to the cache, keyed by the QEMU package version:
#   $KCPP_CACHE/qemu-plugin/<version>/{qemu-plugin.h,icount.so}
#
# usage: bench/icount/build.sh      (prints the plugin's path on stdout)
set -euo pipefail
source "$(dirname "$0")/../../scripts/common.sh"

qemu_pkg=qemu-system-x86
bin_version=$(dpkg-query -W -f='${Version}' "$qemu_pkg" 2>/dev/null) || die "$qemu_pkg is not installed"
src_version=$(dpkg-query -W -f='${source:Version}' "$qemu_pkg")
src_name=$(dpkg-query -W -f='${source:Package}' "$qemu_pkg")
cache=$KCPP_CACHE/qemu-plugin/${bin_version//[:\/]/_}
header=$cache/qemu-plugin.h
so=$cache/icount.so
src=$KCPP_ROOT/bench/icount/icount.c
mkdir -p "$cache"

if [[ ! -s $header ]]; then
	apt=$cache/apt
	mkdir -p "$apt"/{lists/partial,archives/partial,parts,download}
	# deb-src twins of the system's enabled Debian "deb" entries (one-line and deb822 files).
	python3 - "$apt/sources.list" <<'EOF'
import glob, re, sys
out = []
def add(uri, suites, comps, opts):
    if "debian" not in uri:  # only Debian's own archive has the qemu source package
        return
    for s in suites:
        out.append(f"deb-src {opts}{uri} {s} {' '.join(comps)}")
for f in ["/etc/apt/sources.list"] + sorted(glob.glob("/etc/apt/sources.list.d/*.list")):
    try:
        lines = open(f).read().splitlines()
    except OSError:
        continue
    for l in lines:
        m = re.match(r"\s*deb\s+(\[[^]]*\]\s+)?(\S+)\s+(\S+)\s+(.*)", l.split("#")[0])
        if m:
            add(m.group(2), [m.group(3)], m.group(4).split(), m.group(1) or "")
for f in sorted(glob.glob("/etc/apt/sources.list.d/*.sources")):
    for stanza in re.split(r"\n\s*\n", open(f).read()):
        fields = {}
        for l in stanza.splitlines():
            if l.startswith("#") or ":" not in l:
                continue
            k, v = l.split(":", 1)
            fields[k.strip().lower()] = v.strip()
        if "deb" not in fields.get("types", "").split() or fields.get("enabled", "yes") == "no":
            continue
        opts = f"[signed-by={fields['signed-by']}] " if fields.get("signed-by", "").startswith("/") else ""
        for uri in fields.get("uris", "").split():
            add(uri, fields.get("suites", "").split(), fields.get("components", "").split(), opts)
if not out:
    sys.exit("no Debian apt source found in /etc/apt to derive deb-src lines from")
open(sys.argv[1], "w").write("\n".join(out) + "\n")
EOF
	aptopts=(-o "Dir::Etc::SourceList=$apt/sources.list" -o "Dir::Etc::SourceParts=$apt/parts"
		-o "Dir::State::Lists=$apt/lists" -o "Dir::Cache=$apt" -o "Dir::Cache::archives=$apt/archives"
		-o "Dir::Cache::pkgcache=" -o "Dir::Cache::srcpkgcache=" -o "APT::Sandbox::User=root")
	note "fetching the qemu source package $src_version (for include/qemu/qemu-plugin.h) into $cache"
	apt-get -qq "${aptopts[@]}" update || die "apt-get update with $apt/sources.list failed"
	(cd "$apt/download" && apt-get -qq "${aptopts[@]}" source --download-only "$src_name=$src_version") ||
		die "apt-get source $src_name=$src_version failed (is that version still in the archive?)"
	origs=("$apt"/download/*.orig.tar.*)
	orig=${origs[0]}
	[[ -f $orig ]] || die "apt-get source fetched no .orig tarball"
	member=$(tar -tf "$orig" | awk '/\/include\/qemu\/qemu-plugin\.h$/ && !m { m = $0 } END { print m }')
	[[ -n $member ]] || die "no include/qemu/qemu-plugin.h in $orig"
	tar -xOf "$orig" "$member" >"$header.tmp"
	# A Debian patch touching the header would make the upstream copy wrong: refuse.
	debtars=("$apt"/download/*.debian.tar.*)
	debtar=${debtars[0]}
	if [[ -f $debtar ]] &&
		tar -xOf "$debtar" --wildcards 'debian/patches/*' 2>/dev/null | grep -c '^+++ .*include/qemu/qemu-plugin.h' >/dev/null; then
		die "a Debian patch changes qemu-plugin.h; apply debian/patches from $debtar by hand"
	fi
	mv "$header.tmp" "$header"
	rm -rf "$apt/download" "$apt/archives" "$apt/lists"
fi

if [[ ! -s $so || $src -nt $so || $header -nt $so ]]; then
	gcc -shared -fPIC -O2 -Wall -Wextra -std=gnu11 -I"$cache" -o "$so.tmp" "$src" ||
		die "building $so failed"
	mv "$so.tmp" "$so"
	note "built $so"
fi
printf '%s\n' "$so"
