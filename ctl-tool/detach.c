// SPDX-License-Identifier: GPL-2.0-or-later
/* counterctl detach: tear a region down now. */
#include <ctrmap/ctrmap.h>

#include "counterctl.h"

static int detach_run(const struct ctl_options *opts, int argc, char **argv)
{
	struct ctrmap_handle *h;
	struct ctl_ref region;
	uint32_t id;
	int err;

	if (argc < 2)
		return ctl_usage_error(&cmd_detach, "expected a region ID");
	if (argc > 2)
		return ctl_usage_error(&cmd_detach, "unexpected argument '%s'",
				       argv[2]);
	if (ctl_parse_ref(&cmd_detach, "region ID", argv[1], &region))
		return CTL_EXIT_USAGE;

	if (ctl_open(opts, &h) || ctl_region_id(h, &region, &id))
		return CTL_EXIT_FAILED;
	err = ctrmap_detach(h, id);
	if (err)
		ctl_error(h, err, "cannot detach");
	return err ? CTL_EXIT_FAILED : CTL_EXIT_OK;
}

const struct ctl_cmd cmd_detach = {
	.name = "detach",
	.summary = "tear a region down",
	.help =
		"Usage: counterctl detach ID\n"
		"\n"
		"Tear region ID down now: its sources stop, its pages are unpinned, and\n"
		"its header says detached (reason \"request\"). Prints nothing.\n",
	.run = detach_run,
};
