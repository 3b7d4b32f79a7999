#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the debug kernel of the VM tests, once, from Debian's linux-source-6.12.
#
#   debug_kernel.sh            build it unless cached, print a summary
#   debug_kernel.sh --print    the same, then print shell assignments as
#                              kernels.sh --print does: KVER VMLINUZ VMLINUX
#                              MODROOT KBUILD DEBVER
#   debug_kernel.sh --dir      print the cache folder of the current config
#
# The config is allnoconfig plus selftests/vm/debug.config (KCONFIG_ALLCONFIG):
# what the VM tests need, KASAN, lockdep, kmemleak and the other checks.
# Every option the fragment names is checked in the final .config; one that
# Kconfig dropped fails the build.
#
# The result lives in $VS_CACHE/debug-kernel/HASH/, HASH covering the
# fragment, the linux-source-6.12 package version and this script:
#   build/     the kernel tree, built in place (vmlinux, bzImage, and all an
#              out-of-tree module build needs: make -C build M=...)
#   root/      modules_install of it (root/lib/modules/KVER, depmod'ed)
#   build.log  the build's output; build-seconds  how long it took
#   .done      written last: a folder without it is an unfinished build,
#              which the next run resumes (make is incremental)
# A cached build is reused in well under a second. A lock keeps two runs
# from building the same HASH at once. Build: nice, make -j$VS_JOBS (2).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
me=$here/$(basename "$0")
cache=${VS_CACHE:-$top/.cache}/debug-kernel
fragment=$here/debug.config
srcpkg=linux-source-6.12
tarball=/usr/src/$srcpkg.tar.xz
jobs=${VS_JOBS:-2}

die() { echo "debug_kernel.sh: $*" >&2; exit 1; }

mode=summary
case ${1:-} in
--print) mode=print ;;
--dir) mode=dir ;;
-h|--help) sed -n '4,27p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
'') ;;
*) die "unknown argument '$1' (--print, --dir, --help)" ;;
esac

srcver=$(dpkg-query -W -f='${Version}' "$srcpkg" 2>/dev/null || true)
[ -n "$srcver" ] && [ -f "$tarball" ] ||
	die "$srcpkg is not installed ($tarball); run selftests/deps.sh"
hash=$({ cat "$fragment"; echo "$srcver"; cat "$me"; } | sha256sum | cut -c1-12)
dir=$cache/$hash
if [ "$mode" = dir ]; then
	echo "$dir"
	exit 0
fi

# check_config CONFIG FRAGMENT: every option FRAGMENT names has that value
check_config() {
	local cfg=$1 frag=$2 line name bad=0

	while IFS= read -r line; do
		case $line in
		CONFIG_*=*)
			grep -qxF -- "$line" "$cfg" && continue
			name=${line%%=*}
			echo "  asked for $line, got: $(grep -E "^(# )?$name[= ]" "$cfg" ||
				echo 'not in .config (a dependency is missing)')"
			bad=1 ;;
		"# CONFIG_"*" is not set")
			name=${line#\# }
			name=${name%% *}
			grep -q "^$name=" "$cfg" || continue
			echo "  asked for $name off, got: $(grep "^$name=" "$cfg")"
			bad=1 ;;
		esac
	done <"$frag"
	return $bad
}

build() {
	local t0 kver log=$dir/build.log

	t0=$(date +%s)
	mkdir -p "$dir"
	: >"$log"
	# the top Makefile's flags (-s, a jobserver) are not for the kernel's make
	unset MAKEFLAGS MFLAGS MAKELEVEL
	if [ ! -f "$dir/build/.unpacked" ]; then
		echo "debug_kernel.sh: unpacking $tarball ($srcver)" >&2
		rm -rf "$dir/build" && mkdir -p "$dir/build"
		tar -xf "$tarball" -C "$dir/build" --strip-components=1
		touch "$dir/build/.unpacked"
	fi
	cd "$dir/build"
	make -s KCONFIG_ALLCONFIG="$fragment" allnoconfig >>"$log" 2>&1 ||
		{ tail -n 30 "$log" >&2; die "allnoconfig with $fragment failed"; }
	cp "$fragment" "$dir/debug.config"
	if ! check_config .config "$fragment" >"$dir/config-check.txt"; then
		cat "$dir/config-check.txt" >&2
		die "the config lacks options $fragment asks for (see above; $dir/build/.config)"
	fi
	echo "debug_kernel.sh: building $(make -s kernelrelease) in $dir (nice, -j$jobs;" \
		"log: $log)" >&2
	nice -n 10 make -j"$jobs" all >>"$log" 2>&1 ||
		{ tail -n 40 "$log" >&2; die "the kernel build failed (log: $log)"; }
	kver=$(make -s kernelrelease)
	rm -rf "$dir/root"
	make -s INSTALL_MOD_PATH="$dir/root" modules_install >>"$log" 2>&1 ||
		{ tail -n 20 "$log" >&2; die "modules_install failed"; }
	depmod -b "$dir/root" "$kver"
	# what the rig and the module's vhost layout rely on
	for f in vmlinux "$dir/root/lib/modules/$kver/kernel/drivers/vhost/vhost.ko" \
		 "$dir/root/lib/modules/$kver/kernel/drivers/vhost/vhost_net.ko" \
		 "$dir/root/lib/modules/$kver/kernel/drivers/vhost/vhost_vsock.ko"; do
		# no grep -q: it would leave readelf writing into a closed pipe
		readelf -S "$f" 2>/dev/null | grep -F ' .BTF ' >/dev/null ||
			die "$f has no .BTF section"
	done
	echo "$kver" >"$dir/kver"
	echo $(($(date +%s) - t0)) >"$dir/build-seconds"
	touch "$dir/.done"
	echo "debug_kernel.sh: built $kver in $(cat "$dir/build-seconds")s" >&2
}

mkdir -p "$cache"
if [ ! -f "$dir/.done" ]; then
	exec 9>"$cache/$hash.lock"
	flock 9
	# another run may have finished it while we waited
	if [ ! -f "$dir/.done" ]; then
		build
	fi
	cd "$top"
	exec 9>&-
fi

KVER=$(cat "$dir/kver")
VMLINUZ=$dir/build/arch/x86/boot/bzImage
VMLINUX=$dir/build/vmlinux
MODROOT=$dir/root
KBUILD=$dir/build
DEBVER=$srcver+debug.$hash
[ -f "$VMLINUX" ] && [ -f "$VMLINUZ" ] && [ -d "$MODROOT/lib/modules/$KVER" ] ||
	die "$dir is incomplete (rm -rf $dir and run again)"

case $mode in
print)
	printf 'KVER=%q\nVMLINUZ=%q\nVMLINUX=%q\nMODROOT=%q\nKBUILD=%q\nDEBVER=%q\n' \
		"$KVER" "$VMLINUZ" "$VMLINUX" "$MODROOT" "$KBUILD" "$DEBVER" ;;
summary)
	echo "debug: KVER=$KVER ($DEBVER), built in $(cat "$dir/build-seconds")s"
	echo "  vmlinux  $VMLINUX (ELF, for PVH boot)"
	echo "  modules  $MODROOT/lib/modules/$KVER"
	echo "  tree     $KBUILD (make -C $KBUILD M=...)" ;;
esac
