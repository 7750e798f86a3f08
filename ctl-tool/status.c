// SPDX-License-Identifier: GPL-2.0-or-later
/* counterctl status: the module's version, statistics and limits. */
#include <inttypes.h>
#include <stdio.h>

#include <ctrmap/ctrmap.h>

#include "counterctl.h"
#include "print.h"
#include "status.h"

static void print_sources(struct printer *p, uint32_t sources)
{
	print_string(p, PRINT_FP, NULL, "%s", "  sources:                ");
	print_open_array(p, "sources");
	if (!sources)
		print_string(p, PRINT_FP, NULL, " %s", "none");
	for (unsigned int type = 0; type < 32; type++) {
		const char *name = ctrmap_source_name(type);
		char number[16];

		if (!(sources & (UINT32_C(1) << type)))
			continue;
		if (!name) {
			/* Built into a newer module than this tool knows. */
			snprintf(number, sizeof(number), "%u", type);
			name = number;
		}
		print_string(p, PRINT_ANY, NULL, " %s", name);
	}
	print_close_array(p);
	print_string(p, PRINT_FP, NULL, "%s", "\n");
}

/* The caller's own share, beside the module's figures. */
static void usage_print(struct printer *p, const struct ctrmap_stats *st)
{
	print_string(p, PRINT_FP, NULL, "%s", "your usage (this user, all processes):\n");
	print_open_object(p, "usage");
	print_uint(p, PRINT_ANY, "regions", "  regions:                 %u\n",
		   st->user_regions);
	print_uint(p, PRINT_ANY, "bindings", "  bindings:                %u\n",
		   st->user_bindings);
	print_u64(p, PRINT_ANY, "pinned_pages",
		  "  pinned pages:            %" PRIu64 "\n", st->user_pinned_pages);
	print_u64(p, PRINT_ANY, "timer_rate",
		  "  timer expiries:          %" PRIu64 "/s\n", st->user_timer_rate);
	print_u64(p, PRINT_ANY, "locked_pages",
		  "  locked pages (all uses): %" PRIu64 "\n", st->user_locked_pages);
	if (st->user_memlock_limit != UINT64_MAX)
		print_u64(p, PRINT_ANY, "memlock_limit_pages",
			  "  RLIMIT_MEMLOCK:          %" PRIu64 " pages\n",
			  st->user_memlock_limit);
	else
		print_string(p, PRINT_FP, NULL, "%s",
			     "  RLIMIT_MEMLOCK:          unlimited\n");
	print_close_object(p);
}

void status_print(struct printer *p, const struct ctrmap_stats *st)
{
	print_string(p, PRINT_ANY, "version", "module version:  %s\n",
		     st->version);
	print_uint(p, PRINT_ANY, "regions", "regions:         %u\n",
		   st->regions);
	print_u64(p, PRINT_ANY, "pinned_pages",
		  "pinned pages:    %" PRIu64 "\n", st->pinned_pages);
	print_uint(p, PRINT_ANY, "bindings", "bindings:        %u\n",
		   st->bindings);
	print_u64(p, PRINT_ANY, "attaches", "attaches:        %" PRIu64 "\n",
		  st->attaches);

	print_string(p, PRINT_FP, NULL, "%s", "detaches:       ");
	print_open_object(p, "detaches");
	/*
	 * The reasons the module sent: an older one may lack one, a newer
	 * one may have one this tool has no name for (shown by number).
	 */
	for (unsigned int r = CTRMAP_REASON_REQUEST; r < CTRMAP_STATS_REASONS;
	     r++) {
		char number[16];
		const char *name = ctl_reason_name(r, number, sizeof(number));

		if (!(st->detaches_sent & (UINT32_C(1) << r)))
			continue;
		print_string(p, PRINT_FP, NULL, " %s ", name);
		print_u64(p, PRINT_ANY, name, "%" PRIu64, st->detaches[r]);
	}
	print_close_object(p);
	print_string(p, PRINT_FP, NULL, "%s", "\n");

	print_string(p, PRINT_FP, NULL, "%s", "limits:\n");
	print_open_object(p, "limits");
	print_uint(p, PRINT_ANY, "max_regions",
		   "  max regions:             %u\n", st->max_regions);
	print_uint(p, PRINT_ANY, "max_regions_per_process",
		   "  max regions per process: %u\n",
		   st->max_regions_per_process);
	print_uint(p, PRINT_ANY, "max_region_pages",
		   "  max region pages:        %u\n", st->max_region_pages);
	print_uint(p, PRINT_ANY, "max_bindings",
		   "  max bindings per region: %u\n", st->max_bindings);
	print_u64(p, PRINT_ANY, "timer_min_period_ns",
		  "  timer min period:        %" PRIu64 " ns\n",
		  st->timer_min_period_ns);
	if (st->max_regions_per_user)
		print_uint(p, PRINT_ANY, "max_regions_per_user",
			   "  max regions per user:    %u\n",
			   st->max_regions_per_user);
	if (st->max_bindings_per_user)
		print_uint(p, PRINT_ANY, "max_bindings_per_user",
			   "  max bindings per user:   %u\n",
			   st->max_bindings_per_user);
	if (st->timer_budget)
		print_uint(p, PRINT_ANY, "timer_budget",
			   "  timer budget per user:   %u expiries/s\n",
			   st->timer_budget);
	if (st->timer_max_period_ns)
		print_u64(p, PRINT_ANY, "timer_max_period_ns",
			  "  timer max period:        %" PRIu64 " ns\n",
			  st->timer_max_period_ns);
	if (st->attach_scope >= 0)
		print_uint(p, PRINT_ANY, "attach_scope",
			   "  attach scope:            %u\n",
			   (unsigned int)st->attach_scope);
	print_sources(p, st->sources);
	print_close_object(p);

	if (st->have_usage)
		usage_print(p, st);
}

static int status_run(const struct ctl_options *opts, int argc, char **argv)
{
	struct ctrmap_handle *h;
	CTRMAP_OPTS(ctrmap_stats, st);
	struct printer p;
	int err;

	if (argc > 1)
		return ctl_usage_error(&cmd_status, "unexpected argument '%s'",
				       argv[1]);

	if (ctl_open(opts, &h))
		return CTL_EXIT_FAILED;
	err = ctrmap_stats(h, &st);
	if (err) {
		ctl_error(h, err, "cannot read the module's statistics");
		return CTL_EXIT_FAILED;
	}

	print_begin(&p, stdout, opts->format);
	status_print(&p, &st);
	print_end(&p);
	return CTL_EXIT_OK;
}

const struct ctl_cmd cmd_status = {
	.name = "status",
	.summary = "show the module's version, statistics and limits",
	.help =
		"Usage: counterctl [-j] status\n"
		"\n"
		"Show the ctrmap module's version; the regions attached, pages pinned\n"
		"and sources bound now; attaches and detaches (by reason) since it was\n"
		"loaded; the limits in force (the Kconfig defaults, or the module\n"
		"parameters given at load time: per-user caps, the timer budget,\n"
		"attach_scope); and your own usage: the regions, bindings, pinned pages and\n"
		"timer expiries per second of your user (real UID) across all of its\n"
		"processes, your locked memory and your RLIMIT_MEMLOCK. With -j, print one\n"
		"JSON object.\n",
	.run = status_run,
};
