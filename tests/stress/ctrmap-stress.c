// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ctrmap-stress: a seeded, bounded stress run of the ctrmap module, as root.
 *
 *   ctrmap-stress [-s SEED] [-n OPS] [-t SECONDS] [-p PROCS] [-r REGIONS]
 *                 [-T TIMERS] [-i IRQ] [-S SAMPLE.ko] [-v]
 *
 * It starts PROCS target processes (forked, driven through pipes), each with
 * REGIONS separate mappings (private anonymous, never touched, memfd shared,
 * in turn), and then does OPS random operations, or as many as fit in
 * SECONDS: attach (by this process, or by the target itself), detach, bind a
 * timer at the module's minimum period (at most TIMERS at once) or irq:IRQ,
 * unbind, add, load the sample driver's group updates on a region (or unload
 * it), snapshot checks, and in the targets kill, exec, fork, munmap,
 * MADV_DONTNEED, mremap, MAP_FIXED over a region, mprotect; plus module
 * unload and reload with regions attached (the sample driver first).
 *
 * The operation sequence depends on the seed only (a splitmix64 stream that
 * no kernel answer changes), so a run is repeated with its seed; the time
 * bound may end it earlier. What it checks while it runs:
 * - every teardown it causes is reported on the monitor group with the
 *   reason the cause implies (request, exit, unmapped), and nothing else is
 *   torn down: fork, mprotect and MADV_DONTNEED on shmem keep regions;
 * - GET's dump lists exactly the regions that should be attached, and STATS
 *   counts exactly the bindings that should exist ("verify" ops, and at the
 *   end; each waits, bounded, for the deferred teardown);
 * - the target reads what it should in its header: attached, or detached
 *   with reason request / unload right after DETACH / the unload, and the
 *   sum of the ADDs made to counter 10;
 * - snapshots of the sample driver's group (counters 0 and 1) are
 *   consistent.
 * It prints the seed first, one line per operation with -v, and a summary
 * of what it did. Exit status 0 if every check held, 1 otherwise.
 */
#define _GNU_SOURCE
#include <ctrmap/ctrmap.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_PROCS 16
#define MAX_REGIONS 16
#define PAGE 4096UL
#define FIRST_BIND 2		/* counters 0, 1: the sample driver's group */
#define NBIND 8			/* counters 2..9: bindings */
#define ADD_INDEX 10		/* counter 10: ADDs, checked */
#define SETTLE_MS 30000		/* bounded wait for deferred teardown */

/* ---- the seeded stream ---------------------------------------------- */

static uint64_t rng_state;

static uint64_t rnd(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static unsigned int below(unsigned int n)
{
	return n ? rnd() % n : 0;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void msleep(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static bool verbose;
static long opno;

/* The last operations, shown when a check fails; all of them with -v. */
#define HISTORY 40
static char history[HISTORY][160];
static long said;

static void say(const char *fmt, ...)
{
	char *line = history[said++ % HISTORY];
	va_list ap;
	int n;

	n = snprintf(line, sizeof(history[0]), "%6ld ", opno);
	va_start(ap, fmt);
	vsnprintf(line + n, sizeof(history[0]) - n, fmt, ap);
	va_end(ap);
	if (verbose) {
		puts(line);
		fflush(stdout);
	}
}

static void fail(const char *fmt, ...)
{
	va_list ap;

	long i;

	fflush(stdout);
	if (!verbose) {
		fprintf(stderr, "stress: the last operations:\n");
		for (i = said > HISTORY ? said - HISTORY : 0; i < said; i++)
			fprintf(stderr, "%s\n", history[i % HISTORY]);
	}
	fprintf(stderr, "stress: FAIL at op %ld: ", opno);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

/* ---- the target processes ---------------------------------------------
 * A target owns REGIONS mappings and does to them what the driver asks,
 * one request at a time over a pipe, answering each.
 */

enum tcmd {
	T_ADDR, T_MUNMAP, T_DONTNEED, T_MREMAP, T_MAPFIXED, T_MPROTECT,
	T_FORK, T_EXEC, T_ATTACH, T_STATE, T_SNAP,
};

enum kind { K_ANON, K_LAZY, K_MEMFD, NKINDS };
static const char *const kind_name[] = { "anon", "lazy", "memfd" };

struct treq {
	int cmd, slot;
	long arg;
};

struct trep {
	long status;		/* 0 or -errno */
	uint64_t addr;		/* T_ADDR, T_MUNMAP, T_MREMAP */
	uint32_t id;		/* T_ATTACH */
	uint32_t state, reason;	/* T_STATE */
	uint64_t value;		/* T_STATE: counter ADD_INDEX */
	long bad;		/* T_SNAP: inconsistent snapshots */
};

struct tslot {
	char *p;
	size_t len;
	int fd;			/* memfd, or -1 */
};

static void *tmap(struct tslot *s, enum kind k, void *where)
{
	int flags = where ? MAP_FIXED : 0;
	void *p;

	if (k == K_MEMFD) {
		if (s->fd < 0) {
			s->fd = memfd_create("ctrmap-stress", 0);
			if (s->fd < 0 || ftruncate(s->fd, s->len))
				_exit(3);
		}
		p = mmap(where, s->len, PROT_READ | PROT_WRITE,
			 MAP_SHARED | flags, s->fd, 0);
	} else {
		p = mmap(where, s->len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | flags, -1, 0);
	}
	if (p == MAP_FAILED)
		_exit(3);
	if (k == K_ANON)
		memset(p, 0, s->len);
	return p;
}

static long snapcheck(const char *region, long n)
{
	uint64_t v[2], last = 0;
	long i, bad = 0;

	for (i = 0; i < n; i++) {
		if (ctrmap_snapshot(region, 0, 2, v))
			return -1;
		if (v[1] != 1500 * v[0] || v[0] < last)
			bad++;
		last = v[0];
	}
	return bad;
}

static void target_main(int in, int out, int nregions)
{
	struct tslot slot[MAX_REGIONS];
	struct treq q;
	struct trep a;
	int i;

	for (i = 0; i < nregions; i++) {
		slot[i].len = (1 + i % 2) * PAGE;
		slot[i].fd = -1;
		slot[i].p = tmap(&slot[i], i % NKINDS, NULL);
	}
	while (read(in, &q, sizeof(q)) == sizeof(q)) {
		struct tslot *s = &slot[q.slot];
		enum kind k = q.slot % NKINDS;
		struct ctrmap_handle *ch;
		CTRMAP_OPTS(ctrmap_attach_reply, r);
		void *p;
		pid_t c;

		memset(&a, 0, sizeof(a));
		switch (q.cmd) {
		case T_ADDR:
			break;
		case T_MUNMAP:	/* and map a fresh one, to attach again */
			munmap(s->p, s->len);
			s->p = tmap(s, k, NULL);
			break;
		case T_DONTNEED:
			if (madvise(s->p, s->len, MADV_DONTNEED))
				a.status = -errno;
			break;
		case T_MREMAP:
			/* Reserve a place, then move the mapping onto it. */
			p = mmap(NULL, s->len, PROT_NONE,
				 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			if (p == MAP_FAILED ||
			    mremap(s->p, s->len, s->len,
				   MREMAP_MAYMOVE | MREMAP_FIXED, p) == MAP_FAILED)
				_exit(3);
			s->p = p;
			break;
		case T_MAPFIXED:
			tmap(s, k, s->p);
			break;
		case T_MPROTECT:
			if (mprotect(s->p, s->len, PROT_READ) ||
			    mprotect(s->p, s->len, PROT_READ | PROT_WRITE))
				a.status = -errno;
			break;
		case T_FORK:
			/* The child writes the last counter of every region. */
			c = fork();
			if (c < 0) {
				a.status = -errno;
				break;
			}
			if (!c) {
				for (i = 0; i < nregions; i++)
					((volatile uint64_t *)(slot[i].p +
						slot[i].len))[-1] = 42;
				_exit(0);
			}
			waitpid(c, NULL, 0);
			break;
		case T_EXEC:
			a.status = 0;
			if (write(out, &a, sizeof(a)) != sizeof(a))
				_exit(3);
			execl("/bin/sleep", "sleep", "3600", (char *)NULL);
			_exit(3);
		case T_ATTACH:	/* as an application does, with its own handle */
			a.status = ctrmap_open(&ch);
			if (!a.status) {
				a.status = ctrmap_attach(ch, getpid(),
							 (uintptr_t)s->p,
							 s->len, &r);
				a.id = r.id;
				ctrmap_close(ch);
			}
			break;
		case T_STATE:
			a.status = ctrmap_region_check(s->p, s->len);
			if (!a.status) {
				a.state = ctrmap_region_state(s->p, &a.reason);
				ctrmap_read(s->p, ADD_INDEX, &a.value);
			}
			break;
		case T_SNAP:
			a.bad = snapcheck(s->p, q.arg);
			break;
		}
		a.addr = (uintptr_t)s->p;
		if (write(out, &a, sizeof(a)) != sizeof(a))
			_exit(3);
	}
	_exit(0);
}

/* ---- the driver's view ----------------------------------------------- */

struct slotstate {
	uint64_t addr;
	size_t len;
	uint32_t id;		/* the region attached there now, or 0 */
	uint8_t bound[NBIND];	/* source type bound to counter 2 + i */
	uint64_t added;		/* sum of ADDs to ADD_INDEX */
};

struct proc {
	pid_t pid;
	int to, from;
	bool execed;		/* now "sleep": it answers nothing */
	struct slotstate s[MAX_REGIONS];
};

/* What each region id of this module load should see: indexed by id. */
struct rec {
	uint8_t expect;		/* reason its teardown must report; 0: live */
	uint8_t got;		/* reason DETACHED reported; 0: none yet */
	/*
	 * MADV_DONTNEED's teardown waits for a recheck in a worker: if the
	 * process exits or execs first, "exit" is what happened first.
	 */
	uint8_t alt;		/* another reason it may report, or 0 */
	pid_t recheck_pid;	/* its process, while that recheck may be due */
	bool known;
};

static struct proc procs[MAX_PROCS];
static int nprocs = 4, nregions = 4, max_timers = 4, irq = -1;
static const char *sample_ko;
static uint32_t sample_id;	/* region the sample driver writes, or 0 */
static bool sample_loaded;
static int timers;		/* timer bindings now */
static struct rec *recs;
static size_t nrecs;
static struct ctrmap_handle *ctl, *mon;
static uint64_t min_period;

enum op {
	OP_ATTACH, OP_SELFATTACH, OP_DETACH, OP_BIND_TIMER, OP_BIND_IRQ,
	OP_UNBIND, OP_ADD, OP_CHECK, OP_SNAP, OP_SAMPLE, OP_KILL, OP_EXEC,
	OP_FORK, OP_MUNMAP, OP_DONTNEED, OP_MREMAP, OP_MAPFIXED, OP_MPROTECT,
	OP_VERIFY, OP_RELOAD, NOPS
};

static const struct {
	const char *name;
	unsigned int weight;
} ops[NOPS] = {
	[OP_ATTACH] = { "attach", 20 },
	[OP_SELFATTACH] = { "self-attach", 6 },
	[OP_DETACH] = { "detach", 8 },
	[OP_BIND_TIMER] = { "bind-timer", 6 },
	[OP_BIND_IRQ] = { "bind-irq", 5 },
	[OP_UNBIND] = { "unbind", 5 },
	[OP_ADD] = { "add", 10 },
	[OP_CHECK] = { "check", 6 },
	[OP_SNAP] = { "snapshot", 2 },
	[OP_SAMPLE] = { "sample", 2 },
	[OP_KILL] = { "kill", 2 },
	[OP_EXEC] = { "exec", 1 },
	[OP_FORK] = { "fork", 3 },
	[OP_MUNMAP] = { "munmap", 3 },
	[OP_DONTNEED] = { "dontneed", 3 },
	[OP_MREMAP] = { "mremap", 2 },
	[OP_MAPFIXED] = { "mapfixed", 2 },
	[OP_MPROTECT] = { "mprotect", 3 },
	[OP_VERIFY] = { "verify", 2 },
	[OP_RELOAD] = { "reload", 1 },
};

static long done[NOPS], skipped[NOPS];
static long events_seen, reload_retries;

static struct rec *rec_of(uint32_t id)
{
	if (id >= nrecs) {
		size_t n = id + 1024;

		recs = realloc(recs, n * sizeof(*recs));
		if (!recs)
			fail("out of memory");
		memset(recs + nrecs, 0, (n - nrecs) * sizeof(*recs));
		nrecs = n;
	}
	return &recs[id];
}

static struct trep tcall(struct proc *p, int cmd, int slot, long arg)
{
	struct treq q = { cmd, slot, arg };
	struct trep a;

	if (write(p->to, &q, sizeof(q)) != sizeof(q) ||
	    read(p->from, &a, sizeof(a)) != sizeof(a))
		fail("target %d does not answer", p->pid);
	return a;
}

static void spawn(struct proc *p)
{
	int down[2], up[2], i;

	if (pipe2(down, O_CLOEXEC) || pipe2(up, O_CLOEXEC))
		fail("pipe: %s", strerror(errno));
	fflush(stdout);
	p->pid = fork();
	if (p->pid < 0)
		fail("fork: %s", strerror(errno));
	if (!p->pid) {
		close(down[1]);
		close(up[0]);
		target_main(down[0], up[1], nregions);
	}
	close(down[0]);
	close(up[1]);
	p->to = down[1];
	p->from = up[0];
	p->execed = false;
	memset(p->s, 0, sizeof(p->s));
	for (i = 0; i < nregions; i++) {
		p->s[i].addr = tcall(p, T_ADDR, i, 0).addr;
		p->s[i].len = (1 + i % 2) * PAGE;
	}
}

/* The region in a slot is gone for @reason (or will be). */
static void forget(struct slotstate *s, uint8_t reason)
{
	int i;

	if (!s->id)
		return;
	rec_of(s->id)->expect = reason;
	for (i = 0; i < NBIND; i++)
		if (s->bound[i] == CTRMAP_SOURCE_TIMER)
			timers--;
	memset(s->bound, 0, sizeof(s->bound));
	s->added = 0;
	if (s->id == sample_id)
		sample_id = 0;	/* the driver's writes now fail, harmlessly */
	s->id = 0;
}

static void forget_proc(struct proc *p, uint8_t reason)
{
	int i;

	for (i = 0; i < nregions; i++)
		forget(&p->s[i], reason);
}

static void reap(struct proc *p)
{
	kill(p->pid, SIGKILL);
	waitpid(p->pid, NULL, 0);
	close(p->to);
	close(p->from);
}

/* Events so far, without waiting. */
static void drain_events(void)
{
	CTRMAP_OPTS(ctrmap_event, ev);
	struct rec *r;
	int ret;

	while ((ret = ctrmap_next_event(mon, &ev, 0)) != -EAGAIN) {
		if (ret == -ENOBUFS)
			fail("monitor socket overflowed: events lost");
		if (ret)
			fail("ctrmap_next_event: %s", strerror(-ret));
		events_seen++;
		r = rec_of(ev.region_id);
		if (!r->known)
			fail("DETACHED for region %u, which this run never attached",
			     ev.region_id);
		if (r->got)
			fail("a second DETACHED for region %u", ev.region_id);
		r->got = ev.reason;
		if (!r->expect)
			fail("region %u detached (reason %s) though nothing tore it down",
			     ev.region_id, ctrmap_reason_name(ev.reason));
		if (r->expect != ev.reason && r->alt != ev.reason)
			fail("region %u detached with reason %s, expected %s",
			     ev.region_id, ctrmap_reason_name(ev.reason),
			     ctrmap_reason_name(r->expect));
	}
}

struct listing {
	uint32_t n;
	int bindings;
	int missing;
};

static int list_cb(const struct ctrmap_region_info *ri, void *arg)
{
	struct listing *l = arg;
	struct rec *r = rec_of(ri->id);

	l->n++;
	l->bindings += ri->nbindings;
	if (!r->known || r->expect)
		l->missing = ri->id;	/* listed, but should be gone */
	return 0;
}

/*
 * Wait (bounded) until what the module says matches what this run did:
 * every torn-down region reported, the rest listed, the bindings counted.
 */
static void verify(void)
{
	int64_t deadline = now_ms() + SETTLE_MS;
	uint32_t live = 0, unreported = 0, id;
	CTRMAP_OPTS(ctrmap_stats, st);
	struct listing l;
	int i, j, k, bindings = 0, ret;

	for (i = 0; i < nprocs; i++)
		for (j = 0; j < nregions; j++) {
			live += !!procs[i].s[j].id;
			for (k = 0; k < NBIND; k++)
				bindings += !!procs[i].s[j].bound[k];
		}
	for (;;) {
		drain_events();
		unreported = 0;
		for (id = 1; id < nrecs; id++)
			if (recs[id].known && recs[id].expect && !recs[id].got)
				unreported = id;
		memset(&l, 0, sizeof(l));
		ret = ctrmap_list(ctl, 0, 0, list_cb, &l);
		if (ret && ret != -EAGAIN)
			fail("list: %s", strerror(-ret));
		if (!ret && !unreported && !l.missing && l.n == live &&
		    l.bindings == bindings)
			break;
		if (now_ms() > deadline)
			fail("after %d s: %u region(s) listed, %u expected; region %u not reported detached; region %u listed though torn down; %d binding(s) listed, %d expected",
			     SETTLE_MS / 1000, l.n, live, unreported,
			     l.missing, l.bindings, bindings);
		msleep(20);
	}
	ret = ctrmap_stats(ctl, &st);
	if (ret)
		fail("stats: %s", strerror(-ret));
	if (st.regions != live || st.bindings != (uint32_t)bindings)
		fail("STATS: %u regions, %u bindings; expected %u, %d",
		     st.regions, st.bindings, live, bindings);
}

static void open_handles(void)
{
	CTRMAP_OPTS(ctrmap_stats, st);
	int ret;

	ret = ctrmap_open(&ctl);
	if (!ret)
		ret = ctrmap_open(&mon);
	if (!ret)
		ret = ctrmap_monitor(mon);
	if (ret)
		fail("cannot open ctrmap: %s", strerror(-ret));
	ret = ctrmap_stats(ctl, &st);
	if (ret)
		fail("stats: %s", strerror(-ret));
	min_period = st.timer_min_period_ns;
}

static int run(const char *cmd)
{
	int status = system(cmd);

	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

static void sample_unload(void)
{
	if (!sample_loaded)
		return;
	if (run("rmmod ctrmap_sample"))
		fail("rmmod ctrmap_sample failed");
	sample_loaded = false;
	sample_id = 0;
}

/*
 * Unload with regions attached, and load again. A dump in progress (the
 * concurrent "counterctl list") holds the module: rmmod then says it is in
 * use, and is tried again.
 */
static void reload(void)
{
	int i, j, tries;

	verify();	/* every earlier teardown settled and reported */
	sample_unload();
	for (tries = 0; run("rmmod ctrmap 2>/dev/null"); tries++) {
		if (tries == 200)
			fail("rmmod ctrmap keeps failing");
		reload_retries++;
		msleep(50);
	}
	ctrmap_close(ctl);
	ctrmap_close(mon);
	/* Every region that was attached says why it stopped. */
	for (i = 0; i < nprocs; i++) {
		for (j = 0; j < nregions; j++) {
			struct slotstate *s = &procs[i].s[j];
			struct trep a;

			if (!s->id)
				continue;
			a = tcall(&procs[i], T_STATE, j, 0);
			if (a.status || a.state != CTRMAP_STATE_DETACHED ||
			    a.reason != CTRMAP_REASON_UNLOAD)
				fail("after unload, region %u reads status %ld state %u reason %u",
				     s->id, a.status, a.state, a.reason);
			forget(s, CTRMAP_REASON_UNLOAD);
		}
	}
	/* A new load starts ids afresh: so do the records. */
	memset(recs, 0, nrecs * sizeof(*recs));
	timers = 0;
	if (run("modprobe ctrmap"))
		fail("modprobe ctrmap failed");
	open_handles();
}

/* A random slot; with @attached, one with a region (or NULL). */
static struct slotstate *pick(struct proc **pp, int *slot, int attached)
{
	int tries;

	for (tries = 0; tries < 64; tries++) {
		struct proc *p = &procs[below(nprocs)];
		int j = below(nregions);

		if (p->execed)
			continue;
		if (attached >= 0 && !!p->s[j].id != attached)
			continue;
		*pp = p;
		*slot = j;
		return &p->s[j];
	}
	return NULL;
}

static bool attach_result(struct proc *p, int slot, int ret, uint32_t id,
			  const char *who)
{
	struct slotstate *s = &p->s[slot];
	struct rec *r;

	if (ret)
		fail("%s attach of %#llx+%zu: %s", who,
		     (unsigned long long)s->addr, s->len, strerror(-ret));
	r = rec_of(id);
	if (r->known)
		fail("region id %u given out twice", id);
	r->known = true;
	s->id = id;
	say("%s attach %d %s slot %d -> region %u", who, p->pid,
	    kind_name[slot % NKINDS], slot, id);
	return true;
}

/* @p exits or execs: a recheck still due in one of its regions may lose. */
static void recheck_raced(struct proc *p)
{
	size_t id;

	for (id = 1; id < nrecs; id++)
		if (recs[id].recheck_pid == p->pid && !recs[id].got)
			recs[id].alt = CTRMAP_REASON_EXIT;
}

/* One operation; false if it did not apply to the state drawn. */
static bool do_op(enum op op)
{
	CTRMAP_OPTS(ctrmap_attach_reply, ar);
	CTRMAP_OPTS(ctrmap_source, src);
	struct slotstate *s;
	struct proc *p;
	struct trep a;
	char cmd[512];
	int slot, i, ret;
	uint32_t index;

	switch (op) {
	case OP_ATTACH:
	case OP_SELFATTACH:
		s = pick(&p, &slot, 0);
		if (!s)
			return false;
		if (op == OP_ATTACH) {
			ret = ctrmap_attach(ctl, p->pid, s->addr, s->len, &ar);
			return attach_result(p, slot, ret, ar.id, "driver");
		}
		a = tcall(p, T_ATTACH, slot, 0);
		return attach_result(p, slot, a.status, a.id, "self");
	case OP_DETACH:
		s = pick(&p, &slot, 1);
		if (!s)
			return false;
		ret = ctrmap_detach(ctl, s->id);
		if (ret)
			fail("detach %u: %s", s->id, strerror(-ret));
		say("detach %u", s->id);
		/* DETACH returns once the teardown is done: the header says so. */
		a = tcall(p, T_STATE, slot, 0);
		if (a.status || a.state != CTRMAP_STATE_DETACHED ||
		    a.reason != CTRMAP_REASON_REQUEST)
			fail("after DETACH %u the target reads status %ld state %u reason %u",
			     s->id, a.status, a.state, a.reason);
		forget(s, CTRMAP_REASON_REQUEST);
		return true;
	case OP_BIND_TIMER:
	case OP_BIND_IRQ:
		if (op == OP_BIND_TIMER && timers >= max_timers)
			return false;
		if (op == OP_BIND_IRQ && irq < 0)
			return false;
		s = pick(&p, &slot, 1);
		if (!s)
			return false;
		index = below(NBIND);
		if (s->bound[index])
			return false;
		src.type = op == OP_BIND_TIMER ? CTRMAP_SOURCE_TIMER :
						 CTRMAP_SOURCE_IRQ;
		src.period_ns = min_period;
		src.irq = irq;
		ret = ctrmap_bind(ctl, s->id, FIRST_BIND + index, &src);
		if (ret)
			fail("bind %u %u: %s (%s)", s->id, FIRST_BIND + index,
			     strerror(-ret), ctrmap_errmsg(ctl));
		s->bound[index] = src.type;
		timers += src.type == CTRMAP_SOURCE_TIMER;
		say("bind %u %u %s", s->id, FIRST_BIND + index,
		    ctrmap_source_name(src.type));
		return true;
	case OP_UNBIND:
		s = pick(&p, &slot, 1);
		if (!s)
			return false;
		/* One of the slot's bindings, if it has any. */
		for (i = 0, index = 0; index < NBIND; index++)
			i += !!s->bound[index];
		if (!i)
			return false;
		i = below(i);
		for (index = 0; !s->bound[index] || i--; index++)
			;
		ret = ctrmap_unbind(ctl, s->id, FIRST_BIND + index);
		if (ret)
			fail("unbind %u %u: %s", s->id, FIRST_BIND + index,
			     strerror(-ret));
		timers -= s->bound[index] == CTRMAP_SOURCE_TIMER;
		s->bound[index] = 0;
		say("unbind %u %u", s->id, FIRST_BIND + index);
		return true;
	case OP_ADD:
		s = pick(&p, &slot, 1);
		if (!s)
			return false;
		i = 1 + below(1000);
		ret = ctrmap_add(ctl, s->id, ADD_INDEX, i);
		if (ret)
			fail("add %u: %s", s->id, strerror(-ret));
		s->added += i;
		say("add %u %u %d", s->id, ADD_INDEX, i);
		return true;
	case OP_CHECK:
		s = pick(&p, &slot, 1);
		if (!s)
			return false;
		say("check %u", s->id);
		a = tcall(p, T_STATE, slot, 0);
		if (a.status || a.state != CTRMAP_STATE_ATTACHED ||
		    a.value != s->added)
			fail("region %u reads status %ld state %u reason %u counter %u = %llu, expected attached and %llu",
			     s->id, a.status, a.state, a.reason, ADD_INDEX,
			     (unsigned long long)a.value,
			     (unsigned long long)s->added);
		return true;
	case OP_SNAP:
		if (!sample_id)
			return false;
		for (i = 0; i < nprocs; i++)
			for (slot = 0; slot < nregions; slot++)
				if (procs[i].s[slot].id == sample_id)
					goto found;
		return false;
found:
		a = tcall(&procs[i], T_SNAP, slot, 20000);
		if (a.bad)
			fail("%ld of 20000 snapshots of region %u inconsistent",
			     a.bad, sample_id);
		say("snapshot %u", sample_id);
		return true;
	case OP_SAMPLE:
		if (!sample_ko)
			return false;
		if (sample_loaded) {
			say("sample unload");
			sample_unload();
			return true;
		}
		s = pick(&p, &slot, 1);
		if (!s)
			return false;
		snprintf(cmd, sizeof(cmd), "insmod %s region=%u period_us=100",
			 sample_ko, s->id);
		if (run(cmd))
			fail("%s failed", cmd);
		sample_loaded = true;
		sample_id = s->id;
		say("sample on %u", s->id);
		return true;
	case OP_KILL:
	case OP_EXEC:
	case OP_FORK:
		p = &procs[below(nprocs)];
		if (op != OP_FORK)
			recheck_raced(p);
		if (p->execed || op == OP_KILL) {
			/* A target that exec'd is only good for killing. */
			say("kill %d", p->pid);
			reap(p);
			forget_proc(p, CTRMAP_REASON_EXIT);
			spawn(p);
			return op == OP_KILL;
		}
		if (op == OP_FORK) {
			a = tcall(p, T_FORK, 0, 0);
			if (a.status)
				fail("fork in target: %s", strerror(-a.status));
			say("fork %d", p->pid);
			return true;
		}
		tcall(p, T_EXEC, 0, 0);
		forget_proc(p, CTRMAP_REASON_EXIT);
		p->execed = true;
		say("exec %d", p->pid);
		return true;
	case OP_MUNMAP:
	case OP_DONTNEED:
	case OP_MREMAP:
	case OP_MAPFIXED:
	case OP_MPROTECT:
		s = pick(&p, &slot, -1);
		if (!s)
			return false;
		a = tcall(p, op == OP_MUNMAP ? T_MUNMAP :
			     op == OP_DONTNEED ? T_DONTNEED :
			     op == OP_MREMAP ? T_MREMAP :
			     op == OP_MAPFIXED ? T_MAPFIXED : T_MPROTECT,
			  slot, 0);
		if (a.status)
			fail("%s in target: %s", ops[op].name,
			     strerror(-a.status));
		say("%s %d %s slot %d (region %u)", ops[op].name, p->pid,
		    kind_name[slot % NKINDS], slot, s->id);
		s->addr = a.addr;
		/* Kept: mprotect, and MADV_DONTNEED on shmem (same pages). */
		if (op == OP_DONTNEED && slot % NKINDS != K_MEMFD && s->id)
			rec_of(s->id)->recheck_pid = p->pid;
		if (op != OP_MPROTECT &&
		    !(op == OP_DONTNEED && slot % NKINDS == K_MEMFD))
			forget(s, CTRMAP_REASON_UNMAPPED);
		return true;
	case OP_VERIFY:
		say("verify");
		verify();
		return true;
	case OP_RELOAD:
		say("reload");
		reload();
		return true;
	case NOPS:
		break;
	}
	return false;
}

/*
 * A run that did little proves little: at least MIN_OPS operations, and
 * each kind that was due at least 12 times (by its weight) done at least
 * once, but for unbind and snapshot, which mostly find nothing to act on;
 * bind-irq and sample count when the run has them (the script requires
 * that it does).
 */
#define MIN_OPS 100

static bool floor_missed(void)
{
	unsigned int total = 0;
	bool missed = false;
	int i;

	for (i = 0; i < NOPS; i++)
		total += ops[i].weight;
	if (opno < MIN_OPS) {
		printf("stress: FAIL: %ld operations, fewer than %d\n", opno,
		       MIN_OPS);
		return true;
	}
	for (i = 0; i < NOPS; i++) {
		if (i == OP_UNBIND || i == OP_SNAP ||
		    (i == OP_BIND_IRQ && irq < 0) ||
		    (i == OP_SAMPLE && !sample_ko) ||
		    opno * ops[i].weight < 12L * total || done[i])
			continue;
		printf("stress: FAIL: no %s in %ld operations (drawn %ld times, never applicable)\n",
		       ops[i].name, opno, skipped[i]);
		missed = true;
	}
	return missed;
}

static enum op draw(void)
{
	unsigned int total = 0, x;
	int i;

	for (i = 0; i < NOPS; i++)
		total += ops[i].weight;
	x = below(total);
	for (i = 0; x >= ops[i].weight; i++)
		x -= ops[i].weight;
	return i;
}

int main(int argc, char **argv)
{
	uint64_t seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	long count = 1000, seconds = 60;
	int64_t start, end;
	int opt, i;

	while ((opt = getopt(argc, argv, "s:n:t:p:r:T:i:S:v")) != -1) {
		switch (opt) {
		case 's': seed = strtoull(optarg, NULL, 0); break;
		case 'n': count = strtol(optarg, NULL, 0); break;
		case 't': seconds = strtol(optarg, NULL, 0); break;
		case 'p': nprocs = atoi(optarg); break;
		case 'r': nregions = atoi(optarg); break;
		case 'T': max_timers = atoi(optarg); break;
		case 'i': irq = atoi(optarg); break;
		case 'S': sample_ko = optarg; break;
		case 'v': verbose = true; break;
		default:
			fprintf(stderr, "usage: ctrmap-stress [-s SEED] [-n OPS] [-t SECONDS] [-p PROCS] [-r REGIONS] [-T TIMERS] [-i IRQ] [-S SAMPLE.ko] [-v]\n");
			return 2;
		}
	}
	if (nprocs < 1 || nprocs > MAX_PROCS || nregions < 1 ||
	    nregions > MAX_REGIONS) {
		fprintf(stderr, "ctrmap-stress: 1..%d processes, 1..%d regions\n",
			MAX_PROCS, MAX_REGIONS);
		return 2;
	}
	rng_state = seed;
	printf("stress: seed %llu, at most %ld ops in %ld s, %d processes x %d regions, %d timers at most, irq %d, sample %s\n",
	       (unsigned long long)seed, count, seconds, nprocs, nregions,
	       max_timers, irq, sample_ko ? "yes" : "no");
	fflush(stdout);
	signal(SIGPIPE, SIG_IGN);

	open_handles();
	for (i = 0; i < nprocs; i++)
		spawn(&procs[i]);
	start = now_ms();
	end = start + seconds * 1000;
	for (opno = 1; opno <= count && now_ms() < end; opno++) {
		enum op op = draw();

		if (do_op(op))
			done[op]++;
		else
			skipped[op]++;
		drain_events();
	}
	opno--;

	/* The end: the sample goes, every target dies, all is reported. */
	sample_unload();
	verify();
	for (i = 0; i < nprocs; i++) {
		recheck_raced(&procs[i]);
		reap(&procs[i]);
		forget_proc(&procs[i], CTRMAP_REASON_EXIT);
	}
	verify();

	printf("stress: %ld ops in %.1f s (seed %llu):", opno,
	       (now_ms() - start) / 1000.0, (unsigned long long)seed);
	for (i = 0; i < NOPS; i++)
		printf(" %s=%ld", ops[i].name, done[i]);
	printf("\nstress: not applicable when drawn: ");
	for (i = 0; i < NOPS; i++)
		if (skipped[i])
			printf(" %s=%ld", ops[i].name, skipped[i]);
	printf("\nstress: %ld DETACHED events checked, %ld rmmod retries (module in use)\n",
	       events_seen, reload_retries);
	if (floor_missed())
		return 1;
	printf("stress: PASS\n");
	ctrmap_close(ctl);
	ctrmap_close(mon);
	return 0;
}
