#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Build the initramfs the VM rig boots (stdlib only).

The image is made of two gzip'd newc cpio archives, which the kernel unpacks
one after the other:

  base   busybox-static and its applet links, kmod (real modprobe/insmod/rmmod),
         jq, the kernel modules the tests need with their dependencies, /init,
         the command agent, /etc/passwd and /etc/group (root, nobody).
         Depends only on the kernel: cached by content hash.
  extra  the files of one test (our virtio_status.ko, test binaries, scripts),
         each with the shared libraries it needs (ldd; the host is Debian 12,
         like the guest userspace).

CLI:
  mkinitramfs.py --kernel 6.12 [--module NAME ...] [--file SRC[:DST] ...] -o OUT
"""

import argparse
import gzip
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
CACHE = os.environ.get('VS_CACHE', '/var/cache/virtio-status')

# Kernel modules the tests may need. Names that are built into a kernel
# (modules.builtin) are skipped; names that exist nowhere are reported.
DEFAULT_MODULES = [
    # virtio transports and the guest drivers of the devices the tests create
    'virtio_pci', 'virtio_pci_modern_dev', 'virtio_pci_legacy_dev',
    'virtio_mmio', 'virtio_net', 'virtio_blk', 'virtio_console', 'virtio_rng',
    'virtio_balloon', 'virtio_input', 'virtio_scsi', 'sd_mod',
    'vmw_vsock_virtio_transport',
    # host side: vhost and the things vhost-net / vhost-vsock use
    'vhost', 'vhost_iotlb', 'vhost_net', 'vhost_vsock', 'tun', 'tap', 'vsock',
    # vhost-vdpa over a VDUSE device (vdpa_test modprobes them; 6.12+ only).
    # Never virtio_vdpa: it would take the vdpa device before vhost_vdpa.
    'vduse', 'vhost_vdpa',
]

# Host binaries copied with their libraries. busybox must be the static one.
BUSYBOX = '/bin/busybox'
HOST_TOOLS = ['/usr/bin/kmod', '/usr/bin/jq']
KMOD_LINKS = ['sbin/modprobe', 'sbin/insmod', 'sbin/rmmod', 'sbin/lsmod',
              'sbin/modinfo', 'sbin/depmod']

INIT = r'''#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# /init of the virtio-status test VM: mount, load drivers, hand over to
# busybox init, which respawns the command agent (on /dev/ttyS1 unless
# vs.agent= names another port).
export PATH=/usr/local/sbin:/usr/local/bin:/sbin:/bin:/usr/sbin:/usr/bin HOME=/root
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t debugfs debugfs /sys/kernel/debug
mount -t tmpfs -o mode=1777 tmpfs /tmp
mount -t tmpfs -o mode=755 tmpfs /run
hostname vs-vm
ip link set lo up

# Kernel command line knobs:
#   vs.autoload=0      do not load drivers for present/hot-plugged devices
#   vs.modules=a,b     modules to load at boot in any case
autoload=1
modules=
for arg in $(cat /proc/cmdline); do
	case $arg in
	vs.autoload=*) autoload=${arg#*=} ;;
	vs.modules=*) modules=$(echo "${arg#*=}" | tr , ' ') ;;
	esac
done

if [ "$autoload" = 1 ]; then
	# Coldplug: load the driver of every device present, twice, as loading
	# virtio_pci creates the virtio devices whose drivers come next.
	for pass in 1 2; do
		cat /sys/bus/*/devices/*/modalias 2>/dev/null | sort -u |
			xargs -r modprobe -q -a -b 2>/dev/null
	done
	# Hotplug: busybox uevent runs the helper for every netlink uevent.
	uevent /sbin/vs-hotplug >/dev/null 2>&1 &
	# Static nodes (/dev/vhost-net, /dev/net/tun, ...) as on a Debian host:
	# opening one loads its module through the kernel's request_module().
	while read -r mod name dev; do
		case $dev in [cb]*:*) ;; *) continue ;; esac
		mkdir -p "/dev/$(dirname "$name")"
		[ -e "/dev/$name" ] || mknod "/dev/$name" "${dev%%[0-9]*}" \
			"$(echo "${dev#?}" | cut -d: -f1)" "${dev#*:}"
	done <"/lib/modules/$(uname -r)/modules.devname"
fi
[ -z "$modules" ] || modprobe -a $modules

echo "vs-init: $(uname -r) up after $(cut -d' ' -f1 /proc/uptime)s" >/dev/console
exec /bin/busybox init
'''

INITTAB = '''# SPDX-License-Identifier: GPL-2.0
::respawn:-/sbin/vs-agent
::shutdown:/bin/umount -a -r
'''

HOTPLUG = r'''#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Run by "busybox uevent" for each kernel uevent: load the driver of a new device.
[ "$ACTION" = add ] && [ -n "$MODALIAS" ] && exec modprobe -q -b "$MODALIAS"
exit 0
'''

# The command agent. Protocol (one line each way per request):
#   host -> guest  "SEQ TIMEOUT BASE64\n"   (BASE64 = the command for sh)
#   guest -> host  BASE64 of stdout+stderr, wrapped at 76 columns, then
#                  "@@VS-END SEQ RC@@\n"
# On start it prints "@@VS-READY@@". '@' is not a base64 character, so the
# markers cannot be confused with output. Commands run with cwd /, stdin from
# /dev/null and outputs to a file, so a command may leave background jobs.
AGENT = r'''#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Command agent on a serial port; see mkinitramfs.py for the protocol.
# The port: $1, else vs.agent= on the kernel command line, else ttyS1.
tty=$1
for arg in $(cat /proc/cmdline); do
	case $arg in vs.agent=*) [ -n "$tty" ] || tty=${arg#*=} ;; esac
done
tty=${tty:-/dev/ttyS1}
exec <"$tty" >"$tty" 2>/dev/console
stty raw -echo
d=/run/vs-agent
mkdir -p $d
export PATH=/usr/local/sbin:/usr/local/bin:/sbin:/bin:/usr/sbin:/usr/bin HOME=/root
printf '\n@@VS-READY@@\n'
while read -r seq tmo b64; do
	case $seq in ''|*[!0-9]*) continue ;; esac
	printf '%s' "$b64" | base64 -d >$d/cmd
	(cd / && exec timeout -s KILL "$tmo" sh $d/cmd) </dev/null >$d/out 2>&1
	rc=$?
	base64 $d/out
	printf '@@VS-END %s %s@@\n' "$seq" "$rc"
done
'''

PASSWD = '''root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/sh
'''
GROUP = '''root:x:0:
nogroup:x:65534:
'''
SHADOW = '''root:*:19000:0:99999:7:::
nobody:*:19000:0:99999:7:::
'''


class Error(Exception):
    pass


def kernel_info(line):
    """Return kernels.sh's JSON for one kernel line (downloads if needed)."""
    out = subprocess.run([os.path.join(HERE, 'kernels.sh'), '--json', line],
                         stdout=subprocess.PIPE, check=False, text=True)
    if out.returncode != 0:
        raise Error('kernels.sh failed for %s' % line)
    return json.loads(out.stdout.splitlines()[-1])


def _norm(name):
    return name.replace('-', '_')


def resolve_modules(modroot, kver, names):
    """Resolve module names against modules.dep.

    Returns (paths, builtin, missing): paths relative to lib/modules/KVER of
    the modules and all their dependencies, and the names that are built in
    or unknown.
    """
    mdir = os.path.join(modroot, 'lib/modules', kver)
    deps = {}
    with open(os.path.join(mdir, 'modules.dep')) as f:
        for line in f:
            path, _, rest = line.partition(':')
            name = _norm(os.path.basename(path).split('.ko')[0])
            deps[name] = (path, rest.split())
    builtin = set()
    with open(os.path.join(mdir, 'modules.builtin')) as f:
        for line in f:
            builtin.add(_norm(os.path.basename(line.strip()).split('.ko')[0]))
    paths, inbuilt, missing = set(), [], []
    for n in names:
        n = _norm(n)
        if n in deps:
            paths.add(deps[n][0])
            paths.update(deps[n][1])  # modules.dep lists the full closure
        elif n in builtin:
            inbuilt.append(n)
        else:
            missing.append(n)
    return sorted(paths), inbuilt, missing


def _is_dynamic_elf(path):
    with open(path, 'rb') as f:
        if f.read(4) != b'\x7fELF':
            return False
    out = subprocess.run(['ldd', path], stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, text=True)
    return out.returncode == 0 and ('=>' in out.stdout or 'ld-linux' in out.stdout)


def shared_libs(path):
    """Host paths of the shared libraries (and loader) an ELF file needs."""
    if not _is_dynamic_elf(path):
        return []
    out = subprocess.run(['ldd', path], stdout=subprocess.PIPE, text=True,
                         check=True).stdout
    libs = []
    for line in out.splitlines():
        m = re.search(r'=>\s*(/\S+)', line) or re.match(r'\s*(/\S+)', line)
        if m:
            libs.append(m.group(1))
        elif 'not found' in line:
            raise Error('%s: %s' % (path, line.strip()))
    return libs


class Stage:
    """A staging directory that becomes one cpio archive."""

    def __init__(self, root):
        self.root = root

    def path(self, dst):
        return os.path.join(self.root, dst.lstrip('/'))

    def mkdir(self, dst, mode=0o755):
        p = self.path(dst)
        os.makedirs(p, exist_ok=True)
        os.chmod(p, mode)

    def write(self, dst, text, mode=0o644):
        p = self.path(dst)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, 'w') as f:
            f.write(text)
        os.chmod(p, mode)

    def symlink(self, target, dst):
        p = self.path(dst)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        if not os.path.lexists(p):
            os.symlink(target, p)

    def copy(self, src, dst, with_libs=True):
        """Copy a file (following symlinks) or a directory tree."""
        if os.path.isdir(src):
            for dirpath, _, files in os.walk(src):
                rel = os.path.relpath(dirpath, src)
                for fn in files:
                    self.copy(os.path.join(dirpath, fn),
                              os.path.normpath(os.path.join(dst, rel, fn)),
                              with_libs)
            return
        p = self.path(dst)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        if os.path.lexists(p):
            os.unlink(p)
        shutil.copy2(src, p)
        shlib = src.endswith('.so') or '.so.' in os.path.basename(src)
        if with_libs and (os.access(src, os.X_OK) or shlib):
            for lib in shared_libs(src):
                if not os.path.exists(self.path(lib)):
                    self.copy(lib, lib, with_libs=False)

    def pack(self, out):
        """Write the tree as a gzip'd newc cpio owned by root."""
        names = subprocess.run('find . -mindepth 1 | LC_ALL=C sort', shell=True,
                               cwd=self.root, stdout=subprocess.PIPE,
                               check=True).stdout
        raw = subprocess.run(['cpio', '--quiet', '-o', '-H', 'newc', '-R', '0:0'],
                             cwd=self.root, input=names, stdout=subprocess.PIPE,
                             check=True).stdout
        tmp = '%s.%d.tmp' % (out, os.getpid())  # tests may build in parallel
        with gzip.open(tmp, 'wb', compresslevel=6) as f:
            f.write(raw)
        os.replace(tmp, out)


def _busybox_links(stage):
    out = subprocess.run([BUSYBOX, '--list-full'], stdout=subprocess.PIPE,
                         text=True, check=True).stdout
    for applet in out.split():
        depth = applet.count('/')
        stage.symlink('../' * depth + 'bin/busybox', applet)


def build_base(kver, modroot, modules, out, log=None):
    """Build the base archive for one kernel into OUT."""
    paths, builtin, missing = resolve_modules(modroot, kver, modules)
    if log:
        log('modules for %s: %d files; built in: %s; absent: %s' %
            (kver, len(paths), ' '.join(builtin) or '-', ' '.join(missing) or '-'))
    with tempfile.TemporaryDirectory(prefix='vs-initramfs-') as tmp:
        st = Stage(tmp)
        for d in ('bin', 'sbin', 'usr/bin', 'usr/sbin', 'etc', 'proc', 'sys',
                  'dev', 'run', 'root', 'var', 'mnt', 'lib', 'lib64'):
            st.mkdir(d)
        st.mkdir('tmp', 0o1777)
        st.mkdir('root', 0o700)
        st.copy(BUSYBOX, 'bin/busybox', with_libs=False)
        _busybox_links(st)
        for tool in HOST_TOOLS:
            st.copy(tool, tool)
        for link in KMOD_LINKS:
            p = st.path(link)
            if os.path.lexists(p):
                os.unlink(p)  # kmod's tools replace busybox's applets
            st.symlink('../usr/bin/kmod', link)

        mdir = 'lib/modules/%s' % kver
        src = os.path.join(modroot, mdir)
        for rel in paths:
            st.copy(os.path.join(src, rel), os.path.join(mdir, rel), False)
        for f in ('modules.builtin', 'modules.builtin.modinfo', 'modules.order'):
            if os.path.exists(os.path.join(src, f)):
                st.copy(os.path.join(src, f), os.path.join(mdir, f), False)
        subprocess.run(['depmod', '-b', tmp, kver], check=True)

        st.write('init', INIT, 0o755)
        st.write('sbin/vs-agent', AGENT, 0o755)
        st.write('sbin/vs-hotplug', HOTPLUG, 0o755)
        st.write('etc/inittab', INITTAB)
        st.write('etc/passwd', PASSWD)
        st.write('etc/group', GROUP)
        st.write('etc/shadow', SHADOW, 0o600)
        st.write('etc/hostname', 'vs-vm\n')
        st.pack(out)
    return builtin, missing


def base_image(line, modules=None, log=None):
    """Return (kernel info, path of the cached base archive) for a line."""
    info = kernel_info(line)
    modules = list(DEFAULT_MODULES if modules is None else modules)
    # The key covers this file (scripts and layout), the kernel, the module
    # list and the host binaries that get copied.
    with open(os.path.abspath(__file__), 'rb') as f:
        me = f.read()
    key = hashlib.sha256(repr((me, info['kver'], info['debver'], modules,
                               [os.path.getmtime(p) for p in [BUSYBOX] + HOST_TOOLS]
                               )).encode()).hexdigest()[:12]
    d = os.path.join(CACHE, 'initramfs')
    os.makedirs(d, exist_ok=True)
    prefix = 'base-%s-' % info['kver']
    out = os.path.join(d, prefix + key + '.cpio.gz')
    if not os.path.exists(out):
        build_base(info['kver'], info['modroot'], modules, out, log)
        # drop stale bases of this kernel (another module list is rebuilt in ~2 s)
        for old in os.listdir(d):
            if old.startswith(prefix) and old.endswith('.cpio.gz') and \
               os.path.join(d, old) != out and \
               time.time() - os.path.getmtime(os.path.join(d, old)) > 3600:
                os.unlink(os.path.join(d, old))
    return info, out


def parse_file_spec(spec):
    """'SRC' -> (SRC, /basename); 'SRC:DST' -> (SRC, DST); tuples pass."""
    if isinstance(spec, (tuple, list)):
        return spec[0], spec[1]
    src, sep, dst = spec.partition(':')
    return src, (dst if sep else '/' + os.path.basename(src.rstrip('/')))


def build_extra(files, out):
    """Archive of extra files (SRC or SRC:DST specs) and their libraries."""
    with tempfile.TemporaryDirectory(prefix='vs-extra-') as tmp:
        st = Stage(tmp)
        for spec in files:
            src, dst = parse_file_spec(spec)
            if not os.path.exists(src):
                raise Error('extra file %s does not exist' % src)
            st.copy(src, dst)
        st.pack(out)


def build(line, out, files=(), modules=None, log=None):
    """Base archive (cached) + extra files, concatenated into OUT."""
    info, base = base_image(line, modules, log)
    with open(out, 'wb') as o:
        with open(base, 'rb') as b:
            shutil.copyfileobj(b, o)
        if files:
            extra = out + '.extra'
            build_extra(files, extra)
            with open(extra, 'rb') as e:
                shutil.copyfileobj(e, o)
            os.unlink(extra)
    return info


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--kernel', default='6.12', help='kernel line: 6.1 or 6.12')
    ap.add_argument('--module', action='append',
                    help='kernel module to include (default: the test set)')
    ap.add_argument('--file', action='append', default=[],
                    help='extra file SRC[:DST] (default DST: /basename)')
    ap.add_argument('-o', '--output', required=True)
    a = ap.parse_args()
    try:
        info = build(a.kernel, a.output, a.file, a.module,
                     log=lambda m: print(m, file=sys.stderr))
    except (Error, subprocess.CalledProcessError) as e:
        sys.exit('mkinitramfs: %s' % e)
    print('%s %s' % (info['kver'], a.output))


if __name__ == '__main__':
    main()
