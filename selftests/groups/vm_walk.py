# SPDX-License-Identifier: GPL-2.0
"""The walk group of vm_tests.py: the module's search for vhost devices
(a walk over every process and its file table) must not harm the machine
it watches (issue 11).

  - CID reuse: CID_ITERATIONS times open /dev/vhost-vsock,
    VHOST_SET_OWNER, VHOST_VSOCK_SET_GUEST_CID with the same CID, close,
    while two dump_loop processes dump the family in tight loops
    (selftests/vhost/vhost_cid_reuse). A dump that still holds the closed file
    keeps its CID taken, and the next SET_GUEST_CID fails with EADDRINUSE:
    at most CID_MAX_INUSE such iterations pass; any other failure fails.
  - a big walk: WALK_PROCS processes of WALK_FDS fds each (dups of
    /dev/null and of two vhost-net devices) and one process of
    WALK_THREADS threads (selftests/vhost/vhost_walk); full dumps (64 KiB and
    4096-byte buffers), a do, and the CLI's x-query-virtio must list both
    devices with their holders right. Beforehand the RCU stall timeout and
    the soft lockup threshold are lowered (RCU_STALL_S, WATCHDOG_THRESH)
    so that a walk that keeps a CPU too long is reported; afterwards the
    kernel log since the start must have no stall, lockup, BUG or
    WARNING. The timeouts are restored.
"""

import json
import re
import time

CID_ITERATIONS = 1000
CID_MAX_INUSE = 1           # EADDRINUSE iterations allowed per CID_ITERATIONS
CID = 4242
WALK_PROCS, WALK_FDS, WALK_THREADS = 10, 10000, 2000
RCU_STALL_S = 5             # rcupdate.rcu_cpu_stall_timeout, seconds
WATCHDOG_THRESH = 2         # kernel.watchdog_thresh: soft lockup after 2x

RCU_STALL = '/sys/module/rcupdate/parameters/rcu_cpu_stall_timeout'
THRESH = '/proc/sys/kernel/watchdog_thresh'
SOFT_WATCHDOG = '/proc/sys/kernel/soft_watchdog'
WATCHDOG = '/proc/sys/kernel/watchdog'
THREADS_MAX = '/proc/sys/kernel/threads-max'
MARK = 'virtio_status selftest: big walk starts'
BAD = re.compile(r'rcu_\w+ self-detected stall|rcu: INFO|detected stalls? on CPU|'
                 r'soft lockup|hung_task|blocked for more than|BUG:|WARNING:')


def last_json(out):
    for line in reversed(out.strip().splitlines()):
        try:
            return json.loads(line)
        except ValueError:
            continue
    return {}


def read_int(vm, path):
    rc, out = vm.run('cat %s' % path)
    try:
        return int(out.strip()) if rc == 0 else None
    except ValueError:
        return None


def cid_reuse(vm, R):
    t = time.monotonic()
    rc, out = vm.run('vhost_cid_reuse %d %d %d 2' % (CID_ITERATIONS, CID, CID_MAX_INUSE),
                     timeout=900)
    res = last_json(out)
    print('# walk: cid reuse: %s (%.1fs)' % (json.dumps(res), time.monotonic() - t))
    R.ok(res.get('iterations') == CID_ITERATIONS and res.get('first_error') == '' and
         res.get('dumper_failures') == 0 and res.get('dumps', 0) > 0,
         'walk: %d x open vhost-vsock, SET_OWNER, SET_GUEST_CID %d, close beside two '
         'dump loops: nothing fails but EADDRINUSE, every dump well formed' %
         (CID_ITERATIONS, CID), out[-2000:])
    R.ok(rc == 0 and res.get('result') == 'pass' and
         res.get('eaddrinuse', CID_MAX_INUSE + 1) <= CID_MAX_INUSE,
         'walk: SET_GUEST_CID met EADDRINUSE (the closed device still held by a dump) '
         'at most %d times in %d (%s)' % (CID_MAX_INUSE, CID_ITERATIONS,
                                          res.get('eaddrinuse')), out[-2000:])


def big_walk(vm, R):
    saved = {p: read_int(vm, p) for p in (RCU_STALL, THRESH, SOFT_WATCHDOG, WATCHDOG,
                                          THREADS_MAX)}
    if not R.ok(None not in saved.values() and saved[SOFT_WATCHDOG] == 1 and
                saved[WATCHDOG] == 1,
                'walk: the RCU stall and soft lockup detectors are there and on', saved):
        return
    try:
        # threads-max counts every task: leave room for the walk's
        # threads beside what runs already (a small or KASAN kernel
        # computes a low default from its memory)
        _, out = vm.run("cut -d' ' -f4 /proc/loadavg | cut -d/ -f2")
        tasks = int(out.strip()) if out.strip().isdigit() else 0
        need = tasks + WALK_THREADS + WALK_PROCS + 200
        if saved[THREADS_MAX] < need:
            vm.check('echo %d > %s' % (need, THREADS_MAX))
        vm.check('echo %d > %s && echo %d > %s' % (RCU_STALL_S, RCU_STALL,
                                                   WATCHDOG_THRESH, THRESH))
        R.ok(read_int(vm, RCU_STALL) == RCU_STALL_S and
             read_int(vm, THRESH) == WATCHDOG_THRESH,
             'walk: RCU stall timeout %d s, soft lockup after %d s' %
             (RCU_STALL_S, 2 * WATCHDOG_THRESH), saved)
        vm.check('echo "%s" > /dev/kmsg' % MARK)
        t = time.monotonic()
        rc, out = vm.run('vhost_walk %d %d %d "virtio-status x-query-virtio '
                         '>/tmp/walk-cli.json 2>/tmp/walk-cli.err"' %
                         (WALK_PROCS, WALK_FDS, WALK_THREADS), timeout=600)
        secs = time.monotonic() - t
        res = last_json(out)
        print('# walk: %d processes x %d fds, %d threads: set up in %.1fs; full dump %.1f ms '
              '(%s datagrams), with a 4096-byte buffer %.1f ms (%s datagrams), do %.1f ms, '
              'CLI x-query-virtio %.1f ms; %s replies, %s vhost; holders %s/%s and %s/%s; '
              'all in %.1fs' %
              (WALK_PROCS, WALK_FDS, WALK_THREADS, res.get('setup_s', -1),
               res.get('dump_ms', -1), res.get('datagrams'), res.get('small_dump_ms', -1),
               res.get('small_datagrams'), res.get('do_ms', -1), res.get('cmd_ms', -1),
               res.get('replies'), res.get('vhost_replies'), res.get('holders_a'),
               res.get('want_a'), res.get('holders_b'), res.get('want_b'), secs))
        R.ok(rc == 0 and res.get('result') == 'pass',
             'walk: beside %d x %d fds and %d threads, full dumps and a do list both '
             'vhost-net devices under the owner, with every holder' %
             (WALK_PROCS, WALK_FDS, WALK_THREADS), out[-2000:])
        _, cli = vm.run('cat /tmp/walk-cli.json /tmp/walk-cli.err')
        try:
            lst = json.loads(cli).get('return', [])
        except ValueError:
            lst = []
        listed = {d.get('path'): d.get('name') for d in lst if isinstance(d, dict)}
        R.ok(res.get('path_a') and listed.get(res.get('path_a')) == 'vhost-net' and
             listed.get(res.get('path_b')) == 'vhost-net',
             'walk: the CLI\'s x-query-virtio lists both, by the same paths', cli[-2000:])
        # a stall is reported while it lasts; give the last one time to print
        time.sleep(1)
        _, log = vm.run("dmesg | sed -n '/%s/,$p'" % MARK)
        bad = [line for line in log.splitlines() if BAD.search(line)]
        R.ok(MARK in log and not bad,
             'walk: no RCU stall, soft lockup, hung task, BUG or WARNING in the kernel log',
             '\n'.join(bad[:40]) if bad else log[-2000:])
    finally:
        vm.run('echo %d > %s; echo %d > %s; echo %d > %s' %
               (saved[RCU_STALL], RCU_STALL, saved[THRESH], THRESH,
                saved[THREADS_MAX], THREADS_MAX))


def test_walk(vm, R):
    cid_reuse(vm, R)
    big_walk(vm, R)
