#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# docs_test.sh: the man pages and the bash completion, held against the C
# source so that neither can drift from it. No kernel, no root.
#
#   - tools/man/*.8.scd build with scdoc (and with `make -C tools man`),
#     render with `man -l`, and neither groff nor man-db warns (the way
#     lintian asks); mandb can read their NAME line;
#   - virtio-status(8) has a term under COMMANDS for every row of
#     vs_cmd_defs[] (tools/cmd/cli.c), and a term for every long option of
#     every option table (struct vs_opt) in tools/cmd/*.c;
#     virtio-status-exporter(8) one for every option of the exporter's; the
#     same checks fail on a copy of the page with a command or an option
#     taken out;
#   - tools/completion/virtio-status.bash, sourced in `bash --norc` and
#     driven as bash drives it (COMP_WORDS, COMP_CWORD, COMP_LINE,
#     COMP_POINT), offers every command first, each command's options, the
#     bus ids and paths of a fake /sys (VS_COMPLETION_SYSFS) and the vhost
#     paths of a fake CLI (VS_COMPLETION_CLI), files, not an option twice;
#     and for every command exactly the long options its C source defines
#     (selftests/scripts/cli_options.py); the comparison fails on a
#     completion that lost an option.
#
# Prints "ok N - docs: ..." / "not ok N - docs: ..." and exits 1 if any
# check failed.
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1

# the global options of the interface of issue 14, before any command
GLOBAL_OPTS='--help --version --pretty --json --qmp'

VS_CHECK_PREFIX=docs
# shellcheck source=selftests/scripts/checks.sh
. "$top/selftests/scripts/checks.sh"
check() { vs_check "$@"; }

tmp=$(mktemp -d /tmp/vs-docs-test.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

for tool in scdoc man groff lexgrog; do
	if ! command -v $tool >/dev/null; then
		check "$tool is installed (selftests/scripts/deps.sh installs it)" 1
		exit 1
	fi
done

opts=$(python3 selftests/scripts/cli_options.py tools 2>&1)
check "the commands and their options can be read from tools/cmd/*.c" $? "$opts"
# opts_of COMMAND: its long options in the C source, one a line, "--" added
opts_of() {
	printf '%s\n' "$opts" | awk -v c="$1:" '$1 == c { for (i = 2; i <= NF; i++) print "--" $i }'
}
cmds=$(printf '%s\n' "$opts" | sed -n 's/^\([^*][^:]*\):.*/\1/p')
all_opts=$(opts_of '*')
[ "$(printf '%s\n' "$cmds" | wc -l)" -ge 12 ]
check "vs_cmd_defs[] has the 12 commands of the interface or more" $? "$cmds"

# --- the man pages --------------------------------------------------------

# render ROFF: the page as man shows it, one paragraph a line (no wrapping,
# no hyphenation), so that a term is a line whose next line is indented
# four more columns
render() {
	MANWIDTH=1000 LC_ALL=C.UTF-8 man --nh --nj -l -P cat "$1" 2>&1
}

# terms RENDERED: "SECTION<TAB>TERM" for every term of a term list
terms() {
	awk '
	function indent(s) { match(s, /^ */); return RLENGTH }
	{ line[NR] = $0 }
	END {
		for (i = 1; i <= NR; i++) {
			if (line[i] ~ /^[A-Z]/) { sect = line[i]; continue }
			if (line[i] !~ /[^ ]/ || i == NR || line[i + 1] !~ /[^ ]/)
				continue
			if (indent(line[i + 1]) == indent(line[i]) + 4) {
				t = line[i]; sub(/^ */, "", t)
				print sect "\t" t
			}
		}
	}' "$1"
}

# lists_commands TERMS: every command of vs_cmd_defs[] is a term under
# COMMANDS; prints those that are not
lists_commands() {
	local c st=0

	for c in $cmds; do
		awk -F '\t' -v c="$c" '$1 == "COMMANDS" { split($2, w, " "); if (w[1] == c) f = 1 }
			END { exit !f }' "$1" || { echo "$c"; st=1; }
	done
	return $st
}

# lists_options TERMS OPTION...: every OPTION is a term ("--x ARG",
# "-x, --x"); prints those that are not
lists_options() {
	local t=$1 o st=0

	shift
	for o in "$@"; do
		awk -F '\t' -v o="$o" '{ split($2, v, "[ ,]"); s = $2
			sub(/^-[A-Za-z], /, "", s); split(s, w, "[ ,]")
			if (v[1] == o || w[1] == o) f = 1 } END { exit !f }' "$t" ||
			{ echo "$o"; st=1; }
	done
	return $st
}

make -s -C tools man > "$tmp/make-man.log" 2>&1 &&
	[ -s tools/man/virtio-status.8 ] && [ -s tools/man/virtio-status-exporter.8 ]
check "make -C tools man writes tools/man/virtio-status.8 and virtio-status-exporter.8" $? \
	"$(cat "$tmp/make-man.log")"

for page in virtio-status virtio-status-exporter; do
	roff=$tmp/$page.8
	scdoc < "tools/man/$page.8.scd" > "$roff" 2> "$tmp/$page.scdoc.log"
	check "$page(8): scdoc builds it" $? "$(cat "$tmp/$page.scdoc.log")"
	render "$roff" > "$tmp/$page.txt"
	st=$?
	head -n 1 "$tmp/$page.txt" | grep -q "^$page(8) " || st=1
	grep -q '^NAME$' "$tmp/$page.txt" || st=1
	check "$page(8): man -l renders it" $st "$(head -n 5 "$tmp/$page.txt")"
	# groff's warnings, and man-db's as lintian runs it
	{
		groff -ww -z -man "$roff"
		LC_ALL=C.UTF-8 MANROFFSEQ='' MANWIDTH=80 \
			man --warnings -E UTF-8 -l -Tutf8 -Z "$roff" > /dev/null
	} > "$tmp/$page.warn" 2>&1
	[ ! -s "$tmp/$page.warn" ]
	check "$page(8): groff -ww and man --warnings are silent" $? "$(cat "$tmp/$page.warn")"
	lexgrog "$roff" 2>&1 | grep -q "\"$page - "
	check "$page(8): mandb reads its NAME line (lexgrog)" $? "$(lexgrog "$roff" 2>&1)"
	terms "$tmp/$page.txt" > "$tmp/$page.terms"
done

t=$tmp/virtio-status.txt
missing=$(for s in NAME SYNOPSIS DESCRIPTION 'GLOBAL OPTIONS' COMMANDS 'EXIT STATUS' \
	PERMISSIONS FILES EXAMPLES 'SEE ALSO'; do grep -qx "$s" "$t" || echo "$s"; done)
[ -z "$missing" ]
check "virtio-status(8) has NAME ... EXIT STATUS, PERMISSIONS, FILES, EXAMPLES, SEE ALSO" $? \
	"missing: $missing"

missing=$(lists_commands "$tmp/virtio-status.terms")
check "virtio-status(8) documents every command of vs_cmd_defs[] under COMMANDS" $? \
	"missing: $missing"

# shellcheck disable=SC2086
missing=$(lists_options "$tmp/virtio-status.terms" $all_opts)
check "virtio-status(8) documents every long option of tools/cmd/*.c" $? "missing: $missing"

# shellcheck disable=SC2086
missing=$(lists_options "$tmp/virtio-status.terms" $GLOBAL_OPTS -h -V -p -j)
check "virtio-status(8) documents the global options of the interface" $? "missing: $missing"

missing=$(for s in 0 1 2 3; do
	awk -F '\t' -v s="$s" '$1 == "EXIT STATUS" && $2 == s { f = 1 } END { exit !f }' \
		"$tmp/virtio-status.terms" || echo "$s"; done)
[ -z "$missing" ]
check "virtio-status(8) gives exit statuses 0, 1, 2 and 3" $? "missing: $missing"

# shellcheck disable=SC2046
missing=$(lists_options "$tmp/virtio-status-exporter.terms" $(opts_of exporter))
check "virtio-status-exporter(8) documents every option of the exporter" $? "missing: $missing"

# The checks must see a page that lost something: x-query-virtio-queue-element
# taken out of COMMANDS (still named in SYNOPSIS and elsewhere), --index out
# of the options (still in the synopses)
drop() {	# drop SCD TERM-PREFIX: the term and its indented body taken out
	awk -v p="$2" '
		skip && /^(\t|$)/ { next }
		{ skip = 0 }
		index($0, p) == 1 { skip = 1; next }
		{ print }' "$1"
}
for neg in 'x-query-virtio-queue-element:*x-query-virtio-queue-element*' \
	   'index:*--index* _I_'; do
	what=${neg%%:*}
	drop tools/man/virtio-status.8.scd "${neg#*:}" > "$tmp/neg.scd"
	scdoc < "$tmp/neg.scd" > "$tmp/neg.8" && render "$tmp/neg.8" > "$tmp/neg.txt" &&
		terms "$tmp/neg.txt" > "$tmp/neg.terms"
	st=$?
	grep -q -- "$what" "$tmp/neg.txt" || st=1	# still mentioned
	if [ "$what" = index ]; then
		what=--index
		# shellcheck disable=SC2086
		out=$(lists_options "$tmp/neg.terms" $all_opts) && st=1
	else
		out=$(lists_commands "$tmp/neg.terms") && st=1
	fi
	# it failed, and named what was taken out, alone
	[ $st -eq 0 ] && [ "$out" = "$what" ]
	check "a copy of virtio-status(8) without the term $what fails that check" $? \
		"the check said: $out"
done

# --- the completion -------------------------------------------------------

comp=tools/completion/virtio-status.bash
bash -n "$comp" 2> "$tmp/bash-n.log"
check "the completion is valid bash" $? "$(cat "$tmp/bash-n.log")"

reg=$(bash --norc --noprofile -c 'source "$1" && complete -p virtio-status virtio-status-exporter' \
	_ "$comp" 2>&1)
st=$?
[ "$(printf '%s\n' "$reg" | grep -c '^complete -F [^ ]* virtio-status\(-exporter\)\?$')" -eq 2 ] || st=1
check "sourced in bash --norc it completes virtio-status and virtio-status-exporter" $st "$reg"

# a fake /sys: two devices on the bus, the module loaded; a fake CLI whose
# x-query-virtio lists a guest device and a vhost device
sys=$tmp/sys
mkdir -p "$sys/devices/pci0000:00/0000:00:02.0/virtio0" \
	"$sys/devices/pci0000:00/0000:00:03.0/virtio1" "$sys/bus/virtio/devices"
ln -s ../../../devices/pci0000:00/0000:00:02.0/virtio0 "$sys/bus/virtio/devices/virtio0"
ln -s ../../../devices/pci0000:00/0000:00:03.0/virtio1 "$sys/bus/virtio/devices/virtio1"
cat > "$tmp/fake-cli" <<'EOF'
#!/bin/sh
[ "$1" = x-query-virtio ] || exit 2
echo '{"return": [{"path": "/sys/devices/pci0000:00/0000:00:02.0/virtio0", "name": "virtio-net"}, {"path": "/proc/4711/fd/31", "name": "vhost-net"}]}'
EOF
chmod +x "$tmp/fake-cli"
touch "$tmp/file.prom"

# complete LINE [SCRIPT [BASH_COMPLETION]]: what the completion offers for
# LINE (the cursor at its end), one a line, sorted. COMP_WORDS is split as
# bash splits it: at blanks, and "=" and ":" are words of their own.
complete_line() {
	bash --norc --noprofile -c '
		set -f	# and the completion must not need globbing
		[ -n "$3" ] && { source "$3" || exit 1; }
		source "$1" || exit 1
		func=$(complete -p virtio-status | sed -n "s/.*-F \([^ ]*\).*/\1/p")
		COMP_LINE=$2 COMP_POINT=${#2}
		COMP_WORDS=()
		for w in $2; do
			while [[ $w =~ ^([^=:]*)([=:])(.*)$ ]]; do
				[ -n "${BASH_REMATCH[1]}" ] && COMP_WORDS+=("${BASH_REMATCH[1]}")
				COMP_WORDS+=("${BASH_REMATCH[2]}")
				w=${BASH_REMATCH[3]}
			done
			[ -n "$w" ] && COMP_WORDS+=("$w")
		done
		[[ $2 =~ [[:space:]]$ ]] && COMP_WORDS+=("")
		COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		COMPREPLY=()
		"$func" virtio-status "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
		printf "%s\n" "${COMPREPLY[@]}"
	' _ "${2:-$comp}" "$1" "${3:-}" | sed '/^$/d' | sort
}
# expect DESCRIPTION LINE EXPECTED...: the completion of LINE is EXPECTED
expect() {
	local what=$1 line=$2 got want

	shift 2
	got=$(complete_line "$line")
	want=$(printf '%s\n' "$@" | sed '/^$/d' | sort)
	[ "$got" = "$want" ]
	check "completion: $what" $? "$(diff <(echo "$want") <(echo "$got") | sed 1d)"
}

export VS_COMPLETION_SYSFS=$sys VS_COMPLETION_CLI=$tmp/fake-cli
dev=$sys/bus/virtio/devices

# shellcheck disable=SC2086
expect "the first word offers every command of vs_cmd_defs[]" 'virtio-status ' $cmds
expect "a command after a global option" 'virtio-status -p x-query-virtio-q' \
	x-query-virtio-queue-status x-query-virtio-queue-element
# shellcheck disable=SC2086
expect "options before a command: the global ones" 'virtio-status --' $GLOBAL_OPTS
expect "x-query-virtio-status -- offers its options" 'virtio-status x-query-virtio-status --' \
	--help --pretty --path --decode --raw-and-decoded --names
expect "--path offers the bus ids and their sysfs paths (no module: no vhost)" \
	'virtio-status x-query-virtio-status --path ' virtio0 virtio1 "$dev/virtio0" "$dev/virtio1"
mkdir -p "$sys/module/virtio_status"
expect "--path offers the vhost paths x-query-virtio lists when the module is loaded" \
	'virtio-status x-query-virtio-queue-status --path ' virtio0 virtio1 "$dev/virtio0" \
	"$dev/virtio1" /proc/4711/fd/31
VS_COMPLETION_CLI=false expect "a CLI that fails leaves the sysfs devices" \
	'virtio-status x-query-virtio-status --path ' virtio0 virtio1 "$dev/virtio0" "$dev/virtio1"
expect "--path=/p offers the vhost path after the =" \
	'virtio-status x-query-virtio-status --path=/p' /proc/4711/fd/31
expect "show v offers the bus ids" 'virtio-status show v' virtio0 virtio1
expect "show takes one DEVICE" 'virtio-status show virtio0 '
expect "--queue offers nothing" 'virtio-status x-query-virtio-queue-status --path virtio0 --queue '
expect "monitor -- offers monitor's options" 'virtio-status monitor --' \
	--help --pretty --no-vhost --rcvbuf --stall-after
expect "an option given is not offered again (nor --decode's alternative)" \
	'virtio-status x-query-virtio-status --names --decode --' --help --pretty --path
expect "-p given, --pretty is not offered" 'virtio-status -p x-query-virtio --' --help --names
expect "virtio-status-exporter -- offers the exporter's options" 'virtio-status-exporter --' \
	--help --listen --collect.features --tls-cert --tls-key --basic-auth-file
expect "virtio-status exporter -- offers the same" 'virtio-status exporter --' \
	--help --listen --collect.features --tls-cert --tls-key --basic-auth-file
expect "--output offers files" "virtio-status metrics --output $tmp/fi" "$tmp/file.prom"
expect "--tls-key offers files" "virtio-status-exporter --tls-key $tmp/file" "$tmp/file.prom"
expect "after -- no option is offered" 'virtio-status show -- -'

if [ -f /usr/share/bash-completion/bash_completion ]; then
	got=$(complete_line 'virtio-status ' "$comp" /usr/share/bash-completion/bash_completion)
	[ "$got" = "$(printf '%s\n' "$cmds" | sort)" ]
	check "completion: the same with bash-completion loaded first" $? "$got"
else
	echo "ok $((n += 1)) - docs: completion: the same with bash-completion loaded first # SKIP not installed"
fi

# same_options COMMAND [SCRIPT]: the long options the completion offers for
# COMMAND are those its C source defines
same_options() {
	local c=$1 line got want extra

	line="virtio-status $c --"
	got=$(complete_line "$line" "${2:-$comp}" | grep '^--')
	want=$(opts_of "$c" | sort)
	# what the code has must be offered
	missing=$(comm -13 <(echo "$got") <(echo "$want"))
	# and what is offered must be the code's
	extra=$(comm -23 <(echo "$got") <(echo "$want"))
	[ -z "$missing" ] && [ -z "$extra" ] && return 0
	echo "missing: $missing"
	echo "not in the C source: $extra"
	return 1
}
for c in $cmds; do
	out=$(same_options "$c")
	check "completion: $c offers exactly the options of its C source" $? "$out"
done

sed 's/ --path --queue --index"/ --path --queue"/' "$comp" > "$tmp/neg.bash"
cmp -s "$comp" "$tmp/neg.bash" && echo "# the negative completion is not modified"
! out=$(same_options x-query-virtio-queue-element "$tmp/neg.bash") &&
	[[ $out == *--index* ]]
check "a completion without x-query-virtio-queue-element's --index fails that check" $? "$out"

vs_checks_end
