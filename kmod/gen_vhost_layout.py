#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Write kmod/vhost_layout.h: where vhost's private structures keep the
fields virtio_status reads, taken from the BTF of the very vhost modules of
the kernel being built for (never from a hand-written copy of the structs,
which change even inside one stable series).

    gen_vhost_layout.py --kernelrelease KREL [--vmlinux BTF_BASE]
                        [--moddir DIR] [--test-wrong-layout] --out FILE

BTF_BASE is the kernel's own BTF, the base the modules' BTF refers to:
/sys/kernel/btf/vmlinux when building for the running kernel, else an
uncompressed vmlinux of that kernel; without --vmlinux it is looked for in
/lib/modules/KREL/build/vmlinux, /usr/lib/debug/boot/vmlinux-KREL,
/boot/vmlinux-KREL, then taken out of /boot/vmlinuz-KREL (x86 bzImage, xz
or zstd). DIR holds its vhost*.ko (or .ko.xz),
by default /lib/modules/KREL/kernel/drivers/vhost. pahole (Debian package
dwarves) reads the BTF.

The header also records each module's BTF size and CRC32, so the module can
check at run time that the vhost modules loaded are the ones the layout was
taken from (/sys/kernel/btf/MODULE holds the same bytes). When something is
missing, the header says why instead (VS_VHOST_LAYOUT_MISSING) and the
module builds with vhost support off, giving that reason to users.

--test-wrong-layout (tests only) moves the struct vhost_dev inside struct
vhost_vsock by one pointer while keeping the checksums, so the run-time
structure checks must catch it for vhost-vsock devices, and only for them.
"""

import argparse
import lzma
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vs_btf  # noqa: E402
from vs_btf import Missing, find_btf_base  # noqa: E402

# (C name in the header, struct, member, expected size or None)
CORE = [
    ('VS_VHOST_DEV_MM', 'vhost_dev', 'mm', 8),
    ('VS_VHOST_DEV_MUTEX', 'vhost_dev', 'mutex', None),
    ('VS_VHOST_DEV_VQS', 'vhost_dev', 'vqs', 8),
    ('VS_VHOST_DEV_NVQS', 'vhost_dev', 'nvqs', 4),
    ('VS_VHOST_DEV_UMEM', 'vhost_dev', 'umem', 8),
    ('VS_VQ_DEV', 'vhost_virtqueue', 'dev', 8),
    ('VS_VQ_MUTEX', 'vhost_virtqueue', 'mutex', None),
    ('VS_VQ_NUM', 'vhost_virtqueue', 'num', 4),
    ('VS_VQ_PRIVATE_DATA', 'vhost_virtqueue', 'private_data', 8),
    ('VS_VQ_ACKED_FEATURES', 'vhost_virtqueue', 'acked_features', 8),
    ('VS_VQ_ACKED_BACKEND_FEATURES', 'vhost_virtqueue', 'acked_backend_features', 8),
    ('VS_VQ_DESC', 'vhost_virtqueue', 'desc', 8),
    ('VS_VQ_AVAIL', 'vhost_virtqueue', 'avail', 8),
    ('VS_VQ_USED', 'vhost_virtqueue', 'used', 8),
    ('VS_VQ_LAST_AVAIL_IDX', 'vhost_virtqueue', 'last_avail_idx', 2),
    ('VS_VQ_AVAIL_IDX', 'vhost_virtqueue', 'avail_idx', 2),
    ('VS_VQ_LAST_USED_IDX', 'vhost_virtqueue', 'last_used_idx', 2),
    ('VS_VQ_KICK', 'vhost_virtqueue', 'kick', 8),
    ('VS_VQ_CALL_CTX', 'vhost_virtqueue', 'call_ctx', None),
]

# module -> its device structure, which embeds a struct vhost_dev
CONTAINERS = [
    ('vhost_net', 'vhost_net', True),
    ('vhost_vsock', 'vhost_vsock', True),
    ('vhost_scsi', 'vhost_scsi', False),
    ('vhost_vdpa', 'vhost_vdpa', False),
]

MEMBER_RE = re.compile(r'^\t+(?P<type>[^\t/][^;]*?)\s*\b(?P<name>\w+)(\[\d*\])?;'
                       r'\s*/\*\s*(?P<off>\d+)(:\d+)?\s+(?P<size>\d+)\s*\*/')


def find_module(moddir, name, tmp):
    for base, _, files in os.walk(moddir):
        for ext, opener in (('.ko', open), ('.ko.xz', lzma.open)):
            if name + ext in files:
                src = os.path.join(base, name + ext)
                if ext == '.ko':
                    return src
                dst = os.path.join(tmp, name + '.ko')
                with opener(src, 'rb') as f, open(dst, 'wb') as out:
                    shutil.copyfileobj(f, out)
                return dst
    return None


def section(ko, name, tmp):
    out = os.path.join(tmp, os.path.basename(ko) + name)
    subprocess.run(['objcopy', '--dump-section', '%s=%s' % (name, out), ko, os.devnull],
                   check=True, capture_output=True)
    with open(out, 'rb') as f:
        return f.read()


def vermagic_release(ko):
    out = subprocess.run(['modinfo', '-F', 'vermagic', ko], capture_output=True,
                         text=True).stdout.strip()
    return out.split()[0] if out else None


def members(vmlinux, ko, struct):
    """{member: (offset, size, type)} of a struct, as pahole reads the BTF."""
    r = subprocess.run(['pahole', '--btf_base', vmlinux, '-C', struct, ko],
                       capture_output=True, text=True)
    if r.returncode != 0 or not r.stdout.startswith('struct %s {' % struct):
        raise Missing('pahole found no struct %s in %s: %s' %
                      (struct, os.path.basename(ko), (r.stderr or r.stdout).strip()[:200]))
    found = {}
    for line in r.stdout.splitlines():
        m = MEMBER_RE.match(line)
        # a member of an anonymous union is printed one tab deeper, with
        # its offset in the outer struct; the first of a name wins
        if m and m.group('name') not in found:
            found[m.group('name')] = (int(m.group('off')), int(m.group('size')),
                                      m.group('type').strip())
    size = re.search(r'/\* size: (\d+)', r.stdout)
    found['__size__'] = (0, int(size.group(1)) if size else 0, '')
    return found


def generate(a, tmp):
    lines = []
    if not shutil.which('pahole'):
        raise Missing('pahole is not installed (Debian package dwarves)')
    vmlinux = a.vmlinux or find_btf_base(a.kernelrelease, tmp)
    if not os.path.exists(vmlinux):
        raise Missing('BTF base %s does not exist' % vmlinux)
    moddir = a.moddir or '/lib/modules/%s/kernel/drivers/vhost' % a.kernelrelease
    core = find_module(moddir, 'vhost', tmp)
    if not core:
        raise Missing('no vhost.ko under %s' % moddir)

    mods = {'vhost': core}
    for mod, _, required in CONTAINERS:
        ko = find_module(moddir, mod, tmp)
        if ko:
            mods[mod] = ko
        elif required:
            raise Missing('no %s.ko under %s' % (mod, moddir))
    for mod, ko in mods.items():
        rel = vermagic_release(ko)
        if rel != a.kernelrelease:
            raise Missing('%s is for %s, not %s' % (os.path.basename(ko), rel, a.kernelrelease))

    layout = {s: members(vmlinux, core, s)
              for s in ('vhost_dev', 'vhost_virtqueue', 'vhost_vring_call')}
    for cname, struct, member, size in CORE:
        if member not in layout[struct]:
            raise Missing('struct %s has no member %s' % (struct, member))
        off, msize, _ = layout[struct][member]
        if size is not None and msize != size:
            raise Missing('%s.%s is %d bytes, expected %d' % (struct, member, msize, size))
        if cname == 'VS_VQ_CALL_CTX':
            # the eventfd is call_ctx.ctx
            if layout['vhost_vring_call'].get('ctx', (0, 0, ''))[1] != 8:
                raise Missing('struct vhost_vring_call has no 8-byte ctx')
            off += layout['vhost_vring_call']['ctx'][0]
            size = 8
        lines.append('#define %-32s %d' % (cname, off))
        if cname == 'VS_VQ_ACKED_FEATURES':
            # 6.17+: acked_features shares a union with a 2-word array
            arr = layout[struct].get('acked_features_array')
            words = 2 if arr and arr[0] == off and arr[1] == 16 else 1
            lines.append('#define %-32s %d' % ('VS_VQ_ACKED_FEATURES_WORDS', words))
        if size is None:
            lines.append('#define %-32s %d' % (cname + '_SIZE', msize))

    for mod, struct, _ in CONTAINERS:
        off = -1
        if mod in mods:
            for name, (moff, _, mtype) in members(vmlinux, mods[mod], struct).items():
                if mtype == 'struct vhost_dev':
                    off = moff
                    break
            else:
                raise Missing('struct %s embeds no struct vhost_dev' % struct)
            if mod == 'vhost_vsock' and a.test_wrong_layout:
                off += 8        # tests: vhost-vsock devices fail, the others not
        lines.append('#define %-32s %d' % ('VS_%s_DEV' % mod.upper(), off))

    # vhost-vdpa keeps its state in the vdpa device: where its pointer is,
    # and the virtio device id it backs (-1: unknown, not read)
    vdpa = members(vmlinux, mods['vhost_vdpa'], 'vhost_vdpa') if 'vhost_vdpa' in mods else {}
    for cname, member, size, mtype in (('VS_VHOST_VDPA_VDPA', 'vdpa', 8, 'struct vdpa_device *'),
                                       ('VS_VHOST_VDPA_VIRTIO_ID', 'virtio_id', 4, 'int')):
        m = vdpa.get(member)
        ok = m and m[1] == size and m[2].replace(' ', '') == mtype.replace(' ', '')
        lines.append('#define %-32s %d' % (cname, m[0] if ok else -1))

    # vhost-vsock: the guest's context id (-1: unknown, not read)
    vsock = members(vmlinux, mods['vhost_vsock'], 'vhost_vsock')
    m = vsock.get('guest_cid')
    ok = m and m[1] == 4 and m[2].replace(' ', '') == 'u32'
    lines.append('#define %-32s %d' % ('VS_VHOST_VSOCK_GUEST_CID', m[0] if ok else -1))

    lines.append('')
    lines.append('#define VS_VHOST_BTF_TABLE \\')
    for mod, ko in sorted(mods.items()):
        btf = section(ko, '.BTF', tmp)
        lines.append('\t{ "%s", %d, 0x%08x }, \\' % (mod, len(btf), zlib.crc32(btf)))
    lines.append('')
    return lines, '%s%s, from the BTF of its vhost modules' % (
        a.kernelrelease, ' (TEST: wrong layout)' if a.test_wrong_layout else '')


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--kernelrelease', required=True)
    ap.add_argument('--vmlinux')
    ap.add_argument('--moddir')
    ap.add_argument('--test-wrong-layout', action='store_true')
    ap.add_argument('--out', required=True)
    a = ap.parse_args()
    head = ['/* SPDX-License-Identifier: GPL-2.0 */',
            '/* Generated by kmod/gen_vhost_layout.py; do not edit. */',
            '#ifndef _VS_VHOST_LAYOUT_H', '#define _VS_VHOST_LAYOUT_H', '']
    with tempfile.TemporaryDirectory(prefix='vs-layout-') as tmp:
        try:
            body, source = generate(a, tmp)
            body = ['#define VS_VHOST_LAYOUT_FROM "%s"' % source, ''] + body
        except (Missing, OSError, subprocess.CalledProcessError) as e:
            print('gen_vhost_layout: vhost support off: %s' % e, file=sys.stderr)
            body = ['#define VS_VHOST_LAYOUT_MISSING "%s"' %
                    str(e).replace('\\', '/').replace('"', "'")]
    text = '\n'.join(head + body + ['#endif', ''])
    vs_btf.write_header(a.out, text)
    return 0


if __name__ == '__main__':
    sys.exit(main())
