// SPDX-License-Identifier: GPL-2.0-or-later
/* counterctl add: add to a counter from process context. */
#include <ctrmap/ctrmap.h>

#include "counterctl.h"

static int add_run(const struct ctl_options *opts, int argc, char **argv)
{
	struct ctl_ref region, counter;
	struct ctrmap_handle *h;
	uint32_t id, index;
	uint64_t delta;
	int err;

	if (argc < 4)
		return ctl_usage_error(&cmd_add, "expected ID INDEX DELTA");
	if (argc > 4)
		return ctl_usage_error(&cmd_add, "unexpected argument '%s'",
				       argv[4]);
	if (ctl_parse_ref(&cmd_add, "region ID", argv[1], &region) ||
	    ctl_parse_ref(&cmd_add, "index", argv[2], &counter) ||
	    ctl_parse_u64(&cmd_add, "delta", argv[3], &delta))
		return CTL_EXIT_USAGE;

	if (ctl_open(opts, &h) || ctl_region_id(h, &region, &id) ||
	    ctl_counter_index(h, id, &counter, &index))
		return CTL_EXIT_FAILED;
	err = ctrmap_add(h, id, index, delta);
	if (err)
		ctl_error(h, err, "cannot add to the counter");
	return err ? CTL_EXIT_FAILED : CTL_EXIT_OK;
}

const struct ctl_cmd cmd_add = {
	.name = "add",
	.summary = "add to a counter",
	.help =
		"Usage: counterctl add ID INDEX DELTA\n"
		"\n"
		"Add DELTA to counter INDEX (from 0) of region ID, as a driver would.\n"
		"For scripts and tests. Prints nothing.\n",
	.run = add_run,
};
