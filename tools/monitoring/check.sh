#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check.sh: the host-side checks of the metrics and of tools/monitoring/,
# run by make check (selftests/scripts/run_all.sh); no module, no VM.
#   - promtool check metrics is clean on what tools/tests/metrics-scenario
#     writes (the exposition of `virtio-status metrics`, from the unit
#     tests' fake backend) for a guest, a host, without the module, in
#     list-only mode and with the queue dump failing, with and without
#     --collect.features;
#   - promtool check rules and promtool test rules on the alert rules, and
#     the rule tests fail on a rule that is wrong (so they can fail);
#   - check_dashboard.py: the dashboard parses and every metric its queries
#     and the rules use is in the metrics; and it fails on one that is not.
# One TAP line per check; promtool's checks say SKIP when promtool (Debian:
# prometheus) is not installed. Exit status 1 if any check failed.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
tools=$(cd "$here/.." && pwd)
scenario=$tools/tests/metrics-scenario
promtool=${PROMTOOL:-$(command -v promtool || echo /usr/bin/promtool)}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
failed=0

# result STATUS NAME [LOG]: one TAP line
result() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - $2"
	else
		failed=$((failed + 1))
		echo "not ok $n - $2"
		[ -n "${3:-}" ] && [ -s "$3" ] && sed 's/^/#   /' "$3" | head -n 30
	fi
}

skip() {
	n=$((n + 1))
	echo "ok $n - $1 # SKIP $2"
}

echo "TAP version 13"
make -s -C "$tools" scenario > "$tmp/build.log" 2>&1
result $? "build tools/tests/metrics-scenario" "$tmp/build.log"

have_promtool=1
[ -x "$promtool" ] || have_promtool=0

for scn in guest host:200:1 host:200:4 no-module list-only health-failed; do
	for opt in "" --collect.features; do
		name="promtool check metrics: metrics-scenario $opt${opt:+ }$scn"
		if [ $have_promtool -eq 0 ]; then
			skip "$name" "promtool is not installed (apt-get install prometheus)"
			continue
		fi
		# shellcheck disable=SC2086
		"$scenario" $opt "$scn" > "$tmp/metrics.txt" 2>/dev/null
		st=$?
		"$promtool" check metrics < "$tmp/metrics.txt" > "$tmp/promtool.log" 2>&1 || st=1
		# a clean check prints nothing
		[ -s "$tmp/promtool.log" ] && st=1
		result $st "$name" "$tmp/promtool.log"
	done
done

# and it says so when the output is wrong: a counter not named *_total
if [ $have_promtool -eq 1 ]; then
	printf '# HELP virtio_status_x x\n# TYPE virtio_status_x counter\nvirtio_status_x 1\n' |
		"$promtool" check metrics > "$tmp/promtool-neg.log" 2>&1
	st=$?
	grep -q '_total' "$tmp/promtool-neg.log" && [ $st -ne 0 ]
	result $? "promtool check metrics: fails on a counter not named *_total" \
		"$tmp/promtool-neg.log"
fi

rules=$here/virtio-status.rules.yml
tests=$here/virtio-status.rules.test.yml
if [ $have_promtool -eq 0 ]; then
	skip "promtool check rules: virtio-status.rules.yml" "promtool is not installed"
	skip "promtool test rules: virtio-status.rules.test.yml" "promtool is not installed"
	skip "promtool test rules: fail on a wrong stall threshold" "promtool is not installed"
else
	"$promtool" check rules "$rules" > "$tmp/rules.log" 2>&1
	result $? "promtool check rules: virtio-status.rules.yml" "$tmp/rules.log"
	(cd "$here" && "$promtool" test rules virtio-status.rules.test.yml) > "$tmp/test.log" 2>&1
	result $? "promtool test rules: virtio-status.rules.test.yml" "$tmp/test.log"
	# the same tests against a stall alert at 600 s instead of 60 s
	sed 's/virtio_status_queue_stalled_seconds > 60$/virtio_status_queue_stalled_seconds > 600/' \
		"$rules" > "$tmp/virtio-status.rules.yml"
	cp "$tests" "$tmp/"
	(cd "$tmp" && "$promtool" test rules virtio-status.rules.test.yml) > "$tmp/neg.log" 2>&1
	st=$?
	grep -q 'alertname: VirtioQueueStalled' "$tmp/neg.log" && [ $st -ne 0 ]
	result $? "promtool test rules: fail on a wrong stall threshold" "$tmp/neg.log"
fi

dash=$here/virtio-status-dashboard.json
python3 "$here/check_dashboard.py" --rules "$rules" "$dash" > "$tmp/dash.log" 2>&1
result $? "check_dashboard.py: the dashboard parses, its metrics and the rules' are in the output" \
	"$tmp/dash.log"
sed 's/virtio_status_queue_in_flight/virtio_status_queue_inflight/' "$dash" > "$tmp/bad.json"
python3 "$here/check_dashboard.py" "$tmp/bad.json" > "$tmp/dash-neg.log" 2>&1
st=$?
grep -q 'virtio_status_queue_inflight is not in the metrics' "$tmp/dash-neg.log" && [ $st -eq 1 ]
result $? "check_dashboard.py: fails on a metric the output does not have" "$tmp/dash-neg.log"

echo "1..$n"
[ $failed -eq 0 ]
