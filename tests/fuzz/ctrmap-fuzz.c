// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ctrmap-fuzz: a seeded, bounded fuzzer for the "ctrmap" generic netlink
 * family, with a safety oracle for unprivileged callers.
 *
 *   ctrmap-fuzz [--seed N] [--count N] [--seconds S] [--user NAME]
 *               [--family NAME] [--timeout MS] [--no-sentinel] [--floor N]
 *               [--verbose]
 *
 * --seed N     PRNG seed (default: from the clock; printed, to repeat a run)
 * --count N    messages to send (default 10000, or unlimited with --seconds)
 * --seconds S  stop after S seconds (whichever of --count/--seconds is first)
 * --user NAME  first of all, before opening anything, drop to user NAME (or
 *              a numeric uid): setgroups(0), setgid, setuid. The run then
 *              fuzzes as an unprivileged caller.
 * --family F   generic netlink family (default "ctrmap"). With any other
 *              family (e.g. "nlctrl", to check the fuzzer on a host without
 *              ctrmap) the messages are the same, the safety oracle and the
 *              STATS state check are off: only outcomes are tallied.
 * --timeout MS how long to wait for the answer to one message (default 2000);
 *              a message not answered in time counts as a timeout.
 * --no-sentinel  do not follow a request without NLM_F_ACK by an NLMSG_NOOP
 *              with NLM_F_ACK: such a request that succeeds without a reply
 *              then ends in a timeout (a way to check the timeout path).
 * --floor N    (family "ctrmap") the run fails unless at least N ATTACH, N BIND
 *              and N ADD succeeded (default 1): a run that reached none of
 *              the paths that change state proves nothing.
 * --verbose    one line per message: number, command, flags, length,
 *              mutations, outcome and extended ACK message. It shows no pid,
 *              address or region id, so two runs with one seed can be diffed.
 *
 * Messages. Each message is built by hand (nlmsghdr + genlmsghdr + TLVs), so
 * it can be anything libnl would refuse to build, and is sent on a socket of
 * its own (opened with ctrmap_nl_open(): NETLINK_EXT_ACK, NETLINK_CAP_ACK).
 * Most start from a valid-shaped template of one command of
 * include/uapi/linux/ctrmap.h (ATTACH pid/addr/len; DETACH region_id; GET do
 * region_id [verbose] [first_index] [count]; GET dump [pid] [region_id]
 * [verbose] [first_index] [count] (indexes and counts small, at the ends of
 * a region, huge; now and then the reply-only values); BIND region_id/index/
 * source{type, period_ns|irq}; UNBIND region_id/index; ADD region_id/index/
 * delta (DETACH, BIND, UNBIND and ADD half the time with reply); STATS; the notification-only DETACHED, 0 and 9..255) with
 * plausible values, then get 1-3 mutations (15% get none, so that the
 * stateful paths are reached):
 *   drop       remove an attribute (top level or inside a nest)
 *   dup        repeat one, same or another value (the kernel keeps the last)
 *   size       wrong payload size: 0, 1 (u8 for u32), 2, 3, 4, 8, random,
 *              or one huge 64 KiB attribute
 *   type       unknown attribute type: 0, the op's max + 1, CTRMAP_A_MAX+1,
 *              0x3fff, 0x7fff, 0xffff, random; at top level or in a nest
 *   nestflag   NLA_F_NESTED set on a leaf or cleared on a nest, or
 *              NLA_F_NET_BYTEORDER set
 *   badnest    truncated nest (nla_len short of its content), length past
 *              the end of the message, nest within nest, empty nest, leaf
 *              turned into a nest
 *   reserved   genlmsghdr.reserved != 0
 *   version    genlmsghdr.version != CTRMAP_GENL_VERSION
 *   flags      NLM_F_DUMP on a do-only command or off on GET dump, no
 *              NLM_F_ACK, NLM_F_ROOT or NLM_F_MATCH alone, NLM_F_ECHO, random
 *              bits, rarely no NLM_F_REQUEST
 *   value      0, 1, UINT32_MAX, UINT64_MAX, 2^63, 2^31, ... of the
 *              attribute's width
 *   trailing   garbage after the last attribute (short, a bad nla header)
 *   shuffle    attributes in another order
 * and 6% are fully random: random command, random bytes or random TLVs.
 * Determinism: one splitmix64 stream, consumed the same way whatever the
 * kernel answers; what differs between runs is only what refers to the run
 * (own pid, region ids the kernel gave, and the buffer's address if the
 * fixed placement below is taken).
 *
 * Memory it may attach: an arena at a fixed address (falls back to any) of
 * eight 64 KiB slots (private anonymous, one shared anonymous, one memfd),
 * each followed by a PROT_NONE guard page, plus a read-only page, a page of
 * a regular file (/proc/self/exe, MAP_PRIVATE), a writable page followed by
 * an unmapped page. Every ATTACH the fuzzer sends is checked byte by byte,
 * the way the kernel walks attributes, before it is sent (every PID and ADDR
 * attribute, duplicates included): an address may only be in the arena when
 * every pid in the message is the fuzzer's own (or no process: 0, above
 * PID_MAX_LIMIT), else it must be one no process has mapped (below 0x1000,
 * at or above 2^56, x86-64's last page); offending values are rewritten. So
 * no range the kernel could accept leaves the arena. With CAP_SYS_PTRACE,
 * pids of possibly existing processes other than 1 become nonexistent ones
 * (pid | 2^30), and DETACH/BIND/UNBIND/ADD region ids that are not its own
 * become impossible ones (id | 2^31): as root it never touches another
 * process's memory or region (pid 1 only with ranges no process has).
 * Pinned memory stays small (len <= 64 KiB, at most 16 pages a region);
 * timer periods are mostly >= 1 ms, and it stops binding at 32 bindings.
 *
 * Safety oracle (family "ctrmap" only). A success is allowed only for:
 * ATTACH of the fuzzer's own pid; DETACH, BIND, UNBIND, ADD of a region it
 * created; GET/STATS. Without CAP_SYS_ADMIN, GET with CTRMAP_A_VERBOSE and
 * BIND of an irq source must fail; without CAP_SYS_PTRACE, a GET reply may
 * only describe its own regions, and an ATTACH of another pid must fail
 * before the range is looked at (EPERM, ESRCH, EINVAL, E2BIG, not EFAULT,
 * EACCES, EOPNOTSUPP, ENOSPC, EMFILE). Commands with no operation (0,
 * DETACHED, > STATS) and NLM_F_DUMP on do-only commands must fail. After an
 * ATTACH of its own pid fails, a GET dump of its pid must show no region it
 * does not know (a lost reply - timeout, ENOBUFS, EAGAIN - only warns and
 * adopts the region). Anything else prints "VIOLATION: ..." and makes the
 * run fail. Messages without NLM_F_REQUEST are acknowledged unprocessed and
 * are not judged.
 *
 * End: the regions it created (and any other of its pid, found with a GET
 * dump) are detached; STATS must then show the regions, bindings and pinned
 * pages it showed before the run. Exit 0 and "fuzz: PASS" when there was no
 * violation, no malformed reply, the floor was reached (--floor) and the
 * state is back; 1 otherwise; 2 for a usage error.
 * SIGINT/SIGTERM stop the run early, with the same cleanup and checks.
 *
 *   make -C tests/fuzz
 *   ./ctrmap-fuzz --seed 1 --count 20000               # as root
 *   ./ctrmap-fuzz --seed 1 --seconds 60 --user nobody  # unprivileged
 *   ./ctrmap-fuzz --family nlctrl --count 2000         # host self-check
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <inttypes.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <linux/capability.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "internal.h"

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

/* No pid is above this (PID_MAX_LIMIT on 64-bit kernels). */
#define PID_LIMIT 0x400000u
/* Where the arena goes if that is free: far below the mmap base. */
#define ARENA_HINT 0x3c0000000000ull
#define NSLOTS 8
#define SLOT_MIN (64 * 1024)
/* Cap on bindings the fuzzer keeps (timers can be 10 kHz each). */
#define MAX_OWN_BINDINGS 32

/* ---------------------------------------------------------------- */
/* Options and run state                                            */

static struct {
	uint64_t seed;
	uint64_t count;
	double seconds;
	const char *user;
	const char *family;
	int timeout_ms;
	bool no_sentinel;
	bool verbose;
	uint64_t floor;
} opt = {
	.family = CTRMAP_GENL_NAME,
	.timeout_ms = 2000,
	.floor = 1,
};

static volatile sig_atomic_t stop_requested;

static uint32_t self_pid;
static bool is_ctrmap;		/* oracle and state check */
static bool cap_ptrace, cap_admin;
static int fam_id;
static int fuzz_fd;
static uint32_t next_seq = 1;
static struct ctrmap_handle *ctl;	/* library calls: stats, list, detach */

static unsigned long violations;
static unsigned long anomalies;
static unsigned long rewrites;
static unsigned long stale_msgs, late_attach, enobufs, truncs, send_errs;
static unsigned long bad_replies;

#define VIOLATION(...)                                          \
	do {                                                    \
		printf("VIOLATION: " __VA_ARGS__);              \
		putchar('\n');                                  \
		fflush(stdout);                                 \
		violations++;                                   \
	} while (0)

#define WARN(...)                                               \
	do {                                                    \
		printf("fuzz: warning: " __VA_ARGS__);          \
		putchar('\n');                                  \
		anomalies++;                                    \
	} while (0)

/* ---------------------------------------------------------------- */
/* PRNG: splitmix64, nothing else draws randomness                  */

static uint64_t rng;

static uint64_t rnd64(void)
{
	uint64_t z = (rng += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint32_t rnd(uint32_t n)
{
	return n ? (uint32_t)(rnd64() % n) : 0;
}

/* ---------------------------------------------------------------- */
/* Regions the fuzzer created                                       */

#define MAX_OWN 8192

static struct own_region {
	uint32_t id;
	bool live;
	unsigned int nbind;
} own[MAX_OWN];
static unsigned int nown;
static unsigned int own_bindings;

static struct own_region *own_find(uint32_t id)
{
	for (unsigned int i = 0; i < nown; i++)
		if (own[i].id == id)
			return &own[i];
	return NULL;
}

static void own_add(uint32_t id)
{
	struct own_region *o = own_find(id);

	if (o) {
		o->live = true;
		return;
	}
	if (nown == MAX_OWN) {
		/* Forget the oldest dead one; live ones stay. */
		for (unsigned int i = 0; i < nown; i++) {
			if (!own[i].live) {
				memmove(&own[i], &own[i + 1],
					(nown - i - 1) * sizeof(own[0]));
				nown--;
				break;
			}
		}
		if (nown == MAX_OWN)
			return;
	}
	own[nown++] = (struct own_region){ .id = id, .live = true };
}

static void own_dead(uint32_t id)
{
	struct own_region *o = own_find(id);

	if (!o)
		return;
	if (o->live)
		own_bindings -= o->nbind;
	o->live = false;
	o->nbind = 0;
}

static unsigned int own_live(void)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < nown; i++)
		n += own[i].live;
	return n;
}

/*
 * A region id for a template: r (one draw) picks among own live regions,
 * own ones, small ids and special ones; the draw count never depends on
 * the run.
 */
static uint32_t pick_region(void)
{
	static const uint32_t special[] = { 0, 1, INT32_MAX, 0x80000000u,
					    UINT32_MAX };
	uint32_t kind = rnd(100), r = (uint32_t)rnd64();
	unsigned int live = own_live();

	if (kind < 40 && live) {
		unsigned int k = r % live;

		for (unsigned int i = 0; i < nown; i++)
			if (own[i].live && k-- == 0)
				return own[i].id;
	}
	if (kind < 55 && nown)
		return own[r % nown].id;
	if (kind < 85)
		return r % 21;
	return special[r % 5];
}

/* ---------------------------------------------------------------- */
/* The arena: the only memory of its own it lets the kernel attach   */

static struct {
	uint8_t *base;
	size_t len, ps, slot_size;
	uint8_t *slot[NSLOTS];
	uint8_t *ro, *file, *wb, *hole;
	bool fixed, have_file, have_hole;
} arena;

static int arena_setup(void)
{
	size_t ps = (size_t)sysconf(_SC_PAGESIZE), pos;
	uint8_t *b;
	int fd;

	arena.ps = ps;
	arena.slot_size = SLOT_MIN < ps ? ps : SLOT_MIN;
	/* guard, then each slot + guard, ro + guard, file + guard,
	 * wb, hole, guard */
	pos = ps;
	for (int i = 0; i < NSLOTS; i++)
		pos += arena.slot_size + ps;
	arena.len = pos + 2 * ps + 2 * ps + 3 * ps;

	b = mmap((void *)ARENA_HINT, arena.len, PROT_NONE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE |
		 MAP_FIXED_NOREPLACE, -1, 0);
	if (b != MAP_FAILED && b != (uint8_t *)ARENA_HINT) {
		munmap(b, arena.len);	/* an old kernel took it as a hint */
		b = MAP_FAILED;
	}
	arena.fixed = b != MAP_FAILED;
	if (!arena.fixed)
		b = mmap(NULL, arena.len, PROT_NONE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (b == MAP_FAILED) {
		perror("ctrmap-fuzz: mmap");
		return -1;
	}
	arena.base = b;

	pos = ps;
	for (int i = 0; i < NSLOTS; i++) {
		uint8_t *s = b + pos;
		void *m = MAP_FAILED;

		arena.slot[i] = s;
		if (i == NSLOTS - 2) {
			m = mmap(s, arena.slot_size, PROT_READ | PROT_WRITE,
				 MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
		} else if (i == NSLOTS - 1) {
			fd = memfd_create("ctrmap-fuzz", MFD_CLOEXEC);
			if (fd >= 0 &&
			    ftruncate(fd, (off_t)arena.slot_size) == 0)
				m = mmap(s, arena.slot_size,
					 PROT_READ | PROT_WRITE,
					 MAP_SHARED | MAP_FIXED, fd, 0);
			if (fd >= 0)
				close(fd);
		}
		if (m == MAP_FAILED &&
		    mprotect(s, arena.slot_size, PROT_READ | PROT_WRITE)) {
			perror("ctrmap-fuzz: mprotect");
			return -1;
		}
		memset(s, 0, arena.slot_size);
		pos += arena.slot_size + ps;
	}
	arena.ro = b + pos;
	pos += 2 * ps;
	arena.file = b + pos;
	pos += 2 * ps;
	arena.wb = b + pos;
	arena.hole = b + pos + ps;

	if (mprotect(arena.ro, ps, PROT_READ) ||
	    mprotect(arena.wb, ps, PROT_READ | PROT_WRITE)) {
		perror("ctrmap-fuzz: mprotect");
		return -1;
	}
	memset(arena.wb, 0, ps);
	fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		arena.have_file = mmap(arena.file, ps, PROT_READ | PROT_WRITE,
				       MAP_PRIVATE | MAP_FIXED, fd, 0) !=
				  MAP_FAILED;
		close(fd);
	}
	/*
	 * The unmapped page: only at the fixed address, far from where
	 * anything else is mapped, so nothing of ours lands in it.
	 */
	if (arena.fixed)
		arena.have_hole = munmap(arena.hole, ps) == 0;
	return 0;
}

static bool in_arena(uint64_t a)
{
	return a >= (uintptr_t)arena.base &&
	       a < (uintptr_t)arena.base + arena.len;
}

/* No process has memory there. */
static bool nowhere(uint64_t a)
{
	if (a < 0x1000 || a >= (1ull << 56))
		return true;
#ifdef __x86_64__
	/* TASK_SIZE_MAX with 4-level paging: the page above the stack. */
	if (a >= 0x7ffffffff000ull && a < 0x800000000000ull)
		return true;
#endif
	return false;
}

static bool pid_maybe_other(uint32_t p)
{
	return p != self_pid && p != 0 && p <= PID_LIMIT;
}

/* ---------------------------------------------------------------- */
/* Message building: a small attribute tree, serialised by hand     */

#define MAXNODES 64
#define MAXKIDS 16
#define DATA_CAP (72 * 1024)
#define HUGE_PAYLOAD (0xffff - NLA_HDRLEN)
#define MSG_CAP (200 * 1024)

struct node {
	uint16_t type;		/* with NLA_F_* bits */
	bool nest;
	int32_t lenadj;		/* added to nla_len when serialised */
	uint32_t doff, dlen;	/* leaf payload in msg.data */
	int kids[MAXKIDS];
	int nkids;
};

static struct msgb {
	struct node nodes[MAXNODES];
	int nn;
	int top[MAXKIDS];
	int ntop;
	uint8_t data[DATA_CAP];
	size_t dused;
	uint8_t cmd, version;
	uint16_t reserved, flags;
	uint16_t maxattr;	/* the template's highest attribute */
	bool huge;
	uint8_t trail[32];
	size_t ntrail;
	bool raw;
	uint8_t rawbuf[600];
	size_t rawlen;
	char muts[160];
} m;

static uint8_t sbuf[MSG_CAP];
static uint8_t rbuf[128 * 1024];

static void note(const char *what)
{
	size_t n = strlen(m.muts);

	snprintf(m.muts + n, sizeof(m.muts) - n, "%s%s", n ? "," : "", what);
}

static void fill_random(uint8_t *p, size_t n)
{
	uint64_t x = rnd64();

	/* One draw per call: a huge attribute costs no more than a small. */
	for (size_t i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		p[i] = (uint8_t)x;
	}
}

static uint32_t data_alloc(size_t len)
{
	uint32_t off;

	if (m.dused + len > DATA_CAP)
		return UINT32_MAX;
	off = (uint32_t)m.dused;
	m.dused += len;
	return off;
}

static int new_node(uint16_t type, bool nest)
{
	struct node *n;

	if (m.nn == MAXNODES)
		return -1;
	n = &m.nodes[m.nn];
	memset(n, 0, sizeof(*n));
	n->type = type;
	n->nest = nest;
	return m.nn++;
}

static int new_leaf(uint16_t type, const void *p, size_t len)
{
	uint32_t off = data_alloc(len);
	int i;

	if (off == UINT32_MAX)
		return -1;
	i = new_node(type, false);
	if (i < 0)
		return -1;
	m.nodes[i].doff = off;
	m.nodes[i].dlen = (uint32_t)len;
	if (len)
		memcpy(m.data + off, p, len);
	return i;
}

static void list_insert(int *list, int *n, int pos, int idx)
{
	if (idx < 0 || *n >= MAXKIDS)
		return;
	if (pos > *n)
		pos = *n;
	memmove(&list[pos + 1], &list[pos], (size_t)(*n - pos) * sizeof(int));
	list[pos] = idx;
	(*n)++;
}

static void add_top(int idx)
{
	list_insert(m.top, &m.ntop, m.ntop, idx);
}

static void add_kid(int nest, int idx)
{
	if (nest >= 0)
		list_insert(m.nodes[nest].kids, &m.nodes[nest].nkids,
			    m.nodes[nest].nkids, idx);
}

static int leaf_u8(uint16_t t, uint8_t v) { return new_leaf(t, &v, 1); }
static int leaf_u32(uint16_t t, uint32_t v) { return new_leaf(t, &v, 4); }
static int leaf_u64(uint16_t t, uint64_t v) { return new_leaf(t, &v, 8); }

/* An attribute's place: in the top list or in a nest's kids. */
struct ref {
	int *list;
	int *n;
	int i;
	int depth;
};

#define MAXREFS 96

static int collect_list(struct ref *refs, int nrefs, int *list, int *n,
			int depth, bool leaves_only, bool nests_only)
{
	for (int i = 0; i < *n && nrefs < MAXREFS; i++) {
		struct node *nd = &m.nodes[list[i]];

		if ((!leaves_only || !nd->nest) && (!nests_only || nd->nest))
			refs[nrefs++] = (struct ref){ list, n, i, depth };
		if (nd->nest && depth < 3)
			nrefs = collect_list(refs, nrefs, nd->kids, &nd->nkids,
					     depth + 1, leaves_only,
					     nests_only);
	}
	return nrefs;
}

static int collect(struct ref *refs, bool leaves_only, bool nests_only)
{
	return collect_list(refs, 0, m.top, &m.ntop, 0, leaves_only,
			    nests_only);
}

static size_t ser_node(int idx, uint8_t *out, size_t off, int depth)
{
	const struct node *n = &m.nodes[idx];
	size_t start = off, al;
	long claimed;
	struct nlattr h;

	if (off + NLA_HDRLEN > MSG_CAP)
		return off;
	off += NLA_HDRLEN;
	if (n->nest) {
		for (int k = 0; k < n->nkids && depth < 6; k++)
			off = ser_node(n->kids[k], out, off, depth + 1);
	} else if (off + n->dlen <= MSG_CAP) {
		memcpy(out + off, m.data + n->doff, n->dlen);
		off += n->dlen;
	}
	claimed = (long)(off - start) + n->lenadj;
	if (claimed < 0)
		claimed = 0;
	if (claimed > 0xffff)
		claimed = 0xffff;
	h.nla_len = (uint16_t)claimed;
	h.nla_type = n->type;
	memcpy(out + start, &h, sizeof(h));
	al = NLA_ALIGN(off);
	if (al > MSG_CAP)
		al = MSG_CAP;
	memset(out + off, 0, al - off);
	return al;
}

/* Serialised size of one node's content, for truncation. */
static size_t content_size(int idx)
{
	static uint8_t scratch[MSG_CAP];

	return ser_node(idx, scratch, 0, 0) - NLA_HDRLEN;
}

/* The message into sbuf; returns its length. */
static size_t serialise(uint32_t seq)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)sbuf;
	struct genlmsghdr *g = (struct genlmsghdr *)(sbuf + NLMSG_HDRLEN);
	size_t off = NLMSG_HDRLEN + GENL_HDRLEN;

	if (m.raw) {
		memcpy(sbuf + off, m.rawbuf, m.rawlen);
		off += m.rawlen;
	} else {
		for (int i = 0; i < m.ntop; i++)
			off = ser_node(m.top[i], sbuf, off, 0);
		if (off + m.ntrail <= MSG_CAP) {
			memcpy(sbuf + off, m.trail, m.ntrail);
			off += m.ntrail;
		}
	}
	nlh->nlmsg_len = (uint32_t)off;
	nlh->nlmsg_type = (uint16_t)fam_id;
	nlh->nlmsg_flags = m.flags;
	nlh->nlmsg_seq = seq;
	nlh->nlmsg_pid = 0;
	g->cmd = m.cmd;
	g->version = m.version;
	g->reserved = m.reserved;
	return off;
}

/* ---------------------------------------------------------------- */
/* Templates                                                        */

static uint32_t pick_pid(bool *own_pid)
{
	uint32_t kind = rnd(100), r = (uint32_t)rnd64();

	*own_pid = kind < 55;
	if (kind < 55)
		return self_pid;
	if (kind < 65)
		return 1;
	if (kind < 75)
		return PID_LIMIT + 1 + r % 100000;	/* no such process */
	if (kind < 80)
		return 0;
	if (kind < 85) {
		static const uint32_t v[] = { UINT32_MAX, 0x80000000u,
					      INT32_MAX };
		return v[r % 3];
	}
	return 2 + r % 32766;	/* someone, maybe */
}

static uint64_t pick_len(uint64_t room)
{
	uint32_t kind = rnd(8), r = (uint32_t)rnd64();

	switch (kind) {
	case 0: return CTRMAP_HDR_SIZE + 8;
	case 1: return CTRMAP_HDR_SIZE + 8 * (1 + r % 64);
	case 2: return 4096;
	case 3: return room;			/* exactly to the guard */
	case 4: return room + 8;		/* one counter too far */
	case 5: return CTRMAP_HDR_SIZE + 8 * (r % 8183);	/* <= 64 KiB */
	case 6: return r % (CTRMAP_HDR_SIZE + 8);	/* too short */
	default: return SLOT_MIN;
	}
}

/* An address and length of the fuzzer's own, or of nothing. */
static void pick_own_range(uint64_t *addr, uint64_t *len)
{
	uint32_t kind = rnd(100), r = (uint32_t)rnd64();
	uint32_t slot = r % NSLOTS;
	uint64_t off = (r >> 8) & 1 ? 8 * ((r >> 9) % 64) : 0;
	uintptr_t s = (uintptr_t)arena.slot[slot];
	uint64_t l = pick_len(arena.slot_size - off);

	if (kind < 55) {
		*addr = s + off;
	} else if (kind < 60) {
		*addr = s + off + 1 + (r >> 16) % 7;	/* misaligned */
	} else if (kind < 65) {
		*addr = (uintptr_t)arena.ro;
	} else if (kind < 70) {
		*addr = (uintptr_t)arena.file;
	} else if (kind < 75) {
		*addr = (uintptr_t)arena.hole;
	} else if (kind < 80) {
		/* writable page, then the unmapped one */
		*addr = (uintptr_t)arena.wb + arena.ps - 64;
		l = 64 + 8 + arena.ps;
	} else if (kind < 85) {
		*addr = s + arena.slot_size;		/* its guard */
	} else if (kind < 90) {
		*addr = 8 * ((r >> 16) % 512);		/* page 0 */
	} else if (kind < 95) {
		*addr = (1ull << 56) | (rnd64() & ~7ull);
	} else {
		*addr = rnd64();	/* the check before sending tames it */
	}
	*len = l;
}

/* A range in no process: for pids other than its own. */
static void pick_nowhere_range(uint64_t *addr, uint64_t *len)
{
	uint32_t kind = rnd(6), r = (uint32_t)rnd64();

	switch (kind) {
	case 0:
	case 1:
		*addr = 8 * (r % 512);				/* page 0 */
		break;
	case 2:
		*addr = (1ull << 56) | (rnd64() & ~7ull);	/* not user */
		break;
	case 3:
		*addr = UINT64_MAX - 7 - 8 * (r % 16);		/* wraps */
		break;
	case 4:
#ifdef __x86_64__
		*addr = 0x7ffffffff000ull;
#else
		*addr = 0x1000 - 72;
#endif
		break;
	default:
		*addr = rnd64();
		break;
	}
	*len = pick_len(4096);
}

/*
 * A name: valid ones, and each way to be wrong: empty, a digit or a dash
 * first, a space, a character outside the set, 47 and 48 bytes, no NUL.
 */
static int name_leaf(uint16_t type)
{
	static const char *const names[] = {
		"rx_packets", "q0", "_x", "a.b:c-d", "rx_packets",
		"", "0abc", "-x", "rx packets", "a/b", "na\xc3\xafve",
		"a23456789012345678901234567890123456789012345678",
		"a2345678901234567890123456789012345678901234567",
	};
	uint32_t r = rnd(sizeof(names) / sizeof(names[0]) + 1);

	if (r == sizeof(names) / sizeof(names[0]))	/* no NUL */
		return new_leaf(type, "abc", 3);
	return new_leaf(type, names[r], strlen(names[r]) + 1);
}

static void tpl_attach(void)
{
	bool own_pid;
	uint32_t pid = pick_pid(&own_pid);
	uint64_t addr, len;

	/* By the draw, not by value: the draws stay the same every run. */
	if (own_pid)
		pick_own_range(&addr, &len);
	else
		pick_nowhere_range(&addr, &len);
	m.cmd = CTRMAP_CMD_ATTACH;
	m.maxattr = CTRMAP_A_LEN;
	add_top(leaf_u32(CTRMAP_A_PID, pid));
	add_top(leaf_u64(CTRMAP_A_ADDR, addr));
	add_top(leaf_u64(CTRMAP_A_LEN, len));
	if (rnd(4) == 0) {
		m.maxattr = CTRMAP_A_NAME;
		add_top(name_leaf(CTRMAP_A_NAME));
	}
}

/*
 * DETACH, ADD, BIND, UNBIND: half the time with CTRMAP_A_REPLY, as
 * libctrmap sends them (it asks for a reply, not an ACK).
 */
static void maybe_reply(void)
{
	m.maxattr = CTRMAP_A_REPLY;
	if (rnd(2))
		add_top(new_leaf(CTRMAP_A_REPLY, NULL, 0));
}

static void tpl_region_only(uint8_t cmd)
{
	m.cmd = cmd;
	add_top(leaf_u32(CTRMAP_A_REGION_ID, pick_region()));
	maybe_reply();
}

static uint32_t pick_index(void);

/* GET's count: 0 (refused), a few, one message's 512 and past it, huge. */
static uint32_t pick_count(void)
{
	static const uint32_t v[] = { 0, 1, 2, 504, 512, 513, 8184, UINT32_MAX };
	uint32_t kind = rnd(4), r = (uint32_t)rnd64();

	return kind < 2 ? 1 + r % 16 : v[r % 8];
}

static void tpl_get(bool dump)
{
	static const uint64_t values[2];
	uint32_t r = rnd(100);

	m.cmd = CTRMAP_CMD_GET;
	m.maxattr = CTRMAP_A_COUNT;
	if (dump) {
		bool own_pid;
		uint32_t pid = pick_pid(&own_pid);

		m.flags |= NLM_F_DUMP;
		if (r < 50)
			add_top(leaf_u32(CTRMAP_A_PID, pid));
		if (r % 7 == 0)	/* the dump's region filter */
			add_top(leaf_u32(CTRMAP_A_REGION_ID, pick_region()));
	} else {
		add_top(leaf_u32(CTRMAP_A_REGION_ID, pick_region()));
	}
	if (r % 5 == 0)
		add_top(new_leaf(CTRMAP_A_VERBOSE, NULL, 0));
	if (r % 3 == 0)
		add_top(leaf_u32(CTRMAP_A_FIRST_INDEX, pick_index()));
	if (r % 4 == 1)
		add_top(leaf_u32(CTRMAP_A_COUNT, pick_count()));
	if (r == 97)	/* a reply's attribute: no policy takes it */
		add_top(new_leaf(CTRMAP_A_VALUES, values, sizeof(values)));
}

static uint32_t pick_index(void)
{
	static const uint32_t v[] = { 0, 1, 2, 7, 503, 8183, 8184, UINT32_MAX };
	uint32_t kind = rnd(4), r = (uint32_t)rnd64();

	return kind < 2 ? r % 16 : v[r % 8];
}

static int source_nest(void)
{
	static const uint64_t periods[] = {
		1000000, 1000000, 5000000, 10000000, 1000000000,
		100000, 99999, 1, 0, UINT64_MAX, 1ull << 63, 1000,
		/* the policy's longest, one past it, and 2^63 - 1 */
		3600000000000ull, 3600000000001ull, INT64_MAX,
	};
	static const uint32_t irqs[] = { 0, 1, 9, 11, 24, 255, UINT32_MAX };
	uint32_t kind = rnd(100), r = (uint32_t)rnd64(), both = rnd(10);
	int nest = new_node(CTRMAP_A_SOURCE | NLA_F_NESTED, true);
	uint64_t period = periods[r % (sizeof(periods) / sizeof(periods[0]))];
	uint32_t irq = irqs[(r >> 8) % 7];

	if (kind < 75) {
		add_kid(nest, leaf_u8(CTRMAP_SOURCE_A_TYPE,
				      CTRMAP_SOURCE_TIMER));
		add_kid(nest, leaf_u64(CTRMAP_SOURCE_A_PERIOD_NS, period));
		if (!both)
			add_kid(nest, leaf_u32(CTRMAP_SOURCE_A_IRQ, irq));
	} else if (kind < 95) {
		add_kid(nest, leaf_u8(CTRMAP_SOURCE_A_TYPE, CTRMAP_SOURCE_IRQ));
		add_kid(nest, leaf_u32(CTRMAP_SOURCE_A_IRQ, irq));
		if (!both)
			add_kid(nest, leaf_u64(CTRMAP_SOURCE_A_PERIOD_NS,
					       period));
	} else {
		static const uint8_t types[] = { CTRMAP_SOURCE_NONE,
						 CTRMAP_SOURCE_MAX + 1, 255 };

		add_kid(nest, leaf_u8(CTRMAP_SOURCE_A_TYPE, types[r % 3]));
		add_kid(nest, leaf_u64(CTRMAP_SOURCE_A_PERIOD_NS, period));
	}
	return nest;
}

static void tpl_bind(void)
{
	uint32_t rid = pick_region();

	/* Enough timers already: keep the region id, make it none. */
	if (own_bindings >= MAX_OWN_BINDINGS && own_find(rid))
		rid |= 0x80000000u;
	m.cmd = CTRMAP_CMD_BIND;
	m.maxattr = CTRMAP_A_SOURCE;
	add_top(leaf_u32(CTRMAP_A_REGION_ID, rid));
	add_top(leaf_u32(CTRMAP_A_INDEX, pick_index()));
	add_top(source_nest());
	maybe_reply();
}

static void tpl_unbind(void)
{
	m.cmd = CTRMAP_CMD_UNBIND;
	add_top(leaf_u32(CTRMAP_A_REGION_ID, pick_region()));
	add_top(leaf_u32(CTRMAP_A_INDEX, pick_index()));
	maybe_reply();
}

static void tpl_add(void)
{
	static const uint64_t deltas[] = { 0, 1, 1000, UINT32_MAX, UINT64_MAX,
					   1ull << 63 };
	uint64_t r = rnd64();

	m.cmd = CTRMAP_CMD_ADD;
	m.maxattr = CTRMAP_A_DELTA;
	add_top(leaf_u32(CTRMAP_A_REGION_ID, pick_region()));
	add_top(leaf_u32(CTRMAP_A_INDEX, pick_index()));
	add_top(leaf_u64(CTRMAP_A_DELTA, r & 1 ? deltas[(r >> 1) % 6] :
				     (r >> 8) % 100));
	maybe_reply();
}

/* NAME: a counter's (with an index) or the region's; no name removes. */
static void tpl_name(void)
{
	uint32_t r = rnd(8);

	m.cmd = CTRMAP_CMD_NAME;
	m.maxattr = CTRMAP_A_NAME;
	add_top(leaf_u32(CTRMAP_A_REGION_ID, pick_region()));
	if (r < 6)
		add_top(leaf_u32(CTRMAP_A_INDEX, pick_index()));
	if (r % 4)
		add_top(name_leaf(CTRMAP_A_NAME));
}

static void tpl_stats(void)
{
	m.cmd = CTRMAP_CMD_STATS;
	m.maxattr = 0;
}

static void tpl_known(uint32_t which)
{
	switch (which) {
	case 0: tpl_attach(); break;
	case 1: tpl_region_only(CTRMAP_CMD_DETACH); break;
	case 2: tpl_get(false); break;
	case 3: tpl_get(true); break;
	case 4: tpl_bind(); break;
	case 5: tpl_unbind(); break;
	case 6: tpl_add(); break;
	case 7: tpl_stats(); break;
	default: tpl_name(); break;
	}
}

/* Commands with no operation: attributes of some other template. */
static void tpl_unknown(void)
{
	uint32_t kind = rnd(10), r = (uint32_t)rnd64(), which = rnd(9);

	tpl_known(which);
	m.flags &= (uint16_t)~NLM_F_DUMP;
	if (r & 1)
		m.flags |= (uint16_t)((r >> 1) & 1 ? NLM_F_DUMP : 0);
	if (kind < 2)
		m.cmd = CTRMAP_CMD_UNSPEC;
	else if (kind < 5)
		m.cmd = CTRMAP_CMD_DETACHED;
	else
		m.cmd = (uint8_t)(CTRMAP_CMD_MAX + 1 +
				  (r >> 8) % (255 - CTRMAP_CMD_MAX));
}

static void tpl_raw(void)
{
	uint32_t kind = rnd(4), r = (uint32_t)rnd64();

	m.raw = true;
	m.cmd = kind & 1 ? (uint8_t)(r % (CTRMAP_CMD_MAX + 2)) : (uint8_t)r;
	m.flags = NLM_F_REQUEST | NLM_F_ACK;
	if ((r >> 8) % 4 == 0)
		m.flags |= NLM_F_DUMP;
	m.version = (r >> 10) % 4 == 0 ? (uint8_t)(r >> 16) :
					 CTRMAP_GENL_VERSION;
	if (kind < 2) {
		m.rawlen = rnd(sizeof(m.rawbuf) - 88);
		fill_random(m.rawbuf, m.rawlen);
		note("raw-bytes");
		return;
	}
	/* random TLVs, well formed or not */
	m.rawlen = 0;
	for (uint32_t n = 1 + rnd(8); n; n--) {
		uint32_t dl = rnd(13), t = rnd(100);
		uint16_t type = (uint16_t)(t < 80 ? rnd(CTRMAP_A_MAX + 3) :
						    rnd(0x10000));
		uint16_t len = (uint16_t)(NLA_HDRLEN + dl);
		uint32_t bad = rnd(20);

		if (bad == 0)
			len = (uint16_t)rnd(NLA_HDRLEN);
		else if (bad == 1)
			len = (uint16_t)(len + 1 + rnd(64));
		if (m.rawlen + NLA_ALIGN(NLA_HDRLEN + dl) > sizeof(m.rawbuf))
			break;
		memcpy(m.rawbuf + m.rawlen, &len, 2);
		memcpy(m.rawbuf + m.rawlen + 2, &type, 2);
		fill_random(m.rawbuf + m.rawlen + NLA_HDRLEN,
			    NLA_ALIGN(NLA_HDRLEN + dl) - NLA_HDRLEN);
		m.rawlen += NLA_ALIGN(NLA_HDRLEN + dl);
	}
	note("raw-tlv");
}

/* ---------------------------------------------------------------- */
/* Mutations                                                        */

static void write_value(struct node *n, uint64_t r)
{
	static const uint64_t v64[] = { 0, 1, UINT32_MAX, UINT64_MAX,
					1ull << 63, 1ull << 32, 0x80000000u,
					INT32_MAX, 7 };
	static const uint32_t v32[] = { 0, 1, UINT32_MAX, 0x80000000u,
					INT32_MAX, 2, 21, 0x10000 };
	static const uint8_t v8[] = { 0, 1, 2, 3, 0x7f, 0x80, 0xff };
	uint8_t *p = m.data + n->doff;

	switch (n->dlen) {
	case 0:
		break;
	case 1:
		p[0] = v8[r % 7];
		break;
	case 2: {
		uint16_t v = (uint16_t)(r & 1 ? 0xffff : (r >> 1) & 0xff);

		memcpy(p, &v, 2);
		break;
	}
	case 4: {
		uint32_t v = (r >> 3) % 4 ? v32[r % 8] : (uint32_t)(r >> 32);

		memcpy(p, &v, 4);
		break;
	}
	case 8: {
		uint64_t v = (r >> 4) % 4 ? v64[r % 9] : rnd64();

		memcpy(p, &v, 8);
		break;
	}
	default:
		fill_random(p, n->dlen < 64 ? n->dlen : 64);
		break;
	}
}

static void mut_drop(void)
{
	struct ref refs[MAXREFS];
	int n = collect(refs, false, false);
	uint32_t r = rnd(MAXREFS);

	note("drop");
	if (!n)
		return;
	struct ref *f = &refs[r % (uint32_t)n];

	memmove(&f->list[f->i], &f->list[f->i + 1],
		(size_t)(*f->n - f->i - 1) * sizeof(int));
	(*f->n)--;
}

static void mut_dup(void)
{
	struct ref refs[MAXREFS];
	int n = collect(refs, false, false), c;
	uint32_t r = rnd(MAXREFS), other = rnd(2), at_end = rnd(2);
	uint64_t v = rnd64();

	note("dup");
	if (!n)
		return;
	struct ref *f = &refs[r % (uint32_t)n];
	struct node *src = &m.nodes[f->list[f->i]];

	if (!src->nest && src->dlen > 4096)
		return;
	c = new_node(src->type, src->nest);
	if (c < 0)
		return;
	m.nodes[c] = *src;
	if (!src->nest && other) {
		uint32_t off = data_alloc(src->dlen);

		if (off != UINT32_MAX) {
			memcpy(m.data + off, m.data + src->doff, src->dlen);
			m.nodes[c].doff = off;
			write_value(&m.nodes[c], v);
		}
	}
	list_insert(f->list, f->n, at_end ? *f->n : f->i + 1, c);
}

static void mut_size(void)
{
	struct ref refs[MAXREFS];
	int n = collect(refs, true, false);
	uint32_t r = rnd(MAXREFS), kind = rnd(10);
	static const uint32_t sizes[] = { 0, 1, 2, 3, 4, 8, 5, 12 };
	uint32_t len, off;

	note("size");
	if (!n)
		return;
	struct ref *f = &refs[r % (uint32_t)n];
	struct node *nd = &m.nodes[f->list[f->i]];

	if (kind == 9 && f->depth == 0 && !m.huge) {
		len = HUGE_PAYLOAD;
		m.huge = true;
	} else if (kind >= 8) {
		len = 1 + rnd(40);
	} else {
		len = sizes[kind];
	}
	if (len == nd->dlen)
		len = nd->dlen ? nd->dlen - 1 : 1;
	off = data_alloc(len);
	if (off == UINT32_MAX)
		return;
	memcpy(m.data + off, m.data + nd->doff,
	       len < nd->dlen ? len : nd->dlen);
	if (len > nd->dlen)
		fill_random(m.data + off + nd->dlen, len - nd->dlen);
	nd->doff = off;
	nd->dlen = len;
}

static void mut_type(void)
{
	struct ref refs[MAXREFS];
	int nests = collect(refs, false, true);
	uint32_t kind = rnd(8), where = rnd(10), r = rnd(MAXREFS);
	uint32_t dl = rnd(17);
	uint8_t payload[16];
	uint16_t type;
	int idx;

	note("type");
	switch (kind) {
	case 0: type = 0; break;
	case 1: type = (uint16_t)(m.maxattr + 1); break;
	case 2: type = CTRMAP_A_MAX + 1; break;
	case 3: type = 0x3fff; break;
	case 4: type = 0x7fff; break;
	case 5: type = 0xffff; break;
	case 6: type = (uint16_t)(1 + rnd(CTRMAP_A_MAX)); break;
	default: type = (uint16_t)rnd(0x4000); break;
	}
	fill_random(payload, sizeof(payload));
	idx = new_leaf(type, payload, dl > 16 ? 16 : dl);
	if (idx < 0)
		return;
	if (where < 3 && nests) {
		struct ref *f = &refs[r % (uint32_t)nests];

		add_kid(f->list[f->i], idx);
	} else {
		list_insert(m.top, &m.ntop, (int)(r % (uint32_t)(m.ntop + 1)),
			    idx);
	}
}

static void mut_nestflag(void)
{
	struct ref refs[MAXREFS];
	int n = collect(refs, false, false);
	uint32_t r = rnd(MAXREFS), kind = rnd(5);

	note("nestflag");
	if (!n)
		return;
	struct node *nd = &m.nodes[refs[r % (uint32_t)n].list
					[refs[r % (uint32_t)n].i]];

	nd->type ^= kind ? NLA_F_NESTED : NLA_F_NET_BYTEORDER;
}

static void mut_badnest(void)
{
	struct ref refs[MAXREFS];
	int nests = collect(refs, false, true);
	uint32_t kind = rnd(5), r = rnd(MAXREFS), x = rnd(2000);
	uint8_t payload[8];

	fill_random(payload, sizeof(payload));
	if (!nests)	/* no nest: work on any attribute */
		nests = collect(refs, kind == 4, false);
	if (!nests) {
		note("badnest");
		return;
	}
	struct ref *f = &refs[r % (uint32_t)nests];
	int idx = f->list[f->i];
	struct node *nd = &m.nodes[idx];

	switch (kind) {
	case 0: {	/* truncated: nla_len short of the content */
		size_t c = content_size(idx);

		nd->lenadj = c ? -(int32_t)(1 + x % c) : -(int32_t)(1 + x % 4);
		note("badnest-trunc");
		break;
	}
	case 1:		/* claims to run past the end of the message */
		if (f->depth == 0) {
			memmove(&m.top[f->i], &m.top[f->i + 1],
				(size_t)(m.ntop - f->i - 1) * sizeof(int));
			m.top[m.ntop - 1] = idx;
		}
		nd->lenadj = (int32_t)(4 + x);
		note("badnest-past-end");
		break;
	case 2: {	/* nest within nest */
		int inner = new_node(nd->type | NLA_F_NESTED, true);

		if (inner < 0)
			break;
		if (nd->nest) {
			memcpy(m.nodes[inner].kids, nd->kids,
			       sizeof(nd->kids));
			m.nodes[inner].nkids = nd->nkids;
			nd->nkids = 0;
			add_kid(idx, inner);
		} else {
			/* the leaf goes one level down, in a nest */
			add_kid(inner, idx);
			f->list[f->i] = inner;
		}
		note("badnest-nested");
		break;
	}
	case 3:
		if (nd->nest)
			nd->nkids = 0;
		else
			add_top(new_node(CTRMAP_A_SOURCE | NLA_F_NESTED, true));
		note("badnest-empty");
		break;
	default:	/* a leaf that is a nest */
		if (!nd->nest) {
			nd->nest = true;
			nd->type |= NLA_F_NESTED;
			nd->nkids = 0;
			add_kid(idx, new_leaf((uint16_t)(x % 6), payload,
					      x % 9));
		}
		note("badnest-leaf");
		break;
	}
}

static void mut_flags(void)
{
	uint32_t kind = rnd(16), r = (uint32_t)rnd64();

	switch (kind) {
	case 0: case 1: case 2:
		if ((m.flags & NLM_F_DUMP) == NLM_F_DUMP)
			m.flags &= (uint16_t)~NLM_F_DUMP;
		else
			m.flags |= NLM_F_DUMP;
		note("flags-dump");
		break;
	case 3: case 4: case 5:
		m.flags &= (uint16_t)~NLM_F_ACK;
		note("flags-noack");
		break;
	case 6: case 7:
		m.flags = (uint16_t)((m.flags & ~NLM_F_DUMP) | NLM_F_ROOT);
		note("flags-root");
		break;
	case 8: case 9:
		m.flags = (uint16_t)((m.flags & ~NLM_F_DUMP) | NLM_F_MATCH);
		note("flags-match");
		break;
	case 10: case 11:
		m.flags |= NLM_F_ECHO;
		note("flags-echo");
		break;
	case 12: case 13: case 14:
		m.flags |= (uint16_t)(r & 0xfff8 & ~NLM_F_DUMP);
		note("flags-random");
		break;
	default:
		m.flags &= (uint16_t)~NLM_F_REQUEST;
		note("flags-noreq");
		break;
	}
}

static void mut_trailing(void)
{
	uint32_t kind = rnd(3);

	fill_random(m.trail, sizeof(m.trail));
	switch (kind) {
	case 0:
		m.ntrail = 1 + rnd(3);		/* shorter than a header */
		break;
	case 1: {			/* a header with a bad length */
		uint16_t len = (uint16_t)rnd(NLA_HDRLEN);

		memcpy(m.trail, &len, 2);
		m.ntrail = NLA_HDRLEN;
		break;
	}
	default:
		m.ntrail = 5 + rnd(sizeof(m.trail) - 5);
		break;
	}
	note("trailing");
}

static void shuffle(int *list, int n)
{
	for (int i = n - 1; i > 0; i--) {
		int j = (int)rnd((uint32_t)i + 1), t = list[i];

		list[i] = list[j];
		list[j] = t;
	}
}

static void mutate(void)
{
	uint32_t w = rnd(100);

	if (w < 10) {
		mut_drop();
	} else if (w < 20) {
		mut_dup();
	} else if (w < 30) {
		mut_size();
	} else if (w < 40) {
		mut_type();
	} else if (w < 48) {
		mut_nestflag();
	} else if (w < 56) {
		mut_badnest();
	} else if (w < 61) {
		m.reserved = (uint16_t)(1 + rnd(0xffff));
		note("reserved");
	} else if (w < 66) {
		static const uint8_t v[] = { 0, 2, 0xff };
		uint32_t k = rnd(4);

		m.version = k < 3 ? v[k] : (uint8_t)rnd(256);
		note("version");
	} else if (w < 76) {
		mut_flags();
	} else if (w < 90) {
		struct ref refs[MAXREFS];
		int n = collect(refs, true, false);
		uint32_t r = rnd(MAXREFS);
		uint64_t v = rnd64();

		note("value");
		if (n)
			write_value(&m.nodes[refs[r % (uint32_t)n].list
					     [refs[r % (uint32_t)n].i]], v);
	} else if (w < 96) {
		mut_trailing();
	} else {
		struct ref refs[MAXREFS];
		int nests = collect(refs, false, true);
		uint32_t r = rnd(MAXREFS + 1);

		note("shuffle");
		if (nests && r < MAXREFS) {
			struct node *nd = &m.nodes[refs[r % (uint32_t)nests]
						 .list[refs[r % (uint32_t)nests].i]];

			shuffle(nd->kids, nd->nkids);
		} else {
			shuffle(m.top, m.ntop);
		}
	}
}

static void generate(void)
{
	uint32_t w;

	memset(&m, 0, offsetof(struct msgb, data));
	m.dused = 0;
	m.huge = false;
	m.ntrail = 0;
	m.raw = false;
	m.rawlen = 0;
	m.muts[0] = '\0';
	m.cmd = 0;
	m.reserved = 0;
	m.maxattr = 0;
	m.version = CTRMAP_GENL_VERSION;
	m.flags = NLM_F_REQUEST | NLM_F_ACK;

	w = rnd(100);
	if (w < 6) {
		tpl_raw();
		return;
	}
	if (w < 22)
		tpl_known(0);		/* ATTACH */
	else if (w < 32)
		tpl_known(1);		/* DETACH */
	else if (w < 40)
		tpl_known(2);		/* GET */
	else if (w < 47)
		tpl_known(3);		/* GET dump */
	else if (w < 59)
		tpl_known(4);		/* BIND */
	else if (w < 67)
		tpl_known(5);		/* UNBIND */
	else if (w < 78)
		tpl_known(6);		/* ADD */
	else if (w < 82)
		tpl_known(7);		/* STATS */
	else if (w < 88)
		tpl_known(8);		/* NAME */
	else
		tpl_unknown();

	w = rnd(100);
	if (w < 15) {
		note("none");
		return;
	}
	for (uint32_t n = 1 + w % 3; n; n--)
		mutate();
}

/* ---------------------------------------------------------------- */
/* The check before sending, and what the kernel will read           */

#define MAXC 256	/* attributes of one type the check looks at */

struct cand {
	size_t off;	/* of the payload in sbuf */
	uint32_t dlen;
	size_t hdr;	/* of the attribute header */
};

/*
 * Top-level attributes of type type, walked as nla_parse() walks them.
 * Stores the first max; returns how many there are.
 */
static int find_attrs(const uint8_t *b, size_t len, uint16_t type,
		      struct cand *out, int max)
{
	size_t off = NLMSG_HDRLEN + GENL_HDRLEN;
	int n = 0;

	while (off + NLA_HDRLEN <= len) {
		struct nlattr h;

		memcpy(&h, b + off, sizeof(h));
		if (h.nla_len < NLA_HDRLEN || h.nla_len > len - off)
			break;
		if ((h.nla_type & NLA_TYPE_MASK) == type) {
			if (n < max)
				out[n] = (struct cand){ off + NLA_HDRLEN,
							h.nla_len - NLA_HDRLEN,
							off };
			n++;
		}
		off += NLA_ALIGN(h.nla_len);
	}
	return n;
}

/* width bytes at off, zero past the end: what nla_get_*() reads at most. */
static uint64_t read_at(const uint8_t *b, size_t len, size_t off,
			size_t width)
{
	uint8_t tmp[8] = { 0 };
	uint64_t v64;
	uint32_t v32;

	for (size_t i = 0; i < width && off + i < len; i++)
		tmp[i] = b[off + i];
	if (width == 4) {
		memcpy(&v32, tmp, 4);
		return v32;
	}
	memcpy(&v64, tmp, 8);
	return v64;
}

static void write_at(uint8_t *b, size_t off, uint64_t v, size_t width)
{
	uint32_t v32 = (uint32_t)v;

	if (width == 4)
		memcpy(b + off, &v32, 4);
	else
		memcpy(b + off, &v, 8);
}

/* Make an attribute one no policy knows (it cannot be read then). */
static void neuter(uint8_t *b, const struct cand *c)
{
	uint16_t t = 0x3ffe;

	memcpy(b + c->hdr + 2, &t, 2);
}

/*
 * Rewrite what could make the kernel touch memory or regions that are not
 * the fuzzer's: see the comment at the top. Returns the rewrites made.
 */
static unsigned int make_safe(uint8_t *b, size_t len)
{
	struct cand c[MAXC];
	unsigned int fixes = 0;
	uint8_t cmd = b[NLMSG_HDRLEN];
	int n;

	/* More than can be checked: make it a command with no operation. */
	if ((cmd == CTRMAP_CMD_ATTACH &&
	     (find_attrs(b, len, CTRMAP_A_PID, c, MAXC) > MAXC ||
	      find_attrs(b, len, CTRMAP_A_ADDR, c, MAXC) > MAXC)) ||
	    find_attrs(b, len, CTRMAP_A_REGION_ID, c, MAXC) > MAXC) {
		b[NLMSG_HDRLEN] = 0xff;
		return 1;
	}

	if (cmd == CTRMAP_CMD_ATTACH) {
		bool other = false;

		n = find_attrs(b, len, CTRMAP_A_PID, c, MAXC);
		for (int i = 0; i < n; i++) {
			uint32_t p = (uint32_t)read_at(b, len, c[i].off, 4);

			if (c[i].dlen < 4) {
				/* too short to be read; be sure of it */
				neuter(b, &c[i]);
				fixes++;
				continue;
			}
			if (cap_ptrace && pid_maybe_other(p) && p != 1) {
				p |= 0x40000000u;	/* nobody */
				write_at(b, c[i].off, p, 4);
				fixes++;
			}
			other |= pid_maybe_other(p);
		}
		n = find_attrs(b, len, CTRMAP_A_ADDR, c, MAXC);
		for (int i = 0; i < n; i++) {
			uint64_t a = read_at(b, len, c[i].off, 8);

			if (nowhere(a) || (!other && in_arena(a)))
				continue;
			if (c[i].dlen < 8)
				neuter(b, &c[i]);
			else
				write_at(b, c[i].off, 0x800, 8);
			fixes++;
		}
	}
	if (cap_ptrace &&
	    (cmd == CTRMAP_CMD_DETACH || cmd == CTRMAP_CMD_BIND ||
	     cmd == CTRMAP_CMD_UNBIND || cmd == CTRMAP_CMD_ADD ||
	     cmd == CTRMAP_CMD_NAME)) {
		n = find_attrs(b, len, CTRMAP_A_REGION_ID, c, MAXC);
		for (int i = 0; i < n; i++) {
			uint32_t id = (uint32_t)read_at(b, len, c[i].off, 4);

			if (c[i].dlen < 4) {
				neuter(b, &c[i]);
				fixes++;
			} else if (id && id <= INT32_MAX && !own_find(id)) {
				write_at(b, c[i].off, id | 0x80000000u, 4);
				fixes++;
			}
		}
	}
	return fixes;
}

/* The value the kernel uses: the last attribute of that type. */
static bool last_u32(const uint8_t *b, size_t len, uint16_t type,
		     uint32_t *v)
{
	struct cand c[MAXC];
	int n = find_attrs(b, len, type, c, MAXC);

	if (!n || n > MAXC)
		return false;
	*v = (uint32_t)read_at(b, len, c[n - 1].off, 4);
	return true;
}

/* BIND's source type: the last TYPE in the last SOURCE nest. */
static bool bind_source_type(const uint8_t *b, size_t len, uint8_t *type)
{
	struct cand c[MAXC];
	int n = find_attrs(b, len, CTRMAP_A_SOURCE, c, MAXC);
	size_t off, end;
	bool found = false;

	if (!n || n > MAXC)
		return false;
	off = c[n - 1].off;
	end = off + c[n - 1].dlen;
	while (off + NLA_HDRLEN <= end) {
		struct nlattr h;

		memcpy(&h, b + off, sizeof(h));
		if (h.nla_len < NLA_HDRLEN || h.nla_len > end - off)
			break;
		if ((h.nla_type & NLA_TYPE_MASK) == CTRMAP_SOURCE_A_TYPE &&
		    h.nla_len > NLA_HDRLEN) {
			*type = b[off + NLA_HDRLEN];
			found = true;
		}
		off += NLA_ALIGN(h.nla_len);
	}
	return found;
}

/* ---------------------------------------------------------------- */
/* Sending and receiving                                            */

enum bucket {
	B_UNSPEC, B_ATTACH, B_DETACH, B_GET, B_GET_DUMP, B_BIND, B_UNBIND,
	B_ADD, B_STATS, B_DETACHED, B_NAME, B_UNKNOWN, NBUCKETS
};

static const char *const bucket_names[NBUCKETS] = {
	"UNSPEC(0)", "ATTACH", "DETACH", "GET", "GET(dump)", "BIND",
	"UNBIND", "ADD", "STATS", "DETACHED(8)", "NAME", "unknown(10-255)",
};

#define NERR 600	/* kernel-internal errnos (ENOTSUPP 524...) included */

struct tally {
	uint64_t sent, ok, timeouts, ext, noext, unprocessed;
	uint64_t err[NERR + 1];	/* [NERR]: larger ones */
};

static struct tally tb[NBUCKETS], tot;

static bool is_dump(uint16_t flags)
{
	return (flags & NLM_F_DUMP) == NLM_F_DUMP;
}

static enum bucket bucket_of(uint8_t cmd, uint16_t flags)
{
	switch (cmd) {
	case CTRMAP_CMD_UNSPEC: return B_UNSPEC;
	case CTRMAP_CMD_ATTACH: return B_ATTACH;
	case CTRMAP_CMD_DETACH: return B_DETACH;
	case CTRMAP_CMD_GET: return is_dump(flags) ? B_GET_DUMP : B_GET;
	case CTRMAP_CMD_BIND: return B_BIND;
	case CTRMAP_CMD_UNBIND: return B_UNBIND;
	case CTRMAP_CMD_ADD: return B_ADD;
	case CTRMAP_CMD_STATS: return B_STATS;
	case CTRMAP_CMD_DETACHED: return B_DETACHED;
	case CTRMAP_CMD_NAME: return B_NAME;
	default: return B_UNKNOWN;
	}
}

struct outcome {
	bool done, timeout, interrupted;
	int err;		/* 0 or -errno */
	bool ext;		/* an extended ACK message came */
	char extmsg[256];
	int nreplies;
	bool have_id;		/* ATTACH reply */
	uint32_t id;
	unsigned int nforeign;	/* GET replies about another pid */
	uint32_t foreign_pid;
};

struct request {
	uint32_t seq, sseq;	/* sseq: the sentinel, or 0 */
	bool dump, ack;
	uint8_t cmd;
};

/* An attribute of a reply: u32 of type type, if there. */
static bool reply_u32(const struct nlmsghdr *nlh, uint16_t type, uint32_t *v)
{
	const uint8_t *b = (const uint8_t *)nlh;
	size_t len = nlh->nlmsg_len, off = NLMSG_HDRLEN + GENL_HDRLEN;
	bool found = false;

	while (off + NLA_HDRLEN <= len) {
		struct nlattr h;

		memcpy(&h, b + off, sizeof(h));
		if (h.nla_len < NLA_HDRLEN || h.nla_len > len - off)
			break;
		if ((h.nla_type & NLA_TYPE_MASK) == type &&
		    h.nla_len == NLA_HDRLEN + 4) {
			memcpy(v, b + off + NLA_HDRLEN, 4);
			found = true;
		}
		off += NLA_ALIGN(h.nla_len);
	}
	return found;
}

static void on_family_msg(const struct request *rq, const struct nlmsghdr *nlh,
			  struct outcome *o)
{
	const struct genlmsghdr *g;
	uint32_t v;

	if (nlh->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN) {
		bad_replies++;
		return;
	}
	o->nreplies++;
	if (!is_ctrmap)
		return;
	g = (const struct genlmsghdr *)((const uint8_t *)nlh + NLMSG_HDRLEN);
	if (rq->cmd == CTRMAP_CMD_ATTACH && g->cmd == CTRMAP_CMD_ATTACH) {
		if (reply_u32(nlh, CTRMAP_A_REGION_ID, &v)) {
			o->have_id = true;
			o->id = v;
		} else {
			bad_replies++;
		}
	}
	if (g->cmd == CTRMAP_CMD_GET && reply_u32(nlh, CTRMAP_A_PID, &v) &&
	    v != self_pid) {
		o->nforeign++;
		o->foreign_pid = v;
	}
}

/* A reply to an earlier request, after its wait ended. */
static void on_stale(const struct nlmsghdr *nlh)
{
	const struct genlmsghdr *g;
	uint32_t id;

	stale_msgs++;
	if (!is_ctrmap || nlh->nlmsg_type != fam_id ||
	    nlh->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN)
		return;
	g = (const struct genlmsghdr *)((const uint8_t *)nlh + NLMSG_HDRLEN);
	if (g->cmd == CTRMAP_CMD_ATTACH &&
	    reply_u32(nlh, CTRMAP_A_REGION_ID, &id)) {
		late_attach++;
		own_add(id);	/* checked against its pid at the end */
	}
}

/* One message of the datagram: 1 if the request is answered. */
static int on_msg(const struct request *rq, const struct nlmsghdr *nlh,
		  size_t len, struct outcome *o)
{
	struct ctrmap_extack ext;
	int e;

	if (nlh->nlmsg_seq != rq->seq) {
		if (rq->sseq && nlh->nlmsg_seq == rq->sseq &&
		    nlh->nlmsg_type == NLMSG_ERROR)
			return 1;
		on_stale(nlh);
		return 0;
	}
	switch (nlh->nlmsg_type) {
	case NLMSG_ERROR:
		e = ctrmap_nl_parse_error(nlh, len, &ext);
		if (e == -EBADMSG)
			bad_replies++;
		if (ext.msg[0]) {
			o->ext = true;
			snprintf(o->extmsg, sizeof(o->extmsg), "%s", ext.msg);
		}
		if (e < 0)
			o->err = e;
		/* without ACK an error is not the end: the sentinel is */
		return rq->dump || rq->ack || !rq->sseq;
	case NLMSG_DONE:
		e = ctrmap_nl_parse_done(nlh, len, &ext);
		if (ext.msg[0]) {
			o->ext = true;
			snprintf(o->extmsg, sizeof(o->extmsg), "%s", ext.msg);
		}
		if (e < 0)
			o->err = e;
		return rq->dump || !rq->sseq;
	default:
		if (nlh->nlmsg_type == fam_id) {
			on_family_msg(rq, nlh, o);
			/* a do without ACK nor sentinel ends at its reply */
			return !rq->dump && !rq->ack && !rq->sseq;
		}
		bad_replies++;
		return 0;
	}
}

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int send_raw(const void *buf, size_t len)
{
	struct sockaddr_nl to = { .nl_family = AF_NETLINK };
	ssize_t n;

	do
		n = sendto(fuzz_fd, buf, len, 0, (struct sockaddr *)&to,
			   sizeof(to));
	while (n < 0 && errno == EINTR && !stop_requested);
	return n < 0 ? -errno : 0;
}

/* Read until rq is answered or the timeout. */
static void await(const struct request *rq, struct outcome *o)
{
	int64_t deadline = now_ns() + (int64_t)opt.timeout_ms * 1000000;

	for (;;) {
		struct sockaddr_nl from;
		struct iovec iov = { rbuf, sizeof(rbuf) };
		struct msghdr mh = {
			.msg_name = &from,
			.msg_namelen = sizeof(from),
			.msg_iov = &iov,
			.msg_iovlen = 1,
		};
		size_t left;
		ssize_t n;

		if (now_ns() > deadline) {
			o->timeout = true;
			return;
		}
		n = recvmsg(fuzz_fd, &mh, 0);
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				o->timeout = true;
				return;
			}
			if (errno == EINTR) {
				if (stop_requested) {
					o->interrupted = true;
					return;
				}
				continue;
			}
			if (errno == ENOBUFS) {	/* overrun: replies lost */
				enobufs++;
				continue;
			}
			fprintf(stderr, "ctrmap-fuzz: recvmsg: %s\n",
				strerror(errno));
			o->timeout = true;
			return;
		}
		if (mh.msg_namelen != sizeof(from) || from.nl_pid != 0)
			continue;	/* not the kernel */
		if (mh.msg_flags & MSG_TRUNC)
			truncs++;
		left = (size_t)n;
		for (struct nlmsghdr *nlh = (struct nlmsghdr *)rbuf;
		     NLMSG_OK(nlh, left); nlh = NLMSG_NEXT(nlh, left)) {
			if (on_msg(rq, nlh, left, o))
				o->done = true;
		}
		if (o->done)
			return;
	}
}

/* Whatever is still queued on the fuzzing socket. */
static void drain(void)
{
	for (;;) {
		ssize_t n = recv(fuzz_fd, rbuf, sizeof(rbuf), MSG_DONTWAIT);
		size_t left;

		if (n < 0) {
			if (errno == EINTR || errno == ENOBUFS)
				continue;
			return;
		}
		left = (size_t)n;
		for (struct nlmsghdr *nlh = (struct nlmsghdr *)rbuf;
		     NLMSG_OK(nlh, left); nlh = NLMSG_NEXT(nlh, left))
			on_stale(nlh);
	}
}

/* ---------------------------------------------------------------- */
/* Own regions from the kernel's view                               */

struct list_ctx {
	uint32_t ids[MAX_OWN];
	unsigned int n;
	unsigned int foreign;
};

static int list_cb(const struct ctrmap_region_info *r, void *arg)
{
	struct list_ctx *lc = arg;

	if (r->pid != self_pid) {
		lc->foreign++;
		VIOLATION("GET dump filtered by pid %" PRIu32
			  " (ours) listed region %" PRIu32 " of pid %" PRIu32,
			  self_pid, r->id, r->pid);
		return 0;
	}
	if (lc->n < MAX_OWN)
		lc->ids[lc->n++] = r->id;
	return 0;
}

/* The regions of our pid the kernel knows about, into lc. */
static int list_own(struct list_ctx *lc)
{
	int err;

	for (int tries = 0; tries < 10; tries++) {
		lc->n = 0;
		lc->foreign = 0;
		err = ctrmap_list(ctl, self_pid, 0, list_cb, lc);
		if (err != -EAGAIN)
			return err;
	}
	return err;
}

/* After a lost ATTACH answer: learn the ids from the kernel. */
static void resync(void)
{
	static struct list_ctx lc;

	if (!is_ctrmap)
		return;
	drain();
	if (list_own(&lc) == 0)
		for (unsigned int i = 0; i < lc.n; i++)
			own_add(lc.ids[i]);
}

/*
 * After an ATTACH of our own pid that did not answer with a region: the
 * kernel must not have kept one. A region we do not know about is a
 * violation, unless the answer was lost (timeout, ENOBUFS, EAGAIN): then
 * the region is ours and only worth a warning.
 */
static void check_failed_attach(int err, bool lost)
{
	static struct list_ctx lc;

	if (!is_ctrmap)
		return;
	drain();
	if (list_own(&lc))
		return;
	for (unsigned int i = 0; i < lc.n; i++) {
		struct own_region *r = own_find(lc.ids[i]);

		if (r && r->live)
			continue;
		own_add(lc.ids[i]);
		if (lost || err == -ENOBUFS || err == -EAGAIN)
			WARN("ATTACH %s%s%s, yet region %" PRIu32 " was "
			     "attached: its reply was lost",
			     lost ? "timed out" : "failed (",
			     lost ? "" : strerror(-err), lost ? "" : ")",
			     lc.ids[i]);
		else
			VIOLATION("ATTACH failed (%s) but left region %" PRIu32
				  " attached", strerror(-err), lc.ids[i]);
	}
}

static int get_pid_cb(const struct ctrmap_region_info *r, void *arg)
{
	*(uint32_t *)arg = r->pid;
	return 0;
}

/* ---------------------------------------------------------------- */
/* The oracle                                                       */

static void oracle(const uint8_t *b, size_t len, const struct outcome *o)
{
	uint16_t flags;
	uint8_t cmd = b[NLMSG_HDRLEN];
	uint32_t pid = 0, rid = 0;
	bool have_pid, have_rid;
	bool ok;

	memcpy(&flags, b + offsetof(struct nlmsghdr, nlmsg_flags), 2);
	if (!is_ctrmap)
		return;

	if (o->nforeign && !cap_ptrace)
		VIOLATION("GET %s described %u region(s) of pid %" PRIu32
			  " to an unprivileged caller (pid %" PRIu32 ")",
			  is_dump(flags) ? "dump" : "do", o->nforeign,
			  o->foreign_pid, self_pid);

	have_pid = last_u32(b, len, CTRMAP_A_PID, &pid);
	have_rid = last_u32(b, len, CTRMAP_A_REGION_ID, &rid);

	/* An ATTACH answered with a region: ours only if our pid. */
	if (cmd == CTRMAP_CMD_ATTACH && o->have_id) {
		if (have_pid && pid == self_pid) {
			own_add(o->id);
		} else {
			VIOLATION("ATTACH of pid %" PRIu32 " (ours is %" PRIu32
				  ") created region %" PRIu32
				  "%s; detaching it", pid, self_pid, o->id,
				  cap_ptrace ? " with a range no process has" :
					       "");
			ctrmap_detach(ctl, o->id);
		}
		if (o->err)
			WARN("ATTACH replied region %" PRIu32
			     " and failed with %d", o->id, o->err);
	}

	if (!(flags & NLM_F_REQUEST))
		return;
	if (cmd == CTRMAP_CMD_ATTACH && have_pid && pid == self_pid &&
	    !o->have_id && (o->err || o->timeout || o->interrupted))
		check_failed_attach(o->err, o->timeout || o->interrupted);
	if (o->timeout || o->interrupted)
		return;

	/* Without CAP_SYS_PTRACE: another pid must be stopped early. */
	if (cmd == CTRMAP_CMD_ATTACH && o->err && !cap_ptrace && have_pid &&
	    pid != self_pid && !is_dump(flags)) {
		switch (-o->err) {
		case EFAULT: case EACCES: case EOPNOTSUPP: case ENOSPC:
		case EMFILE:
			VIOLATION("ATTACH of pid %" PRIu32 " (not ours) got "
				  "past the permission check: %s (%s)", pid,
				  strerror(-o->err), o->extmsg);
			break;
		default:
			break;
		}
	}

	ok = !o->err;
	if (!ok)
		return;

	if (is_dump(flags) && cmd != CTRMAP_CMD_GET) {
		VIOLATION("command %u with NLM_F_DUMP succeeded (no dumpit)",
			  cmd);
		return;
	}
	switch (cmd) {
	case CTRMAP_CMD_ATTACH:
		if (!o->have_id) {
			WARN("ATTACH succeeded without a region id in a reply");
			resync();
		}
		if (!have_pid || pid != self_pid) {
			if (!o->have_id)
				VIOLATION("ATTACH of pid %" PRIu32
					  " (not ours) succeeded", pid);
		}
		break;
	case CTRMAP_CMD_DETACH:
	case CTRMAP_CMD_BIND:
	case CTRMAP_CMD_UNBIND:
	case CTRMAP_CMD_ADD:
	case CTRMAP_CMD_NAME: {
		struct own_region *r = have_rid ? own_find(rid) : NULL;

		if (!r) {
			VIOLATION("%s of region %" PRIu32 " (not one of ours) "
				  "succeeded", bucket_names[bucket_of(cmd, 0)],
				  rid);
			break;
		}
		if (cmd == CTRMAP_CMD_DETACH) {
			own_dead(rid);
		} else if (cmd == CTRMAP_CMD_BIND) {
			uint8_t st = 0;

			if (r->live) {
				r->nbind++;
				own_bindings++;
			}
			if (!cap_admin && bind_source_type(b, len, &st) &&
			    st == CTRMAP_SOURCE_IRQ)
				VIOLATION("BIND of an irq source succeeded "
					  "without CAP_SYS_ADMIN");
		} else if (cmd == CTRMAP_CMD_UNBIND && r->nbind) {
			r->nbind--;
			own_bindings--;
		}
		break;
	}
	case CTRMAP_CMD_GET: {
		struct cand c[4];

		if (!cap_admin &&
		    find_attrs(b, len, CTRMAP_A_VERBOSE, c, 4) > 0)
			VIOLATION("GET %s with verbose succeeded without "
				  "CAP_SYS_ADMIN", is_dump(flags) ? "dump" :
				  "do");
		break;
	}
	case CTRMAP_CMD_STATS:
		break;
	default:
		VIOLATION("command %u has no operation but succeeded", cmd);
		break;
	}
}

/* ---------------------------------------------------------------- */
/* Tallies and output                                               */

static const char *errname(int e)
{
	static char buf[16];

	switch (e) {
	case EPERM: return "EPERM";
	case ENOENT: return "ENOENT";
	case ESRCH: return "ESRCH";
	case EINTR: return "EINTR";
	case EIO: return "EIO";
	case E2BIG: return "E2BIG";
	case EBADF: return "EBADF";
	case EAGAIN: return "EAGAIN";
	case ENOMEM: return "ENOMEM";
	case EACCES: return "EACCES";
	case EFAULT: return "EFAULT";
	case EBUSY: return "EBUSY";
	case EEXIST: return "EEXIST";
	case ENODEV: return "ENODEV";
	case EINVAL: return "EINVAL";
	case EMFILE: return "EMFILE";
	case ENOSPC: return "ENOSPC";
	case ERANGE: return "ERANGE";
	case EMSGSIZE: return "EMSGSIZE";
	case EPROTONOSUPPORT: return "EPROTONOSUPPORT";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case ENOBUFS: return "ENOBUFS";
	case EPROTO: return "EPROTO";
	case EBADMSG: return "EBADMSG";
	case EOVERFLOW: return "EOVERFLOW";
	case 524: return "ENOTSUPP(524)";	/* kernel-internal */
	default:
		snprintf(buf, sizeof(buf), "E%d", e);
		return buf;
	}
}

static void count(struct tally *t, const struct outcome *o, bool unprocessed)
{
	t->sent++;
	if (unprocessed)
		t->unprocessed++;
	if (o->timeout || o->interrupted) {
		t->timeouts++;
		return;
	}
	if (o->ext)
		t->ext++;
	if (!o->err) {
		t->ok++;
		return;
	}
	if (!o->ext)
		t->noext++;
	t->err[-o->err < NERR ? -o->err : NERR]++;
}

static void print_errors(const struct tally *t)
{
	bool first = true;

	putchar('{');
	for (int e = 1; e <= NERR; e++) {
		if (!t->err[e])
			continue;
		printf("%s%s:%" PRIu64, first ? "" : ",",
		       e == NERR ? "E>=600" : errname(e), t->err[e]);
		first = false;
	}
	putchar('}');
}

static void log_message(uint64_t i, size_t len, const struct outcome *o,
			unsigned int fixes)
{
	printf("fuzz: #%" PRIu64 " cmd=%u flags=0x%04x len=%zu [%s]%s -> ",
	       i, sbuf[NLMSG_HDRLEN],
	       (unsigned int)((struct nlmsghdr *)sbuf)->nlmsg_flags, len,
	       m.muts, fixes ? " +safe" : "");
	if (o->timeout || o->interrupted)
		printf("timeout");
	else if (o->err)
		printf("%s", errname(-o->err));
	else
		printf("ok");
	if (o->nreplies)
		printf(" replies=%d", o->nreplies);
	if (o->ext)
		printf(" \"%s\"", o->extmsg);
	putchar('\n');
}

/* A run that changed nothing proves nothing: the floor of successes. */
static bool floor_missed(void)
{
	static const enum bucket floor_of[] = { B_ATTACH, B_BIND, B_ADD };
	bool missed = false;

	for (size_t i = 0; i < sizeof(floor_of) / sizeof(floor_of[0]); i++) {
		const struct tally *t = &tb[floor_of[i]];

		if (t->ok >= opt.floor)
			continue;
		printf("fuzz: only %" PRIu64 " successful %s of %" PRIu64
		       " sent, fewer than the floor of %" PRIu64 "\n", t->ok,
		       bucket_names[floor_of[i]], t->sent, opt.floor);
		missed = true;
	}
	return missed;
}

/* ---------------------------------------------------------------- */
/* Setup                                                            */

static int usage(void)
{
	fputs("Usage: ctrmap-fuzz [--seed N] [--count N] [--seconds S] "
	      "[--user NAME]\n"
	      "                   [--family NAME] [--timeout MS] "
	      "[--no-sentinel] [--floor N] [--verbose]\n", stderr);
	return 2;
}

static int parse_u64(const char *s, uint64_t *v)
{
	char *end;

	if (!s || !*s || *s == '-')
		return -1;
	errno = 0;
	*v = strtoull(s, &end, 0);
	return errno || *end ? -1 : 0;
}

static int drop_privileges(const char *name)
{
	struct passwd *pw = getpwnam(name);
	uint64_t num;
	uid_t uid;
	gid_t gid;

	if (pw) {
		uid = pw->pw_uid;
		gid = pw->pw_gid;
	} else if (parse_u64(name, &num) == 0 && num < UINT32_MAX) {
		uid = (uid_t)num;
		gid = (gid_t)num;
	} else {
		fprintf(stderr, "ctrmap-fuzz: no such user: %s\n", name);
		return -1;
	}
	if (uid == 0) {
		fprintf(stderr, "ctrmap-fuzz: --user needs a user other than "
			"root\n");
		return -1;
	}
	if (setgroups(0, NULL) || setgid(gid) || setuid(uid)) {
		fprintf(stderr, "ctrmap-fuzz: dropping to %s: %s\n", name,
			strerror(errno));
		return -1;
	}
	if (setuid(0) == 0 || getuid() != uid || geteuid() != uid ||
	    getgid() != gid || getegid() != gid) {
		fprintf(stderr, "ctrmap-fuzz: could not drop privileges\n");
		return -1;
	}
	return 0;
}

static void read_caps(void)
{
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct d[2] = { { 0 } };

	if (syscall(SYS_capget, &h, d))
		return;
	cap_ptrace = d[CAP_SYS_PTRACE / 32].effective &
		     (1u << (CAP_SYS_PTRACE % 32));
	cap_admin = d[CAP_SYS_ADMIN / 32].effective &
		    (1u << (CAP_SYS_ADMIN % 32));
}

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static int parse_args(int argc, char **argv)
{
	bool seed_set = false;
	uint64_t v;

	opt.count = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] :
				NULL;

		if (!strcmp(a, "--verbose")) {
			opt.verbose = true;
			continue;
		}
		if (!strcmp(a, "--no-sentinel")) {
			opt.no_sentinel = true;
			continue;
		}
		if (!val)
			return -1;
		i++;
		if (!strcmp(a, "--seed")) {
			if (parse_u64(val, &opt.seed))
				return -1;
			seed_set = true;
		} else if (!strcmp(a, "--count")) {
			if (parse_u64(val, &opt.count) || !opt.count)
				return -1;
		} else if (!strcmp(a, "--seconds")) {
			char *end;

			opt.seconds = strtod(val, &end);
			if (*end || !(opt.seconds > 0))
				return -1;
		} else if (!strcmp(a, "--timeout")) {
			if (parse_u64(val, &v) || !v || v > 600000)
				return -1;
			opt.timeout_ms = (int)v;
		} else if (!strcmp(a, "--floor")) {
			if (parse_u64(val, &opt.floor))
				return -1;
		} else if (!strcmp(a, "--user")) {
			opt.user = val;
		} else if (!strcmp(a, "--family")) {
			opt.family = val;
		} else {
			return -1;
		}
	}
	if (!opt.count && !opt.seconds)
		opt.count = 10000;
	if (!seed_set) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		opt.seed = (uint64_t)ts.tv_sec * 1000000007ull ^
			   (uint64_t)ts.tv_nsec ^ (uint64_t)getpid() << 32;
	}
	return 0;
}

struct state {
	uint32_t regions, bindings;
	uint64_t pinned_pages;
};

static int read_state(struct state *s)
{
	CTRMAP_OPTS(ctrmap_stats, st);
	int err = ctrmap_stats(ctl, &st);

	if (err) {
		fprintf(stderr, "ctrmap-fuzz: STATS: %s (%s)\n",
			strerror(-err), ctrmap_errmsg(ctl));
		return err;
	}
	s->regions = st.regions;
	s->bindings = st.bindings;
	s->pinned_pages = st.pinned_pages;
	return 0;
}

/* Detach every region of ours; returns how many could not be. */
static unsigned int cleanup(void)
{
	static struct list_ctx lc;
	unsigned int failed = 0, found = 0;
	int err;

	drain();
	for (unsigned int i = 0; i < nown; i++) {
		uint32_t pid = 0;

		if (!own[i].live)
			continue;
		/* Late ones were taken on trust: check they are ours. */
		if (ctrmap_get(ctl, own[i].id, 0, get_pid_cb, &pid) == 0 &&
		    pid != self_pid) {
			VIOLATION("region %" PRIu32 " we were given by ATTACH "
				  "belongs to pid %" PRIu32, own[i].id, pid);
			continue;	/* not ours to detach */
		}
		err = ctrmap_detach(ctl, own[i].id);
		if (err && err != -ENOENT) {
			printf("fuzz: detaching region %" PRIu32 ": %s\n",
			       own[i].id, strerror(-err));
			failed++;
		}
		own_dead(own[i].id);
	}
	/* Any the replies did not tell us about. */
	err = list_own(&lc);
	if (err) {
		printf("fuzz: listing our regions: %s\n", strerror(-err));
		return failed + 1;
	}
	for (unsigned int i = 0; i < lc.n; i++) {
		found++;
		err = ctrmap_detach(ctl, lc.ids[i]);
		if (err && err != -ENOENT)
			failed++;
	}
	if (found)
		WARN("%u region(s) of ours were not known from ATTACH "
		     "replies; detached them", found);
	err = list_own(&lc);
	if (err || lc.n) {
		printf("fuzz: %u region(s) of ours remain after cleanup\n",
		       lc.n);
		failed += lc.n ? lc.n : 1;
	}
	return failed;
}

int main(int argc, char **argv)
{
	struct ctrmap_handle *fz = NULL;
	struct state before = { 0 }, after = { 0 };
	struct sigaction sa = { .sa_handler = on_signal };
	struct timeval tv;
	int64_t t0, t_end = 0, elapsed;
	bool fail = false;
	uint64_t i;
	int err;

	if (parse_args(argc, argv))
		return usage();
	/* First, before anything is opened: become the unprivileged user. */
	if (opt.user && drop_privileges(opt.user))
		return 1;
	setvbuf(stdout, NULL, _IOLBF, 0);
	self_pid = (uint32_t)getpid();
	read_caps();
	is_ctrmap = !strcmp(opt.family, CTRMAP_GENL_NAME);
	rng = opt.seed;

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	if (arena_setup())
		return 1;
	err = ctrmap_nl_open(&ctl, opt.family);
	if (!err)
		err = ctrmap_nl_open(&fz, opt.family);
	if (err) {
		fprintf(stderr, "ctrmap-fuzz: cannot open generic netlink "
			"family %s: %s\n", opt.family, strerror(-err));
		ctrmap_close(ctl);
		return 1;
	}
	fam_id = fz->family;
	fuzz_fd = nl_socket_get_fd(fz->sock);
	/*
	 * libnl leaves 32 KiB of send buffer: a 64 KiB message would fail
	 * in sendmsg() and never reach the family.
	 */
	if (nl_socket_set_buffer_size(fz->sock, 1 << 20, 1 << 20) < 0) {
		fputs("ctrmap-fuzz: cannot size the socket buffers\n", stderr);
		goto out_fail;
	}
	tv.tv_sec = opt.timeout_ms / 1000;
	tv.tv_usec = (opt.timeout_ms % 1000) * 1000;
	if (setsockopt(fuzz_fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv))) {
		perror("ctrmap-fuzz: SO_RCVTIMEO");
		goto out_fail;
	}

	printf("fuzz: seed=%" PRIu64 " family=%s(%d) uid=%u pid=%" PRIu32
	       " CAP_SYS_PTRACE=%d CAP_SYS_ADMIN=%d arena=%s%s%s oracle=%s\n",
	       opt.seed, opt.family, fam_id, (unsigned int)getuid(), self_pid,
	       cap_ptrace, cap_admin, arena.fixed ? "fixed" : "anywhere",
	       arena.have_file ? ",file" : "", arena.have_hole ? ",hole" : "",
	       is_ctrmap ? "on" : "off");
	if (is_ctrmap) {
		if (read_state(&before))
			goto out_fail;
		printf("fuzz: before: regions=%" PRIu32 " bindings=%" PRIu32
		       " pinned_pages=%" PRIu64 "\n", before.regions,
		       before.bindings, before.pinned_pages);
	}

	t0 = now_ns();
	if (opt.seconds)
		t_end = t0 + (int64_t)(opt.seconds * 1e9);
	for (i = 0; (!opt.count || i < opt.count) && !stop_requested; i++) {
		struct outcome o = { 0 };
		struct request rq = { 0 };
		unsigned int fixes;
		uint16_t flags;
		size_t len;

		if (t_end && now_ns() >= t_end)
			break;
		generate();
		rq.seq = next_seq++;
		len = serialise(rq.seq);
		fixes = make_safe(sbuf, len);
		rewrites += fixes;

		flags = ((struct nlmsghdr *)sbuf)->nlmsg_flags;
		rq.cmd = sbuf[NLMSG_HDRLEN];
		rq.dump = (flags & NLM_F_REQUEST) && is_dump(flags);
		rq.ack = flags & NLM_F_ACK;

		err = send_raw(sbuf, len);
		if (err) {
			send_errs++;
			o.err = err;
			o.done = true;
		} else {
			if (!rq.dump && !rq.ack && !opt.no_sentinel) {
				struct nlmsghdr s = {
					.nlmsg_len = NLMSG_HDRLEN,
					.nlmsg_type = NLMSG_NOOP,
					.nlmsg_flags = NLM_F_REQUEST |
						       NLM_F_ACK,
					.nlmsg_seq = next_seq++,
				};

				rq.sseq = s.nlmsg_seq;
				if (send_raw(&s, sizeof(s)))
					rq.sseq = 0;
			}
			await(&rq, &o);
		}
		count(&tb[bucket_of(rq.cmd, flags)], &o,
		      !(flags & NLM_F_REQUEST));
		count(&tot, &o, !(flags & NLM_F_REQUEST));
		if (opt.verbose)
			log_message(i, len, &o, fixes);
		oracle(sbuf, len, &o);
	}
	elapsed = now_ns() - t0;

	if (is_ctrmap) {
		unsigned int left = cleanup();

		if (left)
			fail = true;
		if (read_state(&after))
			fail = true;
		printf("fuzz: after:  regions=%" PRIu32 " bindings=%" PRIu32
		       " pinned_pages=%" PRIu64 "\n", after.regions,
		       after.bindings, after.pinned_pages);
		if (after.regions != before.regions ||
		    after.bindings != before.bindings ||
		    after.pinned_pages != before.pinned_pages) {
			printf("fuzz: the module's state differs from the "
			       "start\n");
			fail = true;
		}
	} else {
		drain();
	}

	for (int b = 0; b < NBUCKETS; b++) {
		if (!tb[b].sent)
			continue;
		printf("fuzz: %-14s sent=%" PRIu64 " ok=%" PRIu64
		       " timeouts=%" PRIu64 " extack=%" PRIu64
		       " noext=%" PRIu64 " errors=", bucket_names[b],
		       tb[b].sent, tb[b].ok, tb[b].timeouts, tb[b].ext,
		       tb[b].noext);
		print_errors(&tb[b]);
		putchar('\n');
	}
	printf("fuzz: stale=%lu late_attach=%lu enobufs=%lu truncated=%lu "
	       "bad_replies=%lu send_errors=%lu unprocessed=%" PRIu64
	       " rewrites=%lu warnings=%lu violations=%lu\n", stale_msgs,
	       late_attach, enobufs, truncs, bad_replies, send_errs,
	       tot.unprocessed, rewrites, anomalies, violations);
	printf("fuzz: seed=%" PRIu64 " sent=%" PRIu64 " ok=%" PRIu64
	       " errors=", opt.seed, tot.sent, tot.ok);
	print_errors(&tot);
	printf(" timeouts=%" PRIu64 " extack=%" PRIu64 " seconds=%.2f"
	       " rate=%.0f/s\n", tot.timeouts, tot.ext, (double)elapsed / 1e9,
	       elapsed > 0 ? (double)tot.sent * 1e9 / (double)elapsed : 0.0);

	if (violations)
		fail = true;
	if (is_ctrmap && floor_missed())
		fail = true;
	if (bad_replies) {
		printf("fuzz: %lu malformed or unexpected replies\n", bad_replies);
		fail = true;
	}
	ctrmap_close(fz);
	ctrmap_close(ctl);
	munmap(arena.base, arena.len);
	puts(fail ? "fuzz: FAIL" : "fuzz: PASS");
	return fail ? 1 : 0;

out_fail:
	ctrmap_close(fz);
	ctrmap_close(ctl);
	return 1;
}
