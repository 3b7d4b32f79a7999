#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run_all.sh [KERNEL_LINE ...]: what `make check` runs.
#   1. checkpatch --strict on every C file (make lint), and the files
#      generated from uapi/virtio_status.yaml regenerate unchanged
#   2. the CLI's host unit tests (tools/virtio-status-test), and the
#      host-side checks of the metrics, alert rules and dashboard
#      (tools/monitoring/check.sh: promtool check metrics, check rules,
#      test rules, check_dashboard.py), the man pages and the bash
#      completion against the C source (selftests/scripts/docs_test.sh),
#      and the exporter's HTTPS and basic auth (exporter_tls_test.sh)
#   3. the Debian packages (selftests/scripts/deb_test.sh): make deb and
#      lintian, then installed into fresh Debian 12 and 13 roots, where
#      dkms builds the module for their kernels, and purged without a trace
#   4. for each kernel line (default: 6.1 6.12 newest debug): build the
#      module against that kernel's headers (warnings are errors; "newest" is
#      Debian 13 backports' newest kernel, built for inside a Debian 13 root:
#      selftests/vm/kernels.sh, trixie_root.sh), then
#      selftests/groups/vm_tests.py boots it and runs the netlink, CLI,
#      QEMU-oracle, hot-plug and reload tests inside (the vhost walk's
#      harm to the machine too: vhost-vsock CID reuse beside dump loops, a
#      dump among 100000 fds and 2000 threads under tightened stall
#      detectors), plus a module built for an
#      "untested" kernel (list-only mode) and, on newest, feature bits
#      above 63 under QEMU 11.1; "debug" is our KASAN/lockdep/kmemleak
#      build of 6.12 (selftests/vm/debug_kernel.sh, built once and cached;
#      20-35 min on 2 cores), whose leg runs every group that drives
#      kernel code (not metrics/serve, userspace over the same requests),
#      the churn and hot-plug tests longer (--long), ends with a kmemleak
#      scan, then proves those checks fail on selftests/canary/vs_canary.ko's
#      bugs;
#   5. the QEMU oracle once more against QEMU 10.0 (bookworm-backports).
# Every check prints "ok ..." or "not ok ..."; the last line counts them:
# "N passed, N failed". Logs go to $VS_CACHE/logs. $VS_CACHE (default
# /var/cache/virtio-status) is machine-wide and keyed by content, so that a
# later run on the same machine (CI after a session) reuses kernels, roots
# and the debug kernel build.
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
export VS_CACHE=${VS_CACHE:-/var/cache/virtio-status}
logs=$VS_CACHE/logs
mkdir -p "$logs"
lines=("$@")
[ ${#lines[@]} -gt 0 ] || lines=(6.1 6.12 newest debug)
results=$logs/results.txt
: > "$results"

# record NAME STATUS [LOGFILE]: one top-level check
record() {
	local name=$1 rc=$2 log=${3:-}

	if [ "$rc" -eq 0 ]; then
		echo "ok - $name" | tee -a "$results"
	else
		echo "not ok - $name" | tee -a "$results"
		[ -n "$log" ] && tail -n 30 "$log" | sed 's/^/#   /'
	fi
}

# collect LOGFILE PREFIX: copy a sub-run's KTAP result lines into the tally
collect() {
	grep -E '^(not )?ok [0-9]+ ' "$1" | sed "s/^\(\(not \)\?ok\) [0-9]* -\? */\1 - $2/" |
		tee -a "$results"
}

t0=$(date +%s)

make -s lint > "$logs/lint.log" 2>&1
st=$?
grep -qE '^(ERROR|WARNING|CHECK):' "$logs/lint.log" && st=1
record "lint: checkpatch --strict is clean" $st "$logs/lint.log"

# the files generated from the spec are what the spec says (make regen),
# and the check would see a spec edited without regenerating
/usr/bin/python3 tools/ynl/regen.py --check > "$logs/regen.log" 2>&1
st=$?
if grep -q '^regen: SKIP' "$logs/regen.log"; then
	echo "ok - regen: $(grep '^regen: SKIP' "$logs/regen.log" | sed 's/^regen: SKIP: //') # SKIP" |
		tee -a "$results"
else
	record "regen: uapi, kernel and CLI tables match uapi/virtio_status.yaml" $st \
		"$logs/regen.log"
	rtmp=$(mktemp -d)
	mkdir -p "$rtmp/uapi/linux" "$rtmp/kmod" "$rtmp/tools/lib"
	cp uapi/linux/virtio_status.h "$rtmp/uapi/linux/"
	cp kmod/vs_nl_gen.[ch] "$rtmp/kmod/" && cp tools/lib/vs_nl_gen.[ch] "$rtmp/tools/lib/"
	# holders-sent 64 -> 65, nothing regenerated
	sed '/name: holders-sent/{n;s/value: 64/value: 65/}' uapi/virtio_status.yaml \
		> "$rtmp/uapi/virtio_status.yaml"
	/usr/bin/python3 tools/ynl/regen.py --check --top "$rtmp" > "$logs/regen-neg.log" 2>&1
	st=$?
	grep -qE '^\+#define VIRTIO_STATUS_HOLDERS_SENT\s+65' "$logs/regen-neg.log" && [ $st -eq 1 ]
	record "regen: a spec changed without make regen fails the check" $? "$logs/regen-neg.log"
	rm -rf "$rtmp"
fi

make -s -C tools > "$logs/tools-build.log" 2>&1
record "build: the CLI" $? "$logs/tools-build.log"
make -s -C selftests > "$logs/selftests-build.log" 2>&1
record "build: the selftests" $? "$logs/selftests-build.log"

# the feature tables are checked against the newest kernel's uapi headers
# too: those of the newest line, in its Debian 13 root
if vars=$(selftests/vm/kernels.sh --print newest 2>"$logs/kernels-newest.log"); then
	eval "$vars"
	export VS_UAPI_NEWEST=$CHROOT/usr/src/linux-headers-${KVER%-amd64}-common/include/uapi
fi
make -s -C tools test > "$logs/unit.log" 2>&1
st=$?
collect "$logs/unit.log" "unit: "
record "unit: the CLI's host unit tests exit 0" $st "$logs/unit.log"

# the exporter's HTTPS and basic auth, on this host (curl, openssl)
selftests/scripts/exporter_tls_test.sh > "$logs/exporter-tls.log" 2>&1
st=$?
collect "$logs/exporter-tls.log" ""
record "exporter-tls: exporter_tls_test.sh exits 0" $st "$logs/exporter-tls.log"

# the man pages render without warnings and document every command and
# option of tools/cmd; the bash completion offers them (no kernel)
selftests/scripts/docs_test.sh > "$logs/docs.log" 2>&1
st=$?
collect "$logs/docs.log" ""
record "docs: docs_test.sh exits 0" $st "$logs/docs.log"

# the metrics, the alert rules and the dashboard, host side: promtool
# check metrics on the fake backend's output for a guest and a host,
# promtool check/test rules, the dashboard's metric names
tools/monitoring/check.sh > "$logs/monitoring.log" 2>&1
st=$?
collect "$logs/monitoring.log" "monitoring: "
record "monitoring: tools/monitoring/check.sh exits 0" $st "$logs/monitoring.log"

# dkms add/build/install/remove in private trees, for the real kernel lines
dk=()
# (the newest line builds in its Debian 13 root, not with this host's dkms)
for line in "${lines[@]}"; do [ "$line" = debug ] || [ "$line" = newest ] || dk+=("$line"); done
t=$(date +%s)
selftests/scripts/dkms_test.sh "${dk[@]}" > "$logs/dkms.log" 2>&1
st=$?
collect "$logs/dkms.log" ""
record "dkms: dkms_test.sh exits 0 ($(( $(date +%s) - t ))s)" $st "$logs/dkms.log"

# the Debian packages: built (lintian), installed into fresh Debian 12 and
# 13 roots (dkms builds the module for their kernels), purged
t=$(date +%s)
selftests/scripts/deb_test.sh > "$logs/deb.log" 2>&1
st=$?
collect "$logs/deb.log" ""
record "deb: deb_test.sh exits 0 ($(( $(date +%s) - t ))s)" $st "$logs/deb.log"

# the VM rig itself: a QEMU that aborts in its firmware phase is booted
# again, once, and never once the kernel runs
for line in "${lines[@]}"; do
	[ "$line" = debug ] && continue
	python3 selftests/vm/rig_abort_test.py --kernel "$line" > "$logs/rig.log" 2>&1
	st=$?
	collect "$logs/rig.log" ""
	record "rig: rig_abort_test.py exits 0" $st "$logs/rig.log"
	break
done

for line in "${lines[@]}"; do
	t=$(date +%s)
	long=()
	if [ "$line" = debug ]; then
		# every group that drives kernel code, hot-plug and churn longer;
		# metrics and serve are userspace over the same requests as cli
		long=(--long --only netlink --only cli --only oracle --only hotplug
		      --only vhost --only walk --only events --only reload --only locks
		      --only mmio)
		selftests/vm/debug_kernel.sh > "$logs/debug-kernel.log" 2>&1
		st=$?
		record "debug: build the debug kernel or reuse the cached one ($(( $(date +%s) - t ))s)" \
			$st "$logs/debug-kernel.log"
		[ $st -eq 0 ] || continue
	fi
	if ! vars=$(selftests/vm/kernels.sh --print "$line" 2>"$logs/kernels-$line.log"); then
		record "$line: fetch the kernel image and find its headers" 1 "$logs/kernels-$line.log"
		continue
	fi
	eval "$vars"
	grep '^# \(NOTICE\|WARNING\)' "$logs/kernels-$line.log" || true
	# the vhost layout comes from this kernel's own BTF (see kmod/gen_vhost_layout.py)
	export VS_VMLINUX=$VMLINUX VS_VHOST_MODDIR=$MODROOT/lib/modules/$KVER/kernel/drivers/vhost
	# the newest line builds in its Debian 13 root (CHROOT; see kernels.sh)
	export VS_CHROOT=$CHROOT
	out=${CHROOT:-$top}/build/$KVER
	ko=$(selftests/scripts/build_module.sh "$KBUILD" "$out" 2>"$logs/build-$line.log")
	st=$?
	grep -qiE 'warning|vhost support off|untested' "$logs/build-$line.log" && st=1
	# make check builds with -Werror (a user's DKMS build does not)
	grep -qE -- '-Werror( |$)' "$out/kmod/.main.o.cmd" 2>/dev/null || st=1
	record "$line: module builds with -Werror against $KVER, vhost on, fingerprint tested" \
		$st "$logs/build-$line.log"
	[ $st -eq 0 ] || continue
	# the same module with a deliberately wrong vhost layout, for the tests
	wrong=$(VS_VHOST_LAYOUT_TEST=wrong selftests/scripts/build_module.sh "$KBUILD" \
		"$out-wrong-layout" 2>>"$logs/build-$line.log")
	record "$line: test module with a wrong vhost layout builds" $? "$logs/build-$line.log"
	if [ "$line" != debug ]; then
		# and one whose kernel looks untested: the build must say so
		untested=$(VS_FINGERPRINT_TEST=perturb selftests/scripts/build_module.sh "$KBUILD" \
			"$out-untested" 2>"$logs/build-$line-untested.log")
		st=$?
		grep -q "virtio-status: kernel $KVER is untested: .*list-only mode" \
			"$logs/build-$line-untested.log" || st=1
		record "$line: a build for an untested kernel says so" $st \
			"$logs/build-$line-untested.log"
		[ $st -eq 0 ] && long+=(--untested-module "$untested")
	fi
	# the locks group's test-only modules (vs_lockhold, vs_genl_writer),
	# built where and as the module is (chrooted for newest: VS_CHROOT)
	lockhold=${CHROOT:-$top}/build/$KVER-lockhold
	selftests/scripts/build_testmod.sh selftests/lockhold "$KBUILD" "$lockhold" \
		>/dev/null 2>"$logs/build-$line-lockhold.log"
	st=$?
	record "$line: the lock-hold test modules build" $st "$logs/build-$line-lockhold.log"
	[ $st -eq 0 ] && long+=(--lockhold-dir "$lockhold")
	# feature bits above 63 need a 6.17+ guest and QEMU 11.1 (Debian 13 root)
	[ "$line" = newest ] && long+=(--features128)
	if [ "$line" = debug ]; then
		# the positive control: deliberate bugs the debug kernel must report
		canary=$top/build/$KVER-canary
		rm -rf "$canary" && mkdir -p "$canary" &&
			cp selftests/canary/Kbuild selftests/canary/vs_canary.c "$canary/" &&
			make -s -C "$KBUILD" M="$canary" modules >>"$logs/build-$line.log" 2>&1
		st=$?
		record "debug: the canary module builds" $st "$logs/build-$line.log"
		[ $st -eq 0 ] && long+=(--canary-module "$canary/vs_canary.ko")
	fi

	echo "# $line: kernel and module builds took $(( $(date +%s) - t ))s"
	t=$(date +%s)
	python3 selftests/groups/vm_tests.py --kernel "$line" --module "$ko" \
		--wrong-layout-module "$wrong" "${long[@]}" > "$logs/vm-$line.log" 2>&1
	st=$?
	grep '^#' "$logs/vm-$line.log" | grep -E 'booted|took|checks|hotplug:' || true
	collect "$logs/vm-$line.log" "vm "
	grep -A40 '^not ok' "$logs/vm-$line.log" | grep '^#' | head -n 60
	record "$line: VM tests exit 0 ($(( $(date +%s) - t ))s)" $st "$logs/vm-$line.log"
done

# The QEMU oracle again, against QEMU 10.0 from bookworm-backports: its
# decoding names more bits than 7.2's, and it must agree with ours too.
if [[ " ${lines[*]} " != *" 6.12 "* ]]; then
	:	# the QEMU 10 leg uses the 6.12 build
elif qemu10=$(selftests/vm/qemu10.sh 2>"$logs/qemu10.log"); then
	line=6.12
	eval "$(selftests/vm/kernels.sh --print $line)"
	VS_QEMU=$qemu10 python3 selftests/groups/vm_tests.py --kernel $line --label qemu10 \
		--module "$top/build/$KVER/virtio_status.ko" --only oracle \
		> "$logs/vm-qemu10.log" 2>&1
	st=$?
	collect "$logs/vm-qemu10.log" "vm "
	grep -A40 '^not ok' "$logs/vm-qemu10.log" | grep '^#' | head -n 60
	record "$line: QEMU 10.0 oracle exits 0" $st "$logs/vm-qemu10.log"
else
	record "fetch QEMU 10.0 from bookworm-backports" 1 "$logs/qemu10.log"
fi

passed=$(grep -c '^ok' "$results")
failed=$(grep -c '^not ok' "$results")
echo "# make check took $(( $(date +%s) - t0 ))s; logs in $logs"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
