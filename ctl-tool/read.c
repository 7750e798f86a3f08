// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * counterctl read: counter values as the kernel reads them (GET with a
 * range), once, or with --watch as rates per second.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include <ctrmap/ctrmap.h>

#include "counterctl.h"
#include "print.h"
#include "read.h"

/* The longest --watch interval: one day. */
#define READ_MAX_INTERVAL_NS (86400ULL * 1000000000ULL)

int read_parse_interval(const char *s, uint64_t *ns)
{
	uint64_t sec = 0, frac = 0, scale = 1000000000ULL;
	const char *p = s;

	if (*p < '0' || *p > '9')
		return -EINVAL;
	for (; *p >= '0' && *p <= '9'; p++) {
		sec = sec * 10 + (uint64_t)(*p - '0');
		if (sec > READ_MAX_INTERVAL_NS / 1000000000ULL)
			return -EINVAL;
	}
	if (*p == '.') {
		if (p[1] < '0' || p[1] > '9')
			return -EINVAL;
		for (p++; *p >= '0' && *p <= '9'; p++) {
			if (scale == 1)
				return -EINVAL;	/* finer than 1 ns */
			scale /= 10;
			frac += (uint64_t)(*p - '0') * scale;
		}
	}
	if (*p)
		return -EINVAL;
	*ns = sec * 1000000000ULL + frac;
	if (!*ns || *ns > READ_MAX_INTERVAL_NS)
		return -EINVAL;
	return 0;
}

void read_print_values(struct printer *p, const uint32_t *idx,
		       const char *const *names, unsigned int n,
		       uint32_t first, const uint64_t *values)
{
	for (unsigned int i = 0; i < n; i++)
		ctl_print_counter(p, false, idx[i], names ? names[i] : NULL,
				  values[idx[i] - first]);
}

unsigned int read_print_rates(struct printer *p, const uint32_t *idx,
			      const char *const *names, unsigned int n,
			      uint32_t first, const uint64_t *before,
			      const uint64_t *after, uint64_t elapsed_ns)
{
	unsigned int changed = 0;

	for (unsigned int i = 0; i < n; i++) {
		/* Modulo 2^64, as the counters wrap. */
		uint64_t delta = after[idx[i] - first] - before[idx[i] - first];

		if (!delta)
			continue;
		print_open_object(p, NULL);
		print_uint(p, PRINT_ANY, "index", "%u ", idx[i]);
		if (names && names[i])
			print_string(p, PRINT_ANY, "name", "%s ", names[i]);
		else
			print_string(p, PRINT_FP, NULL, "%s", "- ");
		print_double(p, PRINT_ANY, "rate", "%.2f\n",
			     (double)delta * 1e9 / (double)elapsed_ns);
		print_close_object(p);
		changed++;
	}
	return changed;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/*
 * What one read covers: counters [first, first + count), idx printed, as
 * refs named them; names[i]: idx[i]'s name, if it has one.
 */
struct read_ctx {
	const struct ctl_options *opts;
	uint32_t id;
	uint32_t first;
	uint32_t count;
	struct ctl_ref *refs;
	uint32_t *idx;
	unsigned int nidx;
	struct ctl_names named;
	const char **names;
};

/* idx from refs. 0 or CTL_EXIT_FAILED, reported. */
static int read_refs(struct read_ctx *ctx)
{
	for (unsigned int i = 0; i < ctx->nidx; i++)
		if (ctl_names_index(&ctx->named, &ctx->refs[i], &ctx->idx[i]))
			return CTL_EXIT_FAILED;
	return 0;
}

/* names[i]: idx[i]'s name. 0 or CTL_EXIT_FAILED, reported. */
static int read_names(struct read_ctx *ctx)
{
	ctx->names = calloc(ctx->nidx ? ctx->nidx : 1, sizeof(*ctx->names));
	if (!ctx->names) {
		ctl_error(NULL, -ENOMEM, "cannot read the counters");
		return CTL_EXIT_FAILED;
	}
	for (unsigned int i = 0; i < ctx->nidx; i++)
		ctx->names[i] = ctl_name_of(&ctx->named, ctx->idx[i]);
	return 0;
}

static int read_values(struct ctrmap_handle *h, const struct read_ctx *ctx,
		       uint64_t *values)
{
	int err = ctrmap_get_values(h, ctx->id, ctx->first, ctx->count, values,
				    NULL);

	if (err)
		ctl_error(h, err, "cannot read the counters");
	return err;
}

/* Until SIGINT or SIGTERM on sfd: every interval, the rates of change. */
static int watch(struct ctrmap_handle *h, const struct read_ctx *ctx,
		 uint64_t interval, int sfd)
{
	uint64_t *before, *after, *tmp, t0, t1, next;
	struct pollfd pfd = { .fd = sfd, .events = POLLIN };
	int status = CTL_EXIT_FAILED;

	before = calloc(ctx->count, sizeof(*before));
	after = calloc(ctx->count, sizeof(*after));
	if (!before || !after) {
		ctl_error(NULL, -ENOMEM, "cannot read the counters");
		goto out;
	}
	if (read_values(h, ctx, before))
		goto out;
	t0 = now_ns();
	next = t0 + interval;
	for (;;) {
		uint64_t now = now_ns(), left = next > now ? next - now : 0;
		struct timespec ts = {
			.tv_sec = (time_t)(left / 1000000000ULL),
			.tv_nsec = (long)(left % 1000000000ULL),
		};
		struct printer p;
		int ret = ppoll(&pfd, 1, &ts, NULL);

		if (ret < 0 && errno != EINTR) {
			ctl_error(NULL, -errno, "cannot wait");
			goto out;
		}
		if (ret > 0) {
			char buf[sizeof(struct signalfd_siginfo)];

			/* Consume it: a signal left pending would kill us
			 * once it is unblocked. */
			if (read(sfd, buf, sizeof(buf)) < 0)
				goto out;
			break;
		}
		if (now_ns() < next)
			continue;
		if (read_values(h, ctx, after))
			goto out;
		t1 = now_ns();
		print_begin_array(&p, stdout, ctx->opts->format);
		read_print_rates(&p, ctx->idx, ctx->names, ctx->nidx,
				 ctx->first, before, after, t1 - t0);
		print_end(&p);
		if (fflush(stdout) == EOF)
			goto out;
		tmp = before;
		before = after;
		after = tmp;
		t0 = t1;
		/* Late by more than an interval: start again from now. */
		next += interval;
		if (next < t1)
			next = t1 + interval;
	}
	status = CTL_EXIT_OK;
out:
	free(before);
	free(after);
	return status;
}

static int read_once(struct ctrmap_handle *h, const struct read_ctx *ctx)
{
	uint64_t *values = calloc(ctx->count, sizeof(*values));
	struct printer p;
	int err;

	if (!values) {
		ctl_error(NULL, -ENOMEM, "cannot read the counters");
		return CTL_EXIT_FAILED;
	}
	err = read_values(h, ctx, values);
	if (!err) {
		print_begin_array(&p, stdout, ctx->opts->format);
		read_print_values(&p, ctx->idx, ctx->names, ctx->nidx,
				  ctx->first, values);
		print_end(&p);
	}
	free(values);
	return err ? CTL_EXIT_FAILED : CTL_EXIT_OK;
}

/*
 * The range to read: the indexes asked for, each checked against the
 * region's counters; without, every counter.
 */
static int read_range(struct read_ctx *ctx)
{
	uint32_t lo = UINT32_MAX, hi = 0;

	if (!ctx->nidx) {
		ctx->idx = calloc(ctx->named.ncounters, sizeof(*ctx->idx));
		if (!ctx->idx) {
			ctl_error(NULL, -ENOMEM, "cannot read the counters");
			return CTL_EXIT_FAILED;
		}
		for (uint32_t i = 0; i < ctx->named.ncounters; i++)
			ctx->idx[i] = i;
		ctx->nidx = ctx->named.ncounters;
	}
	for (unsigned int i = 0; i < ctx->nidx; i++) {
		if (ctx->idx[i] >= ctx->named.ncounters) {
			fprintf(stderr, "counterctl: read: index %u is past the last counter of region %u (it has %u)\n",
				ctx->idx[i], ctx->id, ctx->named.ncounters);
			return CTL_EXIT_FAILED;
		}
		if (ctx->idx[i] < lo)
			lo = ctx->idx[i];
		if (ctx->idx[i] > hi)
			hi = ctx->idx[i];
	}
	ctx->first = lo;
	ctx->count = hi - lo + 1;
	return 0;
}

static int read_run(const struct ctl_options *opts, int argc, char **argv)
{
	static const struct option long_options[] = {
		{ "watch", required_argument, NULL, 'w' },
		{ NULL, 0, NULL, 0 },
	};
	struct read_ctx ctx = { .opts = opts };
	struct ctrmap_handle *h = NULL;
	struct ctl_ref region;
	uint64_t interval = 0;
	sigset_t old;
	int c, sfd = -1, status = CTL_EXIT_FAILED;

	sigemptyset(&old);
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":w:", long_options,
				NULL)) != -1) {
		switch (c) {
		case 'w':
			if (read_parse_interval(optarg, &interval))
				return ctl_usage_error(&cmd_read,
						       "invalid interval '%s' (seconds, more than 0, at most 86400)",
						       optarg);
			break;
		default:
			return ctl_option_error(&cmd_read, c, argv);
		}
	}
	/* As monitor: the lines after it would wait for ever. */
	if (interval && opts->batch)
		return ctl_usage_error(&cmd_read, "--watch cannot run in a batch (-b): it runs until it is stopped");
	if (optind >= argc)
		return ctl_usage_error(&cmd_read, "expected a region ID");
	if (ctl_parse_ref(&cmd_read, "region ID", argv[optind], &region))
		return CTL_EXIT_USAGE;
	optind++;
	if (optind < argc) {
		ctx.idx = calloc((size_t)(argc - optind), sizeof(*ctx.idx));
		ctx.refs = calloc((size_t)(argc - optind), sizeof(*ctx.refs));
		if (!ctx.idx || !ctx.refs) {
			ctl_error(NULL, -ENOMEM, "cannot read the counters");
			goto out;
		}
	}
	for (; optind < argc; optind++) {
		if (ctl_parse_ref(&cmd_read, "index", argv[optind],
				  &ctx.refs[ctx.nidx++])) {
			status = CTL_EXIT_USAGE;
			goto out;
		}
	}

	/* SIGINT and SIGTERM end watching. */
	if (interval) {
		sfd = ctl_stop_signals(&old);
		if (sfd < 0)
			goto out;
	}
	if (ctl_open(opts, &h) || ctl_region_id(h, &region, &ctx.id))
		goto out;
	if (ctl_get_names(h, ctx.id, &ctx.named,
			  "cannot read the counters"))
		goto out;
	status = read_refs(&ctx);
	if (!status)
		status = read_range(&ctx);
	if (!status)
		status = read_names(&ctx);
	if (status)
		goto out;
	status = interval ? watch(h, &ctx, interval, sfd) : read_once(h, &ctx);
out:
	if (sfd >= 0) {
		close(sfd);
		sigprocmask(SIG_SETMASK, &old, NULL);
	}
	free(ctx.idx);
	free(ctx.refs);
	ctl_free_names(&ctx.named);
	free(ctx.names);
	return status;
}

const struct ctl_cmd cmd_read = {
	.name = "read",
	.summary = "read counters through the kernel, once or as rates",
	.help =
		"Usage: counterctl [-j] read [--watch INTERVAL] ID [INDEX...]\n"
		"\n"
		"Read the counters INDEX (from 0) of region ID, or all of them, through\n"
		"the kernel: from any process that may act on the region, not only the\n"
		"one that maps it. Print one \"INDEX NAME VALUE\" line per counter (NAME\n"
		"- for a counter without a name), in the order asked; with -j, a JSON array\n"
		"of {\"index\", \"name\" (if it has one), \"value\"}. Up to 512\n"
		"counters are read as one consistent snapshot.\n"
		"With --watch INTERVAL (seconds, such as 1 or 0.5), read them every\n"
		"INTERVAL and print for each counter that changed \"INDEX NAME RATE\", its\n"
		"change per second with two decimals; with -j, one JSON array of\n"
		"{\"index\", \"name\", \"rate\"} per line and interval. Stops, with status 0, on\n"
		"SIGINT or SIGTERM; with status 1 if the region goes away.\n",
	.run = read_run,
};
