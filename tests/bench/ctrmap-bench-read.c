// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ctrmap-bench-read: what reading a counter costs, with ctrmap and with
 * what a user would pick instead (issue 16, part 1). As root (BPF, perf,
 * tracefs), with ctrmap loadable for the ctrmap figures.
 *
 *   ctrmap-bench-read [-t] [-b BATCHES] [-i IRQ]
 *
 * Figures (group "read", ns per operation):
 *   malloc load          volatile 64-bit load from malloc'd memory: the floor
 *   ctrmap load          the same load, of counter 0 of a region this
 *                        process attached itself (its own page, getpid())
 *   ctrmap snapshot 2/8  ctrmap_snapshot() of counters 0-1 / 0-7: the seq
 *                        protocol, a library call
 *   bpf mmapable array load  the same load, of entry 0 of a BPF array map
 *                        made BPF_F_MMAPABLE with the raw bpf(2) syscall
 *   perf_event read()    read() of a counting irq:irq_handler_entry
 *                        tracepoint event of the CPU the process runs on
 *                        (so read() sends no IPI; the id from tracefs,
 *                        mounted for the look if it is not, as root)
 *   genl GET round trip  ctrmap_get() of that region: one generic netlink
 *                        request and its answer
 *   /proc/interrupts parse  open, read, parse the count of one IRQ summed
 *                        over the CPUs (-i IRQ, default the first numbered
 *                        line), close
 * The three load figures run the same loop (one function), so they carry
 * the same loop overhead; the loads go through a volatile pointer and add
 * up into a volatile sink, so none is hoisted or removed.
 *
 * Each figure runs BATCHES batches (11; 3 with -t) of N operations, N its
 * own, chosen so a batch takes some 20-100 ms on a fast machine (-t: tiny
 * N, about a second in all, for make check). Batch i of every figure runs
 * before batch i+1 of any, so drift hits all alike, after an untimed
 * warm-up (N / 10) of each. The process is pinned to the CPU it starts on.
 * A batch is timed with CLOCK_MONOTONIC; its figure is ns per operation,
 * and each figure is printed as
 *
 *   bench: {"group": "read", "name": ..., "min", "median", "max", ...}
 *
 * over its batches; every other line begins with "# ". A figure that
 * cannot be measured here (no ctrmap module, BPF refused, no tracefs) is
 * "# NAME: skipped: REASON", the others are still measured, and the exit
 * status is 1. 2: a setup error or bad usage.
 */
#define _GNU_SOURCE
#include "bench.h"
#include <ctrmap/ctrmap.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/perf_event.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#define PAGE 4096UL
#define MAX_BATCHES 101
#define TRACEFS "/sys/kernel/tracing"

struct figure {
	struct bench_fig fig;	/* .method: what one operation is */
	const char *op;		/* its name in "ns per OP" */
	long n, tiny_n;		/* operations per batch */
	const char *(*setup)(void);	/* NULL, or why it cannot be measured */
	void (*run)(long n);
};

static volatile uint64_t sink;
static int cpu;

static const volatile uint64_t *malloc_p, *ctrmap_p, *bpf_p;
static void *region;
static struct ctrmap_handle *h;
static uint32_t region_id;
static int perf_fd;
static char *pi_buf, pi_key[24];
static size_t pi_size = 1 << 16;
static int pi_ncpus;
static long pi_irq = -1;

static void die(const char *what, int err)
{
	fprintf(stderr, "ctrmap-bench-read: %s: %s\n", what, strerror(err));
	exit(2);
}

/* Why a figure cannot be measured: "WHAT: MESSAGE". */
static const char *skip(const char *what, const char *msg)
{
	char *s;

	if (asprintf(&s, "%s: %s", what, msg) < 0)
		die("asprintf", ENOMEM);
	return s;
}

/* The loop of every load figure. */
static __attribute__((noinline)) void load_loop(const volatile uint64_t *p,
						long n)
{
	uint64_t sum = 0;
	long i;

	for (i = 0; i < n; i++)
		sum += *p;
	sink += sum;
}

/* malloc load */

static const char *setup_malloc(void)
{
	uint64_t *p = malloc(PAGE);

	if (!p)
		die("malloc", ENOMEM);
	memset(p, 0, PAGE);
	p[8] = 1;
	malloc_p = &p[8];
	return NULL;
}

static void run_malloc(long n)
{
	load_loop(malloc_p, n);
}

/* ctrmap: one page of this process's, attached once for every figure. */

static const char *setup_ctrmap(void)
{
	CTRMAP_OPTS(ctrmap_attach_reply, r);
	static bool done;
	static const char *why;
	const struct ctrmap_header *hdr;
	int err;

	if (done)
		return why;
	done = true;
	region = aligned_alloc(PAGE, PAGE);
	if (!region)
		die("aligned_alloc", ENOMEM);
	memset(region, 0, PAGE);
	err = ctrmap_open(&h);
	if (err == -ENOENT)
		return why = "no ctrmap module (no generic netlink family ctrmap)";
	if (err)
		return why = skip("ctrmap_open", strerror(-err));
	err = ctrmap_attach(h, getpid(), (uintptr_t)region, PAGE, &r);
	if (err)
		return why = skip("attach", ctrmap_errmsg(h)[0] ?
				  ctrmap_errmsg(h) : strerror(-err));
	err = ctrmap_region_check(region, PAGE);
	if (err)
		die("region header", -err);
	err = ctrmap_add(h, r.id, 0, 1);
	if (err)
		die("ctrmap_add", -err);
	hdr = region;
	ctrmap_p = (const volatile uint64_t *)((char *)region + hdr->hdr_size);
	region_id = r.id;
	printf("# ctrmap: region %u, %u counters, attached by pid %d\n",
	       r.id, r.ncounters, getpid());
	return NULL;
}

static void run_ctrmap(long n)
{
	load_loop(ctrmap_p, n);
}

static void snapshot_loop(unsigned int k, long n)
{
	uint64_t c[8], sum = 0;
	long i;

	for (i = 0; i < n; i++) {
		if (ctrmap_snapshot(region, 0, k, c))
			die("ctrmap_snapshot", EBUSY);
		sum += c[0] + c[k - 1];
	}
	sink += sum;
}

static void run_snapshot2(long n)
{
	snapshot_loop(2, n);
}

static void run_snapshot8(long n)
{
	snapshot_loop(8, n);
}

static int get_cb(const struct ctrmap_region_info *r, void *arg)
{
	*(uint64_t *)arg += r->ncounters;
	return 0;
}

static void run_get(long n)
{
	uint64_t sum = 0;
	long i;
	int err;

	for (i = 0; i < n; i++) {
		err = ctrmap_get(h, region_id, 0, get_cb, &sum);
		if (err)
			die("ctrmap_get", -err);
	}
	sink += sum;
}

/* bpf mmapable array load */

static const char *setup_bpf(void)
{
	union bpf_attr attr;
	void *p;
	int fd;

	memset(&attr, 0, sizeof(attr));
	attr.map_type = BPF_MAP_TYPE_ARRAY;
	attr.key_size = 4;
	attr.value_size = 8;
	attr.max_entries = PAGE / 8;
	attr.map_flags = BPF_F_MMAPABLE;
	fd = syscall(__NR_bpf, BPF_MAP_CREATE, &attr, sizeof(attr));
	if (fd < 0)
		return skip("BPF_MAP_CREATE", strerror(errno));
	p = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return skip("mmap of the BPF map", strerror(errno));
	bpf_p = p;
	return NULL;
}

static void run_bpf(long n)
{
	load_loop(bpf_p, n);
}

/* perf_event read() */

static long tracepoint_id(void)
{
	static const char *const paths[] = {
		TRACEFS "/events/irq/irq_handler_entry/id",
		"/sys/kernel/debug/tracing/events/irq/irq_handler_entry/id",
	};
	long id = -1;
	unsigned int i;
	FILE *f;

	for (i = 0; i < sizeof(paths) / sizeof(paths[0]) && id < 0; i++) {
		f = fopen(paths[i], "r");
		if (!f)
			continue;
		if (fscanf(f, "%ld", &id) != 1)
			id = -1;
		fclose(f);
	}
	return id;
}

static const char *setup_perf(void)
{
	struct perf_event_attr attr;
	long id = tracepoint_id();

	/* Nothing mounted: mount tracefs for the id, and leave as found. */
	if (id < 0) {
		if (mount("tracefs", TRACEFS, "tracefs", 0, NULL))
			return skip("no tracefs mounted, and mount of " TRACEFS,
				    strerror(errno));
		id = tracepoint_id();
		if (umount2(TRACEFS, MNT_DETACH))
			printf("# perf: tracefs stays mounted on " TRACEFS ": %s\n",
			       strerror(errno));
	}
	if (id < 0)
		return "no events/irq/irq_handler_entry/id in tracefs";
	memset(&attr, 0, sizeof(attr));
	attr.type = PERF_TYPE_TRACEPOINT;
	attr.size = sizeof(attr);
	attr.config = id;
	perf_fd = syscall(__NR_perf_event_open, &attr, -1, cpu, -1,
			  PERF_FLAG_FD_CLOEXEC);
	if (perf_fd < 0)
		return skip("perf_event_open", strerror(errno));
	printf("# perf: irq:irq_handler_entry (tracepoint %ld) counted on CPU %d\n",
	       id, cpu);
	return NULL;
}

static void run_perf(long n)
{
	uint64_t v, sum = 0;
	long i;

	for (i = 0; i < n; i++) {
		if (read(perf_fd, &v, sizeof(v)) != sizeof(v))
			die("read of the perf event", errno);
		sum += v;
	}
	sink += sum;
}

/* /proc/interrupts parse */

/* The whole file in pi_buf; false if it did not fit. */
static bool read_interrupts(void)
{
	size_t len = 0;
	ssize_t r;
	int fd;

	fd = open("/proc/interrupts", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die("/proc/interrupts", errno);
	while ((r = read(fd, pi_buf + len, pi_size - 1 - len)) > 0)
		len += r;
	if (r < 0)
		die("read of /proc/interrupts", errno);
	close(fd);
	pi_buf[len] = 0;
	return len < pi_size - 1;
}

/* The count of the IRQ of pi_key over every CPU; -1 if it has no line. */
static long long irq_total(void)
{
	size_t klen = strlen(pi_key);
	const char *line;
	long long sum = 0;
	char *p;
	int i;

	for (line = pi_buf; line; line = strchr(line, '\n')) {
		line += strspn(line, "\n ");
		if (strncmp(line, pi_key, klen))
			continue;
		p = (char *)line + klen;
		for (i = 0; i < pi_ncpus; i++)
			sum += strtoll(p, &p, 10);
		return sum;
	}
	return -1;
}

/* The first numbered IRQ's line (the lines after the header), or -1. */
static long first_irq(void)
{
	const char *p = pi_buf;

	while ((p = strchr(p, '\n'))) {
		p += 1 + strspn(p + 1, " ");
		if (*p >= '0' && *p <= '9')
			return strtol(p, NULL, 10);
	}
	return -1;
}

static const char *setup_interrupts(void)
{
	const char *p, *nl;

	do {
		free(pi_buf);
		pi_size *= 2;
		pi_buf = malloc(pi_size);
		if (!pi_buf)
			die("malloc", ENOMEM);
	} while (!read_interrupts());
	pi_size *= 2;	/* room to grow while it runs */
	pi_buf = realloc(pi_buf, pi_size);
	if (!pi_buf)
		die("realloc", ENOMEM);
	/* The header names the CPUs, one column each. */
	nl = strchr(pi_buf, '\n');
	for (p = pi_buf; nl && (p = strstr(p, "CPU")) && p < nl; p += 3)
		pi_ncpus++;
	if (pi_irq < 0)
		pi_irq = first_irq();
	if (pi_irq < 0 || !pi_ncpus)
		return "no numbered IRQ in /proc/interrupts";
	snprintf(pi_key, sizeof(pi_key), "%ld:", pi_irq);
	if (irq_total() < 0) {
		fprintf(stderr, "ctrmap-bench-read: no IRQ %ld in /proc/interrupts\n",
			pi_irq);
		exit(2);
	}
	printf("# /proc/interrupts: IRQ %ld, %lld interrupts over %d CPUs, %zu bytes\n",
	       pi_irq, irq_total(), pi_ncpus, strlen(pi_buf));
	return NULL;
}

static void run_interrupts(long n)
{
	long long sum = 0;
	long i;

	for (i = 0; i < n; i++) {
		if (!read_interrupts())
			die("/proc/interrupts", EFBIG);
		sum += irq_total();
	}
	sink += sum;
}

#define FIGURE(NAME, REF, METHOD, OP, N, TINY_N, SETUP, RUN)		\
	{ .fig = BENCH_FIG("read", NAME, "ns", REF, METHOD), .op = OP,	\
	  .n = N, .tiny_n = TINY_N, .setup = SETUP, .run = RUN }

static struct figure figures[] = {
	FIGURE("malloc load", NULL,
	       "volatile 64-bit load from malloc'd memory in a loop (loop overhead included, as in every load figure)",
	       "load", 100000000, 200000, setup_malloc, run_malloc),
	FIGURE("ctrmap load", "malloc load",
	       "volatile 64-bit load of counter 0 of a region the program attached itself, in a loop",
	       "load", 100000000, 200000, setup_ctrmap, run_ctrmap),
	FIGURE("ctrmap snapshot 2", "malloc load",
	       "ctrmap_snapshot() of counters 0-1 (seq protocol, a library call) in a loop",
	       "snapshot", 10000000, 40000, setup_ctrmap, run_snapshot2),
	FIGURE("ctrmap snapshot 8", "malloc load",
	       "ctrmap_snapshot() of counters 0-7 (seq protocol, a library call) in a loop",
	       "snapshot", 10000000, 40000, setup_ctrmap, run_snapshot8),
	FIGURE("bpf mmapable array load", "malloc load",
	       "volatile 64-bit load of entry 0 of a BPF_F_MMAPABLE array map (raw bpf(2)), mmapped, in a loop",
	       "load", 100000000, 200000, setup_bpf, run_bpf),
	FIGURE("perf_event read()", "ctrmap load",
	       "read() of the count of an irq:irq_handler_entry tracepoint event of the CPU the program is pinned to (no IPI)",
	       "read", 50000, 1000, setup_perf, run_perf),
	FIGURE("genl GET round trip", "ctrmap load",
	       "ctrmap_get() of the program's one region (generic netlink request and answer)",
	       "call", 5000, 100, setup_ctrmap, run_get),
	FIGURE("/proc/interrupts parse", "ctrmap load",
	       "open, read, parse (one IRQ's count summed over the CPUs), close of /proc/interrupts",
	       "parse", 1000, 20, setup_interrupts, run_interrupts),
};

#define NFIGURES (sizeof(figures) / sizeof(figures[0]))

/* The figure's line, its method completed with N, OP and the batches. */
static void report(struct figure *f, int batches)
{
	const char *what = f->fig.method;
	char *method;

	if (asprintf(&method, "%s, %ld per batch; ns per %s, median of %d batches",
		     what, f->n, f->op, batches) < 0)
		die("asprintf", ENOMEM);
	f->fig.method = method;
	bench_print(stdout, &f->fig);
	f->fig.method = what;
	free(method);
}

/* Pin to the CPU we run on: perf reads that CPU's event without an IPI. */
static void pin(void)
{
	cpu_set_t set;

	cpu = sched_getcpu();
	if (cpu < 0)
		die("sched_getcpu", errno);
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		die("sched_setaffinity", errno);
}

/* A decimal number, or -2. */
static long number(const char *s)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	return errno || end == s || *end || v < 0 ? -2 : v;
}

static void usage(void)
{
	fprintf(stderr, "usage: ctrmap-bench-read [-t] [-b BATCHES (1-%d)] [-i IRQ]\n",
		MAX_BATCHES);
	exit(2);
}

int main(int argc, char **argv)
{
	int opt, batches = -1, b, status = 0;
	bool tiny = false;
	struct utsname u;
	const char *why;
	struct figure *f;
	double t0;

	while ((opt = getopt(argc, argv, "tb:i:")) != -1) {
		switch (opt) {
		case 't': tiny = true; break;
		case 'b': batches = number(optarg); break;
		case 'i': pi_irq = number(optarg); break;
		default: usage();
		}
	}
	if (batches < 0)
		batches = tiny ? 3 : 11;
	if (optind < argc || batches < 1 || batches > MAX_BATCHES || pi_irq < -1)
		usage();
	setvbuf(stdout, NULL, _IOLBF, 0);
	pin();
	uname(&u);
	printf("# kernel %s %s, pinned to CPU %d, %d batches%s\n", u.release,
	       u.machine, cpu, batches, tiny ? " (tiny)" : "");

	for (f = figures; f < figures + NFIGURES; f++) {
		if (tiny)
			f->n = f->tiny_n;
		why = f->setup();
		if (why) {
			bench_skip(&f->fig, "%s", why);
			bench_print(stdout, &f->fig);	/* its line now */
			status = 1;
			continue;
		}
		f->run(f->n / 10 + 1);	/* warm-up */
	}
	for (b = 0; b < batches; b++)
		for (f = figures; f < figures + NFIGURES; f++) {
			if (f->fig.skipped)
				continue;
			t0 = bench_now();
			f->run(f->n);
			bench_add(&f->fig, (bench_now() - t0) * 1e9 / f->n);
		}
	for (f = figures; f < figures + NFIGURES; f++) {
		if (!f->fig.skipped)
			report(f, batches);
		bench_free(&f->fig);
	}
	printf("# sink %llu\n", (unsigned long long)sink);
	ctrmap_close(h);	/* the region goes with the process */
	return status;
}
