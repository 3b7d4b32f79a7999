# SPDX-License-Identifier: GPL-2.0
"""The health group of vm_tests.py: queue progress (HEALTH_GET) against
real rings, a real stall, and the names operators use.

  - one health dump lists every queue of every bound virtio device the
    guest's sysfs shows, each message well formed (health_test checks
    every attribute rule); an unprivileged dump works too and lists no
    vhost device
  - the requests health-get refuses (health_test bad)
  - a real stall: the guest writes to a virtio-serial port whose host
    chardev is a FIFO nobody reads. QEMU keeps the buffer it cannot
    write, so the port's transmit queue has work in flight and its used
    idx stands still: the module's stalled time grows past a threshold.
    The host then reads the FIFO, QEMU completes the buffers, and the
    queue shows progress again
    The CLI agrees: `monitor --stall-after 2` says VIRTIO_QUEUE_STALLED
    for that queue, then VIRTIO_QUEUE_RECOVERED; `metrics` shows the
    queue's stalled_seconds and in_flight gauges while it stalls
  - names: eth0 and vda on their virtio devices (x-query-virtio --names,
    show, metrics' device_info)
  - a stand-in VM owner (vhost_owner) with a vhost-net whose backend is a
    tap, and a vhost-vsock with a CID, started with "-name guest=NAME" and
    "-uuid": both are in the health dump with their two queues, and the
    CLI names the tap, the CID, the VM and its uuid

Every wait polls for a condition, for up to WAIT seconds; nothing is timed.
"""

import json
import os
import re
import threading

from vm_common import WAIT, cat, wait_until
from vm_events import Monitor
from vm_tests import cli, parse_json

STALL_PORT = 'vs.stall'
STALL_AFTER_MS = 3000       # the stalled time the test waits to see
OWNER_TAP = 'vsowner0'
OWNER_CID = 4242
OWNER_NAME = 'vm-one'
OWNER_UUID = '5a1cd2e0-7f43-4c1b-9d3e-2b8f6c0a1e77'

LINE = re.compile(r'^q (virtio|vhost) (\S+) (\d+) num=(\d+) in_flight=(\d+)'
                  r'(?: avail=(\d+) used=(\d+) stalled_ms=(\d+))?')


def stall_config(workdir):
    """QEMU devices and arguments for the stalling port, and the FIFO the
    host reads to end the stall: a virtio-serial port (on serial0 of
    vm_tests.vm_config) whose chardev writes to WORKDIR/stall.out."""
    base = os.path.join(workdir, 'stall')
    for end in ('.in', '.out'):
        if not os.path.exists(base + end):
            os.mkfifo(base + end)
    devs = ['virtserialport,bus=serial0.0,chardev=stall,name=%s' % STALL_PORT]
    args = ['-chardev', 'pipe,id=stall,path=%s' % base]
    return devs, args, base + '.out'


def health(vm, user=None):
    """(rc, {(path, index): fields}, raw output) of one health dump."""
    cmd = 'health_test dump'
    if user:
        cmd = "su -s /bin/sh %s -c '%s'" % (user, cmd)
    rc, out = vm.run(cmd, timeout=120)
    queues = {}
    for line in out.splitlines():
        m = LINE.match(line)
        if m:
            f = {'kind': m.group(1), 'num': int(m.group(4)), 'in_flight': int(m.group(5))}
            if m.group(6) is not None:
                f.update(avail=int(m.group(6)), used=int(m.group(7)),
                         stalled_ms=int(m.group(8)))
            queues[(m.group(2), int(m.group(3)))] = f
    return rc, queues, out


def bound_devices(vm):
    """{sysfs path: bus id} of the guest's virtio devices with a driver."""
    out = vm.check('for d in /sys/bus/virtio/devices/*; do '
                   '[ -e $d/driver ] && echo $(readlink -f $d); done; true')
    return {p: os.path.basename(p) for p in out.split()}


def port_queue(vm):
    """(device path, transmit queue index, /dev node) of the stall port."""
    for d in vm.check('ls /sys/class/virtio-ports').split():
        if cat(vm, '/sys/class/virtio-ports/%s/name' % d).strip() == STALL_PORT:
            m = re.match(r'vport(\d+)p(\d+)$', d)
            dev = vm.check('readlink -f /sys/class/virtio-ports/%s/device' % d).strip()
            # multiport layout: port 0 at 0/1, control at 2/3, port N at 2N+2/2N+3
            port = int(m.group(2))
            return dev, 1 if port == 0 else 2 * port + 3, '/dev/' + d
    return None, None, None


class Drain:
    """Reads the host end of the stall FIFO in a thread until stopped."""

    def __init__(self, path):
        self.fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        self.stop = threading.Event()
        self.bytes = 0
        self.t = threading.Thread(target=self.run, daemon=True)
        self.t.start()

    def run(self):
        while not self.stop.is_set():
            try:
                data = os.read(self.fd, 65536)
                self.bytes += len(data)
                if data:
                    continue
            except BlockingIOError:
                pass
            self.stop.wait(0.05)

    def close(self):
        self.stop.set()
        self.t.join()
        os.close(self.fd)


def test_dump(vm, R):
    rc, qs, out = health(vm)
    R.ok(rc == 0, 'health: one dump, every message well formed', out[-3000:])
    devs = bound_devices(vm)
    seen = {p for (p, _) in qs}
    missing = sorted(set(devs) - seen)
    R.ok(not missing, 'health: every bound virtio device has its queues listed',
         'missing: %s' % missing)
    split = [f for f in qs.values() if 'stalled_ms' in f]
    R.ok(split and all(f['in_flight'] == (f['avail'] - f['used']) & 0xffff for f in split),
         'health: in flight is avail - used on every split ring (%d rings)' % len(split))
    packed = [k for k, f in qs.items() if 'stalled_ms' not in f and f['kind'] == 'virtio']
    R.ok(packed, 'health: the packed-ring device is listed without ring indexes', packed)

    rc, uqs, out = health(vm, user='nobody')
    R.ok(rc == 0 and set(uqs) == set(qs) or
         (rc == 0 and {p for (p, _) in uqs} == seen),
         'health: an unprivileged caller gets every virtio queue', out[-2000:])
    R.ok(not [k for k, f in uqs.items() if f['kind'] == 'vhost'],
         'health: an unprivileged caller gets no vhost device')

    rc, out = vm.run('health_test bad')
    R.ok(rc == 0, 'health: the requests it must refuse are refused, each with its sentence',
         out)


SAMPLE = re.compile(r'^(\w+)\{([^}]*)\} (\S+)$')


def series(guest, name):
    """[(labels, value)] of the family NAME in one `virtio-status metrics`
    run in GUEST."""
    _, out, _ = cli(guest, 'metrics')
    got = []
    for line in out.splitlines():
        m = SAMPLE.match(line)
        if m and m.group(1) == name:
            got.append((dict(re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', m.group(2))),
                        float(m.group(3))))
    return got


def metric(guest, name, **labels):
    """The value of the series NAME with (at least) LABELS in one
    `virtio-status metrics` run in GUEST, or None."""
    for got, value in series(guest, name):
        if all(got.get(k) == str(v) for k, v in labels.items()):
            return value
    return None


def queue_event(mon, name, path, q):
    evs = mon.wait(lambda e: e.get('event') == name and e['data'].get('path') == path and
                   e['data'].get('queue') == q, timeout=WAIT * 2)
    return next((e for e in evs if e and e.get('event') == name and
                 e['data'].get('path') == path and e['data'].get('queue') == q), None)


def test_stall(vm, R):
    dev, q, node = port_queue(vm)
    if not R.ok(node is not None, 'stall: the guest has the port %s' % STALL_PORT):
        return
    mon = Monitor(vm, 'stall', '--stall-after 2')
    R.ok(mon.ready, 'stall: monitor --stall-after 2 runs', mon.err())
    # the writer blocks once the FIFO and the ring are full
    vm.check('(dd if=/dev/zero of=%s bs=4096 count=256 >/tmp/stall.dd 2>&1; '
             'echo $? >/tmp/stall.rc) >/dev/null 2>&1 &' % node)

    def stalled():
        rc, qs, _ = health(vm)
        f = qs.get((dev, q))
        return f if f and f['in_flight'] > 0 and f['stalled_ms'] >= STALL_AFTER_MS else None

    f = wait_until(stalled, timeout=WAIT * 2, every=1)
    if not R.ok(f, 'stall: the port\'s transmit queue %d has work in flight and its used '
                'idx stood still for %d ms or more' % (q, STALL_AFTER_MS),
                '\n'.join(line for line in health(vm)[2].splitlines() if dev + ' ' in line) +
                '\nwriter: %s, exit %s' % (cat(vm, '/tmp/stall.dd'), cat(vm, '/tmp/stall.rc'))):
        return
    used = f['used']
    ev = queue_event(mon, 'VIRTIO_QUEUE_STALLED', dev, q)
    R.ok(ev and ev['data'].get('in-flight', 0) > 0 and ev['data'].get('seconds', 0) >= 2,
         'stall: monitor says VIRTIO_QUEUE_STALLED for queue %d, with work in flight and '
         '2 s or more' % q, mon.events()[-5:])
    secs = metric(vm, 'virtio_status_queue_stalled_seconds', path=dev, queue=q)
    infl = metric(vm, 'virtio_status_queue_in_flight', path=dev, queue=q)
    R.ok(secs is not None and secs >= STALL_AFTER_MS / 1000 and infl and infl > 0,
         'stall: metrics agree: the queue\'s stalled_seconds and in_flight gauges',
         'stalled_seconds %s, in_flight %s' % (secs, infl))
    drain = Drain(vm.stall_fifo)
    try:
        def moved():
            rc, qs, _ = health(vm)
            g = qs.get((dev, q))
            return g if g and g['used'] != used and g['stalled_ms'] < STALL_AFTER_MS else None
        g = wait_until(moved, timeout=WAIT * 2, every=0.5)
        R.ok(g, 'stall: once the host reads the FIFO, the used idx moves and the stalled '
             'time starts over', health(vm)[2][-3000:])
        done = wait_until(lambda: cat(vm, '/tmp/stall.rc').strip(), timeout=WAIT * 2)
        R.ok(done == '0', 'stall: the guest\'s writer finishes',
             cat(vm, '/tmp/stall.dd'))
        wait_until(lambda: drain.bytes >= 256 * 4096, timeout=WAIT)
        ev = queue_event(mon, 'VIRTIO_QUEUE_RECOVERED', dev, q)
        R.ok(ev and ev['data'].get('seconds', 0) >= 2,
             'stall: then monitor says VIRTIO_QUEUE_RECOVERED for it', mon.events()[-5:])
        secs = wait_until(lambda: (lambda v: v if v is not None and v < 2 else None)(
            metric(vm, 'virtio_status_queue_stalled_seconds', path=dev, queue=q)))
        R.ok(secs is not None, 'stall: and its stalled_seconds gauge starts over', secs)
    finally:
        drain.close()
        R.ok(mon.stop() == 0, 'stall: monitor ends on SIGINT with status 0', mon.err())
    R.ok(drain.bytes >= 256 * 4096, 'stall: the host read all %d bytes' % (256 * 4096),
         drain.bytes)


def names_of(vm, args=''):
    """{path: names} from `x-query-virtio --names`."""
    _, out, _ = cli(vm, 'x-query-virtio --names ' + args)
    return {d['path']: d.get('names', {}) for d in (parse_json(out) or {}).get('return', [])}


def test_guest_names(vm, R):
    names = names_of(vm)
    for child, cls in (('eth0', 'net'), ('vda', 'block')):
        path = vm.check('readlink -f /sys/class/%s/%s/device' % (cls, child)).strip()
        R.equal(names.get(path, {}).get('device'), child,
                'names: %s is the name of its virtio device %s' % (child, path))
        R.ok(metric(vm, 'virtio_status_device_info', path=path, device=child,
                    virtio=os.path.basename(path)) == 1,
             'names: metrics\' device_info carries device="%s" and virtio="%s"'
             % (child, os.path.basename(path)))
        _, out, _ = cli(vm, 'show %s' % os.path.basename(path))
        R.ok(re.search(r'device:\s+%s\b' % child, out), 'names: show prints %s' % child, out)


def start_owner(vm):
    """vhost_owner in the background: (pid, its ready line)."""
    vm.check('rm -f /tmp/owner.out; (exec vhost_owner --net %s --vsock %d -- -name '
             'guest=%s,debug-threads=on -uuid %s >/tmp/owner.out 2>&1) >/dev/null 2>&1 & '
             'echo $! >/tmp/owner.pid' % (OWNER_TAP, OWNER_CID, OWNER_NAME, OWNER_UUID))
    line = wait_until(lambda: (lambda t: t if 'ready' in t or 'failed' in t else None)(
        cat(vm, '/tmp/owner.out')))
    return cat(vm, '/tmp/owner.pid').strip(), line or ''


def test_vhost(vm, R):
    pid, line = start_owner(vm)
    try:
        if not R.ok('ready' in line, 'vhost: the stand-in owner set up vhost-net with a tap '
                    'and vhost-vsock with a CID', line):
            return
        fds = dict(re.findall(r'(\w+_fd)=(-?\d+)', line))
        names = names_of(vm)
        net = '/proc/%s/fd/%s' % (pid, fds['net_fd'])
        vsock = '/proc/%s/fd/%s' % (pid, fds['vsock_fd'])
        R.equal(names.get(net), {'tap': OWNER_TAP, 'vm': OWNER_NAME, 'uuid': OWNER_UUID},
                'names: vhost-net carries its tap, the VM\'s -name guest= and -uuid')
        R.equal(names.get(vsock), {'cid': str(OWNER_CID), 'vm': OWNER_NAME,
                                   'uuid': OWNER_UUID},
                'names: vhost-vsock carries its CID, the VM\'s name and uuid')
        R.ok(metric(vm, 'virtio_status_device_info', path=net, tap=OWNER_TAP,
                    vm=OWNER_NAME) == 1 and
             metric(vm, 'virtio_status_device_info', path=vsock, cid=OWNER_CID,
                    vm=OWNER_NAME) == 1,
             'names: metrics\' device_info carries tap, cid and vm')
        ident = [(lab, v) for lab, v in series(vm, 'virtio_status_vhost_started')
                 if lab.get('vm') == OWNER_NAME]
        R.equal(sorted(tuple(sorted(lab.items())) for lab, _ in ident),
                [(('cid', str(OWNER_CID)), ('vm', OWNER_NAME)),
                 (('tap', OWNER_TAP), ('vm', OWNER_NAME))],
                'names: its vhost series are known by vm and tap or cid, not by path')
        rc, qs, out = health(vm)
        for name, fd in (('vhost-net', fds['net_fd']), ('vhost-vsock', fds['vsock_fd'])):
            path = '/proc/%s/fd/%s' % (pid, fd)
            got = sorted(i for (p, i) in qs if p == path)
            R.ok(got == [0, 1] and all(qs[(path, i)]['kind'] == 'vhost' for i in got),
                 'vhost: %s is in the health dump with its two queues' % name, out[-2000:])
    finally:
        stop_owner(vm, pid)
    # the VM restarts: new pid, new fds, the same series
    pid, line = start_owner(vm)
    try:
        got = metric(vm, 'virtio_status_queue_size', vm=OWNER_NAME, tap=OWNER_TAP, queue=1)
        R.ok('ready' in line and got == 256 and
             metric(vm, 'virtio_status_device_info', tap=OWNER_TAP,
                    path='/proc/%s/fd/%s' % (pid, dict(re.findall(
                        r'(\w+_fd)=(-?\d+)', line)).get('net_fd'))) == 1,
             'names: after a restart the same series carry its queues, and device_info '
             'maps them to the new path', line)
    finally:
        stop_owner(vm, pid)


def stop_owner(vm, pid):
    vm.run('kill %s' % pid)
    wait_until(lambda: vm.run('kill -0 %s 2>/dev/null' % pid)[0] != 0)


def test_health(vm, R):
    test_dump(vm, R)
    test_stall(vm, R)
    test_guest_names(vm, R)
    test_vhost(vm, R)
