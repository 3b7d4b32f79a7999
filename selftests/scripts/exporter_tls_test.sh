#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# exporter_tls_test.sh: virtio-status-exporter's HTTPS and basic auth, on
# this host (no module here: every scrape answers
# virtio_status_scrape_success 0, which is all HTTP needs). A self-signed
# certificate made with openssl; curl as the client.
#   - HTTPS with the right user and password: 200 and the metrics;
#   - no credentials, a wrong password, a wrong user: 401 with a Basic
#     challenge, and no metrics;
#   - plain HTTP to the HTTPS port gets no metrics;
#   - a key that is not the certificate's: exit 1 and a sentence;
#   - SIGTERM: exit 0.
# Prints "ok N - exporter-tls: ..." lines; exits 1 if any failed.
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
exporter=$top/tools/virtio-status-exporter
VS_CHECK_PREFIX=exporter-tls
# shellcheck source=selftests/scripts/checks.sh
. "$top/selftests/scripts/checks.sh"
check() { vs_check "$2" "$1" "${3:-}"; }

for t in openssl curl; do
	command -v $t >/dev/null || { echo "not ok 1 - exporter-tls: $t is not installed (deps.sh)"; exit 1; }
done
[ -x "$exporter" ] || { echo "not ok 1 - exporter-tls: $exporter is not built"; exit 1; }

tmp=$(mktemp -d /tmp/vs-tls.XXXXXX)
pid=
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost \
	-keyout "$tmp/key.pem" -out "$tmp/cert.pem" >"$tmp/openssl.log" 2>&1
check $? "a self-signed certificate" "$(cat "$tmp/openssl.log")"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=other \
	-keyout "$tmp/other.pem" -out "$tmp/other-cert.pem" >/dev/null 2>&1
printf 'scraper:s3cret pass\n' > "$tmp/auth"
chmod 600 "$tmp/auth"

# a port nobody uses: ask the kernel for one, then give it back
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$exporter" --listen "127.0.0.1:$port" --tls-cert "$tmp/cert.pem" \
	--tls-key "$tmp/key.pem" --basic-auth-file "$tmp/auth" 2>"$tmp/exporter.log" &
pid=$!
for _ in $(seq 50); do
	grep -q serving "$tmp/exporter.log" && break
	sleep 0.1
done
grep -q "serving https://127.0.0.1:$port/metrics (basic auth)" "$tmp/exporter.log"
check $? "it says it serves HTTPS with basic auth" "$(cat "$tmp/exporter.log")"

url=https://127.0.0.1:$port/metrics
code=$(curl -s --cacert "$tmp/cert.pem" --resolve "localhost:$port:127.0.0.1" \
	-u 'scraper:s3cret pass' -o "$tmp/body" -w '%{http_code}' "https://localhost:$port/metrics")
grep -q '^virtio_status_scrape_success 0$' "$tmp/body"
check $(( $? || code != 200 )) "HTTPS, the certificate verified, right credentials: 200 and the metrics" \
	"code=$code $(head -c 300 "$tmp/body")"

for who in "" "-u scraper:wrong" "-u other:s3cret pass" "-u scraper:s3cret"; do
	# shellcheck disable=SC2086
	code=$(curl -sk ${who:+"${who%% *}"} ${who:+"${who#* }"} -D "$tmp/headers" -o "$tmp/body" \
		-w '%{http_code}' "$url")
	grep -qi '^WWW-Authenticate: Basic realm="virtio-status"' "$tmp/headers" &&
		! grep -q virtio_status_ "$tmp/body"
	check $(( $? || code != 401 )) "credentials '${who#-u }': 401 with a Basic challenge, no metrics" \
		"code=$code $(cat "$tmp/headers")"
done

body=$(curl -s --max-time 5 "http://127.0.0.1:$port/metrics" 2>&1)
! grep -q virtio_status_ <<<"$body"
check $? "plain HTTP to the HTTPS port gets no metrics"

kill -TERM "$pid"
wait "$pid"
st=$?
pid=
check $st "SIGTERM: exit 0" "$(cat "$tmp/exporter.log")"

out=$("$exporter" --listen "127.0.0.1:$port" --tls-cert "$tmp/cert.pem" \
	--tls-key "$tmp/other.pem" 2>&1)
st=$?
[ $st -eq 1 ] && grep -q 'check that --tls-key is the key of --tls-cert' <<<"$out"
check $? "a key that is not the certificate's: exit 1 and a sentence" "rc=$st $out"

vs_checks_end
