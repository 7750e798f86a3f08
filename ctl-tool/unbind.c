// SPDX-License-Identifier: GPL-2.0-or-later
/* counterctl unbind: stop the source that increments a counter. */
#include <ctrmap/ctrmap.h>

#include "counterctl.h"

static int unbind_run(const struct ctl_options *opts, int argc, char **argv)
{
	struct ctl_ref region, counter;
	struct ctrmap_handle *h;
	uint32_t id, index;
	int err;

	if (argc < 3)
		return ctl_usage_error(&cmd_unbind, "expected ID INDEX");
	if (argc > 3)
		return ctl_usage_error(&cmd_unbind, "unexpected argument '%s'",
				       argv[3]);
	if (ctl_parse_ref(&cmd_unbind, "region ID", argv[1], &region) ||
	    ctl_parse_ref(&cmd_unbind, "index", argv[2], &counter))
		return CTL_EXIT_USAGE;

	if (ctl_open(opts, &h) || ctl_region_id(h, &region, &id) ||
	    ctl_counter_index(h, id, &counter, &index))
		return CTL_EXIT_FAILED;
	err = ctrmap_unbind(h, id, index);
	if (err)
		ctl_error(h, err, "cannot unbind the source");
	return err ? CTL_EXIT_FAILED : CTL_EXIT_OK;
}

const struct ctl_cmd cmd_unbind = {
	.name = "unbind",
	.summary = "stop the source bound to a counter",
	.help =
		"Usage: counterctl unbind ID INDEX\n"
		"\n"
		"Stop the source that increments counter INDEX of region ID; the counter\n"
		"keeps its value. Prints nothing.\n",
	.run = unbind_run,
};
