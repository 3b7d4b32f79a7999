#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The rig boots once more when QEMU itself aborts before the kernel runs,
and only then.

QEMU 10's TCG now and then dies of an assertion in its own memory map code
while the firmware runs. These checks put a stand-in in front of QEMU
(VS_QEMU) that aborts the way QEMU does and count how often it was started:

  1. one abort before the kernel: the rig boots again and the guest works;
  2. aborts every time: the boot fails after two tries, with QEMU's message;
  3. an abort after the kernel printed its banner: no second try, the
     failure is reported (a crash while our code runs is never retried).

    rig_abort_test.py [--kernel 6.12]
"""

import argparse
import os
import stat
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vmrig  # noqa: E402

# $1 of the stand-in: how many starts abort; $2: write a kernel banner first
STANDIN = r'''#!/bin/bash
n=$(( $(cat "$COUNT" 2>/dev/null || echo 0) + 1 ))
echo $n > "$COUNT"
if [ "$n" -le "$ABORTS" ]; then
	if [ "$BANNER" = 1 ]; then
		for a in "$@"; do
			case $a in file,id=con,path=*) echo "Linux version 0.0" > "${a#*path=}" ;; esac
		done
	fi
	echo "qemu-system-x86_64: system/physmem.c:1: iotlb_to_section: Assertion \`x' failed." >&2
	kill -ABRT $$
fi
exec "$REAL" "$@"
'''


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--kernel', default='6.12')
    a = ap.parse_args()
    n = failed = 0

    def ok(cond, name, diag=''):
        nonlocal n, failed
        n += 1
        failed += not cond
        print('%sok %d - rig %s: %s' % ('' if cond else 'not ', n, a.kernel, name))
        if not cond and diag:
            print('\n'.join('#   ' + x for x in str(diag).splitlines()[-20:]))

    with tempfile.TemporaryDirectory(prefix='vs-rig-') as work:
        standin = os.path.join(work, 'qemu')
        with open(standin, 'w') as f:
            f.write(STANDIN)
        os.chmod(standin, stat.S_IRWXU)
        os.environ['REAL'] = vmrig.QEMU
        os.environ['COUNT'] = os.path.join(work, 'count')
        vmrig.QEMU = standin

        def boot(aborts, banner):
            os.environ['ABORTS'], os.environ['BANNER'] = str(aborts), str(banner)
            if os.path.exists(os.environ['COUNT']):
                os.unlink(os.environ['COUNT'])
            err = out = None
            try:
                with vmrig.VM(kernel=a.kernel) as vm:
                    out = vm.check('uname -r').strip()
            except vmrig.VMError as e:
                err = str(e)
            with open(os.environ['COUNT']) as f:
                return int(f.read()), out, err

        starts, out, err = boot(1, 0)
        ok(err is None and out, 'an abort before the kernel ran: booted again', err)
        ok(starts == 2, 'QEMU was started twice (%d)' % starts)

        starts, out, err = boot(9, 0)
        ok(err is not None and 'Assertion' in err, 'aborts every time: the boot fails '
           'with QEMU\'s message', err)
        ok(starts == vmrig.BOOT_ATTEMPTS, 'and QEMU was started %d times (%d)'
           % (vmrig.BOOT_ATTEMPTS, starts))

        starts, out, err = boot(1, 1)
        ok(err is not None, 'an abort after the kernel banner fails the boot', err)
        ok(starts == 1, 'and is not retried (%d starts)' % starts)
    print('# rig: %d checks, %d failed' % (n, failed))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
