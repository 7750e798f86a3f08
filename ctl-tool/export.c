// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * counterctl export: every counter of every region the caller may act on,
 * and the module's statistics, as Prometheus metrics; on standard output,
 * or written atomically into a file for node_exporter's textfile
 * collector (which reads the *.prom files of a directory).
 *
 * The format is the Prometheus text exposition format 0.0.4, not the
 * OpenMetrics 1.0 text (--openmetrics names the family of formats that
 * Prometheus scrapes). Bookworm's prometheus-node-exporter (1.5.0) reads
 * textfiles with the 0.0.4 parser, and so does promtool check metrics
 * (2.42). Where the two formats differ, that parser sees it: OpenMetrics
 * names a counter family without its _total ("# TYPE ctrmap_counter
 * counter" above ctrmap_counter_total samples), which node_exporter 1.5
 * does not match to the samples: they come out untyped, their HELP lost
 * (tried). So the HELP and TYPE lines name the family as its samples are
 * named, with _total. And no "# EOF": OpenMetrics ends every document with
 * it; node_exporter 1.5 takes it for a comment (tried too), but it would
 * claim an OpenMetrics document that this is not.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ctrmap/ctrmap.h>

#include "counterctl.h"
#include "export.h"
#include "print.h"

/* Reads of a region list that keeps changing before export gives up. */
#define EXPORT_TRIES 10

void export_label_value(FILE *fp, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	while (*s) {
		size_t len = print_utf8_len(s);

		if (*s == '\\')
			fputs("\\\\", fp);
		else if (*s == '"')
			fputs("\\\"", fp);
		else if (*s == '\n')
			fputs("\\n", fp);
		else if (len)
			fwrite(s, 1, len, fp);
		else
			/* A comm is bytes, cut at 15 of them, maybe inside
			 * a character; the parsers refuse a label value
			 * that is not UTF-8, and with it the whole file. */
			fputs("\xef\xbf\xbd", fp);	/* U+FFFD */
		s += len ? len : 1;
	}
}

/* ,NAME="VALUE" (without the comma first); NULL is the empty value. */
static void label(FILE *fp, bool first, const char *name, const char *value)
{
	fprintf(fp, "%s%s=\"", first ? "" : ",", name);
	export_label_value(fp, value ? value : "");
	fputc('"', fp);
}

/*
 * A sample of ctrmap_counter_total per counter of r, into the FILE at
 * arg. Every sample has every label: one the counter lacks (a name, the
 * source of a counter with none bound) is empty, which Prometheus takes
 * as no label at all ({source=""} selects the unbound counters).
 */
static int export_region(const struct ctrmap_region_info *r, void *arg)
{
	const struct ctrmap_source **sources;
	char id[16], pid[16], index[16], source[64];
	FILE *fp = arg;

	/* A library older than the values: none to export. */
	if (!CTRMAP_HAS_FIELD(r, values) || !r->nvalues)
		return 0;
	sources = calloc(r->nvalues, sizeof(*sources));
	if (!sources)
		return -ENOMEM;
	for (unsigned int b = 0; b < r->nbindings; b++)
		if (r->bindings[b]->index < r->nvalues)
			sources[r->bindings[b]->index] = r->bindings[b]->source;
	snprintf(id, sizeof(id), "%" PRIu32, r->id);
	snprintf(pid, sizeof(pid), "%" PRIu32, r->pid);
	for (uint32_t i = 0; i < r->nvalues; i++) {
		snprintf(index, sizeof(index), "%" PRIu32, i);
		source[0] = '\0';
		if (sources[i])
			ctl_format_source(sources[i], source, sizeof(source));
		fputs("ctrmap_counter_total{", fp);
		label(fp, true, "region", id);
		label(fp, false, "region_name", ctl_region_name(r));
		label(fp, false, "index", index);
		label(fp, false, "name", ctrmap_counter_name(r, i));
		label(fp, false, "pid", pid);
		label(fp, false, "comm", r->comm);
		label(fp, false, "source", source);
		fprintf(fp, "} %" PRIu64 "\n", r->values[i]);
	}
	free(sources);
	return 0;
}

/*
 * The samples of ctrmap_counter_total into *buf (malloc'ed, *len bytes):
 * a list that changed while it was read (-EAGAIN) is read again, from
 * nothing. 0 or -errno.
 */
static int export_samples(struct ctrmap_handle *h, char **buf, size_t *len)
{
	int err = -EAGAIN;

	for (int tries = 0; tries < EXPORT_TRIES && err == -EAGAIN; tries++) {
		FILE *fp;

		free(*buf);
		*buf = NULL;
		fp = open_memstream(buf, len);
		if (!fp)
			return -errno;
		err = ctrmap_list(h, 0, CTRMAP_GET_VALUES, export_region, fp);
		if (fclose(fp) == EOF && !err)
			err = -ENOMEM;
	}
	return err;
}

/*
 * The whole text: the module's figures, then the counters (the family
 * only if there is a sample of it: no region, no ctrmap_counter_total).
 */
static void export_print(FILE *fp, const struct ctrmap_stats *st,
			 const char *samples, size_t len)
{
	bool detaches = false;

	fprintf(fp,
		"# HELP ctrmap_regions Regions attached now, of all processes.\n"
		"# TYPE ctrmap_regions gauge\n"
		"ctrmap_regions %" PRIu32 "\n"
		"# HELP ctrmap_pinned_pages Pages pinned for regions now, of all processes.\n"
		"# TYPE ctrmap_pinned_pages gauge\n"
		"ctrmap_pinned_pages %" PRIu64 "\n",
		st->regions, st->pinned_pages);
	/*
	 * The reasons the module sent: an older one may lack one, a newer
	 * one may have one this tool has no name for (its number).
	 */
	for (unsigned int r = CTRMAP_REASON_REQUEST; r < CTRMAP_STATS_REASONS;
	     r++) {
		char number[16];
		const char *name = ctl_reason_name(r, number, sizeof(number));

		if (!(st->detaches_sent & (UINT32_C(1) << r)))
			continue;
		if (!detaches)
			fputs("# HELP ctrmap_detaches_total Regions torn down since the module was loaded, by reason.\n"
			      "# TYPE ctrmap_detaches_total counter\n", fp);
		detaches = true;
		fputs("ctrmap_detaches_total{", fp);
		label(fp, true, "reason", name);
		fprintf(fp, "} %" PRIu64 "\n", st->detaches[r]);
	}
	if (!len)
		return;
	fputs("# HELP ctrmap_counter_total The value of each counter of each region the exporter may act on.\n"
	      "# TYPE ctrmap_counter_total counter\n", fp);
	fwrite(samples, 1, len, fp);
}

/*
 * The text into path, replacing it whole: it goes to a new file in the
 * same directory, renamed over path (rename(2) is atomic within a file
 * system), so that node_exporter, reading path at any moment, reads the
 * old text or the new, never part of one. The new file's name begins with
 * a dot and does not end in .prom: the textfile collector reads only
 * *.prom files. No fsync(): a file rewritten every few seconds need not
 * survive a crash, and readers never see it half-written without it.
 * Reports failure; path is then as it was.
 */
static int export_to_file(const char *path, const struct ctrmap_stats *st,
			  const char *samples, size_t len)
{
	const char *base = strrchr(path, '/');
	char *tmp;
	mode_t mask;
	FILE *fp;
	int fd, err = 0;

	base = base ? base + 1 : path;
	if (asprintf(&tmp, "%.*s.%s.XXXXXX", (int)(base - path), path,
		     base) < 0) {
		ctl_error(NULL, -ENOMEM, "cannot export");
		return CTL_EXIT_FAILED;
	}
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		goto report;
	}
	fp = fdopen(fd, "w");
	if (!fp) {
		err = -errno;
		close(fd);
		goto remove;
	}
	/* mkstemp() makes it 0600, but node_exporter runs as another user
	 * (prometheus): the mode open(2) would give, as the umask says. */
	mask = umask(0);
	umask(mask);
	if (fchmod(fd, 0666 & ~mask) < 0)
		err = -errno;
	if (!err)
		export_print(fp, st, samples, len);
	if (!err && fflush(fp) == EOF)
		err = -errno;
	if (!err && ferror(fp))
		err = -EIO;
	if (fclose(fp) == EOF && !err)
		err = -errno;
	if (!err && rename(tmp, path) < 0)
		err = -errno;
remove:
	if (err)
		unlink(tmp);
report:
	if (err)
		fprintf(stderr, "counterctl: cannot write %s: %s\n", path,
			strerror(-err));
	free(tmp);
	return err ? CTL_EXIT_FAILED : CTL_EXIT_OK;
}

static int export_run(const struct ctl_options *opts, int argc, char **argv)
{
	static const struct option long_options[] = {
		{ "openmetrics", no_argument, NULL, 'm' },
		{ "output", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	CTRMAP_OPTS(ctrmap_stats, st);
	struct ctrmap_handle *h;
	const char *path = NULL;
	bool openmetrics = false;
	char *samples = NULL;
	size_t len = 0;
	int c, err, status;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:", long_options,
				NULL)) != -1) {
		switch (c) {
		case 'm':
			openmetrics = true;
			break;
		case 'o':
			path = optarg;
			break;
		default:
			return ctl_option_error(&cmd_export, c, argv);
		}
	}
	if (optind < argc)
		return ctl_usage_error(&cmd_export, "unexpected argument '%s'",
				       argv[optind]);
	/* Named, so that another format may come without changing what
	 * an export that names none means. */
	if (!openmetrics)
		return ctl_usage_error(&cmd_export, "expected the format: --openmetrics");
	if (opts->format != PRINT_FORMAT_TEXT)
		return ctl_usage_error(&cmd_export, "-j and -p do not apply: it writes the Prometheus text format");
	if (path && !*path)
		return ctl_usage_error(&cmd_export, "option '-o' needs a file name");

	if (ctl_open(opts, &h))
		return CTL_EXIT_FAILED;
	err = ctrmap_stats(h, &st);
	if (err) {
		ctl_error(h, err, "cannot read the module's statistics");
		return CTL_EXIT_FAILED;
	}
	err = export_samples(h, &samples, &len);
	if (err) {
		ctl_error(h, err, "cannot list the regions");
		free(samples);
		return CTL_EXIT_FAILED;
	}
	status = CTL_EXIT_OK;
	if (path)
		status = export_to_file(path, &st, samples, len);
	else
		export_print(stdout, &st, samples, len);
	free(samples);
	return status;
}

const struct ctl_cmd cmd_export = {
	.name = "export",
	.summary = "print the counters as Prometheus metrics",
	.help =
		"Usage: counterctl export --openmetrics [-o|--output FILE]\n"
		"\n"
		"Print every counter of every region the caller may act on, and the\n"
		"module's figures, as metrics in the Prometheus text format (version\n"
		"0.0.4, which node_exporter's textfile collector reads): a sample of\n"
		"ctrmap_counter_total per counter, with the labels region (its ID),\n"
		"region_name, index, name (the counter's), pid, comm and source (the\n"
		"bound source, as bind takes it); ctrmap_regions and ctrmap_pinned_pages\n"
		"(of all processes); ctrmap_detaches_total by reason. Every counter is\n"
		"exported; a label with nothing to say (no name, no source bound) is\n"
		"empty. With no region, no ctrmap_counter_total. --openmetrics names the\n"
		"format, and is needed. With -o FILE, replace FILE atomically instead:\n"
		"write a new file in its directory and rename it over FILE, so that a\n"
		"reader sees the old text or the new, never part of one; if anything\n"
		"fails, FILE is left as it was.\n",
	.run = export_run,
};
