#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Boot a Debian test kernel under QEMU (TCG) and drive it (stdlib only).

    from vmrig import VM
    with VM(kernel='6.12', devices=['virtio-rng-pci,id=rng0'],
            extra_files=['kmod/virtio_status.ko']) as vm:
        vm.check('insmod /virtio_status.ko')
        rc, out = vm.run('cat /sys/bus/virtio/devices/*/features')
        info = vm.qmp('x-query-virtio')
        print(vm.virtio_sysfs('rng0'))        # {'name': 'virtio0', ...}
        assert not vm.dmesg_problems()

The guest is the busybox initramfs of mkinitramfs.py. ttyS0 is the kernel
console, written to a log file; ttyS1 carries the command agent (on microvm, which has one serial
port, a virtio console port hvc0 does; protocol in
mkinitramfs.py); QMP is on a unix socket. Never KVM: it hangs on this host.

VM(host_root=True) also shares the host's root file system, read-only,
over virtio-9p, mounted at /host in the guest: `chroot /host python3 ...`
runs the host's own programs (the guest has no Python) on the guest kernel.

CLI (for demos and quick checks):
    vmrig.py --kernel 6.12 --device virtio-rng-pci,id=rng0 --file ./x.ko \\
             --run 'insmod /x.ko; ls /sys/bus/virtio/devices'
prints each command's output and exits with the last command's exit code.
"""

import argparse
import base64
import json
import os
import re
import select
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mkinitramfs  # noqa: E402

QEMU = os.environ.get('VS_QEMU', 'qemu-system-x86_64')
BOOT_TIMEOUT = float(os.environ.get('VS_BOOT_TIMEOUT', '90'))
# By default QEMU starts the ELF vmlinux through its PVH entry: no firmware
# boot-loader dance and no in-guest decompression, 3-5 s less per boot under
# TCG. VS_BOOT=bzimage boots the Debian vmlinuz the classic way.
BOOT = os.environ.get('VS_BOOT', 'pvh')
# Firmware: 'seabios' (QEMU's default), 'qboot' (smaller; no gain seen with
# PVH) or a path.
QBOOT = '/usr/share/qemu/qboot.rom'
BIOS = os.environ.get('VS_BIOS', 'seabios')

END_RE = re.compile(rb'@@VS-END (\d+) (-?\d+)@@\n')
READY = b'@@VS-READY@@'

# dmesg lines that are worth a test failure (the second half: reports of
# the debug kernel, selftests/vm/debug.config; most also print WARNING or
# BUG, but not all of them: UBSAN, kmemleak, ODEBUG) ...
PROBLEM_RE = re.compile(r'WARN|BUG|Oops|refcount|Call Trace|general protection|'
                        r'KASAN|lockdep|'
                        r'UBSAN|kmemleak|ODEBUG|possible circular locking|'
                        r'possible recursive locking|inconsistent lock state|'
                        r'lock held when returning|bad unlock balance|held lock freed|'
                        r'suspicious RCU usage|invalid context|list_(add|del) corruption')
# ... except these known-harmless ones. Clean boots of both Debian kernels
# (q35 and pc, all the rig_selftest.py devices, vhost modules loaded, an
# unsigned out-of-tree module loaded and removed) print none; the debug
# kernel prints the banners below. Add a regex here with a comment saying
# where the line comes from.
HARMLESS = [re.compile(r) for r in [
    # the debug kernel's boot banners: RCU says lockdep checks it
    # (kernel/rcu/tree_plugin.h), kmemleak says it is ready (mm/kmemleak.c)
    r'rcu: \tRCU lockdep checking is enabled\.$',
    r'kmemleak: Kernel memory leak detector initialized \(mem pool available: \d+\)$',
    # printed by a kmemleak scan that found something; the debug kernel scans
    # only when a test asks (no auto scan), and that test judges the report
    # itself (vm_tests.py, test_kmemleak)
    r'kmemleak: \d+ new suspected memory leaks \(see /sys/kernel/debug/kmemleak\)$',
]]
# A debug kernel boots several times slower than Debian's under TCG.
DEBUG_BOOT_TIMEOUT = max(BOOT_TIMEOUT, 300)
# boots tried when QEMU itself aborts before the kernel starts
BOOT_ATTEMPTS = 2
KMEMLEAK = '/sys/kernel/debug/kmemleak'

# host_root=True: the host's / as a read-only virtio-9p share (QEMU's
# "local" backend; multidevs=remap keeps inode numbers of the host's many
# file systems apart), mounted at HOST_ROOT. Its device's QEMU id and mount
# tag are HOST_ROOT_TAG. The modules go into that VM's initramfs only, so
# that other VMs' 9p devices keep having no driver (vm_tests.py's).
HOST_ROOT = '/host'
HOST_ROOT_TAG = 'vs-hostroot'
HOST_ROOT_MODULES = ['9pnet_virtio', '9p']
# cache=loose: the share is read-only, so the guest may keep what it read
# (a Python start reads hundreds of files); msize: fewer, larger requests.
HOST_ROOT_MOUNT = 'trans=virtio,version=9p2000.L,ro,cache=loose,msize=262144'


class VMError(Exception):
    """The VM failed to boot, died, or the agent stopped answering."""


def host_root_unsupported(kernel):
    """Why VM(kernel=KERNEL, host_root=True) cannot work, or None: the
    kernel has no 9p over virtio, neither as modules nor built in."""
    info = mkinitramfs.kernel_info(kernel)
    _, _, missing = mkinitramfs.resolve_modules(info['modroot'], info['kver'],
                                                HOST_ROOT_MODULES)
    if missing:
        return ('kernel %s has no %s (CONFIG_NET_9P_VIRTIO, CONFIG_9P_FS), '
                'neither as a module nor built in' % (info['kver'], ' '.join(missing)))
    return None


class CommandError(Exception):
    """check() saw a non-zero exit code."""

    def __init__(self, cmd, rc, out):
        super().__init__('command failed (rc=%d): %s\n%s' % (rc, cmd, out))
        self.cmd, self.rc, self.out = cmd, rc, out


class QMPError(Exception):
    """QMP answered with an error object."""

    def __init__(self, execute, err):
        super().__init__('%s: %s: %s' % (execute, err.get('class'), err.get('desc')))
        self.execute, self.error_class, self.desc = execute, err.get('class'), err.get('desc')


class QMP:
    """Minimal QMP client: greeting, capabilities, commands, events."""

    def __init__(self, path, timeout=30):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(timeout)
        self.sock.connect(path)
        self.buf = b''
        self.events = []
        self.greeting = self._read()
        if 'QMP' not in self.greeting:
            raise VMError('no QMP greeting: %r' % self.greeting)
        self.command('qmp_capabilities')

    def _read(self):
        """One JSON message (QMP sends one a line)."""
        while b'\n' not in self.buf:
            data = self.sock.recv(65536)
            if not data:
                raise VMError('QMP connection closed')
            self.buf += data
        line, self.buf = self.buf.split(b'\n', 1)
        return json.loads(line)

    def command(self, execute, args=None):
        msg = {'execute': execute}
        if args:
            msg['arguments'] = args
        self.sock.sendall(json.dumps(msg).encode() + b'\n')
        while True:
            r = self._read()
            if 'event' in r:
                self.events.append(r)
            elif 'error' in r:
                raise QMPError(execute, r['error'])
            elif 'return' in r:
                return r['return']

    def poll_events(self, timeout=0.0):
        """Collect the events already sent (or arriving within TIMEOUT)."""
        end = time.monotonic() + timeout
        while True:
            while b'\n' in self.buf:
                self.events.append(self._read())
            left = max(0.0, end - time.monotonic())
            r, _, _ = select.select([self.sock], [], [], left)
            if not r:
                return
            data = self.sock.recv(65536)
            if not data:
                raise VMError('QMP connection closed')
            self.buf += data

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


def make_disk(path, size_mb=16):
    """Create a sparse raw disk image (for virtio-blk/virtio-scsi tests)."""
    with open(path, 'wb') as f:
        f.truncate(size_mb << 20)
    return path


class VM:
    """A TCG guest running the test kernel; use as a context manager."""

    def __init__(self, kernel='6.12', devices=(), extra_files=(), mem='512M',
                 machine='q35', append='', qemu_args=(), modules=None,
                 autoload=True, load=(), smp=2, cpu=None,
                 hotplug_ports=2, boot=BOOT, bios=BIOS, boot_timeout=BOOT_TIMEOUT, keep=None, log=None,
                 host_root=False):
        """kernel: '6.1', '6.12' or 'debug' (selftests/vm/debug_kernel.sh);
        devices: -device strings; extra_files:
        'SRC' (lands at /basename), 'SRC:DST' or (SRC, DST); qemu_args: more
        raw QEMU arguments (-netdev, -drive, -object ...); modules: kernel
        modules in the initramfs (default: mkinitramfs.DEFAULT_MODULES);
        autoload: load drivers for present and hot-plugged devices; load:
        modules to modprobe at boot; hotplug_ports: on q35, the number of
        empty pcie-root-ports (ids hp-port0..) for hotplug(); boot: 'pvh' (ELF vmlinux) or
        'bzimage' (vmlinuz); bios: 'qboot', 'seabios' (QEMU's
        default) or a firmware path; keep: keep the work dir (default: env
        VS_KEEP=1); host_root: share the host's / read-only over virtio-9p
        (QEMU id and mount tag HOST_ROOT_TAG, one more virtio device) and
        mount it at HOST_ROOT before start() returns (VMError if the kernel
        has no 9p: host_root_unsupported())."""
        self.kernel = kernel
        self.devices = list(devices)
        self.extra_files = list(extra_files)
        self.mem, self.machine, self.smp, self.cpu = mem, machine, smp, cpu
        self.append = append
        self.qemu_args = list(qemu_args)
        self.modules = modules
        self.autoload = autoload
        self.load = list(load)
        self.boot, self.bios = boot, bios
        # q35 hot-plugs only into PCIe root ports, one device per port;
        # machine pc hot-plugs into the root bus (ACPI).
        self.ports = ['hp-port%d' % i for i in range(hotplug_ports)] \
            if machine.startswith('q35') else []
        self._port_of = {}
        self.boot_timeout = boot_timeout
        if kernel == 'debug' and boot_timeout == BOOT_TIMEOUT:
            self.boot_timeout = DEBUG_BOOT_TIMEOUT
        self.keep = os.environ.get('VS_KEEP') == '1' if keep is None else keep
        self.log = log or (lambda m: None)
        self.proc = None
        self.agent = None
        self._qmp = None
        self._buf = b''
        self._seq = 0
        self.kver = None
        self.boot_seconds = None
        self.workdir = None
        self.want_host_root = host_root
        self.host_root = None           # HOST_ROOT once mounted
        self.host_root_seconds = None   # how long loading 9p and mounting took

    # -- life cycle ---------------------------------------------------------

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()
        return False

    def start(self):
        # unix socket paths are limited to 108 bytes: stay in /tmp
        self.workdir = tempfile.mkdtemp(prefix='vs-vm-')
        self.console_path = os.path.join(self.workdir, 'console.log')
        self.agent_path = os.path.join(self.workdir, 'agent.sock')
        self.qmp_path = os.path.join(self.workdir, 'qmp.sock')
        initrd = os.path.join(self.workdir, 'initrd.gz')
        modules = self.modules
        if self.want_host_root:
            modules = list(mkinitramfs.DEFAULT_MODULES if modules is None else modules)
            modules += [m for m in HOST_ROOT_MODULES if m not in modules]
        try:
            why = self.want_host_root and host_root_unsupported(self.kernel)
            if why:
                raise VMError('host_root: ' + why)
            info = mkinitramfs.build(self.kernel, initrd, self.extra_files,
                                     modules, log=self.log)
        except BaseException:
            shutil.rmtree(self.workdir, ignore_errors=True)
            raise
        self.kver, self.kinfo = info['kver'], info

        append = ['console=ttyS0', 'panic=-1', 'loglevel=4']
        if not self.autoload:
            append.append('vs.autoload=0')
        if self.load:
            append.append('vs.modules=' + ','.join(self.load))
        if self.append:
            append.append(self.append)
        cmd = [QEMU, '-accel', 'tcg', '-machine', self.machine,
               '-m', str(self.mem), '-smp', str(self.smp),
               '-nodefaults', '-nographic', '-no-reboot',
               '-kernel', info['vmlinux' if self.boot == 'pvh' else 'vmlinuz'],
               '-initrd', initrd,
               '-append', ' '.join(append),
               '-chardev', 'file,id=con,path=' + self.console_path,
               '-serial', 'chardev:con',
               '-chardev', 'socket,id=agent,path=%s,server=on,wait=off' % self.agent_path,
               '-qmp', 'unix:%s,server=on,wait=off' % self.qmp_path]
        if self.machine.startswith('microvm'):
            # microvm has one serial port, the console: the agent gets a
            # virtio console port instead (itself a virtio-mmio device).
            cmd += ['-device', 'virtio-serial-device,id=agent-bus',
                    '-device', 'virtconsole,chardev=agent,bus=agent-bus.0']
            # It has no HPET or PM timer either: under TCG the kernel's TSC
            # calibration against the PIT fails now and then and the boot
            # hangs, so tell it the TSC rate instead of measuring it.
            cmd[cmd.index('-append') + 1] += ' vs.agent=/dev/hvc0 tsc_early_khz=2000000'
        else:
            cmd += ['-serial', 'chardev:agent']
        if self.cpu:
            cmd += ['-cpu', self.cpu]
        if self.bios == 'qboot' and os.path.exists(QBOOT):
            cmd += ['-bios', QBOOT]
        elif self.bios not in ('qboot', 'seabios', None, ''):
            cmd += ['-bios', self.bios]
        for d in self.devices:
            cmd += ['-device', d]
        if self.want_host_root:
            cmd += ['-fsdev', 'local,id=%s,path=/,security_model=none,readonly=on,'
                    'multidevs=remap' % HOST_ROOT_TAG,
                    '-device', '%s,id=%s,fsdev=%s,mount_tag=%s'
                    % ('virtio-9p-device' if self.machine.startswith('microvm')
                       else 'virtio-9p-pci', HOST_ROOT_TAG, HOST_ROOT_TAG, HOST_ROOT_TAG)]
        for i, port in enumerate(self.ports):
            cmd += ['-device', 'pcie-root-port,id=%s,bus=pcie.0,chassis=%d'
                    % (port, 100 + i)]
        cmd += self.qemu_args
        self.qemu_cmd = cmd
        self.log('qemu: ' + ' '.join(shlex.quote(c) for c in cmd))

        for attempt in range(BOOT_ATTEMPTS):
            t0 = time.monotonic()
            try:
                self._launch(cmd, t0)
                break
            except VMError:
                crash = self._qemu_crashed()
                if not crash or attempt + 1 == BOOT_ATTEMPTS:
                    self.stop()
                    raise
                # The guest never ran a line of ours: QEMU itself aborted.
                # Say so in the test output and boot once more.
                print('# QEMU aborted while booting (%s); booting again' % crash,
                      flush=True)
                self._kill()
            except BaseException:
                self.stop()
                raise
        self.boot_seconds = time.monotonic() - t0
        self.log('%s booted in %.1fs' % (self.kver, self.boot_seconds))
        if self.want_host_root:
            self._mount_host_root()

    def _mount_host_root(self):
        """Load 9p (autoload=False boots without it) and mount the share."""
        t = time.monotonic()
        try:
            rc, out = self.run('modprobe -a %s && mkdir -p %s && mount -t 9p -o %s %s %s'
                               % (' '.join(HOST_ROOT_MODULES), HOST_ROOT, HOST_ROOT_MOUNT,
                                  HOST_ROOT_TAG, HOST_ROOT), timeout=120)
        except BaseException:
            self.stop()
            raise
        if rc != 0:
            self.stop()
            raise VMError('host_root: mounting the host\'s / at %s failed (rc=%d): %s'
                          % (HOST_ROOT, rc, out.strip()))
        self.host_root = HOST_ROOT
        self.host_root_seconds = time.monotonic() - t
        self.log('host root mounted at %s in %.1fs' % (HOST_ROOT, self.host_root_seconds))

    def _launch(self, cmd, t0):
        for f in (self.console_path, self.agent_path, self.qmp_path):
            if os.path.exists(f):
                os.unlink(f)
        self._buf = b''
        self._qemu_log = open(os.path.join(self.workdir, 'qemu.log'), 'wb')
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                                     stdout=self._qemu_log, stderr=subprocess.STDOUT)
        self._connect_agent(t0)
        self._wait_ready(t0)

    def _qemu_crashed(self):
        """QEMU's own assertion message if it died of SIGABRT, else None.

        QEMU 10's TCG aborts now and then in iotlb_to_section() while the
        firmware runs, before the kernel has started: a crash of the
        emulator, not of anything under test."""
        if not self.proc or self.proc.poll() != -signal.SIGABRT:
            return None
        try:
            with open(os.path.join(self.workdir, 'qemu.log'), errors='replace') as f:
                m = re.search(r'Assertion .*', f.read())
        except OSError:
            return None
        if not m or 'Linux version' in self.console_log():
            return None
        return m.group(0).strip()

    def _kill(self):
        """Forget a dead QEMU so that the same work dir can boot again."""
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        if self.agent:
            self.agent.close()
        self.agent = None
        self._qemu_log.close()
        os.rename(os.path.join(self.workdir, 'qemu.log'),
                  os.path.join(self.workdir, 'qemu-aborted.log'))

    def _fail(self, what):
        tail = self.console_tail(40)
        qlog = ''
        try:
            with open(os.path.join(self.workdir, 'qemu.log'), errors='replace') as f:
                qlog = f.read()[-2000:]
        except OSError:
            pass
        if 'Kernel panic' in self.console_log():
            what = 'kernel panic; ' + what
        raise VMError('%s (kernel %s)\n--- qemu ---\n%s\n--- console tail ---\n%s'
                      % (what, self.kver, qlog.strip(), tail))

    def _connect_agent(self, t0):
        while True:
            if self.proc.poll() is not None:
                self._fail('qemu exited with %d at start' % self.proc.returncode)
            try:
                s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                s.connect(self.agent_path)
                self.agent = s
                return
            except (FileNotFoundError, ConnectionRefusedError):
                s.close()
            if time.monotonic() - t0 > 10:
                self._fail('qemu did not create the agent socket')
            time.sleep(0.02)

    def _recv(self, deadline):
        """Append agent data to the buffer; False on timeout."""
        left = deadline - time.monotonic()
        if left <= 0:
            return False
        r, _, _ = select.select([self.agent], [], [], min(left, 1.0))
        if not r:
            if self.proc.poll() is not None:
                self._fail('qemu exited with %d' % self.proc.returncode)
            return True
        data = self.agent.recv(65536)
        if not data:
            self._fail('agent connection closed (qemu rc=%s)' % self.proc.poll())
        self._buf += data
        return True

    def _wait_ready(self, t0):
        deadline = t0 + self.boot_timeout
        while READY not in self._buf:
            if not self._recv(deadline):
                self._fail('guest agent not ready after %ds' % self.boot_timeout)
        self._buf = self._buf.split(READY, 1)[1]

    def stop(self):
        """Power the guest off (poweroff -f), then make sure QEMU is gone."""
        if self.proc and self.proc.poll() is None and self.agent:
            try:
                self._send(self._next_seq(), 10, 'poweroff -f')
            except OSError:
                pass
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                pass
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        for s in (self.agent, self._qmp):
            if s:
                s.close()
        self.agent = self._qmp = None
        if getattr(self, '_qemu_log', None):
            self._qemu_log.close()
        if self.workdir and not self.keep:
            # keep the console log readable after the VM is gone
            try:
                with open(self.console_path, 'rb') as f:
                    self._console_saved = f.read()
            except OSError:
                pass
            shutil.rmtree(self.workdir, ignore_errors=True)
            self.workdir = None

    # -- commands -----------------------------------------------------------

    def _next_seq(self):
        self._seq += 1
        return self._seq

    def _send(self, seq, timeout, cmd):
        if isinstance(cmd, str):
            cmd = cmd.encode()
        line = b'%d %d %s\n' % (seq, int(timeout), base64.b64encode(cmd))
        self.agent.sendall(line)

    def run_bytes(self, cmd, timeout=60):
        """Run CMD with sh in the guest; return (rc, stdout+stderr bytes).

        The guest kills the command after TIMEOUT seconds (rc 137)."""
        seq = self._next_seq()
        self._send(seq, timeout, cmd)
        deadline = time.monotonic() + timeout + 30
        while True:
            m = END_RE.search(self._buf)
            if m:
                body, self._buf = self._buf[:m.start()], self._buf[m.end():]
                if int(m.group(1)) == seq:
                    body = body.replace(READY, b'')
                    out = base64.b64decode(b''.join(body.split()))
                    return int(m.group(2)), out
                continue  # the late answer of an earlier, timed-out command
            if not self._recv(deadline):
                raise VMError('no answer from the guest after %ds: %s' % (timeout + 30, cmd))

    def run(self, cmd, timeout=60):
        """Run CMD with sh in the guest; return (rc, output as str)."""
        rc, out = self.run_bytes(cmd, timeout)
        return rc, out.decode(errors='replace')

    def check(self, cmd, timeout=60):
        """run() that raises CommandError unless rc == 0; returns output."""
        rc, out = self.run(cmd, timeout)
        if rc != 0:
            raise CommandError(cmd, rc, out)
        return out

    def put(self, data, dst, mode=0o644):
        """Write bytes to a guest file (for small files; big ones: extra_files)."""
        if isinstance(data, str):
            data = data.encode()
        b64 = base64.b64encode(data).decode()
        self.check("printf '%%s' '%s' | base64 -d > %s && chmod %o %s"
                   % (b64, shlex.quote(dst), mode, shlex.quote(dst)))

    # -- QMP ----------------------------------------------------------------

    def qmp(self, execute, args=None, **kwargs):
        """Run a QMP command and return its 'return' value.

        Arguments come from ARGS (a dict, for names with '-') and kwargs.
        Raises QMPError on an error answer. Events are kept for qmp_events()."""
        if self._qmp is None:
            self._qmp = QMP(self.qmp_path)
        a = dict(args or {})
        a.update(kwargs)
        return self._qmp.command(execute, a)

    def qmp_events(self, clear=True):
        """The asynchronous QMP events seen so far (and clear the list)."""
        if self._qmp is None:
            self._qmp = QMP(self.qmp_path)
        self._qmp.poll_events()
        ev = list(self._qmp.events)
        if clear:
            self._qmp.events.clear()
        return ev

    def wait_event(self, name, timeout=10, **match):
        """Wait for a QMP event NAME whose data contains MATCH; return it."""
        if self._qmp is None:
            self._qmp = QMP(self.qmp_path)
        end = time.monotonic() + timeout
        while True:
            for i, e in enumerate(self._qmp.events):
                data = e.get('data', {})
                if e['event'] == name and all(data.get(k) == v for k, v in match.items()):
                    return self._qmp.events.pop(i)
            left = end - time.monotonic()
            if left <= 0:
                raise VMError('no QMP event %s %r within %ds' % (name, match, timeout))
            self._qmp.poll_events(min(left, 0.5))

    # -- devices ------------------------------------------------------------

    def pci_devices(self):
        """qdev_id -> (bus, slot, function) of every PCI device with an id."""
        found = {}

        def walk(devs):
            for d in devs:
                if d.get('qdev_id'):
                    found[d['qdev_id']] = (d['bus'], d['slot'], d['function'])
                br = d.get('pci_bridge')
                if br:
                    walk(br.get('devices', []))
        for bus in self.qmp('query-pci'):
            walk(bus['devices'])
        return found

    def guest_virtio_devices(self):
        """Guest virtio devices: {name: real sysfs path}."""
        out = self.check('for d in /sys/bus/virtio/devices/*; do '
                         '[ -e "$d" ] && echo "${d##*/} $(realpath $d)"; done; true')
        return dict(line.split(' ', 1) for line in out.splitlines() if ' ' in line)

    def virtio_sysfs(self, qdev_id):
        """Map a QEMU device id to its guest virtio device, or None.

        Returns {'name': 'virtioN', 'path': real sysfs path,
                 'pci': '0000:BB:SS.F'}; works behind bridges and root ports,
        as the guest path ends in the device's own PCI address."""
        bdf = self.pci_devices().get(qdev_id)
        if bdf is None:
            return None
        want = '0000:%02x:%02x.%x' % bdf
        for name, path in self.guest_virtio_devices().items():
            if os.path.basename(os.path.dirname(path)) == want:
                return {'name': name, 'path': path, 'pci': want}
        return None

    def hotplug(self, driver, id, timeout=30, **props):
        """device_add DRIVER with ID (and PROPS; use args with '-' via
        **{'disable-legacy': 'on'}); wait until the guest has the virtio
        device and return virtio_sysfs(ID). On q35 it takes a free port."""
        args = dict(props, driver=driver, id=id)
        if self.ports and 'bus' not in args:
            free = [p for p in self.ports if p not in self._port_of.values()]
            if not free:
                raise VMError('no free hot-plug port: VM(hotplug_ports=N)')
            args['bus'] = free[0]
            self._port_of[id] = free[0]
        self.qmp('device_add', args)
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            g = self.virtio_sysfs(id)
            if g:
                return g
            time.sleep(0.2)
        raise VMError('guest did not see hot-plugged %s within %ds' % (id, timeout))

    def unplug(self, id, timeout=30):
        """device_del ID; wait for DEVICE_DELETED (the guest let go)."""
        self.qmp('device_del', id=id)
        self.wait_event('DEVICE_DELETED', timeout=timeout, device=id)
        self._port_of.pop(id, None)

    # -- logs ---------------------------------------------------------------

    def console_log(self):
        """The kernel console (ttyS0) so far."""
        try:
            with open(self.console_path, 'rb') as f:
                data = f.read()
        except (OSError, TypeError, AttributeError):
            data = getattr(self, '_console_saved', b'')
        return data.decode(errors='replace')

    def console_tail(self, lines=40):
        return '\n'.join(self.console_log().splitlines()[-lines:])

    def dmesg_problems(self):
        """dmesg lines that look like a kernel problem (warning, oops, ...)."""
        out = self.check('dmesg')
        return [line for line in out.splitlines()
                if PROBLEM_RE.search(line) and
                not any(h.search(line) for h in HARMLESS)]

    def dmesg_reports(self, after=150, limit=600):
        """The reports behind dmesg_problems() in full: each problem line
        with the 3 lines before it and up to AFTER lines after it (a KASAN or
        lockdep report with its stacks), overlapping pieces merged, LIMIT
        lines at most."""
        lines = self.check('dmesg').splitlines()
        spans = []
        for i, line in enumerate(lines):
            if PROBLEM_RE.search(line) and not any(h.search(line) for h in HARMLESS):
                lo, hi = max(0, i - 3), min(len(lines), i + after)
                if spans and lo <= spans[-1][1]:
                    spans[-1][1] = max(spans[-1][1], hi)
                else:
                    spans.append([lo, hi])
        out = []
        for lo, hi in spans:
            out += (['...'] if out else []) + lines[lo:hi]
        return '\n'.join(out[:limit])

    def kmemleak_clear(self, timeout=600):
        """Forget the leaks kmemleak would report now (boot-time ones): a
        scan marks them reported, clear greys them for good. Returns what
        was forgotten, as kmemleak_scan() does."""
        out = self.check('echo scan > %s && cat %s && echo clear > %s'
                         % (KMEMLEAK, KMEMLEAK, KMEMLEAK), timeout)
        return ['unreferenced object' + r for r in out.split('unreferenced object')[1:]]

    def kmemleak_scan(self, timeout=600):
        """Scan twice (the first scan can blame objects only a register or a
        stack still pointed to) and return kmemleak's report, a list of one
        string per unreferenced object."""
        out = self.check('echo scan > %s && sleep 6 && echo scan > %s && cat %s'
                         % (KMEMLEAK, KMEMLEAK, KMEMLEAK), timeout)
        return ['unreferenced object' + r for r in out.split('unreferenced object')[1:]]


def shell(vm, timeout):
    """A line-by-line prompt on the guest (each line runs in a fresh sh)."""
    rc = 0
    while True:
        sys.stderr.write('vm# ')
        sys.stderr.flush()
        line = sys.stdin.readline()
        if not line:
            return rc
        if not line.strip():
            continue
        rc, out = vm.run_bytes(line, timeout)
        sys.stdout.buffer.write(out)
        sys.stdout.flush()
        if rc:
            sys.stderr.write('[rc=%d]\n' % rc)


def main():
    ap = argparse.ArgumentParser(
        description='Boot a test kernel under QEMU TCG and run commands in it.')
    ap.add_argument('--kernel', default='6.12', help='6.1, 6.12 or debug (default 6.12)')
    ap.add_argument('--machine', default='q35', help='q35 (default) or pc')
    ap.add_argument('--mem', default='512M')
    ap.add_argument('--smp', type=int, default=2)
    ap.add_argument('--device', action='append', default=[], help='a -device string')
    ap.add_argument('--qemu', action='append', default=[],
                    help='more QEMU arguments, shell-split (e.g. "-netdev user,id=n0")')
    ap.add_argument('--file', action='append', default=[], help='SRC[:DST] into the guest')
    ap.add_argument('--load', action='append', default=[], help='modprobe at boot')
    ap.add_argument('--no-autoload', action='store_true',
                    help='do not load drivers for present devices')
    ap.add_argument('--append', default='', help='more kernel command line')
    ap.add_argument('--host-root', action='store_true',
                    help="share the host's / read-only at %s (virtio-9p)" % HOST_ROOT)
    ap.add_argument('--run', action='append', default=[], help='command for the guest sh')
    ap.add_argument('--shell', action='store_true',
                    help='then read commands from stdin, one a line (no job control)')
    ap.add_argument('--timeout', type=int, default=300, help='per command (s)')
    ap.add_argument('--console', action='store_true', help='print the console log at the end')
    ap.add_argument('--dmesg-check', action='store_true',
                    help='fail (rc 1) if dmesg shows warnings/oopses')
    ap.add_argument('-v', '--verbose', action='store_true')
    a = ap.parse_args()

    qargs = [x for q in a.qemu for x in shlex.split(q)]
    log = (lambda m: print('vmrig: ' + m, file=sys.stderr)) if a.verbose else None
    rc = 0
    vm = VM(kernel=a.kernel, devices=a.device, extra_files=a.file, mem=a.mem,
            machine=a.machine, smp=a.smp, append=a.append, qemu_args=qargs,
            autoload=not a.no_autoload, load=a.load, log=log, host_root=a.host_root)
    try:
        with vm:
            print('vmrig: %s booted in %.1fs' % (vm.kver, vm.boot_seconds), file=sys.stderr)
            if vm.host_root:
                print('vmrig: host root at %s after %.1fs more' % (vm.host_root,
                                                                  vm.host_root_seconds),
                      file=sys.stderr)
            for cmd in a.run:
                rc, out = vm.run_bytes(cmd, a.timeout)
                sys.stdout.buffer.write(out)
                sys.stdout.flush()
                if rc != 0:
                    break
            if a.shell:
                rc = shell(vm, a.timeout)
            if a.dmesg_check:
                bad = vm.dmesg_problems()
                if bad:
                    print('vmrig: dmesg problems:\n' + '\n'.join(bad), file=sys.stderr)
                    rc = rc or 1
    except (VMError, QMPError, mkinitramfs.Error) as e:
        print('vmrig: %s' % e, file=sys.stderr)
        rc = 2
    if a.console:
        sys.stderr.write(vm.console_log())
    return rc


if __name__ == '__main__':
    sys.exit(main())
