#!/usr/bin/python3
# The examples (examples/), on the host: every file there is a C or a
# Python example (or the Makefile); "make -C examples" builds every C one
# against the tree's libctrmap with -Wall -Wextra -Werror; every Python one
# compiles and answers --help; ynl-counters.py drives linux 6.12's own YNL
# library (from Debian's linux-source-6.12, extracted into build/ynl-6.12
# as tests/build/ynl-spec.t does) against a fake kernel that decodes each
# request with the spec, refuses attributes the operation does not take,
# and answers as the module does; each example is listed in the README's
# Examples section and shipped in libctrmap-dev. No kernel module, no
# guest. TAP output.
import contextlib
import ctypes
import errno
import fnmatch
import importlib.machinery
import importlib.util
import io
import os
import py_compile
import re
import struct
import subprocess
import sys
import tempfile
import types

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EXAMPLES = os.path.join(TOP, 'examples')
SPEC = os.path.join(TOP, 'module/include/uapi/ctrmap.yaml')
YNL_EXAMPLE = 'ynl-counters.py'

sys.dont_write_bytecode = True      # nothing written into examples/
results = []


def check(desc, problems, skip=None):
    results.append((desc, problems, skip))


def example_files():
    """The files of examples/ that git knows of (tracked, or new and not
    ignored): what "make deb" copies."""
    r = subprocess.run(['git', 'ls-files', '--cached', '--others', '--exclude-standard',
                        '--', 'examples'], cwd=TOP, capture_output=True, text=True)
    if r.returncode == 0:
        return sorted(os.path.relpath(f, 'examples') for f in r.stdout.split()
                      if os.path.exists(os.path.join(TOP, f)))
    # Not a git tree: what is there, less what the build leaves.
    names = os.listdir(EXAMPLES)
    built = {n[:-2] for n in names if n.endswith('.c')}
    return sorted(n for n in names if n not in built and n != '__pycache__')


def load(path, name):
    loader = importlib.machinery.SourceFileLoader(name, path)
    mod = importlib.util.module_from_spec(importlib.util.spec_from_loader(name, loader))
    loader.exec_module(mod)
    return mod


# ---- a fake kernel for ynl-counters.py --------------------------------------

NLMSG_ERROR = 2
NLM_F_REQUEST, NLM_F_ACK, NLM_F_DUMP = 1, 4, 0x300
FAMILY_ID = 0x1d
MAGIC, HDR = 0x4d525443, 64


def writable_range(addr, length):
    """Whether [addr, addr + length) lies in one writable mapping of ours."""
    for line in open('/proc/self/maps'):
        span, perms = line.split()[:2]
        lo, hi = (int(x, 16) for x in span.split('-'))
        if lo <= addr and addr + length <= hi:
            return perms.startswith('rw')
    return False


class FakeKernel:
    """A netlink socket of the generic family "ctrmap", answering as the
    module does (a reply, then the ACK asked for, or an error with its
    extack message). Requests are decoded with YNL's own decoder and the
    spec; an attribute the operation's request does not list is refused,
    as the module's per-operation policy refuses it."""

    def __init__(self, fam):
        self.fam = fam
        self.out = []
        self.log = []           # (operation, attributes) of each request
        self.problems = []
        self.regions = {}
        self.next_id = 7
        self.refuse = None      # an extack message: ATTACH fails with EPERM

    # What YNL calls on its socket.
    def setsockopt(self, *args):
        pass

    def bind(self, *args):
        pass

    def send(self, data, flags=0):
        off = 0
        while off < len(data):
            length, typ, fl, seq, _ = struct.unpack_from('=IHHII', data, off)
            cmd, version = struct.unpack_from('=BB', data, off + 16)
            self.request(typ, fl, seq, cmd, version, data[off:off + 16],
                         data[off + 20:off + length])
            off += (length + 3) & ~3
        return len(data)

    def recv(self, size):
        if not self.out:
            raise RuntimeError('the script waits for a message the module would not send')
        return self.out.pop(0)

    def request(self, typ, fl, seq, cmd, version, hdr, body):
        from lib.ynl import NlAttrs
        op = next((o for o in self.fam.ops.values() if o.req_value == cmd), None)
        if typ != FAMILY_ID or version != 1 or op is None or not fl & NLM_F_REQUEST:
            self.problems.append(f"a message the module does not take: type {typ}, "
                                 f"flags {fl:#x}, command {cmd}, version {version}")
            self.out.append(self.ack(hdr, seq, -errno.EOPNOTSUPP, None))
            return
        mode = 'dump' if fl & NLM_F_DUMP == NLM_F_DUMP else 'do'
        attrs = self.fam._decode(NlAttrs(body), op.attr_set.name)
        self.log.append((op.name, attrs))
        allowed = op.yaml.get(mode, {}).get('request', {}).get('attributes', [])
        extra = sorted(set(attrs) - set(allowed))
        if mode not in op.yaml or extra:
            self.problems.append(f"{op.name} ({mode}) sends {extra or 'a mode'} the "
                                 f"operation does not take")
            self.out.append(self.ack(hdr, seq, -errno.EINVAL, 'attribute refused'))
            return
        if attrs.get('reply'):
            # The module would answer with the reply in place of the ACK
            # YNL waits for.
            self.problems.append(f"{op.name}: the reply flag, with YNL's ACK")
        err, reply, msg = getattr(self, 'op_' + op.name)(attrs)
        if reply is not None and not err:
            self.out.append(self.message(op, seq, reply))
        if err or fl & NLM_F_ACK:
            self.out.append(self.ack(hdr, seq, err, msg))

    def message(self, op, seq, vals):
        from lib.ynl import SpaceAttrs
        space = SpaceAttrs(op.attr_set, vals)
        body = struct.pack('=BBH', op.rsp_value, 1, 0) + b''.join(
            self.fam._add_attr(op.attr_set.name, k, v, space) for k, v in vals.items())
        return struct.pack('=IHHII', 16 + len(body), FAMILY_ID, 0, seq, 0) + body

    def ack(self, hdr, seq, err, msg):
        flags, tlv = 0x100, b''                 # NLM_F_CAPPED
        if msg:
            s = msg.encode() + b'\0'
            tlv = struct.pack('=HH', 4 + len(s), 1) + s + b'\0' * (-len(s) % 4)
            flags |= 0x200                      # NLM_F_ACK_TLVS
        body = struct.pack('=i', err) + hdr + tlv
        return struct.pack('=IHHII', 16 + len(body), NLMSG_ERROR, flags, seq, 0) + body

    def region(self, attrs):
        return self.regions.get(attrs.get('region-id'))

    def op_attach(self, a):
        if self.refuse:
            return -errno.EPERM, None, self.refuse
        if not {'pid', 'addr', 'len'} <= set(a):
            return -errno.EINVAL, None, 'missing attribute'
        addr, length = int(a['addr'], 0) if isinstance(a['addr'], str) else a['addr'], a['len']
        if addr % 8 or length < HDR + 8:
            return -errno.EINVAL, None, 'bad range'
        own = a['pid'] == os.getpid()
        if own and not writable_range(addr, length):
            return -errno.EFAULT, None, 'the range is not mapped'
        n = (length - HDR) // 8
        r = {'id': self.next_id, 'pid': a['pid'], 'addr': addr, 'len': length, 'own': own,
             'npages': (addr + length - 1) // 4096 - addr // 4096 + 1,
             'values': [0 if own else 3 * i for i in range(n)]}
        self.regions[r['id']] = r
        self.next_id += 1
        if own:     # the header, into the process's memory
            ctypes.memmove(addr, struct.pack('=IHHI', MAGIC, 1, HDR, n), 12)
        return 0, {'region-id': r['id'], 'ncounters': n, 'npages': r['npages']}, None

    def op_add(self, a):
        r = self.region(a)
        if r is None:
            return -errno.ENOENT, None, 'no such region'
        if a.get('index', 1 << 32) >= len(r['values']):
            return -errno.ERANGE, None, 'index past the last counter'
        r['values'][a['index']] += a['delta']
        if r['own']:
            ctypes.memmove(r['addr'] + HDR + 8 * a['index'],
                           struct.pack('=Q', r['values'][a['index']]), 8)
        return 0, None, None

    def op_get(self, a):
        r = self.region(a)
        if r is None:
            return -errno.ENOENT, None, 'no such region'
        reply = {'region-id': r['id'], 'pid': r['pid'], 'comm': 'fake', 'addr': r['addr'],
                 'len': r['len'], 'npages': r['npages'], 'ncounters': len(r['values']),
                 'state': 'attached'}
        if 'first-index' in a or 'count' in a:
            first = a.get('first-index', 0)
            if first >= len(r['values']):
                return -errno.ERANGE, None, "first_index past the region's last counter"
            count = a.get('count', len(r['values']) - first)
            if count > len(r['values']) - first:
                return -errno.ERANGE, None, "count goes past the region's last counter"
            vals = r['values'][first:first + min(count, 512)]   # a do carries 512
            reply.update({'first-index': first,
                          'values': struct.pack(f'={len(vals)}Q', *vals)})
        return 0, reply, None

    def op_detach(self, a):
        if self.regions.pop(a.get('region-id'), None) is None:
            return -errno.ENOENT, None, 'no such region'
        return 0, None, None


def run_ynl_example(ynl_dir):
    """ynl-counters.py's main() against the fake kernel: its own page, a
    range of another process's read in two GETs, and an ATTACH refused."""
    sys.path.insert(0, os.path.join(ynl_dir, 'tools/net/ynl'))
    import lib.ynl as ly
    from lib.nlspec import SpecFamily
    ex = load(os.path.join(EXAMPLES, YNL_EXAMPLE), 'ynl_counters')
    fam = ly.YnlFamily.__new__(ly.YnlFamily)    # decodes and encodes, no socket
    SpecFamily.__init__(fam, SPEC, '')
    fam.process_unknown = False
    fam.include_raw = False
    # The family "resolved", the socket the fake kernel.
    ly.genl_family_name_to_id = {'ctrmap': {'id': FAMILY_ID, 'mcast': {'monitor': 9}}}
    kernel = None

    def socket(*args):
        nonlocal kernel
        kernel = FakeKernel(fam)
        kernel.refuse = refuse
        return kernel
    ly.socket = types.SimpleNamespace(socket=socket, AF_NETLINK=16, SOCK_RAW=3)

    problems = []
    refuse = None

    def run(what, argv, want_status, want_out, want_ops, want_err=None):
        out, err = io.StringIO(), io.StringIO()
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                status = ex.main(['--spec', SPEC] + argv)
        except Exception as e:      # whatever the script raises is the answer
            problems.append(f"{what}: {type(e).__name__}: {e}")
            return
        p = [f"{what}: {m}" for m in kernel.problems]
        if status != want_status:
            p.append(f"{what}: status {status}, not {want_status}")
        if out.getvalue().splitlines() != want_out:
            got = out.getvalue().splitlines()
            p.append(f"{what}: printed {got[:6]}{' ...' if len(got) > 6 else ''} "
                     f"({len(got)} lines), not {want_out[:6]} ({len(want_out)} lines)")
        ops = [(o, {k: v for k, v in a.items() if k in ('first-index', 'count')})
               for o, a in kernel.log]
        if ops != want_ops:
            p.append(f"{what}: requests {ops}, not {want_ops}")
        if kernel.regions:
            p.append(f"{what}: left attached: {sorted(kernel.regions)}")
        if want_err and not re.search(want_err, err.getvalue()):
            p.append(f"{what}: said {err.getvalue().strip()!r}, not /{want_err}/")
        problems.extend(p)
        return kernel

    k = run('its own page, --count 3', ['--count', '3'], 0,
            ['region 7: 504 counters over 1 page(s)',
             "counter 0 in this process's memory: 5", '0 5', '1 0', '2 0',
             'detached region 7'],
            [('attach', {}), ('add', {}), ('get', {'first-index': 0, 'count': 3}),
             ('detach', {})])
    if k and k.log and k.log[0][1].get('pid') != os.getpid():
        problems.append(f"its own page: attached pid {k.log[0][1].get('pid')}, "
                        f"not its own {os.getpid()}")
    run('--pid 4242 --addr 0x7f0000001000 --len 8192 --first 500',
        ['--pid', '4242', '--addr', '0x7f0000001000', '--len', '8192', '--first', '500'], 0,
        ['region 7: 1016 counters over 2 page(s)'] +
        [f"{i} {3 * i}" for i in range(500, 1016)] + ['detached region 7'],
        [('attach', {}), ('get', {'first-index': 500, 'count': 512}),
         ('get', {'first-index': 1012, 'count': 4}), ('detach', {})])
    refuse = 'another process, against attach_scope'
    run('an ATTACH refused', ['--pid', '4242', '--addr', '0x7f0000001000'], 1, [],
        [('attach', {})],
        r'^ynl-counters: attach: Operation not permitted: another process, '
        r'against attach_scope$')
    return problems


def spec_t():
    """tests/build/ynl-spec.t, as a module: its YNL extraction and its TAP
    report."""
    return load(os.path.join(TOP, 'tests/build/ynl-spec.t'), 'ynl_spec_t')


def kernel_ynl():
    """tests/build/ynl-spec.t's: linux 6.12's YNL, extracted once."""
    return spec_t().kernel_ynl()


def main():
    files = example_files()
    c_examples = [f for f in files if f.endswith('.c')]
    py_examples = [f for f in files if f.endswith('.py')]
    examples = c_examples + py_examples

    # 1. What examples/ holds.
    p = [f"examples/{f}: neither a C nor a Python example (this test builds those)"
         for f in files if f not in examples and f != 'Makefile']
    if 'Makefile' not in files:
        p.append('no examples/Makefile')
    if not c_examples:
        p.append('no C example')
    check('examples/ holds C and Python examples and their Makefile, nothing else', p)

    # 2. The C examples build, warnings as errors.
    p = []
    subprocess.run(['make', '-s', '-C', EXAMPLES, 'clean'], capture_output=True)
    r = subprocess.run(['make', '-k', '--no-print-directory', '-C', EXAMPLES],
                       capture_output=True, text=True)
    if r.returncode != 0:
        p.append(f"make -C examples: status {r.returncode}")
        p += (r.stdout + r.stderr).strip().splitlines()[-20:]
    for f in c_examples:
        prog = f[:-2]
        if not re.search(r'-Wall .*-Wextra .*-Werror .*-o ' + re.escape(prog) + ' ' +
                         re.escape(f) + r'\b', r.stdout):
            p.append(f"{f}: no compiler line with -Wall -Wextra -Werror in make's output")
        if not os.access(os.path.join(EXAMPLES, prog), os.X_OK):
            p.append(f"{f}: make -C examples did not build examples/{prog}")
    check(f"make -C examples builds every C example ({', '.join(c_examples)}) against "
          "the tree's libctrmap with -Wall -Wextra -Werror", p)

    # 3. The Python examples compile and answer --help.
    p = []
    with tempfile.TemporaryDirectory() as tmp:
        for f in py_examples:
            path = os.path.join(EXAMPLES, f)
            try:
                py_compile.compile(path, cfile=os.path.join(tmp, f + 'c'), doraise=True)
            except py_compile.PyCompileError as e:
                p.append(f"{f}: {e.msg.strip()}")
                continue
            h = subprocess.run([path, '--help'], capture_output=True, text=True)
            if h.returncode != 0 or not h.stdout.startswith('usage:'):
                p.append(f"{f} --help: status {h.returncode}, {(h.stdout + h.stderr)[:200]!r}")
    check(f"every Python example ({', '.join(py_examples)}) compiles and answers --help",
          p)

    # 4. ynl-counters.py through linux 6.12's YNL, against a fake kernel.
    desc = (f"{YNL_EXAMPLE} with linux 6.12's YNL against a fake kernel: its own page, "
            "another process's range in GETs of 512, a refusal; every request as the "
            "spec's operation takes it")
    try:
        import yaml     # noqa: F401 (YNL's nlspec needs it)
        ynl, why = kernel_ynl()
    except ImportError:
        ynl, why = None, 'no python3-yaml (tests/lib/deps installs it)'
    if YNL_EXAMPLE not in py_examples:
        check(desc, [f"no examples/{YNL_EXAMPLE}"])
    elif not ynl:
        check(desc, [], 'environment: ' + why)
    else:
        check(desc, run_ynl_example(ynl))

    # 5. The README lists them.
    readme = open(os.path.join(TOP, 'README.md')).read()
    m = re.search(r'^## Examples\n(.*?)(?=^## )', readme, re.S | re.M)
    p = []
    if not m:
        p.append('README.md has no "## Examples" section')
    else:
        listed = set(re.findall(r'examples/([\w.+-]+)', m.group(1)))
        p += [f"examples/{f} is not in the README's Examples section"
              for f in examples if f not in listed]
        p += [f"the README's Examples section lists examples/{f}, which is not there"
              for f in sorted(listed) if f not in examples]
    check("the README's Examples section lists every example, and only those", p)

    # 6. libctrmap-dev ships them.
    globs = [line.strip() for line in open(os.path.join(TOP, 'debian/libctrmap-dev.examples'))
             if line.strip() and not line.startswith('#')]
    shipped = lambda f: any(fnmatch.fnmatch('examples/' + f, g) for g in globs)  # noqa: E731
    p = [f"examples/{f} is not in debian/libctrmap-dev.examples"
         for f in examples if not shipped(f)]
    p += [f"examples/{f} is shipped, and is no example" for f in files
          if f not in examples and shipped(f)]
    check('debian/libctrmap-dev.examples ships every example, and nothing else of examples/',
          p)

    return spec_t().report(results)


if __name__ == '__main__':
    sys.exit(main())
