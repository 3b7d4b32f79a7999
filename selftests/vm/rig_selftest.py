#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Self-test of the VM rig: boots each kernel line with a set of virtio
devices and checks the agent, QMP, device mapping, hot-plug and vhost.

    rig_selftest.py [--kernel 6.1 --kernel 6.12] [--machine q35|pc]

Prints KTAP-like "ok N - ..." lines; exit code 0 when all pass.
"""

import argparse
import hashlib
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vmrig import VM  # noqa: E402
import vmrig  # noqa: E402

# qdev id -> (device string, QEMU name of the virtio device)
DEVICES = {
    'net0': ('virtio-net-pci,netdev=n0,id=net0', 'virtio-net'),
    'blk0': ('virtio-blk-pci,drive=d0,id=blk0', 'virtio-blk'),
    'rng0': ('virtio-rng-pci,id=rng0', 'virtio-rng'),
    'bal0': ('virtio-balloon-pci,id=bal0', 'virtio-balloon'),
    'ser0': ('virtio-serial-pci,id=ser0', 'virtio-serial'),
    'kbd0': ('virtio-keyboard-pci,id=kbd0', 'virtio-input'),
    'scsi0': ('virtio-scsi-pci,id=scsi0', 'virtio-scsi'),
    'lrng0': ('virtio-rng-pci,id=lrng0,disable-modern=on,disable-legacy=off',
              'virtio-rng'),
}
# virtio device ids, as in the guest's sysfs "device" file
DEVICE_IDS = {'virtio-net': 1, 'virtio-blk': 2, 'virtio-serial': 3,
              'virtio-rng': 4, 'virtio-balloon': 5, 'virtio-scsi': 8,
              'virtio-input': 18}


STATUS_BITS = {'VIRTIO_CONFIG_S_ACKNOWLEDGE': 1, 'VIRTIO_CONFIG_S_DRIVER': 2,
               'VIRTIO_CONFIG_S_DRIVER_OK': 4, 'VIRTIO_CONFIG_S_FEATURES_OK': 8,
               'VIRTIO_CONFIG_S_NEEDS_RESET': 0x40, 'VIRTIO_CONFIG_S_FAILED': 0x80}


def qmp_status(st):
    """QEMU 7.2+ decodes the status byte into names: encode it again."""
    if isinstance(st, int):
        return st
    v = st.get('unknown-statuses', 0)
    for s in st['statuses']:
        v |= STATUS_BITS[s.split(':')[0]]
    return v


class Tap:
    def __init__(self):
        self.n = 0
        self.failed = 0

    def __call__(self, ok, what, detail=''):
        self.n += 1
        if not ok:
            self.failed += 1
        print('%s %d - %s' % ('ok' if ok else 'not ok', self.n, what), flush=True)
        if detail and not ok:
            print('# ' + detail.replace('\n', '\n# '), flush=True)
        return ok


def one_kernel(line, machine, t, disk):
    devs = [d for d, _ in DEVICES.values()]
    qargs = ['-netdev', 'user,id=n0',
             '-drive', 'if=none,id=d0,format=raw,file=' + disk]
    with VM(kernel=line, devices=devs, qemu_args=qargs, machine=machine) as vm:
        print('# %s on %s booted in %.1fs' % (vm.kver, machine, vm.boot_seconds))
        t(True, '%s boots (%.1fs)' % (line, vm.boot_seconds))

        rc, out = vm.run('ls /sys/bus/virtio/devices; cat /sys/bus/virtio/devices/*/features')
        t(rc == 0 and out.count('virtio') == len(DEVICES),
          '%s: %d virtio devices in the guest' % (line, len(DEVICES)), out)

        # QEMU id -> guest device, and the device ids agree with QMP's names
        qinfo = {d['path'].split('/')[3]: d['name'] for d in vm.qmp('x-query-virtio')}
        t(set(qinfo) == set(DEVICES), '%s: x-query-virtio lists all devices' % line,
          repr(qinfo))
        for qid, (_, name) in DEVICES.items():
            g = vm.virtio_sysfs(qid)
            dev = vm.check('cat %s/device' % g['path']).strip() if g else ''
            ok = g is not None and int(dev, 16) == DEVICE_IDS[name] and qinfo.get(qid) == name
            st = vm.qmp('x-query-virtio-status',
                        path='/machine/peripheral/%s/virtio-backend' % qid)
            gst = int(vm.check('cat %s/status' % g['path']).strip(), 16) if g else -1
            t(ok and qmp_status(st['status']) == gst,
              '%s: %s -> %s, status %#x in guest and QMP' %
              (line, qid, g and g['path'], gst), repr((g, dev, st.get('status'))))

        legacy = vm.virtio_sysfs('lrng0')
        rc, out = vm.run('cat %s/../modalias; ls %s/../' % (legacy['path'], legacy['path']))
        t(rc == 0, '%s: legacy device bound: %s' % (line, out.split()[0]), out)

        # hot-plug and unplug
        before = set(vm.guest_virtio_devices())
        t0 = time.monotonic()
        hp = vm.hotplug('virtio-rng-pci', 'hp1')
        t(hp['name'] not in before, '%s: device_add hp1 -> %s in %.1fs' %
          (line, hp['path'], time.monotonic() - t0))
        drv = vm.run('readlink %s/driver' % hp['path'])[1].strip() if hp else ''
        t(drv.endswith('virtio_rng'), '%s: hot-plugged device has a driver (%s)'
          % (line, drv))
        t0 = time.monotonic()
        vm.unplug('hp1')
        after = set(vm.guest_virtio_devices())
        t(after == before, '%s: device_del hp1 removed it in the guest in %.1fs' %
          (line, time.monotonic() - t0), repr((before, after)))
        # the port is free again; a second device with another id fits in it
        hp = vm.hotplug('virtio-serial-pci', 'hp2')
        vm.unplug('hp2')
        t(True, '%s: re-plug %s and unplug again' % (line, hp['name']))

        # vhost modules and their device nodes
        rc, out = vm.run('modprobe vhost_net && modprobe vhost_vsock && '
                         'ls -l /dev/vhost-net /dev/vhost-vsock && lsmod')
        t(rc == 0 and '/dev/vhost-net' in out,
          '%s: vhost_net and vhost_vsock load' % line, out)

        # agent: large and binary output, timeouts, background jobs
        rc, out = vm.run_bytes('head -c 200000 /dev/urandom > /tmp/r; cat /tmp/r')
        rc2, md5 = vm.run('md5sum /tmp/r')
        t(rc == 0 and len(out) == 200000 and
          hashlib.md5(out).hexdigest() == md5.split()[0],
          '%s: 200 KB of binary output arrives intact' % line)
        t0 = time.monotonic()
        rc, _ = vm.run('sleep 10', timeout=2)
        t(rc == 137 and time.monotonic() - t0 < 8, '%s: guest-side timeout kills (rc %d)'
          % (line, rc))
        rc, _ = vm.run('sleep 300 > /tmp/x 2>&1 & echo $! > /tmp/pid')
        rc2, _ = vm.run('kill -0 $(cat /tmp/pid) && kill $(cat /tmp/pid)')
        t(rc == 0 and rc2 == 0, '%s: background jobs outlive their command' % line)
        rc, out = vm.run("su -s /bin/sh nobody -c 'id -u; cat /proc/self/status' | "
                         "grep -E '^(65534|CapEff)'")
        t(rc == 0 and out.startswith('65534') and 'CapEff:\t0000000000000000' in out,
          '%s: su drops to nobody without capabilities' % line, out)
        vm.put(b'\x00\x01\xff' * 1000, '/tmp/put')
        t(vm.check('md5sum /tmp/put').split()[0] ==
          hashlib.md5(b'\x00\x01\xff' * 1000).hexdigest(), '%s: put() is binary safe' % line)

        bad = vm.dmesg_problems()
        t(not bad, '%s: no warnings in dmesg' % line, '\n'.join(bad))
    return vm


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--kernel', action='append')
    ap.add_argument('--machine', default='q35')
    a = ap.parse_args()
    t = Tap()
    with tempfile.TemporaryDirectory() as tmp:
        disk = vmrig.make_disk(os.path.join(tmp, 'disk.img'), 8)
        for line in a.kernel or ['6.1', '6.12']:
            try:
                one_kernel(line, a.machine, t, disk)
            except Exception as e:  # report and go on with the next kernel
                t(False, '%s: %s: %s' % (line, type(e).__name__, str(e).splitlines()[0]),
                  str(e))
    print('# %d/%d passed' % (t.n - t.failed, t.n))
    return 1 if t.failed else 0


if __name__ == '__main__':
    sys.exit(main())
