# SPDX-License-Identifier: GPL-2.0
"""The serve group of vm_tests.py: `virtio-status serve` in the guest, spoken
to by selftests/lib/qmp_client (several clients on one socket), with the QEMU
that runs the guest as the oracle for every protocol answer.

  - the same bytes go to QEMU's own QMP monitor (its unix socket, on the
    host) and to our server: bad JSON, values that are not objects, a
    missing or mistyped "execute", unknown commands, commands and
    arguments before qmp_capabilities, qmp_capabilities twice, wrong
    argument types. Each answer must parse to QEMU's, class and desc and
    "id", and be the same text when QEMU's is plain ASCII
  - on the host, 2,000 random requests (fixed seed) to a QEMU of its own
    (machine none) and to the host's virtio-status serve: the same answers
  - the greeting has QEMU's shape
  - eight clients at once, each answered with its own ids and the answer
    `virtio-status x-query-virtio` gives; a client flooding garbage without
    reading while another is answered; the flooder still gets QMP errors
  - the socket is root's, mode 0600: nobody cannot connect; --mode 0660
    --group nogroup lets nobody's group in
  - an existing file is not replaced, a listening server is not
    disturbed, a stale socket is replaced
  - a hot-plugged device's event reaches a negotiated client and not one
    that has not negotiated; its removal too
  - SIGTERM: exit status 0, socket removed
  - started without the module: the --qmp mode's errors; the module
    loaded later: answers, and the events followed

Every wait polls for a condition, for up to WAIT seconds; nothing is timed.
"""

import json
import os
import random
import re
import shlex
import socket
import subprocess
import tempfile
import time

import vmrig
from vm_common import WAIT, cat, wait_until

SOCK = '/run/vs-qmp.sock'
SYNC = b'\n{"execute": "vs-sync", "id": "%s"}\n'

# Sent before qmp_capabilities; the last one negotiates.
PRE = [
    b'{"execute": "x-query-virtio"}',
    b'{"execute": "x-query-virtio-status", "arguments": {"path": 3}, "id": 1}',
    b'{"execute": "query-commands", "arguments": {"a": 1}}',
    b'{"execute": "no-such-command", "id": "x"}',
    b'hello world',
    b'[1, 2] "s" 3 true null',
    b'{}',
    b'{"id": 5}',
    b'{"execute": 1}',
    b'{"arguments": [], "execute": "qmp_capabilities"}',
    b'{"execute": "qmp_capabilities", "extra": 1}',
    b'{"execute": "qmp_capabilities", "arguments": {"enable": "oob"}}',
    b'{"execute": "qmp_capabilities", "arguments": {"enable": [1]}}',
    b'{"execute": "qmp_capabilities", "arguments": {"enable": ["nope"]}}',
    b'{"execute": "qmp_capabilities", "arguments": {"x": 1}}',
    b'{"execute": "qmp_capabilities", "id": {"n": [1, 2]}}',
]
# Sent after it.
POST = [
    b'{"execute": "qmp_capabilities", "id": 2}',
    b'{"execute": "no-such-command", "id": [1, {"a": "b"}]}',
    b'{"execute": "query-version", "arguments": {"x": 1, "y": 2}}',
    b'{"a" 1}',
    b'{1: 2}',
    b'[1 2]',
    b'{"a": }',
    b'}',
    b']',
    b'{"a": 1, "a": 2}',
    b'[}]',
    b'{"exec\nute": "query-version"}',
    b'\xff',
    b'"\xc3\xa9\x01"',
    b'"\xc3"',
    b'{"execute": "\\ud800"}',
    b'{"execute": "\\q"}',
    b"{'execute': 'no\\'pe', \"id\": 'q'}",
    b'01',
    b'1.5e',
    b'[' * 1025,
    b'{"execute": "x-query-virtio", "arguments": {"path": "/x"}}',
    b'{"execute": "x-query-virtio-status"}',
    b'{"execute": "x-query-virtio-status", "arguments": {"path": 3}}',
    b'{"execute": "x-query-virtio-status", "arguments": {"path": "x", "y": 1}}',
    b'{"execute": "x-query-virtio-queue-status", "arguments": {"path": "x", "queue": 70000}}',
    b'{"execute": "x-query-virtio-queue-status", "arguments": {"path": "x"}}',
    b'{"execute": "x-query-virtio-queue-element", '
    b'"arguments": {"path": "x", "queue": 0, "index": -1}}',
    b'{"execute": "x-query-virtio", "exec-oob": "x-query-virtio"}',
    b'{"execute": "x-query-virtio-queue-status", "arguments": {"path": "x", "queue": "1"}}',
    b'{"execute": "x-query-virtio-status", "arguments": {"y": 1}}',
]
# Where our answers still differ from QEMU 7.2 (and 10.0): printed, not
# counted, until they agree. None now.
KNOWN = []


def parse(line):
    try:
        return json.loads(line)
    except ValueError:
        return ('not JSON', line)


class Lines:
    """A socket read a line at a time."""

    def __init__(self, sock):
        self.sock, self.buf = sock, b''

    def line(self):
        while b'\n' not in self.buf:
            data = self.sock.recv(65536)
            if not data:
                raise EOFError('QMP socket closed')
            self.buf += data
        line, self.buf = self.buf.split(b'\n', 1)
        return line.rstrip(b'\r').decode('utf-8', 'replace')


def qemu_answers(vm, cases):
    """QEMU's answers to each of CASES on a fresh QMP connection (the rig's
    own is closed first: QEMU takes one client at a time): the greeting,
    then for each case the lines up to the answer to a sync request."""
    if vm._qmp is not None:
        vm._qmp.close()
        vm._qmp = None
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(WAIT)
    s.connect(vm.qmp_path)
    rd = Lines(s)
    try:
        greeting = parse(rd.line())
        out = []
        for i, case in enumerate(cases):
            tag = 's%d' % i
            s.sendall(case + SYNC % tag.encode())
            got = []
            while True:
                line = rd.line()
                if '"id": "%s"' % tag in line:
                    break
                if 'event' not in parse(line):
                    got.append(line)
            out.append(got)
    finally:
        s.close()
    return greeting, out


def client_script(vm, name, lines):
    path = '/tmp/qc-%s.script' % name
    vm.put('\n'.join(lines) + '\n', path)
    return path


def run_client(vm, name, lines, user=None, sock=SOCK):
    """Run qmp_client with LINES as its script; {client: [printed lines]}
    and the whole output."""
    script = client_script(vm, name, lines)
    cmd = 'qmp_client %s %s' % (sock, script)
    if user:
        cmd = 'su -s /bin/sh %s -c %s' % (user, shlex.quote(cmd))
    rc, out = vm.run(cmd + ' 2>&1', timeout=300)
    return rc, out, by_client(out)


def by_client(out):
    """qmp_client's output by client: "< LINE" for what it read, else
    its word ("connected", "synced ID", ...)."""
    res = {}
    for line in out.splitlines():
        m = re.match(r'(\d+)(< | )(.*)$', line)
        if m:
            res.setdefault(int(m.group(1)), []).append(
                ('< ' if m.group(2) == '< ' else '') + m.group(3))
    return res


def answers(lines):
    """The JSON lines a client printed ("< ..."), parsed."""
    return [parse(x[2:]) for x in lines if x.startswith('< ')]


def synced(lines, ntags):
    """A client's lines cut at each "synced sK": for each case, the lines
    before the answer to the sync request."""
    out, cur = [], []
    for x in lines:
        if x.startswith('synced '):
            out.append(cur[:-1])   # the last one answers the sync request
            cur = []
        elif x.startswith('< '):
            cur.append(x[2:])
    return out + [None] * (ntags - len(out))


def shape(v):
    if isinstance(v, dict):
        return {k: shape(x) for k, x in v.items()}
    return type(v).__name__


class Server:
    """`virtio-status serve ARGS` in the background; stderr in
    /tmp/serve-NAME.err, exit status in .rc."""

    def __init__(self, vm, name, sock, args=''):
        self.vm, self.sock = vm, sock
        self.f = f = '/tmp/serve-%s' % name
        cmd = 'exec virtio-status serve --socket %s %s' % (sock, args)
        vm.check('rm -f {f}.err {f}.rc {f}.pid; '
                 '(sh -c {c} >/dev/null 2>{f}.err & echo $! >{f}.pid; wait $!; '
                 'echo $? >{f}.rc) >/dev/null 2>&1 &'.format(f=f, c=shlex.quote(cmd)))
        self.probe = client_script(vm, 'probe', ['connect 0'])
        self.up = wait_until(lambda: self.listening() or self.rc() is not None)
        self.up = self.up and self.rc() is None
        self.pid = cat(vm, f + '.pid').strip()

    def listening(self):
        _, out = self.vm.run('qmp_client %s %s' % (self.sock, self.probe))
        return out.strip() == '0 connected'

    def err(self):
        return cat(self.vm, self.f + '.err')

    def rc(self):
        t = cat(self.vm, self.f + '.rc').strip()
        return int(t) if t.lstrip('-').isdigit() else None

    def stop(self):
        """SIGTERM; the exit status (None if it did not exit)."""
        self.vm.run('kill -TERM %s 2>/dev/null' % self.pid)
        wait_until(lambda: self.rc() is not None)
        return self.rc()


# Pieces of requests, good and bad, for the host-side differential test.
ATOMS = [b'{', b'}', b'[', b']', b':', b',', b' ', b'\n', b'"execute"', b'"arguments"',
         b'"id"', b'"x"', b'"enable"', b'"qmp_capabilities"', b'"query-version"', b'"nope"',
         b'"oob"', b'1', b'-0', b'1.5e3', b'01', b'-', b'1.', b'1e', b'true', b'null', b'nul',
         b'tRue', b"'a'", b"'\\''", b'"\\u00e9"', b'"\\ud800"', b'"\\uD83D\\uDE00"',
         b'"\\uDBFF\\uDFFF"', b'"\\u12"', b'"\\q"', b'"\xc3\xa9"', b'"\xc3"',
         b'"\xef\xbf\xbe"', b'\xff', b'\x00', b'\t', b'"a\nb"', b'"\\u0000"',
         b'{"execute":"qmp_capabilities"}', b'{"execute":"query-version"}', b'"exec-oob"',
         b'"control"', b'"\x7f"', b'"\xf4\x90\x80\x80"', b'"\xc0\x81"', b'"\xed\xa0\x80"']
KEYS = [b'"execute"', b'"arguments"', b'"id"', b'"x"', b'"exec-oob"', b'"enable"']
VALUES = [b'"qmp_capabilities"', b'"query-version"', b'"query-commands"', b'"nope"', b'1',
          b'[]', b'{}', b'null', b'["oob"]', b'["foo"]', b'[1]', b'"oob"',
          b'{"enable":["oob"]}', b'{"enable":[]}', b'{"x":1}', b'{"x":1,"y":2}',
          b'{"b":1,"a":2,"c":3}', b'{"enable":"oob","x":1}', b'{"enable":["oob","oob"]}']
# After each case: a control character (ends any string or value with a
# "stray" error, both sides alike), then the sync request.
FUZZ_SYNC = b'\x01\n{"execute": "vs-sync", "id": "%s"}\n'


def fuzz_cases(seed, n):
    r = random.Random(seed)
    cases = []
    for _ in range(n):
        if r.random() < 0.6:
            cases.append(b''.join(r.choice(ATOMS) if r.random() < 0.7 else
                                  bytes([r.randrange(256)]) for _ in range(r.randint(1, 14))))
        else:
            members, used = [], set()
            for _ in range(r.randint(0, 4)):
                k = r.choice(KEYS)
                if k not in used or r.random() > 0.8:
                    used.add(k)
                    members.append(k + b':' + r.choice(VALUES))
            cases.append(b'{' + b','.join(members) + b'}')
    return cases


def fuzz_session(path, cases, negotiate):
    """Each case's answers on one connection to PATH."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(WAIT)
    s.connect(path)
    rd = Lines(s)
    out = []
    try:
        rd.line()
        if negotiate:
            s.sendall(b'{"execute": "qmp_capabilities"}\n')
            rd.line()
        for i, case in enumerate(cases):
            tag = 'f%d' % i
            s.sendall(case + FUZZ_SYNC % tag.encode())
            got = []
            while True:
                line = rd.line()
                if '"id": "%s"' % tag in line:
                    break
                got.append(parse(line))
            out.append(got)
    finally:
        s.close()
    return out


def successful(answers):
    """query-version and query-commands answers differ by design."""
    return [a if not (isinstance(a, dict) and a.get('return') not in (None, {})) else 'return'
            for a in answers]


def check_host_fuzz(R, seed=5, n=2000):
    """On the host: the server (no module there) and a QEMU of its own
    (machine none) given the same random requests, before and after
    negotiation; every answer must be the same."""
    cli = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'tools',
                       'virtio-status')
    with tempfile.TemporaryDirectory(prefix='vs-serve-') as d:
        q, v = os.path.join(d, 'qemu.sock'), os.path.join(d, 'ours.sock')
        procs = [subprocess.Popen([vmrig.QEMU, '-machine', 'none', '-nodefaults',
                                   '-display', 'none', '-qmp',
                                   'unix:%s,server=on,wait=off' % q],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL),
                 subprocess.Popen([cli, 'serve', '--socket', v],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
        try:
            if not R.ok(wait_until(lambda: os.path.exists(q) and os.path.exists(v)),
                        'serve: host QEMU and server for the random requests'):
                return
            cases = fuzz_cases(seed, n)
            bad, t = [], time.monotonic()
            for neg in (False, True):
                a = fuzz_session(q, cases, neg)
                b = fuzz_session(v, cases, neg)
                for c, x, y in zip(cases, a, b):
                    if successful(x) != successful(y):
                        bad.append('%s %r\n  QEMU: %r\n  ours: %r' % (
                            'negotiated' if neg else 'before', c, x, y))
            print('# serve: %d random requests, twice, in %.1fs' % (n, time.monotonic() - t))
            R.ok(not bad, 'serve: %d random requests (seed %d) answered as QEMU answers '
                 'them, before and after negotiation' % (n, seed), '\n'.join(bad[:10]))
        finally:
            for p in procs:
                p.terminate()
                p.wait()


def check_protocol(vm, R):
    """Our answers against QEMU's, case by case."""
    cases = PRE + POST + KNOWN
    qgreet, qemu = qemu_answers(vm, cases)
    lines = ['connect 0', 'line 0']
    lines += ['sync 0 s%d %s' % (i, c.hex()) for i, c in enumerate(cases)]
    rc, out, got = run_client(vm, 'proto', lines)
    mine = got.get(0, [])
    R.ok(rc == 0 and mine[:1] == ['connected'], 'serve: qmp_client connects', out[-2000:])
    greet = parse(mine[1][2:]) if len(mine) > 1 else None
    if not isinstance(greet, dict):
        greet = {}
    R.ok(shape(greet) == shape(qgreet),
         "serve: the greeting has QEMU's shape", 'ours %r\nQEMU %r' % (greet, qgreet))
    R.equal(greet.get('QMP', {}).get('capabilities'), [],
            'serve: the greeting offers no capability')
    ours = synced(mine[2:], len(cases))   # after "connected" and the greeting
    for i, case in enumerate(cases):
        q = qemu[i]
        o = ours[i]
        same = o is not None and [parse(x) for x in o] == [parse(x) for x in q]
        ascii_q = all(x.isascii() and '\\u' not in x for x in q)
        what = 'serve: %s %r as QEMU answers it' % (
            'before qmp_capabilities' if i < len(PRE) else 'negotiated', case[:70])
        if i >= len(PRE) + len(POST):
            print('# known difference (qmp.c argument checks) %s: %s' %
                  (case, 'agrees now' if same else 'ours %r, QEMU %r' % (o, q)))
            continue
        R.ok(same and (not ascii_q or o == q), what,
             'ours: %r\nQEMU: %r' % (o, q))


def check_clients(vm, R):
    """Eight clients at once; a flooder; root's view for each."""
    rc, out = vm.run('virtio-status x-query-virtio')
    want = parse(out).get('return') if rc == 0 else None
    lines = []
    for n in range(1, 9):
        lines += ['connect %d' % n, 'line %d' % n]
    # 4 KiB a write: QMP errors pile up faster than it reads them (never)
    lines += ['connect 9', 'line 9', 'flood 9 4000000 %s' % (b'\x01{"a": [' * 512).hex()]
    for n in range(1, 9):
        lines.append('send %d %s' % (n, b'{"execute": "qmp_capabilities"}\n'.hex()))
    for n in range(1, 9):
        req = b'{"execute": "x-query-virtio", "id": "c%d"}\n' % n
        lines.append('send %d %s' % (n, req.hex()))
    for n in range(8, 0, -1):
        lines += ['line %d' % n, 'line %d' % n]
    lines += ['line 9']
    rc, out, got = run_client(vm, 'many', lines)
    bad = []
    for n in range(1, 9):
        a = answers(got.get(n, []))
        if len(a) != 3 or a[1] != {'return': {}} or \
                a[2] != {'return': want, 'id': 'c%d' % n}:
            bad.append('client %d: %r' % (n, a))
    R.ok(rc == 0 and want and not bad,
         'serve: 8 clients at once, each answered with its id and x-query-virtio\'s list',
         '\n'.join(bad) + out[-1500:])
    g = got.get(9, [])
    flooded = [x for x in g if x.startswith('flooded ')]
    a = answers(g)
    R.ok(flooded and len(a) == 2 and a[1] == {'error': {
        'class': 'GenericError', 'desc': "JSON parse error, stray '\x01'"}},
        'serve: a client flooding garbage (%s bytes) while the others are answered '
        'gets QMP errors' % (flooded[0].split()[1] if flooded else '?'), g[:6])


def check_permissions(vm, R):
    out = vm.check('stat -c "%a %U %G" ' + SOCK).strip()
    R.equal(out, '600 root root', 'serve: the socket is root\'s, mode 600')
    rc, out, got = run_client(vm, 'nobody', ['connect 0', 'line 0'], user='nobody')
    R.ok(got.get(0, [''])[0] == 'connect: Permission denied',
         'serve: nobody cannot connect to it', out)

    g = Server(vm, 'group', '/run/vs-qmp-g.sock', '--mode 0660 --group nogroup')
    out = vm.check('stat -c "%a %U %G" /run/vs-qmp-g.sock 2>&1; true').strip()
    R.equal(out, '660 root nogroup', 'serve: --mode 0660 --group nogroup')
    rc, out, got = run_client(vm, 'group', [
        'connect 0', 'line 0',
        'send 0 %s' % b'{"execute": "qmp_capabilities"}{"execute": "x-query-virtio"}'.hex(),
        'line 0', 'line 0'], user='nobody', sock='/run/vs-qmp-g.sock')
    a = answers(got.get(0, []))
    R.ok(len(a) == 3 and isinstance(a[2].get('return'), list),
         "serve: nobody, in the socket's group, is answered", out)
    R.equal(g.stop(), 0, 'serve: the second server exits 0 on SIGTERM')


def check_refusals(vm, R):
    rc, out = vm.run('touch /tmp/not-a-socket; '
                     'virtio-status serve --socket /tmp/not-a-socket 2>&1')
    R.ok(rc == 1 and 'exists and is not a socket; not replacing it' in out,
         'serve: an existing file is not replaced', out)
    rc, out = vm.run('virtio-status serve --socket %s 2>&1' % SOCK)
    R.ok(rc == 1 and 'a server is already listening on' in out,
         'serve: a second server on a socket in use refuses', out)
    rc, out = vm.run('virtio-status serve --socket /tmp/x --mode 0666 2>&1; '
                     'virtio-status serve 2>&1')
    R.ok(rc == 2 and 'would let every user connect' in out and
         'serve needs --socket PATH' in out, 'serve: bad arguments, a sentence each', out)
    # a server killed outright leaves its socket: the next one replaces it
    s = Server(vm, 'stale', '/run/vs-stale.sock')
    vm.run('kill -KILL %s' % s.pid)
    wait_until(lambda: s.rc() is not None)
    rc, _ = vm.run('[ -S /run/vs-stale.sock ]')
    t = Server(vm, 'stale2', '/run/vs-stale.sock')
    R.ok(rc == 0 and t.up, 'serve: a stale socket is replaced', t.err())
    t.stop()


def check_events(vm, R, srv):
    ok = wait_until(lambda: 'following the module\'s events' in srv.err())
    R.ok(ok, 'serve: the server follows the module\'s events', srv.err())
    out = '/tmp/qc-ev.out'
    script = client_script(vm, 'ev', [
        'connect 0', 'line 0',
        'send 0 %s' % b'{"execute": "qmp_capabilities"}\n'.hex(), 'line 0',
        'connect 1', 'line 1',
        'say READY',
        'until 0 VIRTIO_DEVICE_ADDED',
        'send 1 %s' % b'{"execute": "qmp_capabilities", "id": "late"}\n'.hex(), 'line 1',
        'say AFTER-ADD',
        'until 0 VIRTIO_DEVICE_REMOVED',
        'say DONE'])
    vm.check('(qmp_client %s %s >%s 2>&1 &) >/dev/null 2>&1' % (SOCK, script, out))
    if not R.ok(wait_until(lambda: 'READY' in cat(vm, out)),
                'serve: two clients ready for an event', cat(vm, out)):
        return
    try:
        vm.qmp('device_add', driver='virtio-rng-pci', id='srv0', bus='rp2')
    except Exception as e:  # noqa: BLE001 (any QMP failure is this check's)
        R.ok(False, 'serve: device_add into rp2', e)
        return
    where = wait_until(lambda: vm.virtio_sysfs('srv0'))
    got = wait_until(lambda: 'AFTER-ADD' in cat(vm, out) and cat(vm, out))
    lines = by_client(got or cat(vm, out))
    ev = [parse(x[2:]) for x in lines.get(0, []) if 'VIRTIO_DEVICE_ADDED' in x]
    R.ok(where and ev and ev[-1].get('data', {}).get('path') == where['path'] and
         'timestamp' in ev[-1], 'serve: the new device\'s VIRTIO_DEVICE_ADDED reaches the '
         'negotiated client', got)
    late = answers(lines.get(1, []))
    R.ok(late[1:] == [{'return': {}, 'id': 'late'}],
         'serve: a client that had not negotiated got no event before its answer', late)
    try:
        vm.unplug('srv0', timeout=WAIT)
    except Exception as e:  # noqa: BLE001
        R.ok(False, 'serve: device_del srv0', e)
    got = wait_until(lambda: 'DONE' in cat(vm, out) and cat(vm, out))
    rm = [parse(x[2:]) for x in by_client(got or '').get(0, [])
          if 'VIRTIO_DEVICE_REMOVED' in x]
    R.ok(where and rm and rm[-1].get('data', {}).get('path') == where['path'],
         'serve: its VIRTIO_DEVICE_REMOVED too', got or cat(vm, out))


def check_without_module(vm, R):
    rc, out = vm.run('rmmod virtio_status')
    if not R.ok(rc == 0, 'serve: rmmod for the start without the module', out):
        return
    srv = Server(vm, 'nomod', '/run/vs-nomod.sock')
    R.ok(srv.up, 'serve: starts without the module', srv.err())
    req = '{"execute": "x-query-virtio", "id": 1}'
    _, want = vm.run("echo '%s' | virtio-status --qmp" % req)
    rc, out, got = run_client(vm, 'nomod', [
        'connect 0', 'line 0',
        'send 0 %s' % (b'{"execute": "qmp_capabilities"}' + req.encode() + b'\n').hex(),
        'line 0', 'line 0'], sock='/run/vs-nomod.sock')
    a = answers(got.get(0, []))
    R.ok(len(a) == 3 and a[2] == {'id': 1, 'error': parse(want).get('error')} and
         'not loaded' in json.dumps(a[2]),
         'serve: without the module, the error --qmp gives', '%r\n%r' % (a, want))
    vm.check('insmod /virtio_status.ko')
    rc, out, got = run_client(vm, 'nomod2', [
        'connect 0', 'line 0',
        'send 0 %s' % (b'{"execute": "qmp_capabilities"}' + req.encode() + b'\n').hex(),
        'line 0', 'line 0'], sock='/run/vs-nomod.sock')
    a = answers(got.get(0, []))
    R.ok(len(a) == 3 and isinstance(a[2].get('return'), list) and a[2]['return'],
         'serve: the module loaded later, the same server answers', out)
    R.ok(wait_until(lambda: 'following the module\'s events' in srv.err()),
         'serve: and follows the module\'s events', srv.err())
    R.equal(srv.stop(), 0, 'serve: exit status 0 on SIGTERM')


def test_serve(vm, R):
    check_host_fuzz(R)
    srv = Server(vm, 'main', SOCK)
    if not R.ok(srv.up, 'serve: the server listens on %s' % SOCK,
                srv.err()):
        return
    try:
        check_protocol(vm, R)
        check_clients(vm, R)
        check_permissions(vm, R)
        check_refusals(vm, R)
        check_events(vm, R, srv)
    finally:
        rc = srv.stop()
    R.ok(rc == 0 and vm.run('[ -e %s ]' % SOCK)[0] != 0,
         'serve: SIGTERM: exit status 0, socket removed', 'rc=%r %s' % (rc, srv.err()))
    check_without_module(vm, R)
