#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A Debian 13 (trixie) root for the newest kernel line: its kbuild needs
# glibc >= 2.38 and gcc-14, which Debian 12 lacks, and QEMU 11.1 (the
# one that offers feature bits above 63) is built for it.
#
#   trixie_root.sh                 make the root unless cached; print its path
#   trixie_root.sh --update        refresh the root's apt lists (at most hourly)
#   trixie_root.sh --install PKG.. install packages (from trixie-backports
#                                  when it has them) into the root
#   trixie_root.sh --run CMD..     run CMD chrooted, with /proc mounted and
#                                  $VS_CACHE/kernels bind-mounted at
#                                  /vs-kernels, in a private mount namespace
#                                  (nothing stays mounted afterwards)
#
# The root lives in $VS_CACHE/trixie/root-HASH, HASH covering the package
# list, the mirror and the layout number below: a machine-wide cache, so that a later CI run on the
# same machine reuses it (debootstrap takes about 2 minutes). Made with
# debootstrap into a temporary folder and renamed when complete, under a
# lock, so an interrupted run leaves nothing half made.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
cache=${VS_CACHE:-/var/cache/virtio-status}
mirror=http://deb.debian.org/debian
include=gcc-14,make,libelf-dev,pahole,bc,flex,bison,libssl-dev,python3,kmod,xz-utils,zstd
# bump when make_root() changes what a root holds
layout=1

die() { echo "trixie_root.sh: $*" >&2; exit 1; }

hash=$(echo "$include $mirror $layout" | sha256sum | cut -c1-12)
root=$cache/trixie/root-$hash

make_root() {
	local tmp=$cache/trixie/tmp-$hash

	command -v debootstrap >/dev/null || die "debootstrap is not installed (selftests/scripts/deps.sh)"
	[ -d /usr/share/debootstrap/scripts ] && [ -e /usr/share/debootstrap/scripts/trixie ] ||
		die "this debootstrap does not know trixie"
	echo "trixie_root.sh: debootstrap trixie into $root (about 2 minutes)" >&2
	rm -rf "$tmp"
	debootstrap --variant=minbase --include="$include" trixie "$tmp" "$mirror" \
		>"$cache/trixie/debootstrap-$hash.log" 2>&1 ||
		die "debootstrap failed; see $cache/trixie/debootstrap-$hash.log"
	echo "deb $mirror trixie-backports main" >"$tmp/etc/apt/sources.list.d/backports.list"
	# a chroot has no init: keep package scripts from starting services
	printf '#!/bin/sh\nexit 101\n' >"$tmp/usr/sbin/policy-rc.d"
	chmod 755 "$tmp/usr/sbin/policy-rc.d"
	mkdir -p "$tmp/vs-kernels"
	mv "$tmp" "$root"
}

# in_root CMD...: CMD chrooted, in a private mount namespace
in_root() {
	mkdir -p "$cache/kernels"
	unshare -m -- /bin/sh -c '
		r=$1 k=$2; shift 2
		mount -t proc proc "$r/proc" && mount --bind "$k" "$r/vs-kernels" &&
			exec chroot "$r" "$@"' sh "$root" "$cache/kernels" "$@"
}

mkdir -p "$cache/trixie"
exec 9>"$cache/trixie/.lock"
flock 9
[ -d "$root" ] || make_root

case ${1:-} in
"")
	echo "$root" ;;
--run)
	shift
	in_root "$@" ;;
--update)
	# apt's lists, refreshed at most once an hour; a failure is not fatal
	# here (a cached kernel needs no network), the caller decides
	if [ -z "$(find "$root/var/lib/apt/lists" -maxdepth 1 -name '*backports*Packages*' \
	           -mmin -60 2>/dev/null)" ]; then
		in_root apt-get update -qq >&2 || die "apt-get update failed in $root"
	fi ;;
--install)
	shift
	in_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		--no-install-recommends -t trixie-backports "$@" >&2 ||
		die "apt-get install $* failed in $root" ;;
*)
	die "unknown argument '$1' (see the top of $0)" ;;
esac
