// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ctrmap-bench-scale: many regions (group "scale"). As root, in a guest
 * with ctrmap loaded with limits that allow REGIONS regions of one page,
 * PER_PROC a process (tests/bench/in-guest loads it so).
 *
 *   ctrmap-bench-scale [-t] [-r REGIONS] [-p PROCS]
 *
 * PROCS child processes hold REGIONS/PROCS pages each; region i is page
 * i / PROCS of process i % PROCS, so every process gains regions as the
 * count grows.
 *   attach   one region per process first (a process's first ATTACH
 *            also registers its mm's notifier), then the rest in blocks
 *            of REGIONS/40: microseconds per ATTACH in each block, against
 *            the regions attached so far
 *            (a "series:" line, plotted; flat is right), and the first
 *            and last tenth as figures
 *   dump     a full GET dump (ctrmap_list) with REGIONS regions, median
 *            of 5
 *   memory   /proc/meminfo's Slab grown per region, and ctrmap's vmap
 *            address space per region (/proc/vmallocinfo)
 *   teardown every process killed at once, until STATS counts no region
 *            (deferred work unpins each): milliseconds against REGIONS/8,
 *            /4, /2 and REGIONS regions (a "series:" line; linear is
 *            right), and microseconds per region at the smallest and the
 *            largest count as figures
 * Pins taken and given back must balance over the run.
 */
#define _GNU_SOURCE
#include "bench.h"
#include <ctrmap/ctrmap.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGE 4096UL

static struct ctrmap_handle *h;
static long nregions = 10000, nprocs = 100, per_proc;
static pid_t *kids;
static char *mem;


/* /proc/meminfo's Slab, in kB. */
static long slab_kb(void)
{
	char line[256];
	long v = 0;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		bench_die("/proc/meminfo", errno);
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Slab: %ld", &v) == 1)
			break;
	fclose(f);
	return v;
}

/* Bytes of ctrmap's areas in /proc/vmallocinfo (VmallocUsed has no vmap()). */
static long vmap_bytes(void)
{
	char line[512];
	long v, sum = 0;
	FILE *f = fopen("/proc/vmallocinfo", "r");

	if (!f)
		bench_die("/proc/vmallocinfo", errno);
	while (fgets(line, sizeof(line), f))
		if (strstr(line, "ctrmap") && sscanf(line, "%*s %ld", &v) == 1)
			sum += v;
	fclose(f);
	return sum;
}

static void start_kids(void)
{
	long k;

	for (k = 0; k < nprocs; k++) {
		kids[k] = fork();
		if (kids[k] < 0)
			bench_die("fork", errno);
		if (!kids[k]) {
			memset(mem, 1, per_proc * PAGE);	/* its own pages */
			pause();
			_exit(0);
		}
	}
	usleep(100000);	/* their pages written before we pin them */
}

static uint32_t attach(long i)
{
	CTRMAP_OPTS(ctrmap_attach_reply, r);
	int err;

	err = ctrmap_attach(h, kids[i % nprocs],
			    (uintptr_t)mem + (i / nprocs) * PAGE, PAGE, &r);
	if (err)
		bench_die(ctrmap_errmsg(h) ? ctrmap_errmsg(h) : "attach", -err);
	return r.id;
}

static unsigned int regions_now(void)
{
	CTRMAP_OPTS(ctrmap_stats, st);
	int err = ctrmap_stats(h, &st);

	if (err)
		bench_die("stats", -err);
	return st.regions;
}

/* Kills every child; the milliseconds until no region is left. */
static double teardown(void)
{
	double t0 = bench_now(), t;
	long k;

	for (k = 0; k < nprocs; k++)
		kill(kids[k], SIGKILL);
	for (k = 0; k < nprocs; k++)
		waitpid(kids[k], NULL, 0);
	while (regions_now()) {
		if (bench_now() - t0 > 120)
			bench_die("teardown", ETIMEDOUT);
		usleep(1000);
	}
	t = bench_now();
	return (t - t0) * 1e3;
}

static int count_region(const struct ctrmap_region_info *r, void *arg)
{
	(void)r;
	(*(long *)arg)++;
	return 0;
}

int main(int argc, char **argv)
{
	struct bench_fig first = BENCH_FIG("scale", "attach, first tenth", "us", NULL,
		"ATTACH of one page of one of the processes, timed per block; us per ATTACH, median over the blocks of the first tenth of the regions");
	struct bench_fig last = BENCH_FIG("scale", "attach, last tenth", "us", "attach, first tenth",
		"as the first tenth, over the blocks of the last tenth: flat growth is a ratio near 1");
	struct bench_fig dump = BENCH_FIG("scale", "GET dump of every region", "ms", NULL,
		"ctrmap_list() of all the regions (a full generic netlink dump), median of 5");
	struct bench_fig mem_fig = BENCH_FIG("scale", "slab per region", "bytes", NULL,
		"/proc/meminfo Slab grown over all the regions, per region (a one-page region, no binding)");
	struct bench_fig vmap_fig = BENCH_FIG("scale", "vmalloc address space per region", "bytes", NULL,
		"ctrmap's areas in /proc/vmallocinfo, per region: the user's pinned page mapped again and a guard page, no memory of its own");
	struct bench_fig td_small = BENCH_FIG("scale", "teardown per region, fewest", "us", NULL,
		"every process killed at once until STATS counts no region, per region, at the smallest count");
	struct bench_fig td_large = BENCH_FIG("scale", "teardown per region, most", "us",
		"teardown per region, fewest", "as the fewest, at the largest count: linear teardown is a ratio near 1");
	long block, i, n, a0, r0, a1, r1, kb0, vm0, listed;
	int opt, j, err, steps[4] = { 8, 4, 2, 1 };
	double t0, ms;

	while ((opt = getopt(argc, argv, "tr:p:")) != -1) {
		switch (opt) {
		case 't': nregions = 80; nprocs = 4; break;
		case 'r': nregions = strtol(optarg, NULL, 0); break;
		case 'p': nprocs = strtol(optarg, NULL, 0); break;
		default:
			fprintf(stderr, "usage: ctrmap-bench-scale [-t] [-r REGIONS] [-p PROCS]\n");
			return 2;
		}
	}
	if (nprocs < 1 || nregions < 40 || nregions % nprocs)
		return 2;
	per_proc = nregions / nprocs;
	block = nregions / 40;
	kids = calloc(nprocs, sizeof(*kids));
	mem = mmap(NULL, per_proc * PAGE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!kids || mem == MAP_FAILED)
		bench_die("memory", ENOMEM);
	err = ctrmap_open(&h);
	if (err)
		bench_die("ctrmap_open", -err);
	if (regions_now())
		bench_die("regions attached already", EBUSY);
	bench_pins(&a0, &r0);
	printf("# %ld regions of one page over %ld processes\n", nregions, nprocs);

	/* Attach time as the count grows, dump and memory at the top. */
	start_kids();
	kb0 = slab_kb();
	vm0 = vmap_bytes();
	/* Each process's first region (its mm's notifier) before timing. */
	for (i = 0; i < nprocs; i++)
		attach(i);
	printf("series: {\"name\": \"attach\", \"x\": \"regions attached\", \"y\": \"us per ATTACH\", \"points\": [");
	for (i = nprocs; i + block <= nregions; i += block) {
		t0 = bench_now();
		for (n = i; n < i + block; n++)
			attach(n);
		ms = (bench_now() - t0) * 1e6 / block;
		printf("%s[%ld, %.4g]", i > nprocs ? ", " : "", i + block, ms);
		if (i < nregions / 10)
			bench_add(&first, ms);
		else if (i >= nregions - nregions / 10)
			bench_add(&last, ms);
	}
	printf("]}\n");
	for (; i < nregions; i++)	/* what is left of a block */
		attach(i);
	usleep(300000);
	bench_add(&mem_fig, (slab_kb() - kb0) * 1024.0 / nregions);
	bench_add(&vmap_fig, (double)(vmap_bytes() - vm0) / nregions);
	for (j = 0; j < 5; j++) {
		listed = 0;
		t0 = bench_now();
		err = ctrmap_list(h, 0, 0, count_region, &listed);
		if (err)
			bench_die("list", -err);
		bench_add(&dump, (bench_now() - t0) * 1e3);
		if (listed != nregions)
			bench_die("list: not every region listed", EPROTO);
	}
	ms = teardown();
	printf("# %ld regions torn down in %.1f ms\n", nregions, ms);

	/* Teardown against the count. */
	printf("series: {\"name\": \"teardown\", \"x\": \"regions\", \"y\": \"ms until none is left\", \"points\": [");
	for (j = 0; j < 4; j++) {
		n = nregions / steps[j] / nprocs * nprocs;
		start_kids();
		for (i = 0; i < n; i++)
			attach(i);
		ms = teardown();
		printf("%s[%ld, %.4g]", j ? ", " : "", n, ms);
		bench_add(j ? &td_large : &td_small, ms * 1e3 / n);
		if (j && j < 3)
			bench_free(&td_large);	/* the largest count only */
	}
	printf("]}\n");

	bench_pins(&a1, &r1);
	printf("# pins: %ld taken, %ld given back\n", a1 - a0, r1 - r0);
	if (a1 - a0 != r1 - r0 || a1 - a0 < nregions) {
		printf("# FAIL: pins do not balance\n");
		return 1;
	}
	bench_print(stdout, &first);
	bench_print(stdout, &last);
	bench_print(stdout, &dump);
	bench_print(stdout, &mem_fig);
	bench_print(stdout, &vmap_fig);
	bench_print(stdout, &td_small);
	bench_print(stdout, &td_large);
	ctrmap_close(h);
	return 0;
}
