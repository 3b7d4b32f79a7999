#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The virtio_status tests that need a running kernel, for one kernel.

    vm_tests.py --kernel 6.12 --module build/6.12/virtio_status.ko

Boots the kernel under QEMU (TCG) with about two dozen virtio devices, and
checks from inside the guest and against QEMU itself:
  absent    the CLI and the family lookup before the module is loaded
  netlink   the kselftest tests of the netlink contract (netlink_test)
  cli       the CLI against sysfs, --qmp mode, every error path
  oracle    QEMU's own x-query-virtio[-status] against the guest's answers
  hotplug   device_add/device_del from the host while dumps loop in the guest
  reload    rmmod/insmod, and the CLI's answer without the module; 60 cycles under CLI
            loops; an rmmod or reload between lookup and request (reload_shim.so)
  dmesg     no WARN/BUG/Oops/refcount lines in the guest's log
  vhost     vhost-net/vsock devices held by guest processes: vhost_test,
            the CLI, unprivileged callers, churn, a wrong layout; vhost-vdpa
            over a VDUSE device (vdpa_test; skips before 6.12 and on debug)
  walk      the vhost walk must not harm the machine: vhost-vsock CID reuse
            beside dump loops, a dump among 100000 fds and 2000 threads
            with the stall and lockup detectors tightened (vm_walk.py)
  locks     another subsystem's lock held 10 s (a PCI device_lock, the
            RTNL, a vhost dev->mutex; selftests/lockhold): our requests
            answer "busy" at once, dumps go on, generic netlink keeps
            answering, no hung task of ours (vm_locks.py)
  mmio      a second VM (machine microvm) whose devices are all virtio-mmio:
            netlink_test and the QEMU oracle there
  ynl       a VM that shares the host's / (virtio-9p): the kernel's own ynl
            client (VS_YNL_DIR/tools/net/ynl/cli.py) drives our spec,
            uapi/virtio_status.yaml, against sysfs, the CLI and a hot-plug
            (vm_ynl.py)

Prints one line per check, "ok N - ..." or "not ok N - ...", and exits 1 if
any check failed.
"""

import argparse
import collections
import contextlib
import io
import json
import os
import re
import shlex
import sys
import tempfile
import time

# selftests/groups/vm_tests.py: the groups beside it, the rig in selftests/vm,
# the programs built by make -C selftests beside their sources
TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SELFTESTS = os.path.join(TOP, 'selftests')
sys.path.insert(0, os.path.join(SELFTESTS, 'vm'))
import vmrig  # noqa: E402
from vm_common import RMMOD_WAITING  # noqa: E402

CLI = os.path.join(TOP, 'tools', 'virtio-status')
# `virtio-status exporter` runs it from the same directory
EXPORTER = os.path.join(TOP, 'tools', 'virtio-status-exporter')
NETLINK_TEST = os.path.join(SELFTESTS, 'netlink', 'netlink_test')
DUMP_LOOP = os.path.join(SELFTESTS, 'netlink', 'dump_loop')
RELOAD_SHIM = os.path.join(SELFTESTS, 'netlink', 'reload_shim.so')
QUEUE_TEST = os.path.join(SELFTESTS, 'netlink', 'queue_test')
GENL_PROBE = os.path.join(SELFTESTS, 'netlink', 'genl_probe')
VHOST_TEST = os.path.join(SELFTESTS, 'vhost', 'vhost_test')
VHOST_CHURN = os.path.join(SELFTESTS, 'vhost', 'vhost_churn')
VDPA_TEST = os.path.join(SELFTESTS, 'vhost', 'vdpa_test')
VHOST_CID_REUSE = os.path.join(SELFTESTS, 'vhost', 'vhost_cid_reuse')
VHOST_WALK = os.path.join(SELFTESTS, 'vhost', 'vhost_walk')
VHOST_OWNER = os.path.join(SELFTESTS, 'vhost', 'vhost_owner')
HEALTH_TEST = os.path.join(SELFTESTS, 'netlink', 'health_test')
QMP_CLIENT = os.path.join(SELFTESTS, 'lib', 'qmp_client')
DROP_CAP = os.path.join(SELFTESTS, 'lib', 'drop_cap')
UAPI_DIR = '/usr/include/linux'

# QEMU's name for a bit that the kernel's uapi headers do not define: it is
# QEMU's own (vhost-user), and QEMU offers it on every device.
QEMU_ONLY_BITS = {'VHOST_USER_F_PROTOCOL_FEATURES': 30}

# QEMU's modern virtio-pci transport leaves a device class's legacy-only
# features out of the device-feature register the guest reads (its
# VirtioDeviceClass.legacy_features): NOTIFY_ON_EMPTY (24), ANY_LAYOUT (27)
# and bit 30 for every device, and VIRTIO_NET_F_GSO (6) for virtio-net.
# QEMU's host-features still include them.
LEGACY_ONLY = (1 << 24) | (1 << 27) | (1 << 30)
LEGACY_ONLY_BY_NAME = {'virtio-net': 1 << 6}

# The VirtioStatus keys in schema order, and their JSON types.
STATUS_KEYS = [
    ('name', str), ('device-id', int), ('vhost-started', bool),
    ('device-endian', str), ('guest-features', int), ('host-features', int),
    ('backend-features', int), ('num-vqs', int), ('status', int),
    ('isr', int), ('queue-sel', int), ('vm-running', bool), ('broken', bool),
    ('disabled', bool), ('use-started', bool), ('started', bool),
    ('start-on-kick', bool), ('disable-legacy-check', bool),
    ('bus-name', str), ('use-guest-notifier-mask', bool),
]

HOTPLUG_CYCLES = 6
RELOAD_CYCLES = 60
HOTPLUG_DUMP_SECONDS = 600      # dump_loop's limit; stopped after the last cycle
VHOST_CHURN_ARGS = (20, 4)      # vhost_churn SECONDS NPROC
# --long (the debug kernel's leg): the same two races, longer
LONG_HOTPLUG_CYCLES = 10
LONG_VHOST_CHURN_ARGS = (60, 4)
LONG_HOTPLUG_DUMP_SECONDS = 1800


class Report:
    """KTAP-style result lines, numbered across the run."""

    def __init__(self, kernel):
        self.kernel = kernel
        self.n = 0
        self.failed = 0

    def ok(self, cond, what, diag=''):
        self.n += 1
        if cond:
            print('ok %d - %s %s' % (self.n, self.kernel, what))
        else:
            self.failed += 1
            print('not ok %d - %s %s' % (self.n, self.kernel, what))
            for line in str(diag).splitlines()[:40]:
                print('#   ' + line)
        sys.stdout.flush()
        return cond

    def equal(self, got, want, what):
        return self.ok(got == want, what, 'got:  %r\nwant: %r' % (got, want))

    def skip(self, what, why):
        """A check that cannot run here, said so (KTAP's SKIP directive)."""
        self.n += 1
        print('ok %d - %s %s # SKIP %s' % (self.n, self.kernel, what, why))
        sys.stdout.flush()


# The guest port the exporter test listens on; QEMU's user network forwards
# a free host loopback port to it (vm_config's hostfwd_port).
GUEST_HTTP_PORT = 9123


def free_port():
    """A TCP port on the host's loopback that nothing listens on now."""
    import socket
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def vm_config(workdir, hostfwd_port=None):
    """QEMU devices and arguments: a varied set of virtio devices, two of
    them with no guest driver (9p, crypto: their modules are not in the
    initramfs), one legacy-only device, one with a packed ring, enough
    devices for a dump to need several datagrams, and root ports to
    hot-plug into. hostfwd_port: a host loopback port forwarded to the
    guest's GUEST_HTTP_PORT through net0's user network."""
    disk = vmrig.make_disk(os.path.join(workdir, 'disk.img'))
    share = os.path.join(workdir, 'share')
    os.makedirs(share, exist_ok=True)
    netdev = 'user,id=n0'
    if hostfwd_port:
        netdev += ',hostfwd=tcp:127.0.0.1:%d-:%d' % (hostfwd_port, GUEST_HTTP_PORT)
    args = ['-netdev', netdev,
            '-drive', 'if=none,id=d0,file=%s,format=raw' % disk,
            '-fsdev', 'local,id=fs0,path=%s,security_model=none' % share,
            '-object', 'cryptodev-backend-builtin,id=cd0']
    devs = ['virtio-net-pci,id=net0,netdev=n0',
            'virtio-blk-pci,id=blk0,drive=d0',
            'virtio-scsi-pci,id=scsi0,num_queues=3',
            'virtio-serial-pci,id=serial0',
            'virtio-rng-pci,id=rng0',
            'virtio-balloon-pci,id=balloon0',
            'virtio-keyboard-pci,id=kbd0',
            'virtio-tablet-pci,id=tablet0',
            'virtio-9p-pci,id=p9,fsdev=fs0,mount_tag=share',
            'virtio-crypto-pci,id=crypto0,cryptodev=cd0',
            'virtio-rng-pci,id=legacy0,disable-modern=on,disable-legacy=off',
            'virtio-rng-pci,id=packed0,packed=on']
    devs += ['virtio-rng-pci,id=fill%d' % i for i in range(9)]
    devs += ['pcie-root-port,id=rp%d,chassis=%d' % (i, i) for i in (1, 2)]
    return devs, args


# -- helpers -------------------------------------------------------------------

def cli(vm, args, user=None, stdin=None, env=None):
    """Run the CLI in the guest: (rc, stdout, stderr). ENV: 'NAME=value ...' to set."""
    cmd = (env + ' ' if env else '') + 'virtio-status ' + args
    if stdin is not None:
        cmd = 'printf %%s %s | %s' % (shlex.quote(stdin), cmd)
    if user:
        cmd = 'su -s /bin/sh %s -c %s' % (user, shlex.quote(cmd))
    rc, out = vm.run('%s 2>/tmp/cli.err' % cmd, timeout=120)
    _, err = vm.run('cat /tmp/cli.err')
    return rc, out, err


def parse_json(text):
    try:
        return json.loads(text)
    except ValueError:
        return None


def sysfs_devices(vm):
    """{busid: {'path', 'device', 'status', 'features', 'driver'}} from sysfs."""
    out = vm.check('for d in /sys/bus/virtio/devices/*; do [ -e "$d" ] || continue; '
                   'echo "${d##*/} $(realpath $d) $(cat $d/device) $(cat $d/status) '
                   '$(cat $d/features) $(basename "$(readlink $d/driver)")"; done; true')
    devs = {}
    for line in out.splitlines():
        f = line.split()
        if len(f) < 5:
            continue
        devs[f[0]] = {'path': f[1], 'device': int(f[2], 16), 'status': int(f[3], 16),
                      'features': sum(1 << i for i, c in enumerate(f[4]) if c == '1'),
                      'driver': f[5] if len(f) > 5 else ''}
    return devs


def uapi_symbols():
    """Feature bit numbers and status masks by name, from the uapi headers."""
    raw = {}
    pat = re.compile(r'^#define\s+(\w+)\s+(\w+)\s*(?:/\*.*)?$')
    for fn in sorted(os.listdir(UAPI_DIR)):
        if not (fn.startswith('virtio_') or fn.startswith('vhost')):
            continue
        with open(os.path.join(UAPI_DIR, fn)) as f:
            for line in f:
                m = pat.match(line.strip())
                if m:
                    raw.setdefault(m.group(1), m.group(2))

    def value(name, depth=0):
        v = raw.get(name)
        if v is None or depth > 4:
            return None
        if re.fullmatch(r'0x[0-9a-fA-F]+|\d+', v):
            return int(v, 0)
        return value(v, depth + 1)

    bits, statuses = dict(QEMU_ONLY_BITS), {}
    for name in raw:
        v = value(name)
        if v is None:
            continue
        if '_F_' in name or name == 'VIRTIO_9P_MOUNT_TAG':
            bits[name] = v
        elif name.startswith('VIRTIO_CONFIG_S_'):
            statuses[name] = v
    return bits, statuses


def qemu_number(obj, names, unknown_key, shift, problems):
    """QEMU 7.2+ decodes features and status into "SYMBOL: text" lists; turn
    them back into the number (older QEMU gives the number itself)."""
    if isinstance(obj, int):
        return obj
    value = obj.get(unknown_key, 0)
    for lst in ('transports', 'dev-features', 'statuses'):
        for s in obj.get(lst, []):
            sym = s.split(':', 1)[0].strip()
            if sym not in names:
                problems.append(sym)
                continue
            value |= (1 << names[sym]) if shift else names[sym]
    return value


# -- test groups ---------------------------------------------------------------

def test_absent(vm, R):
    rc, out, err = cli(vm, 'x-query-virtio')
    R.ok(rc == 3 and out == '' and 'not loaded' in err and 'modprobe' in err,
         'absent: CLI says the module is not loaded, and how to load it (exit 3)',
         'rc=%d out=%r err=%r' % (rc, out, err))
    rc, out = vm.run('netlink_test --expect-absent')
    R.ok(rc == 0, 'absent: family lookup fails with ENOENT', out)


def test_netlink(vm, R):
    rc, out = vm.run('netlink_test', timeout=600)
    ktap(R, out, 'netlink: netlink_test')
    R.ok(rc == 0, 'netlink: netlink_test exit status', 'rc=%d' % rc)
    rc, out = vm.run('queue_test', timeout=600)
    ktap(R, out, 'netlink: queue_test')
    R.ok(rc == 0, 'netlink: queue_test exit status', 'rc=%d' % rc)
    # sizes and indexes for everyone, addresses for CAP_SYS_ADMIN only
    # (queue_test checks which it got against the capabilities it has)
    rc, out = vm.run('su -s /bin/sh nobody -c "queue_test -r vq.every_guest_queue"')
    R.ok(rc == 0, 'netlink: an unprivileged caller reads queue status without addresses',
         out[-1500:])
    rc, out = vm.run('drop_cap %d queue_test -r vq.every_guest_queue' % CAP_SYS_ADMIN)
    R.ok(rc == 0, 'netlink: CAP_NET_ADMIN without CAP_SYS_ADMIN: queue status '
         'without addresses', out[-1500:])


def check_status_shape(R, st, what):
    if not R.ok(isinstance(st, dict), what + ': is an object', st):
        return False
    keys = [k for k, _ in STATUS_KEYS]
    # an integer above 2^53 is followed by "<key>-hex", its exact string
    hexes = [k for k in st if k.endswith('-hex')]
    hex_ok = all(isinstance(st.get(k[:-4]), int) and st[k[:-4]] > 2 ** 53 and
                 st[k] == '0x%016x' % st[k[:-4]] for k in hexes)
    big_ok = all(k + '-hex' in st for k in keys
                 if type(st.get(k)) is int and st[k] > 2 ** 53)  # noqa: E721
    plain = [k for k in st if k not in hexes]
    good = plain == keys and hex_ok and big_ok and all(
        type(st[k]) is t for k, t in STATUS_KEYS)  # noqa: E721 (bool is not int)
    return R.ok(good, what + ': every VirtioStatus key, in order, typed',
                'got %r' % st)


def check_conventions(vm, R, sysfs, busid):
    """--version, show -j and per-command help against the module and sysfs."""
    version = open(os.path.join(TOP, 'VERSION')).read().strip()
    _, info, _ = cli(vm, 'info')
    layout = ((parse_json(info) or {}).get('return') or {}).get('vhost-layout')
    rc, out, err = cli(vm, '--version')
    want = ['virtio-status %s' % version,
            'module: %s (family virtio_status version 2)' % version,
            'vhost layout: %s' % (layout or 'none')]
    R.ok(rc == 0 and out.splitlines() == want and err == '',
         'cli: --version names the CLI, the loaded module, its family version and vhost layout',
         'rc=%d out=%r err=%r want=%r' % (rc, out, err, want))
    rc, out, err = cli(vm, '-j')
    rows = parse_json(out)
    R.ok(rc == 0 and isinstance(rows, list) and
         sorted(r['path'] for r in rows if r.get('kind') == 'virtio') ==
         sorted(d['path'] for d in sysfs.values()) and
         all(r.get('driver') == (sysfs.get(r['id'], {}).get('driver') or None)
             for r in rows if r.get('kind') == 'virtio'),
         'cli: show -j lists every sysfs device with its bus id, path and driver',
         'rc=%d err=%r out=%r' % (rc, err, out[:800]))
    rc, out, err = cli(vm, 'show -j %s' % busid)
    dev = parse_json(out) or {}
    _, st, _ = cli(vm, 'x-query-virtio-status --path %s' % busid)
    guest = ((parse_json(st) or {}).get('return') or {}).get('guest-features')
    bits = sum(1 << f['bit'] for f in dev.get('negotiated') or [] if f['bit'] < 64)
    R.ok(rc == 0 and dev.get('id') == busid and guest is not None and bits == guest,
         'cli: show -j DEVICE lists the negotiated bits x-query-virtio-status gives',
         'rc=%d err=%r bits=%r guest=%r' % (rc, err, bits, guest))
    rc, out, err = cli(vm, 'x-query-virtio-queue-status --help')
    R.ok(rc == 0 and '--queue N' in out and 'Commands:' not in out and '--decode' not in out,
         'cli: COMMAND --help is that command\'s help', out)


def test_cli(vm, R):
    sysfs = sysfs_devices(vm)
    R.ok(len(sysfs) >= 20, 'cli: the guest has >= 20 virtio devices', sysfs.keys())

    rc, out, err = cli(vm, 'x-query-virtio')
    js = parse_json(out)
    R.ok(rc == 0 and js is not None and err == '', 'cli: x-query-virtio exits 0 with JSON',
         'rc=%d out=%r err=%r' % (rc, out[:500], err))
    lst = (js or {}).get('return')
    R.ok(isinstance(lst, list) and all(list(d.keys()) == ['path', 'name'] for d in lst),
         'cli: x-query-virtio is {"return": [{"path", "name"}...]}', out[:500])
    paths = sorted(d['path'] for d in lst or [])
    R.equal(paths, sorted(d['path'] for d in sysfs.values()),
            'cli: x-query-virtio lists exactly the sysfs devices')

    bad = []
    for busid, s in sorted(sysfs.items()):
        rc, out, err = cli(vm, 'x-query-virtio-status --path %s' % s['path'])
        st = (parse_json(out) or {}).get('return')
        if rc != 0 or not isinstance(st, dict):
            bad.append('%s: rc=%d err=%r' % (busid, rc, err))
            continue
        if not check_status_shape(R, st, 'cli: %s status' % busid):
            continue
        want = {'device-id': s['device'], 'status': s['status'],
                'guest-features': s['features'],
                'started': bool(s['status'] & 4)}
        got = {k: st[k] for k in want}
        if got != want:
            bad.append('%s: got %r want %r' % (busid, got, want))
        if st['guest-features'] & ~st['host-features']:
            bad.append('%s: driver features not offered: %#x vs %#x' %
                       (busid, st['guest-features'], st['host-features']))
        for alias in (busid, '/sys/bus/virtio/devices/' + busid):
            rc2, out2, _ = cli(vm, 'x-query-virtio-status --path %s' % alias)
            if rc2 != 0 or parse_json(out2) != parse_json(out):
                bad.append('%s: --path %s answers differently' % (busid, alias))
    R.ok(not bad, 'cli: x-query-virtio-status agrees with sysfs for every device '
         '(by path, bus id and symlink)', '\n'.join(bad))

    busid = sorted(sysfs)[0]
    rc, out, _ = cli(vm, '-p x-query-virtio-status --path %s' % busid)
    R.ok(rc == 0 and out.count('\n') > 10 and parse_json(out) is not None,
         'cli: -p pretty-prints parseable JSON', out[:300])

    # the human view: one line per device under a header (a device's names,
    # where known, on an indented line under its row); one device in full
    rc, out, err = cli(vm, '')
    lines = [line for line in out.strip().splitlines() if not line.startswith('  ')]
    named = [line.strip() for line in out.splitlines() if line.startswith('  ')]
    R.ok(rc == 0 and len(lines) == len(sysfs) + 1 and
         all(any(b in line for line in lines) for b in sysfs),
         'cli: with no command, a table with one line per device', out + err)
    R.ok(any(re.match(r'device: (eth0|vda)\b', n) for n in named),
         'cli: the table names a device on the line under its row (eth0, vda)', out)
    rc, out, err = cli(vm, 'show %s' % busid)
    R.ok(rc == 0 and 'VIRTIO_F_VERSION_1' in out and sysfs[busid]['path'] in out,
         'cli: show PATH prints the device with its features decoded', out + err)
    # dev.transport-dev: the device the virtio device sits on, as sysfs has it
    parent = os.path.basename(os.path.dirname(sysfs[busid]['path']))
    R.ok(rc == 0 and ('  transport device: %s\n' % parent) in out,
         'cli: show names the transport device (%s), as sysfs does' % parent, out + err)

    # --qmp: each line answered like QEMU, errors included, session goes on
    lines = [{'execute': 'x-query-virtio'},
             {'execute': 'x-query-virtio-status', 'arguments': {'path': busid}, 'id': 7},
             {'execute': 'x-query-virtio-status', 'arguments': {'path': '/sys/devices/nope/virtio99'}},
             {'execute': 'x-query-virtio-status'},
             {'execute': 'no-such-command'}]
    text = '\n'.join(json.dumps(x) for x in lines) + '\nthis is not json\n'
    rc, out, err = cli(vm, '--qmp', stdin=text)
    ans = [parse_json(x) for x in out.splitlines()]
    R.ok(rc == 0 and len(ans) == 6 and None not in ans,
         'cli: --qmp answers every line with one JSON line', 'rc=%d out=%r' % (rc, out))
    if len(ans) == 6 and None not in ans:
        R.ok(isinstance(ans[0].get('return'), list) and len(ans[0]['return']) == len(sysfs),
             'cli: --qmp x-query-virtio', ans[0])
        R.ok(isinstance(ans[1].get('return'), dict) and ans[1].get('id') == 7 and
             ans[1]['return'].get('device-id') == sysfs[busid]['device'],
             'cli: --qmp x-query-virtio-status, id echoed', ans[1])
        errs = [a.get('error', {}) for a in ans[2:]]
        R.ok([e.get('class') for e in errs] ==
             ['GenericError', 'GenericError', 'CommandNotFound', 'GenericError'] and
             all(e.get('desc') for e in errs),
             'cli: --qmp errors: unknown path, missing argument, unknown command, bad JSON',
             errs)

    # the queue commands over --qmp
    lines = [{'execute': 'x-query-virtio-queue-status', 'arguments': {'path': busid, 'queue': 0}},
             {'execute': 'x-query-virtio-queue-element',
              'arguments': {'path': busid, 'queue': 0, 'index': 0}},
             {'execute': 'x-query-virtio-queue-status', 'arguments': {'path': busid, 'queue': 999}}]
    rc, out, err = cli(vm, '--qmp', stdin='\n'.join(json.dumps(x) for x in lines) + '\n')
    ans = [parse_json(x) or {} for x in out.splitlines()]
    R.ok(rc == 0 and len(ans) == 3 and isinstance(ans[0].get('return'), dict) and
         isinstance(ans[1].get('return'), dict) and
         ans[2].get('error', {}).get('class') == 'GenericError',
         'cli: --qmp queue status, queue element, and an out-of-range queue', out + err)

    # error paths: a sentence on stderr, nothing on stdout, exit 1 for a
    # request that failed, 2 for a command line that is wrong
    for args, needle, what, want in [
            ('x-query-virtio-status --path /sys/devices/nope/virtio99', 'no virtio device',
             'unknown path', 1),
            ('x-query-virtio-status --path virtio9999', 'no virtio device', 'unknown bus id', 1),
            ('x-query-virtio-status', '--path', 'missing --path', 2),
            ('x-query-nothing', 'x-query-nothing', 'unknown command', 2),
            ('--bogus x-query-virtio', 'bogus', 'unknown option', 2)]:
        rc, out, err = cli(vm, args)
        R.ok(rc == want and out == '' and needle in err and err.strip().count('\n') <= 2,
             'cli: %s -> exit %d and a sentence' % (what, want),
             'rc=%d out=%r err=%r' % (rc, out, err))

    # unprivileged: the list works, device-offered features are refused
    rc, out, err = cli(vm, 'x-query-virtio', user='nobody')
    R.ok(rc == 0 and len((parse_json(out) or {}).get('return', [])) == len(sysfs),
         'cli: unprivileged x-query-virtio works', 'rc=%d err=%r' % (rc, err))
    rc, out, err = cli(vm, 'x-query-virtio-status --path %s' % busid, user='nobody')
    R.ok(rc == 1 and out == '' and 'permission denied' in err,
         'cli: unprivileged x-query-virtio-status -> permission denied',
         'rc=%d out=%r err=%r' % (rc, out, err))
    rc, out, err = cli(vm, 'x-query-virtio-queue-element --path %s --queue 0' % busid,
                       user='nobody')
    R.ok(rc == 1 and out == '' and 'permission denied' in err.lower(),
         'cli: unprivileged x-query-virtio-queue-element -> permission denied',
         'rc=%d out=%r err=%r' % (rc, out, err))
    check_address_policy(vm, R, busid)
    check_conventions(vm, R, sysfs, busid)


# include/uapi/linux/capability.h
CAP_SYS_ADMIN = 21
QUEUE_ADDRS = ('vring-desc', 'vring-avail', 'vring-used')


def check_address_policy(vm, R, busid):
    """Ring addresses for CAP_SYS_ADMIN only; the rest of queue status for
    everyone. Plain CLI: the reply without them and with the reason;
    --qmp: a GenericError, since QEMU's schema requires them."""
    req = json.dumps({'execute': 'x-query-virtio-queue-status',
                      'arguments': {'path': busid, 'queue': 0}}) + '\n'
    for who, user, env in (('unprivileged', 'nobody', None),
                           ('CAP_NET_ADMIN without CAP_SYS_ADMIN', None,
                            'drop_cap %d' % CAP_SYS_ADMIN)):
        rc, out, err = cli(vm, 'x-query-virtio-queue-status --path %s --queue 0' % busid,
                           user=user, env=env)
        st = (parse_json(out) or {}).get('return', {})
        R.ok(rc == 0 and st.get('vring-num', 0) > 0 and 'used-idx' in st and
             not any(k in st for k in QUEUE_ADDRS) and
             'CAP_SYS_ADMIN' in st.get('addresses-hidden', ''),
             'cli: %s: queue status without addresses, and why' % who,
             'rc=%d out=%r err=%r' % (rc, out, err))
        rc, out, err = cli(vm, '--qmp', user=user, env=env, stdin=req)
        ans = parse_json(out.strip().splitlines()[-1] if out.strip() else '') or {}
        R.ok(ans.get('error', {}).get('class') == 'GenericError' and
             'CAP_SYS_ADMIN' in ans['error'].get('desc', ''),
             'cli: %s: --qmp queue status is a GenericError naming CAP_SYS_ADMIN' % who, out)
    rc, out, err = cli(vm, 'x-query-virtio-queue-status --path %s --queue 0' % busid)
    st = (parse_json(out) or {}).get('return', {})
    R.ok(rc == 0 and all(k in st for k in QUEUE_ADDRS) and 'addresses-hidden' not in st,
         'cli: root (CAP_SYS_ADMIN) gets the ring addresses', out)


def symbols(obj):
    """The bare symbols of a decoded VirtioDeviceFeatures/-Status object."""
    if not isinstance(obj, dict):
        return set()
    return {x.split(':', 1)[0].strip() for k in ('transports', 'dev-features', 'statuses')
            for x in obj.get(k, [])}


def check_decoded(vm, R, tag, qid, path, q, bits, legacy, name):
    """--decode against QEMU's own decoding: every symbol QEMU names for a
    bit the guest can see is ours too, and every bit we name that QEMU
    leaves unknown is one the kernel's uapi headers define."""
    rc, out, err = cli(vm, 'x-query-virtio-status --decode --path %s' % path)
    dec = (parse_json(out) or {}).get('return')
    if not R.ok(rc == 0 and isinstance(dec, dict), '%s: %s --decode answers' % (tag, qid),
                out + err):
        return
    hidden = 0xffffffff00000000 if legacy else \
        LEGACY_ONLY | LEGACY_ONLY_BY_NAME.get(name, 0)
    problems = []
    for field in ('guest-features', 'host-features'):
        theirs = {x for x in symbols(q[field]) if not (1 << bits.get(x, 0)) & hidden}
        ours = symbols(dec[field])
        unknown = q[field].get('unknown-dev-features', 0) if isinstance(q[field], dict) else 0
        for x in sorted(theirs - ours):
            problems.append('%s: QEMU names %s, we do not' % (field, x))
        for x in sorted(ours - symbols(q[field])):
            if x not in bits:
                problems.append('%s: %s is not in the uapi headers' % (field, x))
            elif not (1 << bits[x]) & unknown:
                problems.append('%s: we name %s, QEMU neither names it nor has it unknown'
                                % (field, x))
    if symbols(q['status']) != symbols(dec['status']):
        problems.append('status: QEMU %s, ours %s' % (sorted(symbols(q['status'])),
                                                     sorted(symbols(dec['status']))))
    R.ok(not problems, '%s: %s decoded features and status agree with QEMU\'s decoding'
         % (tag, qid), '\n'.join(problems))


QUEUE_KEYS = ['name', 'queue-index', 'inuse', 'vring-num', 'vring-num-default',
              'vring-align', 'vring-desc', 'vring-avail', 'vring-used', 'shadow-avail-idx',
              'used-idx', 'signalled-used', 'signalled-used-valid']


def check_queues(vm, R, tag, qid, path, qpath, nvqs):
    """x-query-virtio-queue-status against QEMU's for every queue: ring
    size and the three ring addresses always; for queues idle on the
    guest's side (nothing handed out), the avail and used idx too; and
    x-query-virtio-queue-element at avail index 0, whole."""
    problems, unused = [], []
    for i in range(nvqs):
        rc, out, err = cli(vm, 'x-query-virtio-queue-status --path %s --queue %d' % (path, i))
        ours = (parse_json(out) or {}).get('return')
        if rc == 1 and 'out of range' in err:
            # num-vqs is the device's count; the driver may set up fewer
            # (virtio-scsi with more request queues than CPUs): such a
            # queue was never given a ring, which QEMU shows as address 0
            theirs = vm.qmp('x-query-virtio-queue-status', path=qpath, queue=i)
            if theirs.get('vring-desc') == 0:
                unused.append(i)
                continue
        # a packed ring has no avail idx to report: shadow-avail-idx is left out
        packed = isinstance(ours, dict) and 'shadow-avail-idx' not in ours
        want = [k for k in QUEUE_KEYS if not (packed and k == 'shadow-avail-idx')]
        if rc != 0 or not isinstance(ours, dict) or list(ours.keys()) != want:
            problems.append('queue %d: rc=%d %s %s' % (i, rc, out[:300], err))
            continue
        theirs = vm.qmp('x-query-virtio-queue-status', path=qpath, queue=i)
        keys = ['name', 'queue-index', 'vring-num', 'vring-desc', 'vring-avail', 'vring-used']
        if ours['inuse'] == 0 and not packed:
            keys += ['shadow-avail-idx', 'used-idx']
            # an idle queue the guest still uses now and then (virtio-rng
            # refilling entropy) may move between the two reads: take
            # QEMU's answer between two equal answers of ours
            for _ in range(5):
                rc2, out2, _ = cli(vm, 'x-query-virtio-queue-status --path %s --queue %d'
                                   % (path, i))
                again = (parse_json(out2) or {}).get('return')
                if again == ours:
                    break
                ours = again if isinstance(again, dict) else ours
                theirs = vm.qmp('x-query-virtio-queue-status', path=qpath, queue=i)
        for k in keys:
            if ours.get(k) != theirs.get(k):
                problems.append('queue %d %s: ours %r, QEMU %r' % (i, k, ours.get(k),
                                                                  theirs.get(k)))
        # the element at avail ring index 0: both read the same ring memory
        rc, out, err = cli(vm, 'x-query-virtio-queue-element --path %s --queue %d --index 0'
                           % (path, i))
        ours = (parse_json(out) or {}).get('return')
        if packed:
            # packed rings: QEMU refuses, and so do we, with a sentence
            try:
                vm.qmp('x-query-virtio-queue-element', path=qpath, queue=i, index=0)
                problems.append('queue %d: QEMU answered a packed ring element' % i)
            except vmrig.QMPError:
                pass
            if rc != 1 or 'packed rings are not supported' not in err:
                problems.append('queue %d (packed) element: rc=%d %r' % (i, rc, err))
            continue
        # A queue the guest still uses (virtio-rng refilling entropy on a
        # slow kernel) moves between the two reads: take QEMU's answer
        # between two equal answers of ours, a few tries at most.
        for _ in range(5):
            theirs = vm.qmp('x-query-virtio-queue-element', path=qpath, queue=i, index=0)
            rc2, out2, err2 = cli(vm, 'x-query-virtio-queue-element --path %s --queue %d '
                                  '--index 0' % (path, i))
            again = (parse_json(out2) or {}).get('return')
            if rc2 == rc and again == ours:
                break
            rc, out, err, ours = rc2, out2, err2, again
        if isinstance(ours, dict) and any('indirect' in d.get('flags', [])
                                          for d in ours.get('descs', [])):
            # QEMU follows an indirect table into guest memory (for a
            # completed request: memory the guest has freed); the module
            # reports the indirect descriptor itself. The rest must agree.
            ours = dict(ours, descs=None)
            theirs = dict(theirs, descs=None)
        if rc != 0 or ours != theirs:
            problems.append('queue %d element 0: ours %s %s, QEMU %s' % (i, out[:400], err,
                                                                        json.dumps(theirs)[:400]))
    rc, out, err = cli(vm, 'x-query-virtio-queue-status --path %s --queue %d' % (path, nvqs))
    if rc != 1 or 'out of range' not in err:
        problems.append('queue %d (one past the last): rc=%d %r' % (nvqs, rc, err))
    R.ok(not problems, '%s: %s queue status of its %d queues agrees with QEMU\'s%s'
         % (tag, qid, nvqs, ' (%s not set up by the driver)' % unused if unused else ''),
         '\n'.join(problems))
    if qid == 'scsi0':
        # 3 request queues on 2 vCPUs: QEMU has 5 queues, the driver uses 4
        R.ok(nvqs == 5 and unused == [4], '%s: scsi0 num-vqs is the device\'s 5 queues, '
             'the driver set up 4' % tag, (nvqs, unused))


def pci_locate(vm, qid, name, ours_list):
    """Guest sysfs path of a QEMU virtio-pci device, through its PCI address."""
    where = vm.virtio_sysfs(qid)
    return where and where['path']


def name_locate(vm, qid, name, ours_list):
    """Guest sysfs path of the one guest device with this name (virtio-mmio
    has no address QEMU reports; the mmio VM has one device of each kind)."""
    paths = [p for p, n in ours_list.items() if n == name]
    return paths[0] if len(paths) == 1 else None


def test_oracle(vm, R, locate=pci_locate, is_legacy=lambda qid: qid == 'legacy0',
                tag='oracle'):
    """QEMU's x-query-virtio-status against the guest's, device by device."""
    bits, statuses = uapi_symbols()
    ours_list = {d['path']: d['name'] for d in
                 (parse_json(cli(vm, 'x-query-virtio')[1]) or {}).get('return', [])}
    sysfs = {d['path']: d for d in sysfs_devices(vm).values()}
    qemu_list = vm.qmp('x-query-virtio')
    R.ok(len(qemu_list) == len(sysfs), '%s: QEMU and the guest count the same devices' % tag,
         'qemu %d guest %d' % (len(qemu_list), len(sysfs)))

    for dev in sorted(qemu_list, key=lambda d: d['path']):
        qid = dev['path'].split('/')[3]
        path = locate(vm, qid, dev['name'], ours_list)
        if not R.ok(path is not None, '%s: %s is in the guest' % (tag, qid), dev):
            continue
        rc, out, err = cli(vm, 'x-query-virtio-status --path %s' % path)
        ours = (parse_json(out) or {}).get('return')
        if not R.ok(rc == 0 and isinstance(ours, dict), '%s: %s guest answer' % (tag, qid), err):
            continue
        q = vm.qmp('x-query-virtio-status', path=dev['path'])
        problems = []
        qn = {
            'name': dev['name'],
            'device-id': q['device-id'],
            'device-endian': q['device-endian'],
            'guest-features': qemu_number(q['guest-features'], bits,
                                          'unknown-dev-features', True, problems),
            'host-features': qemu_number(q['host-features'], bits,
                                         'unknown-dev-features', True, problems),
            'status': qemu_number(q['status'], statuses, 'unknown-statuses', False, problems),
            'num-vqs': q['num-vqs'],
        }
        R.ok(not problems, '%s: %s every symbol QEMU names is in the uapi headers' %
             (tag, qid), problems)
        got = {k: ours[k] for k in qn}
        got['name'] = ours_list.get(path)
        exempt = []
        bound = bool(sysfs.get(path, {}).get('driver'))
        if is_legacy(qid):
            # qemu-qmp.md: a legacy device (virtio-pci, and virtio-mmio
            # version 1 alike) shows the guest only the low 32 feature bits.
            qn['host-features'] &= 0xffffffff
            exempt.append('host-features: low 32 bits (legacy)')
        else:
            qn['host-features'] &= ~(LEGACY_ONLY | LEGACY_ONLY_BY_NAME.get(dev['name'], 0))
            exempt.append('host-features: legacy-only bits the modern transport hides')
        if not bound and is_legacy(qid):
            # qemu-qmp.md: with no driver bound QEMU counts the queues it
            # created; a legacy or mmio transport shows the guest no count
            # without a register write, and the driver has set up none.
            R.equal(got['num-vqs'], 0, '%s: %s unbound: guest has no queues' % (tag, qid))
            del qn['num-vqs'], got['num-vqs']
            exempt.append('num-vqs (no driver, legacy transport)')
        R.equal(got, qn, '%s: %s (%s) agrees with QEMU%s' %
                (tag, qid, dev['name'], ' except ' + ', '.join(exempt) if exempt else ''))
        check_decoded(vm, R, tag, qid, path, q, bits, is_legacy(qid), dev['name'])
        # agent-bus (microvm) carries this very test's commands and output:
        # its queues are never idle, so QEMU's view and ours cannot be taken
        # at one instant.
        if bound and qid != 'agent-bus':
            check_queues(vm, R, tag, qid, path, dev['path'], ours['num-vqs'])
    if tag == 'oracle':
        R.ok(any(not d['driver'] for d in sysfs.values()),
             'oracle: the set includes a device with no driver bound')
        R.ok(any(d['features'] & (1 << 34) for d in sysfs.values()),
             'oracle: the set includes a device with a packed ring')


MMIO_DEVICES = ['virtio-rng-device,id=mrng', 'virtio-net-device,id=mnet,netdev=n0',
                'virtio-blk-device,id=mblk,drive=d0']


def test_mmio(vm, R):
    """The microvm VM: every device is virtio-mmio (version 1, legacy, as
    QEMU 7.2 makes them by default); the agent's console port is one too."""
    sysfs = sysfs_devices(vm)
    R.ok(len(sysfs) == len(MMIO_DEVICES) + 1 and
         all('/platform/' in d['path'] for d in sysfs.values()),
         'mmio: every guest virtio device sits on a platform (virtio-mmio) device', sysfs)
    rc, out = vm.run('netlink_test', timeout=600)
    results = re.findall(r'^(ok|not ok) \d+ (\S+)(.*)$', out, re.M)
    R.ok(rc == 0 and results and all(st == 'ok' for st, _, _ in results),
         'mmio: netlink_test passes (%d tests)' % len(results), out[-3000:])
    test_oracle(vm, R, locate=name_locate, is_legacy=lambda qid: True, tag='mmio oracle')


def test_hotplug(vm, R):
    before = sysfs_devices(vm)
    vm.check('rm -f /tmp/stop /tmp/cli.fail; '
             'dump_loop %d > /tmp/dl.out 2>&1 & echo $! > /tmp/dl.pid' % HOTPLUG_DUMP_SECONDS)
    vm.check('(while [ ! -e /tmp/stop ]; do virtio-status x-query-virtio > /tmp/hp.json '
             '2>>/tmp/cli.fail || echo FAIL >> /tmp/cli.fail; done) > /dev/null 2>&1 &')
    seen_add = seen_del = 0
    for k in range(HOTPLUG_CYCLES):
        qid = 'hp%d' % k
        vm.qmp('device_add', driver='virtio-rng-pci', id=qid, bus='rp%d' % (k % 2 + 1))
        t = time.monotonic()
        while time.monotonic() - t < 60 and vm.virtio_sysfs(qid) is None:
            time.sleep(0.3)
        where = vm.virtio_sysfs(qid)
        seen_add += where is not None
        vm.qmp('device_del', id=qid)
        try:
            vm.wait_event('DEVICE_DELETED', timeout=60, device=qid)
        except vmrig.VMError:
            pass
        t = time.monotonic()
        while time.monotonic() - t < 60 and len(sysfs_devices(vm)) != len(before):
            time.sleep(0.3)
        seen_del += len(sysfs_devices(vm)) == len(before)
        if where and k == 0:
            rc, out, err = cli(vm, 'x-query-virtio-status --path %s' % where['path'])
            R.ok(rc == 1 and out == '' and 'no virtio device' in err,
                 'hotplug: the path of a device that went away -> a clear error', err)
    vm.check('touch /tmp/stop; kill -INT $(cat /tmp/dl.pid); '
             'i=0; while kill -0 $(cat /tmp/dl.pid) 2>/dev/null && [ $i -lt 100 ]; '
             'do sleep 0.2; i=$((i+1)); done; true')
    R.ok(seen_add == HOTPLUG_CYCLES and seen_del == HOTPLUG_CYCLES,
         'hotplug: %d device_add/device_del cycles seen by the guest' % HOTPLUG_CYCLES,
         'added %d removed %d' % (seen_add, seen_del))
    out = vm.check('cat /tmp/dl.out')
    res = parse_json(out.strip().splitlines()[-1] if out.strip() else '') or {}
    print('# hotplug: dump_loop %s' % json.dumps(res))
    R.ok(res.get('result') == 'pass' and res.get('inconsistent') == 0 and
         res.get('errors') == 0, 'hotplug: no inconsistent or failed dump', out)
    R.ok(res.get('max_devs', 0) > res.get('min_devs', 0),
         'hotplug: the dumps saw devices come and go', res)
    R.ok(res.get('intr', 0) > 0, 'hotplug: dumps that raced were flagged NLM_F_DUMP_INTR', res)
    _, fails = vm.run('cat /tmp/cli.fail 2>/dev/null')
    R.ok(fails.strip() == '', 'hotplug: the CLI answered every time while devices came and went',
         fails)
    vm.run('sleep 0.5')
    rc, out, _ = cli(vm, 'x-query-virtio')
    R.equal(sorted(d['path'] for d in (parse_json(out) or {}).get('return', [])),
            sorted(d['path'] for d in sysfs_devices(vm).values()),
            'hotplug: afterwards the list equals sysfs again')


def test_reload(vm, R):
    rc, out = vm.run('rmmod virtio_status')
    R.ok(rc == 0, 'reload: rmmod', out)
    rc, out, err = cli(vm, 'x-query-virtio')
    R.ok(rc == 3 and 'not loaded' in err, 'reload: CLI after rmmod says not loaded (exit 3)',
         'rc=%d %s' % (rc, err))
    rc, out = vm.run('insmod /virtio_status.ko && virtio-status x-query-virtio >/dev/null '
                     '&& rmmod virtio_status && insmod /virtio_status.ko')
    R.ok(rc == 0, 'reload: insmod, query, rmmod, insmod', out)
    rc, out, err = cli(vm, 'x-query-virtio')
    R.ok(rc == 0 and parse_json(out) is not None, 'reload: works after reload', err)
    test_reload_race(vm, R)
    test_reload_under_request(vm, R)


def shim_cli(vm, args, cmd):
    """The CLI with reload_shim.so running CMD just before its first request."""
    rc, out, err = cli(vm, args, env='LD_PRELOAD=/usr/lib/reload_shim.so VS_SHIM_CMD=%s'
                       % shlex.quote(cmd + ' >&2'))
    fired = [x for x in err.splitlines() if x.startswith('reload_shim:')]
    err = '\n'.join(x for x in err.splitlines() if not x.startswith('reload_shim:'))
    return rc, out, err, fired


def test_reload_under_request(vm, R):
    """A request that meets an rmmod or a reload, made to happen every time."""
    reload = 'rmmod virtio_status && insmod /virtio_status.ko'
    for args in ('x-query-virtio', 'x-query-virtio-status --path virtio0'):
        rc, out, err, fired = shim_cli(vm, args, reload)
        R.ok(len(fired) == 1 and fired[0].endswith(': 0') and rc == 0 and
             parse_json(out) is not None and err == '',
             'reload: %s sent to the family of a module reloaded since: asked again, '
             'answered' % args, '%s\nrc=%d %s\n%s' % (fired, rc, err, out[:300]))
        rc, out, err, fired = shim_cli(vm, args, 'rmmod virtio_status')
        R.ok(len(fired) == 1 and fired[0].endswith(': 0') and rc == 3 and out == '' and
             'not loaded' in err,
             'reload: %s sent to the family of a module unloaded since: "not loaded"' % args,
             '%s\nrc=%d %s' % (fired, rc, err))
        rc, text = vm.run('insmod /virtio_status.ko')
        R.ok(rc == 0, 'reload: insmod again', text)


def test_reload_race(vm, R):
    """CLIs asking while the module comes and goes.

    Each answer must be the devices or "not loaded": a request that finds
    the family and then meets the unload (genetlink's ENOENT for a family
    gone, EPROTONOSUPPORT for a dump of a module going away) means the same.
    """
    vm.check('rm -f /tmp/race.*; for q in x-query-virtio "x-query-virtio-status --path virtio0"; '
             'do (while [ ! -e /tmp/race.stop ]; do virtio-status $q > /dev/null '
             '2>>/tmp/race.err && echo >> /tmp/race.ok || echo >> /tmp/race.fail; done; '
             'echo >> /tmp/race.done) > /dev/null 2>&1 & done')
    # a dump in progress holds the module: rmmod then says it is in use
    rc, out = vm.run('for i in $(seq %d); do %s; '
                     'sleep 0.1; insmod /virtio_status.ko && sleep 0.1 || exit 1; done'
                     % (RELOAD_CYCLES, RMMOD_WAITING), timeout=600)
    R.ok(rc == 0, 'reload: %d rmmod/insmod cycles under two CLI loops' % RELOAD_CYCLES, out)
    vm.run('touch /tmp/race.stop; i=0; while [ "$(wc -l < /tmp/race.done)" != 2 ] && '
           '[ $i -lt 300 ]; do sleep 0.1; i=$((i+1)); done', timeout=120)
    _, counts = vm.run('cat /tmp/race.ok 2>/dev/null | wc -l; cat /tmp/race.fail 2>/dev/null | wc -l')
    _, errs = vm.run('cat /tmp/race.err 2>/dev/null')
    answered, failed = (int(x) for x in counts.split())
    sentences = collections.Counter(errs.splitlines())
    print('# reload race: %d answered, %d failed, saying:' % (answered, failed))
    for line, k in sorted(sentences.items()):
        print('#   %d %s' % (k, line))
    other = sorted(line for line in sentences if 'not loaded' not in line)
    R.ok(answered > 0 and failed > 0 and not other,
         'reload: every failure while the module came and went said "not loaded"',
         '\n'.join(other) or counts)


def ktap(R, out, what):
    """Fold a kselftest program's KTAP lines into the report."""
    results = re.findall(r'^(ok|not ok) \d+ (\S+)(.*)$', out, re.M)
    R.ok(results != [], '%s ran' % what, out[-2000:])
    for status, name, rest in results:
        R.ok(status == 'ok' or rest.strip().startswith('# SKIP'),
             '%s: %s%s' % (what, name, rest),
             '\n'.join(line for line in out.splitlines() if name.split('.')[-1] in line))


def hold_vhost(vm, node):
    """Start a process holding NODE open as fd 3; return its /proc path."""
    pid = vm.check('(exec 3<>%s; exec sleep 1000) >/dev/null 2>&1 & echo $!' % node).strip()
    vm.run('sleep 0.3')
    return '/proc/%s/fd/3' % pid, pid


def vhost_entries(out):
    return [d for d in (parse_json(out) or {}).get('return', [])
            if d.get('name', '').startswith('vhost-')]


VHOST_KEYS = ['n-mem-sections', 'n-tmp-sections', 'nvqs', 'vq-index', 'features',
              'acked-features', 'backend-features', 'protocol-features', 'max-queues',
              'backend-cap', 'log-enabled', 'log-size']


def test_vhost(vm, R, wrong_ko=None):
    rc, out = vm.run('vhost_test', timeout=600)
    ktap(R, out, 'vhost: vhost_test')
    R.ok(rc == 0, 'vhost: vhost_test exit status', 'rc=%d' % rc)
    # vhost-vdpa: a VDUSE device served by the test itself (it loads vduse
    # and vhost_vdpa; kernels without them skip)
    t = time.monotonic()
    rc, out = vm.run('vdpa_test', timeout=600)
    ktap(R, out, 'vhost: vdpa_test')
    R.ok(rc == 0, 'vhost: vdpa_test exit status', 'rc=%d' % rc)
    print('# vhost: vdpa_test took %.1fs' % (time.monotonic() - t))

    path, pid = hold_vhost(vm, '/dev/vhost-net')
    rc, out, err = cli(vm, 'x-query-virtio')
    mine = [d for d in vhost_entries(out) if d['path'] == path]
    R.ok(rc == 0 and len(mine) == 1 and mine[0]['name'] == 'vhost-net',
         'vhost: x-query-virtio lists the held vhost-net device at %s' % path, out)
    rc, out, err = cli(vm, 'x-query-virtio-status --path %s' % path)
    st = (parse_json(out) or {}).get('return') or {}
    vd = st.get('vhost-dev') or {}
    # a 6.17+ vhost-net offers bits above 63 (UDP tunnel offloads): then
    # "features-full" follows "features" (README: 128-bit feature sets)
    full = vd.get('features-full')
    R.ok(full is None or int(full, 16) & (2**64 - 1) == vd.get('features'),
         'vhost: features-full, where present, extends features', vd)
    R.ok(rc == 0 and st.get('name') == 'vhost-net' and st.get('device-id') == 1 and
         [k for k in vd if not k.endswith('-full')] == VHOST_KEYS and vd.get('nvqs') == 2 and
         st.get('num-vqs') == 2 and vd.get('acked-features') == 0 and
         vd.get('n-mem-sections') == 0 and st.get('vhost-started') is False and
         vd.get('features', 0) != 0 and vd.get('features') == st.get('host-features'),
         'vhost: x-query-virtio-status of a fresh vhost-net device', out + err)
    rc, out, err = cli(vm, 'x-query-virtio-vhost-queue-status --path %s --queue 1' % path)
    vq = (parse_json(out) or {}).get('return') or {}
    R.ok(rc == 0 and vq.get('name') == 'vhost-net' and vq.get('kick') == -1 and
         vq.get('call') == -1 and vq.get('desc') == 0 and
         vq.get('desc-size') == 16 * vq.get('num', -1),
         'vhost: x-query-virtio-vhost-queue-status of a fresh vhost-net queue', out + err)
    rc, out, err = cli(vm, 'x-query-virtio-vhost-queue-status --path %s --queue 2' % path)
    R.ok(rc == 1 and 'out of range' in err, 'vhost: queue 2 of vhost-net is out of range', err)
    rc, out, err = cli(vm, 'x-query-virtio-queue-element --path %s --queue 0' % path)
    R.ok(rc == 1 and out == '' and 'guest devices only' in err,
         'vhost: queue elements of a vhost device -> a clear error', err)
    rc, out, err = cli(vm, 'x-query-virtio', user='nobody')
    R.ok(rc == 0 and vhost_entries(out) == [],
         'vhost: an unprivileged x-query-virtio shows no vhost device', out + err)
    rc, out, err = cli(vm, 'x-query-virtio-status --path %s' % path, user='nobody')
    R.ok(rc == 1 and out == '' and 'permission denied' in err.lower(),
         'vhost: an unprivileged query of a vhost path -> permission denied', err)
    rc, out, err = cli(vm, 'info')
    info = (parse_json(out) or {}).get('return') or {}
    R.ok(rc == 0 and info.get('vhost') == 'on' and vm.kver in info.get('vhost-layout', ''),
         'vhost: info says vhost support is on, layout from this kernel', out + err)
    vm.run('kill %s' % pid)

    rc, out = vm.run('vhost_churn %d %d' % VHOST_CHURN_ARGS, timeout=VHOST_CHURN_ARGS[0] + 160)
    res = parse_json(out.strip().splitlines()[-1] if out.strip() else '') or {}
    print('# vhost churn: %s' % json.dumps(res))
    R.ok(rc == 0 and res.get('result') == 'pass',
         'vhost: churn (processes opening, passing, closing vhost fds while dumps loop)',
         out[-2000:])

    if not wrong_ko:
        return
    rc, out = vm.run('rmmod virtio_status && insmod /virtio_status_wrong.ko')
    if not R.ok(rc == 0, 'vhost: load the module built with a wrong vhost layout', out):
        return
    # the wrong layout puts vhost-vsock's struct vhost_dev one pointer off:
    # its devices fail the structure checks, vhost-net's are read as ever
    path, pid = hold_vhost(vm, '/dev/vhost-net')
    vpath, vpid = hold_vhost(vm, '/dev/vhost-vsock')
    rc, out, err = cli(vm, 'x-query-virtio')
    listed = [d['path'] for d in vhost_entries(out)]
    R.ok(rc == 0 and path in listed and vpath in listed and 'not listed' not in err,
         'vhost: wrong layout: both devices listed, vhost support stays on', out + err)
    rc, out, err = cli(vm, 'x-query-virtio-status --path %s' % vpath)
    R.ok(rc == 1 and 'could not be read' in err and 'layout check' in err,
         'vhost: wrong layout: the vhost-vsock device answers why it cannot be read',
         'rc=%d out=%r err=%r' % (rc, out, err))
    rc, out, err = cli(vm, 'x-query-virtio-status --path %s' % path)
    st = (parse_json(out) or {}).get('return') or {}
    R.ok(rc == 0 and st.get('name') == 'vhost-net' and
         (st.get('vhost-dev') or {}).get('nvqs') == 2,
         'vhost: wrong layout: the vhost-net device is still read', out + err)
    rc, out, err = cli(vm, 'info')
    info = (parse_json(out) or {}).get('return') or {}
    R.ok(info.get('vhost') == 'on', 'vhost: wrong layout: info says vhost is on', out + err)
    _, dmesg = vm.run('dmesg | grep "not read"')
    R.ok('layout check' in dmesg, 'vhost: wrong layout: the kernel log says so', dmesg)
    # the test build's hook: the next BTF read fails as out of memory. That
    # request goes without vhost devices; vhost stays on for the next one.
    rc, out = vm.run('echo 1 > /sys/module/virtio_status/parameters/test_fail_alloc')
    rc, out, err = cli(vm, 'x-query-virtio')
    listed = [d['path'] for d in vhost_entries(out)]
    R.ok(rc == 0 and path not in listed,
         'vhost: an injected allocation failure leaves vhost out of that request', out + err)
    rc, out, err = cli(vm, 'info')
    info = (parse_json(out) or {}).get('return') or {}
    R.ok(info.get('vhost') == 'on', 'vhost: after the allocation failure vhost is still on',
         out + err)
    rc, out, err = cli(vm, 'x-query-virtio')
    listed = [d['path'] for d in vhost_entries(out)]
    R.ok(rc == 0 and path in listed and vpath in listed,
         'vhost: the next request lists the vhost devices again', out + err)
    vm.run('kill %s' % vpid)
    vm.run('kill %s' % pid)
    rc, out = vm.run('sleep 0.3; rmmod virtio_status && insmod /virtio_status.ko')
    R.ok(rc == 0, 'vhost: back to the right module', out)


def test_dmesg(vm, R):
    # the locks group's hung task reports of tasks that waited for the lock
    # it held (not ours) were judged there (vm_locks.check_hung)
    excused = getattr(vm, 'dmesg_excused', set())
    bad = [line for line in vm.dmesg_problems() if line not in excused]
    R.ok(not bad, 'dmesg: no WARN, BUG, Oops, refcount or call trace', '\n'.join(bad))
    if bad:
        print('# the reports in full:')
        for line in vm.dmesg_reports().splitlines():
            print('#   ' + line)


# kmemleak (debug kernel): an unreferenced object is ours, and fails the run,
# when its report names the module, was allocated by a process of the tests,
# or comes through kernel code the tests drive (vhost, virtio, PCI hot-plug,
# generic netlink): a reference the module dropped or kept shows up there.
# A frame kmemleak cannot name (a bare address) is code that was unloaded
# since: in these tests, the module itself (reload, wrong layout).
# Other leaks are printed, not counted; those from before the tests (boot)
# are cleared first.
KMEMLEAK_OURS = re.compile(
    r'virtio_status|comm "(virtio-status|netlink_test|queue_test|vhost_test|vhost_churn|'
    r'vdpa_test|dump_loop|health_test|vhost_owner|insmod|rmmod)"|'
    r'\b(vhost|virtio|vring|vp|pciehp|acpiphp|genl|netlink_dump)\w*\+0x|'
    r'^ +0x[0-9a-f]+$', re.M)


def test_kmemleak(vm, R):
    t = time.monotonic()
    leaks = vm.kmemleak_scan()
    ours = [x for x in leaks if KMEMLEAK_OURS.search(x)]
    for x in leaks:
        if x not in ours:
            print('# kmemleak, outside the code the tests drive (not counted):')
            for line in x.strip().splitlines():
                print('#   ' + line)
    R.ok(not ours, 'kmemleak: no unreferenced object from the module or the code it drives '
         '(%d elsewhere)' % (len(leaks) - len(ours)), '%d reports, in full below' % len(ours))
    for line in '\n'.join(ours).splitlines():
        print('#   ' + line)
    print('# kmemleak: 2 scans took %.1fs' % (time.monotonic() - t))


# The debug leg's positive control: selftests/canary/vs_canary.ko commits
# one of each mistake the debug kernel is there to catch, in a VM of its
# own. The same checks that judge the real run (test_dmesg, test_kmemleak)
# must then fail and print each report; what each report looks like:
CANARY_BUGS = 'lockdep,sleep,ubsan,list,leak,warn,kasan'
CANARY_LEAKS = 16               # objects vs_canary_leak() loses
# a frame of kmemleak's backtrace, as test_kmemleak prints it (a stack trace
# in dmesg may name the function too, as "? vs_canary_leak")
CANARY_LEAK_FRAME = re.compile(r'^#\s+vs_canary_leak\+0x', re.M)
CANARY_REPORTS = [
    ('lockdep', 'WARNING: possible circular locking dependency detected'),
    ('sleep', 'BUG: sleeping function called from invalid context'),
    ('ubsan', 'UBSAN: shift-out-of-bounds'),
    ('list', 'list_add corruption'),
    ('warn', 'vs_canary: a warning on purpose'),
    ('kasan', 'BUG: KASAN: slab-use-after-free in vs_canary_kasan'),
    ('leak', CANARY_LEAK_FRAME),
]


def test_canary(a, R):
    t = time.monotonic()
    try:
        with vmrig.VM(kernel=a.kernel, extra_files=[a.canary_module + ':/vs_canary.ko']) as vm:
            vm.kmemleak_clear()
            rc, out = vm.run('insmod /vs_canary.ko bugs=' + CANARY_BUGS)
            R.ok(rc == 0, 'canary: insmod vs_canary bugs=' + CANARY_BUGS, out)
            # kmemleak reports only objects older than 5 s
            time.sleep(6)
            probe = Report('canary-probe')
            text = io.StringIO()
            with contextlib.redirect_stdout(text):
                test_dmesg(vm, probe)
                test_kmemleak(vm, probe)
    except (vmrig.VMError, vmrig.QMPError, vmrig.CommandError) as e:
        R.ok(False, 'canary: the VM ran to the end', e)
        return
    text = text.getvalue()
    R.ok(probe.failed == 2, 'canary: the dmesg and kmemleak checks both fail (%d of %d)'
         % (probe.failed, probe.n),
         '\n'.join(x for x in text.splitlines() if re.match(r'(not )?ok ', x)))
    for bug, report in CANARY_REPORTS:
        found = report.search(text) if hasattr(report, 'search') else report in text
        what = getattr(report, 'pattern', report)
        R.ok(found, 'canary: %s: the run prints "%s"' % (bug, what), text[-3000:])
    print('# %s: canary: kmemleak reported %d of its %d leaked objects; took %.1fs'
          % (a.kernel, len(CANARY_LEAK_FRAME.findall(text)), CANARY_LEAKS,
             time.monotonic() - t))


GROUPS = ['absent', 'netlink', 'cli', 'oracle', 'hotplug', 'vhost', 'walk', 'events',
          'metrics', 'serve', 'health', 'reload', 'untested', 'locks', 'dmesg', 'mmio',
          'ynl']
# After dmesg: the groups that boot a VM of their own, after the main VM.

# Groups that live in their own file, selftests/groups/vm_<group>.py, each with a
# function test_<group>(vm, R) run in the main VM like the groups above.
EXTERNAL_GROUPS = ('walk', 'events', 'metrics', 'serve', 'health', 'locks')


def run_group(g, vm, R, wrong_ko, untested_ko=None):
    if g == 'vhost':
        test_vhost(vm, R, wrong_ko)
    elif g == 'untested':
        if untested_ko:
            __import__('vm_newest').test_untested(vm, R, untested_ko)
    elif g in EXTERNAL_GROUPS:
        mod = __import__('vm_' + g)
        getattr(mod, 'test_' + g)(vm, R)
    else:
        globals()['test_' + g](vm, R)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--kernel', required=True, help='6.1, 6.12, newest or debug')
    ap.add_argument('--module', required=True, help='virtio_status.ko for that kernel')
    ap.add_argument('--wrong-layout-module',
                    help='the same built with VS_VHOST_LAYOUT_TEST=wrong')
    ap.add_argument('--only', action='append', choices=GROUPS,
                    help='run only these groups (absent and dmesg always run)')
    ap.add_argument('--label', default='',
                    help='added to every result line (e.g. which QEMU ran)')
    ap.add_argument('--canary-module',
                    help='selftests/canary/vs_canary.ko built for the debug kernel: '
                    'prove that its reports fail the run')
    ap.add_argument('--untested-module',
                    help='the same built with VS_FINGERPRINT_TEST=perturb (group untested)')
    ap.add_argument('--features128', action='store_true',
                    help='then a VM under QEMU 11.1 with a tap virtio-net: feature bits '
                    'above 63 (6.17+ kernels)')
    ap.add_argument('--lockhold-dir',
                    help='selftests/lockhold built for that kernel (scripts/build_testmod.sh): '
                    'vs_lockhold.ko and vs_genl_writer.ko, for the locks group')
    ap.add_argument('--long', action='store_true',
                    help='run vhost churn and hot-plug during dumps longer (debug kernel)')
    a = ap.parse_args()
    if a.long:
        global HOTPLUG_CYCLES, HOTPLUG_DUMP_SECONDS, VHOST_CHURN_ARGS
        HOTPLUG_CYCLES, VHOST_CHURN_ARGS = LONG_HOTPLUG_CYCLES, LONG_VHOST_CHURN_ARGS
        HOTPLUG_DUMP_SECONDS = LONG_HOTPLUG_DUMP_SECONDS
    R = Report((a.kernel + ' ' + a.label).strip())
    groups = a.only or GROUPS
    with tempfile.TemporaryDirectory(prefix='vs-tests-') as work:
        port = free_port()
        devs, qargs = vm_config(work, port)
        sdevs, sargs, stall_fifo = __import__('vm_health').stall_config(work)
        devs, qargs = devs + sdevs, qargs + sargs
        files = [a.module + ':/virtio_status.ko', CLI + ':/usr/bin/virtio-status',
                 EXPORTER + ':/usr/bin/virtio-status-exporter',
                 NETLINK_TEST + ':/usr/bin/netlink_test', DUMP_LOOP + ':/usr/bin/dump_loop',
                 VHOST_TEST + ':/usr/bin/vhost_test', VHOST_CHURN + ':/usr/bin/vhost_churn',
                 QUEUE_TEST + ':/usr/bin/queue_test', RELOAD_SHIM + ':/usr/lib/reload_shim.so',
                 VDPA_TEST + ':/usr/bin/vdpa_test',
                 QMP_CLIENT + ':/usr/bin/qmp_client', DROP_CAP + ':/usr/bin/drop_cap',
                 VHOST_CID_REUSE + ':/usr/bin/vhost_cid_reuse',
                 VHOST_WALK + ':/usr/bin/vhost_walk', GENL_PROBE + ':/usr/bin/genl_probe',
                 HEALTH_TEST + ':/usr/bin/health_test', VHOST_OWNER + ':/usr/bin/vhost_owner']
        if a.wrong_layout_module:
            files.append(a.wrong_layout_module + ':/virtio_status_wrong.ko')
        if a.untested_module:
            files.append(a.untested_module + ':/virtio_status_untested.ko')
        if a.lockhold_dir:
            files += [os.path.join(a.lockhold_dir, m + '.ko') + ':/%s.ko' % m
                      for m in ('vs_lockhold', 'vs_genl_writer')]
        t0 = time.monotonic()
        try:
            with vmrig.VM(kernel=a.kernel, devices=devs, qemu_args=qargs,
                          extra_files=files, mem='768M') as vm:
                print('# %s booted in %.1fs' % (vm.kver, vm.boot_seconds))
                vm.hostfwd_port = port
                vm.stall_fifo = stall_fifo
                # the locks group's modules, and where the vhost layout is
                vm.lockhold_dir, vm.module_path = a.lockhold_dir, a.module
                if a.kernel == 'debug':
                    print('# kmemleak: %d reports at boot, cleared' % len(vm.kmemleak_clear()))
                test_absent(vm, R)
                rc, out = vm.run('insmod /virtio_status.ko')
                if R.ok(rc == 0, 'insmod virtio_status', out):
                    for g in GROUPS[1:GROUPS.index('dmesg')]:
                        if g in groups:
                            t = time.monotonic()
                            run_group(g, vm, R, a.wrong_layout_module, a.untested_module)
                            print('# %s: %s took %.1fs' % (a.kernel, g, time.monotonic() - t))
                test_dmesg(vm, R)
                if a.kernel == 'debug':
                    test_kmemleak(vm, R)
        except (vmrig.VMError, vmrig.QMPError, vmrig.CommandError) as e:
            R.ok(False, 'the VM ran to the end', e)

        if 'mmio' in groups:
            t = time.monotonic()
            try:
                with vmrig.VM(kernel=a.kernel, machine='microvm,pit=on,pic=on,rtc=on',
                              devices=MMIO_DEVICES,
                              qemu_args=qargs[:4], extra_files=files[:4]) as vm:
                    rc, out = vm.run('insmod /virtio_status.ko')
                    if R.ok(rc == 0, 'mmio: insmod virtio_status', out):
                        test_mmio(vm, R)
                    test_dmesg(vm, R)
            except (vmrig.VMError, vmrig.QMPError, vmrig.CommandError) as e:
                R.ok(False, 'mmio: the VM ran to the end', e)
            print('# %s: mmio took %.1fs' % (a.kernel, time.monotonic() - t))
        if 'ynl' in groups:
            __import__('vm_ynl').run_ynl(a.kernel, a.module, R)
        if a.features128:
            __import__('vm_newest').run_features128(a.kernel, a.module, R)
        if a.canary_module:
            test_canary(a, R)
        print('# %s: %d checks, %d failed, %.0fs' % (a.kernel, R.n, R.failed,
                                                    time.monotonic() - t0))
    return 1 if R.failed else 0


if __name__ == '__main__':
    sys.exit(main())
