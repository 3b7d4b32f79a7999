# SPDX-License-Identifier: GPL-2.0
"""The ynl group of vm_tests.py: our family's YAML spec
(uapi/virtio_status.yaml) driven by the kernel's own ynl client,
tools/net/ynl/cli.py of linux-source-6.12, inside a guest.

The guest has no Python, so this group boots a VM of its own that shares
the host's root file system read-only over virtio-9p (vmrig's host_root,
mounted at /host) and runs the client as
`chroot /host /usr/bin/python3 YNL/tools/net/ynl/cli.py ...`: the host's
Python (with python3-yaml and python3-jsonschema), the guest's kernel and
netlink. VS_YNL_DIR names the unpacked kernel source the client comes from
(default: the pinned one selftests/scripts/deps.sh unpacks, $VS_CACHE/ynl/VERSION of
tools/ynl/pin): VS_YNL_DIR/tools/net/ynl/cli.py and
VS_YNL_DIR/Documentation/netlink/ (the schemas, specs/nlctrl.yaml).

  - plumbing: the kernel's own nlctrl spec dumps the families; ours is
    there, with the operations (ids, do and dump) and the multicast groups
    of our spec
  - the spec validates against the schema of its protocol (genetlink.yaml)
    and has the operations these checks use
  - dev-get dump: exactly the virtio devices of the guest's sysfs, each
    with its bus id, path, index, device id and driver; dev-get do by bus
    id and by path; an unknown bus id is an error
  - info: vhost-state, mode and the rest equal to what `virtio-status info`
    says; its generation equal to the dump's while the bus stands still
  - --subscribe events while the host hot-plugs and unplugs a device:
    dev-add-ntf, bind-ntf, unbind-ntf, dev-del-ntf with its bus id, in
    order, sequence numbers without a gap, generations that end in info's

Skips, and says why, when the client, the spec, the host's Python
modules or the kernel's 9p are missing.
"""

import ast
import json
import os
import re
import shlex
import subprocess
import time

import vmrig
from vm_common import cat, wait_until
from vm_events import sysfs_driver
from vm_tests import CLI, cli, parse_json, sysfs_devices, test_dmesg

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SPEC = os.path.join(TOP, 'uapi', 'virtio_status.yaml')
# The host's Python, run in the guest through the share.
PYTHON = '/usr/bin/python3'
# cli.py --sleep: how long the client listens for notifications after it
# subscribed; the hot-plug and unplug take a few seconds under TCG.
SUBSCRIBE_SECONDS = 20
# x86_64 syscall numbers of nanosleep and clock_nanosleep: the client is in
# its --sleep, subscribed, once /proc/PID/syscall starts with one of them.
SLEEP_SYSCALLS = ('35', '230')
# The guest's limit for one client call; Python starts in 1-2 s there
# (4-5 s with the schema check), more on a busy host.
YNL_TIMEOUT = 180

# The ynl VM's devices: drivers bound and not (crypto has no guest driver in
# the initramfs), a transitional one; the host root share adds a 9p device.
DEVICES = ['virtio-rng-pci,id=rng0',
           'virtio-balloon-pci,id=balloon0',
           'virtio-rng-pci,id=legacy0,disable-modern=on,disable-legacy=off',
           'virtio-crypto-pci,id=crypto0,cryptodev=cd0']
QEMU_ARGS = ['-object', 'cryptodev-backend-builtin,id=cd0']

# The operations the checks below use: name -> modes.
SPEC_OPS = {'dev-get': ['do', 'dump'], 'info': ['do'], 'queue-get': ['do'],
            'element-get': ['do'], 'dev-add-ntf': ['event'], 'dev-del-ntf': ['event'],
            'bind-ntf': ['event'], 'unbind-ntf': ['event']}
# `--do info` attributes and the key `virtio-status info` shows each under
INFO_KEYS = {'vhost-state': 'vhost', 'vhost-reason': 'vhost-reason',
             'vhost-layout': 'vhost-layout', 'mode': 'mode', 'mode-reason': 'mode-reason',
             'fingerprint': 'fingerprint', 'feature-bits': 'feature-bits'}
NTF_ORDER = ['dev-add-ntf', 'bind-ntf', 'unbind-ntf', 'dev-del-ntf']

# Run in the guest's chroot with ynl's own library: the spec's operations
# (request message id, modes) and multicast groups as ynl resolves them.
SPEC_DUMP = ('import json, sys\n'
             'sys.path.insert(0, sys.argv[1])\n'
             'from lib import SpecFamily\n'
             'f = SpecFamily(sys.argv[2], "")\n'
             'print(json.dumps({"ops": {n: [o.req_value, sorted(o.modes)]\n'
             '                          for n, o in f.msgs.items()},\n'
             '                  "mcast": sorted(f.mcast_groups)}))\n')


def pinned_ynl_dir():
    """$VS_CACHE/ynl/VERSION, VERSION being tools/ynl/pin's."""
    top = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    version = ''
    with open(os.path.join(top, 'tools', 'ynl', 'pin')) as f:
        for line in f:
            words = line.split()
            if len(words) == 2 and words[0] == 'version':
                version = words[1]
    cache = os.environ.get('VS_CACHE', '/var/cache/virtio-status')
    return os.path.join(cache, 'ynl', version)


def ynl_dir():
    return os.path.realpath(os.environ.get('VS_YNL_DIR') or pinned_ynl_dir())


def cli_py():
    return os.path.join(ynl_dir(), 'tools', 'net', 'ynl', 'cli.py')


def schema_for(spec):
    """The schema a spec names through its protocol (genetlink.yaml,
    genetlink-legacy.yaml, ...): the one ynl would look for one directory
    above the spec's, which our uapi/ layout does not have."""
    with open(spec) as f:
        m = re.search(r'^protocol:\s*([\w-]+)', f.read(), re.M)
    proto = m.group(1) if m else 'genetlink'
    return os.path.join(ynl_dir(), 'Documentation', 'netlink', proto + '.yaml')


def host_python_has(module):
    return subprocess.run([PYTHON, '-c', 'import ' + module], stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL).returncode == 0


def unavailable(kernel):
    """Why the group cannot run here, or None."""
    if not os.path.isfile(cli_py()):
        return ('no ynl client: %s does not exist (VS_YNL_DIR: an unpacked '
                'linux-source-6.12)' % cli_py())
    if not os.path.isfile(SPEC):
        return 'our spec %s does not exist yet' % os.path.relpath(SPEC, TOP)
    if not os.access(PYTHON, os.X_OK) or not host_python_has('yaml'):
        return '%s with python3-yaml is not installed on the host' % PYTHON
    return vmrig.host_root_unsupported(kernel)


def parse_output(text):
    """The client's answer: with --output-json a JSON document on its last
    line (an earlier line may be one of ynl's own remarks), without it
    pprint's Python repr. None if there is none."""
    text = text.strip()
    for cand in [text] + text.splitlines()[::-1]:
        try:
            return json.loads(cand)
        except ValueError:
            pass
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return None


def ynl_cmd(spec, args, schema=None):
    """The guest's command line for one cli.py call: SCHEMA validates the
    spec first (slow: 2-3 s more in the guest), None skips that."""
    sch = ['--schema', schema] if schema else ['--no-schema']
    return ' '.join(shlex.quote(a) for a in
                    ['chroot', vmrig.HOST_ROOT, PYTHON, cli_py(),
                     '--spec', os.path.realpath(spec)] + sch + ['--output-json'] + args)


def ynl(vm, args, spec=SPEC, schema=None):
    """Run cli.py in the guest: (rc, parsed answer or None, stdout, stderr)."""
    rc, out = vm.run('%s 2>/tmp/ynl.err' % ynl_cmd(spec, args, schema), timeout=YNL_TIMEOUT)
    err = cat(vm, '/tmp/ynl.err')
    return rc, parse_output(out), out, err


def header(d):
    """The header nest of a reply or event dev, {} if there is none."""
    h = d.get('header') if isinstance(d, dict) else None
    return h if isinstance(h, dict) else {}


def spec_facts(vm):
    """({'ops': {name: [message id, modes]}, 'mcast': [names]} of our
    spec as ynl's library reads it, or None; the output)."""
    vm.put(SPEC_DUMP, '/tmp/ynl-spec-dump.py')
    # the script is in the guest's /tmp, outside the chroot: Python gets it
    # on stdin
    rc, out = vm.run('chroot %s %s - %s %s 2>&1 < /tmp/ynl-spec-dump.py'
                     % (vmrig.HOST_ROOT, PYTHON, shlex.quote(os.path.dirname(cli_py())),
                        shlex.quote(os.path.realpath(SPEC))), timeout=YNL_TIMEOUT)
    return (parse_output(out) if rc == 0 else None), out


def test_plumbing(vm, R):
    """The kernel's family table, through nlctrl's own spec, against ours."""
    nlctrl = os.path.join(ynl_dir(), 'Documentation', 'netlink', 'specs', 'nlctrl.yaml')
    rc, fams, out, err = ynl(vm, ['--dump', 'getfamily'], spec=nlctrl)
    ours = [f for f in fams or [] if isinstance(f, dict) and f.get('family-name') ==
            'virtio_status']
    R.ok(rc == 0 and len(ours) == 1,
         "ynl: the kernel's nlctrl spec dumps the families, virtio_status among them",
         'rc=%d\n%s\n%s' % (rc, out[-1500:], err[-1500:]))
    facts, out = spec_facts(vm)
    if not R.ok(isinstance(facts, dict) and 'ops' in facts and 'mcast' in facts,
                "ynl: ynl's library reads our spec", out[-3000:]):
        return
    fam = ours[0] if ours else {}
    # nlctrl's nests come as [{"1": {...}}, {"2": {...}}]
    kops = {}
    for item in fam.get('ops', []):
        for op in item.values():
            flags = op.get('flags', [])
            kops[op.get('id')] = sorted(m for m in ('do', 'dump') if 'cmd-cap-' + m in flags)
    sops = {v[0]: sorted(m for m in v[1] if m in ('do', 'dump'))
            for v in facts['ops'].values() if set(v[1]) & {'do', 'dump'}}
    R.equal(kops, sops, 'ynl: the kernel has the operations of our spec: ids, do and dump')
    groups = sorted(g.get('name') for item in fam.get('mcast-groups', []) for g in item.values())
    R.equal(groups, facts['mcast'], 'ynl: the kernel has the multicast groups of our spec')


def test_spec(vm, R):
    schema = schema_for(SPEC)
    what = 'ynl: our spec validates against %s' % os.path.basename(schema)
    if not host_python_has('jsonschema'):
        R.skip(what, 'python3-jsonschema is not installed on the host')
        rc, _, out, err = ynl(vm, ['--list-msgs'])
    else:
        rc, _, out, err = ynl(vm, ['--list-msgs'], schema=schema)
        R.ok(rc == 0 and os.path.isfile(schema), what,
             'rc=%d\n%s\n%s' % (rc, out[-1000:], err[-2000:]))
    listed = {}
    for line in out.splitlines():
        m = re.match(r'(\S+)\s+\[(.*)\]', line)
        if m:
            listed[m.group(1)] = sorted(x.strip() for x in m.group(2).split(',') if x.strip())
    R.equal({k: listed.get(k) for k in SPEC_OPS}, SPEC_OPS,
            'ynl: our spec has the operations these checks use')


def test_dump(vm, R):
    """dev-get dump and do against sysfs; returns the dump."""
    sysfs = sysfs_devices(vm)
    rc, devs, out, err = ynl(vm, ['--dump', 'dev-get'])
    ok = R.ok(rc == 0 and isinstance(devs, list) and devs and
              all(isinstance(d, dict) for d in devs),
              'ynl: --dump dev-get answers a list of devices',
              'rc=%d\n%s\n%s' % (rc, out[-1500:], err[-2000:]))
    devs = devs if ok else []
    virtio = [d for d in devs if d.get('kind') == 'virtio']
    R.equal(sorted(header(d).get('busid') for d in virtio), sorted(sysfs),
            'ynl: --dump dev-get lists exactly the virtio devices of sysfs, by header busid')
    got = {header(d).get('busid'): (header(d).get('path'), d.get('id'), d.get('index'),
                                    d.get('driver', '')) for d in virtio}
    want = {b: (s['path'], s['device'], int(b[len('virtio'):]), s['driver'].strip('.'))
            for b, s in sysfs.items()}
    R.equal(got, want, 'ynl: --dump dev-get: header path, device id, index and driver of '
            'each device equal sysfs')

    where = vm.virtio_sysfs('rng0') or {}
    busid, path = where.get('name'), where.get('path')
    for how, key in (('busid', busid), ('path', path)):
        rc, d, out, err = ynl(vm, ['--do', 'dev-get', '--json',
                                   json.dumps({'header': {how: key}})])
        h = header(d if isinstance(d, dict) else {})
        R.ok(rc == 0 and (h.get('busid'), h.get('path'), (d or {}).get('id')) ==
             (busid, path, 4),
             'ynl: --do dev-get with a header %s: that device (virtio-rng)' % how,
             'rc=%d\n%s\n%s' % (rc, out[-1500:], err[-2000:]))
    rc, _, out, err = ynl(vm, ['--do', 'dev-get', '--json',
                               json.dumps({'header': {'busid': 'virtio999'}})])
    R.ok(rc != 0 and 'Netlink error: No such device' in out and 'Traceback' not in err,
         'ynl: --do dev-get of a bus id that does not exist -> ENODEV',
         'rc=%d\n%s\n%s' % (rc, out[-1500:], err[-2000:]))
    return virtio


def ynl_info(vm):
    rc, info, out, err = ynl(vm, ['--do', 'info'])
    return (info if rc == 0 and isinstance(info, dict) else None), \
        'rc=%d\n%s\n%s' % (rc, out[-1500:], err[-2000:])


def test_info(vm, R):
    """--do info against the CLI and against a dump."""
    info, diag = ynl_info(vm)
    if not R.ok(info is not None and info.get('vhost-state') in ('on', 'off'),
                'ynl: --do info answers, vhost-state by its enum name', diag):
        return
    rc, out, err = cli(vm, 'info')
    mine = (parse_json(out) or {}).get('return') or {}
    R.ok(rc == 0 and mine, 'ynl: virtio-status info answers too', out + err)
    R.equal({k: info.get(k) for k in INFO_KEYS}, {k: mine.get(v) for k, v in INFO_KEYS.items()},
            'ynl: --do info: vhost-state, mode, fingerprint, feature-bits and the reasons '
            'equal virtio-status info')
    gen = info.get('generation')
    if 'generation' in mine:
        R.equal(gen, mine['generation'], 'ynl: --do info: generation equals virtio-status info')
    # The CLI's info shows no generation: the dump's is the other source.
    # A quiet bus: every device of a dump between two equal infos has it.
    rc, devs, out, err = ynl(vm, ['--dump', 'dev-get'])
    after, _ = ynl_info(vm)
    gens = sorted({d.get('generation') for d in devs or [] if d.get('kind') == 'virtio'})
    R.ok(isinstance(gen, int) and gen > 0 and gens == [gen] and (after or {}).get(
        'generation') == gen,
         'ynl: --do info: generation equals that of every device of a dump on a quiet bus',
         'info %r, dump %r, info after %r' % (gen, gens, (after or {}).get('generation')))


def client_sleeping(vm, pid):
    """True while the client sits in its --sleep (it has subscribed)."""
    f = cat(vm, '/proc/%s/syscall' % pid).split()
    return bool(f) and f[0] in SLEEP_SYSCALLS


def test_notifications(vm, R):
    """--subscribe events while a virtio-rng device comes and goes."""
    f = '/tmp/ynl-ntf'
    cmd = ynl_cmd(SPEC, ['--subscribe', 'events', '--sleep', str(SUBSCRIBE_SECONDS)])
    _, t0 = vm.run('date +%s')
    vm.check('rm -f {f}.out {f}.err {f}.rc {f}.pid; '
             '({c} >{f}.out 2>{f}.err & echo $! >{f}.pid; wait $!; echo $? >{f}.rc) '
             '>/dev/null 2>&1 &'.format(f=f, c=cmd))
    pid = wait_until(lambda: cat(vm, f + '.pid').strip())
    listening = wait_until(lambda: client_sleeping(vm, pid) or cat(vm, f + '.rc').strip(),
                           YNL_TIMEOUT) is True
    if not R.ok(listening, 'ynl: --subscribe events: the client subscribes and waits',
                cat(vm, f + '.out')[-1000:] + cat(vm, f + '.err')[-2000:]):
        return
    where = vm.hotplug('virtio-rng-pci', 'ynl-hp0')
    busid, path = where['name'], where['path']
    bound = wait_until(lambda: sysfs_driver(vm, busid))
    vm.unplug('ynl-hp0')
    gone = wait_until(lambda: busid not in sysfs_devices(vm))
    in_time = client_sleeping(vm, pid)
    R.ok(bound == 'virtio_rng' and gone and in_time,
         'ynl: %s hot-plugged, bound, unplugged while the client listened' % busid,
         'driver %r, gone %r, client still listening %r' % (bound, gone, in_time))
    rc = wait_until(lambda: cat(vm, f + '.rc').strip(), SUBSCRIBE_SECONDS + YNL_TIMEOUT)
    _, t1 = vm.run('date +%s')
    out, err = cat(vm, f + '.out'), cat(vm, f + '.err')
    ntfs = parse_output(out)
    if not R.ok(rc == '0' and isinstance(ntfs, list),
                'ynl: --subscribe events: the client exits 0 with the notifications',
                'rc=%r\n%s\n%s' % (rc, out[-1500:], err[-2000:])):
        return
    ntfs = [n for n in ntfs if isinstance(n, dict) and isinstance(n.get('msg'), dict)]
    mine = [n for n in ntfs if header(n['msg'].get('dev')).get('busid') == busid]
    names = [n.get('name') for n in mine]
    R.ok('dev-add-ntf' in names and 'bind-ntf' in names,
         'ynl: --subscribe events: dev-add-ntf and bind-ntf carry the new device\'s bus id %s'
         % busid, json.dumps(ntfs)[:3000])
    R.equal(names, NTF_ORDER, 'ynl: --subscribe events: add, bind, unbind, del of %s, in order'
            % busid)
    devs = [n['msg'].get('dev') or {} for n in mine]
    R.ok(devs and all(header(d).get('path') == path and d.get('id') == 4 and
                      d.get('name') == 'virtio-rng' for d in devs) and
         [d.get('driver') for d in devs][1:3] == ['virtio_rng', 'virtio_rng'],
         'ynl: --subscribe events: each carries the path, device id and name; bind and '
         'unbind the driver', json.dumps(devs)[:3000])
    seqs = [n['msg'].get('seq') for n in ntfs]
    R.ok(len(ntfs) == len(mine) and seqs and
         all(isinstance(s, int) for s in seqs) and
         all(b == a + 1 for a, b in zip(seqs, seqs[1:])),
         'ynl: --subscribe events: nothing else, sequence numbers without a gap', seqs)
    times = [n['msg'].get('time') for n in mine]
    lo, hi = int(t0) * 10**9, (int(t1) + 1) * 10**9
    R.ok(times and all(isinstance(t, int) and lo <= t <= hi for t in times),
         'ynl: --subscribe events: times are CLOCK_REALTIME ns within the test',
         '%d..%d %r' % (lo, hi, times))
    gens = [d.get('generation') for d in devs]
    info, diag = ynl_info(vm)
    R.ok(gens and all(isinstance(g, int) for g in gens) and
         all(b > a for a, b in zip(gens, gens[1:])) and
         (info or {}).get('generation') == gens[-1],
         'ynl: --subscribe events: generations grow; the last is what --do info says now',
         'events %r, info %r' % (gens, (info or {}).get('generation')))


def test_ynl(vm, R):
    """The checks, in a VM booted with host_root=True and the module loaded."""
    test_plumbing(vm, R)
    test_spec(vm, R)
    test_dump(vm, R)
    test_info(vm, R)
    test_notifications(vm, R)


def run_ynl(kernel, module, R):
    """Boot the ynl group's VM (host root shared) for KERNEL, load MODULE
    and run the checks; one SKIP line when the group cannot run here."""
    why = unavailable(kernel)
    if why:
        R.skip("ynl: the kernel's ynl client drives our spec in the guest", why)
        return
    t = time.monotonic()
    try:
        with vmrig.VM(kernel=kernel, devices=DEVICES, qemu_args=QEMU_ARGS, host_root=True,
                      extra_files=[module + ':/virtio_status.ko',
                                   CLI + ':/usr/bin/virtio-status']) as vm:
            print('# %s: ynl: booted in %.1fs, host root mounted in %.1fs'
                  % (vm.kver, vm.boot_seconds, vm.host_root_seconds))
            rc, out = vm.run('insmod /virtio_status.ko')
            if R.ok(rc == 0, 'ynl: insmod virtio_status', out):
                test_ynl(vm, R)
            test_dmesg(vm, R)
    except (vmrig.VMError, vmrig.QMPError, vmrig.CommandError) as e:
        R.ok(False, 'ynl: the VM ran to the end', e)
    print('# %s: ynl took %.1fs' % (kernel, time.monotonic() - t))
