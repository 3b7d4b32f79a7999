#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# qemu10.sh: fetch QEMU 10.0 from Debian's bookworm-backports suite into
# $VS_CACHE/qemu10 (apt-get download + dpkg -x; nothing is installed, the
# machine's sources are not changed) and print the path of its
# qemu-system-x86_64. The oracle tests run a second time against it.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
dir=${VS_CACHE:-/var/cache/virtio-status}/qemu10
bin=$dir/root/usr/bin/qemu-system-x86_64

if [ ! -x "$bin" ] || ! "$bin" --version >/dev/null 2>&1; then
	rm -rf "$dir"
	mkdir -p "$dir/state/lists/partial" "$dir/cache/archives/partial" "$dir/root"
	echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg]" \
		"http://deb.debian.org/debian bookworm-backports main" > "$dir/sources.list"
	apt=(-o Dir::Etc::SourceList="$dir/sources.list" -o Dir::Etc::SourceParts=/dev/null
	     -o Dir::State="$dir/state" -o Dir::Cache="$dir/cache"
	     -o Dir::State::status=/var/lib/dpkg/status)
	apt-get "${apt[@]}" -qq update >&2
	(cd "$dir" && apt-get "${apt[@]}" -qq download \
		qemu-system-x86/bookworm-backports qemu-system-common/bookworm-backports \
		qemu-system-data/bookworm-backports >&2 2>/dev/null)
	for deb in "$dir"/*.deb; do
		dpkg -x "$deb" "$dir/root"
	done
fi
version=$("$bin" --version | head -n 1)
case $version in
*"version 10."*) ;;
*) echo "qemu10.sh: $bin is not QEMU 10: $version" >&2; exit 1 ;;
esac
echo "$bin"
