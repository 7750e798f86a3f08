// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ctrmap-bench-attach: what an ATTACH + DETACH round trip costs, against
 * io_uring's buffer registration, the in-tree long-term pinner closest to
 * it (both pin with FOLL_LONGTERM). Group "attach" of make bench; as root,
 * in a guest with ctrmap loaded for the ctrmap figures.
 *
 *   ctrmap-bench-attach [-t] [-b BATCHES]
 *
 * For P = 1, 16, 256 and the module's max_region_pages (ctrmap_stats();
 * once if it is one of the others; sizes above it are left out):
 *   ctrmap attach+detach P pages         ctrmap_attach() of P pages of this
 *                                        process's memory, ctrmap_detach()
 *   io_uring register+unregister P pages io_uring_register_buffers() of the
 *                                        same P pages as one iovec, then
 *                                        io_uring_unregister_buffers(), on
 *                                        one ring set up once
 * Both use the start of one private anonymous mapping of the largest size,
 * touched first, so both pin present pages at the same addresses.
 *
 * Each figure is first warmed up and its N chosen so that a batch of N
 * round trips takes about 100 ms here (10 ms and N <= 100 with -t). Then
 * BATCHES batches (default 11; 3 with -t) of each, batch i of every figure
 * before batch i + 1 of any, so that drift hits all alike; a batch is
 * timed with CLOCK_MONOTONIC and gives us per round trip. Each figure is
 * printed as "bench: " and one JSON object (min, median, max over the
 * batches); every other line begins with "# ". Afterwards
 * /proc/vmstat's nr_foll_pin_acquired and nr_foll_pin_released must have
 * moved alike (after a write to /proc/sys/vm/stat_refresh): every pin
 * taken was released.
 *
 * -t is the tiny run of make check: P = 1 and 16, and the maximum if it
 * is 64 pages or less. Exit status 0 if every figure was measured, 1 if one
 * was skipped (no module, io_uring refused: "# NAME: skipped: why") or the
 * pins do not balance, 2 for a setup error.
 */
#define _GNU_SOURCE
#include "bench.h"
#include <ctrmap/ctrmap.h>
#include <errno.h>
#include <liburing.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/uio.h>
#include <unistd.h>

#define MAX_BATCHES 101
#define MAX_FIGS 8
#define TINY_MAX_PAGES 64

enum kind { CTRMAP, URING };

struct fig {
	struct bench_fig fig;	/* per batch: us per round trip */
	enum kind kind;
	unsigned long pages;
	long n;			/* round trips per batch */
	char name[64];
};

static struct fig figs[MAX_FIGS];
static int nfigs;
static struct ctrmap_handle *h;
static struct io_uring ring;
static unsigned long page;
static pid_t self;
static char *mem;

static void die(const char *what, int err)
{
	fprintf(stderr, "ctrmap-bench-attach: %s: %s\n", what, strerror(err));
	exit(2);
}

static int ctrmap_pair(unsigned long pages)
{
	CTRMAP_OPTS(ctrmap_attach_reply, r);
	int err;

	err = ctrmap_attach(h, self, (uintptr_t)mem, pages * page, &r);
	if (err)
		return err;
	return ctrmap_detach(h, r.id);
}

static int uring_pair(unsigned long pages)
{
	struct iovec iov = { .iov_base = mem, .iov_len = pages * page };
	int err;

	err = io_uring_register_buffers(&ring, &iov, 1);
	if (err)
		return err;
	return io_uring_unregister_buffers(&ring);
}

/* n round trips of f; *s is the time they took in seconds. */
static int run(struct fig *f, long n, double *s)
{
	double t0 = bench_now();
	long i;
	int err = 0;

	for (i = 0; i < n && !err; i++)
		err = f->kind == CTRMAP ? ctrmap_pair(f->pages) :
					  uring_pair(f->pages);
	*s = bench_now() - t0;
	return err;
}

static void fail(struct fig *f, const char *what, int err)
{
	const char *msg = f->kind == CTRMAP && h ? ctrmap_errmsg(h) : "";

	bench_skip(&f->fig, "%s: %s%s%s", what, strerror(-err),
		   *msg ? ": " : "", msg);
}

/*
 * Warm up: one round trip, then 1, 2, 4... until a run takes a tenth of
 * @target s; N is what the fastest run's pace does in @target s (a hiccup
 * only slows a run down).
 */
static void calibrate(struct fig *f, double target, long max_n)
{
	double s, best = 0;
	long k;
	int err;

	err = run(f, 1, &s);
	for (k = 1; !err; k *= 2) {
		err = run(f, k, &s);
		if (!err && (!best || s / k < best))
			best = s / k;
		if (s >= target / 10 || k >= max_n)
			break;
	}
	if (err) {
		fail(f, "warm-up", err);
		return;
	}
	f->n = best > 0 ? target / best : max_n;
	if (f->n > max_n)
		f->n = max_n;
	if (f->n < 1)
		f->n = 1;
}

static void add_fig(enum kind kind, unsigned long pages, const char *skip)
{
	struct fig *f = &figs[nfigs++];

	f->kind = kind;
	f->pages = pages;
	snprintf(f->name, sizeof(f->name), "%s %lu pages",
		 kind == CTRMAP ? "ctrmap attach+detach" :
				  "io_uring register+unregister", pages);
	f->fig = (struct bench_fig)BENCH_FIG("attach", f->name, "us", NULL, NULL);
	if (*skip)
		bench_skip(&f->fig, "%s", skip);
}

/* Raise RLIMIT_MEMLOCK as far as allowed; the pins are charged to it. */
static void raise_memlock(unsigned long most)
{
	struct rlimit rl = { RLIM_INFINITY, RLIM_INFINITY };

	if (setrlimit(RLIMIT_MEMLOCK, &rl) && !getrlimit(RLIMIT_MEMLOCK, &rl)) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_MEMLOCK, &rl);
	}
	if (getrlimit(RLIMIT_MEMLOCK, &rl))
		die("getrlimit", errno);
	if (rl.rlim_cur == RLIM_INFINITY)
		printf("# RLIMIT_MEMLOCK raised to unlimited");
	else
		printf("# RLIMIT_MEMLOCK raised as far as allowed: %llu kB",
		       (unsigned long long)rl.rlim_cur / 1024);
	printf(" (ATTACH and io_uring charge it unless the caller has CAP_IPC_LOCK, as root does; at most %lu kB is pinned at a time)\n",
	       most * page / 1024);
}

/* Its line, or why it was skipped; @f's reference is the next figure. */
static void print_fig(struct fig *f, int batches)
{
	const struct fig *ref = f->kind == CTRMAP ? f + 1 : NULL;	/* add_fig order */
	char *method = NULL;
	int len;

	if (f->kind == CTRMAP)
		len = asprintf(&method, "ATTACH of %lu present pages of the caller's own memory, then DETACH, through libctrmap; us per pair, median of %d batches of %ld pairs",
			       f->pages, batches, f->n);
	else
		len = asprintf(&method, "io_uring_register_buffers() of the same %lu present pages as one iovec, then io_uring_unregister_buffers(), on one ring (liburing); us per pair, median of %d batches of %ld pairs",
			       f->pages, batches, f->n);
	if (len < 0)
		die("asprintf", ENOMEM);
	f->fig.method = method;
	f->fig.reference = ref ? bench_ref(&ref->fig) : NULL;
	bench_print(stdout, &f->fig);
	f->fig.method = NULL;
	free(method);
}

int main(int argc, char **argv)
{
	unsigned long sizes[4] = { 1, 16, 256 }, maxp = 0, most = 0;
	char no_ctrmap[160] = "", no_uring[160] = "";
	CTRMAP_OPTS(ctrmap_stats, st);
	int opt, err, i, b, nsizes = 3, batches = 11, bad = 0;
	long acq0, rel0, acq1, rel1, max_n = 1000000;
	double target = 0.1, s;
	bool tiny = false, exact;

	while ((opt = getopt(argc, argv, "tb:")) != -1) {
		switch (opt) {
		case 't': tiny = true; break;
		case 'b': batches = strtol(optarg, NULL, 0); break;
		default:
			fprintf(stderr, "usage: ctrmap-bench-attach [-t] [-b BATCHES]\n");
			return 2;
		}
	}
	if (tiny) {
		nsizes = 2;
		target = 0.01;
		max_n = 100;
		if (batches == 11)
			batches = 3;
	}
	if (batches < 1 || batches > MAX_BATCHES)
		return 2;
	page = sysconf(_SC_PAGESIZE);
	self = getpid();

	err = ctrmap_open(&h);
	if (!err)
		err = ctrmap_stats(h, &st);
	if (err)
		snprintf(no_ctrmap, sizeof(no_ctrmap), "%s: %s%s",
			 h ? "ctrmap_stats" : "ctrmap_open", strerror(-err),
			 err == -ENOENT ? " (no ctrmap module)" : "");
	else
		maxp = st.max_region_pages;
	err = io_uring_queue_init(4, &ring, 0);
	if (err)
		snprintf(no_uring, sizeof(no_uring), "io_uring_queue_init: %s",
			 strerror(-err));

	/* The sizes: those the module allows, and its maximum once. */
	if (!maxp)
		printf("# max_region_pages unknown without the module: %s\n",
		       no_ctrmap);
	for (i = 0; i < nsizes && (!maxp || sizes[i] < maxp); i++)
		;
	if (i < nsizes && sizes[i] == maxp)
		printf("# max_region_pages is %lu: measured once\n", maxp);
	else if (i < nsizes)
		printf("# %lu pages and more: above max_region_pages (%lu), left out\n",
		       sizes[i], maxp);
	nsizes = i;
	if (maxp && tiny && maxp > TINY_MAX_PAGES)
		printf("# max_region_pages is %lu: left out of the tiny run\n",
		       maxp);
	else if (maxp)
		sizes[nsizes++] = maxp;
	for (i = 0; i < nsizes; i++) {
		add_fig(CTRMAP, sizes[i], no_ctrmap);
		add_fig(URING, sizes[i], no_uring);
		if (sizes[i] > most)
			most = sizes[i];
	}

	raise_memlock(most);
	mem = mmap(NULL, most * page, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		die("mmap", errno);
	memset(mem, 1, most * page);

	bench_pins(&acq0, &rel0);
	for (i = 0; i < nfigs; i++) {
		if (figs[i].fig.skipped)
			continue;
		calibrate(&figs[i], target, max_n);
		if (!figs[i].fig.skipped)
			printf("# %s: %ld pairs per batch\n", figs[i].name,
			       figs[i].n);
	}
	for (b = 0; b < batches; b++) {
		for (i = 0; i < nfigs; i++) {
			struct fig *f = &figs[i];

			if (f->fig.skipped)
				continue;
			err = run(f, f->n, &s);
			if (err)
				fail(f, "measuring", err);
			else
				bench_add(&f->fig, s * 1e6 / f->n);
		}
	}
	exact = bench_pins(&acq1, &rel1);

	for (i = 0; i < nfigs; i++) {
		print_fig(&figs[i], batches);
		bad |= !!figs[i].fig.skipped;
	}
	if (acq0 < 0 || rel0 < 0) {
		printf("# /proc/vmstat has no nr_foll_pin_*: pins not checked\n");
	} else if (acq1 - acq0 == rel1 - rel0) {
		printf("# pins balance: nr_foll_pin_acquired and nr_foll_pin_released both +%ld%s\n",
		       acq1 - acq0, exact ? "" : " (without stat_refresh)");
	} else {
		printf("# %s: nr_foll_pin_acquired +%ld, nr_foll_pin_released +%ld%s\n",
		       exact ? "error: pins do not balance" : "warning: pins seem not to balance",
		       acq1 - acq0, rel1 - rel0,
		       exact ? "" : " (without stat_refresh: per-CPU counts not folded)");
		bad |= exact;
	}
	if (!*no_uring)
		io_uring_queue_exit(&ring);
	for (i = 0; i < nfigs; i++)
		bench_free(&figs[i].fig);
	ctrmap_close(h);
	return bad;
}
