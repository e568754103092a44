# Shared helpers for kcpp's shell scripts (sourced, never run).
# Kernel selection lives here so that every entry point picks the same kernel.

KCPP_ROOT=${KCPP_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
KCPP_CACHE=${KCPP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kcpp}
KCPP_BUILD=${KCPP_BUILD:-$KCPP_ROOT/build}

die() { printf 'kcpp: error: %s\n' "$*" >&2; exit 1; }
note() { printf 'kcpp: %s\n' "$*" >&2; }

# Newest installed Debian 6.12 ABI (e.g. 6.12.117+deb12-amd64), chosen by version order,
# never a hard-coded string. KCPP_DEBIAN_SERIES selects another series (6.1 later).
kcpp_debian_abi() {
	local series=${KCPP_DEBIAN_SERIES:-6.12} abi
	abi=$(ls -d /usr/src/linux-headers-"$series".*-amd64 2>/dev/null |
		sed 's|.*/linux-headers-||' | sort -V | tail -n 1)
	[[ -n $abi ]] || return 1
	printf '%s\n' "$abi"
}

# Upstream version (6.12.117) of a Debian ABI string (6.12.117+deb12-amd64).
kcpp_abi_version() { printf '%s\n' "${1%%[+-]*}"; }

# Version of a kernel source or build tree, from its Makefile.
kcpp_tree_version() {
	awk -F' *= *' '/^VERSION/{v=$2} /^PATCHLEVEL/{p=$2} /^SUBLEVEL/{s=$2} END{print v"."p"."s}' "$1/Makefile"
}
