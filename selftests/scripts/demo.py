#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""make demo: boot Debian's 6.12 kernel in QEMU (TCG) with a handful of
virtio devices, load virtio_status, and print what virtio-status answers:
x-query-virtio, then x-query-virtio-status for every device.

    demo.py [--kernel 6.1|6.12]
"""

import argparse
import os
import sys
import tempfile

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(TOP, 'selftests', 'bench'))
sys.path.insert(0, os.path.join(TOP, 'selftests', 'vm'))
import bench  # noqa: E402
import vmrig  # noqa: E402

SHOW = r'''
echo '$ virtio-status -p x-query-virtio'
virtio-status -p x-query-virtio
for p in $(virtio-status x-query-virtio | jq -r '.return[].path'); do
	echo
	echo "\$ virtio-status -p x-query-virtio-status --path $p"
	virtio-status -p x-query-virtio-status --path "$p"
done
echo
echo '$ virtio-status'
virtio-status
echo
echo '$ virtio-status show virtio0'
virtio-status show virtio0
for cmd in 'x-query-virtio-status --decode --path virtio0' \
	   'x-query-virtio-queue-status --path virtio0 --queue 1' \
	   'x-query-virtio-queue-element --path virtio0 --queue 0 --index 0'; do
	echo
	echo "\$ virtio-status $cmd"
	virtio-status -p $cmd
done
exec 3<>/dev/vhost-net
echo
echo "\$ virtio-status -p x-query-virtio-vhost-queue-status --path /proc/$$/fd/3 --queue 0"
virtio-status -p x-query-virtio-vhost-queue-status --path /proc/$$/fd/3 --queue 0
'''


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--kernel', default='6.12')
    a = ap.parse_args()
    ko = bench.build_module(a.kernel)
    with tempfile.TemporaryDirectory(prefix='vs-demo-') as work:
        disk = vmrig.make_disk(os.path.join(work, 'disk.img'))
        devs = ['virtio-net-pci,id=net0,netdev=n0', 'virtio-blk-pci,id=blk0,drive=d0',
                'virtio-rng-pci,id=rng0', 'virtio-balloon-pci,id=balloon0',
                'virtio-serial-pci,id=serial0', 'virtio-keyboard-pci,id=kbd0',
                'virtio-rng-pci,id=legacy0,disable-modern=on,disable-legacy=off']
        qargs = ['-netdev', 'user,id=n0', '-drive', 'if=none,id=d0,file=%s,format=raw' % disk]
        files = [ko + ':/virtio_status.ko',
                 os.path.join(TOP, 'tools/virtio-status') + ':/usr/bin/virtio-status']
        with vmrig.VM(kernel=a.kernel, devices=devs, qemu_args=qargs,
                      extra_files=files) as vm:
            print('# %s booted under TCG in %.1fs; QEMU devices: %s' %
                  (vm.kver, vm.boot_seconds, ', '.join(d.split(',')[0] for d in devs)))
            vm.check('insmod /virtio_status.ko')
            print(vm.check(SHOW, timeout=300), end='')
    return 0


if __name__ == '__main__':
    sys.exit(main())
