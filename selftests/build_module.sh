#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# build_module.sh KDIR OUTDIR: build virtio_status.ko against the kernel
# tree KDIR in a private copy of the sources under OUTDIR, so that builds
# for several kernels never share object files. Prints the .ko path.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
kdir=$1
out=$(mkdir -p "$2" && cd "$2" && pwd)
mkdir -p "$out"
cp -r "$top/Kbuild" "$top/VERSION" "$top/kmod" "$top/uapi" "$out/"
# VS_VMLINUX / VS_VHOST_MODDIR (from the environment) point the vhost layout
# generator at the target kernel's BTF when it is not the running kernel.
make -s -C "$kdir" M="$out" modules >&2
echo "$out/virtio_status.ko"
