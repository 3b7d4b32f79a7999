# SPDX-License-Identifier: GPL-2.0
"""The events group of vm_tests.py: `virtio-status monitor` in the guest
while the host hot-plugs and unplugs virtio devices through QEMU's QMP.

  - every device added, bound, unbound and removed is reported, in order,
    with its path, bus id, name, device id and driver, to a root monitor
    and to an unprivileged one; sequence numbers have no gap
  - a driver unbound and bound again through sysfs
  - a vhost-net device opened and closed by a guest process (root only)
  - an overrun: a monitor with a tiny receive buffer stopped (SIGSTOP)
    while devices come and go says events were lost, then resynchronises
    to exactly the devices sysfs shows, and keeps going
  - rmmod / insmod while monitors run: they say so, report what changed
    while the module was away, and keep going (the module stays loaded)
  - bad arguments: a sentence and exit status 1

Every wait polls for a condition, for up to WAIT seconds; nothing is timed.
"""

import json
import os
import shlex

from vm_common import RMMOD_WAITING, WAIT, cat, wait_until


def parse_lines(text):
    """JSON objects of a monitor's output, one a line; None for a bad line."""
    out = []
    for line in text.splitlines():
        try:
            out.append(json.loads(line))
        except ValueError:
            out.append(None)
    return out


class Monitor:
    """`virtio-status monitor ARGS` in the background in the guest; its
    lines in /tmp/NAME.out, stderr in .err, exit status in .rc."""

    def __init__(self, vm, name, args='', user=None):
        self.vm, self.name = vm, name
        cmd = 'exec virtio-status monitor %s' % args
        if user:
            cmd = 'exec su -s /bin/sh %s -c %s' % (user, shlex.quote(cmd))
        f = '/tmp/ev-%s' % name
        self.f = f
        vm.check('rm -f {f}.out {f}.err {f}.rc {f}.pid; '
                 '(sh -c {c} >{f}.out 2>{f}.err & echo $! >{f}.pid; wait $!; echo $? >{f}.rc) '
                 '>/dev/null 2>&1 &'.format(f=f, c=shlex.quote(cmd)))
        self.ready = wait_until(lambda: 'monitoring' in self.err() or self.rc() is not None)
        self.pid = cat(vm, f + '.pid').strip()

    def err(self):
        return cat(self.vm, self.f + '.err')

    def rc(self):
        t = cat(self.vm, self.f + '.rc').strip()
        return int(t) if t.isdigit() else None

    def events(self):
        return parse_lines(cat(self.vm, self.f + '.out'))

    def wait(self, pred, timeout=WAIT):
        """Wait until some event satisfies PRED; all events then."""
        evs = wait_until(lambda: (lambda e: e if any(x and pred(x) for x in e) else None)(
            self.events()), timeout)
        return evs or self.events()

    def signal(self, sig):
        self.vm.run('kill -%s %s' % (sig, self.pid))

    def stop(self):
        """SIGINT, then its exit status (None if it did not exit)."""
        self.signal('INT')
        got = wait_until(lambda: (self.rc(),) if self.rc() is not None else None)
        return got[0] if got else None

    def alive(self):
        rc, _ = self.vm.run('kill -0 %s' % self.pid)
        return rc == 0


def is_ev(e, event, path=None, **data):
    if not e or e.get('event') != event:
        return False
    d = e.get('data', {})
    if path is not None and d.get('path') != path:
        return False
    return all(d.get(k) == v for k, v in data.items())


def brief(e):
    """(event, path, name, driver) of a device event."""
    d = e.get('data', {})
    return (e.get('event'), d.get('path'), d.get('name'), d.get('driver'))


def dev_events(evs, paths):
    return [brief(e) for e in evs if e and e.get('data', {}).get('path') in paths
            and e['event'].startswith('VIRTIO_')]


def sysfs_paths(vm):
    out = vm.check('for d in /sys/bus/virtio/devices/*; do [ -e "$d" ] && realpath $d; done; true')
    return set(out.split())


def sysfs_driver(vm, busid):
    _, out = vm.run('basename "$(readlink /sys/bus/virtio/devices/%s/driver)"' % busid)
    out = out.strip()
    return out if out and out != '.' else None


def replay(start, evs):
    """The device set after applying EVS' added/removed events to START."""
    s = set(start)
    for e in evs:
        if is_ev(e, 'VIRTIO_DEVICE_ADDED'):
            s.add(e['data']['path'])
        elif is_ev(e, 'VIRTIO_DEVICE_REMOVED'):
            s.discard(e['data']['path'])
    return s


# (QEMU driver, extra properties, name, device id, guest driver)
PLUGS = [('virtio-rng-pci', {}, 'virtio-rng', 4, 'virtio_rng'),
         ('virtio-net-pci', {}, 'virtio-net', 1, 'virtio_net'),
         ('virtio-crypto-pci', {'cryptodev': 'cd-ev'}, 'virtio-crypto', 20, None),
         ('virtio-rng-pci', {}, 'virtio-rng', 4, 'virtio_rng')]


class Plugger:
    def __init__(self, vm):
        self.vm = vm
        self.n = 0

    def add(self, drv, props, port):
        qid = 'ev%d' % self.n
        self.n += 1
        self.vm.qmp('device_add', dict(props, driver=drv, id=qid, bus='rp%d' % port))
        where = wait_until(lambda: self.vm.virtio_sysfs(qid))
        return qid, where

    def delete(self, qid):
        self.vm.qmp('device_del', id=qid)
        try:
            self.vm.wait_event('DEVICE_DELETED', timeout=WAIT, device=qid)
            return True
        except Exception:
            return False


def test_bad_input(vm, R):
    for args, want in (('--bogus', "unknown option '--bogus'"),
                       ('--rcvbuf', '--rcvbuf needs a size'),
                       ('--rcvbuf 0', '--rcvbuf takes a size in bytes'),
                       ('--rcvbuf 12k', '--rcvbuf takes a size in bytes'),
                       ('extra', 'takes no argument')):
        rc, out = vm.run('virtio-status monitor %s 2>/tmp/ev-bad.err' % args)
        err = cat(vm, '/tmp/ev-bad.err')
        R.ok(rc == 2 and out == '' and want in err,
             'events: monitor %s -> a sentence, exit status 2 (usage)' % args,
             'rc=%d\n%s%s' % (rc, out, err))
    rc, out = vm.run('virtio-status monitor --help')
    R.ok(rc == 0 and 'VIRTIO_DEVICE_ADDED' in out and 'VIRTIO_EVENTS_LOST' in out,
         'events: monitor --help names the events', out)


def check_stream(R, what, evs, first_seq=None):
    """Every line JSON, every device event with a seq, seqs consecutive."""
    R.ok(all(e is not None for e in evs), '%s: every line is one JSON object' % what, evs)
    seqs = [e['data']['seq'] for e in evs if e and 'seq' in e.get('data', {})]
    R.ok(seqs and all(b == a + 1 for a, b in zip(seqs, seqs[1:])),
         '%s: kernel sequence numbers have no gap (%d events)' % (what, len(seqs)), seqs)


def test_hotplug_events(vm, R, P, m_root, m_user):
    _, t0 = vm.run('date +%s')
    expect = []
    paths = set()
    port = 1
    for drv, props, name, devid, gdrv in PLUGS:
        if drv == 'virtio-crypto-pci':
            vm.qmp('object-add', {'qom-type': 'cryptodev-backend-builtin', 'id': 'cd-ev'})
        qid, where = P.add(drv, props, port)
        port = 3 - port
        if not R.ok(where is not None, 'events: guest sees hot-plugged %s' % drv):
            return
        p = where['path']
        paths.add(p)
        expect.append(('VIRTIO_DEVICE_ADDED', p, name, None))
        if gdrv:
            expect.append(('VIRTIO_DRIVER_BOUND', p, name, gdrv))
            m_root.wait(lambda e: is_ev(e, 'VIRTIO_DRIVER_BOUND', p))
        else:
            m_root.wait(lambda e: is_ev(e, 'VIRTIO_DEVICE_ADDED', p))
            R.ok(sysfs_driver(vm, where['name']) is None,
                 'events: %s has no guest driver' % drv)
        if gdrv and len(expect) == 2:
            # the first device: its driver unbound and bound again by hand
            vm.check('echo %s > /sys/bus/virtio/drivers/%s/unbind' % (where['name'], gdrv))
            vm.check('echo %s > /sys/bus/virtio/drivers/%s/bind' % (where['name'], gdrv))
            expect += [('VIRTIO_DRIVER_UNBOUND', p, name, gdrv),
                       ('VIRTIO_DRIVER_BOUND', p, name, gdrv)]
        R.ok(P.delete(qid), 'events: QEMU deleted %s' % qid)
        if gdrv:
            expect.append(('VIRTIO_DRIVER_UNBOUND', p, name, gdrv))
        expect.append(('VIRTIO_DEVICE_REMOVED', p, name, None))
        m_root.wait(lambda e: is_ev(e, 'VIRTIO_DEVICE_REMOVED', p))
        if drv == 'virtio-crypto-pci':
            vm.qmp('object-del', id='cd-ev')
    _, t1 = vm.run('date +%s')

    for line in cat(vm, m_root.f + '.out').splitlines()[:2]:
        print('# events: %s' % line)
    for m, who in ((m_root, 'root'), (m_user, 'unprivileged')):
        m.wait(lambda e: len(dev_events([e], paths)) and e['event'] == 'VIRTIO_DEVICE_REMOVED'
               and e['data']['path'] == expect[-1][1])
        evs = m.events()
        R.equal(dev_events(evs, paths), expect,
                'events: %s monitor: every add, bind, unbind, remove of %d hot-plugged devices, '
                'in order' % (who, len(PLUGS)))
        devs = [e for e in evs if e and e['data'].get('path') in paths]
        R.ok(all(e['data'].get('busid') == os.path.basename(e['data']['path']) and
                 e['data'].get('device-id') in (1, 4, 20) and 'resync' not in e['data']
                 for e in devs),
             'events: %s monitor: bus id and device id of each event' % who, devs)
        ts = [e['timestamp'] for e in devs]
        R.ok(all(int(t0) <= t['seconds'] <= int(t1) and 0 <= t['microseconds'] < 1000000
                 for t in ts),
             'events: %s monitor: timestamps are the kernel\'s, within the test' % who,
             '%s..%s %s' % (t0, t1, ts))
        check_stream(R, 'events: %s monitor' % who, evs)
        R.ok(not any(is_ev(e, 'VIRTIO_EVENTS_LOST') for e in evs),
             'events: %s monitor: nothing lost' % who)


def test_vhost_events(vm, R, m_root, m_user):
    pid = vm.check('(exec 3<>/dev/vhost-net; exec sleep 1000) >/dev/null 2>&1 & echo $!').strip()
    path = '/proc/%s/fd/3' % pid
    evs = m_root.wait(lambda e: is_ev(e, 'VHOST_DEVICE_ADDED', path))
    R.ok(any(is_ev(e, 'VHOST_DEVICE_ADDED', path, name='vhost-net', driver='vhost_net')
             for e in evs), 'events: a vhost-net device opened -> VHOST_DEVICE_ADDED %s' % path,
         evs[-5:])
    vm.run('kill %s' % pid)
    evs = m_root.wait(lambda e: is_ev(e, 'VHOST_DEVICE_REMOVED', path))
    R.ok(any(is_ev(e, 'VHOST_DEVICE_REMOVED', path, name='vhost-net') for e in evs),
         'events: its holder gone -> VHOST_DEVICE_REMOVED', evs[-5:])
    R.ok(not any(e and e['event'].startswith('VHOST_') for e in m_user.events()),
         'events: an unprivileged monitor reports no vhost device')


def test_overrun(vm, R, P, m_root):
    m = Monitor(vm, 'small', '--rcvbuf 1 --no-vhost')
    if not R.ok(m.ready and m.alive(), 'events: a monitor with a tiny receive buffer starts',
                m.err()):
        return
    start = sysfs_paths(vm)
    root_before = len(m_root.events())
    m.signal('STOP')
    kept = kept_where = None
    for k in range(4):
        qid, where = P.add('virtio-rng-pci', {}, 1)
        wait_until(lambda: where and sysfs_driver(vm, where['name']))
        if k == 1:
            kept, kept_where = P.add('virtio-rng-pci', {}, 2)
            wait_until(lambda: kept_where and sysfs_driver(vm, kept_where['name']))
        P.delete(qid)
        wait_until(lambda: where and where['path'] not in sysfs_paths(vm))
    now = sysfs_paths(vm)
    m.signal('CONT')
    evs = m.wait(lambda e: is_ev(e, 'VIRTIO_EVENTS_RESYNCED'))
    names = [e and e['event'] for e in evs]
    lost = [i for i, e in enumerate(evs) if is_ev(e, 'VIRTIO_EVENTS_LOST', reason='overrun')]
    res = [i for i, e in enumerate(evs) if is_ev(e, 'VIRTIO_EVENTS_RESYNCED', reason='overrun')]
    R.ok(lost and res and lost[0] < res[0],
         'events: overrun: VIRTIO_EVENTS_LOST (overrun), then VIRTIO_EVENTS_RESYNCED', names)
    R.ok(any(e and e['data'].get('resync') is True for e in evs),
         'events: overrun: the resynchronisation reports changes marked resync', names)
    R.equal(sorted(replay(start, evs)), sorted(now),
            'events: overrun: the stream ends in the devices sysfs shows')
    if kept_where:
        p = kept_where['path']
        P.delete(kept)
        m_root.wait(lambda e: is_ev(e, 'VIRTIO_DEVICE_REMOVED', p))
        evs = m.wait(lambda e: is_ev(e, 'VIRTIO_DEVICE_REMOVED', p) and 'seq' in e['data'])
        R.ok(any(is_ev(e, 'VIRTIO_DEVICE_REMOVED', p) and 'seq' in e['data'] for e in evs),
             'events: overrun: the monitor goes on with kernel events after the resync',
             [e and e['event'] for e in evs][-6:])
        R.equal(sorted(replay(start, evs)), sorted(sysfs_paths(vm)),
                'events: overrun: and still matches sysfs')
    R.equal(m.stop(), 0, 'events: overrun: the monitor exits 0 on SIGINT')
    after = m_root.events()[root_before:]
    R.ok(not any(is_ev(e, 'VIRTIO_EVENTS_LOST') for e in after) and
         sum(is_ev(e, 'VIRTIO_DEVICE_ADDED') for e in after) == 5 and
         sum(is_ev(e, 'VIRTIO_DEVICE_REMOVED') for e in after) == 5,
         'events: meanwhile a monitor with the default buffer lost nothing',
         [e and e['event'] for e in after])


def test_reload(vm, R, P, m_root, m_user):
    before = {m: len(m.events()) for m in (m_root, m_user)}
    rc, out = vm.run(RMMOD_WAITING)
    if not R.ok(rc == 0, 'events: rmmod while monitors run', out):
        return
    for m, who in ((m_root, 'root'), (m_user, 'unprivileged')):
        evs = m.wait(lambda e: is_ev(e, 'VIRTIO_STATUS_MODULE_UNLOADED'))
        R.ok(any(is_ev(e, 'VIRTIO_STATUS_MODULE_UNLOADED') for e in evs) and m.alive(),
             'events: %s monitor: says the module was unloaded, and keeps running' % who,
             m.err())
    qid, where = P.add('virtio-rng-pci', {}, 1)
    wait_until(lambda: where and sysfs_driver(vm, where['name']))
    rc, out = vm.run('insmod /virtio_status.ko')
    if not R.ok(rc == 0 and where, 'events: a device plugged while unloaded, insmod', out):
        return
    p = where['path']
    for m, who in ((m_root, 'root'), (m_user, 'unprivileged')):
        evs = m.wait(lambda e: is_ev(e, 'VIRTIO_EVENTS_RESYNCED', reason='module-loaded'))
        names = [brief(e) for e in evs[before[m]:] if e]
        want = [('VIRTIO_STATUS_MODULE_UNLOADED', None, None, None),
                ('VIRTIO_STATUS_MODULE_LOADED', None, None, None),
                ('VIRTIO_DEVICE_ADDED', p, 'virtio-rng', None),
                ('VIRTIO_DRIVER_BOUND', p, 'virtio-rng', 'virtio_rng'),
                ('VIRTIO_EVENTS_RESYNCED', None, None, None)]
        R.equal([n for n in names if not n[0].startswith('VHOST_')], want,
                'events: %s monitor: unloaded, loaded, what changed meanwhile, resynced' % who)
    P.delete(qid)
    for m, who in ((m_root, 'root'), (m_user, 'unprivileged')):
        evs = m.wait(lambda e: is_ev(e, 'VIRTIO_DEVICE_REMOVED', p))
        tail = [brief(e) for e in evs[before[m]:]
                if e and e['data'].get('path') == p and 'seq' in e['data']]
        R.equal(tail, [('VIRTIO_DRIVER_UNBOUND', p, 'virtio-rng', 'virtio_rng'),
                       ('VIRTIO_DEVICE_REMOVED', p, 'virtio-rng', None)],
                'events: %s monitor: kernel events from the reloaded module' % who)


def test_events(vm, R):
    test_bad_input(vm, R)
    m_root = Monitor(vm, 'root')
    m_user = Monitor(vm, 'user', user='nobody')
    ok = R.ok(m_root.ready and 'monitoring virtio and vhost devices' in m_root.err() and
              m_root.alive(),
              'events: root monitor starts, following vhost devices too', m_root.err())
    ok &= R.ok(m_user.ready and 'CAP_NET_ADMIN' in m_user.err() and m_user.alive(),
               'events: unprivileged monitor starts, says why vhost devices are not followed',
               m_user.err())
    if not ok:
        for m in (m_root, m_user):
            m.stop()
        return
    P = Plugger(vm)
    test_hotplug_events(vm, R, P, m_root, m_user)
    test_vhost_events(vm, R, m_root, m_user)
    test_overrun(vm, R, P, m_root)
    test_reload(vm, R, P, m_root, m_user)
    for m, who in ((m_root, 'root'), (m_user, 'unprivileged')):
        R.equal(m.stop(), 0, 'events: %s monitor exits 0 on SIGINT' % who)
    rc, _ = vm.run('grep -q "^virtio_status " /proc/modules')
    R.ok(rc == 0, 'events: the module is loaded at the end')
