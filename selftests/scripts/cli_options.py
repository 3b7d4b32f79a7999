#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""cli_options.py [TOOLS_DIR]: the long options each command of the CLI
takes, read from the C source, for docs_test.sh to hold the man page and
the bash completion against.

Prints one line per row of vs_cmd_defs[] (tools/cmd/cli.c), in the table's
order:

    COMMAND: OPTION...

and a last line "*: OPTION..." with every long option of every option
table under tools/cmd/ (struct vs_opt, cmd/args.h, or struct option).
Options are long names without "--"; help is every command's (args.c
adds it to every table).

Where a row's options come from:
  - the struct vs_args_spec whose .name is the row's: its .opts;
  - .main = FUNC: the option tables of the file that defines FUNC;
  - .run = FUNC: the shared table (the spec named "virtio-status"), narrowed
    by the row's flags (FLAG_OPTS below); pretty is every such row's.
A shared option that no flag maps, or a row none of these fit, is an error
(exit 1): the source changed in a way this script must learn.
"""
import glob
import os
import re
import sys

# the row flags of struct vs_cmd_def and the options they let a row take
FLAG_OPTS = {
    'takes_device': ['path', 'json'],  # show: -j is show's alone
    'needs_path': ['path'],
    'needs_queue': ['queue'],
    'takes_index': ['index'],
    'takes_decode': ['decode', 'raw-and-decoded'],
    'takes_names': ['names'],
    'takes_json': ['json'],
}
# the shared options every .run row takes
COMMON = ['pretty']
# shared options that are not a row's own: --qmp is the "--qmp" row itself,
# --version stands alone
GLOBAL_ONLY = ['qmp', 'version']

OPTION_ARRAY = re.compile(
    r'struct\s+(?:vs_opt|option)\s+(\w+)\s*\[\s*\]\s*=\s*\{(.*?)\n\s*\};', re.S)
ARGS_SPEC = re.compile(
    r'struct\s+vs_args_spec\s+\w+\s*=\s*\{(.*?)\};', re.S)
OPTION_NAME = re.compile(r'\{\s*"([^"]+)"\s*,')


def die(msg):
    print('cli_options.py: ' + msg, file=sys.stderr)
    sys.exit(1)


def strip_comments(text):
    text = re.sub(r'/\*.*?\*/', ' ', text, flags=re.S)
    return re.sub(r'//[^\n]*', ' ', text)


def main():
    tools = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), '../../tools')
    files = sorted(glob.glob(os.path.join(tools, 'cmd', '*.c')))
    if not files:
        die('no C files under %s/cmd' % tools)
    src = {f: strip_comments(open(f, encoding='utf-8').read()) for f in files}

    arrays = {}	# name -> (file, [options])
    for f, text in src.items():
        for m in OPTION_ARRAY.finditer(text):
            arrays[m.group(1)] = (f, OPTION_NAME.findall(m.group(2)))
    if not arrays:
        die('no option tables in %s/cmd/*.c' % tools)
    specs = {}	# command name -> option table
    for text in src.values():
        for m in ARGS_SPEC.finditer(text):
            name = re.search(r'\.name\s*=\s*"([^"]+)"', m.group(1))
            opts = re.search(r'\.opts\s*=\s*(\w+)', m.group(1))
            if name and opts:
                specs[name.group(1)] = opts.group(1)

    cli = os.path.join(tools, 'cmd', 'cli.c')
    m = re.search(r'vs_cmd_defs\s*\[\s*\]\s*=\s*\{(.*?)\n\};', src.get(cli, ''), re.S)
    if not m:
        die('no vs_cmd_defs[] in %s' % cli)
    rows = re.findall(r'\{\s*(\.name\s*=.*?)\}\s*,', m.group(1), re.S)
    if not rows:
        die('no rows in vs_cmd_defs[]')

    shared = []
    if 'virtio-status' in specs:
        shared = arrays[specs['virtio-status']][1]
    else:
        for name, (f, opts) in arrays.items():
            if f == cli:
                shared += [o for o in opts if o not in shared]
    mapped = set(COMMON) | set(GLOBAL_ONLY)
    for opts in FLAG_OPTS.values():
        mapped |= set(opts)
    unmapped = [o for o in shared if o not in mapped]
    if unmapped:
        die('cli.c has option(s) %s that no row flag maps: teach FLAG_OPTS'
            % ', '.join('--' + o for o in unmapped))

    out = []
    for row in rows:
        name = re.search(r'\.name\s*=\s*"([^"]+)"', row).group(1)
        fields = dict(re.findall(r'\.(\w+)\s*=\s*([\w"-]+)', row))
        if name in specs:
            if specs[name] not in arrays:
                die('%s: no option table %s' % (name, specs[name]))
            opts = list(arrays[specs[name]][1])
        elif 'main' in fields:
            func = fields['main']
            where = [f for f, t in src.items()
                     if re.search(r'^int\s+%s\s*\(' % func, t, re.M)]
            if len(where) != 1:
                die('%s: cannot find where %s is defined' % (name, func))
            opts = []
            for f, o in arrays.values():
                if f == where[0]:
                    opts += [x for x in o if x not in opts]
            if not opts:
                die('%s: %s has no option table' % (name, where[0]))
        elif 'run' in fields:
            opts = [o for o in COMMON if o in shared]
            for flag, fopts in FLAG_OPTS.items():
                if fields.get(flag) == 'true':
                    opts += [o for o in fopts if o in shared and o not in opts]
        else:
            die('%s: a row with neither a spec, .main nor .run' % name)
        if 'help' not in opts:
            opts.insert(0, 'help')
        out.append('%s: %s' % (name, ' '.join(opts)))

    every = ['help']
    for f, o in arrays.values():
        every += [x for x in o if x not in every]
    out.append('*: ' + ' '.join(every))
    print('\n'.join(out))


if __name__ == '__main__':
    main()
