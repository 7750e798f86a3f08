// SPDX-License-Identifier: GPL-2.0-or-later
/* counterctl bind: make an event source increment a counter. */
#include <ctrmap/ctrmap.h>

#include "counterctl.h"

static int bind_run(const struct ctl_options *opts, int argc, char **argv)
{
	CTRMAP_OPTS(ctrmap_source, src);
	struct ctrmap_handle *h;
	uint32_t id, index;
	int err;

	(void)opts;
	if (argc < 4)
		return ctl_usage_error(&cmd_bind, "expected ID INDEX SOURCE");
	if (argc > 4)
		return ctl_usage_error(&cmd_bind, "unexpected argument '%s'",
				       argv[4]);
	if (ctl_parse_u32(&cmd_bind, "region ID", argv[1], &id) ||
	    ctl_parse_u32(&cmd_bind, "index", argv[2], &index))
		return CTL_EXIT_USAGE;
	if (ctrmap_source_parse(argv[3], &src))
		return ctl_usage_error(&cmd_bind, "invalid source '%s': expected timer:PERIOD (e.g. timer:1ms) or irq:N",
				       argv[3]);

	if (ctl_open(&h))
		return CTL_EXIT_FAILED;
	err = ctrmap_bind(h, id, index, &src);
	if (err)
		ctl_error(h, err, "cannot bind the source");
	ctrmap_close(h);
	return err ? CTL_EXIT_FAILED : CTL_EXIT_OK;
}

const struct ctl_cmd cmd_bind = {
	.name = "bind",
	.summary = "make an event source increment a counter",
	.help =
		"Usage: counterctl bind ID INDEX SOURCE\n"
		"\n"
		"Make SOURCE increment counter INDEX (from 0) of region ID, from the\n"
		"context its event happens in. Prints nothing. SOURCE is one of:\n"
		"  timer:PERIOD  a hard-IRQ timer; PERIOD is a decimal number with a\n"
		"                unit ns, us, ms or s (ns if none): timer:1ms, timer:250us\n"
		"  irq:N         each handler invocation of interrupt N (needs\n"
		"                CAP_SYS_ADMIN)\n",
	.run = bind_run,
};
