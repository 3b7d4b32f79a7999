#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install everything the build and the tests need, once. Idempotent: a second
# run on a prepared machine does no network work.
#   - Debian packages (compiler, libnl, json-c, libmicrohttpd, qemu, busybox,
#     kernel headers and source, what a kernel build needs, prometheus, dkms,
#     debootstrap for the Debian 13 root of the newest kernel line and the
#     package tests' roots, iproute2 for the test's tap namespace, scdoc for
#     the man pages and man-db to render them in docs_test.sh, what
#     `make deb` needs: debhelper, dh-dkms, lintian, bash-completion; curl
#     and openssl for exporter_tls_test.sh)
#   - the few files we use from linux-source-6.12 (checkpatch, kselftest
#     harness), unpacked into $VS_CACHE/linux-source-6.12
#   - the kernel's netlink spec tools (ynl) of the linux-source-6.12 version
#     pinned in tools/ynl/pin, unpacked into $VS_CACHE/ynl/VERSION
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
cache=${VS_CACHE:-/var/cache/virtio-status}
mkdir -p "$cache"

pkgs=(build-essential pkg-config libnl-3-dev libnl-genl-3-dev libjson-c-dev
      qemu-system-x86 busybox-static kmod xz-utils zstd cpio jq python3 dwarves
      linux-headers-amd64 linux-headers-6.12-amd64 linux-source-6.12
      libmicrohttpd-dev prometheus dkms
      bc bison flex libelf-dev libssl-dev
      debootstrap iproute2 util-linux python3-yaml python3-jsonschema
      curl openssl scdoc man-db groff-base
      dpkg-dev debhelper dh-dkms lintian bash-completion)

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

# ynl (tools/net/ynl and the netlink schemas), of the pinned version only:
# tools/ynl/regen.py checks the files' hashes. The unpacked tree is kept by
# version, so a later linux-source-6.12 upload leaves it in place.
pin_version=$(awk '$1 == "version" { print $2 }' "$top/tools/ynl/pin")
have_version=$(dpkg-query -W -f='${Version}' linux-source-6.12)
ynl=$cache/ynl/$pin_version
if [ ! -f "$ynl/.done" ]; then
	if [ "$have_version" != "$pin_version" ]; then
		echo "deps: NOTICE: linux-source-6.12 is $have_version, tools/ynl/pin wants" \
			"$pin_version; trying that version" >&2
		tmp=$(mktemp -d)
		if (cd "$tmp" && apt-get download -qq "linux-source-6.12=$pin_version" \
			>/dev/null 2>&1); then
			dpkg-deb --fsys-tarfile "$tmp"/linux-source-6.12_*.deb |
				tar -xO --wildcards '*/linux-source-6.12.tar.xz' > "$tmp/src.tar.xz"
			tarball=$tmp/src.tar.xz
		else
			echo "deps: WARNING: linux-source-6.12 $pin_version cannot be" \
				"fetched; make check's regen step will say SKIP" >&2
			tarball=
		fi
	else
		tarball=/usr/src/linux-source-6.12.tar.xz
	fi
	if [ -n "$tarball" ]; then
		echo "deps: unpacking ynl from linux-source-6.12 $pin_version"
		rm -rf "$ynl" && mkdir -p "$ynl"
		tar -xf "$tarball" -C "$ynl" --strip-components=1 \
			--wildcards '*/tools/net/ynl/*' '*/Documentation/netlink/*'
		touch "$ynl/.done"
	fi
	[ -n "${tmp:-}" ] && rm -rf "$tmp"
fi
