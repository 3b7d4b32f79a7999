#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# dkms_test.sh [KERNEL_LINE ...]: DKMS on the build host (default lines: 6.1
# 6.12). dkms only builds here, nothing is loaded. Everything happens in
# private trees under one temporary directory (dkms --dkmstree, --sourcetree,
# --installtree, --no-depmod, a private signing key): /var/lib/dkms, /usr/src
# and /lib/modules are left alone, and a check says so.
#
#   - `make dkms-source` + `dkms add`;
#   - a kernel whose .config lacks CONFIG_VIRTIO is refused (exit 77) with a
#     message naming the option; one without CONFIG_VHOST is built, with
#     vhost support off and the reason in make.log;
#   - for each kernel line, `dkms build` against its installed headers: the
#     module exists, its vermagic is that kernel's, and vhost support is on
#     when this host has the kernel's vhost modules and BTF where Debian puts
#     them (off, with the reason in make.log and in the module, when not);
#     when off, a second build given the cached kernel's modules and vmlinux
#     through VS_VMLINUX / VS_VHOST_MODDIR must have it on;
#   - gen_vhost_layout.py takes each kernel's vmlinux out of its vmlinuz
#     byte for byte as kernels.sh does (the BTF base for a kernel not booted);
#   - `dkms install` / `uninstall` into the private install tree (as root);
#   - `dkms remove --all` leaves an empty tree.
#
# Prints "ok N - ..." / "not ok N - ..." and exits 1 if any check failed.
# VS_DKMS_KEEP=1 keeps the temporary directory (it is kept on failure too).
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
lines=("$@")
[ ${#lines[@]} -gt 0 ] || lines=(6.1 6.12)

VS_CHECK_PREFIX=dkms
# shellcheck source=selftests/scripts/checks.sh
. "$top/selftests/scripts/checks.sh"
# check DESCRIPTION [DETAIL] STATUS [LOGFILE]: DETAIL is added to the
# description, the temporary directory shown as <tmp>
check() {
	local what=$1

	shift
	[[ $1 =~ ^[0-9]+$ ]] || { what="$what $1"; shift; }
	vs_check "${what//"${tmp:-/nonexistent}"/<tmp>}" "$@"
}
skip() { vs_skip "$@"; }

if ! command -v dkms >/dev/null; then
	echo "not ok 1 - dkms: dkms is not installed (selftests/scripts/deps.sh installs it)"
	exit 1
fi

tmp=$(mktemp -d /tmp/vs-dkms-test.XXXXXX)
ver=$(cat VERSION)
mod=virtio-status/$ver
arch=$(uname -m)
tree=$tmp/dkms
src=$tmp/root/usr/src
inst=$tmp/modules
mkdir -p "$tree" "$inst" "$tmp/empty"
# dkms signs modules, and would make its key in /var/lib/dkms unless told
export mok_signing_key=$tmp/mok.key mok_certificate=$tmp/mok.pub

dk() {
	dkms --dkmstree "$tree" --sourcetree "$src" --installtree "$inst" --no-depmod "$@"
}

# what must stay untouched
system_state() {
	ls -la /var/lib/dkms /usr/src 2>&1
	find /lib/modules -mindepth 2 -maxdepth 3 -name '*updates*' 2>&1 | sort
	find /lib/modules /var/lib/dkms -name 'virtio_status.ko*' 2>&1 | sort
}
system_state > "$tmp/state.before"

# ko_text FILE: the module, uncompressed, on stdout
ko_text() {
	case $1 in
	*.xz)  xz -dc "$1" ;;
	*.zst) zstd -dcq "$1" ;;
	*.gz)  gzip -dc "$1" ;;
	*)     cat "$1" ;;
	esac
}

# built_ko KVER: the module dkms keeps for KVER
built_ko() {
	local f

	for f in "$tree/virtio-status/$ver/$1/$arch/module/virtio_status.ko"*; do
		[ -f "$f" ] && echo "$f" && return
	done
}

# host_has_vhost KVER: does this host have KVER's vhost modules and BTF
# where dkms.conf says they are looked for
host_has_vhost() {
	local d=/lib/modules/$1/kernel/drivers/vhost m

	for m in vhost vhost_net vhost_vsock; do
		ls "$d/$m.ko"* >/dev/null 2>&1 || return 1
	done
	{ [ "$1" = "$(uname -r)" ] && [ -e /sys/kernel/btf/vmlinux ]; } ||
		[ -f "/usr/lib/debug/boot/vmlinux-$1" ] || [ -f "/boot/vmlinux-$1" ] ||
		[ -f "/boot/vmlinuz-$1" ]
}

# check_built KVER WHAT VHOST(on|off) LOG: a build's module, vermagic and vhost state
check_built() {
	local kver=$1 what=$2 want=$3 log=$4 ko vm reason

	ko=$(built_ko "$kver")
	[ -n "$ko" ]
	check "$what: dkms keeps virtio_status.ko for $kver" $? "$log"
	[ -n "$ko" ] || return 0
	ko_text "$ko" > "$tmp/check.ko"
	vm=$(modinfo -F vermagic "$tmp/check.ko" 2>&1)
	[ "${vm%% *}" = "$kver" ]
	check "$what: its vermagic is $kver's ('$vm')" $?
	if [ "$want" = on ]; then
		! grep -q 'vhost support off' "$log" &&
			grep -aqF "$kver, from the BTF of its vhost modules" "$tmp/check.ko"
		check "$what: vhost support is on (layout from $kver's vhost modules)" $? "$log"
	else
		reason=$(sed -n 's/^gen_vhost_layout: vhost support off: //p' "$log" | head -n1)
		[ -n "$reason" ] && grep -aqF "$reason" "$tmp/check.ko"
		check "$what: vhost support is off, make.log and the module say why:" \
			"${reason:-nothing}" $? "$log"
	fi
}

# fake_kernel DIR KBUILD SED: a kernel build dir like KBUILD whose .config is edited by SED
fake_kernel() {
	local f

	mkdir -p "$1"
	for f in "$2"/* "$2"/.[!.]*; do
		[ -e "$f" ] && [ "${f##*/}" != .config ] && ln -s "$f" "$1/"
	done
	sed "$3" "$2/.config" > "$1/.config"
}

# -- add ------------------------------------------------------------------------
make -s dkms-source DESTDIR="$tmp/root" > "$tmp/add.log" 2>&1 &&
	[ -f "$src/virtio-status-$ver/dkms.conf" ] &&
	[ -z "$(find "$src/virtio-status-$ver" -name '*.o' -o -name '*.ko' -o -name vhost_layout.h)" ]
check "make dkms-source puts the sources, and no build products, in $src/virtio-status-$ver" \
	$? "$tmp/add.log"
dk add "$mod" >> "$tmp/add.log" 2>&1 && dk status "$mod" 2>&1 | grep -q "^$mod: added"
check "dkms add registers $mod (version from VERSION)" $? "$tmp/add.log"

# -- refusals (a kernel must not have been built yet: dkms checks that first) ----
# the fake kernels are copies of the first line's headers
if ! vars=$(selftests/vm/kernels.sh --print "${lines[0]}" 2>"$tmp/kernels.log"); then
	check "kernels.sh finds the ${lines[0]} kernel and its headers" 1 "$tmp/kernels.log"
	exit 1
fi
eval "$vars"
fake_kernel "$tmp/k-novirtio" "$KBUILD" 's/^CONFIG_VIRTIO=.*/# CONFIG_VIRTIO is not set/'
! grep -q '^CONFIG_VIRTIO=' "$tmp/k-novirtio/.config"
check "the fake kernel's .config has no CONFIG_VIRTIO" $?
dk build "$mod" -k "$KVER" --kernelsourcedir "$tmp/k-novirtio" > "$tmp/novirtio.log" 2>&1
rc=$?
[ $rc -eq 77 ] && grep -q 'BUILD_EXCLUSIVE' "$tmp/novirtio.log" &&
	grep -q "kernel $KVER is refused: .* does not enable CONFIG_VIRTIO" "$tmp/novirtio.log" &&
	[ -z "$(built_ko "$KVER")" ]
check "a kernel without CONFIG_VIRTIO is refused (exit $rc, want 77) and the message names it" \
	$? "$tmp/novirtio.log"

fake_kernel "$tmp/k-novhost" "$KBUILD" '/^CONFIG_VHOST[A-Z_]*=/d'
# its BTF is there, its vhost modules are not
VS_VMLINUX=$VMLINUX VS_VHOST_MODDIR=$tmp/empty \
	dk build "$mod" -k "$KVER" --kernelsourcedir "$tmp/k-novhost" > "$tmp/novhost.log" 2>&1
check "a kernel without CONFIG_VHOST (and no vhost modules) is built" $? "$tmp/novhost.log"
cp "$tree/virtio-status/$ver/$KVER/$arch/log/make.log" "$tmp/novhost-make.log" 2>/dev/null
check_built "$KVER" "no CONFIG_VHOST" off "$tmp/novhost-make.log"
grep -q "no vhost.ko under $tmp/empty" "$tmp/novhost-make.log"
check "no CONFIG_VHOST: the reason is that there are no vhost modules" $? "$tmp/novhost-make.log"
dk unbuild "$mod" -k "$KVER" > "$tmp/unbuild.log" 2>&1 && [ -z "$(built_ko "$KVER")" ]
check "dkms unbuild $KVER" $? "$tmp/unbuild.log"

# -- every kernel line ---------------------------------------------------------------
for line in "${lines[@]}"; do
	if ! vars=$(selftests/vm/kernels.sh --print "$line" 2>"$tmp/kernels-$line.log"); then
		check "$line: kernels.sh finds the kernel and its headers" 1 "$tmp/kernels-$line.log"
		continue
	fi
	eval "$vars"
	log=$tmp/build-$line.log
	mlog=$tree/virtio-status/$ver/$KVER/$arch/log/make.log
	t=$(date +%s)
	dk build "$mod" -k "$KVER" > "$log" 2>&1
	check "$line: dkms build -k $KVER against $KBUILD ($(( $(date +%s) - t ))s)" $? "$log"
	cp "$mlog" "$tmp/make-$line.log" 2>/dev/null
	# A user's build must not fail on the next compiler's new warning. dkms
	# deletes its build folder, so run its MAKE line (dkms.conf) by hand on
	# a copy of the same sources, and look at the compiler's command line.
	rm -rf "$tmp/werror" && cp -r "$src/virtio-status-$ver" "$tmp/werror"
	make -s -C "$KBUILD" M="$tmp/werror" modules > "$tmp/werror.log" 2>&1 &&
		grep -q 'gcc' "$tmp/werror/kmod/.main.o.cmd" &&
		! grep -qE -- '-Werror( |$)' "$tmp/werror/kmod/.main.o.cmd"
	check "$line: dkms.conf's build compiles without -Werror" $? "$tmp/werror.log"
	if host_has_vhost "$KVER"; then
		check_built "$KVER" "$line" on "$tmp/make-$line.log"
		continue
	fi
	check_built "$KVER" "$line (this host has not got its vhost modules)" off \
		"$tmp/make-$line.log"
	# the same kernel given its vhost modules and BTF, from the kernel cache
	VS_VMLINUX=$VMLINUX VS_VHOST_MODDIR=$MODROOT/lib/modules/$KVER/kernel/drivers/vhost \
		dk build --force "$mod" -k "$KVER" > "$log" 2>&1
	check "$line: dkms build --force with VS_VMLINUX and VS_VHOST_MODDIR" $? "$log"
	cp "$mlog" "$tmp/make-$line.log" 2>/dev/null
	check_built "$KVER" "$line (VS_VMLINUX)" on "$tmp/make-$line.log"
	! grep -q 'is untested' "$tmp/make-$line.log"
	check "$line: with its BTF, the kernel's fingerprint is a tested one" $? \
		"$tmp/make-$line.log"
	# a kernel whose interfaces differ: the DKMS build says so
	VS_FINGERPRINT_TEST=perturb VS_VMLINUX=$VMLINUX \
		VS_VHOST_MODDIR=$MODROOT/lib/modules/$KVER/kernel/drivers/vhost \
		dk build --force "$mod" -k "$KVER" > "$log" 2>&1
	cp "$mlog" "$tmp/make-$line-untested.log" 2>/dev/null
	grep -q "virtio-status: kernel $KVER is untested: .*list-only mode" \
		"$tmp/make-$line-untested.log"
	check "$line: a DKMS build for an untested kernel says so in make.log" $? \
		"$tmp/make-$line-untested.log"
done

# -- the vmlinux inside /boot/vmlinuz-KVER: the BTF base for a kernel not running --------
for line in "${lines[@]}"; do
	vars=$(selftests/vm/kernels.sh --print "$line" 2>/dev/null) || continue
	eval "$vars"
	PYTHONDONTWRITEBYTECODE=1 python3 - "$top/kmod" "$VMLINUZ" "$KVER" "$VMLINUX" \
		> "$tmp/bzimage-$line.log" 2>&1 <<-'EOF'
	import sys, tempfile
	sys.path.insert(0, sys.argv[1])
	import vs_btf as g
	with tempfile.TemporaryDirectory() as d:
	    got = open(g.vmlinux_from_bzimage(sys.argv[2], sys.argv[3], d), 'rb').read()
	sys.exit(got != open(sys.argv[4], 'rb').read())
	EOF
	check "$line: gen_vhost_layout.py takes the vmlinux out of vmlinuz-$KVER" $? \
		"$tmp/bzimage-$line.log"
done

# -- install, uninstall (private install tree, no depmod) ----------------------------
kver=
for d in "$tree/virtio-status/$ver"/*/"$arch"; do
	[ -d "$d" ] && kver=$(basename "$(dirname "$d")") && break
done
if [ "$(id -u)" != 0 ]; then
	skip "dkms install into a private tree" "dkms install wants root"
elif [ -z "$kver" ]; then
	check "dkms install: a kernel to install for" 1
else
	mkdir -p "$inst/$kver"
	dk install "$mod" -k "$kver" > "$tmp/install.log" 2>&1 &&
		ls "$inst/$kver/updates/dkms/virtio_status.ko"* >/dev/null 2>&1 &&
		dk status "$mod" -k "$kver" 2>&1 | grep -q ': installed'
	check "dkms install -k $kver puts the module in <tree>/$kver/updates/dkms" $? \
		"$tmp/install.log"
	dk uninstall "$mod" -k "$kver" > "$tmp/uninstall.log" 2>&1 &&
		! ls "$inst/$kver/updates/dkms/virtio_status.ko"* >/dev/null 2>&1
	check "dkms uninstall -k $kver takes it out again" $? "$tmp/uninstall.log"
fi

# -- remove ----------------------------------------------------------------------------
dk remove "$mod" --all > "$tmp/remove.log" 2>&1 && [ ! -e "$tree/virtio-status/$ver" ] &&
	[ -z "$(dk status 2>&1)" ]
check "dkms remove --all leaves nothing in the tree" $? "$tmp/remove.log"

system_state > "$tmp/state.after"
diff "$tmp/state.before" "$tmp/state.after" > "$tmp/state.diff"
check "/var/lib/dkms, /usr/src and /lib/modules are untouched" $? "$tmp/state.diff"

if [ $failed -gt 0 ] || [ "${VS_DKMS_KEEP:-}" = 1 ]; then
	echo "# logs and trees kept in $tmp"
else
	rm -rf "$tmp"
fi
vs_checks_end
