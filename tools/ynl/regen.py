#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Generate every file that describes the virtio_status family's messages.

The one source is uapi/virtio_status.yaml, a genetlink spec checked against
the kernel's schema (Documentation/netlink/genetlink.yaml). From it:

  uapi/linux/virtio_status.h   ynl-gen-c --mode uapi
  kmod/vs_nl_gen.[ch]          ynl-gen-c --mode kernel: policies, split op
                               table (kmod/compat_genl.h adapts it to 6.1)
  tools/lib/vs_nl_gen.[ch]         tools/ynl/gen_libnl.py: the CLI's libnl
                               policies, attribute names, decode tables

ynl-gen-c is the kernel's own generator, from one pinned linux-source
package (tools/ynl/pin), so that a point release cannot change what we
commit. Our family struct is written by hand (kmod/family.c: it stays out
of other network namespaces), so the kernel files are rendered from a copy
of the spec marked genetlink-legacy, which makes ynl-gen-c leave the family
struct to us; the copy also carries the version (the const "version"),
which genetlink.yaml has no key for.

  regen.py            write the files
  regen.py --check    write them to a temporary place and fail (exit 1,
                      with a diff) if a committed file differs
  --top DIR           the tree to read the spec from and compare with
                      (default: this one); make check uses it to show that
                      the check fails on a spec changed without regen
"""

import argparse
import difflib
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
PIN = os.path.join(HERE, 'pin')
LICENSE = '((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause)'

# committed path -> how it is made
OUTPUTS = [
    ('uapi/linux/virtio_status.h', ['ynl', 'uapi', '--header']),
    ('kmod/vs_nl_gen.h', ['ynl', 'kernel', '--header']),
    ('kmod/vs_nl_gen.c', ['ynl', 'kernel', '--source']),
    ('tools/lib/vs_nl_gen.h', ['libnl', '--header']),
    ('tools/lib/vs_nl_gen.c', ['libnl', '--source']),
]


def read_pin():
    """The pinned package, its version, and sha256 of the files we run."""
    pin = {'files': {}}
    with open(PIN) as f:
        for line in f:
            words = line.split()
            if not words or words[0].startswith('#'):
                continue
            if words[0] == 'sha256':
                pin['files'][words[2]] = words[1]
            else:
                pin[words[0]] = words[1]
    return pin


def ynl_dir(pin):
    """Where the pinned ynl is unpacked (selftests/scripts/deps.sh puts it there)."""
    if os.environ.get('VS_YNL_DIR'):
        return os.environ['VS_YNL_DIR']
    cache = os.environ.get('VS_CACHE', '/var/cache/virtio-status')
    return os.path.join(cache, 'ynl', pin['version'])


def sha256(path):
    with open(path, 'rb') as f:
        return hashlib.sha256(f.read()).hexdigest()


def check_generator(ydir, pin):
    """None if @ydir holds the pinned generator, else a sentence why not."""
    for rel, want in sorted(pin['files'].items()):
        path = os.path.join(ydir, rel)
        if not os.path.exists(path):
            return f'{path} is missing (run selftests/scripts/deps.sh)'
        if sha256(path) != want:
            return (f'{path} is not the pinned one ({pin["package"]} '
                    f'{pin["version"]}): sha256 differs')
    return None


def render_tree(ydir, tmp, spec_path):
    """
    A tree ynl-gen-c accepts: it wants a MAINTAINERS file above the spec
    (to name the spec's path in its output) and finds the schema in the
    directory above the spec's. Returns the path of the render copy.
    """
    with open(spec_path) as f:
        text = f.read()
    spec = yaml.safe_load(text)
    if not text.startswith('# SPDX-License-Identifier: ' + LICENSE):
        sys.exit(f'{spec_path}: must start with the SPDX line {LICENSE}')

    # the spec itself, against the schema it claims
    sys.path.insert(0, os.path.join(ydir, 'tools', 'net', 'ynl'))
    from lib import SpecFamily  # noqa: E402 (needs the path above)
    SpecFamily(spec_path, schema_path=os.path.join(
        ydir, 'Documentation', 'netlink', 'genetlink.yaml'))

    consts = {d['name']: d for d in spec.get('definitions', [])}
    render = dict(spec)
    render['protocol'] = 'genetlink-legacy'
    render['version'] = consts['version']['value']

    open(os.path.join(tmp, 'MAINTAINERS'), 'w').close()
    os.makedirs(os.path.join(tmp, 'uapi'))
    shutil.copy(os.path.join(ydir, 'Documentation', 'netlink',
                             'genetlink-legacy.yaml'), tmp)
    path = os.path.join(tmp, 'uapi', 'virtio_status.yaml')
    with open(path, 'w') as f:
        f.write(f'# SPDX-License-Identifier: {LICENSE}\n')
        yaml.safe_dump(render, f, sort_keys=False)
    return path


def generate(ydir, outdir, spec_path):
    """Write every output of @spec_path under @outdir (same relative paths)."""
    with tempfile.TemporaryDirectory() as tmp:
        spec = render_tree(ydir, tmp, spec_path)
        ynl = os.path.join(ydir, 'tools', 'net', 'ynl')
        for rel, how in OUTPUTS:
            out = os.path.abspath(os.path.join(outdir, rel))
            if os.path.exists(out):
                os.unlink(out)
            os.makedirs(os.path.dirname(out), exist_ok=True)
            if how[0] == 'ynl':
                cmd = [sys.executable, os.path.join(ynl, 'ynl-gen-c.py'),
                       '--mode', how[1], how[2], '--spec', spec, '-o', out]
                subprocess.run(cmd, cwd=ynl, check=True)
            else:
                cmd = [sys.executable, os.path.join(HERE, 'gen_libnl.py'),
                       how[1], '--spec', spec_path, '--ynl', ynl, '-o', out]
                subprocess.run(cmd, check=True)
            # ynl-gen-c reports a failed write on stderr and exits 0
            if not os.path.exists(out):
                sys.exit(f'regen: {rel} was not generated')


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--check', action='store_true',
                    help='fail if regenerating would change a committed file')
    ap.add_argument('--top', default=TOP, help='the tree to work on')
    a = ap.parse_args()
    top = os.path.abspath(a.top)
    spec_path = os.path.join(top, 'uapi', 'virtio_status.yaml')

    pin = read_pin()
    ydir = ynl_dir(pin)
    why = check_generator(ydir, pin)
    if why:
        if a.check:
            print(f'regen: SKIP: {why}; the committed files were made '
                  f'by the pinned generator and are not compared')
            return 0
        sys.exit(f'regen: {why}')

    if not a.check:
        generate(ydir, top, spec_path)
        return 0

    with tempfile.TemporaryDirectory() as tmp:
        generate(ydir, tmp, spec_path)
        bad = 0
        for rel, _ in OUTPUTS:
            with open(os.path.join(tmp, rel)) as f:
                new = f.readlines()
            try:
                with open(os.path.join(top, rel)) as f:
                    old = f.readlines()
            except FileNotFoundError:
                old = []
            if new != old:
                bad += 1
                sys.stdout.writelines(difflib.unified_diff(
                    old, new, 'a/' + rel, 'b/' + rel))
        if bad:
            print(f'regen: {bad} generated file(s) differ from '
                  f'uapi/virtio_status.yaml: run make regen and commit')
            return 1
    print(f'regen: {len(OUTPUTS)} generated files match the spec')
    return 0


if __name__ == '__main__':
    sys.exit(main())
