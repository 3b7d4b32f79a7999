# SPDX-License-Identifier: GPL-2.0
"""The "metrics" group of vm_tests.py: virtio-status metrics and exporter.

In the guest: `virtio-status metrics` against the CLI's own JSON for every
device, --output's atomic replacement, the exporter's HTTP answers and its
bad input. On the host: promtool on the guest's output, and a real
Prometheus server scraping the exporter through QEMU's hostfwd while the
module is unloaded and loaded again.
"""

import http.client
import json
import os
import re
import shutil
import subprocess
import tempfile
import urllib.parse

import vm_tests
from vm_common import RMMOD_WAITING
from vm_tests import cli, parse_json, hold_vhost
from vm_common import wait_until

PROMETHEUS = shutil.which('prometheus') or '/usr/bin/prometheus'
PROMTOOL = shutil.which('promtool') or '/usr/bin/promtool'
GUEST_IP = '10.0.2.15/24'
WAIT = 120      # seconds for anything that polls; never a timed assertion

SAMPLE_RE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$')
LABEL_RE = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(,?)')


def unescape(v):
    return re.sub(r'\\(.)', lambda m: {'n': '\n'}.get(m.group(1), m.group(1)), v)


def parse_exposition(text):
    """Samples [(name, {label: value}, value)] and problems [str] of a text
    exposition, as this tool writes it (no timestamps)."""
    samples, problems = [], []
    for line in text.splitlines():
        if not line or line.startswith('#'):
            continue
        m = SAMPLE_RE.match(line)
        if not m:
            problems.append('not a sample: %r' % line)
            continue
        labels, pos, body = {}, 0, m.group(2) or ''
        while pos < len(body):
            lm = LABEL_RE.match(body, pos)
            if not lm:
                problems.append('bad labels: %r' % line)
                break
            labels[lm.group(1)] = unescape(lm.group(2))
            pos = lm.end()
        samples.append((m.group(1), labels, float(m.group(3))))
    return samples, problems


def series(samples, name):
    return [(lab, v) for n, lab, v in samples if n == name]


def bits_of(n):
    return {b for b in range(64) if n >> b & 1}


def promtool(text):
    """promtool check metrics on the host: (rc, its output)."""
    p = subprocess.run([PROMTOOL, 'check', 'metrics'], input=text.encode(),
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    return p.returncode, p.stdout.decode(errors='replace')


def guest_json(vm, paths):
    """x-query-virtio-status --raw-and-decoded of every path, over --qmp."""
    lines = [json.dumps({'execute': 'x-query-virtio-status', 'id': p,
                         'arguments': {'path': p, 'raw-and-decoded': True}}) for p in paths]
    rc, out, err = cli(vm, '--qmp', stdin='\n'.join(lines) + '\n')
    ans = {}
    for line in out.splitlines():
        a = parse_json(line) or {}
        if 'return' in a:
            ans[a.get('id')] = a['return']
    return ans


def decoded_bits(obj):
    """(bits, named symbols, unknown bits) of a --raw-and-decoded object."""
    return (bits_of(obj['raw']), set(obj.get('symbols', [])),
            bits_of(obj.get('unknown-dev-features', obj.get('unknown-statuses', 0))))


def check_bit_series(got, want_obj, what, bad):
    """got: [(labels, value)] of one device; want_obj: the decoded JSON."""
    bits, syms, unknown = decoded_bits(want_obj)
    gbits = {int(lab['bit']) for lab, v in got}
    if gbits != bits or len(got) != len(bits) or any(v != 1 for _, v in got):
        bad.append('%s: series bits %s, JSON bits %s' % (what, sorted(gbits), sorted(bits)))
    gsyms = {lab['symbol'] for lab, _ in got if lab['symbol'] != 'unknown'}
    gunk = {int(lab['bit']) for lab, _ in got if lab['symbol'] == 'unknown'}
    if gsyms != syms or gunk != unknown:
        bad.append('%s: symbols %s / unknown %s, JSON %s / %s' %
                   (what, sorted(gsyms), sorted(gunk), sorted(syms), sorted(unknown)))


def compare_with_json(samples, listing, st, unprivileged=False):
    """Every device's series against its JSON; a list of problems."""
    bad = []
    paths = [d['path'] for d in listing]
    info = {lab['path']: lab for lab, _ in series(samples, 'virtio_status_device_info')}
    if sorted(info) != sorted(paths):
        bad.append('device_info paths %s, x-query-virtio %s' % (sorted(info), sorted(paths)))
    by = {}
    for n, lab, v in samples:
        if 'path' in lab:
            by.setdefault((n, lab['path']), []).append((lab, v))

    def one(name, path):
        s = by.get((name, path), [])
        return s[0][1] if len(s) == 1 else None

    for d in listing:
        p, j = d['path'], st.get(d['path'])
        if j is None:
            bad.append('%s: no JSON' % p)
            continue
        vhost = 'vhost-dev' in j
        lab = info.get(p, {})
        if lab.get('name') != j['name'] or lab.get('device_id') != str(j['device-id']) or \
           lab.get('kind') != ('vhost' if vhost else 'virtio'):
            bad.append('%s: info labels %r vs JSON name %s id %s' %
                       (p, lab, j['name'], j['device-id']))
        if one('virtio_status_device_virtqueues', p) != j['num-vqs']:
            bad.append('%s: virtqueues %s, num-vqs %s' %
                       (p, one('virtio_status_device_virtqueues', p), j['num-vqs']))
        check_bit_series(by.get(('virtio_status_device_guest_feature', p), []),
                         j['guest-features'], p + ' guest features', bad)
        if vhost:
            vd = j['vhost-dev']
            want = {'virtio_status_vhost_memory_regions': vd['n-mem-sections'],
                    'virtio_status_vhost_log_enabled': int(vd['log-enabled']),
                    'virtio_status_vhost_started': int(j['vhost-started']),
                    'virtio_status_vhost_holders': 1}
            for name, w in want.items():
                if one(name, p) != w:
                    bad.append('%s: %s %s, want %s' % (p, name, one(name, p), w))
            check_bit_series(by.get(('virtio_status_vhost_backend_feature', p), []),
                             vd['backend-features'], p + ' backend features', bad)
            for name in ('virtio_status_device_status_bit', 'virtio_status_device_host_feature',
                         'virtio_status_device_broken'):
                if (name, p) in by:
                    bad.append('%s: a vhost device has %s' % (p, name))
            continue
        if one('virtio_status_device_broken', p) != int(j['broken']):
            bad.append('%s: broken %s vs %s' % (p, one('virtio_status_device_broken', p),
                                                j['broken']))
        stat = by.get(('virtio_status_device_status_bit', p), [])
        check_bit_series([(lab, v) for lab, v in stat if v == 1], j['status'],
                         p + ' status', bad)
        if unprivileged:
            if one('virtio_status_device_host_features_readable', p) != 0 or \
               ('virtio_status_device_host_feature', p) in by:
                bad.append('%s: unprivileged, yet offered features' % p)
        else:
            if one('virtio_status_device_host_features_readable', p) != 1:
                bad.append('%s: offered features not readable as root' % p)
            check_bit_series(by.get(('virtio_status_device_host_feature', p), []),
                             j['host-features'], p + ' host features', bad)
    return bad


def fetch(port, method, path, timeout=30):
    """(status, headers dict, body) from 127.0.0.1:PORT, or None."""
    try:
        c = http.client.HTTPConnection('127.0.0.1', port, timeout=timeout)
        c.request(method, path, body=b'x' if method == 'POST' else None)
        r = c.getresponse()
        body = r.read().decode(errors='replace')
        c.close()
        return r.status, dict(r.getheaders()), body
    except (OSError, http.client.HTTPException):
        return None


class Prometheus:
    """A throwaway Prometheus server scraping one target every second."""

    def __init__(self, target_port):
        self.dir = tempfile.mkdtemp(prefix='vs-prometheus-')
        self.port = vm_tests.free_port()
        cfg = os.path.join(self.dir, 'prometheus.yml')
        with open(cfg, 'w') as f:
            f.write('global:\n'
                    '  scrape_interval: 1s\n'
                    '  scrape_timeout: 1s\n'
                    'scrape_configs:\n'
                    '  - job_name: virtio-status\n'
                    '    static_configs:\n'
                    "      - targets: ['127.0.0.1:%d']\n" % target_port)
        self.log = open(os.path.join(self.dir, 'log'), 'wb')
        self.proc = subprocess.Popen(
            [PROMETHEUS, '--config.file=' + cfg,
             '--storage.tsdb.path=' + os.path.join(self.dir, 'data'),
             '--web.listen-address=127.0.0.1:%d' % self.port],
            stdin=subprocess.DEVNULL, stdout=self.log, stderr=subprocess.STDOUT)

    def query(self, q):
        """The instant vector of Q: [(labels, value)], or None on error."""
        r = fetch(self.port, 'GET', '/api/v1/query?query=' + urllib.parse.quote(q))
        if not r or r[0] != 200:
            return None
        js = parse_json(r[2]) or {}
        if js.get('status') != 'success':
            return None
        return [(x['metric'], float(x['value'][1])) for x in js['data']['result']]

    def wait(self, q, pred, timeout=WAIT):
        """Poll Q until PRED(result) holds; the last result."""
        last = [None]

        def probe():
            last[0] = self.query(q)
            return last[0] is not None and pred(last[0])
        wait_until(probe, timeout, 1.0)
        return last[0]

    def log_tail(self):
        try:
            with open(os.path.join(self.dir, 'log'), errors='replace') as f:
                return f.read()[-2000:]
        except OSError:
            return ''

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)


def guest_metrics(vm, R, what, user=None):
    rc, out, err = cli(vm, 'metrics --collect.features', user=user)
    samples, problems = parse_exposition(out)
    R.ok(rc == 0 and not problems and samples, what + ': metrics exits 0 with samples',
         'rc=%d err=%r problems=%r\n%s' % (rc, err, problems, out[:1500]))
    return out, err, samples


def one_value(samples, name):
    s = series(samples, name)
    return s[0][1] if len(s) == 1 else None


def check_output_atomic(vm, R):
    out = vm.check(
        'rm -rf /tmp/tf /tmp/tf.done /tmp/tf.err; mkdir /tmp/tf; '
        'virtio-status metrics --output /tmp/tf/vs.prom; '
        'n=$(($(wc -l < /tmp/tf/vs.prom))); '
        '( i=0; while [ $i -lt 30 ]; do virtio-status metrics --output /tmp/tf/vs.prom '
        '2>>/tmp/tf.err || echo WFAIL >>/tmp/tf.err; i=$((i+1)); done; touch /tmp/tf.done ) '
        '>/dev/null 2>&1 & '
        'reads=0; bad=0; '
        'while [ ! -e /tmp/tf.done ]; do cp /tmp/tf/vs.prom /tmp/r.prom; reads=$((reads+1)); '
        '[ $(($(wc -l < /tmp/r.prom))) = $n ] && '
        '[ "$(grep -c "^virtio_status_scrape_success 1$" /tmp/r.prom)" = 1 ] && '
        '[ -z "$(tail -c 1 /tmp/r.prom)" ] || bad=$((bad+1)); '
        'done; '
        'echo "lines=$n reads=$reads bad=$bad entries=$(ls -A /tmp/tf | tr "\\n" " ")'
        'mode=$(stat -c %a /tmp/tf/vs.prom) err=$(cat /tmp/tf.err 2>/dev/null)"', timeout=300)
    print('# metrics --output: ' + out.strip())
    m = re.search(r'lines=(\d+) reads=(\d+) bad=(\d+) entries=(.*)mode=(\d+) err=(.*)', out)
    R.ok(m and int(m.group(1)) > 20 and int(m.group(2)) > 0 and m.group(3) == '0' and
         m.group(4).split() == ['vs.prom'] and m.group(5) == '644' and m.group(6).strip() == '',
         'metrics: --output replaced the file 30 times while it was read: every read whole, '
         'no temporary file left, mode 644', out)
    rc, out, err = cli(vm, 'metrics --output /tmp/nope/vs.prom')
    R.ok(rc == 1 and out == '' and 'cannot create a temporary file in /tmp/nope' in err,
         'metrics: --output into a missing directory -> a sentence, exit 1', err)
    vm.run('rm -rf /tmp/tf /tmp/tf.done /tmp/tf.err /tmp/r.prom')


def check_bad_input(vm, R):
    for args, want in [
            ('exporter --listen nope', "--listen takes ADDR:PORT"),
            ('exporter --listen 127.0.0.1:0', 'the port must be a number from 1 to 65535'),
            ('exporter --listen 127.0.0.1:99999', 'the port must be a number from 1 to 65535'),
            ('exporter --listen localhost:9123', "'localhost' is not a numeric IPv4 address"),
            ('exporter --listen ::1:9123', 'write an IPv6 address in brackets'),
            ('exporter --listen', 'option --listen needs ADDR:PORT'),
            ('exporter --bogus', "unknown option '--bogus'"),
            ('metrics --bogus', "unknown option '--bogus'"),
            ('metrics now', "metrics takes no argument 'now'")]:
        rc, out, err = cli(vm, args)
        R.ok(rc == 2 and out == '' and want in err and 'Try ' in err,
             'metrics: bad input "%s" -> a sentence, exit 2 (usage)' % args,
             'rc=%d out=%r err=%r' % (rc, out, err))
    rc, out, err = cli(vm, 'exporter --listen 10.9.9.9:9123')
    R.ok(rc == 1 and 'cannot listen on 10.9.9.9:9123: Cannot assign requested address' in err,
         'metrics: exporter on an address the guest does not have -> a sentence, exit 1', err)


def start_exporter(vm):
    vm.check("rm -f /tmp/exp.rc /tmp/exp.log; "
             "sh -c 'virtio-status exporter --collect.features --listen :%d 2>/tmp/exp.log & echo $! >/tmp/exp.pid; "
             "wait $!; echo $? >/tmp/exp.rc' >/dev/null 2>&1 &" % vm_tests.GUEST_HTTP_PORT)


def guest_net_up(vm):
    """Give the virtio-net interface QEMU's user-network guest address."""
    ifname = vm.check('for n in /sys/class/net/*; do '
                      '[ "$(basename "$(readlink $n/device/driver)")" = virtio_net ] && '
                      'echo ${n##*/}; done; true').split()
    if not ifname:
        return None
    vm.run('ip link set %s up; ip addr add %s dev %s' % (ifname[0], GUEST_IP, ifname[0]))
    return ifname[0]


def test_metrics(vm, R):
    port = getattr(vm, 'hostfwd_port', None)
    vpath, vpid = hold_vhost(vm, '/dev/vhost-net')

    def listed():
        rc, out, _ = cli(vm, 'x-query-virtio')
        devs = (parse_json(out) or {}).get('return', [])
        return devs if any(d['path'] == vpath for d in devs) else None
    # the first open of /dev/vhost-net loads vhost_net: wait for the device
    wait_until(listed, WAIT, 0.5)

    # the command against the CLI's own JSON, as root and as nobody
    out, err, samples = guest_metrics(vm, R, 'metrics')
    rc, lout, _ = cli(vm, 'x-query-virtio')
    listing = (parse_json(lout) or {}).get('return', [])
    st = guest_json(vm, [d['path'] for d in listing])
    R.ok(len(listing) >= 21 and any(d['path'] == vpath for d in listing),
         'metrics: x-query-virtio lists the virtio devices and the held vhost device', lout)
    R.equal(one_value(samples, 'virtio_status_scrape_success'), 1,
            'metrics: virtio_status_scrape_success 1')
    nvhost = sum(1 for d in listing if d['path'].startswith('/proc/'))
    R.equal(sorted((lab['kind'], v) for lab, v in series(samples, 'virtio_status_devices')),
            [('vhost', nvhost), ('virtio', len(listing) - nvhost)],
            'metrics: virtio_status_devices by kind')
    R.equal(one_value(samples, 'virtio_status_vhost_support'), 1,
            'metrics: virtio_status_vhost_support 1')
    bad = compare_with_json(samples, listing, st)
    R.ok(not bad, 'metrics: for each of %d devices, one series per set bit and only those, '
         'and every gauge, agree with x-query-virtio-status' % len(listing), '\n'.join(bad))
    R.ok(not [s for s in samples if s[2] > 2 ** 32],
         'metrics: no sample carries a bitmap (every value fits 32 bits)')
    rc, text = promtool(out)
    R.ok(rc == 0 and text.strip() == '', 'metrics: promtool check metrics accepts the output',
         text)

    uout, uerr, usamples = guest_metrics(vm, R, 'metrics as nobody', user='nobody')
    ulisting = [d for d in listing if not d['path'].startswith('/proc/')]
    bad = compare_with_json(usamples, ulisting, st, unprivileged=True)
    R.ok(not bad and one_value(usamples, 'virtio_status_scrape_success') == 1,
         'metrics: unprivileged: no vhost device, offered features not readable, '
         'the rest as root sees it', '\n'.join(bad))

    check_output_atomic(vm, R)
    check_bad_input(vm, R)

    # the exporter, reached from the host through QEMU's hostfwd
    if not R.ok(port, 'metrics: the VM forwards a host port to the guest',
                'vm.hostfwd_port is not set'):
        vm.run('kill %s' % vpid)
        return
    ifname = guest_net_up(vm)
    R.ok(ifname, 'metrics: the guest has a virtio-net interface, up with ' + GUEST_IP)
    start_exporter(vm)
    got = wait_until(lambda: (lambda r: r if r and r[0] == 200 else None)(
        fetch(port, 'GET', '/metrics')), WAIT, 0.5)
    R.ok(got and 'virtio_status_scrape_success 1\n' in got[2] and
         got[1].get('Content-Type') == 'text/plain; version=0.0.4; charset=utf-8',
         'metrics: GET /metrics from the host: 200, the exposition, its content type',
         repr(got)[:1500] + vm.run('cat /tmp/exp.log')[1])
    r = fetch(port, 'GET', '/nope')
    R.ok(r and r[0] == 404, 'metrics: exporter: another path is 404', r)
    r = fetch(port, 'POST', '/metrics')
    R.ok(r and r[0] == 405 and r[1].get('Allow') == 'GET, HEAD',
         'metrics: exporter: POST is 405 with Allow: GET, HEAD', r)
    r = fetch(port, 'GET', '/')
    R.ok(r and r[0] == 200 and 'href="/metrics"' in r[2], 'metrics: exporter: / links /metrics', r)
    rc, out, err = cli(vm, 'exporter --listen :%d' % vm_tests.GUEST_HTTP_PORT)
    R.ok(rc == 1 and 'Address already in use' in err,
         'metrics: a second exporter on the same port -> a sentence, exit 1', err)

    prom = Prometheus(port)
    try:
        check_prometheus(vm, R, prom, listing, st)
    finally:
        prom.stop()

    # SIGTERM stops the exporter, exit status 0
    vm.run('kill -TERM $(cat /tmp/exp.pid)')
    rc, rcout = vm.run('i=0; while [ ! -e /tmp/exp.rc ] && [ $i -lt 300 ]; do sleep 0.2; '
                       'i=$((i+1)); done; cat /tmp/exp.rc; cat /tmp/exp.log', timeout=120)
    R.ok(rcout.startswith('0\n') and 'stopped by SIGTERM' in rcout,
         'metrics: exporter: SIGTERM stops it, exit status 0', rcout)
    vm.run('kill %s' % vpid)
    rc, out = vm.run('lsmod | grep -c "^virtio_status "')
    R.ok(out.strip() == '1', 'metrics: the module is left loaded', out)


def check_prometheus(vm, R, prom, listing, st):
    up = prom.wait('up{job="virtio-status"}', lambda r: r and r[0][1] == 1)
    R.ok(up and up[0][1] == 1, 'metrics: Prometheus on the host scrapes the guest exporter (up 1)',
         '%r\n%s' % (up, prom.log_tail()))
    n = len(listing)
    got = prom.wait('virtio_status_device_info', lambda r: len(r) == n)
    R.equal(sorted(m['path'] for m, _ in got or []), sorted(d['path'] for d in listing),
            'metrics: Prometheus has virtio_status_device_info of every device')
    want = sorted((d['path'], b) for d in listing
                  for b in bits_of(st[d['path']]['guest-features']['raw']))
    got = prom.wait('virtio_status_device_guest_feature',
                    lambda r: len(r) == len(want))
    R.equal(sorted((m['path'], int(m['bit'])) for m, _ in got or []), want,
            'metrics: Prometheus has one guest_feature series per set bit of every device')
    got = prom.query('virtio_status_scrape_success')
    R.ok(got and got[0][1] == 1, 'metrics: Prometheus: virtio_status_scrape_success 1', got)
    # the README's join example
    got = prom.query('virtio_status_device_guest_feature{symbol="VIRTIO_F_VERSION_1"} '
                     '* on(instance, path) group_left(name, busid) virtio_status_device_info')
    want = sorted((d['path'], d['name']) for d in listing
                  if st[d['path']]['guest-features']['raw'] >> 32 & 1)
    R.ok(want and sorted((m['path'], m.get('name')) for m, _ in got or []) == want,
         'metrics: Prometheus: the README\'s join puts the device name on feature series',
         '%r\nwant %r' % (got, want))

    # the module goes away (once a scrape's dump in progress lets go of
    # it): the exporter stays up, the scrape says so
    rc, out = vm.run(RMMOD_WAITING)
    R.ok(rc == 0, 'metrics: rmmod virtio_status under the exporter', out)
    got = prom.wait('virtio_status_scrape_success', lambda r: r and r[0][1] == 0)
    R.ok(got and got[0][1] == 0, 'metrics: Prometheus: scrape_success goes 0 without the module',
         got)
    got = prom.wait('virtio_status_scrape_error_info', lambda r: len(r) == 1)
    R.ok(got and got[0][0].get('reason') == 'module_not_loaded',
         'metrics: Prometheus: scrape_error_info says module_not_loaded', got)
    got = prom.wait('count(virtio_status_device_info)', lambda r: r == [])
    R.equal(got, [], 'metrics: Prometheus: the device series go stale')
    up = prom.query('up{job="virtio-status"}')
    rc, out = vm.run('kill -0 $(cat /tmp/exp.pid)')
    R.ok(rc == 0 and up and up[0][1] == 1, 'metrics: the exporter stays up without the module',
         '%r %s' % (up, out))
    rc, out, err = cli(vm, 'metrics')
    samples, _ = parse_exposition(out)
    prc, ptext = promtool(out)
    R.ok(rc == 0 and one_value(samples, 'virtio_status_scrape_success') == 0 and
         'not loaded' in err and prc == 0,
         'metrics: without the module: exit 0, scrape_success 0, the reason on stderr, '
         'promtool accepts it', 'rc=%d err=%r promtool=%s' % (rc, err, ptext))

    # and comes back, under another family id
    rc, out = vm.run('insmod /virtio_status.ko')
    R.ok(rc == 0, 'metrics: insmod /virtio_status.ko again', out)
    got = prom.wait('virtio_status_scrape_success', lambda r: r and r[0][1] == 1)
    R.ok(got and got[0][1] == 1, 'metrics: Prometheus: scrape_success back to 1', got)
    got = prom.wait('virtio_status_device_info', lambda r: len(r) == n)
    R.equal(sorted(m['path'] for m, _ in got or []), sorted(d['path'] for d in listing),
            'metrics: Prometheus: every device series is back')
    got = prom.wait('virtio_status_scrape_error_info', lambda r: r == [])
    R.equal(got, [], 'metrics: Prometheus: scrape_error_info gone')
