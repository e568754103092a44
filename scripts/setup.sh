#!/usr/bin/env bash
# Installs what kcpp needs on Debian 12, only if something is missing (so warm runs cost a
# few dpkg queries). Kernel packages are Debian's meta packages, which pull the newest 6.12
# ABI; linux-source-6.12 is then pinned to the same upstream version as that kernel, since
# the debug kernel built from it must match the image and headers.
set -euo pipefail
source "$(dirname "$0")/common.sh"

packages=(
	make gcc g++ cmake libgtest-dev python3 rsync cpio kmod xz-utils file
	bc bison flex libelf-dev libssl-dev dwarves
	qemu-system-x86 busybox-static ethtool fio nvme-cli
	linux-image-6.12-amd64 linux-headers-6.12-amd64 linux-source-6.12
)

missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done

apt_install() {
	[[ $(id -u) == 0 ]] || die "installing $* needs root (run as root or install them yourself)"
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@"
}

if ((${#missing[@]})); then
	note "installing: ${missing[*]}"
	[[ $(id -u) == 0 ]] || die "missing packages (${missing[*]}); run as root or install them"
	apt-get update -qq
	apt_install "${missing[@]}"
fi

# linux-source-6.12 must be the same upstream version as the newest installed 6.12 kernel.
abi=$(kcpp_debian_abi) || die "no Debian 6.12 kernel headers after installation"
want=$(kcpp_abi_version "$abi")
have=$(dpkg-query -W -f='${Version}' linux-source-6.12 2>/dev/null || true)
have=${have#*:}
if [[ ${have%%-*} != "$want" ]]; then
	version=$(apt-cache madison linux-source-6.12 | awk -v w="$want" '{v=$3; sub(/-.*/, "", v); if (v == w) {print $3; exit}}')
	[[ -n $version ]] || die "no linux-source-6.12 for $want in the archive (kernel $abi): cannot build a matching debug kernel"
	note "installing linux-source-6.12=$version to match kernel $abi"
	apt_install "linux-source-6.12=$version"
fi
