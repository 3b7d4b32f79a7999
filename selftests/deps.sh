#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install everything the build and the tests need, once. Idempotent: a second
# run on a prepared machine does no network work.
#   - Debian packages (compiler, libnl, json-c, libmicrohttpd, qemu, busybox,
#     kernel headers and source, what a kernel build needs, prometheus, dkms,
#     debootstrap for the Debian 13 root of the newest kernel line, iproute2
#     for the test's tap namespace)
#   - the few files we use from linux-source-6.12 (checkpatch, kselftest
#     harness), unpacked into $VS_CACHE/linux-source-6.12
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cache=${VS_CACHE:-/var/cache/virtio-status}
mkdir -p "$cache"

pkgs=(build-essential pkg-config libnl-3-dev libnl-genl-3-dev libjson-c-dev
      qemu-system-x86 busybox-static kmod xz-utils zstd cpio jq python3 dwarves
      linux-headers-amd64 linux-headers-6.12-amd64 linux-source-6.12
      libmicrohttpd-dev prometheus dkms
      bc bison flex libelf-dev libssl-dev
      debootstrap iproute2 util-linux)

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	echo "deps: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

src=$cache/linux-source-6.12
if [ ! -f "$src/.done" ]; then
	echo "deps: unpacking checkpatch and kselftest harness from linux-source-6.12"
	rm -rf "$src" && mkdir -p "$src"
	tar -xf /usr/src/linux-source-6.12.tar.xz -C "$src" --strip-components=1 \
		--wildcards '*/scripts/checkpatch.pl' '*/scripts/spelling.txt' \
		'*/scripts/const_structs.checkpatch' \
		'*/tools/testing/selftests/kselftest_harness.h' \
		'*/tools/testing/selftests/kselftest.h'
	touch "$src/.done"
fi
