// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * counterctl show: one region in detail, with -v its pages, with -s its
 * counter values.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>

#include <ctrmap/ctrmap.h>

#include "counterctl.h"
#include "print.h"
#include "show.h"

void show_print(struct printer *p, const struct ctrmap_region_info *r,
		bool verbose)
{
	char comm[sizeof(r->comm)], state[16];

	ctl_printable(comm, r->comm, sizeof(comm));
	print_uint(p, PRINT_ANY, "id", "id:        %u\n", r->id);
	print_uint(p, PRINT_ANY, "pid", "pid:       %u\n", r->pid);
	/* Text shows the name made printable; JSON escapes it. */
	print_string(p, PRINT_FP, NULL, "comm:      %s\n", comm);
	print_string(p, PRINT_JSON, "comm", "%s", r->comm);
	if (ctl_region_name(r))
		print_string(p, PRINT_ANY, "name", "name:      %s\n", r->name);
	print_u64(p, PRINT_ANY, "addr", "addr:      0x%" PRIx64 "\n", r->addr);
	print_u64(p, PRINT_ANY, "len", "len:       %" PRIu64 "\n", r->len);
	print_uint(p, PRINT_ANY, "npages", "npages:    %u\n", r->npages);
	print_uint(p, PRINT_ANY, "ncounters", "ncounters: %u\n",
		   r->ncounters);
	print_string(p, PRINT_ANY, "state", "state:     %s\n",
		     ctl_state_name(r->state, state, sizeof(state)));
	print_string(p, PRINT_FP, NULL, "%s", "bindings:  ");
	ctl_print_bindings(p, r);
	print_string(p, PRINT_FP, NULL, "%s", "\n");
	if (!verbose)
		return;

	print_open_array(p, "pages");
	for (unsigned int i = 0; i < r->npage_info; i++) {
		const struct ctrmap_page_info *pg = r->pages[i];

		print_open_object(p, NULL);
		print_uint(p, PRINT_FP, NULL, "page %u: ", i);
		print_u64(p, PRINT_ANY, "pfn", "pfn 0x%" PRIx64, pg->pfn);
		print_bool(p, PRINT_JSON, "pinned", "%s", pg->pinned);
		print_string(p, PRINT_FP, NULL, " %s\n",
			     pg->pinned ? "pinned" : "not pinned");
		print_close_object(p);
	}
	print_close_array(p);
}

void show_print_values(struct printer *p, const struct ctrmap_region_info *r)
{
	/* A library older than the values: none to show. */
	if (!CTRMAP_HAS_FIELD(r, values))
		return;
	print_open_array(p, "values");
	for (unsigned int i = 0; i < r->nvalues; i++)
		ctl_print_counter(p, true, i, ctrmap_counter_name(r, i),
				  r->values[i]);
	print_close_array(p);
}

struct show_ctx {
	const struct ctl_options *opts;
	bool verbose;
	bool values;
};

/* Called during the reply, while r's arrays are valid. */
static int show_region(const struct ctrmap_region_info *r, void *arg)
{
	const struct show_ctx *ctx = arg;
	struct printer p;

	print_begin(&p, stdout, ctx->opts->format);
	show_print(&p, r, ctx->verbose);
	if (ctx->values)
		show_print_values(&p, r);
	print_end(&p);
	return 0;
}

static int show_run(const struct ctl_options *opts, int argc, char **argv)
{
	static const struct option long_options[] = {
		{ "verbose", no_argument, NULL, 'v' },
		{ "stats", no_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	struct show_ctx ctx = { .opts = opts };
	struct ctrmap_handle *h;
	struct ctl_ref region;
	uint32_t id;
	int c, err;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":vs", long_options, NULL)) != -1) {
		switch (c) {
		case 'v':
			ctx.verbose = true;
			break;
		case 's':
			ctx.values = true;
			break;
		default:
			return ctl_option_error(&cmd_show, c, argv);
		}
	}
	if (optind >= argc)
		return ctl_usage_error(&cmd_show, "expected a region ID");
	if (optind + 1 < argc)
		return ctl_usage_error(&cmd_show, "unexpected argument '%s'",
				       argv[optind + 1]);
	if (ctl_parse_ref(&cmd_show, "region ID", argv[optind], &region))
		return CTL_EXIT_USAGE;

	if (ctl_open(opts, &h) || ctl_region_id(h, &region, &id))
		return CTL_EXIT_FAILED;
	err = ctrmap_get(h, id,
			 (ctx.verbose ? CTRMAP_GET_VERBOSE : 0) |
			 (ctx.values ? CTRMAP_GET_VALUES : 0),
			 show_region, &ctx);
	if (err)
		ctl_error(h, err, "cannot show the region");
	return err ? CTL_EXIT_FAILED : CTL_EXIT_OK;
}

const struct ctl_cmd cmd_show = {
	.name = "show",
	.summary = "show one region",
	.help =
		"Usage: counterctl [-j] show ID [-v|--verbose] [-s|--stats]\n"
		"\n"
		"Show region ID as key: value lines: id, pid, comm, name (if it has\n"
		"one), addr, len, npages, ncounters, state, bindings (INDEX=SOURCE, or -\n"
		"for none). With -v, also each page: \"page N: pfn 0xPFN pinned\" (needs\n"
		"CAP_SYS_ADMIN). With -s, also each counter's value, read through the\n"
		"kernel: \"counter N: VALUE\" (\"counter N (NAME): VALUE\" for a named\n"
		"counter). With -j, print one JSON object with the same\n"
		"keys (and \"pages\", an array of {\"pfn\", \"pinned\"}; \"values\", an\n"
		"array of {\"index\", \"value\"}).\n",
	.run = show_run,
};
