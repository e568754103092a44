#!/usr/bin/env bash
# Generates the 6.12 user-space API headers (`make headers_install`) for the binder tests and
# prints their include directory. Debian 12's linux-libc-dev is 6.1 (no freeze notifications,
# no BR_TRANSACTION_PENDING_FROZEN), and the raw kernel header is not meant for user space
# (`__packed` there is not expanded, which silently changes struct binder_handle_cookie and so
# the ioctl numbers that embed its size): headers_install is the only right source.
#
# The headers come from Debian's linux-source-6.12 tarball (the source of both kernels we test):
# only the parts headers_install needs are unpacked into a scratch directory, so the shared
# debug kernel tree is never written to. The result is cached in
# $KCPP_BUILD/binder/uapi-<source version>-<recipe>/include and rebuilt when missing.
#
# usage: scripts/binder-uapi.sh     (prints the include directory)
set -euo pipefail
source "$(dirname "$0")/common.sh"

tarball=$(ls /usr/src/linux-source-6.12.tar.* 2>/dev/null | head -n 1)
[[ -n $tarball ]] || die "linux-source-6.12 is not installed (apt-get install linux-source-6.12)"
version=$(dpkg-query -W -f='${Version}' linux-source-6.12)
# Bump when this recipe changes what it produces.
recipe=1
out=$KCPP_BUILD/binder/uapi-$version-$recipe
inc=$out/include

if [[ ! -f $out/.done ]]; then
	mkdir -p "$KCPP_BUILD/binder"
	exec 9>"$KCPP_BUILD/binder/.uapi.lock"
	flock 9
	if [[ ! -f $out/.done ]]; then
		note "generating the 6.12 UAPI headers into $inc (headers_install from $tarball)"
		rm -rf "$out"
		scratch=$(mktemp -d "$KCPP_BUILD/binder/uapi-src.XXXXXX")
		trap 'rm -rf "$scratch"' EXIT
		top=linux-source-6.12
		tar -C "$scratch" -xf "$tarball" --wildcards \
			"$top/Makefile" "$top/Kbuild" "$top/Kconfig" "$top/scripts/*" "$top/include/*" \
			"$top/arch/x86/*" "$top/usr/*" "$top/tools/include/*"
		make -s -C "$scratch/$top" ARCH=x86_64 headers_install INSTALL_HDR_PATH="$out" \
			>"$KCPP_BUILD/binder/uapi.log" 2>&1 ||
			die "headers_install failed, see $KCPP_BUILD/binder/uapi.log"
		hdr=$inc/linux/android/binder.h
		[[ -f $hdr ]] || die "headers_install produced no $hdr"
		grep -q BR_TRANSACTION_PENDING_FROZEN "$hdr" || die "$hdr lacks BR_TRANSACTION_PENDING_FROZEN: not a 6.12 header"
		grep -q '__packed' "$hdr" && die "$hdr still has __packed: not a user-space header"
		touch "$out/.done"
	fi
fi
printf '%s\n' "$inc"
