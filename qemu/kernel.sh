# Kernel selection for the QEMU harness (sourced, never run; needs scripts/common.sh).
# shellcheck shell=bash
#
# kcpp_kernel_resolve KIND   (KIND: debian | debug) sets
#   KCPP_K_IMAGE    the bzImage/vmlinuz QEMU boots
#   KCPP_K_RELEASE  that kernel's `uname -r`
#   KCPP_K_BUILD    the build dir external modules are built against (make -C)
#   KCPP_K_MODDIR   where that kernel's own modules live
# debian: the newest installed Debian ABI (kcpp_debian_abi); its image, headers and, if installed,
#         linux-source tarball must all be the same version, or it dies.
# debug:  the debug/test kernel tree of qemu/build-debug-kernel.sh (built on first use).

# Release string embedded in an x86 bzImage (setup header: "HdrS" at 0x202, the offset of the
# version string minus 0x200 at 0x20e). Prints e.g. 6.12.117+deb12-amd64.
kcpp_image_release() {
	local image=$1 magic off
	magic=$(dd if="$image" bs=1 skip=514 count=4 status=none)
	[[ $magic == HdrS ]] || die "$image is not an x86 bzImage"
	off=$(od -An -tu2 -j 526 -N 2 "$image" | tr -d ' ')
	dd if="$image" bs=1 skip=$((off + 512)) count=256 status=none | tr '\0' '\n' | head -n 1 | cut -d' ' -f1
}

# Upstream part of a Debian package version: 6.12.117-1~deb12u1 -> 6.12.117.
kcpp_deb_upstream() {
	local v=${1#*:}
	printf '%s\n' "${v%%-*}"
}

kcpp_kernel_resolve() {
	local kind=${1:-} abi version image_rel pkg_img pkg_hdr src_pkg tree
	case $kind in
	debian)
		abi=$(kcpp_debian_abi) || die "no Debian ${KCPP_DEBIAN_SERIES:-6.12} kernel headers installed (apt-get install linux-headers-amd64)"
		version=$(kcpp_abi_version "$abi")
		KCPP_K_IMAGE=/boot/vmlinuz-$abi
		KCPP_K_RELEASE=$abi
		KCPP_K_BUILD=/lib/modules/$abi/build
		KCPP_K_MODDIR=/lib/modules/$abi/kernel
		[[ -r $KCPP_K_IMAGE ]] || die "headers for $abi are installed but $KCPP_K_IMAGE is not (apt-get install linux-image-$abi)"
		[[ -f $KCPP_K_BUILD/Makefile ]] || die "$KCPP_K_BUILD is not a kernel build dir (apt-get install linux-headers-$abi)"
		[[ -f ${KCPP_K_MODDIR%/kernel}/modules.dep ]] || die "no modules.dep for $abi (linux-image-$abi incomplete?)"
		image_rel=$(kcpp_image_release "$KCPP_K_IMAGE")
		[[ $image_rel == "$abi" ]] || die "$KCPP_K_IMAGE says it is $image_rel, not $abi"
		# Image and headers must come from the same Debian upload, not just the same ABI.
		pkg_img=$(dpkg-query -W -f='${Version}' "linux-image-$abi" 2>/dev/null || true)
		pkg_hdr=$(dpkg-query -W -f='${Version}' "linux-headers-$abi" 2>/dev/null || true)
		if [[ -n $pkg_img && -n $pkg_hdr && $pkg_img != "$pkg_hdr" ]]; then
			die "linux-image-$abi is $pkg_img but linux-headers-$abi is $pkg_hdr"
		fi
		src_pkg=linux-source-${KCPP_DEBIAN_SERIES:-6.12}
		if dpkg-query -W -f='${Status}' "$src_pkg" 2>/dev/null | grep -q 'ok installed'; then
			local src_version
			src_version=$(kcpp_deb_upstream "$(dpkg-query -W -f='${Version}' "$src_pkg")")
			[[ $src_version == "$version" ]] ||
				die "$src_pkg is $src_version but the kernel ($abi) is $version: install matching versions"
		fi
		;;
	debug)
		tree=$("$KCPP_ROOT/qemu/build-debug-kernel.sh") || die "qemu/build-debug-kernel.sh failed"
		tree=$(printf '%s\n' "$tree" | tail -n 1)
		KCPP_K_IMAGE=$tree/arch/x86/boot/bzImage
		[[ -f $KCPP_K_IMAGE ]] || die "debug kernel tree $tree has no bzImage"
		KCPP_K_RELEASE=$(make -s -C "$tree" kernelrelease)
		[[ -n $KCPP_K_RELEASE ]] || die "cannot read the kernel release of $tree"
		image_rel=$(kcpp_image_release "$KCPP_K_IMAGE")
		[[ $image_rel == "$KCPP_K_RELEASE" ]] || die "$KCPP_K_IMAGE says it is $image_rel, the tree says $KCPP_K_RELEASE"
		KCPP_K_BUILD=$tree
		KCPP_K_MODDIR=$tree
		;;
	*) die "kernel kind must be debian or debug, not '${kind}'" ;;
	esac
	# Read by the scripts that source this file.
	export KCPP_K_IMAGE KCPP_K_RELEASE KCPP_K_BUILD KCPP_K_MODDIR
}
