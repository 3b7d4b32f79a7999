#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# build_module.sh KDIR OUTDIR: build virtio_status.ko against the kernel
# tree KDIR in a private copy of the sources under OUTDIR, so that builds
# for several kernels never share object files. Prints the .ko path.
#
# With VS_CHROOT set (the newest line: selftests/vm/trixie_root.sh), KDIR
# is a path inside that root, OUTDIR must lie inside it too, and the build
# runs chrooted; VS_VMLINUX and VS_VHOST_MODDIR may name files under
# $VS_CACHE/kernels, which the root sees at /vs-kernels.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
kdir=$1
out=$(mkdir -p "$2" && cd "$2" && pwd)
rm -rf "$out/kmod" "$out/uapi"
cp -r "$top/Kbuild" "$top/VERSION" "$top/kmod" "$top/uapi" "$out/"
# -Werror here (and in CI), never in a user's DKMS build (Kbuild)
if [ -z "${VS_CHROOT:-}" ]; then
	# VS_VMLINUX / VS_VHOST_MODDIR (from the environment) point the vhost
	# layout generator at the target kernel's BTF when it is not the
	# running kernel.
	make -s -C "$kdir" M="$out" VS_WERROR=1 modules >&2
	echo "$out/virtio_status.ko"
	exit 0
fi
case $out in
"$VS_CHROOT"/*) ;;
*) echo "build_module.sh: $out is not inside $VS_CHROOT" >&2; exit 1 ;;
esac
kernels=${VS_CACHE:-/var/cache/virtio-status}/kernels
inside() { echo "${1/#$kernels//vs-kernels}"; }
"$top/selftests/vm/trixie_root.sh" --run make -s -C "$kdir" M="${out#"$VS_CHROOT"}" \
	VS_WERROR=1 ${VS_VMLINUX:+VS_VMLINUX=$(inside "$VS_VMLINUX")} \
	${VS_VHOST_MODDIR:+VS_VHOST_MODDIR=$(inside "$VS_VHOST_MODDIR")} \
	${VS_VHOST_LAYOUT_TEST:+VS_VHOST_LAYOUT_TEST=$VS_VHOST_LAYOUT_TEST} \
	${VS_FINGERPRINT_TEST:+VS_FINGERPRINT_TEST=$VS_FINGERPRINT_TEST} modules >&2
echo "$out/virtio_status.ko"
