#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""make bench: inside a VM, full dumps through the family against reading
the same facts from sysfs, for the same devices, in the same run.

    bench.py [--kernel 6.12] [--iterations 2000]

Boots the VM of the tests (about two dozen virtio devices), loads the module
and runs selftests/bench_dump, which interleaves the two in rounds. Prints
its JSON line and a sentence with the ratio; absolute times under TCG mean
little, the ratio is the number to compare.

Then the vhost part (selftests/bench_vhost): full dumps with 1, 100 and
1000 open vhost-net devices, and with 1 device beside 1000 idle processes
or 100000 unrelated fds, giving the cost per vhost device, per process and
per fd, each against the 1-device dump of the same run.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(TOP, 'selftests'))
sys.path.insert(0, os.path.join(TOP, 'selftests', 'vm'))
import vm_tests  # noqa: E402
import vmrig  # noqa: E402


def build_module(line):
    env = subprocess.check_output([os.path.join(TOP, 'selftests/vm/kernels.sh'),
                                   '--print', line], text=True)
    kv = dict(x.split('=', 1) for x in env.split())
    kv = {k: v.strip('\'"') for k, v in kv.items()}
    env = dict(os.environ, VS_VMLINUX=kv['VMLINUX'],
               VS_VHOST_MODDIR='%s/lib/modules/%s/kernel/drivers/vhost' % (kv['MODROOT'],
                                                                            kv['KVER']))
    return subprocess.check_output([os.path.join(TOP, 'selftests/build_module.sh'),
                                    kv['KBUILD'], os.path.join(TOP, 'build', kv['KVER'])],
                                   text=True, env=env).strip()


VHOST_RUNS = [(1, 0, 0, 200), (100, 0, 0, 100), (1000, 0, 0, 20),
              (1, 1000, 0, 100), (1, 10, 100000, 20)]


def vhost_bench(vm):
    """Dump cost against vhost devices, processes and fds."""
    res = {}
    for ndev, nproc, nfds, iters in VHOST_RUNS:
        out = vm.check('bench_vhost %d %d %d %d' % (ndev, nproc, nfds, iters), timeout=600)
        r = json.loads(out.strip().splitlines()[-1])
        res[(ndev, nproc, nfds)] = r['dump_us']
        print(json.dumps(r))
    base = res[(1, 0, 0)]
    print('%s: vhost dump with 1 device %.0f us; per extra vhost device %.1f us '
          '(100: %.0f us, 1000: %.0f us); per idle process %.2f us; per unrelated fd %.3f us' %
          (vm.kver, base, (res[(1000, 0, 0)] - base) / 999, res[(100, 0, 0)],
           res[(1000, 0, 0)], (res[(1, 1000, 0)] - base) / 1000,
           (res[(1, 10, 100000)] - base) / 100000))
    sys.stdout.flush()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--kernel', action='append', help='6.1 and/or 6.12 (default both)')
    ap.add_argument('--iterations', type=int, default=2000)
    a = ap.parse_args()
    for line in a.kernel or ['6.1', '6.12']:
        ko = build_module(line)
        with tempfile.TemporaryDirectory(prefix='vs-bench-') as work:
            devs, qargs = vm_tests.vm_config(work)
            files = [ko + ':/virtio_status.ko',
                     os.path.join(TOP, 'selftests/bench_dump') + ':/usr/bin/bench_dump',
                     os.path.join(TOP, 'selftests/bench_vhost') + ':/usr/bin/bench_vhost']
            with vmrig.VM(kernel=line, devices=devs, qemu_args=qargs,
                          extra_files=files, mem='768M') as vm:
                vm.check('insmod /virtio_status.ko')
                out = vm.check('bench_dump %d' % a.iterations, timeout=600)
                res = json.loads(out.strip().splitlines()[-1])
                res['kernel'] = vm.kver
                print(json.dumps(res))
                print('%s: a full dump of %d devices took %.1f us, reading the same '
                      'facts from sysfs %.1f us: sysfs/dump = %.2f' %
                      (vm.kver, res['devices'], res['dump_us'], res['sysfs_us'],
                       res['sysfs_over_dump']))
                sys.stdout.flush()
                vhost_bench(vm)
    return 0


if __name__ == '__main__':
    sys.exit(main())
