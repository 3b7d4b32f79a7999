#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""make bench: inside a VM, full dumps through the family against reading
the same facts from sysfs, for the same devices, in the same run.

    bench.py [--kernel 6.12] [--iterations 2000] [--series]
             [--startup] [--cli-before PATH] [--rounds 60]

Boots the VM of the tests (about two dozen virtio devices), loads the module
and runs selftests/bench/bench_dump, which interleaves the two in rounds. Prints
its JSON line and a sentence with the ratio; absolute times under TCG mean
little, the ratio is the number to compare.

Then the vhost part (selftests/bench/bench_vhost): full dumps with 1, 100 and
1000 open vhost-net devices, and with 1 device beside 1000 idle processes
or 100000 unrelated fds, giving the cost per vhost device, per process and
per fd, each against the 1-device dump of the same run; and beside one
idle process of 2000 threads against one of a single thread, the cost per
thread.

Last, what the walk costs the machine it watches (selftests/vhost/vhost_cid_reuse):
1000 times open /dev/vhost-vsock, VHOST_SET_OWNER, VHOST_VSOCK_SET_GUEST_CID
with the same CID, close, while two dump_loop processes dump in tight loops;
the iterations whose SET_GUEST_CID met EADDRINUSE (the closed device was
still held by a dump) per 1000.

In the 6.1 VM, before the rest, the startup part (selftests/bench/startup.py,
issue 14): one `virtio-status --qmp` process answering x-query-virtio-status
for every device, against one `cat` of the four sysfs attributes of every
device, `--help` and `--version`, timed as whole processes by
selftests/bench/bench_exec in interleaved rounds, for the CLI as
tools/Makefile links it and for relinks of its objects with other link
flags; with the shared libraries each loads. --cli-before PATH adds another
CLI binary (one built from an older commit) to the same rounds, so before
and after come from one run. --startup: only that part (one 6.1 VM, about
1.5 minutes). It runs in the first --kernel's VM.

First, on the host and without a VM (alone with --series): what a scrape
costs Prometheus, the series of `virtio-status metrics` per guest device and
per vhost device, with and without --collect.features, counted on the
fake backend's output for a guest and for hosts of 200 VMs
(selftests/bench/series.py; its count() counts any metrics text, a VM's
too).
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(TOP, 'selftests', 'groups'))
sys.path.insert(0, os.path.join(TOP, 'selftests', 'vm'))
import series  # noqa: E402
import startup  # noqa: E402
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
    return subprocess.check_output([os.path.join(TOP, 'selftests/scripts/build_module.sh'),
                                    kv['KBUILD'], os.path.join(TOP, 'build', kv['KVER'])],
                                   text=True, env=env).strip()


# (vhost devices, idle processes, unrelated fds, threads of one more idle
# process, dumps timed)
THREADS = 2000
VHOST_RUNS = [(1, 0, 0, 0, 200), (100, 0, 0, 0, 100), (1000, 0, 0, 0, 20),
              (1, 1000, 0, 0, 100), (1, 10, 100000, 0, 20),
              (1, 0, 0, 1, 200), (1, 0, 0, THREADS, 200)]
CID_ITERATIONS = 1000


def vhost_bench(vm):
    """Dump cost against vhost devices, processes, fds and threads."""
    res = {}
    for ndev, nproc, nfds, nthreads, iters in VHOST_RUNS:
        out = vm.check('bench_vhost %d %d %d %d %d' % (ndev, nproc, nfds, iters, nthreads),
                       timeout=600)
        r = json.loads(out.strip().splitlines()[-1])
        res[(ndev, nproc, nfds, nthreads)] = r['dump_us']
        print(json.dumps(r))
    base = res[(1, 0, 0, 0)]
    print('%s: vhost dump with 1 device %.0f us; per extra vhost device %.1f us '
          '(100: %.0f us, 1000: %.0f us); per idle process %.2f us; per unrelated fd %.3f us; '
          'per thread %.3f us (one process of %d threads: %.0f us, of 1: %.0f us)' %
          (vm.kver, base, (res[(1000, 0, 0, 0)] - base) / 999, res[(100, 0, 0, 0)],
           res[(1000, 0, 0, 0)], (res[(1, 1000, 0, 0)] - base) / 1000,
           (res[(1, 10, 100000, 0)] - base) / 100000,
           (res[(1, 0, 0, THREADS)] - res[(1, 0, 0, 1)]) / (THREADS - 1), THREADS,
           res[(1, 0, 0, THREADS)], res[(1, 0, 0, 1)]))
    sys.stdout.flush()


def cid_bench(vm):
    """vhost-vsock CID reuse beside two dump loops: EADDRINUSE per 1000."""
    # MAX_INUSE = all: measure, do not judge
    rc, out = vm.run('vhost_cid_reuse %d 4242 %d 2' % (CID_ITERATIONS, CID_ITERATIONS),
                     timeout=900)
    r = json.loads(out.strip().splitlines()[-1])
    print(json.dumps(r))
    if rc or r.get('first_error'):
        print('%s: vhost-vsock CID reuse failed: %s' % (vm.kver, r.get('first_error')))
    else:
        print('%s: vhost-vsock CID reuse beside two dump loops: SET_GUEST_CID met '
              'EADDRINUSE %.1f times per 1000 (the CID taken up to %.1f ms); '
              '%.1f ms per iteration, %d dumps' %
              (vm.kver, r['eaddrinuse'] * 1000.0 / r['iterations'], r['max_wait_ms'],
               r['per_iteration_ms'], r['dumps']))
    sys.stdout.flush()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--kernel', action='append', help='6.1 and/or 6.12 (default both)')
    ap.add_argument('--iterations', type=int, default=2000)
    ap.add_argument('--series', action='store_true',
                    help='only the host-side series counts, no VM')
    ap.add_argument('--startup', action='store_true',
                    help='only the startup part, in one 6.1 VM')
    ap.add_argument('--cli-before', metavar='PATH',
                    help='another CLI binary to time beside the tree\'s (startup part)')
    ap.add_argument('--rounds', type=int, default=60,
                    help='rounds of the startup part (default 60)')
    a = ap.parse_args()
    if a.cli_before and not os.access(a.cli_before, os.X_OK):
        ap.error('--cli-before %s: not an executable file' % a.cli_before)
    if not a.startup:
        print('# metrics cardinality (host side, tools/tests/metrics-scenario)')
        series.scenarios(False)
    if a.series:
        return 0
    clis = startup.build_variants(os.path.join(TOP, 'build', 'startup'), a.cli_before)
    lines = a.kernel or (['6.1'] if a.startup else ['6.1', '6.12'])
    for line in lines:
        ko = build_module(line)
        with tempfile.TemporaryDirectory(prefix='vs-bench-') as work:
            devs, qargs = vm_tests.vm_config(work)
            # the startup part runs in the first kernel's VM (6.1)
            files = startup.extra_files(clis) if line == lines[0] else []
            files += [ko + ':/virtio_status.ko']
            if not a.startup:
                files += [os.path.join(TOP, 'selftests/bench/bench_dump') + ':/usr/bin/bench_dump',
                          os.path.join(TOP, 'selftests/bench/bench_vhost') +
                          ':/usr/bin/bench_vhost',
                          os.path.join(TOP, 'selftests/netlink/dump_loop') + ':/usr/bin/dump_loop',
                          os.path.join(TOP, 'selftests/vhost/vhost_cid_reuse') +
                          ':/usr/bin/vhost_cid_reuse']
            with vmrig.VM(kernel=line, devices=devs, qemu_args=qargs,
                          extra_files=files, mem='768M') as vm:
                vm.check('insmod /virtio_status.ko')
                if line == lines[0]:
                    print('# startup (issue 14): one command, fork to exit')
                    startup.run(vm, clis, rounds=a.rounds)
                if a.startup:
                    continue
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
                cid_bench(vm)
    return 0


if __name__ == '__main__':
    sys.exit(main())
