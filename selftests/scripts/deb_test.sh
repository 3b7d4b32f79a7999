#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# deb_test.sh: the Debian packages, built and installed into fresh roots.
#   - `make deb` builds virtio-status-dkms and virtio-status on this
#     (Debian 12) host; lintian finds no error and no warning;
#   - the same source is built again inside a Debian 13 root
#     (selftests/vm/deb_root.sh trixie build): Debian 12's packages depend
#     on libmicrohttpd12, which Debian 13 renamed libmicrohttpd12t64 (the
#     64-bit time_t transition), so each release gets its own build;
#   - for Debian 12 and Debian 13, in a temporary overlay on a cached root
#     that has systemd, dkms, the release's linux-headers-amd64 and our
#     runtime libraries (deb_root.sh SUITE test; the cached root is never
#     written): `dpkg -i` both packages (policy-rc.d refuses every start),
#     then
#       * dkms built and installed the module for the root's kernel during
#         the install: `dkms status`, the .ko under updates/dkms, its
#         vermagic;
#       * `virtio-status --version` starts with "virtio-status VERSION",
#         the exporter's binary runs, every library resolves;
#       * the units are in /lib/systemd/system, systemd-analyze verify
#         accepts them, none is enabled; /etc/default's file is there;
#       * the man pages and the completion are installed (when the tree
#         has tools/man and tools/completion: SKIP otherwise);
#       * `dpkg --purge` both: no path of ours is left, and the root's file
#         list is what it was before the install (package databases, logs,
#         /run and depmod's index files aside); a file planted afterwards
#         must fail both checks.
#
# Prints "ok N - deb: ..." / "not ok N - deb: ..." and exits 1 if any check
# failed. Everything is made under one temporary directory, removed at the
# end (kept on failure, or with VS_DEB_KEEP=1); /var/lib/dkms, /usr/src and
# /lib/modules of this host are left alone, and a check says so.
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
export VS_CACHE=${VS_CACHE:-/var/cache/virtio-status}

VS_CHECK_PREFIX=deb
# shellcheck source=selftests/scripts/checks.sh
. "$top/selftests/scripts/checks.sh"
# a STATUS is taken into a variable first wherever a DESCRIPTION has a
# $(...): its expansion would reset $?
check() { vs_check "$@"; }
skip() { vs_skip "$@"; }

for c in dpkg-buildpackage lintian debootstrap unshare; do
	if ! command -v $c >/dev/null; then
		echo "not ok 1 - deb: $c is not installed (selftests/scripts/deps.sh installs it)"
		exit 1
	fi
done

ver=$(cat VERSION)
tmp=$(mktemp -d /tmp/vs-deb-test.XXXXXX)

# what must stay untouched on this host
system_state() {
	ls -la /var/lib/dkms /usr/src 2>&1
	find /lib/modules -mindepth 1 -maxdepth 3 2>&1 | sort
}
system_state > "$tmp/state.before"

# in_overlay BASE DIR CMD...: CMD chrooted in BASE overlaid with DIR/upper,
# in a private mount namespace: BASE is never written, and nothing stays
# mounted afterwards. /proc is mounted, and $tmp/share is at /mnt.
in_overlay() {
	local base=$1 ov=$2

	shift 2
	mkdir -p "$ov/upper" "$ov/work" "$ov/merged"
	unshare -m -- /bin/sh -c '
		b=$1 o=$2 s=$3; shift 3
		mount -t overlay overlay \
			-o "lowerdir=$b,upperdir=$o/upper,workdir=$o/work" "$o/merged" &&
			mount -t proc proc "$o/merged/proc" &&
			mount --bind "$s" "$o/merged/mnt" &&
			exec chroot "$o/merged" "$@"' sh "$base" "$ov" "$tmp/share" "$@"
}

# the tree's files (tracked, and new ones git does not ignore), as make deb
# takes them
copy_tree() {
	mkdir -p "$1"
	git ls-files -z --cached --others --exclude-standard |
		xargs -0 sh -c 'for f; do [ -e "$f" ] && printf "%s\0" "$f"; done' sh |
		tar -c --null -T - -f - | tar -x -C "$1" -f -
}

# -- build -----------------------------------------------------------------------
mkdir -p "$tmp/share"
t=$(date +%s)
make -s deb DEB_DIR="$tmp/deb-bookworm" > "$tmp/make-deb.log" 2>&1
ls "$tmp/deb-bookworm/virtio-status_${ver}_amd64.deb" \
	"$tmp/deb-bookworm/virtio-status-dkms_${ver}_all.deb" >/dev/null 2>&1
st=$?
check "make deb builds virtio-status and virtio-status-dkms $ver ($(( $(date +%s) - t ))s)" \
	$st "$tmp/make-deb.log"
lint=$tmp/deb-bookworm/lintian.txt
if [ -f "$lint" ]; then
	e=$(grep -c '^E: ' "$lint")
	w=$(grep -c '^W: ' "$lint")
	[ "$e" -eq 0 ]
	check "lintian: no error ($e E:)" $? "$lint"
	[ "$w" -eq 0 ]
	check "lintian: no warning ($w W:)" $? "$lint"
	grep '^[EWI]: ' "$lint" | sed 's/^/# lintian: /'
else
	check "lintian ran on the packages" 1 "$tmp/make-deb.log"
fi
# every override says why: a comment line right above it
bad=
for f in debian/*.lintian-overrides; do
	[ -e "$f" ] || continue
	bad+=$(awk -v f="$f" '/^[^#[:space:]]/ && prev !~ /^#/ { print " " f ":" NR } { prev = $0 }' "$f")
done
[ -z "$bad" ]
check "every lintian override has a comment saying why${bad:+ (not:$bad)}" $?

t=$(date +%s)
if broot=$(selftests/vm/deb_root.sh trixie build 2>"$tmp/root-trixie-build.log"); then
	copy_tree "$tmp/share/src"
	in_overlay "$broot" "$tmp/ov-build" /bin/sh -c \
		'cd /mnt/src && DEB_BUILD_OPTIONS=parallel=2 dpkg-buildpackage -b -us -uc' \
		> "$tmp/build-trixie.log" 2>&1
	st=$?
	mkdir -p "$tmp/deb-trixie"
	mv "$tmp/share/"*.deb "$tmp/deb-trixie/" 2>/dev/null
	[ $st -eq 0 ] && [ -f "$tmp/deb-trixie/virtio-status_${ver}_amd64.deb" ]
	st=$?
	check "the packages build in a Debian 13 root ($(( $(date +%s) - t ))s)" $st \
		"$tmp/build-trixie.log"
	rm -rf "$tmp/share/"* "$tmp/ov-build"
else
	check "the Debian 13 build root (deb_root.sh trixie build)" 1 "$tmp/root-trixie-build.log"
fi

# -- install, use, purge ----------------------------------------------------------
# what a purge may leave, and why: dpkg's own state and logs, debconf's
# cache, depmod's index files (made by the install's depmod on a root with
# headers but no kernel image, rewritten without our module at the purge:
# checked below), /tmp and /run (systemctl's marks), ldconfig's cache
unrelated='/(var/lib/dpkg|var/log|var/cache/debconf|tmp|var/tmp|run)(/.*)?'
unrelated+='|(/usr)?/lib/modules/[^/]+/modules\.[a-z.]+'
# (globs, expanded in the root; /lib is /usr/lib on a merged-/usr root)
ours='/usr/src/virtio-status* /var/lib/dkms/virtio-status /lib/modules/*/updates'
ours+=' /usr/bin/virtio-status* /lib/systemd/system/virtio-status*'
ours+=' /etc/default/virtio-status* /usr/share/man/man8/virtio-status*'
ours+=' /usr/share/bash-completion/completions/virtio-status*'
ours+=' /usr/share/doc/virtio-status* /etc/systemd/system/*/virtio-status*'
files_cmd='find / -xdev | sort'
units='virtio-status-exporter.service virtio-status-metrics.service virtio-status-metrics.timer'

# leftovers: what of ours the root holds ($left), and how its file list
# differs from the one before the install ($tmp/files-$suite.diff)
leftovers() {
	left=$(r /bin/sh -c "ls -d $ours 2>/dev/null" | tr '\n' ' ')
	r /bin/sh -c "$files_cmd" > "$tmp/files-$suite.after" 2>>"$log"
	diff "$tmp/files-$suite.before" "$tmp/files-$suite.after" | grep '^[<>]' |
		grep -vxE "[<>] ($unrelated)" > "$tmp/files-$suite.diff"
}

for suite in bookworm trixie; do
	case $suite in
	bookworm) rel="Debian 12" ;;
	trixie)   rel="Debian 13" ;;
	esac
	debs=$tmp/deb-$suite
	if ! [ -f "$debs/virtio-status_${ver}_amd64.deb" ]; then
		check "$rel: packages to install" 1
		continue
	fi
	t=$(date +%s)
	if ! base=$(selftests/vm/deb_root.sh $suite test 2>"$tmp/root-$suite.log"); then
		check "$rel: the test root (deb_root.sh $suite test)" 1 "$tmp/root-$suite.log"
		continue
	fi
	echo "# $rel: the test root $base ($(( $(date +%s) - t ))s)"
	t=$(date +%s)
	ov=$tmp/ov-$suite
	log=$tmp/$suite.log
	r() { in_overlay "$base" "$ov" "$@"; }
	# the root's kernel: the one whose headers it has
	kvers=$(r /bin/sh -c 'for k in /lib/modules/*; do
		[ -e "$k/build/Makefile" ] && echo "${k##*/}"; done' 2>&1 | tr '\n' ' ')
	kver=${kvers%% *}
	[ -n "$kver" ] && [ "$kvers" = "$kver " ]
	check "$rel: the root has the headers of one kernel ($kvers)" $?

	cp "$debs/virtio-status_${ver}_amd64.deb" "$debs/virtio-status-dkms_${ver}_all.deb" \
		"$tmp/share/"
	r /bin/sh -c "$files_cmd" > "$tmp/files-$suite.before" 2>"$log"
	r env DEBIAN_FRONTEND=noninteractive dpkg -i /mnt/virtio-status-dkms_${ver}_all.deb \
		/mnt/virtio-status_${ver}_amd64.deb >> "$log" 2>&1
	st=$?
	check "$rel: dpkg -i both packages ($(( $(date +%s) - t ))s)" $st "$log"

	# dkms, during the install
	r dkms status virtio-status/$ver -k "$kver" > "$tmp/dkms-$suite.txt" 2>&1
	grep -q "^virtio-status/$ver, $kver, [^:]*: installed" "$tmp/dkms-$suite.txt"
	check "$rel: dkms status: virtio-status/$ver installed for $kver" $? "$tmp/dkms-$suite.txt"
	ko=$(r /bin/sh -c "ls -d /lib/modules/$kver/updates/dkms/virtio_status.ko*" 2>/dev/null |
		head -n 1)
	[ -n "$ko" ]
	check "$rel: ${ko:-/lib/modules/$kver/updates/dkms/virtio_status.ko} exists" $? "$log"
	vm=$(r modinfo -F vermagic "${ko:-none}" 2>&1)
	[ "${vm%% *}" = "$kver" ]
	check "$rel: its vermagic is $kver's ('$vm')" $?
	r /bin/sh -c "cat /var/lib/dkms/virtio-status/$ver/$kver/*/log/make.log" 2>/dev/null |
		sed -n 's/^gen_vhost_layout: /# '"$rel"': /p'
	r grep -q "updates/dkms/virtio_status.ko" "/lib/modules/$kver/modules.dep"
	check "$rel: depmod's modules.dep lists it" $?

	# the CLI and the exporter
	r virtio-status --version > "$tmp/version-$suite.txt" 2>&1
	st=$?
	[ $st -eq 0 ] && [ "$(head -n 1 "$tmp/version-$suite.txt")" = "virtio-status $ver" ]
	check "$rel: virtio-status --version says 'virtio-status $ver' and exits 0 (exit $st)" $? \
		"$tmp/version-$suite.txt"
	r virtio-status-exporter --help > "$tmp/exporter-$suite.txt" 2>&1
	check "$rel: virtio-status-exporter --help exits 0" $? "$tmp/exporter-$suite.txt"
	r /bin/sh -c 'for b in /usr/bin/virtio-status*; do ldd $b; done' > "$tmp/ldd-$suite.txt" 2>&1 &&
		! grep -q 'not found' "$tmp/ldd-$suite.txt"
	check "$rel: every library of the binaries resolves" $? "$tmp/ldd-$suite.txt"

	# the units: there, valid, not enabled
	have=$(r /bin/sh -c 'cd /lib/systemd/system && ls -d virtio-status*' 2>&1 | tr '\n' ' ')
	[ "$have" = "$units " ]
	st=$?
	[ $st -eq 0 ] && have=
	check "$rel: the units in /lib/systemd/system are $units${have:+ (have: $have)}" $st
	r systemd-analyze verify --man=no $(printf '/lib/systemd/system/%s ' $units) \
		> "$tmp/verify-$suite.txt" 2>&1 && ! grep -q . "$tmp/verify-$suite.txt"
	check "$rel: systemd-analyze verify accepts them, silently" $? "$tmp/verify-$suite.txt"
	r grep -q '^ExecStart=/usr/bin/virtio-status-exporter \$VS_EXPORTER_ARGS$' \
		/lib/systemd/system/virtio-status-exporter.service
	check "$rel: the exporter's unit runs /usr/bin/virtio-status-exporter \$VS_EXPORTER_ARGS" $?
	# the metrics service has no [Install]: the timer starts it
	r systemctl is-enabled $units > "$tmp/enabled-$suite.txt" 2>&1
	got=$(tr '\n' ' ' < "$tmp/enabled-$suite.txt")
	[ "$got" = "disabled static disabled " ] &&
		[ -z "$(r find /etc/systemd -name 'virtio-status*' 2>&1)" ]
	check "$rel: none is enabled (systemctl is-enabled: $got)" $? "$tmp/enabled-$suite.txt"
	r test -f /etc/default/virtio-status-exporter
	check "$rel: /etc/default/virtio-status-exporter is there" $?

	# man pages and completion, once the tree has them
	if [ -e tools/man/virtio-status.8.scd ]; then
		st=0
		for m in virtio-status virtio-status-exporter; do
			r /bin/sh -c "zcat /usr/share/man/man8/$m.8.gz | grep -q '^\.TH'" || st=1
		done
		check "$rel: the man pages virtio-status(8) and virtio-status-exporter(8) are installed" $st
	else
		skip "$rel: the man pages are installed" "no tools/man in this tree"
	fi
	if [ -e tools/completion/virtio-status.bash ]; then
		r test -s /usr/share/bash-completion/completions/virtio-status &&
			r test -e /usr/share/bash-completion/completions/virtio-status-exporter
		check "$rel: the bash completion of both commands is installed" $?
	else
		skip "$rel: the bash completion is installed" "no tools/completion in this tree"
	fi

	# purge
	r env DEBIAN_FRONTEND=noninteractive dpkg --purge virtio-status virtio-status-dkms \
		>> "$log" 2>&1
	check "$rel: dpkg --purge both" $? "$log"
	leftovers
	[ -z "$left" ]
	check "$rel: nothing of ours is left${left:+ ($left)}" $?
	! grep -q . "$tmp/files-$suite.diff"
	check "$rel: after the purge the root holds the files it held before" $? \
		"$tmp/files-$suite.diff"
	r grep -q virtio_status "/lib/modules/$kver/modules.dep" 2>/dev/null
	[ $? -ne 0 ]
	check "$rel: depmod's modules.dep no longer lists it" $?
	# the two checks above see what a purge would leave behind
	r touch /etc/default/virtio-status-stray
	leftovers
	[ "$left" = "/etc/default/virtio-status-stray " ] &&
		[ "$(cat "$tmp/files-$suite.diff")" = "> /etc/default/virtio-status-stray" ]
	check "$rel: a file planted after the purge is found by both" $? "$tmp/files-$suite.diff"
	echo "# $rel: install, checks and purge took $(( $(date +%s) - t ))s"
	rm -rf "$tmp/share/"* "$ov"
done

system_state > "$tmp/state.after"
diff "$tmp/state.before" "$tmp/state.after" > "$tmp/state.diff"
check "this host's /var/lib/dkms, /usr/src and /lib/modules are untouched" $? "$tmp/state.diff"

if [ $failed -gt 0 ] || [ "${VS_DEB_KEEP:-}" = 1 ]; then
	echo "# logs kept in $tmp"
	rm -rf "$tmp"/ov-* "$tmp/share"
else
	rm -rf "$tmp"
fi
vs_checks_end
