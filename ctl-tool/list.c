// SPDX-License-Identifier: GPL-2.0-or-later
/* counterctl list: the regions, one line each. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ctrmap/ctrmap.h>

#include "counterctl.h"
#include "list.h"
#include "print.h"

/* The columns before BINDINGS, the last one, which is not padded. */
enum {
	COL_ID, COL_PID, COL_COMM, COL_NAME, COL_ADDR, COL_LEN, COL_PAGES,
	COL_COUNTERS, COL_STATE, NCOLS
};

static const char *const headers[NCOLS] = {
	"ID", "PID", "COMM", "NAME", "ADDR", "LEN", "PAGES", "COUNTERS", "STATE",
};

/* The text of each padded cell of r, to measure the columns. */
#define CELL CTRMAP_NAME_MAX

static void cells(const struct ctrmap_region_info *r, char cell[NCOLS][CELL])
{
	char state[16];

	snprintf(cell[COL_ID], CELL, "%" PRIu32, r->id);
	snprintf(cell[COL_PID], CELL, "%" PRIu32, r->pid);
	ctl_printable(cell[COL_COMM], r->comm, CELL);
	snprintf(cell[COL_NAME], CELL, "%s",
		 ctl_region_name(r) ? r->name : "-");
	snprintf(cell[COL_ADDR], CELL, "0x%" PRIx64, r->addr);
	snprintf(cell[COL_LEN], CELL, "%" PRIu64, r->len);
	snprintf(cell[COL_PAGES], CELL, "%" PRIu32, r->npages);
	snprintf(cell[COL_COUNTERS], CELL, "%" PRIu32, r->ncounters);
	snprintf(cell[COL_STATE], CELL, "%s",
		 ctl_state_name(r->state, state, sizeof(state)));
}

/* A text cell, padded to its column's width, and the space after it. */
static void print_cell(struct printer *p, const char *text, size_t width)
{
	char cell[CELL + 2];

	/* No cell is wider than CELL - 1: the bounds are for the compiler. */
	snprintf(cell, sizeof(cell), "%-*.*s ", (int)(width % CELL), CELL - 1,
		 text);
	print_string(p, PRINT_FP, NULL, "%s", cell);
}

void list_print(struct printer *p, const struct ctrmap_region_info *regions,
		size_t n)
{
	size_t width[NCOLS];
	char cell[NCOLS][CELL], state[16];

	for (int c = 0; c < NCOLS; c++)
		width[c] = strlen(headers[c]);
	for (size_t i = 0; i < n; i++) {
		cells(&regions[i], cell);
		for (int c = 0; c < NCOLS; c++)
			if (strlen(cell[c]) > width[c])
				width[c] = strlen(cell[c]);
	}

	for (int c = 0; c < NCOLS; c++)
		print_cell(p, headers[c], width[c]);
	print_string(p, PRINT_FP, NULL, "%s", "BINDINGS\n");

	for (size_t i = 0; i < n; i++) {
		const struct ctrmap_region_info *r = &regions[i];

		/* Text: the cells as measured; JSON: the values. */
		cells(r, cell);
		for (int c = 0; c < NCOLS; c++)
			print_cell(p, cell[c], width[c]);
		print_open_object(p, NULL);
		print_uint(p, PRINT_JSON, "id", "%u", r->id);
		print_uint(p, PRINT_JSON, "pid", "%u", r->pid);
		print_string(p, PRINT_JSON, "comm", "%s", r->comm);
		if (ctl_region_name(r))
			print_string(p, PRINT_JSON, "name", "%s", r->name);
		print_u64(p, PRINT_JSON, "addr", "%" PRIu64, r->addr);
		print_u64(p, PRINT_JSON, "len", "%" PRIu64, r->len);
		print_uint(p, PRINT_JSON, "npages", "%u", r->npages);
		print_uint(p, PRINT_JSON, "ncounters", "%u", r->ncounters);
		print_string(p, PRINT_JSON, "state", "%s",
			     ctl_state_name(r->state, state, sizeof(state)));
		ctl_print_bindings(p, r);
		print_string(p, PRINT_FP, NULL, "%s", "\n");
		print_close_object(p);
	}
}

/* Reads of a list that keeps changing before counterctl gives up. */
#define LIST_TRIES 10

/* The regions as the dump delivered them, with their own bindings. */
struct region_list {
	struct ctrmap_region_info *v;
	size_t n, cap;
};

static int collect(const struct ctrmap_region_info *r, void *arg)
{
	struct region_list *l = arg;
	struct ctrmap_region_info *copy;
	const struct ctrmap_binding_info **bindings = NULL;

	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 16;
		void *v = reallocarray(l->v, cap, sizeof(*l->v));

		if (!v)
			return -ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	/*
	 * r and what it points to are the library's during the call only:
	 * the bindings are copied into one block, the pointers, then each
	 * binding and its source (as long as this tool knows them).
	 */
	if (r->nbindings) {
		size_t n = r->nbindings;
		struct ctrmap_binding_info *b;
		struct ctrmap_source *s;

		bindings = calloc(1, n * (sizeof(*bindings) + sizeof(*b) +
					  sizeof(*s)));
		if (!bindings)
			return -ENOMEM;
		b = (struct ctrmap_binding_info *)(bindings + n);
		s = (struct ctrmap_source *)(b + n);
		for (size_t i = 0; i < n; i++) {
			memcpy(&b[i], r->bindings[i],
			       sizeof(b[i]) < r->bindings[i]->sz ?
			       sizeof(b[i]) : r->bindings[i]->sz);
			memcpy(&s[i], r->bindings[i]->source,
			       sizeof(s[i]) < r->bindings[i]->source->sz ?
			       sizeof(s[i]) : r->bindings[i]->source->sz);
			b[i].sz = sizeof(b[i]);
			s[i].sz = sizeof(s[i]);
			b[i].source = &s[i];
			bindings[i] = &b[i];
		}
	}
	copy = &l->v[l->n++];
	*copy = *r;
	copy->bindings = bindings;
	copy->npage_info = 0;
	copy->pages = NULL;
	copy->nnames = 0;	/* the library's: gone after the call */
	copy->names = NULL;
	return 0;
}

static void free_list(struct region_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free((void *)l->v[i].bindings);
	free(l->v);
}

static int list_run(const struct ctl_options *opts, int argc, char **argv)
{
	static const struct option long_options[] = {
		{ "pid", required_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 },
	};
	struct region_list l = { .v = NULL };
	struct ctrmap_handle *h;
	struct printer p;
	uint32_t pid = 0;
	int c, err;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", long_options, NULL)) != -1) {
		switch (c) {
		case 'p':
			if (ctl_parse_u32(&cmd_list, "pid", optarg, &pid))
				return CTL_EXIT_USAGE;
			break;
		default:
			return ctl_option_error(&cmd_list, c, argv);
		}
	}
	if (optind < argc)
		return ctl_usage_error(&cmd_list, "unexpected argument '%s'",
				       argv[optind]);

	if (ctl_open(opts, &h))
		return CTL_EXIT_FAILED;
	/* A list that changed while it was read (-EAGAIN) is read again. */
	for (int tries = 0; tries < LIST_TRIES; tries++) {
		free_list(&l);
		l = (struct region_list){ .v = NULL };
		err = ctrmap_list(h, pid, 0, collect, &l);
		if (err != -EAGAIN)
			break;
	}
	if (err) {
		ctl_error(h, err, "cannot list the regions");
		free_list(&l);
		return CTL_EXIT_FAILED;
	}

	print_begin_array(&p, stdout, opts->format);
	list_print(&p, l.v, l.n);
	print_end(&p);
	free_list(&l);
	return CTL_EXIT_OK;
}

const struct ctl_cmd cmd_list = {
	.name = "list",
	.summary = "list the regions",
	.help =
		"Usage: counterctl [-j] list [--pid PID]\n"
		"\n"
		"List the regions the caller may act on (only those of process PID with\n"
		"--pid): id, process, name (- if none), address (hexadecimal) and\n"
		"length, pages pinned, counters, state, and the sources bound to\n"
		"counters as INDEX=SOURCE. With -j, print a JSON array of objects with\n"
		"the keys id, pid, comm, name (if the region has one), addr, len,\n"
		"npages, ncounters, state and bindings.\n",
	.run = list_run,
};
