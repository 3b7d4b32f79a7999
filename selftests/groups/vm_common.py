# SPDX-License-Identifier: GPL-2.0
"""Helpers shared by the VM test groups (vm_events.py, vm_metrics.py,
vm_serve.py): reading a guest file and polling for a condition.

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
