// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * counterctl: control ctrmap, kernel counters served straight into a
 * process's memory. This file is the entry point: global options, the
 * subcommand table and help. Each subcommand lives in its own file.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <ctrmap/ctrmap.h>

#include "batch.h"
#include "counterctl.h"
#include "print.h"

#ifndef CTRMAP_VERSION
#error "CTRMAP_VERSION must be defined by the build"
#endif

static const struct ctl_cmd cmd_help;

static const struct ctl_cmd *const commands[] = {
	&cmd_status,
	&cmd_attach,
	&cmd_detach,
	&cmd_add,
	&cmd_bind,
	&cmd_unbind,
	&cmd_list,
	&cmd_show,
	&cmd_read,
	&cmd_name,
	&cmd_export,
	&cmd_monitor,
	&cmd_help,
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *fp)
{
	fputs("Usage: counterctl [OPTIONS] COMMAND [ARGS]\n"
	      "\n"
	      "Control ctrmap: kernel counters served straight into a process's memory.\n"
	      "\n"
	      "Options:\n"
	      "  -j, --json        print JSON instead of text\n"
	      "  -p, --pretty      print JSON indented for humans (implies -j)\n"
	      "  -b, --batch FILE  run the commands in FILE (- is standard input), one a line\n"
	      "  -f, --force       with -b, go on after a command fails; exit 1 if any did\n"
	      "  -h, --help        show this help\n"
	      "  -V, --version     show the versions of counterctl, libctrmap and the module\n"
	      "-j and -p may also follow the command, each as a word of its own.\n"
	      "\n"
	      "Commands:\n", fp);
	for (size_t i = 0; i < NCOMMANDS; i++) {
		fprintf(fp, "  %-10s %s", commands[i]->name,
			commands[i]->summary);
		if (commands[i]->alias)
			fprintf(fp, " (alias: %s)", commands[i]->alias);
		fputc('\n', fp);
	}
	fputs("Commands may be abbreviated to a prefix no other command has: li is list.\n"
	      "A region's name may stand for its ID, a counter's name for its INDEX.\n"
	      "\n"
	      "Exit status:\n"
	      "  0  success\n"
	      "  1  the operation failed\n"
	      "  2  usage error: unknown command or option, bad arguments\n",
	      fp);
}

/* cmd's name or alias that begins with the len bytes of word, or NULL. */
static const char *name_with_prefix(const struct ctl_cmd *cmd,
				    const char *word, size_t len)
{
	if (!strncmp(cmd->name, word, len))
		return cmd->name;
	if (cmd->alias && !strncmp(cmd->alias, word, len))
		return cmd->alias;
	return NULL;
}

/*
 * The command word names, as ip finds them: a command's name or alias in
 * full, or else a prefix of only one command's ("li" is list). A name in
 * full wins even where it begins another command's name. 0, or a usage
 * error reported (CTL_EXIT_USAGE): no such command, or a prefix of
 * several, which are named.
 */
static int find_command(const char *word, const struct ctl_cmd **found)
{
	size_t len = strlen(word), n = 0;

	for (size_t i = 0; i < NCOMMANDS; i++) {
		if (!strcmp(commands[i]->name, word) ||
		    (commands[i]->alias && !strcmp(commands[i]->alias, word))) {
			*found = commands[i];
			return 0;
		}
	}
	for (size_t i = 0; len && i < NCOMMANDS; i++) {
		if (name_with_prefix(commands[i], word, len)) {
			*found = commands[i];
			n++;
		}
	}
	if (n == 1)
		return 0;
	if (!n) {
		fprintf(stderr, "counterctl: unknown command '%s'\n", word);
	} else {
		fprintf(stderr, "counterctl: ambiguous command '%s':", word);
		for (size_t i = 0, k = 0; i < NCOMMANDS; i++) {
			const char *name = name_with_prefix(commands[i], word,
							    len);

			if (name)
				fprintf(stderr, "%s %s", k++ ? "," : "", name);
		}
		fputc('\n', stderr);
	}
	fputs("Try 'counterctl --help'.\n", stderr);
	return CTL_EXIT_USAGE;
}

/* counterctl help [COMMAND] */
static int help_run(const struct ctl_options *opts, int argc, char **argv)
{
	const struct ctl_cmd *cmd;

	(void)opts;
	if (argc < 2) {
		usage(stdout);
		return CTL_EXIT_OK;
	}
	if (argc > 2)
		return ctl_usage_error(&cmd_help, "unexpected argument '%s'",
				       argv[2]);
	if (find_command(argv[1], &cmd))
		return CTL_EXIT_USAGE;
	fputs(cmd->help, stdout);
	return CTL_EXIT_OK;
}

static const struct ctl_cmd cmd_help = {
	.name = "help",
	.summary = "show a command's help: counterctl help COMMAND",
	.help =
		"Usage: counterctl help [COMMAND]\n"
		"\n"
		"Show COMMAND's help (COMMAND --help shows the same), or without one\n"
		"counterctl's: the options, the commands and the exit status.\n",
	.run = help_run,
};

/*
 * The loaded module's version into buf, from sysfs (every ctrmap module
 * sets MODULE_VERSION): asking the module itself would resolve the
 * family, and that loads it. 0, or -errno (-ENOENT: not loaded).
 */
static int module_version(char *buf, size_t size)
{
	FILE *fp = fopen("/sys/module/ctrmap/version", "re");
	int err = 0;

	if (!fp)
		return -errno;
	if (!fgets(buf, (int)size, fp))
		err = -EIO;
	fclose(fp);
	buf[strcspn(buf, "\n")] = '\0';
	return err;
}

/* counterctl --version: the tool's, the library's and the module's. */
static int version(enum print_format format)
{
	char module[64];
	struct printer p;

	print_begin(&p, stdout, format);
	print_string(&p, PRINT_ANY, "counterctl", "counterctl %s\n",
		     CTRMAP_VERSION);
	print_string(&p, PRINT_ANY, "libctrmap", "libctrmap %s\n",
		     ctrmap_version());
	if (!module_version(module, sizeof(module)))
		print_string(&p, PRINT_ANY, "module", "ctrmap module %s\n",
			     module);
	else
		print_string(&p, PRINT_FP, NULL, "%s",
			     "ctrmap module not loaded\n");
	print_end(&p);
	return CTL_EXIT_OK;
}

/* -j or -p asks for format; -p wins over -j, whatever the order. */
static void set_format(struct ctl_options *opts, enum print_format format)
{
	if (format > opts->format)
		opts->format = format;
}

/*
 * The command's arguments without the -j, --json, -p and --pretty that
 * follow the command (as ip and bpftool take them), up to "--": those
 * set opts. Returns the new argc; argv[argc] stays NULL.
 */
static int take_format_options(struct ctl_options *opts, int argc,
			       char **argv)
{
	int i, n = 1;

	for (i = 1; i < argc && strcmp(argv[i], "--"); i++) {
		if (!strcmp(argv[i], "-j") || !strcmp(argv[i], "--json"))
			set_format(opts, PRINT_FORMAT_JSON);
		else if (!strcmp(argv[i], "-p") || !strcmp(argv[i], "--pretty"))
			set_format(opts, PRINT_FORMAT_PRETTY);
		else
			argv[n++] = argv[i];
	}
	while (i < argc)
		argv[n++] = argv[i++];
	argv[n] = NULL;
	return n;
}

/*
 * One command: argv[0] names it, the rest are its arguments. -j and -p
 * after the command are for it alone (in a batch, its line alone).
 */
static int run_command(const struct ctl_options *global, int argc,
		       char **argv)
{
	struct ctl_options opts = *global;
	const struct ctl_cmd *cmd;

	if (find_command(argv[0], &cmd))
		return CTL_EXIT_USAGE;
	argc = take_format_options(&opts, argc, argv);
	if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		fputs(cmd->help, stdout);
		return CTL_EXIT_OK;
	}
	/* The lines after it would wait for ever, and a handle that
	 * monitors sends no requests. */
	if (opts.batch && cmd->endless)
		return ctl_usage_error(cmd, "cannot run in a batch (-b): it runs until it is stopped");
	return cmd->run(&opts, argc, argv);
}

static int run(int argc, char **argv, struct ctrmap_handle **h)
{
	static const struct option long_options[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "pretty", no_argument, NULL, 'p' },
		{ "batch", required_argument, NULL, 'b' },
		{ "force", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct ctl_options opts = {
		.format = PRINT_FORMAT_TEXT,
		.handle = h,
	};
	const char *batch = NULL;
	bool show_version = false, force = false;
	int c;

	opterr = 0;	/* getopt would name argv[0]; report it ourselves */
	/* "+": options end at the command; the rest is the command's. */
	while ((c = getopt_long(argc, argv, "+:jpb:fhV", long_options,
				NULL)) != -1) {
		switch (c) {
		case 'j':
			set_format(&opts, PRINT_FORMAT_JSON);
			break;
		case 'p':
			set_format(&opts, PRINT_FORMAT_PRETTY);
			break;
		case 'b':
			batch = optarg;
			break;
		case 'f':
			force = true;
			break;
		case 'h':
			usage(stdout);
			return CTL_EXIT_OK;
		case 'V':
			/* After the other options: -j may follow it. */
			show_version = true;
			break;
		case ':':
			fprintf(stderr, "counterctl: option '%s' needs a value\n",
				argv[optind - 1]);
			fputs("Try 'counterctl --help'.\n", stderr);
			return CTL_EXIT_USAGE;
		default:
			if (optopt)
				fprintf(stderr, "counterctl: unknown option '-%c'\n",
					optopt);
			else
				fprintf(stderr, "counterctl: unknown option '%s'\n",
					argv[optind - 1]);
			fputs("Try 'counterctl --help'.\n", stderr);
			return CTL_EXIT_USAGE;
		}
	}

	if (show_version)
		return version(opts.format);
	argc -= optind;
	argv += optind;
	if (batch && argc) {
		fprintf(stderr, "counterctl: unexpected argument '%s': with -b, the commands come from %s\n",
			argv[0], batch);
		fputs("Try 'counterctl --help'.\n", stderr);
		return CTL_EXIT_USAGE;
	}
	if (force && !batch) {
		fputs("counterctl: --force goes with -b FILE\n"
		      "Try 'counterctl --help'.\n", stderr);
		return CTL_EXIT_USAGE;
	}
	if (batch)
		return batch_run(&opts, batch, force, run_command);
	if (argc < 1) {
		usage(stderr);
		return CTL_EXIT_USAGE;
	}
	return run_command(&opts, argc, argv);
}

int main(int argc, char **argv)
{
	struct ctrmap_handle *h = NULL;	/* opened by the first command */
	int status = run(argc, argv, &h);

	ctrmap_close(h);

	/* Output that did not reach its destination is a failure. */
	if (fflush(stdout) == EOF || ferror(stdout)) {
		fprintf(stderr, "counterctl: cannot write output: %s\n",
			strerror(errno));
		if (status == CTL_EXIT_OK)
			status = CTL_EXIT_FAILED;
	}
	return status;
}
