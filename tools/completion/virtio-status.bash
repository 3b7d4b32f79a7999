# SPDX-License-Identifier: GPL-2.0
# bash completion for virtio-status and virtio-status-exporter
#
# Installed as /usr/share/bash-completion/completions/virtio-status, with
# virtio-status-exporter beside it as a symlink (bash-completion loads a
# completion by the command's name). It needs nothing from bash-completion:
# sourced alone it works as well.
#
# Completes the commands of vs_cmd_defs[] (tools/cmd/cli.c), the global
# options and each command's own, and values: --path and show's DEVICE
# take the bus ids under /sys/bus/virtio/devices, their paths there, and
# the vhost devices (/proc/PID/fd/FD) that `virtio-status x-query-virtio`
# lists when the module is loaded; --output, --socket, --tls-cert, --tls-key
# and --basic-auth-file take files. selftests/scripts/docs_test.sh holds
# the option lists against the C source.
#
# For tests: VS_COMPLETION_SYSFS replaces /sys, VS_COMPLETION_CLI the
# virtio-status asked for vhost devices.

_virtio_status_cmds='show x-query-virtio x-query-virtio-status
	x-query-virtio-queue-status x-query-virtio-vhost-queue-status
	x-query-virtio-queue-element info --qmp monitor metrics exporter serve'

# _virtio_status_opts COMMAND: its options ("" before a command: the global
# ones)
_virtio_status_opts()
{
	local help='-h --help' pretty='-p --pretty'

	case $1 in
	'')	echo "$help -V --version $pretty -j --json --qmp" ;;
	show)	echo "$help $pretty -j --json --path" ;;
	x-query-virtio)
		echo "$help $pretty --names" ;;
	x-query-virtio-status)
		echo "$help $pretty --path --decode --raw-and-decoded --names" ;;
	x-query-virtio-queue-status | x-query-virtio-vhost-queue-status)
		echo "$help $pretty --path --queue" ;;
	x-query-virtio-queue-element)
		echo "$help $pretty --path --queue --index" ;;
	info | --qmp)
		echo "$help $pretty" ;;
	monitor)
		echo "$help $pretty --no-vhost --rcvbuf --stall-after" ;;
	metrics)
		echo "$help --collect.features --output" ;;
	exporter)
		echo "$help --listen --collect.features --tls-cert --tls-key --basic-auth-file" ;;
	serve)	echo "$help --socket --mode --group" ;;
	esac
}

# _virtio_status_takes_value OPTION: whether the next word is its value
_virtio_status_takes_value()
{
	case $1 in
	--path | --queue | --index | --rcvbuf | --stall-after | --output | \
	--listen | --tls-cert | --tls-key | --basic-auth-file | --socket | \
	--mode | --group)
		return 0 ;;
	esac
	return 1
}

# _virtio_status_devices PROGRAM CUR: the devices a DEVICE may name
_virtio_status_devices()
{
	local prog=$1 cur=$2 root=${VS_COMPLETION_SYSFS:-/sys} cli out d
	local -a devs=()

	# compgen -G, not a glob: the user's noglob or failglob do not matter
	while IFS= read -r d; do
		devs+=("${d##*/}" "$d")
	done < <(compgen -G "$root/bus/virtio/devices/*")
	# vhost devices: only the CLI knows them, and asking costs a process;
	# so only when the word can still become /proc/..., and only when the
	# module is loaded (asking would load it)
	if [[ /proc/ == "$cur"* || $cur == /proc/* ]] &&
	   [[ -d $root/module/virtio_status ]]; then
		cli=${VS_COMPLETION_CLI:-}
		if [[ -z $cli ]]; then
			if [[ $prog == */virtio-status && -x $prog ]]; then
				cli=$prog
			else
				cli=virtio-status
			fi
		fi
		out=$(timeout 2 "$cli" x-query-virtio </dev/null 2>/dev/null)
		while [[ $out =~ \"path\":\ *\"(/proc/[0-9]+/fd/[0-9]+)\" ]]; do
			devs+=("${BASH_REMATCH[1]}")
			out=${out#*"${BASH_REMATCH[0]}"}
		done
	fi
	compgen -W "${devs[*]}" -- "$cur"
}

# _virtio_status_value PROGRAM OPTION CUR: the values OPTION may take
_virtio_status_value()
{
	case $2 in
	--path)	_virtio_status_devices "$1" "$3" ;;
	--output | --socket | --tls-cert | --tls-key | --basic-auth-file)
		compgen -f -- "$3" ;;
	--group)
		compgen -g -- "$3" ;;
	--mode)	compgen -W '0600 0660 0640' -- "$3" ;;
	esac
	# --queue, --index, --listen, --rcvbuf, --stall-after: nothing to offer
	return 0
}

_virtio_status()
{
	local line word cur prog cmd='' want='' prefix='' opt o
	local ended=false operands=0 i n
	local -a words=() used=() offer=()

	# The words up to the cursor, split at blanks only: COMP_WORDS splits
	# "--path=virtio0" and "--listen :9123" at = and :
	line=${COMP_LINE:0:COMP_POINT}
	IFS=$' \t\n' read -ra words <<<"$line"
	[[ ${#words[@]} -eq 0 || $line =~ [[:space:]]$ ]] && words+=('')
	cur=${words[-1]}
	prog=${words[0]}
	[[ ${prog##*/} == virtio-status-exporter ]] && cmd=exporter

	n=${#words[@]}
	for ((i = 1; i < n - 1; i++)); do
		word=${words[i]}
		if $ended || [[ $word != -* ]]; then
			if [[ -z $cmd ]]; then
				cmd=$word
			else
				operands=$((operands + 1))
			fi
			continue
		fi
		case $word in
		--)	ended=true ;;
		--*=*)	used+=("${word%%=*}") ;;
		*)	used+=("$word")
			[[ $word == --qmp && -z $cmd ]] && cmd=--qmp
			# its value is the next word: the one completed, or skipped
			if _virtio_status_takes_value "$word"; then
				[[ $i -eq $((n - 2)) ]] && want=$word
				i=$((i + 1))
			fi ;;
		esac
	done

	COMPREPLY=()
	! $ended && [[ $cur == --*=* ]] && want=${cur%%=*}
	case $want in
	--output | --socket | --tls-cert | --tls-key | --basic-auth-file)
		# directories get their "/", names with blanks their quoting
		# (compopt fails outside a completion: a test calling this)
		compopt -o filenames 2>/dev/null ;;
	esac
	if ! $ended && [[ $cur == --*=* ]]; then
		# bash replaces the word after "=" when = breaks words (the
		# default), else the whole word
		opt=${cur%%=*}
		[[ ${COMP_WORDS[COMP_CWORD]} == "$opt="* ]] && prefix="$opt="
		mapfile -t COMPREPLY < <(_virtio_status_value "$prog" "$opt" "${cur#*=}")
		[[ -n $prefix ]] && COMPREPLY=("${COMPREPLY[@]/#/$prefix}")
	elif [[ -n $want ]]; then
		mapfile -t COMPREPLY < <(_virtio_status_value "$prog" "$want" "$cur")
	elif ! $ended && [[ $cur == -* ]]; then
		for o in $(_virtio_status_opts "$cmd"); do
			for word in "${used[@]}"; do
				case "$o $word" in
				"$word $word" | "-p --pretty" | "--pretty -p" | \
				"-h --help" | "--help -h" | "-j --json" | "--json -j" | \
				"-V --version" | "--version -V" | \
				"--decode --raw-and-decoded" | "--raw-and-decoded --decode")
					continue 2 ;;
				esac
			done
			offer+=("$o")
		done
		mapfile -t COMPREPLY < <(compgen -W "${offer[*]}" -- "$cur")
	elif [[ -z $cmd ]]; then
		mapfile -t COMPREPLY < <(compgen -W "$_virtio_status_cmds" -- "$cur")
	elif [[ $cmd == show && $operands -eq 0 ]] &&
	     ! [[ " ${used[*]} " == *' --path '* ]]; then
		mapfile -t COMPREPLY < <(_virtio_status_devices "$prog" "$cur")
	fi
	return 0
}

complete -F _virtio_status virtio-status virtio-status-exporter
