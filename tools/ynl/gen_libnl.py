#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""The CLI's side of the family, from uapi/virtio_status.yaml.

ynl-gen-c's user mode targets ynl's own C library; the CLI uses libnl. This
generator reads the spec with ynl's Python spec library and writes, for
every attribute set that is not a subset:

  struct vs_nl_<set>        the decoded message: one member per attribute,
                            named after it, plus a presence mask
  vs_nl_<set>_policy[]      a libnl policy (minimum sizes, for requests the
                            CLI builds and the replies it parses)
  vs_nl_<set>_set           the table tools/lib/nl_decode.c walks to fill the
                            struct: type, offset, size, nested set

so that a new attribute needs the spec, a fill in the kernel and a render
line in the CLI, and no table kept by hand.

  gen_libnl.py --header|--source --spec SPEC --ynl YNL_DIR -o OUT
"""

import argparse
import os
import sys

# Limits the spec keeps as consts: a multi-attr attribute's array holds
# this many; a string without a max-len check gets VS_NL_STR_MAX bytes.
MULTI_MAX = {
    ('vhost', 'holder-pid'): 'holders-sent',
    ('element', 'desc'): 'descs-max',
    ('dev', 'child'): 'child-max',
}

SCALAR = {'u8': ('u8', 'VS_NL_U8', 'NLA_U8'),
          'u32': ('u32', 'VS_NL_U32', 'NLA_U32'),
          'u64': ('u64', 'VS_NL_U64', 'NLA_U64')}


def c_name(name):
    return name.replace('-', '_')


def c_upper(name):
    return name.replace('-', '_').upper()


class Gen:
    def __init__(self, family):
        self.f = family
        self.fam = c_upper(family.name)
        self.sets = [s for s in family.attr_sets.values() if not s.subset_of]
        self.consts = {c['name']: c for c in family.yaml.get('definitions', [])
                       if c['type'] == 'const'}

    def const(self, name):
        if name not in self.consts:
            sys.exit(f'gen_libnl: no const {name} in the spec')
        return f'{self.fam}_{c_upper(name)}'

    def prefix(self, aset):
        return c_upper(aset.yaml.get('name-prefix',
                                     f'{self.f.name}-a-{aset.name}-'))

    def enum(self, aset, attr):
        return self.prefix(aset) + c_upper(attr.name)

    def max_enum(self, aset):
        return self.prefix(aset) + 'MAX'

    def str_size(self, attr):
        lim = attr.yaml.get('checks', {}).get('max-len')
        if lim is None:
            return 'VS_NL_STR_MAX'
        if isinstance(lim, int):
            return str(lim + 1)
        return f'({self.const(lim)} + 1)'

    def multi_max(self, aset, attr):
        key = (aset.name, attr.name)
        if key not in MULTI_MAX:
            sys.exit(f'gen_libnl: {aset.name}.{attr.name} repeats: '
                     f'give it a limit in MULTI_MAX')
        return self.const(MULTI_MAX[key])

    def members(self, aset):
        """(C declaration, attr) for each attribute that carries data."""
        out = []
        for attr in aset.attrs.values():
            name = c_name(attr.name)
            if attr.type == 'pad':
                continue
            if attr.type in SCALAR:
                decl = f'{SCALAR[attr.type][0]} {name}'
            elif attr.type == 'string':
                decl = f'char {name}[{self.str_size(attr)}]'
            elif attr.type == 'nest':
                decl = f'struct vs_nl_{self.nested_name(attr)} {name}'
            else:
                sys.exit(f'gen_libnl: {aset.name}.{attr.name}: type '
                         f'{attr.type} is not handled')
            if attr.is_multi:
                decl += f'[{self.multi_max(aset, attr)}]'
            out.append((decl, attr))
        return out

    def nested_name(self, attr):
        name = attr.yaml['nested-attributes']
        parent = self.f.attr_sets[name].subset_of
        return c_name(parent or name)

    def order(self):
        """Sets so that a nested set's struct comes before its users."""
        done, out = set(), []

        def visit(aset):
            if aset.name in done:
                return
            done.add(aset.name)
            for attr in aset.attrs.values():
                if attr.type == 'nest':
                    visit(self.f.attr_sets[self.nested_name(attr).replace('_', '-')])
            out.append(aset)
        for aset in self.sets:
            visit(aset)
        return out

    def header(self):
        p = []
        p.append('#ifndef VS_NL_GEN_H')
        p.append('#define VS_NL_GEN_H')
        p.append('')
        p.append('#include <stddef.h>')
        p.append('#include <linux/virtio_status.h>')
        p.append('#include <netlink/attr.h>')
        p.append('')
        p.append('#include "nl_decode.h"')
        p.append('')
        for aset in self.order():
            s = c_name(aset.name)
            p.append(f'/* attribute set "{aset.name}" ({self.prefix(aset)}*) */')
            p.append(f'struct vs_nl_{s} {{')
            p.append(f'\tu64 have[VS_NL_PRESENT_WORDS({self.max_enum(aset)})];')
            for decl, attr in self.members(aset):
                p.append(f'\t{decl};')
                if attr.is_multi:
                    p.append(f'\tu32 n_{c_name(attr.name)};\t/* how many were sent */')
            p.append('};')
            p.append('')
        for aset in self.sets:
            s = c_name(aset.name)
            p.append(f'extern const struct nla_policy vs_nl_{s}_policy[{self.max_enum(aset)} + 1];')
            p.append(f'extern const struct vs_nl_set vs_nl_{s}_set;')
        p.append('')
        p.append('#endif /* VS_NL_GEN_H */')
        return p

    def source(self):
        p = []
        p.append('#include <stddef.h>')
        p.append('')
        p.append('#include "vs_nl_gen.h"')
        p.append('')
        for aset in self.sets:
            s = c_name(aset.name)
            p.append(f'const struct nla_policy vs_nl_{s}_policy[{self.max_enum(aset)} + 1] = {{')
            for attr in aset.attrs.values():
                if attr.type == 'pad':
                    continue
                if attr.type in SCALAR:
                    pol = SCALAR[attr.type][2]
                elif attr.type == 'string':
                    pol = 'NLA_STRING'
                else:
                    pol = 'NLA_NESTED'
                p.append(f'\t[{self.enum(aset, attr)}] = {{ .type = {pol} }},')
            p.append('};')
            p.append('')
        for aset in self.sets:
            s = c_name(aset.name)
            members = dict((a.name, d) for d, a in self.members(aset))
            p.append(f'static const struct vs_nl_attr vs_nl_{s}_attrs[{self.max_enum(aset)} + 1] = {{')
            for attr in aset.attrs.values():
                if attr.name not in members:
                    continue
                m = c_name(attr.name)
                fields = [f'.name = "{c_upper(attr.name)}"']
                if attr.type in SCALAR:
                    fields.append(f'.type = {SCALAR[attr.type][1]}')
                elif attr.type == 'string':
                    fields.append('.type = VS_NL_STRING')
                else:
                    fields.append('.type = VS_NL_NEST')
                    fields.append(f'.nested = &vs_nl_{self.nested_name(attr)}_set')
                fields.append(f'.offset = offsetof(struct vs_nl_{s}, {m})')
                if attr.is_multi:
                    fields.append(f'.size = sizeof(((struct vs_nl_{s} *)0)->{m}[0])')
                    fields.append(f'.max = {self.multi_max(aset, attr)}')
                    fields.append(f'.count_offset = offsetof(struct vs_nl_{s}, n_{m})')
                else:
                    fields.append(f'.size = sizeof(((struct vs_nl_{s} *)0)->{m})')
                p.append(f'\t[{self.enum(aset, attr)}] = {{')
                for f in fields:
                    p.append(f'\t\t{f},')
                p.append('\t},')
            p.append('};')
            p.append('')
            p.append(f'const struct vs_nl_set vs_nl_{s}_set = {{')
            p.append(f'\t.name = "{aset.name}",')
            p.append(f'\t.prefix = "{self.prefix(aset)[len(self.fam) + 1:]}",')
            p.append(f'\t.max = {self.max_enum(aset)},')
            p.append(f'\t.attrs = vs_nl_{s}_attrs,')
            p.append(f'\t.policy = vs_nl_{s}_policy,')
            p.append(f'\t.have_offset = offsetof(struct vs_nl_{s}, have),')
            p.append(f'\t.size = sizeof(struct vs_nl_{s}),')
            p.append('};')
            p.append('')
        while p and p[-1] == '':
            p.pop()
        return p


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--header', dest='header', action='store_true')
    ap.add_argument('--source', dest='header', action='store_false')
    ap.add_argument('--spec', required=True)
    ap.add_argument('--ynl', required=True, help="the kernel's tools/net/ynl")
    ap.add_argument('-o', dest='out', required=True)
    a = ap.parse_args()

    sys.path.insert(0, a.ynl)
    from lib import SpecFamily  # noqa: E402 (needs the path above)
    # the schema was checked by regen.py; here the spec is only read
    family = SpecFamily(a.spec, schema_path='')
    gen = Gen(family)

    # the spec's path in its tree: uapi/virtio_status.yaml
    spec = os.path.join(os.path.basename(os.path.dirname(a.spec)),
                        os.path.basename(a.spec))
    lines = ['/* SPDX-License-Identifier: GPL-2.0 */' if a.header else
             '// SPDX-License-Identifier: GPL-2.0',
             f'/* Generated from {spec} by tools/ynl/gen_libnl.py: make regen */',
             '']
    lines += gen.header() if a.header else gen.source()
    with open(a.out, 'w') as f:
        f.write('\n'.join(lines) + '\n')


if __name__ == '__main__':
    main()
