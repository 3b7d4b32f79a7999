#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# build_testmod.sh DIR KDIR OUTDIR: build the test-only modules of DIR (its
# Kbuild, *.c and *.h, e.g. selftests/lockhold) against the kernel tree
# KDIR in a fresh copy under OUTDIR; prints OUTDIR, where the .ko files
# are. A compiler warning fails the build.
#
# With VS_CHROOT set (the newest line), KDIR is a path inside that root,
# OUTDIR must lie inside it too, and the build runs chrooted, as in
# build_module.sh.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
src=$(cd "$1" && pwd)
kdir=$2
out=$(mkdir -p "$3" && cd "$3" && pwd)

rm -rf "${out:?}"/*
cp "$src/Kbuild" "$out/"
for f in "$src"/*.c "$src"/*.h; do
	[ -e "$f" ] && cp "$f" "$out/"
done
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if [ -z "${VS_CHROOT:-}" ]; then
	make -s -C "$kdir" M="$out" modules >"$log" 2>&1 || st=$?
else
	case $out in
	"$VS_CHROOT"/*) ;;
	*) echo "build_testmod.sh: $out is not inside $VS_CHROOT" >&2; exit 1 ;;
	esac
	"$top/selftests/vm/trixie_root.sh" --run make -s -C "$kdir" \
		M="${out#"$VS_CHROOT"}" modules >"$log" 2>&1 || st=$?
fi
cat "$log" >&2
[ "${st:-0}" -eq 0 ] || exit "$st"
if grep -q 'warning:' "$log"; then
	echo "build_testmod.sh: the build of $src warns" >&2
	exit 1
fi
echo "$out"
