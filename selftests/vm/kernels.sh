#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Fetch and unpack the Debian test kernels the VM rig boots.
#
#   kernels.sh [6.1|6.12|debug ...]    prepare the lines (default: 6.1 6.12), print a summary
#   kernels.sh --print LINE            prepare one line, print shell assignments:
#                                        KVER=... VMLINUZ=... VMLINUX=... MODROOT=...
#                                        KBUILD=... DEBVER=...
#   kernels.sh --json [LINE ...]       prepare the lines, print one JSON object a line
#
# For each line the real image package is found through the Debian meta package
# (linux-image-amd64 for 6.1, linux-image-6.12-amd64 for 6.12), downloaded with
# `apt-get download` into $VS_CACHE/kernels/ and unpacked with `dpkg -x`: nothing
# is installed and /boot is never touched. Compressed modules (.ko.xz) are
# decompressed and `depmod -b` indexes the unpacked tree. MODROOT is the root of
# that tree (MODROOT/lib/modules/KVER). KBUILD is the build dir of the installed
# linux-headers package, which must be for exactly the same KVER (and Debian
# version) as the image, or the module we build would not load.
#
# A second run on a prepared cache does no network work and takes milliseconds.
#
# The line "debug" is our own debug build of linux-source-6.12 (KASAN, lockdep,
# kmemleak): debug_kernel.sh builds it once (about half an hour) and caches it;
# KBUILD is its build tree.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
cache=${VS_CACHE:-/var/cache/virtio-status}/kernels

die() { echo "kernels.sh: $*" >&2; exit 1; }
log() { [ "$mode" = summary ] && echo "kernels.sh: $*" >&2 || true; }

# meta package of each kernel line (image, headers)
meta_image() {
	case $1 in
	6.1)  echo linux-image-amd64 ;;
	6.12) echo linux-image-6.12-amd64 ;;
	*)    die "unknown kernel line '$1' (known: 6.1 6.12 newest debug)" ;;
	esac
}
meta_headers() {
	case $1 in
	6.1)  echo linux-headers-amd64 ;;
	6.12) echo linux-headers-6.12-amd64 ;;
	esac
}

# The package a meta package depends on, e.g. linux-image-6.1.0-56-amd64.
real_pkg() {
	apt-cache depends "$1" 2>/dev/null |
		awk '$1 == "Depends:" && $2 ~ /^linux-(image|headers)-[0-9]/ { print $2; exit }'
}

# The ELF vmlinux inside a bzImage. QEMU boots it through its PVH entry point
# (CONFIG_PVH=y in Debian), which skips the firmware and the in-guest
# decompression: 6.1's xz payload alone takes seconds under TCG. The setup
# header says where the payload is; the build appended its 4-byte size.
extract_vmlinux() {
	python3 - "$top/kmod" "$1" "$2" <<-'EOF'
	import os, shutil, sys, tempfile
	sys.path.insert(0, sys.argv[1])
	import vs_btf
	rel = os.path.basename(sys.argv[2]).split('-', 1)[1]
	with tempfile.TemporaryDirectory() as tmp:
	    shutil.move(vs_btf.vmlinux_from_bzimage(sys.argv[2], rel, tmp), sys.argv[3])
	EOF
}

# The newest line: Debian 13 backports' newest kernel, built for inside a
# Debian 13 root (trixie_root.sh). Sets pkg, kver and downloads the image
# into $cache/debs; installs its headers into the root.
newest_pin() {
	sed -e 's/#.*//' -e 's/[[:space:]]//g' "$top/selftests/vm/newest-kernel" | grep -m1 .
}

# The image package trixie-backports' linux-image-amd64 points at, or "".
newest_offered() {
	local ver
	ver=$("$troot" --run apt-cache madison linux-image-amd64 2>/dev/null |
		awk -F'|' '$3 ~ /trixie-backports/ { gsub(/ /, "", $2); print $2; exit }')
	[ -n "$ver" ] || return 0
	"$troot" --run apt-cache depends "linux-image-amd64=$ver" 2>/dev/null |
		awk '$1 == "Depends:" && $2 ~ /^linux-image-[0-9]/ { print $2; exit }'
}

prepare_newest() {
	local pin offered root

	troot=$top/selftests/vm/trixie_root.sh
	root=$("$troot")
	pin=$(newest_pin) || die "selftests/vm/newest-kernel names no kernel"
	"$troot" --update || log "apt-get update failed in the Debian 13 root; using what is cached"
	offered=$(newest_offered || true)
	kver=$pin
	if [ -n "$offered" ] && [ "${offered#linux-image-}" != "$pin" ]; then
		echo "# NOTICE: trixie-backports offers ${offered#linux-image-}, newer than the" \
			"pinned $pin: bump selftests/vm/newest-kernel (one line) and add its" \
			"fingerprint to kmod/fingerprints once make check passes on it" >&2
	fi
	mkdir -p "$cache/debs"
	if ! newest_fetch "$kver" "$root"; then
		[ -n "$offered" ] && [ "${offered#linux-image-}" != "$kver" ] ||
			die "cannot fetch $kver (image packages, headers), and trixie-backports offers no other"
		kver=${offered#linux-image-}
		echo "# WARNING: the pinned kernel $pin can no longer be downloaded and is" \
			"not cached: using the newest trixie-backports offers, $kver." \
			"Its fingerprint is untested; bump selftests/vm/newest-kernel" >&2
		newest_fetch "$kver" "$root" || die "cannot fetch $kver (image packages, headers)"
	fi
	pkgs=("linux-binary-$kver" "linux-modules-$kver" "linux-base-$kver")
}

# newest_fetch KVER ROOT: its headers, installed in the Debian 13 root first
# (backports keeps the newest kernel's only), then its image packages.
newest_fetch() {
	if [ ! -f "$2/usr/src/linux-headers-$1/Makefile" ]; then
		log "installing linux-headers-$1 in the Debian 13 root"
		"$troot" --install "linux-headers-$1" || return 1
	fi
	newest_download "$1"
}

# newest_download KVER: its image packages into $cache/debs, through the
# Debian 13 root's apt (Debian 12's does not know trixie), unless cached.
newest_download() {
	local p

	for p in "linux-binary-$1" "linux-modules-$1" "linux-base-$1"; do
		ls "$cache/debs/${p}_"*.deb >/dev/null 2>&1 && continue
		log "downloading $p in the Debian 13 root"
		"$troot" --run sh -c "cd /vs-kernels/debs &&
			apt-get download -q -o APT::Sandbox::User=root $p" >&2 || return 1
	done
}

# Prepare one kernel line; sets KVER VMLINUZ MODROOT KBUILD DEBVER CHROOT.
prepare() {
	local line=$1 meta pkg kver dir deb hdr hver vars

	CHROOT=
	if [ "$line" = debug ]; then
		vars=$("$top/selftests/vm/debug_kernel.sh" --print) ||
			die "the debug kernel did not build (selftests/vm/debug_kernel.sh)"
		eval "$vars"
		return
	fi
	if [ "$line" = newest ]; then
		prepare_newest
		unpack "$kver" "${pkgs[@]}"
		CHROOT=$("$troot")
		KBUILD=/usr/src/linux-headers-$kver
		[ -f "$CHROOT$KBUILD/Makefile" ] || die "$CHROOT$KBUILD/Makefile is missing"
		return
	fi
	meta=$(meta_image "$line")
	# apt-cache takes a second; remember its answer until the apt lists change
	if [ -s "$cache/$line.pkg" ] && [ "$cache/$line.pkg" -nt /var/lib/apt/lists ]; then
		pkg=$(cat "$cache/$line.pkg")
	else
		pkg=$(real_pkg "$meta")
		[ -z "$pkg" ] || { mkdir -p "$cache" && echo "$pkg" >"$cache/$line.pkg"; }
	fi
	[ -n "$pkg" ] || die "apt-cache does not know $meta; run 'apt-get update' (selftests/scripts/deps.sh)"
	# the package name minus its prefix (and the -unsigned suffix) is the KVER
	kver=${pkg#linux-image-}
	kver=${kver%-unsigned}
	unpack "$kver" "$pkg"
	headers "$line" "$kver"
}

# unpack KVER PKG...: the image packages (one on Debian 12; linux-binary,
# linux-modules and linux-base on Debian 13, which keeps the image in
# /usr/lib/modules/KVER/vmlinuz), downloaded unless in $cache/debs,
# unpacked into $cache/KVER; sets VMLINUZ VMLINUX MODROOT KVER DEBVER.
unpack() {
	local kver=$1 dir=$cache/$1 deb pkg
	shift

	if [ ! -f "$dir/.done" ]; then
		mkdir -p "$cache/debs"
		rm -rf "$dir" && mkdir -p "$dir/root"
		for pkg in "$@"; do
			deb=$(ls "$cache/debs/${pkg}_"*.deb 2>/dev/null | tail -n1 || true)
			if [ -z "$deb" ]; then
				log "downloading $pkg"
				(cd "$cache/debs" &&
				 apt-get download -q -o APT::Sandbox::User=root "$pkg" >/dev/null) ||
					die "apt-get download $pkg failed"
				deb=$(ls "$cache/debs/${pkg}_"*.deb | tail -n1)
			fi
			log "unpacking $(basename "$deb")"
			dpkg -x "$deb" "$dir/root"
			dpkg-deb -f "$deb" Version >"$dir/version"
		done
		# merged-/usr packages put modules under usr/lib; depmod -b wants lib/
		if [ ! -d "$dir/root/lib/modules/$kver" ] &&
		   [ -d "$dir/root/usr/lib/modules/$kver" ]; then
			ln -s usr/lib "$dir/root/lib"
		fi
		[ -d "$dir/root/lib/modules/$kver" ] ||
			die "$deb has no lib/modules/$kver"
		# .ko.xz -> .ko so that busybox and insmod do not need xz support
		find "$dir/root/lib/modules/$kver/" -name '*.ko.xz' -print0 |
			xargs -0 -r -n 64 -P "$(nproc)" xz -d
		depmod -b "$dir/root" "$kver"
		if [ ! -f "$dir/root/boot/vmlinuz-$kver" ] &&
		   [ -f "$dir/root/lib/modules/$kver/vmlinuz" ]; then
			mkdir -p "$dir/root/boot"
			ln -s "../lib/modules/$kver/vmlinuz" "$dir/root/boot/vmlinuz-$kver"
		fi
		extract_vmlinux "$dir/root/boot/vmlinuz-$kver" "$dir/vmlinux"
		touch "$dir/.done"
	fi

	VMLINUZ=$dir/root/boot/vmlinuz-$kver
	VMLINUX=$dir/vmlinux
	[ -f "$VMLINUZ" ] && [ -f "$VMLINUX" ] ||
		die "$VMLINUZ or $VMLINUX is missing (corrupt cache? rm -rf $dir)"
	MODROOT=$dir/root
	KVER=$kver
	DEBVER=$(cat "$dir/version")
}

# headers LINE KVER: the installed headers of a Debian 12 line; sets KBUILD.
headers() {
	local line=$1 kver=$2 hdr hver

	# The headers: the installed meta package must point at the same KVER.
	hdr=$(dpkg-query -W -f='${Depends}' "$(meta_headers "$line")" 2>/dev/null |
		grep -o 'linux-headers-[^ ,]*' | head -n1 || true)
	[ -n "$hdr" ] || die "$(meta_headers "$line") is not installed; run selftests/scripts/deps.sh"
	[ "${hdr#linux-headers-}" = "$kver" ] ||
		die "installed headers are for ${hdr#linux-headers-} but the image apt offers is $kver; run 'apt-get install $(meta_headers "$line")' so both match"
	hver=$(dpkg-query -W -f='${Version}' "$hdr" 2>/dev/null || true)
	[ "$hver" = "$DEBVER" ] ||
		die "headers $hdr are version '$hver' but image linux-image-$kver is version '$DEBVER'; upgrade the headers so both match"
	KBUILD=/lib/modules/$kver/build
	[ -f "$KBUILD/Makefile" ] || die "$KBUILD/Makefile missing although $hdr is installed"
	local rel
	# 6.1's kernel.release says "6.1.192"; utsrelease.h holds what vermagic uses
	rel=$(sed -n 's/^#define UTS_RELEASE "\(.*\)"$/\1/p' \
		"$KBUILD/include/generated/utsrelease.h" 2>/dev/null || true)
	[ "$rel" = "$kver" ] || die "$KBUILD is for kernel '$rel', not $kver"
}

mode=summary
case ${1:-} in
--print) mode=print; shift; [ $# -eq 1 ] || die "--print takes exactly one kernel line" ;;
--json)  mode=json; shift ;;
-h|--help) sed -n '4,25p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
esac
[ $# -gt 0 ] || set -- 6.1 6.12

for line in "$@"; do
	prepare "$line"
	case $mode in
	print)
		printf 'KVER=%q\nVMLINUZ=%q\nVMLINUX=%q\nMODROOT=%q\nKBUILD=%q\nDEBVER=%q\nCHROOT=%q\n' \
			"$KVER" "$VMLINUZ" "$VMLINUX" "$MODROOT" "$KBUILD" "$DEBVER" "$CHROOT" ;;
	json)
		jq -cn --arg line "$line" --arg kver "$KVER" --arg vmlinuz "$VMLINUZ" \
			--arg vmlinux "$VMLINUX" --arg chroot "$CHROOT" \
			--arg modroot "$MODROOT" --arg kbuild "$KBUILD" --arg debver "$DEBVER" \
			'{line:$line, kver:$kver, vmlinuz:$vmlinuz, vmlinux:$vmlinux, modroot:$modroot,
			  kbuild:$kbuild, debver:$debver, chroot:$chroot}' ;;
	summary)
		echo "$line: KVER=$KVER ($DEBVER)"
		echo "  vmlinuz  $VMLINUZ"
		echo "  vmlinux  $VMLINUX (ELF, for PVH boot)"
		echo "  modules  $MODROOT/lib/modules/$KVER"
		echo "  headers  $CHROOT$KBUILD${CHROOT:+ (built in the Debian 13 root $CHROOT)}" ;;
	esac
done
