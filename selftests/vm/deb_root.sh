#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# deb_root.sh SUITE KIND: the cached Debian root the package tests use,
# made unless cached; prints its path.
#   SUITE  bookworm (Debian 12) or trixie (Debian 13)
#   KIND   test   what a user's machine has before our packages: systemd,
#                 dkms, linux-headers-amd64 (the release's own kernel line)
#                 and the runtime libraries our packages depend on, so that
#                 `dpkg -i` of the two .debs needs no network
#          build  the build dependencies of debian/control, to build the
#                 packages for SUITE (trixie: libmicrohttpd12t64 instead of
#                 bookworm's libmicrohttpd12, so bookworm's .debs do not
#                 install there)
#
# A root is never modified once made: selftests/scripts/deb_test.sh lays a
# temporary overlay on it for each test. It lives in
# $VS_CACHE/deb/SUITE-KIND-HASH, HASH covering the package list, the mirror
# and the layout number below (machine-wide and keyed by content, like
# trixie_root.sh). Made with debootstrap --variant=minbase and apt-get in a
# temporary folder, renamed when complete, under a lock: an interrupted run
# leaves nothing half made.
set -euo pipefail

cache=${VS_CACHE:-/var/cache/virtio-status}
mirror=http://deb.debian.org/debian
# bump when make_root() changes what a root holds
layout=1

die() { echo "deb_root.sh: $*" >&2; exit 1; }

[ $# -eq 2 ] || die "usage: deb_root.sh bookworm|trixie test|build"
suite=$1 kind=$2

# the runtime libraries of the virtio-status package, by release
case $suite in
bookworm) libs="libnl-3-200 libnl-genl-3-200 libjson-c5 libmicrohttpd12" ;;
trixie)   libs="libnl-3-200 libnl-genl-3-200 libjson-c5 libmicrohttpd12t64" ;;
*)        die "unknown suite '$suite' (bookworm or trixie)" ;;
esac
case $kind in
# python3: the module's build runs kmod/gen_*.py (virtio-status-dkms
# depends on it, and the test checks that dpkg finds it here); systemd:
# a machine's maintainer scripts run with systemctl there, and
# systemd-analyze verify checks the installed units
test)  pkgs="dkms linux-headers-amd64 python3 systemd $libs" ;;
build) pkgs="build-essential debhelper dh-dkms pkg-config scdoc bash-completion
	     libnl-genl-3-dev libjson-c-dev libmicrohttpd-dev" ;;
*)     die "unknown kind '$kind' (test or build)" ;;
esac
pkgs=$(echo $pkgs)

hash=$(echo "$suite $kind $pkgs $mirror $layout" | sha256sum | cut -c1-12)
dir=$cache/deb
root=$dir/$suite-$kind-$hash

make_root() {
	local tmp=$dir/tmp-$suite-$kind-$hash log=$dir/$suite-$kind-$hash.log

	command -v debootstrap >/dev/null ||
		die "debootstrap is not installed (selftests/scripts/deps.sh)"
	[ -e "/usr/share/debootstrap/scripts/$suite" ] ||
		die "this debootstrap does not know $suite"
	echo "deb_root.sh: debootstrap $suite into $root (a few minutes)" >&2
	rm -rf "$tmp"
	debootstrap --variant=minbase "$suite" "$tmp" "$mirror" > "$log" 2>&1 ||
		die "debootstrap failed; see $log"
	# a chroot has no init: keep package scripts from starting services
	printf '#!/bin/sh\nexit 101\n' > "$tmp/usr/sbin/policy-rc.d"
	chmod 755 "$tmp/usr/sbin/policy-rc.d"
	unshare -m -- /bin/sh -c '
		r=$1; shift
		mount -t proc proc "$r/proc" && exec chroot "$r" "$@"' sh "$tmp" \
		env DEBIAN_FRONTEND=noninteractive sh -c "apt-get update -qq &&
			apt-get install -y -qq --no-install-recommends $pkgs &&
			apt-get clean" >> "$log" 2>&1 ||
		die "apt-get install $pkgs failed in $tmp; see $log"
	mv "$tmp" "$root"
}

mkdir -p "$dir"
exec 9> "$dir/.lock-$suite-$kind"
flock 9
[ -d "$root" ] || make_root
echo "$root"
