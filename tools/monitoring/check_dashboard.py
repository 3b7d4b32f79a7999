#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Check the Grafana dashboard (and the alert rules) against real metrics.

    check_dashboard.py [--rules RULES.yml] DASHBOARD.json [METRICS ...]

The dashboard must parse as JSON, be a dashboard (title, uid, panels), give
every panel a unique id and a place, every query panel at least one target
with an expression; and every metric name its PromQL expressions (targets
and template variables) use must be a family of the metrics text: a METRICS
file (`virtio-status metrics > FILE`, on a real machine or in a VM), or,
with none given, what tools/tests/metrics-scenario writes for a guest and
for a host (without --collect.features, so the dashboard needs no opt-in
family). With --rules, the `expr:` lines of the alert rules must name
families of it too.

Prints one line per problem and exits 1, or one summary line and exits 0.
Python's standard library only.
"""

import argparse
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SCENARIO = os.path.join(HERE, '..', 'tests', 'metrics-scenario')
NAME = re.compile(r'\bvirtio_status_[A-Za-z0-9_]+')
QUOTED = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'')
SAMPLE = re.compile(r'^([A-Za-z_:][A-Za-z0-9_:]*)[{ ]')


def families(text):
    """Metric families of an exposition: TYPE/HELP lines and sample names."""
    names = set()
    for line in text.splitlines():
        if line.startswith('# TYPE ') or line.startswith('# HELP '):
            parts = line.split()
            if len(parts) >= 3:
                names.add(parts[2])
        elif line and not line.startswith('#'):
            m = SAMPLE.match(line)
            if m:
                names.add(m.group(1))
    return names


def metric_names(expr):
    """virtio_status_* names an expression uses, label values left out."""
    return set(NAME.findall(QUOTED.sub('""', expr)))


def scenario_texts():
    """What metrics-scenario writes for a guest and a host of 2 VMs."""
    out = []
    for scn in ('guest', 'host:2:2'):
        r = subprocess.run([SCENARIO, scn], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True, check=False)
        if r.returncode:
            raise RuntimeError('%s %s: exit %d: %s' % (SCENARIO, scn, r.returncode,
                                                      r.stderr.strip()))
        out.append(('metrics-scenario ' + scn, r.stdout))
    return out


def walk_panels(panels):
    """Every panel, those inside rows too."""
    for p in panels:
        yield p
        yield from walk_panels(p.get('panels', []))


def check_dashboard(dash, known, bad):
    """Problems of @dash into @bad; the expressions checked."""
    exprs = []
    for key in ('title', 'uid', 'panels'):
        if key not in dash:
            bad.append('dashboard: no "%s"' % key)
    ids = {}
    for p in walk_panels(dash.get('panels', [])):
        title = p.get('title', '?')
        if 'id' not in p or 'gridPos' not in p or not p.get('type'):
            bad.append('panel %r: needs an id, a gridPos and a type' % title)
        if p.get('id') in ids:
            bad.append('panel %r: id %r is also %r\'s' % (title, p.get('id'), ids[p['id']]))
        ids[p.get('id')] = title
        if p.get('type') == 'row':
            continue
        targets = p.get('targets', [])
        if not targets:
            bad.append('panel %r: no query' % title)
        for t in targets:
            if not t.get('expr', '').strip():
                bad.append('panel %r: target %s has no expression' % (title, t.get('refId')))
                continue
            exprs.append(('panel %r' % title, t['expr']))
    for v in dash.get('templating', {}).get('list', []):
        q = v.get('query')
        if isinstance(q, dict):
            q = q.get('query', '')
        if v.get('type') == 'query' and q:
            exprs.append(('variable %r' % v.get('name'), q))
    return exprs


def rules_exprs(path):
    """The single-line expr: of each rule of a rules file."""
    out = []
    alert = '?'
    with open(path, encoding='utf-8') as f:
        for line in f:
            m = re.match(r'\s*-?\s*alert:\s*(\S+)', line)
            if m:
                alert = m.group(1)
            m = re.match(r'\s*expr:\s*(.+)$', line)
            if m:
                out.append(('rule %s' % alert, m.group(1).strip().strip('\'"')))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--rules', help='alert rules whose expressions to check too')
    ap.add_argument('dashboard')
    ap.add_argument('metrics', nargs='*', help='metrics text files (default: metrics-scenario)')
    a = ap.parse_args()
    bad = []
    try:
        with open(a.dashboard, encoding='utf-8') as f:
            dash = json.load(f)
    except (OSError, ValueError) as e:
        print('not ok: %s does not parse: %s' % (a.dashboard, e))
        return 1
    if a.metrics:
        texts = []
        for m in a.metrics:
            with open(m, encoding='utf-8') as f:
                texts.append((m, f.read()))
    else:
        texts = scenario_texts()
    known = set()
    for _, text in texts:
        known |= families(text)
    if not known:
        print('not ok: no metric family in %s' % ', '.join(n for n, _ in texts))
        return 1
    exprs = check_dashboard(dash if isinstance(dash, dict) else {}, known, bad)
    if a.rules:
        exprs += rules_exprs(a.rules)
    used = set()
    for where, expr in exprs:
        names = metric_names(expr)
        if not names:
            bad.append('%s: no virtio_status metric in %r' % (where, expr))
        for n in sorted(names - known):
            bad.append('%s: %s is not in the metrics (%s)' % (where, n, expr))
        used |= names
    for b in bad:
        print('not ok: ' + b)
    if bad:
        return 1
    print('ok: %d expressions use %d metric families, all in %s' %
          (len(exprs), len(used), ', '.join(n for n, _ in texts)))
    return 0


if __name__ == '__main__':
    sys.exit(main())
