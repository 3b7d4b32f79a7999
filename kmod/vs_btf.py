# SPDX-License-Identifier: GPL-2.0
"""Where the build finds a kernel's BTF, and a small reader of raw BTF.

Shared by gen_vhost_layout.py (vhost's private structures) and
gen_fingerprint.py (the kernel interfaces the module touches). Standard
library only: the build runs it with the kernel tree's python3.
"""

import lzma
import os
import shutil
import struct
import subprocess


def write_header(path, text):
    """Write a generated header, but leave an unchanged one alone: its mtime
    stays, and kbuild rebuilds nothing."""
    try:
        with open(path) as f:
            if f.read() == text:
                return
    except OSError:
        pass
    with open(path + '.tmp', 'w') as f:
        f.write(text)
    os.replace(path + '.tmp', path)


class Missing(Exception):
    """Something the generator needs is not there; the message says what."""


def vmlinux_from_bzimage(image, krel, tmp):
    """The ELF vmlinux inside an x86 bzImage: the setup header says where the
    compressed payload is, and the build appended its 4-byte size to it."""
    with open(image, 'rb') as f:
        img = f.read()
    if len(img) < 0x250 or img[0x202:0x206] != b'HdrS':
        raise Missing('%s is not an x86 bzImage' % image)
    start = (img[0x1f1] + 1) * 512
    off, length = struct.unpack_from('<II', img, 0x248)
    payload = img[start + off:start + off + length - 4]
    if payload.startswith(b'\xfd7zXZ\x00'):
        elf = lzma.decompress(payload, format=lzma.FORMAT_XZ)
    elif payload.startswith(b'\x28\xb5\x2f\xfd'):
        if not shutil.which('zstd'):
            raise Missing('%s is zstd-compressed and zstd is not installed' % image)
        elf = subprocess.run(['zstd', '-dcq'], input=payload, check=True,
                             stdout=subprocess.PIPE).stdout
    else:
        raise Missing('%s: unknown compression' % image)
    if not elf.startswith(b'\x7fELF') or b'Linux version %s ' % krel.encode() not in elf:
        raise Missing('%s holds no vmlinux of %s' % (image, krel))
    out = os.path.join(tmp, 'vmlinux')
    with open(out, 'wb') as f:
        f.write(elf)
    return out


def find_btf_base(krel, tmp):
    """The kernel's BTF when none is given: the running kernel's in sysfs;
    for another kernel an uncompressed vmlinux where Debian puts one (its
    headers since 6.12, its -dbg package), else the one inside
    /boot/vmlinuz-KREL."""
    if krel == os.uname().release and os.path.exists('/sys/kernel/btf/vmlinux'):
        return '/sys/kernel/btf/vmlinux'
    for path in ('/lib/modules/%s/build/vmlinux' % krel, '/usr/lib/debug/boot/vmlinux-' + krel,
                 '/boot/vmlinux-' + krel):
        if os.path.isfile(path):
            return path
    if os.path.isfile('/boot/vmlinuz-' + krel):
        return vmlinux_from_bzimage('/boot/vmlinuz-' + krel, krel, tmp)
    raise Missing('no BTF base for %s: none of /lib/modules/%s/build/vmlinux, '
                  '/usr/lib/debug/boot/vmlinux-%s, /boot/vmlinux-%s, /boot/vmlinuz-%s exists; '
                  'pass VS_VMLINUX=<its vmlinux>' % ((krel,) * 5))


def raw_btf(path, tmp):
    """The raw BTF bytes of @path: a raw BTF file (/sys/kernel/btf/*) or an
    ELF object with a .BTF section."""
    with open(path, 'rb') as f:
        head = f.read(4)
    if head[:2] == b'\x9f\xeb':
        with open(path, 'rb') as f:
            return f.read()
    if head != b'\x7fELF':
        raise Missing('%s is neither raw BTF nor an ELF file' % path)
    out = os.path.join(tmp, os.path.basename(path) + '.BTF')
    r = subprocess.run(['objcopy', '--dump-section', '.BTF=' + out, path, os.devnull],
                       capture_output=True, text=True)
    if r.returncode != 0 or not os.path.exists(out):
        raise Missing('%s has no .BTF section: %s' % (path, r.stderr.strip()[:200]))
    with open(out, 'rb') as f:
        return f.read()


# BTF kinds (include/uapi/linux/btf.h), and the bytes each adds after the
# common 12-byte header: fixed, or per vlen entry.
KINDS = {1: 'int', 2: 'ptr', 3: 'array', 4: 'struct', 5: 'union', 6: 'enum',
         7: 'fwd', 8: 'typedef', 9: 'volatile', 10: 'const', 11: 'restrict',
         12: 'func', 13: 'func_proto', 14: 'var', 15: 'datasec', 16: 'float',
         17: 'decl_tag', 18: 'type_tag', 19: 'enum64'}
FIXED = {1: 4, 3: 12, 14: 4, 17: 4}
PER_VLEN = {4: 12, 5: 12, 6: 8, 13: 8, 15: 12, 19: 12}


class Btf:
    """The types of one raw BTF blob (little endian, as on x86)."""

    def __init__(self, data):
        magic, _, _, hdr_len, type_off, type_len, str_off, str_len = \
            struct.unpack_from('<HBBIIIII', data, 0)
        if magic != 0xeb9f:
            raise Missing('not little-endian BTF (magic 0x%04x)' % magic)
        self.strs = data[hdr_len + str_off:hdr_len + str_off + str_len]
        self.types = [None]             # id 0 is void
        pos, end = hdr_len + type_off, hdr_len + type_off + type_len
        while pos < end:
            name_off, info, size_type = struct.unpack_from('<III', data, pos)
            kind, vlen = (info >> 24) & 0x1f, info & 0xffff
            if kind not in KINDS:
                raise Missing('unknown BTF kind %d' % kind)
            pos += 12
            extra = data[pos:pos + FIXED.get(kind, 0) + PER_VLEN.get(kind, 0) * vlen]
            pos += len(extra)
            self.types.append((kind, self.str(name_off), size_type, vlen, info >> 31, extra))
        self.by_name = {}
        for tid, t in enumerate(self.types):
            if t and t[1] and t[0] in (4, 5):
                self.by_name.setdefault((t[0], t[1]), tid)

    def str(self, off):
        return self.strs[off:self.strs.index(b'\0', off)].decode()

    def members(self, tid):
        """(name, type id, bit offset, bitfield size) of a struct or union."""
        kind, _, _, vlen, kflag, extra = self.types[tid]
        out = []
        for i in range(vlen):
            name_off, mtype, off = struct.unpack_from('<III', extra, i * 12)
            bits = off >> 24 if kflag else 0
            out.append((self.str(name_off), mtype, off & 0xffffff if kflag else off, bits))
        return out

    def type_str(self, tid, depth=0):
        """A type spelled without sizes or offsets: what a source change shows."""
        if tid == 0:
            return 'void'
        kind, name, size_type, vlen, _, extra = self.types[tid]
        k = KINDS[kind]
        if k in ('int', 'float', 'typedef'):
            return name
        if k in ('fwd', 'struct', 'union') and (name or depth > 4):
            return '%s %s' % ('union' if k == 'union' else 'struct', name)
        if k in ('struct', 'union'):
            return '%s {%s}' % (k, '; '.join(self.member_str(m, depth + 1)
                                             for m in self.members(tid)))
        if k in ('enum', 'enum64'):
            return 'enum ' + name
        if k == 'ptr':
            return self.type_str(size_type, depth) + ' *'
        if k in ('const', 'volatile', 'restrict', 'type_tag'):
            return '%s %s' % (k if k != 'type_tag' else name, self.type_str(size_type, depth))
        if k == 'array':
            elem, _, nelems = struct.unpack_from('<III', extra, 0)
            return '%s[%d]' % (self.type_str(elem, depth), nelems)
        if k == 'func_proto':
            args = [self.type_str(struct.unpack_from('<II', extra, i * 8)[1], depth)
                    for i in range(vlen)]
            return '%s(%s)' % (self.type_str(size_type, depth), ', '.join(args))
        return k + ' ' + name

    def member_str(self, m, depth=0):
        name, mtype, _, bits = m
        return '%s %s%s' % (self.type_str(mtype, depth), name or '<anon>',
                            ':%d' % bits if bits else '')

    def struct_text(self, name, union=False):
        """One line per member of struct (or union) @name, or None."""
        tid = self.by_name.get((5 if union else 4, name))
        if tid is None:
            return None
        return [self.member_str(m) for m in self.members(tid)]
