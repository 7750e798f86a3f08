// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ctrmap-dumps: list the regions (a GET dump through libctrmap) N times
 * and count how each list ended: complete, or interrupted (-EAGAIN: the
 * kernel flagged NLM_F_DUMP_INTR because a region came or went between
 * two parts of the dump). A complete list must name each region once, in
 * increasing id order.
 *
 *   ctrmap-dumps N
 *
 * Prints "lists=N complete=C interrupted=I bad=B"; exits 1 on another
 * error or if a complete list was out of order.
 */
#include <ctrmap.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct order {
	uint32_t last;
	unsigned int n;
	bool bad;
};

static int check(const struct ctrmap_region_info *r, void *arg)
{
	struct order *o = arg;

	if (o->n && r->id <= o->last)
		o->bad = true;
	o->last = r->id;
	o->n++;
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long n = argc == 2 ? strtoul(argv[1], NULL, 0) : 0;
	unsigned long complete = 0, interrupted = 0, bad = 0;
	struct ctrmap_handle *h;
	int err;

	if (!n) {
		fprintf(stderr, "usage: ctrmap-dumps N\n");
		return 2;
	}
	err = ctrmap_open(&h);
	if (err) {
		fprintf(stderr, "ctrmap-dumps: open: %s\n", strerror(-err));
		return 1;
	}
	for (unsigned long i = 0; i < n; i++) {
		struct order o = { 0 };

		err = ctrmap_list(h, 0, 0, check, &o);
		if (err == -EAGAIN) {
			interrupted++;
		} else if (err) {
			fprintf(stderr, "ctrmap-dumps: list: %s: %s\n",
				strerror(-err), ctrmap_errmsg(h));
			ctrmap_close(h);
			return 1;
		} else {
			complete++;
			bad += o.bad;
		}
	}
	ctrmap_close(h);
	printf("lists=%lu complete=%lu interrupted=%lu bad=%lu\n", n, complete,
	       interrupted, bad);
	return bad ? 1 : 0;
}
