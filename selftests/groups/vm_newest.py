# SPDX-License-Identifier: GPL-2.0
"""VM tests of what the newest kernels brought: a module built for an
untested kernel (fingerprint) starts in list-only mode, and feature bits
above 63 (a 6.17+ guest under QEMU 11.1, whose virtio-net offers the
UDP-tunnel offloads 65-68 on a tap backend) come through whole.

    test_untested(vm, R, ko)       in the main VM (group "untested")
    run_features128(kernel, module, R)
                                   a VM of its own under QEMU 11.1
"""

import json
import os
import re
import subprocess
import time

import vmrig
from vm_tests import CLI, cli, parse_json, sysfs_devices

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LIST_ONLY_RE = re.compile(r'list-only mode: kernel (\S+) is untested: .*fingerprint (\w+)')


def info(vm):
    rc, out, _ = cli(vm, 'info')
    return (parse_json(out) or {}).get('return', {}) if rc == 0 else {}


def test_untested(vm, R, ko):
    """The module built with VS_FINGERPRINT_TEST=perturb: the build saw an
    untested kernel, so the module lists devices and reads nothing else,
    until allow_untested=1."""
    sysfs = sysfs_devices(vm)
    vm.run('rmmod virtio_status')
    vm.run('dmesg -c >/dev/null')
    rc, out = vm.run('insmod /virtio_status_untested.ko')
    if not R.ok(rc == 0, 'untested: the module loads on an untested kernel', out):
        return
    try:
        _, dmesg = vm.run('dmesg')
        m = LIST_ONLY_RE.search(dmesg)
        _, rel = vm.run('uname -r')
        R.ok(m and m.group(1) == rel.strip(),
             'untested: the kernel log names the kernel and the fingerprint', dmesg)
        st = info(vm)
        R.equal(st.get('mode'), 'list-only', 'untested: info says list-only mode')
        R.ok('untested' in st.get('mode-reason', ''), 'untested: info says why', st)
        R.equal(st.get('vhost'), 'off', 'untested: vhost support is off')
        rc, out, err = cli(vm, 'x-query-virtio')
        listed = (parse_json(out) or {}).get('return') or []
        R.ok(rc == 0 and sorted(d['path'] for d in listed if d['path'].startswith('/sys')) ==
             sorted(d['path'] for d in sysfs.values()),
             'untested: x-query-virtio still lists every device', (out, err))
        busid = sorted(sysfs)[0]
        rc, out, err = cli(vm, 'x-query-virtio-status --path ' + busid)
        R.ok(rc == 1 and 'list-only' in err and not out.strip(),
             'untested: x-query-virtio-status says list-only mode', (rc, out, err))
        req = json.dumps({'execute': 'x-query-virtio-status', 'arguments': {'path': busid}})
        rc, out, err = cli(vm, '--qmp', stdin=req + '\n')
        ans = parse_json(out.strip().splitlines()[-1] if out.strip() else '') or {}
        R.ok(ans.get('error', {}).get('class') == 'GenericError' and
             'list-only' in ans['error'].get('desc', ''),
             'untested: --qmp answers a GenericError saying list-only', out)
        rc, out, err = cli(vm, 'x-query-virtio-queue-status --path %s --queue 0' % busid)
        R.ok(rc == 1 and 'list-only' in err, 'untested: queue status is refused', (rc, err))
        rc, out = vm.run('dmesg')
        R.ok(not re.search(r'Oops|BUG|WARN', out), 'untested: no oops or warning', out)
    finally:
        vm.run('rmmod virtio_status')

    rc, out = vm.run('insmod /virtio_status_untested.ko allow_untested=1')
    if R.ok(rc == 0, 'untested: allow_untested=1 loads it', out):
        st = info(vm)
        R.equal(st.get('mode'), 'full', 'untested: allow_untested=1 gives full mode')
        R.ok('forced' in st.get('mode-reason', ''), 'untested: and says it was forced', st)
        rc, out, err = cli(vm, 'x-query-virtio-status --path ' + busid)
        R.ok(rc == 0 and parse_json(out), 'untested: forced full mode reads state', err)
        vm.run('rmmod virtio_status')
    rc, out = vm.run('insmod /virtio_status.ko')
    st = info(vm) if rc == 0 else {}
    R.ok(rc == 0 and st.get('mode') == 'full' and 'mode-reason' not in st,
         'untested: the tested build is in full mode again', (out, st))


def bits(value):
    return {b for b in range(128) if value >> b & 1}


def full(st, member):
    """A feature set's 128 bits from a raw answer: "-full" when present."""
    if member + '-full' in st:
        return int(st[member + '-full'], 16)
    return st[member]


def check_128(vm, R, tag):
    sysfs = sysfs_devices(vm)
    net = [d['path'] for d in sysfs.values() if d.get('device') == 1]
    if not R.ok(len(net) == 1, '%s: one virtio-net device' % tag, sysfs):
        return
    path = net[0]
    _, feat = vm.run('cat %s/features' % path)
    feat = feat.strip()
    guest = sum(1 << i for i, c in enumerate(feat) if c == '1')
    rc, out, err = cli(vm, 'x-query-virtio-status --path ' + path)
    st = (parse_json(out) or {}).get('return', {})
    if not R.ok(rc == 0 and st, '%s: x-query-virtio-status answers' % tag, err):
        return
    high = guest >> 64
    if not high:
        offered = full(st, 'host-features') >> 64
        R.skip('%s: bits above 63' % tag,
               'the guest negotiated no bit above 63 (QEMU offered 0x%x): this host\'s '
               'tun lacks UDP-tunnel GSO' % offered)
        return
    print('# %s: sysfs bits above 63: %s' % (tag, sorted(bits(guest) - set(range(64)))))
    R.equal(len(feat), 128, '%s: the guest keeps 128 feature bits (sysfs)' % tag)
    R.equal(full(st, 'guest-features'), guest,
            '%s: guest-features-full equals sysfs, all 128 bits' % tag)
    R.equal(st['guest-features'], guest & (2**64 - 1),
            '%s: guest-features keeps the low 64 bits, as before' % tag)
    R.ok(bits(full(st, 'host-features')) >= bits(guest),
         '%s: host-features-full offers every negotiated bit' % tag, st)
    rc, out, err = cli(vm, 'x-query-virtio-status --decode --path ' + path)
    dec = (parse_json(out) or {}).get('return', {}).get('guest-features', {})
    names = {s.split(':')[0] for s in dec.get('dev-features', []) + dec.get('transports', [])}
    want = {'VIRTIO_NET_F_GUEST_UDP_TUNNEL_GSO': 65, 'VIRTIO_NET_F_GUEST_UDP_TUNNEL_GSO_CSUM': 66,
            'VIRTIO_NET_F_HOST_UDP_TUNNEL_GSO': 67, 'VIRTIO_NET_F_HOST_UDP_TUNNEL_GSO_CSUM': 68}
    for sym, b in sorted(want.items(), key=lambda x: x[1]):
        if high >> (b - 64) & 1:
            R.ok(sym in names, '%s: --decode names bit %d %s' % (tag, b, sym), dec)
    R.ok('unknown-dev-features2' not in dec or
         not dec['unknown-dev-features2'] & high & 0x1e,
         '%s: no named bit lands in unknown-dev-features2' % tag, dec)
    rc, out, err = cli(vm, 'metrics --collect.features')
    got = set(int(b) for b in re.findall(
        r'virtio_status_device_guest_feature\{path="%s",bit="(\d+)"' % re.escape(path), out))
    R.equal(sorted(b for b in got if b >= 64), sorted(b for b in bits(guest) if b >= 64),
            '%s: metrics has a series for every guest feature bit above 63' % tag)
    for sym, b in want.items():
        if high >> (b - 64) & 1:
            R.ok('bit="%d",symbol="%s"' % (b, sym) in out,
                 '%s: metrics names bit %d' % (tag, b), out[-2000:])
    rc, out, err = cli(vm, 'show ' + path)
    R.ok(rc == 0 and all(sym in out for sym, b in want.items() if high >> (b - 64) & 1),
         '%s: show names the bits above 63' % tag, out)


def run_features128(kernel, module, R):
    """A VM of its own: QEMU 11.1 (Debian 13 root) with virtio-net on a tap
    in a network namespace the test makes, vhost=off."""
    tag = 'features128'
    ns = 'vs-t%d' % os.getpid()
    t = time.monotonic()
    try:
        subprocess.run(['ip', 'netns', 'add', ns], check=True)
        subprocess.run(['ip', 'netns', 'exec', ns, 'ip', 'tuntap', 'add', 'dev', 'vstap0',
                        'mode', 'tap'], check=True)
        subprocess.run(['ip', 'netns', 'exec', ns, 'ip', 'link', 'set', 'vstap0', 'up'],
                       check=True)
        qemu = subprocess.run([os.path.join(TOP, 'selftests', 'vm', 'qemu11.sh'),
                               '--netns', ns], check=True, capture_output=True,
                              text=True).stdout.strip()
    except (subprocess.CalledProcessError, OSError) as e:
        R.ok(False, '%s: a tap in a namespace of our own, and QEMU 11.1' % tag,
             getattr(e, 'stderr', e))
        subprocess.run(['ip', 'netns', 'del', ns], capture_output=True)
        return
    saved, vmrig.QEMU = vmrig.QEMU, qemu
    try:
        with vmrig.VM(kernel=kernel, devices=['virtio-net-pci,id=net0,netdev=t0'],
                      qemu_args=['-netdev', 'tap,id=t0,ifname=vstap0,script=no,'
                                 'downscript=no,vhost=off'],
                      extra_files=[module + ':/virtio_status.ko',
                                   CLI + ':/usr/bin/virtio-status']) as vm:
            print('# %s: %s booted under %s' % (tag, vm.kver, qemu))
            rc, out = vm.run('insmod /virtio_status.ko')
            if R.ok(rc == 0, '%s: insmod virtio_status' % tag, out):
                check_128(vm, R, tag)
            rc, out = vm.run('dmesg')
            R.ok(not re.search(r'Oops|BUG:|WARNING:|refcount', out),
                 '%s: no WARN, BUG, Oops or refcount in dmesg' % tag, out[-3000:])
    except (vmrig.VMError, vmrig.QMPError, vmrig.CommandError) as e:
        R.ok(False, '%s: the VM ran to the end' % tag, e)
    finally:
        vmrig.QEMU = saved
        subprocess.run(['ip', 'netns', 'del', ns], capture_output=True)
    print('# %s: %s took %.1fs' % (kernel, tag, time.monotonic() - t))

