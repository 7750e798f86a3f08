// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ctrmap-dumps: list the regions (a GET dump through libctrmap) N times
 * and count how each list ended: complete, or interrupted (-EAGAIN: the
 * kernel flagged NLM_F_DUMP_INTR because a region came or went between
 * two parts of the dump). A complete list must name each region once, in
 * increasing id order, and (with -r) between MIN and MAX regions.
 *
 *   ctrmap-dumps [-v] [-r MIN:MAX] N
 *
 * Prints "lists=N complete=C interrupted=I bad=B"; exits 1 on another
 * error or if a complete list was bad. With -v the lists are
 * verbose (CTRMAP_GET_VERBOSE), and the last complete one is printed first,
 * a line per region: "region ID npages=N pages=P bindings=I,J,..." and
 * "pfns ID PFN..." (decimal).
 */
#include <ctrmap/ctrmap.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct order {
	uint32_t last;
	unsigned int n;
	bool bad;
	FILE *out;	/* -v: what the list said, for the last one */
};

static int check(const struct ctrmap_region_info *r, void *arg)
{
	struct order *o = arg;

	if (o->n && r->id <= o->last)
		o->bad = true;
	o->last = r->id;
	o->n++;
	if (!o->out)
		return 0;
	fprintf(o->out, "region %u npages=%u pages=%u bindings=", r->id,
		r->npages, r->npage_info);
	for (unsigned int i = 0; i < r->nbindings; i++)
		fprintf(o->out, "%s%u", i ? "," : "", r->bindings[i]->index);
	fprintf(o->out, "\npfns %u", r->id);
	for (unsigned int i = 0; i < r->npage_info; i++)
		fprintf(o->out, " %llu", (unsigned long long)r->pages[i]->pfn);
	fputc('\n', o->out);
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long n = 0, complete = 0, interrupted = 0, bad = 0;
	unsigned int min = 0, max = UINT32_MAX;
	bool verbose = false, usage = false;
	char *text = NULL;
	size_t text_len = 0;
	struct ctrmap_handle *h;
	int err, c;

	while ((c = getopt(argc, argv, "vr:")) != -1) {
		if (c == 'v')
			verbose = true;
		else if (c != 'r' || sscanf(optarg, "%u:%u", &min, &max) != 2)
			usage = true;
	}
	if (optind == argc - 1)
		n = strtoul(argv[optind], NULL, 0);
	if (usage || !n) {
		fprintf(stderr, "usage: ctrmap-dumps [-v] [-r MIN:MAX] N\n");
		return 2;
	}
	err = ctrmap_open(&h);
	if (err) {
		fprintf(stderr, "ctrmap-dumps: open: %s\n", strerror(-err));
		return 1;
	}
	for (unsigned long i = 0; i < n; i++) {
		struct order o = { 0 };
		char *buf = NULL;
		size_t len = 0;

		if (verbose)
			o.out = open_memstream(&buf, &len);
		err = ctrmap_list(h, 0, verbose ? CTRMAP_GET_VERBOSE : 0, check,
				  &o);
		if (o.out)
			fclose(o.out);
		if (!err) {
			free(text);
			text = buf;
			text_len = len;
		} else {
			free(buf);
		}
		if (err == -EAGAIN) {
			interrupted++;
		} else if (err) {
			fprintf(stderr, "ctrmap-dumps: list: %s: %s\n",
				strerror(-err), ctrmap_errmsg(h));
			ctrmap_close(h);
			return 1;
		} else {
			complete++;
			if (o.n < min || o.n > max) {
				fprintf(stderr, "ctrmap-dumps: a complete list of %u region(s), not %u to %u\n",
					o.n, min, max);
				o.bad = true;
			}
			bad += o.bad;
		}
	}
	ctrmap_close(h);
	if (text)
		fwrite(text, 1, text_len, stdout);
	free(text);
	printf("lists=%lu complete=%lu interrupted=%lu bad=%lu\n", n, complete,
	       interrupted, bad);
	return bad ? 1 : 0;
}
