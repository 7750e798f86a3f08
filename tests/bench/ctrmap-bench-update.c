// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ctrmap-bench-update: what a driver's counter update costs (group
 * "update"). As root, in a guest with ctrmap and the test module
 * ctrmap_test_update loaded (tests/bench/in-guest runs it).
 *
 *   ctrmap-bench-update [-t] [-b BATCHES] [-n UPDATES]
 *
 * The program attaches a page of its own memory and hands the region to
 * ctrmap_test_update, which runs one way of counting UPDATES times in a
 * loop with interrupts off and counts the CPU's cycles around it (the
 * loop's own cost is in every figure alike):
 *   atomic64_inc       atomic64_inc() on kmalloc'd memory: the reference
 *   this_cpu_inc       this_cpu_inc() on a per-CPU u64
 *   ctrmap_add         ctrmap_add(region, 0, 1), the exported call with
 *                      its index and state checks
 *   two atomic64_inc   two atomic64_inc() on neighbouring words
 *   ctrmap group of 2  ctrmap_group_begin(), two ctrmap_group_add(),
 *                      ctrmap_group_end(): seq lock, seq odd and even
 *   a call into ctrmap ctrmap_region_ncounters(region): an exported
 *                      call that does nothing, the floor of ctrmap_add
 * Batches interleave the ways (batch i of each before batch i + 1 of
 * any), so drift hits all alike. At the end the counters in the
 * program's own memory must hold exactly the updates the module made:
 * the figures are of updates that landed.
 */
#define _GNU_SOURCE
#include "bench.h"
#include <ctrmap/ctrmap.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define DBG "/sys/kernel/debug/ctrmap_test_update/"
#define PAGE 4096UL


#define REF "atomic64_inc"
static struct bench_fig figs[] = {
	BENCH_FIG("update", "atomic64_inc", "cycles", NULL,
	  "atomic64_inc() on kmalloc'd memory, N in a loop with interrupts off; TSC cycles per update, median of the batches"),
	BENCH_FIG("update", "this_cpu_inc", "cycles", REF,
	  "this_cpu_inc() on a per-CPU u64, as atomic64_inc"),
	BENCH_FIG("update", "ctrmap_add", "cycles", REF,
	  "ctrmap_add(region, 0, 1) through the exported API, as atomic64_inc"),
	BENCH_FIG("update", "two atomic64_inc", "cycles", NULL,
	  "two atomic64_inc() on neighbouring words per iteration, as atomic64_inc"),
	BENCH_FIG("update", "ctrmap group of 2", "cycles", "two atomic64_inc",
	  "ctrmap_group_begin, two ctrmap_group_add, ctrmap_group_end per iteration, as atomic64_inc"),
	BENCH_FIG("update", "a call into ctrmap", "cycles", REF,
	  "ctrmap_region_ncounters(region): an exported call that does nothing, the floor under ctrmap_add; as atomic64_inc"),
};
#define NFIGS (int)(sizeof(figs) / sizeof(figs[0]))

int main(int argc, char **argv)
{
	long batches = 11, n = 200000;
	uint64_t want0 = 0, want1 = 0, v0, v1;
	struct ctrmap_handle *h;
	uint32_t id;
	int opt, i, m, err;
	char *p;

	while ((opt = getopt(argc, argv, "tb:n:")) != -1) {
		switch (opt) {
		case 't': batches = 3; n = 2000; break;
		case 'b': batches = strtol(optarg, NULL, 0); break;
		case 'n': n = strtol(optarg, NULL, 0); break;
		default:
			fprintf(stderr, "usage: ctrmap-bench-update [-t] [-b BATCHES] [-n UPDATES]\n");
			return 2;
		}
	}
	if (batches < 1 || n < 1)
		return 2;
	id = bench_attach_self(&h, PAGE, &p);
	bench_put(DBG "region", id);
	printf("# region %u, %ld updates a batch, %ld batches\n",
	       id, n, batches);

	for (i = 0; i < batches; i++) {
		for (m = 0; m < NFIGS; m++) {
			bench_put(DBG "method", m);
			bench_put(DBG "run", n);
			bench_add(&figs[m], (double)bench_get(DBG "run") / n);
		}
		want0 += 2 * n;	/* ctrmap_add and the group's */
		want1 += n;
	}
	bench_put(DBG "region", 0);
	if (ctrmap_read(p, 0, &v0) || ctrmap_read(p, 1, &v1))
		bench_die("ctrmap_read", EINVAL);
	err = ctrmap_detach(h, id);
	if (err)
		bench_die("detach", -err);
	ctrmap_close(h);
	printf("# counters in the process's memory: %" PRIu64 " and %" PRIu64
	       " (%" PRIu64 " and %" PRIu64 " updates made)\n", v0, v1, want0, want1);
	if (v0 != want0 || v1 != want1) {
		printf("# FAIL: the counters do not hold the updates made\n");
		return 1;
	}
	for (m = 0; m < NFIGS; m++) {
		bench_print(stdout, &figs[m]);
		bench_free(&figs[m]);
	}
	return 0;
}
