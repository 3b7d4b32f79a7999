# SPDX-License-Identifier: GPL-2.0
"""Helpers shared by the VM test groups (vm_events.py, vm_metrics.py,
vm_serve.py, vm_tests.py): reading a guest file, polling for a condition,
and unloading the module while requests run.

Nothing here times an assertion: a wait polls until its condition holds
or its timeout passes, and returns the condition's last answer.
"""

import time

WAIT = 60   # seconds a wait polls by default


def cat(vm, path):
    """The guest file PATH's text, or '' when it cannot be read."""
    _, out = vm.run('cat %s 2>/dev/null' % path)
    return out


def wait_until(fn, timeout=WAIT, every=0.3):
    """Call FN every EVERY seconds until it returns something true or
    TIMEOUT seconds have passed; FN's last answer."""
    end = time.monotonic() + timeout
    while True:
        r = fn()
        if r or time.monotonic() > end:
            return r
        time.sleep(every)


# A guest shell command: rmmod virtio_status, trying again (every 50 ms, 50
# times) while it fails with EAGAIN: a dump in progress (a CLI's, or an
# exporter's scrape) holds the module, and the kernel's rmmod does not wait
# for it. Any other failure prints rmmod's words and exits 1.
RMMOD_WAITING = ('t=0; until rmmod virtio_status 2>/tmp/rmmod.err; do '
                 'grep -q "temporarily unavailable" /tmp/rmmod.err && [ $t -lt 50 ] || '
                 '{ cat /tmp/rmmod.err; exit 1; }; t=$((t+1)); sleep 0.05; done')
