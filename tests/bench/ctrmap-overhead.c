// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ctrmap-overhead: the kernel memory a region costs, and whether any of it
 * stays behind after attach/detach cycles. As root, in a guest with
 * ctrmap loaded (tests/bench/overhead runs it).
 *
 *   ctrmap-overhead [-n CYCLES] [-w WARMUP] [-r REGIONS] [-c] [-L]
 *
 * Memory is measured after every slab cache was shrunk (/sys/kernel/slab/
 * CACHE/shrink: per-CPU slabs flushed, so /proc/slabinfo's active objects
 * are exact) and RCU-deferred frees had time to run:
 *   slab     sum over /proc/slabinfo of active objects x object size
 *   vmap     bytes of the /proc/vmallocinfo areas ctrmap mapped (with
 *            their guard pages), and how many
 *   meminfo  Slab, SUnreclaim and VmallocUsed from /proc/meminfo
 * The vmap_area cache is left out of the slab figures and shown apart: it
 * is vmalloc's record of address space, which keeps freed areas on lazy
 * lists and (since 6.9) in per-node pools for reuse, so its count follows
 * vmalloc's caching; an area ctrmap leaves mapped is in /proc/vmallocinfo.
 *
 * 1. REGIONS regions (1 page each) attached at once, spread over child
 *    processes (the per-process limit), each with a timer binding:
 *    what one costs.
 * 2. WARMUP cycles, then CYCLES cycles of attach, bind a timer, add,
 *    detach: what grew, in all and per cache.
 * With -c it fails (status 1) if a cycle leaves anything behind: a slab
 * cache with CYCLES/2 objects more after the cycles than before (a leak of
 * one object per cycle adds CYCLES; the rest of the guest was once seen to
 * add 297 kmalloc-8 objects during 1000 cycles), slab growth of 64 bytes
 * per cycle or more, or a ctrmap vmap area still there.
 */
#define _GNU_SOURCE
#include <ctrmap/ctrmap.h>
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PAGE 4096UL
#define MAX_CACHES 1024
#define PER_CHILD 50

struct cache {
	char name[64];
	long objs, size;
};

struct mem {
	long slab;		/* bytes in active slab objects */
	long vmap, nvmap;	/* ctrmap's vmap areas: bytes, count */
	long meminfo_slab, sunreclaim, vmalloc_used;	/* kB */
	long vmap_area_objs;	/* vmalloc's cache, not in slab: see above */
	int ncaches;
	struct cache caches[MAX_CACHES];
};

static void die(const char *what, int err)
{
	fprintf(stderr, "ctrmap-overhead: %s: %s\n", what, strerror(err));
	exit(2);
}

static void shrink_all(void)
{
	DIR *d = opendir("/sys/kernel/slab");
	struct dirent *e;
	char path[512];
	FILE *f;

	if (!d)
		return;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/sys/kernel/slab/%s/shrink",
			 e->d_name);
		f = fopen(path, "w");
		if (f) {
			fputs("1", f);
			fclose(f);
		}
	}
	closedir(d);
}

static void measure(struct mem *m)
{
	char line[1024], name[64];
	long objs, total, size;
	FILE *f;

	/* Deferred frees (call_rcu, kfree_rcu) first, then exact counts. */
	usleep(300000);
	shrink_all();
	memset(m, 0, sizeof(*m));

	f = fopen("/proc/slabinfo", "r");
	if (!f)
		die("/proc/slabinfo", errno);
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%63s %ld %ld %ld", name, &objs, &total,
			   &size) != 4)
			continue;	/* the headers */
		if (!strcmp(name, "vmap_area")) {
			m->vmap_area_objs = objs;
			continue;
		}
		m->slab += objs * size;
		if (m->ncaches < MAX_CACHES) {
			struct cache *c = &m->caches[m->ncaches++];

			snprintf(c->name, sizeof(c->name), "%s", name);
			c->objs = objs;
			c->size = size;
		}
	}
	fclose(f);

	f = fopen("/proc/vmallocinfo", "r");
	if (!f)
		die("/proc/vmallocinfo", errno);
	while (fgets(line, sizeof(line), f)) {
		if (!strstr(line, "ctrmap"))
			continue;
		if (sscanf(line, "%*s %ld", &size) == 1) {
			m->vmap += size;
			m->nvmap++;
		}
	}
	fclose(f);

	f = fopen("/proc/meminfo", "r");
	if (!f)
		die("/proc/meminfo", errno);
	while (fgets(line, sizeof(line), f)) {
		sscanf(line, "Slab: %ld", &m->meminfo_slab);
		sscanf(line, "SUnreclaim: %ld", &m->sunreclaim);
		sscanf(line, "VmallocUsed: %ld", &m->vmalloc_used);
	}
	fclose(f);
}

static long cache_objs(const struct mem *m, const char *name)
{
	int i;

	for (i = 0; i < m->ncaches; i++)
		if (!strcmp(m->caches[i].name, name))
			return m->caches[i].objs;
	return 0;
}

/* Caches that grew by at least @min objects from @a to @b; the largest. */
static long grown(const struct mem *a, const struct mem *b, long min,
		  const char *prefix)
{
	long most = 0, d;
	int i;

	for (i = 0; i < b->ncaches; i++) {
		d = b->caches[i].objs - cache_objs(a, b->caches[i].name);
		if (d > most)
			most = d;
		if (d >= min)
			printf("%s%-24s %+6ld objects of %ld bytes\n", prefix,
			       b->caches[i].name, d, b->caches[i].size);
	}
	return most;
}

static void show(const char *what, const struct mem *m)
{
	printf("%-28s slab %8ld kB   ctrmap vmap %5ld kB in %4ld areas   meminfo Slab %ld kB, SUnreclaim %ld kB, VmallocUsed %ld kB   vmap_area %ld objects\n",
	       what, m->slab / 1024, m->vmap / 1024, m->nvmap, m->meminfo_slab,
	       m->sunreclaim, m->vmalloc_used, m->vmap_area_objs);
}

static struct ctrmap_handle *h;
static struct ctrmap_source timer = {
	.sz = sizeof(struct ctrmap_source),
	.type = CTRMAP_SOURCE_TIMER,
};

static uint32_t attach_bind(pid_t pid, uint64_t addr)
{
	CTRMAP_OPTS(ctrmap_attach_reply, r);
	int err;

	err = ctrmap_attach(h, pid, addr, PAGE, &r);
	if (err)
		die("attach", -err);
	err = ctrmap_bind(h, r.id, 0, &timer);
	if (err)
		die("bind", -err);
	return r.id;
}

static void detach(uint32_t id)
{
	int err = ctrmap_detach(h, id);

	if (err)
		die("detach", -err);
}

/*
 * With @left, the regions stay attached and their ids go there, a page
 * each (regions of one process may not overlap).
 */
static void cycles(char *p, long n, uint32_t *left)
{
	long i;
	int err;

	for (i = 0; i < n; i++) {
		uint32_t id = attach_bind(getpid(), (uintptr_t)p +
					  (left ? i * PAGE : 0));

		err = ctrmap_add(h, id, 1, 1);
		if (err)
			die("add", -err);
		if (left)
			left[i] = id;
		else
			detach(id);
	}
}

static double seconds_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) + (t.tv_nsec - t0->tv_nsec) / 1e9;
}

int main(int argc, char **argv)
{
	long n = 10000, warmup = 200, nregions = 100;
	static struct mem m0, m1, m2, m3, m4;
	CTRMAP_OPTS(ctrmap_stats, st);
	struct timespec t0;
	bool check = false, leave = false;
	pid_t kids[64];
	uint32_t *ids;
	int opt, nkids, i, bad = 0;
	long most, k;
	char *p;

	while ((opt = getopt(argc, argv, "n:w:r:cL")) != -1) {
		switch (opt) {
		case 'n': n = strtol(optarg, NULL, 0); break;
		case 'w': warmup = strtol(optarg, NULL, 0); break;
		case 'r': nregions = strtol(optarg, NULL, 0); break;
		case 'c': check = true; break;
		case 'L': leave = true; break;
		default:
			fprintf(stderr, "usage: ctrmap-overhead [-n CYCLES] [-w WARMUP] [-r REGIONS] [-c] [-L]\n");
			return 2;
		}
	}
	if (n < 1 || nregions < 1 || nregions > 64 * PER_CHILD ||
	    (leave && n > PER_CHILD))
		return 2;
	i = ctrmap_open(&h);
	if (i)
		die("ctrmap_open", -i);
	i = ctrmap_stats(h, &st);
	if (i)
		die("stats", -i);
	timer.period_ns = st.timer_min_period_ns;
	if (st.regions)
		fprintf(stderr, "ctrmap-overhead: warning: %u regions attached already\n",
			st.regions);

	/* Memory for every region: touched, so the children share nothing. */
	p = mmap(NULL, PER_CHILD * PAGE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		die("mmap", errno);
	memset(p, 0, PER_CHILD * PAGE);

	/* 1. Regions attached at once. */
	ids = calloc(nregions > n ? nregions : n, sizeof(*ids));
	nkids = (nregions + PER_CHILD - 1) / PER_CHILD;
	for (i = 0; i < nkids; i++) {
		kids[i] = fork();
		if (kids[i] < 0)
			die("fork", errno);
		if (!kids[i]) {
			memset(p, 1, PER_CHILD * PAGE);	/* its own pages */
			pause();
			_exit(0);
		}
	}
	cycles(p, 1, NULL);	/* the first attach's one-time costs */
	measure(&m2);
	for (k = 0; k < nregions; k++)
		ids[k] = attach_bind(kids[k / PER_CHILD],
				     (uintptr_t)p + (k % PER_CHILD) * PAGE);
	measure(&m3);
	for (k = 0; k < nregions; k++)
		detach(ids[k]);
	measure(&m4);
	for (i = 0; i < nkids; i++) {
		kill(kids[i], SIGKILL);
		waitpid(kids[i], NULL, 0);
	}
	printf("== %ld regions of 1 page attached at once, a timer bound to each\n",
	       nregions);
	show("before:", &m2);
	show("attached:", &m3);
	show("detached again:", &m4);
	printf("per region: slab %ld bytes, vmap %ld bytes of address space (%ld area(s) per region); meminfo Slab %+ld kB in all\n",
	       (m3.slab - m2.slab) / nregions, (m3.vmap - m2.vmap) / nregions,
	       (m3.nvmap - m2.nvmap) / nregions,
	       m3.meminfo_slab - m2.meminfo_slab);
	printf("slab caches with one object or more per region:\n");
	grown(&m2, &m3, nregions, "  ");

	/* 2. Cycles. */
	printf("== attach, bind timer, add, detach: %ld warm-up cycles, then %ld\n",
	       warmup, n);
	measure(&m0);
	show("start:", &m0);
	cycles(p, warmup, NULL);
	measure(&m0);
	show("after warm-up:", &m0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	cycles(p, n, leave ? ids : NULL);
	printf("%ld cycles in %.1f s\n", n, seconds_since(&t0));
	measure(&m1);
	for (k = 0; leave && k < n; k++)
		detach(ids[k]);
	show("after the cycles:", &m1);
	printf("growth over %ld cycles: slab %+ld bytes (%+.2f per cycle), ctrmap vmap %+ld bytes, meminfo Slab %+ld kB, VmallocUsed %+ld kB\n",
	       n, m1.slab - m0.slab, (double)(m1.slab - m0.slab) / n,
	       m1.vmap - m0.vmap, m1.meminfo_slab - m0.meminfo_slab,
	       m1.vmalloc_used - m0.vmalloc_used);
	printf("slab caches that grew by %ld objects or more:\n", n / 20 + 1);
	most = grown(&m0, &m1, n / 20 + 1, "  ");
	printf("largest growth of one cache: %ld objects\n", most);

	if (check) {
		if (most >= n / 2) {
			printf("FAIL: a slab cache grew by %ld objects in %ld cycles\n",
			       most, n);
			bad = 1;
		}
		if (m1.slab - m0.slab >= 64 * n) {
			printf("FAIL: slab grew by %ld bytes in %ld cycles\n",
			       m1.slab - m0.slab, n);
			bad = 1;
		}
		if (m1.nvmap || m4.nvmap) {
			printf("FAIL: %ld ctrmap vmap area(s) left\n",
			       m1.nvmap + m4.nvmap);
			bad = 1;
		}
		if (m3.nvmap - m2.nvmap != nregions) {
			printf("FAIL: %ld regions attached, %ld ctrmap vmap areas\n",
			       nregions, m3.nvmap - m2.nvmap);
			bad = 1;
		}
		printf("%s\n", bad ? "overhead: FAIL" : "overhead: PASS");
	}
	ctrmap_close(h);
	return bad;
}
