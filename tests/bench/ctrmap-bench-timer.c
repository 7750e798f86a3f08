// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ctrmap-bench-timer: what one expiry of the timer: source costs the CPU
 * it fires on, against a bare hard hrtimer that does nothing but rearm
 * (group "timer"). As root, in a guest with ctrmap (timer_min_period_ns
 * at or below PERIOD) and ctrmap_test_update loaded (tests/bench/in-guest
 * runs it).
 *
 *   ctrmap-bench-timer [-t] [-b BATCHES] [-p PERIOD_NS] [-d SECONDS]
 *
 * The program pins itself to the last CPU and spins on a fixed amount of
 * work, counting the work done in SECONDS, in three states per batch:
 *   none    no timer of ours
 *   bare    ctrmap_test_update's hrtimer, period PERIOD, pinned here
 *   ctrmap  a counter of a region of ours bound to timer:PERIOD, bound
 *           from this CPU (the source's hrtimer runs where it started)
 * Each timer takes the spinner's CPU away for its interrupt and its
 * callback. What a state costs an expiry is the share of the spinner's
 * work it lost against "none" in the same batch, divided by the extra
 * local timer interrupts this CPU took in that time (LOC in
 * /proc/interrupts: the kernel's count, not ours):
 *   (1 - work_state / work_none) * SECONDS / (LOC_state - LOC_none)
 * Interrupt entry and exit are in both figures alike; the difference is
 * the callback. PERIOD (200 us) leaves the spinner most of its CPU under
 * TCG, where an expiry costs some 20 us: at 20 us the timers took it all.
 */
#define _GNU_SOURCE
#include "bench.h"
#include <ctrmap/ctrmap.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define BARE "/sys/kernel/debug/ctrmap_test_update/hrtimer"
#define PAGE 4096UL

static int cpu;


/* This CPU's local timer interrupts so far (the LOC line). */
static uint64_t loc_count(void)
{
	char line[4096];
	uint64_t v = 0;
	FILE *f = fopen("/proc/interrupts", "r");
	char *p, *end;
	int i;

	if (!f)
		bench_die("/proc/interrupts", errno);
	while (fgets(line, sizeof(line), f)) {
		p = line + strspn(line, " ");
		if (strncmp(p, "LOC:", 4))
			continue;
		p += 4;
		for (i = 0; i <= cpu; i++) {
			v = strtoull(p, &end, 10);
			p = end;
		}
		break;
	}
	fclose(f);
	return v;
}

/* Spins for @secs; the units of work done and the LOC interrupts taken. */
static double spin(double secs, uint64_t *loc)
{
	volatile uint64_t sink = 0;
	double t0, t1, units = 0;
	uint64_t l0 = loc_count();
	int i;

	t0 = bench_now();
	do {
		for (i = 0; i < 10000; i++)
			sink += i;
		units++;
		t1 = bench_now();
	} while (t1 - t0 < secs);
	*loc = loc_count() - l0;
	return units / (t1 - t0);	/* per second: the last chunk overshoots */
}

int main(int argc, char **argv)
{
	struct ctrmap_source src = { .sz = sizeof(src), .type = CTRMAP_SOURCE_TIMER };
	struct bench_fig bare = BENCH_FIG("timer", "bare hrtimer expiry", "ns", NULL,
		"share of a pinned spinner's work lost to a hard hrtimer that only rearms, per extra LOC interrupt; median of the batches");
	struct bench_fig ours = BENCH_FIG("timer", "timer: source expiry", "ns",
		"bare hrtimer expiry", "as the bare hrtimer, with a counter bound to timer:PERIOD from the spinner's CPU");
	long batches = 9, period = 200000;
	double secs = 0.5, w0, w;
	uint64_t l0, l, v;
	struct ctrmap_handle *h;
	uint32_t id;
	cpu_set_t set;
	int opt, i, err;
	char *p;

	while ((opt = getopt(argc, argv, "tb:p:d:")) != -1) {
		switch (opt) {
		case 't': batches = 2; secs = 0.05; break;
		case 'b': batches = strtol(optarg, NULL, 0); break;
		case 'p': period = strtol(optarg, NULL, 0); break;
		case 'd': secs = strtod(optarg, NULL); break;
		default:
			fprintf(stderr, "usage: ctrmap-bench-timer [-t] [-b BATCHES] [-p PERIOD_NS] [-d SECONDS]\n");
			return 2;
		}
	}
	if (batches < 1 || period < 1 || secs <= 0)
		return 2;
	cpu = sysconf(_SC_NPROCESSORS_ONLN) - 1;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		bench_die("sched_setaffinity", errno);
	id = bench_attach_self(&h, PAGE, &p);
	src.period_ns = period;
	printf("# CPU %d, period %ld ns, %.2f s a state, %ld batches\n",
	       cpu, period, secs, batches);

	for (i = 0; i < batches; i++) {
		w0 = spin(secs, &l0);
		bench_put(BARE, period);
		w = spin(secs, &l);
		bench_put(BARE, 0);
		if (l > l0)
			bench_add(&bare, (1 - w / w0) * secs * 1e9 / (l - l0));
		err = ctrmap_bind(h, id, 0, &src);
		if (err)
			bench_die("bind", -err);
		w = spin(secs, &l);
		err = ctrmap_unbind(h, id, 0);
		if (err)
			bench_die("unbind", -err);
		if (l > l0)
			bench_add(&ours, (1 - w / w0) * secs * 1e9 / (l - l0));
		printf("# batch %d: LOC %" PRIu64 " none, %" PRIu64 " with a timer\n",
		       i, l0, l);
	}
	if (ctrmap_read(p, 0, &v))
		bench_die("ctrmap_read", EINVAL);
	printf("# the timer: counter counted %" PRIu64 " periods\n", v);
	ctrmap_detach(h, id);
	ctrmap_close(h);
	if (!v || bare.n < batches || ours.n < batches) {
		printf("# FAIL: a timer did not fire on CPU %d (counter %" PRIu64
		       ", %d and %d of %ld batches with more LOC interrupts)\n",
		       cpu, v, bare.n, ours.n, batches);
		return 1;
	}
	bench_print(stdout, &bare);
	bench_print(stdout, &ours);
	return 0;
}
