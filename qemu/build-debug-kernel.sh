#!/usr/bin/env bash
# Builds (once) the kcpp debug/test kernel from Debian's linux-source-6.12 and prints its
# directory. The result is cached outside the checkout, keyed by the source version and the
# hash of the config fragment and the build recipe version, so a fresh machine builds it and later runs
# reuse it. The tree stays whole: external modules are built against it with `make -C`.
set -euo pipefail
source "$(dirname "$0")/../scripts/common.sh"

fragment=$KCPP_ROOT/qemu/debug-kernel.config
tarball=$(ls /usr/src/linux-source-6.12.tar.* 2>/dev/null | head -n 1)
[[ -n $tarball ]] || die "linux-source-6.12 is not installed (apt-get install linux-source-6.12)"
src_version=$(dpkg-query -W -f='${Version}' linux-source-6.12)
# Bump recipe when a change to this script changes what gets built.
recipe=1
key=$( { cat "$fragment"; echo "recipe=$recipe"; } | sha256sum | cut -c1-12)
out=$KCPP_CACHE/kernel/linux-$src_version-$key
tree=$out/linux

if [[ -f $out/.done ]]; then
	printf '%s\n' "$tree"
	exit 0
fi

# One build at a time: a second caller waits for the first and then reuses its result.
mkdir -p "$KCPP_CACHE/kernel"
exec 9>"$KCPP_CACHE/kernel/.build.lock"
flock 9
if [[ -f $out/.done ]]; then
	printf '%s\n' "$tree"
	exit 0
fi
# Trees of other source versions or configs are stale: keep the cache at one tree.
find "$KCPP_CACHE/kernel" -mindepth 1 -maxdepth 1 -type d -name 'linux-*' ! -path "$out" -exec rm -rf {} +

note "building the debug kernel into $out (about 1000 CPU-seconds, once per source version and config)"
rm -rf "$out"
mkdir -p "$out"
tar -C "$out" -xf "$tarball"
mv "$out"/linux-source-6.12 "$tree"

make_k() { make -C "$tree" ARCH=x86_64 -j"$(nproc)" "$@"; }
make_k tinyconfig >"$out/config.log" 2>&1
"$tree"/scripts/kconfig/merge_config.sh -m -O "$tree" "$tree/.config" "$fragment" >>"$out/config.log" 2>&1
make_k olddefconfig >>"$out/config.log" 2>&1

# olddefconfig drops options whose dependencies are missing, silently: check every line.
missing=0
while IFS= read -r line; do
	case $line in
	CONFIG_*=*) want=$line ;;
	"# CONFIG_"*" is not set") want=$line ;;
	*) continue ;;
	esac
	opt=${want#\# }; opt=${opt%%[= ]*}
	if [[ $want == "#"* ]]; then
		grep -q "^$opt=" "$tree/.config" && { note "fragment wants $opt off, .config has it on"; missing=1; }
	else
		grep -qxF "$want" "$tree/.config" || { note "fragment line not in .config: $want"; missing=1; }
	fi
done <"$fragment"
((missing == 0)) || die "config fragment does not survive olddefconfig (see above)"

start=$(date +%s)
make_k bzImage modules >"$out/build.log" 2>&1 || { tail -n 40 "$out/build.log" >&2; die "kernel build failed ($out/build.log)"; }
note "debug kernel built in $(( $(date +%s) - start )) s"
touch "$out/.done"
printf '%s\n' "$tree"
