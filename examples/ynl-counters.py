#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""ynl-counters: ctrmap from Python, with no ctrmap code: the kernel's YNL
library (tools/net/ynl of a linux 6.12 source tree) speaks the family from
its YNL spec, /usr/share/ctrmap/ctrmap.yaml (libctrmap-dev).

It attaches a range of a process's memory (by default a page of its own,
which needs no privilege), reads the region's counters through the kernel
with GET (first-index and count ask for values; each reply carries up to
512 of them, one consistent snapshot), prints them as "INDEX VALUE" lines,
and detaches.

  modprobe ctrmap      # YNL finds families with a dump, which loads none
  ./ynl-counters.py --ynl linux-6.12/tools/net/ynl --count 4
  ./ynl-counters.py --ynl ... --pid 4242 --addr 0x55d0c0a1b000 --len 4096

YNL needs python3-yaml. Trees after 6.12 keep the library in
tools/net/ynl/pyynl: give that directory to --ynl.
"""
import argparse
import ctypes
import mmap
import os
import sys

SPEC = '/usr/share/ctrmap/ctrmap.yaml'
VALUES_MAX = 512        # values one GET reply carries
HDR_SIZE_AT = 6         # struct ctrmap_header's __u16 hdr_size


# The requests, as YNL takes them: the spec's attribute names.
def attach_request(pid, addr, length):
    return {'pid': pid, 'addr': addr, 'len': length}


def add_request(region_id, index, delta):
    return {'region-id': region_id, 'index': index, 'delta': delta}


def values_request(region_id, first, count):
    return {'region-id': region_id, 'first-index': first, 'count': count}


def detach_request(region_id):
    return {'region-id': region_id}


def parse_args(argv):
    number = lambda text: int(text, 0)      # noqa: E731 (decimal or 0x)
    ap = argparse.ArgumentParser(
        description="Attach memory as a ctrmap region, print its counters "
        "(read through the kernel with GET), detach; through the kernel's "
        "YNL library and ctrmap's YNL spec.")
    ap.add_argument('--spec', default=SPEC,
                    help="ctrmap's YNL spec (default: %(default)s)")
    ap.add_argument('--ynl', metavar='DIR',
                    help="the directory that holds YNL's lib package: "
                    "tools/net/ynl of a linux 6.12 tree (default: lib is "
                    "found on PYTHONPATH)")
    ap.add_argument('--pid', type=number,
                    help="the process whose memory to attach (with --addr; "
                    "default: a page of this one's own)")
    ap.add_argument('--addr', type=number, help='the range\'s start')
    ap.add_argument('--len', type=number, default=4096, dest='length',
                    help='the range\'s length (default: %(default)s)')
    ap.add_argument('--first', type=number, default=0,
                    help='the first counter to print (default: 0)')
    ap.add_argument('--count', type=number,
                    help='how many counters to print (default: the rest)')
    args = ap.parse_args(argv)
    if (args.pid is None) != (args.addr is None):
        ap.error('--pid and --addr go together')
    return args


def read_values(ynl, region_id, first, count):
    """Counters [first, first + count) through the kernel: one GET per
    VALUES_MAX, each a snapshot of its own."""
    values = []
    while len(values) < count:
        n = min(count - len(values), VALUES_MAX)
        reply = ynl.do('get', values_request(region_id, first + len(values), n))
        values += reply['values']   # binary of sub-type u64: a list
    return values


def main(argv=None):
    args = parse_args(argv)
    if args.ynl:
        sys.path.insert(0, args.ynl)
    from lib import YnlFamily, NlError      # YNL, from --ynl or the path

    def failed(what, e):
        msg = (e.nl_msg.extack or {}).get('msg')
        print(f"ynl-counters: {what}: {os.strerror(e.error)}"
              f"{': ' + msg if msg else ''}", file=sys.stderr)
        return 1

    own = None
    if args.pid is None:
        # Private anonymous memory, not touched yet: ATTACH faults it in.
        own = mmap.mmap(-1, args.length, flags=mmap.MAP_PRIVATE)
        pid = os.getpid()
        addr = ctypes.addressof(ctypes.c_char.from_buffer(own))
    else:
        pid, addr = args.pid, args.addr
    try:
        # Schema '': no JSON schema check, as cli.py --no-schema.
        ynl = YnlFamily(args.spec, '')
    except Exception as e:      # YNL reports a missing family this way
        print(f"ynl-counters: {e} (is the module loaded? modprobe ctrmap)",
              file=sys.stderr)
        return 1

    # No "reply" flag: YNL always asks for an ACK and waits for it.
    try:
        r = ynl.do('attach', attach_request(pid, addr, args.length))
    except NlError as e:
        return failed('attach', e)
    rid = r['region-id']
    print(f"region {rid}: {r['ncounters']} counters over {r['npages']} page(s)")
    status = 0
    try:
        if own is not None:
            # The kernel writes the counters into our memory (ADD is one
            # way): a byte copy here, as Python promises no 64-bit load.
            ynl.do('add', add_request(rid, 0, 5))
            at = int.from_bytes(own[HDR_SIZE_AT:HDR_SIZE_AT + 2], sys.byteorder)
            print("counter 0 in this process's memory:",
                  int.from_bytes(own[at:at + 8], sys.byteorder))
        first = args.first
        count = r['ncounters'] - first if args.count is None else args.count
        for i, v in enumerate(read_values(ynl, rid, first, count), first):
            print(i, v)
    except NlError as e:
        status = failed('read', e)
    finally:
        try:
            ynl.do('detach', detach_request(rid))
            print(f"detached region {rid}")
        except NlError as e:
            status = failed('detach', e)
    return status


if __name__ == '__main__':
    sys.exit(main())
