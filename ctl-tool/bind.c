// SPDX-License-Identifier: GPL-2.0-or-later
/* counterctl bind: make an event source increment a counter. */
#include <getopt.h>

#include <ctrmap/ctrmap.h>

#include "counterctl.h"

static int bind_run(const struct ctl_options *opts, int argc, char **argv)
{
	static const struct option long_options[] = {
		{ "name", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	CTRMAP_OPTS(ctrmap_source, src);
	struct ctl_ref region, counter;
	const char *name = NULL;
	struct ctrmap_handle *h;
	uint32_t id, index;
	int c, err;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":n:", long_options, NULL)) != -1) {
		if (c != 'n')
			return ctl_option_error(&cmd_bind, c, argv);
		name = optarg;
	}
	argc -= optind - 1;
	argv += optind - 1;
	if (argc < 4)
		return ctl_usage_error(&cmd_bind, "expected ID INDEX SOURCE");
	if (argc > 4)
		return ctl_usage_error(&cmd_bind, "unexpected argument '%s'",
				       argv[4]);
	if (ctl_parse_ref(&cmd_bind, "region ID", argv[1], &region) ||
	    ctl_parse_ref(&cmd_bind, "index", argv[2], &counter))
		return CTL_EXIT_USAGE;
	if (ctrmap_source_parse(argv[3], &src))
		return ctl_usage_error(&cmd_bind, "invalid source '%s': expected timer:PERIOD (e.g. timer:1ms) or irq:N",
				       argv[3]);

	if (ctl_open(opts, &h) || ctl_region_id(h, &region, &id) ||
	    ctl_counter_index(h, id, &counter, &index))
		return CTL_EXIT_FAILED;
	err = ctrmap_bind(h, id, index, &src);
	if (err) {
		ctl_error(h, err, "cannot bind the source");
		return CTL_EXIT_FAILED;
	}
	if (!name)
		return CTL_EXIT_OK;
	/* A name the kernel refuses: nothing bound either. */
	err = ctrmap_name(h, id, index, name);
	if (err) {
		ctl_error(h, err, "cannot name the counter");
		ctrmap_unbind(h, id, index);
		return CTL_EXIT_FAILED;
	}
	return CTL_EXIT_OK;
}

const struct ctl_cmd cmd_bind = {
	.name = "bind",
	.summary = "make an event source increment a counter",
	.help =
		"Usage: counterctl bind [--name NAME] ID INDEX SOURCE\n"
		"\n"
		"Make SOURCE increment counter INDEX (from 0) of region ID, from the\n"
		"context its event happens in, and with --name name the counter NAME (a\n"
		"name the kernel refuses undoes the bind). Prints nothing. SOURCE is one\n"
		"of:\n"
		"  timer:PERIOD  a hard-IRQ timer; PERIOD is a decimal number with a\n"
		"                unit ns, us, ms or s (ns if none): timer:1ms, timer:250us\n"
		"  irq:N         each handler invocation of interrupt N (needs\n"
		"                CAP_SYS_ADMIN)\n",
	.run = bind_run,
};
