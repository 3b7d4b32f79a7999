#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The startup part of make bench (issue 14): what one command costs
from fork to exit, libraries loaded included, against one cat of the
sysfs attributes of every device.

Inside one guest (bench.py boots it, the module loaded), timed by
selftests/bench/bench_exec in interleaved rounds:

  (a) one `virtio-status --qmp` process answering x-query-virtio-status
      for every device (paths from x-query-virtio), for the CLI as
      tools/Makefile built it and for each link variant below;
  (b) one `cat` of device, vendor, features and status of every device
      under /sys/bus/virtio/devices (one process, all files as arguments):
      the guest's cat, busybox's, which is static and loads nothing; and,
      as references only, the host's coreutils cat (Debian's /bin/cat,
      dynamic, libc alone; it maps and unmaps a 128 KiB buffer a file)
      and coreutils true (libc alone, no work: the floor for any
      dynamically linked program);
  (c) `virtio-status --help`;
  (d) `virtio-status --version`, where the binary has it;
  (e) for the tree's binary, where (a) goes: `--qmp` answering
      qmp_capabilities alone (no request: starting and the QMP loop), and
      `--qmp` answering one x-query-virtio-status (the netlink socket, the
      family lookup, one request); differences of medians against (c).

Timed twice in the same VM: with the guest's ASLR as booted (what users
run), then with it off, which shows what is QEMU translating code again
for every new process rather than the program (see run()).

Reported: medians and quartiles, (a)/(b) and (c)/(b) from the same run,
and the number of shared objects each binary loads (the loader's own
list, LD_TRACE_LOADED_OBJECTS, as ldd prints it, without the vDSO).
Before anything is timed, every (a) binary's answers are checked (one
"return" per device, no error) and (b)'s output (four lines a device):
a failing command is never timed. Figures, not assertions: nothing here
fails on a time.

The link variants are relinks of the objects tools/Makefile built (its
own link command, from `make -n -B virtio-status`, with flags added), so
they follow whatever tools/Makefile links: only the link step differs.
A variant whose binary is byte-identical to another's is not timed twice.

Alone: startup.py --list-variants builds them and prints what each is.
"""

import hashlib
import json
import os
import re
import shlex
import subprocess
import sys

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TOOLS = os.path.join(TOP, 'tools')
BENCH_EXEC = os.path.join(TOP, 'selftests/bench/bench_exec')
GUEST_DIR = '/opt/vs-startup'
# Debian's cat and true, dynamic: references
HOST_CAT = '/usr/bin/cat'
GUEST_CAT2 = GUEST_DIR + '/coreutils/cat'
HOST_TRUE = '/usr/bin/true'
GUEST_TRUE = GUEST_DIR + '/coreutils/true'
# not timed: its libraries are counted, to show where libmicrohttpd went
EXPORTER = os.path.join(TOOLS, 'virtio-status-exporter')
GUEST_EXPORTER = GUEST_DIR + '/exporter/virtio-status-exporter'
ATTRS = ('device', 'vendor', 'features', 'status')
# libraries a reference variant links statically (Debian ships their .a)
STATIC_LIBS = ('-lnl-genl-3', '-lnl-3', '-ljson-c')


def _dpkg_hardening():
    """The LDFLAGS a Debian package gets with hardening=+all."""
    try:
        out = subprocess.run(['dpkg-buildflags', '--get', 'LDFLAGS'],
                             env=dict(os.environ, DEB_BUILD_MAINT_OPTIONS='hardening=+all'),
                             stdout=subprocess.PIPE, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    return out.split()


# (name, flags added to tools/Makefile's link command, what it is)
def variant_specs():
    specs = [('as-needed', ['-Wl,--as-needed'], 'plus -Wl,--as-needed'),
             ('z-now', ['-Wl,-z,now'], 'plus -Wl,-z,now (bind every symbol at load)'),
             ('z-lazy', ['-Wl,-z,lazy'], 'plus -Wl,-z,lazy (bind on first call)'),
             ('O1-gnu-hash', ['-Wl,-O1,--hash-style=gnu'], 'plus -Wl,-O1,--hash-style=gnu'),
             ('no-pie', ['-no-pie'], 'plus -no-pie (objects still compiled -fPIE)')]
    deb = _dpkg_hardening()
    if deb:
        specs.append(('dpkg-hardening', deb,
                      'plus dpkg-buildflags LDFLAGS, hardening=+all: ' + ' '.join(deb)))
    specs.append(('static-nl-json', 'static',
                  'libnl-3, libnl-genl-3, json-c linked statically (reference only)'))
    return specs


def link_command():
    """tools/Makefile's command linking tools/virtio-status, as a list."""
    out = subprocess.run(['make', '-s', '--no-print-directory', '-C', TOOLS, '-n', '-B',
                          'virtio-status'], stdout=subprocess.PIPE, text=True,
                         check=True).stdout
    for line in out.splitlines():
        words = shlex.split(line)
        if '-o' in words and words[words.index('-o') + 1] == 'virtio-status':
            return words
    raise RuntimeError('no link command for virtio-status in make -n -B output')


def _relink(cmd, flags, out):
    words = list(cmd)
    words[words.index('-o') + 1] = out
    if flags == 'static':
        libs = [w for w in words if w in STATIC_LIBS]
        if not libs:
            raise RuntimeError('link command has none of %s' % ' '.join(STATIC_LIBS))
        at = words.index(libs[0])
        words = [w for w in words if w not in STATIC_LIBS]
        words[at:at] = ['-Wl,-Bstatic'] + libs + ['-Wl,-Bdynamic']
    else:
        words[1:1] = flags
    subprocess.run(words, cwd=TOOLS, check=True)
    return words


def _digest(path):
    with open(path, 'rb') as f:
        return hashlib.sha256(f.read()).hexdigest()


def build_variants(outdir, before=None):
    """The binaries to time: [{name, path, what, same_as}]. BEFORE: an
    extra CLI binary to compare (e.g. one built from an older commit)."""
    os.makedirs(outdir, exist_ok=True)
    tree = os.path.join(TOOLS, 'virtio-status')
    clis = [{'name': 'tree', 'path': tree, 'what': 'tools/virtio-status as tools/Makefile built it'}]
    if before:
        clis.append({'name': 'before', 'path': os.path.abspath(before),
                     'what': 'the binary given by --cli-before (%s)' % before})
    cmd = link_command()
    for name, flags, what in variant_specs():
        out = os.path.join(outdir, 'virtio-status.' + name)
        _relink(cmd, flags, out)
        clis.append({'name': name, 'path': out, 'what': what})
    seen = {}
    for c in clis:
        d = _digest(c['path'])
        c['same_as'] = seen.get(d)
        seen.setdefault(d, c['name'])
        c['size'] = os.path.getsize(c['path'])
    return clis


def guest_path(c):
    return '%s/%s/virtio-status' % (GUEST_DIR, c['name'])


def extra_files(clis):
    """extra_files specs for the VM: bench_exec, every binary to time
    (each brings its libraries), the tree's CLI as virtio-status."""
    files = [BENCH_EXEC + ':/usr/bin/bench_exec',
             os.path.join(TOOLS, 'virtio-status') + ':/usr/bin/virtio-status']
    files += ['%s:%s' % (c['path'], guest_path(c)) for c in clis if not c['same_as']]
    files.append('%s:%s' % (HOST_CAT, GUEST_CAT2))
    files.append('%s:%s' % (HOST_TRUE, GUEST_TRUE))
    if os.path.exists(EXPORTER):
        files.append('%s:%s' % (EXPORTER, GUEST_EXPORTER))
    return files


def _loaded(vm, path):
    """The shared objects PATH loads, as the loader lists them (no vDSO)."""
    out = vm.check('LD_TRACE_LOADED_OBJECTS=1 %s </dev/null' % path)
    libs = []
    for line in out.splitlines():
        m = re.match(r'\s*(\S+)(?:\s+=>\s+(\S+))?', line)
        if m and 'linux-vdso' not in m.group(1):
            libs.append(os.path.basename(m.group(2) or m.group(1)))
    return libs


def _check_qmp(vm, c, infile, devs):
    """(a)'s answers for binary C: one "return" per device, no error."""
    rc, out = vm.run('%s --qmp <%s' % (guest_path(c), infile), timeout=120)
    lines = [x for x in out.splitlines() if x.strip()]
    if rc != 0 or len(lines) != len(devs):
        raise RuntimeError('%s --qmp: rc %d, %d answers for %d devices:\n%s' %
                           (c['name'], rc, len(lines), len(devs), out[-2000:]))
    for dev, line in zip(devs, lines):
        ans = json.loads(line)
        if 'error' in ans or 'return' not in ans or \
           ans['return'].get('name') != dev['name']:
            raise RuntimeError('%s --qmp, %s: %s' % (c['name'], dev['path'], line))


def _check_qmp_none(vm, c, infile):
    """qmp_capabilities alone: one empty return."""
    rc, out = vm.run('%s --qmp <%s' % (guest_path(c), infile), timeout=120)
    if rc != 0 or [json.loads(x) for x in out.splitlines() if x.strip()] != [{'return': {}}]:
        raise RuntimeError('%s --qmp, qmp_capabilities: rc %d: %s' % (c['name'], rc, out[-2000:]))


def _split(t, n):
    """Where the tree's (a) goes, from medians of the same rounds: starting
    (--help), the QMP loop with no request (qmp_capabilities alone), the first
    request (netlink socket, family lookup, one x-query-virtio-status), and
    the other N-1 devices."""
    m = {k: t[k + '.tree']['median_us'] for k in ('help', 'qmp0', 'qmp1', 'qmp')}
    return {'start_us': m['help'], 'loop_us': round(m['qmp0'] - m['help'], 1),
            'first_request_us': round(m['qmp1'] - m['qmp0'], 1),
            'other_devices_us': round(m['qmp'] - m['qmp1'], 1),
            'per_other_device_us': round((m['qmp'] - m['qmp1']) / max(n - 1, 1), 1),
            'qmp0': t['qmp0.tree'], 'qmp1': t['qmp1.tree']}


def _ratio(x, y):
    return round(x / y, 2) if y else None


def run(vm, clis, rounds=60, warmup=2, log=print):
    """Time (a)-(e) in VM, whose module is loaded, twice: with the guest's
    address space layout randomisation as booted, then with it off
    (kernel.randomize_va_space = 0, put back after). Returns the results
    (a list, one dict a pass) and prints each (one JSON line, then a
    sentence per binary).

    Why twice: QEMU 7.2's TCG keys its translated code by virtual address,
    so code mapped at a new address, every library of every new process
    under ASLR, is translated again. With ASLR on, a dynamic program's
    start is mostly QEMU translating ld.so and the libraries; with it off,
    QEMU finds its earlier translations and what is left is closer to what
    the program costs on hardware."""
    devs = json.loads(vm.check('virtio-status x-query-virtio'))['return']
    sysdevs = vm.check('ls /sys/bus/virtio/devices').split()
    if len(devs) != len(sysdevs):
        raise RuntimeError('x-query-virtio lists %d devices, sysfs %d' %
                           (len(devs), len(sysdevs)))
    infile = '/tmp/startup-qmp.in'
    vm.put(''.join('{"execute": "x-query-virtio-status", "arguments": {"path": %s}}\n' %
                   json.dumps(d['path']) for d in devs), infile)
    # where (a) goes: the same process with no request, and with one
    infile0 = '/tmp/startup-qmp0.in'
    vm.put('{"execute": "qmp_capabilities"}\n', infile0)
    infile1 = '/tmp/startup-qmp1.in'
    vm.put('{"execute": "x-query-virtio-status", "arguments": {"path": %s}}\n' %
           json.dumps(devs[0]['path']), infile1)
    files = ['/sys/bus/virtio/devices/%s/%s' % (d, a) for d in sysdevs for a in ATTRS]
    for cat in ('/bin/cat', GUEST_CAT2):
        rc, out = vm.run('%s %s' % (cat, ' '.join(files)))
        if rc != 0 or len(out.splitlines()) != len(files):
            raise RuntimeError('%s of %d sysfs files: rc %d, %d lines' %
                               (cat, len(files), rc, len(out.splitlines())))

    timed = [c for c in clis if not c['same_as']]
    for c in timed:
        _check_qmp(vm, c, infile, devs)
        if c['name'] == 'tree':
            _check_qmp(vm, c, infile1, devs[:1])
            _check_qmp_none(vm, c, infile0)
        c['libs'] = _loaded(vm, guest_path(c))
        c['has_version'] = vm.run('%s --version' % guest_path(c))[0] == 0
    # one round: a b c d for the tree's binary first, then (a) of the rest
    # and their (c) and (d) where the CLI is another build (before)
    spec = []
    for c in timed:
        p = guest_path(c)
        spec.append('qmp.%s %s %s --qmp' % (c['name'], infile, p))
        if c['name'] == 'tree':
            spec.append('cat - /bin/cat ' + ' '.join(files))
            spec.append('cat.coreutils - %s %s' % (GUEST_CAT2, ' '.join(files)))
            spec.append('true.coreutils - %s' % GUEST_TRUE)
            spec.append('qmp0.%s %s %s --qmp' % (c['name'], infile0, p))
            spec.append('qmp1.%s %s %s --qmp' % (c['name'], infile1, p))
        if c['name'] in ('tree', 'before'):
            spec.append('help.%s - %s --help' % (c['name'], p))
            if c['has_version']:
                spec.append('version.%s - %s --version' % (c['name'], p))
    vm.put(''.join(s + '\n' for s in spec), '/tmp/startup.spec')
    # what each pass reports but no pass changes: the libraries loaded
    fixed = {'cat_coreutils_libs': len(_loaded(vm, GUEST_CAT2))}
    if vm.run('test -x ' + GUEST_EXPORTER)[0] == 0:
        fixed['exporter_libs'] = _loaded(vm, GUEST_EXPORTER)
    aslr = vm.check('cat /proc/sys/kernel/randomize_va_space').strip()
    results = []
    try:
        for mode in (aslr, '0'):
            vm.check('echo %s > /proc/sys/kernel/randomize_va_space' % mode)
            label = 'ASLR %s' % ('off' if mode == '0' else 'on (%s)' % mode)
            results.append(_time(vm, clis, devs, files, spec, rounds, warmup, label,
                                 fixed, log))
    finally:
        vm.check('echo %s > /proc/sys/kernel/randomize_va_space' % aslr)
    return results


def _time(vm, clis, devs, files, spec, rounds, warmup, label, fixed, log):
    """One timed pass of SPEC (bench_exec's file, in the guest); its dict,
    FIXED's members included."""
    out = vm.check('bench_exec -r %d -w %d /tmp/startup.spec' % (rounds, warmup),
                   timeout=60 + rounds * len(spec) * 2)
    res = json.loads(out.strip().splitlines()[-1])
    t = {x['name']: x for x in res['commands']}
    cat = t['cat']['median_us']

    result = {'kernel': vm.kver, 'aslr': label, 'devices': len(devs), 'rounds': rounds,
              'cat': t['cat'], 'cat_coreutils': t['cat.coreutils'],
              'true_coreutils': t['true.coreutils'],
              'cat_files': len(files), 'binaries': [], **fixed}
    for c in clis:
        src = c['same_as'] or c['name']
        o = next(x for x in clis if x['name'] == src)
        b = {'name': c['name'], 'what': c['what'], 'same_as': c['same_as'],
             'size': c['size'], 'libs': len(o['libs']),
             'qmp': t['qmp.' + src], 'qmp_over_cat': _ratio(t['qmp.' + src]['median_us'], cat)}
        if not c['same_as']:
            b['lib_names'] = o['libs']
        for k in ('help', 'version'):
            x = t.get('%s.%s' % (k, src))
            if x and c['name'] in ('tree', 'before'):
                b[k] = x
                b[k + '_over_cat'] = _ratio(x['median_us'], cat)
        # against the tree's binary: the steadiest figure of a variant, as
        # the cat moves with the load more than the CLIs do
        b['qmp_over_tree'] = _ratio(b['qmp']['median_us'], t['qmp.tree']['median_us'])
        b['qmp_over_coreutils_cat'] = _ratio(b['qmp']['median_us'],
                                             t['cat.coreutils']['median_us'])
        if 'help' in b:
            # what --qmp costs beyond starting: the requests and answers
            b['qmp_minus_help_us'] = round(b['qmp']['median_us'] - b['help']['median_us'], 1)
        result['binaries'].append(b)
    result['tree_split'] = _split(t, len(devs))
    log(json.dumps(result))
    log('%s: startup, %s, %d devices, %d rounds (medians, q1-q3): one cat of %d sysfs '
        'files %.1f ms (%.1f-%.1f)' %
        (vm.kver, label, len(devs), rounds, len(files), cat / 1e3, t['cat']['q1_us'] / 1e3,
         t['cat']['q3_us'] / 1e3))
    c2 = t['cat.coreutils']
    log('%s: reference: coreutils cat (%d libraries) of the same files %.1f ms (%.1f-%.1f) '
        '= %.2f x cat' % (vm.kver, result['cat_coreutils_libs'], c2['median_us'] / 1e3,
                          c2['q1_us'] / 1e3, c2['q3_us'] / 1e3, _ratio(c2['median_us'], cat)))
    c2 = t['true.coreutils']
    log('%s: reference: coreutils true (libc alone, no work) %.1f ms (%.1f-%.1f) = %.2f x cat' %
        (vm.kver, c2['median_us'] / 1e3, c2['q1_us'] / 1e3, c2['q3_us'] / 1e3,
         _ratio(c2['median_us'], cat)))
    for b in result['binaries']:
        q = b['qmp']
        s = ('%s: %-15s --qmp %6.1f ms (%.1f-%.1f) = %5.2f x cat, %.2f x coreutils cat, '
             '%.2f x tree; %2d libraries') % (
            vm.kver, b['name'], q['median_us'] / 1e3, q['q1_us'] / 1e3, q['q3_us'] / 1e3,
            b['qmp_over_cat'], b['qmp_over_coreutils_cat'], b['qmp_over_tree'], b['libs'])
        for k in ('help', 'version'):
            if k in b:
                s += '; --%s %.1f ms = %.2f x cat' % (k, b[k]['median_us'] / 1e3,
                                                     b[k + '_over_cat'])
        if 'qmp_minus_help_us' in b:
            w = b['qmp_minus_help_us'] / 1e3
            s += '; --qmp - --help %.1f ms (%.2f ms a device)' % (w, w / len(devs))
        if b['same_as']:
            s += ' (byte-identical to %s: timed once)' % b['same_as']
        log(s)
    x = result['tree_split']
    log('%s: where tree --qmp goes: starting (--help) %.1f ms, the QMP loop with no '
        'request %.1f ms, the first request %.1f ms, the other %d devices %.1f ms '
        '(%.2f ms a device)' %
        (vm.kver, x['start_us'] / 1e3, x['loop_us'] / 1e3, x['first_request_us'] / 1e3,
         len(devs) - 1, x['other_devices_us'] / 1e3, x['per_other_device_us'] / 1e3))
    if 'exporter_libs' in result:
        log('%s: tools/virtio-status-exporter (not timed) loads %d libraries' %
            (vm.kver, len(result['exporter_libs'])))
    sys.stdout.flush()
    return result


def main():
    import argparse
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--list-variants', action='store_true', required=True,
                    help='build the link variants and print what each is')
    ap.add_argument('--cli-before', help='an extra CLI binary to compare')
    ap.add_argument('--outdir', default=os.path.join(TOP, 'build', 'startup'))
    a = ap.parse_args()
    for c in build_variants(a.outdir, a.cli_before):
        ldd = subprocess.run(['ldd', c['path']], stdout=subprocess.PIPE, text=True).stdout
        n = len([x for x in ldd.splitlines() if 'linux-vdso' not in x])
        print('%-15s %8d bytes %2d libraries %s%s' %
              (c['name'], c['size'], n, c['what'],
               ' (same as %s)' % c['same_as'] if c['same_as'] else ''))
    return 0


if __name__ == '__main__':
    sys.exit(main())
