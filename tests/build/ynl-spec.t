#!/usr/bin/python3
# The YNL spec (module/include/uapi/ctrmap.yaml) against what it describes:
# the uapi header's enums and defines (every command, attribute, enum value
# and constant in one is in the other, with the same number), genl.c's
# policies (each operation's request attributes, their types and range
# checks, nested policies included) and genl_ops (do, dump), and the
# attributes genl.c, source.c and name.c put into replies and events (each one in
# the spec, with the type it is put with, in the nest it is put in; an
# array reserved with nla_reserve_64bit() is binary). Then linux 6.12's own YNL code,
# from Debian's linux-source-6.12 (extracted once into build/ynl-6.12):
# the spec validates against its genetlink-legacy schema, its nlspec
# loads it as cli.py does, and its ynl encodes and decodes a message of
# every request, reply and event with it. Runs on the host in seconds
# (the first run extracts the kernel's files); TAP output.
import glob
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SPEC = os.path.join(TOP, 'module/include/uapi/ctrmap.yaml')
HEADER = os.path.join(TOP, 'module/include/uapi/linux/ctrmap.h')
NETLINK_C = [os.path.join(TOP, 'module', f) for f in ('genl.c', 'source.c', 'name.c')]
YNL = os.path.join(TOP, 'build/ynl-6.12')
YNL_FILES = ['Documentation/netlink/genetlink-legacy.yaml',
             'tools/net/ynl/cli.py', 'tools/net/ynl/lib/__init__.py',
             'tools/net/ynl/lib/nlspec.py', 'tools/net/ynl/lib/ynl.py']

results = []


def check(desc, problems, skip=None):
    results.append((desc, problems, skip))


def report(results):
    """results as TAP, a plan first; 1 if a check failed. examples.t
    reports through it too."""
    print(f"1..{len(results)}")
    fails = 0
    for i, (desc, problems, skip) in enumerate(results, 1):
        if skip:
            print(f"ok {i} - {desc} # SKIP {skip}")
        elif problems:
            fails += 1
            print(f"not ok {i} - {desc}")
            for line in problems:
                print(f"#   {line}")
        else:
            print(f"ok {i} - {desc}")
    return 1 if fails else 0


def c_upper(name):
    return name.upper().replace('-', '_')


def strip_comments(text):
    """C without comments, lines kept where they were."""
    text = re.sub(r'/\*.*?\*/', lambda m: ' ' + '\n' * m.group(0).count('\n'), text,
                  flags=re.S)
    return re.sub(r'//[^\n]*', '', text)


def c_eval(expr, consts):
    """The value of a C constant expression, or None if it uses names
    the header does not define (PID_MAX_LIMIT)."""
    expr = re.sub(r'sizeof\s*\(\s*(__u64|u64|__s64|s64)\s*\)', '8', expr)
    expr = re.sub(r'sizeof\s*\(\s*(__u32|u32|__s32|s32)\s*\)', '4', expr)
    expr = re.sub(r'\b(0x[0-9a-fA-F]+|[0-9]+)[uUlL]+\b', r'\1', expr)
    for _ in range(10):
        names = set(re.findall(r'\b[A-Za-z_]\w*\b', expr))
        if not names:
            break
        if not names <= consts.keys():
            return None
        expr = re.sub(r'\b[A-Za-z_]\w*\b',
                      lambda m: '(' + str(consts[m.group(0)]) + ')', expr)
    if not re.fullmatch(r'[0-9a-fA-Fx+\-*/() \t]*', expr):
        return None
    return int(eval(expr, {'__builtins__': {}}))  # digits and operators only


def parse_header():
    text = strip_comments(open(HEADER).read())
    enums = {}
    consts = {}
    for m in re.finditer(r'\benum\s+(\w+)\s*\{([^}]*)\}', text):
        members = []
        val = 0
        for item in m.group(2).split(','):
            item = item.strip()
            if not item:
                continue
            name, _, expr = item.partition('=')
            name = name.strip()
            if expr.strip():
                val = c_eval(expr, consts)
            members.append((name, val))
            consts[name] = val
            val += 1
        enums[m.group(1)] = members
    defines = {}
    for m in re.finditer(r'^#define[ \t]+(\w+)[ \t]+(.+?)[ \t]*$', text, re.M):
        raw = m.group(2)
        s = re.fullmatch(r'"(.*)"', raw)
        defines[m.group(1)] = s.group(1) if s else c_eval(raw, consts)
        if not s and defines[m.group(1)] is not None:
            consts[m.group(1)] = defines[m.group(1)]
    return enums, defines, consts


def call_args(text, start):
    """The arguments of the call whose '(' is at text[start]."""
    depth = 0
    args = ['']
    for i in range(start, len(text)):
        ch = text[i]
        if ch == '(':
            depth += 1
            if depth == 1:
                continue
        elif ch == ')':
            depth -= 1
            if depth == 0:
                return [a.strip() for a in args], i
        elif ch == ',' and depth == 1:
            args.append('')
            continue
        args[-1] += ch
    raise ValueError('unbalanced call')


NLA = {'NLA_U8': 'u8', 'NLA_U16': 'u16', 'NLA_U32': 'u32', 'NLA_U64': 'u64',
       'NLA_S8': 's8', 'NLA_S16': 's16', 'NLA_S32': 's32', 'NLA_S64': 's64',
       'NLA_FLAG': 'flag', 'NLA_NESTED': 'nest', 'NLA_NUL_STRING': 'string',
       'NLA_STRING': 'string', 'NLA_BINARY': 'binary'}


def parse_policies(text, consts):
    """{policy: {attr: {'type', 'min', 'max', 'nested'}}} from genl.c."""
    ranges = {}
    for m in re.finditer(r'struct netlink_range_validation\s+(\w+)[^=]*=\s*\{(.*?)\};',
                         text, re.S):
        r = {}
        for f in ('min', 'max'):
            v = re.search(r'\.' + f + r'\s*=\s*([^,\n]+)', m.group(2))
            if v:
                r[f] = c_eval(v.group(1), consts) if c_eval(v.group(1), consts) is not None \
                    else v.group(1).strip()
        ranges[m.group(1)] = r
    policies = {}
    for m in re.finditer(r'struct nla_policy\s+(\w+)\[\]\s*=\s*\{(.*?)\n\};', text, re.S):
        body = m.group(2)
        starts = [e for e in re.finditer(r'\[\s*(\w+)\s*\]\s*=', body)]
        pol = {}
        for i, e in enumerate(starts):
            entry = body[e.end():starts[i + 1].start() if i + 1 < len(starts) else len(body)]
            p = {'min': None, 'max': None, 'nested': None}
            t = re.search(r'\b(NLA_(?:U|S)(?:8|16|32|64)|NLA_FLAG|NLA_NESTED|NLA_NUL_STRING|'
                          r'NLA_STRING|NLA_BINARY)\b', entry)
            p['type'] = NLA.get(t.group(1)) if t else None
            mac = re.search(r'\b(NLA_POLICY_\w+)\s*\(', entry)
            if mac:
                args, _ = call_args(entry, mac.end() - 1)
                kind = mac.group(1)
                ev = [c_eval(a, consts) if c_eval(a, consts) is not None else a for a in args]
                if kind == 'NLA_POLICY_MIN':
                    p['min'] = ev[1]
                elif kind == 'NLA_POLICY_MAX':
                    p['max'] = ev[1]
                elif kind == 'NLA_POLICY_RANGE':
                    p['min'], p['max'] = ev[1], ev[2]
                elif kind == 'NLA_POLICY_FULL_RANGE':
                    r = ranges.get(args[1].lstrip('&').strip(), {})
                    p['min'], p['max'] = r.get('min'), r.get('max')
                elif kind == 'NLA_POLICY_NESTED':
                    p['type'] = 'nest'
                    p['nested'] = args[0]
                else:
                    p['unknown'] = kind
            pol[e.group(1)] = p
        policies[m.group(1)] = pol
    return policies


def parse_ops(text):
    m = re.search(r'struct genl_ops\s+\w+\[\]\s*=\s*\{(.*?)\n\};', text, re.S)
    ops = {}
    for block in re.findall(r'\{(.*?)\}', m.group(1), re.S):
        cmd = re.search(r'\.cmd\s*=\s*(\w+)', block).group(1)
        pol = re.search(r'\.policy\s*=\s*(\w+)', block)
        ops[cmd] = {'do': '.doit' in block, 'dump': '.dumpit' in block,
                    'policy': pol.group(1) if pol else None}
    return ops


PUT = {'nla_put_u8': 'u8', 'nla_put_u16': 'u16', 'nla_put_u32': 'u32',
       'nla_put_s32': 's32', 'nla_put_u64_64bit': 'u64', 'nla_put_s64': 's64',
       'nla_put_string': 'string', 'nla_put_flag': 'flag',
       'nla_nest_start': 'nest', 'nla_nest_start_noflag': 'nest',
       'nla_reserve_64bit': 'u64', 'ctrmap_put_source': 'nest', 'nla_put': None}


def parse_puts():
    """[(attr, type, where, parent)] for every attribute the module puts;
    parent is the nest it is put in (the attribute, or the variable
    ctrmap_put_source() takes it from), when the same function opened it."""
    puts = []
    token = re.compile(r'^\{|\bnla_nest_end\s*\(|\b(' + '|'.join(PUT) + r')\s*\(', re.M)
    for path in NETLINK_C:
        text = strip_comments(open(path).read())
        nests = []      # [(variable, attribute)], innermost last
        for m in token.finditer(text):
            if m.group(0) == '{':       # a function's body: nothing open
                nests = []
                continue
            args, _ = call_args(text, m.end() - 1)
            if m.group(0).startswith('nla_nest_end'):
                while nests and nests.pop()[0] != args[1]:
                    pass
                continue
            if m.group(1) == 'ctrmap_put_source' and args[0].startswith('struct'):
                continue        # its definition
            where = '%s:%d' % (os.path.basename(path), text.count('\n', 0, m.start()) + 1)
            parent = nests[-1][1] if nests else None
            t = PUT[m.group(1)]
            if m.group(1) == 'nla_reserve_64bit' and \
                    not re.fullmatch(r'sizeof\((?:__)?u64\)', args[2]):
                t = 'binary'    # an array: n * sizeof(u64)
            if t is None:       # nla_put(skb, type, sizeof(T), data)
                size = re.fullmatch(r'sizeof\((?:__)?(u8|u16|u32|u64)\)', args[2])
                t = size.group(1) if size else 'binary'
            puts.append((args[1], t, where, parent))
            if m.group(1) in ('nla_put_u64_64bit', 'nla_reserve_64bit'):
                puts.append((args[-1], 'pad', where, parent))
            if t == 'nest' and m.group(1) != 'ctrmap_put_source':
                var = re.search(r'(\w+)\s*=\s*$', text[:m.start()])
                nests.append((var.group(1) if var else None, args[1]))
    return puts


def source_callers():
    """The attributes ctrmap_put_source() is asked to fill."""
    found = []
    for path in NETLINK_C:
        text = strip_comments(open(path).read())
        for m in re.finditer(r'\bctrmap_put_source\s*\(', text):
            args, _ = call_args(text, m.end() - 1)
            if not args[0].startswith('struct'):
                found.append(args[1])
    return found


class Spec:
    """The spec's C names and numbers, by the rules of the kernel's
    ynl-gen-c.py (its defaults where a name is not given)."""

    def __init__(self, y):
        self.y = y
        fam = y['name']
        self.family = fam
        self.enums = {}      # C enum name -> [(C member, value)]
        self.defines = {}    # C define -> value
        self.enum_defs = {}  # spec enum name -> C enum name
        self.attrs = {}      # C attribute name -> (set name, attr dict, value)
        self.sets = {}       # set name -> {attr name: (attr dict, value)}
        self.problems = []
        self.defines[c_upper(y.get('c-family-name', fam + '-family-name'))] = fam
        self.defines[c_upper(y.get('c-version-name', fam + '-family-version'))] = \
            y.get('version', 1)
        for g in y.get('mcast-groups', {}).get('list', []):
            self.defines[c_upper(g.get('c-define-name', f"{fam}-mcgrp-{g['name']}"))] = \
                g['name']
        for d in y.get('definitions', []):
            if d['type'] == 'const':
                self.defines[c_upper(d.get('name-prefix', fam + '-') + d['name'])] = d['value']
            elif d['type'] in ('enum', 'flags'):
                pfx = d.get('name-prefix', f"{fam}-{d['name']}-")
                ename = c_upper(d.get('enum-name', f"{fam}-{d['name']}"))
                self.enum_defs[d['name']] = ename
                val = d.get('value-start', 0)
                members = []
                for e in d['entries']:
                    e = {'name': e} if isinstance(e, str) else e
                    val = e.get('value', val)
                    members.append((c_upper(pfx + e['name']),
                                    1 << val if d['type'] == 'flags' else val))
                    val += 1
                if d.get('render-max'):
                    last = members[-1][1]
                    members.append(('__' + c_upper(pfx + 'max'), last + 1))
                    self.defines[c_upper(pfx + 'max')] = last
                self.enums[ename] = members
        self.shared = {}     # attribute sets that share a definitions enum
        for s in y['attribute-sets']:
            if 'subset-of' in s:
                continue
            default = f"{fam}-a-" if s['name'] == fam else f"{fam}-a-{s['name']}-"
            pfx = s.get('name-prefix', default)
            if 'enum-name' not in s:
                self.problems.append(f"attribute set {s['name']} has no enum-name")
                continue
            ename = c_upper(s['enum-name'])
            members = []
            self.sets[s['name']] = {}
            val = 1
            for a in s['attributes']:
                val = a.get('value', val)
                cname = c_upper(pfx + a['name'])
                members.append((cname, val))
                self.attrs[cname] = (s['name'], a, val)
                self.sets[s['name']][a['name']] = (a, val)
                val += 1
            if ename in self.enums:
                self.shared[ename] = members
                continue
            members.append((c_upper(s.get('attr-cnt-name', '__' + pfx + 'max')), val))
            self.defines[c_upper(s.get('attr-max-name', pfx + 'max'))] = val - 1
            self.enums[ename] = members
        ops = y['operations']
        pfx = ops.get('name-prefix', fam + '-cmd-')
        self.op_prefix = c_upper(pfx)
        ename = c_upper(ops.get('enum-name', fam + '-cmd'))
        self.cmd_enum = ename
        members = []
        self.ops = {}
        val = 1
        for op in ops['list']:
            val = op.get('value', val)
            members.append((c_upper(pfx + op['name']), val))
            self.ops[c_upper(pfx + op['name'])] = op
            val += 1
        if members and members[0][1] == 1:
            members.insert(0, (c_upper(pfx + 'unspec'), 0))
        members.append(('__' + c_upper(pfx + 'max'), val))
        self.defines[c_upper(pfx + 'max')] = val - 1
        self.enums[ename] = members


def compare_members(what, spec_members, header_members, problems):
    s = dict(spec_members)
    h = dict(header_members)
    for name, val in spec_members:
        if name not in h:
            problems.append(f"{what}: {name} ({val}) is in the spec, not in the header")
        elif h[name] != val:
            problems.append(f"{what}: {name} is {val} in the spec, {h[name]} in the header")
    for name, val in header_members:
        if name not in s:
            problems.append(f"{what}: {name} ({val}) is in the header, not in the spec")
    if [n for n, _ in header_members if n in s] != [n for n, _ in spec_members if n in h]:
        problems.append(f"{what}: the order differs")


def main():
    try:
        import yaml
    except ImportError:
        print('1..1')
        print('not ok 1 - python3-yaml is installed (tests/lib/deps installs it)')
        return 1

    h_enums, h_defines, consts = parse_header()
    genl = strip_comments(open(NETLINK_C[0]).read())
    policies = parse_policies(genl, consts)
    genl_ops = parse_ops(genl)
    puts = parse_puts()
    y = yaml.safe_load(open(SPEC))
    spec = Spec(y)

    # 1. The family.
    p = list(spec.problems)
    for name in ('CTRMAP_GENL_NAME', 'CTRMAP_GENL_VERSION', 'CTRMAP_MCGRP_MONITOR'):
        if name not in spec.defines:
            p.append(f"the spec does not name {name}")
    for name in [n for n in spec.defines if n in ('CTRMAP_GENL_NAME', 'CTRMAP_GENL_VERSION')
                 or n.startswith('CTRMAP_MCGRP_')]:
        if h_defines.get(name) != spec.defines[name]:
            p.append(f"{name}: {spec.defines[name]!r} in the spec, "
                     f"{h_defines.get(name)!r} in the header")
    if y.get('protocol') != 'genetlink-legacy':
        p.append('protocol is not genetlink-legacy (the only one with a version)')
    check('the family: name, version and multicast groups as the header defines them', p)

    # 2. Enums and constants.
    p = []
    for name in spec.enum_defs.values():
        compare_members(f"enum {name.lower()}", spec.enums[name],
                        h_enums.get(name.lower(), []), p)
    for name, val in spec.defines.items():
        if name not in h_defines:
            p.append(f"#define {name} is in the spec, not in the header")
        elif h_defines[name] != val:
            p.append(f"#define {name}: {val!r} in the spec, {h_defines[name]!r} in the header")
    for s in y['attribute-sets']:
        for a in s['attributes']:
            if 'enum' in a and a['enum'] not in spec.enum_defs:
                p.append(f"{s['name']}.{a['name']}: no enum {a['enum']} in the definitions")
    check('enums (values, render-max) and constants match the header; attributes name '
          'enums that are defined', p)

    # 3. Commands.
    p = []
    compare_members(f"enum {spec.cmd_enum.lower()}", spec.enums[spec.cmd_enum],
                    h_enums.get(spec.cmd_enum.lower(), []), p)
    check(f"every command has the same number in the spec and in enum "
          f"{spec.cmd_enum.lower()}, and none is in one only", p)

    # 4. Attribute sets.
    p = []
    for s in y['attribute-sets']:
        if 'subset-of' in s or 'enum-name' not in s:
            continue
        ename = c_upper(s['enum-name'])
        header = h_enums.get(ename.lower())
        if header is None:
            p.append(f"attribute set {s['name']}: no enum {ename.lower()} in the header")
        elif ename in spec.shared:
            # One attribute per enum value (detach counts by reason): all
            # values but 0 and the count.
            want = [(n, v) for n, v in header if v != 0 and not n.startswith('__')]
            compare_members(f"attribute set {s['name']} (enum {ename.lower()})",
                            spec.shared[ename], want, p)
        else:
            compare_members(f"attribute set {s['name']} (enum {ename.lower()})",
                            spec.enums[ename], header, p)
    check('every attribute set has the numbers of its enum in the header, both ways', p)

    # 5. Nothing in the header the spec does not describe.
    p = []
    described = {n.lower() for n in spec.enums}
    for name in h_enums:
        if name not in described:
            p.append(f"enum {name} is not in the spec")
    for name in h_defines:
        if name not in spec.defines:
            p.append(f"#define {name} is not in the spec")
    check('every enum and #define of the header is in the spec', p)

    # 6. Requests against the policies.
    p = []

    def spec_attr(set_name, name):
        return spec.sets.get(set_name, {}).get(name, (None, None))[0]

    def compare_policy(what, set_name, want, pol_name):
        pol = policies.get(pol_name)
        if pol is None:
            p.append(f"{what}: no policy {pol_name} in genl.c")
            return
        for cname, pe in pol.items():
            entry = spec.attrs.get(cname)
            if entry is None or entry[0] != set_name:
                p.append(f"{what}: {pol_name} accepts {cname}, not in set {set_name}")
                continue
            a = entry[1]
            if want is not None and a['name'] not in want:
                p.append(f"{what}: {pol_name} accepts {a['name']}, the spec's request does not")
            if pe.get('unknown'):
                p.append(f"{what}: {cname}: {pe['unknown']} is not understood here")
            if pe['type'] != a['type']:
                p.append(f"{what}: {a['name']} is {a['type']} in the spec, "
                         f"{pe['type']} in {pol_name}")
            checks = a.get('checks', {})
            for bound in ('min', 'max'):
                pv, sv = pe[bound], checks.get(bound)
                if isinstance(pv, str):
                    continue    # a kernel constant (PID_MAX_LIMIT): not in the uapi
                if pv != sv:
                    p.append(f"{what}: {a['name']}: {bound} {sv} in the spec, "
                             f"{pv} in {pol_name}")
            if a['type'] == 'nest':
                if pe['nested'] is None:
                    p.append(f"{what}: {a['name']} is a nest without a nested policy")
                else:
                    compare_policy(f"{what}, {a['name']}", a['nested-attributes'], None,
                                   pe['nested'])
        names = {spec.attrs[c][1]['name'] for c in pol if c in spec.attrs}
        for name in (want if want is not None else
                     [n for n, (a, _) in spec.sets[set_name].items()
                      if a['type'] not in ('unused', 'pad')]):
            if name not in names:
                p.append(f"{what}: the spec accepts {name}, {pol_name} does not")

    for cname, op in spec.ops.items():
        g = genl_ops.get(cname)
        want = set()
        for mode in ('do', 'dump'):
            want |= set(op.get(mode, {}).get('request', {}).get('attributes', []))
        if g is None:
            if want:
                p.append(f"{op['name']}: requests in the spec, no operation in genl.c")
            continue
        if g['policy'] is None:
            if want:
                p.append(f"{op['name']}: genl.c has no policy (takes no attribute), "
                         f"the spec's request has {sorted(want)}")
            continue
        compare_policy(op['name'], op['attribute-set'], want, g['policy'])
    check("each operation's request attributes, types and range checks are its "
          "genl.c policy's (nested policies too)", p)

    # 7. Operations and events.
    p = []
    for cname, op in spec.ops.items():
        g = genl_ops.get(cname)
        if 'event' in op:
            if g is not None:
                p.append(f"{op['name']} is an event in the spec, an operation in genl.c")
            if op.get('mcgrp') not in [m['name'] for m in y.get('mcast-groups', {})
                                       .get('list', [])]:
                p.append(f"{op['name']}: no multicast group {op.get('mcgrp')}")
            continue
        if g is None:
            p.append(f"{op['name']}: not an operation of genl.c")
            continue
        for mode in ('do', 'dump'):
            if (mode in op) != g[mode]:
                p.append(f"{op['name']}: {mode} is {'' if mode in op else 'not '}in the spec, "
                         f"{'' if g[mode] else 'not '}in genl.c")
    for cname in genl_ops:
        if cname not in spec.ops:
            p.append(f"genl.c's operation {cname} is not in the spec")
    check('do and dump as in genl_ops; events are no operation and have their group', p)

    # 8. What the module puts.
    p = []
    put_names = set()
    replied = set()
    for op in y['operations']['list']:
        for mode in ('do', 'dump'):
            replied |= set(op.get(mode, {}).get('reply', {}).get('attributes', []))
        replied |= set(op.get('event', {}).get('attributes', []))
    # and what nests of them hold (bindings: binding, pages: page)
    for s in y['attribute-sets']:
        if s.get('subset-of') == y['name']:
            replied |= {a['name'] for a in s['attributes']}
    for cname, t, where, parent in puts:
        if cname == 'attrtype':
            continue    # ctrmap_put_source()'s own: its callers are seen
        if not cname.startswith('CTRMAP_'):
            # nla_put(skb, reason, sizeof(u64), ...): detach counts, one
            # attribute per reason: the nest's set shares the reason enum.
            outer = spec.attrs.get(parent, (None, {}))[1]
            inner = [x for x in y['attribute-sets']
                     if x['name'] == outer.get('nested-attributes')]
            shared = c_upper(inner[0].get('enum-name', '')) if inner else None
            if shared not in spec.shared:
                p.append(f"{where}: attribute {cname} put in {parent}, whose nested set "
                         f"in the spec has no enum of its own to take it from")
                continue
            for member, _ in spec.shared[shared]:
                a = spec.attrs[member][1]
                put_names.add(member)
                if a['type'] != t:
                    p.append(f"{where}: {member} is put as {t}, {a['type']} in the spec")
            continue
        entry = spec.attrs.get(cname)
        if entry is None:
            p.append(f"{where}: {cname} is put, not in the spec")
            continue
        put_names.add(cname)
        if entry[1]['type'] != t:
            p.append(f"{where}: {cname} is put as {t}, {entry[1]['type']} in the spec")
        if entry[0] == y['name'] and t != 'pad' and entry[1]['name'] not in replied:
            p.append(f"{where}: {cname} is put, in no reply or event of the spec")
    # Nests: what the module puts in one belongs to its nested set (for a
    # subset, is one of its attributes); ctrmap_put_source() fills a nest
    # its caller names, the same set for each.
    sets = {s['name']: s for s in y['attribute-sets']}
    source_sets = {spec.attrs[c][0] for c, _, _, par in puts if par == 'attrtype'}
    for cname, t, where, parent in puts:
        if parent is None or cname not in spec.attrs:
            continue
        if parent == 'attrtype':
            continue
        outer = spec.attrs.get(parent)
        if outer is None or outer[1]['type'] != 'nest':
            p.append(f"{where}: {cname} is put in {parent}, not a nest in the spec")
            continue
        nested = sets[outer[1]['nested-attributes']]
        base = nested.get('subset-of', nested['name'])
        names = {a['name'] for a in nested['attributes']}
        if spec.attrs[cname][0] != base or spec.attrs[cname][1]['name'] not in names:
            p.append(f"{where}: {cname} is put in {parent}, whose nested set in the spec "
                     f"is {nested['name']}")
    for cname in source_callers():
        a = spec.attrs.get(cname, (None, {}))[1]
        if a.get('nested-attributes') not in source_sets:
            p.append(f"{cname} is filled by ctrmap_put_source() with set "
                     f"{sorted(source_sets)}, its nested set in the spec is "
                     f"{a.get('nested-attributes')}")
    for name in replied:
        cname = c_upper(y['attribute-sets'][0].get('name-prefix', 'ctrmap-a-') + name)
        if cname not in put_names:
            p.append(f"{name} is in a reply or event of the spec, the module never puts it")
    for cname, (set_name, a, _) in spec.attrs.items():
        if set_name != y['name'] and a['type'] not in ('unused', 'pad') \
                and cname not in put_names \
                and not any(cname in pol for pol in policies.values()):
            p.append(f"{cname} is neither put by the module nor accepted by a policy")
    check('every attribute genl.c and source.c put is in the spec with the type it is put '
          'with, in the nest the spec puts it, and in a reply or event; every reply '
          'attribute is put', p)

    # 9-11. Linux 6.12's YNL: schema, nlspec, ynl.
    ynl, why = kernel_ynl()
    schema = os.path.join(ynl, 'Documentation/netlink/genetlink-legacy.yaml') if ynl else None
    try:
        import jsonschema
    except ImportError:
        jsonschema = None
    env = None
    if not ynl:
        env = 'environment: ' + why
    elif jsonschema is None:
        env = 'environment: no python3-jsonschema (tests/lib/deps installs it)'
    desc = "the spec validates against linux 6.12's genetlink-legacy schema"
    if env:
        check(desc, [], env)
    else:
        p = []
        try:
            jsonschema.validate(y, yaml.safe_load(open(schema)))
        except jsonschema.ValidationError as e:
            p.append(str(e).split('\n\n')[0] + ' at ' + '/'.join(str(x) for x in e.absolute_path))
        check(desc, p)
    family = None
    desc = "linux 6.12's nlspec loads the spec as cli.py does (schema, sets, operations)"
    if env:
        check(desc, [], env)
    else:
        p = []
        sys.path.insert(0, os.path.join(ynl, 'tools/net/ynl'))
        try:
            from lib import YnlFamily
            from lib.nlspec import SpecFamily
            family = YnlFamily.__new__(YnlFamily)  # no socket: no module here
            SpecFamily.__init__(family, SPEC, schema)
            family.process_unknown = False
            family.include_raw = False
            got = {op.name: op.value for op in family.msgs.values()}
            want = {op['name']: v for c, v in spec.enums[spec.cmd_enum]
                    for op in [spec.ops.get(c)] if op}
            if got != want:
                p.append(f"nlspec numbers the operations {got}, the header {want}")
            if set(family.ntfs) != {o['name'] for o in spec.ops.values() if 'event' in o}:
                p.append(f"nlspec's notifications: {sorted(family.ntfs)}")
            for name, s in family.attr_sets.items():
                for a in s.attrs.values():
                    if name in spec.sets and spec.sets[name][a.name][1] != a.value:
                        p.append(f"{name}.{a.name}: nlspec says {a.value}")
        except Exception as e:      # whatever nlspec raises is the answer
            p.append(f"{type(e).__name__}: {str(e).splitlines()[0]}")
            family = None
        check(desc, p)
    desc = "linux 6.12's ynl encodes and decodes every request, reply and event with the spec"
    if env:
        check(desc, [], env)
    elif family is None:
        check(desc, ['nlspec did not load the spec (above)'])
    else:
        check(desc, round_trip(family))

    return report(results)


def kernel_ynl():
    """The directory holding linux 6.12's YNL files, extracted once from
    Debian's linux-source-6.12 (installed if missing), or (None, why)."""
    if all(os.path.exists(os.path.join(YNL, f)) for f in YNL_FILES):
        return YNL, None
    tarballs = glob.glob('/usr/src/linux-source-6.12.tar.*')
    if not tarballs:
        subprocess.run(['apt-get', 'install', '-y', '-q', '--no-install-recommends',
                        'linux-source-6.12'], stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL,
                       env=dict(os.environ, DEBIAN_FRONTEND='noninteractive'))
        tarballs = glob.glob('/usr/src/linux-source-6.12.tar.*')
    if not tarballs:
        return None, 'no linux-source-6.12 (apt-get install linux-source-6.12)'
    os.makedirs(os.path.dirname(YNL), exist_ok=True)
    tmp = tempfile.mkdtemp(dir=os.path.dirname(YNL))
    r = subprocess.run(['tar', '-xf', tarballs[0], '-C', tmp, '--strip-components=1',
                        '--wildcards'] + ['*/' + f for f in YNL_FILES],
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if r.returncode != 0:
        shutil.rmtree(tmp)
        return None, f"cannot extract YNL from {tarballs[0]}: {r.stderr.strip()[:200]}"
    shutil.rmtree(YNL, ignore_errors=True)
    os.rename(tmp, YNL)
    return YNL, None


def round_trip(family):
    """Encode a message of each request, reply and event with a value for
    every attribute it lists (nests filled, lists of two), decode it, and
    compare."""
    from lib.ynl import NlAttrs, SpaceAttrs
    problems = []
    n = [0]

    def sample(attr_set, names):
        vals = {}
        for name in names:
            a = attr_set[name]
            one = lambda: value(a)     # noqa: E731
            vals[name] = [one(), one()] if a.is_multi else one()
        return vals

    def value(a):
        n[0] += 1
        if a.type == 'nest':
            sub = family.attr_sets[a['nested-attributes']]
            return sample(sub, [x for x in sub.attrs
                                if sub[x].type not in ('unused', 'pad')])
        if a.type == 'flag':
            return True
        if a.type == 'string':
            return f"s{n[0]}"
        if a.type == 'binary':
            # An array of sub-type scalars: ynl encodes bytes, decodes a list.
            bits = {'u8': 8, 'u16': 16, 'u32': 32, 'u64': 64}[a.sub_type]
            vals = [(0x0123456789abcdef + n[0] + i) & ((1 << bits) - 1) for i in range(3)]
            return struct.pack(f"={len(vals)}{'BHIQ'[bits.bit_length() - 4]}", *vals)
        if 'enum' in a:
            enum = family.consts[a['enum']]
            named = [e.name for e in enum.entries.values() if e.value]
            return set(named) if a.get('enum-as-flags') else named[n[0] % len(named)]
        bits = {'u8': 8, 'u16': 16, 'u32': 32, 'u64': 64}[a.type]
        return (0x0123456789abcdef + n[0]) & ((1 << bits) - 1)

    def expect(attr_set, vals):
        out = {}
        for name, v in vals.items():
            a = attr_set[name]
            if a.type == 'nest':
                sub = family.attr_sets[a['nested-attributes']]
                out[name] = [expect(sub, x) for x in v] if a.is_multi else expect(sub, v)
            elif a.type == 'binary' and a.sub_type:
                size = {'u8': 1, 'u16': 2, 'u32': 4, 'u64': 8}[a.sub_type]
                out[name] = [int.from_bytes(v[i:i + size], sys.byteorder)
                             for i in range(0, len(v), size)]
            elif a.display_hint == 'hex' and 'enum' not in a:
                out[name] = hex(v)
            else:
                out[name] = v
        return out

    for op in family.msgs.values():
        lists = []
        for mode in ('do', 'dump'):
            for part in ('request', 'reply'):
                lists.append((f"{mode} {part}",
                              op.get(mode, {}).get(part, {}).get('attributes')))
        lists.append(('event', op.get('event', {}).get('attributes')))
        for what, names in lists:
            if not names:
                continue
            try:
                vals = sample(op.attr_set, names)
                raw = b''.join(family._add_attr(op.attr_set.name, k, v,
                                                SpaceAttrs(op.attr_set, vals))
                               for k, v in vals.items())
                got = family._decode(NlAttrs(raw), op.attr_set.name)
            except Exception as e:  # whatever ynl raises is the answer
                problems.append(f"{op.name} {what}: {type(e).__name__}: {e}")
                continue
            if got != expect(op.attr_set, vals):
                problems.append(f"{op.name} {what}: sent {vals}, decoded {got}")
    return problems


if __name__ == '__main__':
    sys.exit(main())
