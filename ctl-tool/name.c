// SPDX-License-Identifier: GPL-2.0-or-later
/* counterctl name: name a region or one of its counters. */
#include <getopt.h>
#include <stdbool.h>

#include <ctrmap/ctrmap.h>

#include "counterctl.h"

static int name_run(const struct ctl_options *opts, int argc, char **argv)
{
	static const struct option long_options[] = {
		{ "remove", no_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	struct ctl_ref region, counter = { .num = CTRMAP_NAME_REGION };
	const char *name = NULL;
	bool remove = false, of_counter;
	struct ctrmap_handle *h;
	uint32_t id, index = CTRMAP_NAME_REGION;
	int c, nargs, err;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":r", long_options, NULL)) != -1) {
		if (c != 'r')
			return ctl_option_error(&cmd_name, c, argv);
		remove = true;
	}
	/* ID [INDEX] NAME, or ID [INDEX] with --remove. */
	nargs = argc - optind;
	if (nargs < (remove ? 1 : 2))
		return ctl_usage_error(&cmd_name, remove ?
				       "expected ID [INDEX]" :
				       "expected ID [INDEX] NAME");
	if (nargs > (remove ? 2 : 3))
		return ctl_usage_error(&cmd_name, "unexpected argument '%s'",
				       argv[optind + (remove ? 2 : 3)]);
	of_counter = nargs == (remove ? 2 : 3);
	if (!remove)
		name = argv[argc - 1];
	if (ctl_parse_ref(&cmd_name, "region ID", argv[optind], &region) ||
	    (of_counter &&
	     ctl_parse_ref(&cmd_name, "index", argv[optind + 1], &counter)))
		return CTL_EXIT_USAGE;

	if (ctl_open(opts, &h) || ctl_region_id(h, &region, &id) ||
	    (of_counter && ctl_counter_index(h, id, &counter, &index)))
		return CTL_EXIT_FAILED;
	err = ctrmap_name(h, id, index, name);
	if (err)
		ctl_error(h, err, remove ? "cannot remove the name" :
					   "cannot set the name");
	return err ? CTL_EXIT_FAILED : CTL_EXIT_OK;
}

const struct ctl_cmd cmd_name = {
	.name = "name",
	.summary = "name a region or a counter",
	.help =
		"Usage: counterctl name ID [INDEX] NAME\n"
		"       counterctl name --remove ID [INDEX]\n"
		"\n"
		"Name region ID, or its counter INDEX; with --remove, remove the name.\n"
		"A name is 1 to 47 characters: a letter or _, then letters, digits, _ .\n"
		": or - (a Prometheus label value and a shell word as it stands, and\n"
		"never a number). Every command then takes a region's name in place of\n"
		"its ID and a counter's in place of its INDEX; list, show and read show\n"
		"them. Two counters of a region cannot share a name (EEXIST); regions\n"
		"may, and a name several of the caller's regions have is refused by\n"
		"counterctl (give the id). A region names at most 256 counters (ENOSPC).\n"
		"Prints nothing.\n",
	.run = name_run,
};
