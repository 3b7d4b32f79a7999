# SPDX-License-Identifier: GPL-2.0
"""The locks group of vm_tests.py: a request of ours never sleeps without
limit on another subsystem's lock (issue 11), so that a lock held long
elsewhere never spreads through us to generic netlink as a whole.

selftests/lockhold/vs_lockhold.ko holds, from a kernel thread of its own,
HOLD_S seconds each:

  pci    device_lock() of net0's virtio-pci device (the transport device
         our requests lock before the virtio device)
  rtnl   the RTNL (our queue reads of a virtio-net device take it)
  vhost  the dev->mutex of a vhost-net device a guest process holds open
         (offset from the module build's vhost_layout.h)

Once the lock is held, all at once in the guest: genl_probe (nlctrl
lookups and vs_lockhold ECHOs, each round trip timed) until
PROBE_MARGIN_MS before the hold ends; each of our do requests on the held
device (those that need the lock, and for rtnl one that does not); a full
dump (x-query-virtio); the first do request in a loop until
LOOP_MARGIN_MS before the end; and a second later insmod
vs_genl_writer.ko, whose family registration waits for every generic
netlink request in flight (and holds up every one after it). Checks, per
hold:

  - each do request that needs the held lock fails with a sentence
    saying "busy", and finished while the hold was still on; so did every
    request of the loop; a do request that does not need it answers
    before the hold ends
  - the dump finished while the hold was on and lists the held device and
    every virtio device sysfs shows
  - dump_loop (RAWDUMP_S of raw dumps, each reply checked by the
    selftests' vs_dev_check()) finished while the hold was on, every dump
    complete and well formed; in the pci and vhost holds the held device
    is in them as busy (DEV_BUSY, its identity only); in the rtnl hold no
    device is busy for the RTNL (a dump takes none; net0 may be busy on
    its transport lock, which our own queue requests hold while they wait
    for the RTNL)
  - genl_probe's round trips all finished while the hold was on, none
    failed (worst latencies printed)
  - the writer's insmod finished while the hold was on (rmmod after)
  - after the hold the same do requests succeed
  - the kernel log since the hold started has no hung task report
    ("blocked for more than") of virtio-status, genl_probe or insmod, or
    with our module's or a vs_ function in its stack; the hung task
    timeout is lowered to HUNG_TIMEOUT_S beforehand (and restored)

"While the hold was still on" compares the guest's monotonic clock read
right after each command ended with the time vs_lockhold let go (its
status file); nothing else is timed. Prints one '# locks:' line a hold.
"""

import json
import os
import re
import shlex
import time

from vm_common import cat, wait_until
from vm_tests import parse_json, sysfs_devices

HOLD_S = 10
HUNG_TIMEOUT_S = 5          # kernel.hung_task_timeout_secs during the group
HUNG_INTERVAL_S = 1         # kernel.hung_task_check_interval_secs
PROBE_MARGIN_MS = 2000      # genl_probe stops this long before the end
RAWDUMP_S = 1               # dump_loop's seconds of dumps during a hold
LOOP_MARGIN_MS = 5000       # the loop starts no request later than this before
                            # the end: on the debug kernel one CLI request for a
                            # vhost device takes about 4 s
WRITER_DELAY_S = 1          # the insmod comes this long after the requests
JOBS_WAIT_S = HOLD_S + 120  # how long the jobs may take in all

LH = '/sys/kernel/debug/vs_lockhold'
D = '/tmp/lk'
HUNG_SYSCTLS = [('/proc/sys/kernel/hung_task_timeout_secs', HUNG_TIMEOUT_S),
                ('/proc/sys/kernel/hung_task_check_interval_secs', HUNG_INTERVAL_S),
                # every report, not the first 10 of the boot
                ('/proc/sys/kernel/hung_task_warnings', -1)]

# Shell functions for the guest (sourced from D/lib.sh). lk_now: the
# monotonic clock in ms, from vs_lockhold's status file. lk_job NAME CMD..:
# CMD in the background, its output in NAME.out and NAME.err, then NAME.res
# "RC START_MS END_MS". lk_loop NAME UNTIL_MS CMD..: CMD again and again
# until UNTIL_MS; NAME.out "COUNT OK BUSY OTHER", the other failures'
# sentences in NAME.err.
LIB = r'''
LH=%(lh)s
D=%(d)s
lk_field() { sed -n "s/.* $1=\([0-9]*\).*/\1/p" $LH/status; }
lk_now() { lk_field now_ms; }
lk_job() {
	n=$1; shift
	( b=$(lk_now); "$@" >$D/$n.out 2>$D/$n.err; rc=$?
	  echo "$rc $b $(lk_now)" >$D/$n.res ) </dev/null >/dev/null 2>&1 &
}
lk_loop() {
	n=$1 u=$2; shift 2
	( b=$(lk_now); k=0 ok=0 busy=0 other=0
	  while [ "$(lk_now)" -lt "$u" ]; do
		"$@" >/dev/null 2>$D/$n.last; r=$?
		k=$((k + 1))
		if [ $r = 0 ]; then ok=$((ok + 1))
		elif grep -qi busy $D/$n.last; then busy=$((busy + 1))
		else other=$((other + 1)); cat $D/$n.last >>$D/$n.err
		fi
	  done
	  echo "$k $ok $busy $other" >$D/$n.out
	  echo "0 $b $(lk_now)" >$D/$n.res ) </dev/null >/dev/null 2>&1 &
}
lk_wait_held() {
	i=0
	until grep -q "^state=held .* id=$1 " $LH/status; do
		i=$((i + 1)); [ $i -gt 400 ] && { cat $LH/status; return 1; }
		sleep 0.05
	done
}
''' % {'lh': LH, 'd': D}

HUNG_RE = re.compile(r'INFO: task (.+):(\d+) blocked for more than \d+ seconds')
BLOCKER_RE = re.compile(r'INFO: task .+ is blocked on a .+ likely owned by task')
# a hung task report is ours when the task is one of the test's own
# programs, or its stack runs through our module or a vs_ function
OUR_TASKS = ('virtio-status', 'genl_probe', 'insmod')
OUR_FRAME = re.compile(r'virtio_status|\bvs_\w+\+0x')


def parse_status(text):
    """vs_lockhold's status line as a dict (numbers as ints)."""
    st = dict(kv.split('=', 1) for kv in text.split() if '=' in kv)
    for k, v in st.items():
        if v.isdigit():
            st[k] = int(v)
    return st


def vhost_mutex_offset(module):
    """Where dev->mutex lies in vhost-net's private data, from the
    vhost_layout.h the build of MODULE generated (kmod/gen_vhost_layout.py
    took it from the target kernel's BTF); None if not found."""
    path = os.path.join(os.path.dirname(os.path.abspath(module)), 'kmod', 'vhost_layout.h')
    try:
        with open(path) as f:
            defs = dict(re.findall(r'^#define (VS_\w+)\s+(\d+)\s*$', f.read(), re.M))
        return int(defs['VS_VHOST_NET_DEV']) + int(defs['VS_VHOST_DEV_MUTEX'])
    except (OSError, KeyError):
        return None


def stack_end(lines, i):
    """The index after the stack that starts at LINES[i]: past its
    </TASK>, or else at the next report or lockdep's list."""
    j = i + 1
    while j < len(lines) and not HUNG_RE.search(lines[j]) and \
            'Showing all locks held' not in lines[j]:
        j += 1
        if '</TASK>' in lines[j - 1]:
            break
    return j


def hung_reports(text):
    """(task, pid, [lines], [owner lines]) for each hung task report in
    dmesg TEXT: its "INFO: task" line to the end of its stack; then, where
    the kernel names the task it is likely blocked on (7.x: "is blocked on
    a mutex likely owned by task ..."), that task's line and stack, which
    say who held the lock, not who waited."""
    lines = text.splitlines()
    out = []
    for i, line in enumerate(lines):
        m = HUNG_RE.search(line)
        if not m:
            continue
        j = stack_end(lines, i)
        k = j
        if j < len(lines) and BLOCKER_RE.search(lines[j]):
            k = stack_end(lines, j)
        out.append((m.group(1), m.group(2), lines[i:j], lines[j:k]))
    return out


def hung_summary(lines):
    """A hung task report in one line: its task and the functions of its
    stack, innermost first (the ones a '?' marks as unreliable left out)."""
    frames = []
    for x in lines:
        x = x.split('] ', 1)[-1].strip()
        if '+0x' in x and not x.startswith('?'):
            frames.append(x.split('+0x')[0] + (' ' + x.split()[-1] if x.endswith(']') else ''))
    m = HUNG_RE.search(lines[0])
    return 'task %s:%s: %s' % (m.group(1), m.group(2), ' < '.join(frames[:12]))


def job_result(vm, name):
    """{'rc', 'start', 'end', 'out', 'err'} of a background job, or None."""
    res = cat(vm, '%s/%s.res' % (D, name)).split()
    if len(res) != 3:
        return None
    return {'rc': int(res[0]), 'start': int(res[1]), 'end': int(res[2]),
            'ms': int(res[2]) - int(res[1]),
            'out': cat(vm, '%s/%s.out' % (D, name)), 'err': cat(vm, '%s/%s.err' % (D, name))}


def last_json(text):
    """The last line of TEXT that is JSON, decoded; {} if none."""
    for line in reversed(text.strip().splitlines()):
        try:
            return json.loads(line)
        except ValueError:
            continue
    return {}


class Hold:
    """One lock to hold: NAME; START, the guest command that starts the
    hold (after D/lib.sh); PATH, the held device's; the do requests that
    need the lock (BUSY) and those that do not (ANSWER). PREPARE(vm, hold),
    if given, runs first and may fill these in."""

    def __init__(self, name, start, path, busy, answer=(), prepare=None, dump_busy=True):
        self.name, self.start, self.path = name, start, path
        self.busy, self.answer = list(busy), list(answer)
        self.dump_busy = dump_busy
        self.prepare = prepare
        self.cleanup = None


def vhost_holder(offset):
    """PREPARE of the vhost hold: a process opens /dev/vhost-net as fd 3
    and waits; START then has it write the hold command itself, since
    vs_lockhold takes the file from the writer's fd table (fget(3)); it
    keeps the file open afterwards, at /proc/PID/fd/3."""
    def prepare(vm, h):
        pid = vm.check('(exec 3<>/dev/vhost-net; while [ ! -e %s/go ]; do sleep 0.05; done; '
                       'echo "vhost 3 %d %d" > %s/hold && exec sleep 1000) >/dev/null 2>&1 & '
                       'echo $!' % (D, offset, HOLD_S, LH)).strip()
        h.path = '/proc/%s/fd/3' % pid
        h.busy = [a.replace('VHOST', h.path) for a in h.busy]
        h.cleanup = 'kill %s' % pid
    return prepare


def run_hold(vm, R, h, sysfs_paths, hung):
    """Hold H and check what happens meanwhile (see the top)."""
    tag = 'locks: %s:' % h.name
    mark = 'vs_locks: the %s hold starts' % h.name
    vm.run('rm -rf %s; mkdir -p %s; echo %s > /dev/kmsg' % (D, D, shlex.quote(mark)))
    vm.put(LIB, D + '/lib.sh')
    if h.prepare:
        h.prepare(vm, h)
    jobs = ['probe', 'dump', 'rawdump', 'loop', 'writer']
    launch = ['. %s/lib.sh' % D, 'hid=$(($(lk_field id) + 1))', h.start,
              'lk_wait_held $hid || exit 2',
              'u=$(lk_field until_ms); ms=$((u - $(lk_now) - %d))' % PROBE_MARGIN_MS,
              '[ $ms -lt 1000 ] && ms=1000',
              'lk_job probe genl_probe $((ms / 1000)).$(printf %03d $((ms % 1000)))']
    for i, args in enumerate(h.busy):
        launch.append('lk_job busy%d virtio-status %s' % (i, args))
        jobs.append('busy%d' % i)
    for i, args in enumerate(h.answer):
        launch.append('lk_job answer%d virtio-status %s' % (i, args))
        jobs.append('answer%d' % i)
    launch += ['lk_job dump virtio-status x-query-virtio',
               'lk_job rawdump dump_loop %d' % RAWDUMP_S,
               'lk_loop loop $((u - %d)) virtio-status %s' % (LOOP_MARGIN_MS, h.busy[0]),
               'sleep %d' % WRITER_DELAY_S,
               'lk_job writer insmod /vs_genl_writer.ko',
               'echo hid=$hid']
    rc, out = vm.run('\n'.join(launch))
    m = re.search(r'^hid=(\d+)$', out, re.M)
    if not R.ok(rc == 0 and m, '%s vs_lockhold holds the lock' % tag,
                out + cat(vm, LH + '/status')):
        vm.run('echo release > %s/hold' % LH)
        if h.cleanup:
            vm.run(h.cleanup)
        return
    hid = int(m.group(1))

    # the hold's end, then every job's
    def done():
        st = parse_status(cat(vm, LH + '/status'))
        if st.get('state') != 'idle' or st.get('id') != hid:
            return None
        _, n = vm.run('ls %s/*.res 2>/dev/null | wc -l' % D)
        return st if n.strip() == str(len(jobs)) else None
    st = wait_until(done, timeout=JOBS_WAIT_S, every=0.5) or \
        parse_status(cat(vm, LH + '/status'))
    released = st.get('released_ms', 0) if st.get('id') == hid else 0
    held_ms = released - st.get('start_ms', 0) if released else 0
    res = {j: job_result(vm, j) for j in jobs}

    def before_end(r):
        return r is not None and released and r['end'] < released

    def took(r):
        return '%d ms' % r['ms'] if r else 'never ended'

    def diag(r):
        if r is None:
            return ('no result %ds after the hold began; the hold: %s'
                    % (JOBS_WAIT_S, cat(vm, LH + '/status').strip()))
        return ('rc=%d, %d ms, ended %d ms %s the hold let go\nstderr: %s\nstdout: %s'
                % (r['rc'], r['ms'], abs(released - r['end']),
                   'before' if r['end'] < released else 'after',
                   r['err'].strip()[:600], r['out'].strip()[:600]))

    for i, args in enumerate(h.busy):
        r = res['busy%d' % i]
        R.ok(before_end(r), '%s %s returned while the lock was still held' % (tag, args),
             diag(r))
        R.ok(r is not None and r['rc'] == 1 and 'busy' in r['err'].lower() and
             r['out'] == '', '%s %s fails saying the device is busy' % (tag, args), diag(r))
    for i, args in enumerate(h.answer):
        r = res['answer%d' % i]
        R.ok(before_end(r) and (r['rc'] == 0 or 'busy' in r['err'].lower()),
             '%s %s (it does not take this lock) answered while the lock was held'
             % (tag, args), diag(r))

    r = res['dump']
    reply = (parse_json(r['out']) if r else None) or {}
    listed = [d.get('path') for d in reply.get('return', [])]
    missing = sorted(set(sysfs_paths + [h.path]) - set(listed))
    R.ok(before_end(r) and r['rc'] == 0,
         '%s x-query-virtio finished while the lock was held' % tag, diag(r))
    R.ok(r is not None and not missing,
         '%s x-query-virtio lists the held device and every other' % tag,
         'held: %s\nmissing: %s\n%s' % (h.path, missing, diag(r)))

    # the same dumps, read by the selftests' own checker: a busy device's
    # reply is its identity and DEV_BUSY, and nothing read under the lock
    r = res['rawdump']
    dl = last_json(r['out']) if r else {}
    R.ok(before_end(r) and r['rc'] == 0 and dl.get('result') == 'pass' and
         dl.get('complete', 0) > 0 and dl.get('inconsistent') == 0,
         '%s dump_loop: every dump during the hold complete and well formed' % tag,
         '%s\n%s' % (dl, diag(r)))
    seen = dl.get('busy_seen', '')
    if h.dump_busy:
        R.ok(dl.get('busy', 0) > 0 and h.path + ': ' in seen,
             '%s dump_loop: the held device is busy in those dumps' % tag,
             'busy %s: %r; held %s' % (dl.get('busy'), seen, h.path))
    else:
        # a dump takes no RTNL; a device may still be busy in it on its
        # transport lock, held meanwhile by our own queue requests above
        # while they wait their budget for the RTNL
        R.ok(dl.get('busy') is not None and 'RTNL' not in seen,
             '%s dump_loop: no device is busy in those dumps for the RTNL' % tag,
             'busy %s: %r' % (dl.get('busy'), seen))

    r = res['loop']
    counts = [int(x) for x in r['out'].split()] if r else []
    R.ok(before_end(r) and len(counts) == 4 and counts[0] > 0 and counts[0] == counts[2],
         '%s %s in a loop: each said busy, the last before the lock was let go'
         % (tag, h.busy[0]), 'count ok busy other: %s\n%s' % (counts, diag(r)))

    r = res['probe']
    probe = last_json(r['out']) if r else {}
    nlctrl, other = probe.get('nlctrl') or {}, probe.get('other') or {}
    R.ok(before_end(r) and r['rc'] == 0 and probe.get('result') == 'pass',
         '%s genl_probe: every nlctrl lookup and other family\'s request answered '
         'while the lock was held' % tag, diag(r))

    r = res['writer']
    R.ok(before_end(r) and r['rc'] == 0,
         '%s insmod vs_genl_writer (genetlink\'s write lock) finished while the lock '
         'was held' % tag, diag(r))
    if r is not None and r['rc'] == 0:
        rc, out = vm.run('rmmod vs_genl_writer')
        R.ok(rc == 0, '%s rmmod vs_genl_writer' % tag, out)

    do = res.get('busy0')
    print('# locks: %s: held %d ms; nlctrl worst %s ms (%s lookups), %s worst %s ms '
          '(%s requests); %s: %s, rc %s; dump %s; insmod vs_genl_writer %s; '
          'the loop: %s requests, %s busy; dump_loop: %s dumps, %s busy replies'
          % (h.name, held_ms, nlctrl.get('worst_ms', '-'), nlctrl.get('count', 0),
             other.get('family', 'vs_lockhold'), other.get('worst_ms', '-'),
             other.get('count', 0), h.busy[0], took(do), do['rc'] if do else '-',
             took(res['dump']), took(res['writer']),
             counts[0] if counts else '-', counts[2] if len(counts) > 2 else '-',
             dl.get('dumps', '-'), dl.get('busy', '-')))
    if do and do['err'].strip():
        print('# locks: %s: it said: %s' % (h.name, do['err'].strip().splitlines()[0][:300]))

    for args in h.busy:
        rc, out = vm.run('virtio-status %s 2>&1' % args, timeout=120)
        R.ok(rc == 0 and 'return' in (parse_json(out) or {}),
             '%s after the hold, %s answers again' % (tag, args), out[:1000])
    if h.cleanup:
        vm.run(h.cleanup)
    if hung:
        check_hung(vm, R, tag, mark)


def check_hung(vm, R, tag, mark):
    """No hung task report of ours since MARK in the kernel log.

    A report of another task is one that waited for the held lock
    itself: the holder's doing, not ours. None is expected in the test
    VM, where nothing else takes these locks for long, but a network
    stack worker may want the RTNL while it is held. Those are printed,
    and left out of the dmesg group's check (vm.dmesg_excused). With
    the check interval at 1 s a task is reported again every second it
    stays blocked: one line per task.
    """
    log = vm.check('dmesg')
    since = log[log.rfind(mark):] if mark in log else log
    ours, others = {}, {}
    for task, pid, lines, owner in hung_reports(since):
        mine = task in OUR_TASKS or any(OUR_FRAME.search(x) for x in lines[1:])
        (ours if mine else others).setdefault((task, pid), []).append((lines, owner))
    for reports in others.values():
        print('# %s a task waited for the held lock itself (not ours), %d reports: %s'
              % (tag, len(reports), hung_summary(reports[0][0])))
        for lines, owner in reports:
            # the holder's stack the kernel adds is the hold's, as intended
            vm.dmesg_excused = getattr(vm, 'dmesg_excused', set()) | set(lines) | set(owner)
    R.ok(not ours, '%s no hung task report of our programs or module (%d other tasks)'
         % (tag, len(others)),
         '\n'.join('%s (%d reports)' % (hung_summary(r[0][0]), len(r)) for r in ours.values()))


def test_locks(vm, R):
    if not getattr(vm, 'lockhold_dir', None):
        R.skip('locks: the lock-hold tests',
               'no --lockhold-dir (selftests/lockhold built for this kernel)')
        return
    rc, out = vm.run('insmod /vs_lockhold.ko')
    if not R.ok(rc == 0, 'locks: insmod vs_lockhold', out):
        return

    saved = {}
    for path, value in HUNG_SYSCTLS:
        rc, old = vm.run('cat %s' % path)
        if rc == 0 and vm.run('echo %d > %s' % (value, path))[0] == 0:
            saved[path] = old.strip()
    hung = HUNG_SYSCTLS[0][0] in saved
    if not hung:
        R.skip('locks: hung task reports',
               'no %s: a kernel without CONFIG_DETECT_HUNG_TASK' % HUNG_SYSCTLS[0][0])

    sysfs_paths = [d['path'] for d in sysfs_devices(vm).values()]
    holds = []
    net = vm.virtio_sysfs('net0')
    if R.ok(net is not None, 'locks: the guest has net0 (virtio-net-pci)',
            vm.guest_virtio_devices()):
        p = net['path']
        holds.append(Hold('pci', 'echo "pci %s %d" > %s/hold' % (net['pci'], HOLD_S, LH), p,
                          ['x-query-virtio-status --path %s' % p,
                           'x-query-virtio-queue-status --path %s --queue 0' % p]))
        holds.append(Hold('rtnl', 'echo "rtnl %d" > %s/hold' % (HOLD_S, LH), p,
                          ['x-query-virtio-queue-status --path %s --queue 0' % p],
                          ['x-query-virtio-status --path %s' % p], dump_busy=False))
    offset = vhost_mutex_offset(getattr(vm, 'module_path', ''))
    if offset is None:
        R.skip('locks: vhost: a vhost-net dev->mutex held',
               'no kmod/vhost_layout.h in the module\'s build folder')
    else:
        holds.append(Hold('vhost', 'touch %s/go' % D, None,
                          ['x-query-virtio-status --path VHOST',
                           'x-query-virtio-vhost-queue-status --path VHOST --queue 0'],
                          prepare=vhost_holder(offset)))

    for h in holds:
        t = time.monotonic()
        run_hold(vm, R, h, sysfs_paths, hung)
        print('# locks: the %s hold took %.1fs in all' % (h.name, time.monotonic() - t))

    for path, old in saved.items():
        vm.run('echo %s > %s' % (old, path))
    rc, out = vm.run('rmmod vs_lockhold')
    R.ok(rc == 0, 'locks: rmmod vs_lockhold', out)
