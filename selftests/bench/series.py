#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Series counts of `virtio-status metrics` output: what a scrape costs
Prometheus.

    series.py [FILE]        count a metrics text (default: standard input)
    series.py --scenarios   the host-side figures: tools/tests/metrics-scenario
                            for a guest and for 200-VM hosts, with and without
                            --collect.features

A series is one sample line. Those labelled `path` belong to that device
(its queues' too); the rest are the scrape's own. Per device kind
(virtio_status_device_info's `kind`) the mean over the devices of that kind
is printed, and with --json one JSON object.

count(text) is the function to import (a VM test can call it on the text it
got from the guest).
"""

import argparse
import json
import os
import re
import subprocess
import sys

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCENARIO = os.path.join(TOP, 'tools', 'tests', 'metrics-scenario')
SAMPLE = re.compile(r'^([A-Za-z_:][A-Za-z0-9_:]*)(\{(.*)\})?\s+\S+')
LABEL = re.compile(r'([A-Za-z_][A-Za-z0-9_]*)="((?:[^"\\]|\\.)*)"')


def count(text):
    """Series of a metrics text: total, per family, per device and per kind."""
    res = {'series': 0, 'scrape': 0, 'families': {}, 'devices': {}, 'kind': {}}
    kinds = {}
    for line in text.splitlines():
        if not line or line.startswith('#'):
            continue
        m = SAMPLE.match(line)
        if not m:
            continue
        name = m.group(1)
        labels = dict(LABEL.findall(m.group(3) or ''))
        res['series'] += 1
        res['families'][name] = res['families'].get(name, 0) + 1
        path = labels.get('path')
        if path is None:
            res['scrape'] += 1
            continue
        res['devices'][path] = res['devices'].get(path, 0) + 1
        if name == 'virtio_status_device_info':
            kinds[path] = labels.get('kind', '?')
    for path, n in res['devices'].items():
        k = res['kind'].setdefault(kinds.get(path, '?'), {'devices': 0, 'series': 0})
        k['devices'] += 1
        k['series'] += n
    for k in res['kind'].values():
        k['per_device'] = k['series'] / k['devices']
    return res


def summary(res):
    """One line: total, the scrape's own, per device of each kind."""
    kinds = ', '.join('%d %s devices %.1f series each' % (k['devices'], kind, k['per_device'])
                      for kind, k in sorted(res['kind'].items()))
    return '%d series: %d of the scrape, %s' % (res['series'], res['scrape'], kinds or 'no device')


# (what, scenario): the host-side figures
SCENARIOS = [
    ('guest: virtio-net (2 queue pairs + ctrl), 2 virtio-blk, virtio-scsi, vsock, '
     'balloon, 1 busy device', 'guest'),
    ('host: 200 VMs, 1 vhost-net queue pair (1 device, 2 queues) each', 'host:200:1'),
    ('host: 200 VMs, 4 vhost-net queue pairs (4 devices, 8 queues) each', 'host:200:4'),
]


def scenarios(as_json):
    """Count metrics-scenario's output, with and without --collect.features."""
    if not os.access(SCENARIO, os.X_OK):
        subprocess.check_call(['make', '-s', '-C', os.path.join(TOP, 'tools'), 'scenario'])
    out = []
    for what, scn in SCENARIOS:
        row = {'machine': what, 'scenario': scn}
        for key, opt in (('default', []), ('features', ['--collect.features'])):
            text = subprocess.check_output([SCENARIO] + opt + [scn], text=True,
                                           stderr=subprocess.DEVNULL)
            row[key] = count(text)
        out.append(row)
        if as_json:
            continue
        d, f = row['default'], row['features']
        print('%s: %d series (%d with --collect.features)' % (what, d['series'], f['series']))
        for kind in sorted(d['kind']):
            print('  per %s device: %.1f series (%.1f with --collect.features)' %
                  (kind, d['kind'][kind]['per_device'], f['kind'][kind]['per_device']))
        print('  of the scrape itself: %d' % d['scrape'])
    if as_json:
        for row in out:
            for key in ('default', 'features'):
                del row[key]['devices']
        print(json.dumps(out))
    sys.stdout.flush()
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('file', nargs='?', help='metrics text (default: standard input)')
    ap.add_argument('--scenarios', action='store_true',
                    help='count metrics-scenario output for a guest and 200-VM hosts')
    ap.add_argument('--json', action='store_true', help='print JSON')
    a = ap.parse_args()
    if a.scenarios:
        scenarios(a.json)
        return 0
    if a.file:
        with open(a.file, encoding='utf-8') as f:
            text = f.read()
    else:
        text = sys.stdin.read()
    res = count(text)
    if a.json:
        del res['devices']
        print(json.dumps(res))
    else:
        print(summary(res))
    return 0


if __name__ == '__main__':
    sys.exit(main())
