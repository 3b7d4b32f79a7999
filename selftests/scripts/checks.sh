# SPDX-License-Identifier: GPL-2.0
#
# checks.sh: the result lines of the host test scripts (dkms_test.sh,
# deb_test.sh, docs_test.sh, exporter_tls_test.sh), sourced by them.
# Each prints "ok N - PREFIX: ..." or "not ok N - PREFIX: ...", which
# run_all.sh collects, and ends with vs_checks_end.
#
#   VS_CHECK_PREFIX=deb; . selftests/scripts/checks.sh
#   vs_check DESCRIPTION STATUS [DETAIL]   DETAIL: a log file, whose tail
#                                          a failure shows, or the text
#   vs_skip DESCRIPTION WHY
#   vs_checks_end                          "# N passed, N failed"; the
#                                          status: 0 when none failed

n=0
failed=0

vs_check() {
	n=$((n + 1))
	if [ "$2" -eq 0 ]; then
		echo "ok $n - $VS_CHECK_PREFIX: $1"
		return 0
	fi
	failed=$((failed + 1))
	echo "not ok $n - $VS_CHECK_PREFIX: $1"
	if [ -n "${3:-}" ] && [ -f "$3" ]; then
		tail -n 25 "$3" | sed 's/^/#   /'
	elif [ -n "${3:-}" ]; then
		printf '%s\n' "$3" | head -n 25 | sed 's/^/#   /'
	fi
	return 0
}

vs_skip() {
	n=$((n + 1))
	echo "ok $n - $VS_CHECK_PREFIX: $1 # SKIP $2"
}

vs_checks_end() {
	echo "# $((n - failed)) passed, $failed failed"
	[ "$failed" -eq 0 ]
}
