// SPDX-License-Identifier: GPL-2.0-or-later
/* counterctl attach: pin a range of a process and make it a region. */
#include <getopt.h>
#include <stdio.h>

#include <ctrmap/ctrmap.h>

#include "attach.h"
#include "counterctl.h"
#include "print.h"

void attach_print(struct printer *p, const struct ctrmap_attach_reply *a)
{
	print_uint(p, PRINT_ANY, "id", "region %u: ", a->id);
	print_uint(p, PRINT_ANY, "ncounters", "%u counters over ",
		   a->ncounters);
	print_uint(p, PRINT_ANY, "npages", "%u page(s)\n", a->npages);
}

static int attach_run(const struct ctl_options *opts, int argc, char **argv)
{
	static const struct option long_options[] = {
		{ "pid", required_argument, NULL, 'p' },
		{ "addr", required_argument, NULL, 'a' },
		{ "len", required_argument, NULL, 'l' },
		{ "name", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	bool have_pid = false, have_addr = false, have_len = false;
	CTRMAP_OPTS(ctrmap_attach_reply, reply);
	CTRMAP_OPTS(ctrmap_attach_opts, attach_opts);
	struct ctrmap_handle *h;
	uint32_t pid = 0;
	uint64_t addr = 0, len = 0;
	struct printer p;
	int c, err;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", long_options, NULL)) != -1) {
		switch (c) {
		case 'p':
			if (ctl_parse_u32(&cmd_attach, "pid", optarg, &pid))
				return CTL_EXIT_USAGE;
			have_pid = true;
			break;
		case 'a':
			if (ctl_parse_u64(&cmd_attach, "address", optarg, &addr))
				return CTL_EXIT_USAGE;
			have_addr = true;
			break;
		case 'l':
			if (ctl_parse_u64(&cmd_attach, "length", optarg, &len))
				return CTL_EXIT_USAGE;
			have_len = true;
			break;
		case 'n':
			attach_opts.name = optarg;
			break;
		default:
			return ctl_option_error(&cmd_attach, c, argv);
		}
	}
	if (optind < argc)
		return ctl_usage_error(&cmd_attach, "unexpected argument '%s'",
				       argv[optind]);
	if (!have_pid || !have_addr || !have_len)
		return ctl_usage_error(&cmd_attach, "--pid, --addr and --len are all needed");

	if (ctl_open(opts, &h))
		return CTL_EXIT_FAILED;
	err = ctrmap_attach_ext(h, pid, addr, len, &attach_opts, &reply);
	if (err) {
		ctl_error(h, err, "cannot attach");
		return CTL_EXIT_FAILED;
	}

	print_begin(&p, stdout, opts->format);
	attach_print(&p, &reply);
	print_end(&p);
	return CTL_EXIT_OK;
}

const struct ctl_cmd cmd_attach = {
	.name = "attach",
	.summary = "make a range of a process's memory a counter region",
	.help =
		"Usage: counterctl [-j] attach --pid PID --addr ADDR --len LEN [--name NAME]\n"
		"\n"
		"Pin [ADDR, ADDR + LEN) of process PID and serve counters into it: the\n"
		"kernel writes the region header at ADDR (8-byte aligned) and the\n"
		"counters after it. Prints the new region's id, its number of counters\n"
		"and of pages pinned. Numbers are decimal or 0x hexadecimal. --name\n"
		"names the region (see counterctl name).\n"
		"\n"
		"Attaching another process's memory follows the module parameter\n"
		"attach_scope (default 1: CAP_SYS_PTRACE in the user namespace that owns\n"
		"its memory; a non-dumpable process needs CAP_SYS_PTRACE in the initial\n"
		"user namespace); a refusal is EPERM with a message naming the rule.\n"
		"The pages are charged to the caller's user's locked memory against its\n"
		"RLIMIT_MEMLOCK unless the caller has CAP_IPC_LOCK; a user's regions are\n"
		"capped by max_regions_per_user. A range may not overlap another region\n"
		"of the same process.\n",
	.run = attach_run,
};
