// SPDX-License-Identifier: GPL-2.0-or-later
/* counterctl monitor (or watch): print the module's events as they come. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include <ctrmap/ctrmap.h>

#include "counterctl.h"
#include "monitor.h"
#include "print.h"

void monitor_print_event(struct printer *p, const struct ctrmap_event *ev)
{
	const char *reason = ctrmap_reason_name(ev->reason);
	char number[16];

	if (!reason) {
		/* A reason newer than this tool: its number. */
		snprintf(number, sizeof(number), "%u", ev->reason);
		reason = number;
	}
	print_string(p, PRINT_ANY, "event", "%s", "detached");
	print_uint(p, PRINT_ANY, "id", " region %u", ev->region_id);
	print_uint(p, PRINT_ANY, "pid", " pid %u", ev->pid);
	print_string(p, PRINT_ANY, "reason", " reason %s\n", reason);
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Time left until deadline for poll(): -1 for none, 0 if it is past. */
static int time_left(int64_t deadline)
{
	int64_t left;

	if (deadline < 0)
		return -1;
	left = deadline - now_ms();
	if (left < 0)
		return 0;
	return left > INT_MAX ? INT_MAX : (int)left;
}

/* Whether ev is one of the events mo asks for. */
static bool wanted(const struct monitor_opts *mo,
		   const struct ctrmap_event *ev)
{
	/* A PID not visible to us is 0, which --pid never is. */
	return (!mo->by_region || ev->region_id == mo->region) &&
	       (!mo->pid || ev->pid == mo->pid);
}

int monitor_loop(struct ctrmap_handle *h, FILE *out,
		 const struct monitor_opts *mo, int stop_fd)
{
	int64_t deadline = mo->timeout_ms < 0 ? -1 : now_ms() + mo->timeout_ms;
	struct pollfd pfd[2] = {
		{ .fd = ctrmap_event_fd(h), .events = POLLIN },
		{ .fd = stop_fd, .events = POLLIN },
	};
	uint32_t seen = 0;

	while (!mo->count || seen < mo->count) {
		CTRMAP_OPTS(ctrmap_event, ev);
		struct printer p;
		int ret, wait;

		/* Events already received first: poll() does not see them. */
		ret = ctrmap_next_event(h, &ev, 0);
		if (!ret) {
			if (!wanted(mo, &ev))
				continue;
			print_begin(&p, out, mo->format);
			monitor_print_event(&p, &ev);
			print_end(&p);
			if (fflush(out) == EOF)
				return CTL_EXIT_FAILED;
			seen++;
			continue;
		}
		if (ret == -ENOBUFS) {
			fputs("counterctl: monitor: events were lost (the socket's receive buffer overflowed)\n",
			      stderr);
			continue;
		}
		if (ret != -EAGAIN && ret != -EINTR) {
			ctl_error(h, ret, "cannot receive events");
			return CTL_EXIT_FAILED;
		}

		wait = time_left(deadline);
		if (!wait) {
			if (!mo->count)
				break;
			/* A script waiting for count events must know. */
			fprintf(stderr, "counterctl: monitor: timed out after %" PRId64 " s with %" PRIu32 " of %" PRIu32 " events\n",
				mo->timeout_ms / 1000, seen, mo->count);
			return CTL_EXIT_FAILED;
		}
		if (poll(pfd, 2, wait) < 0 && errno != EINTR) {
			ctl_error(h, -errno, "cannot wait for events");
			return CTL_EXIT_FAILED;
		}
		if (pfd[1].revents) {
			char buf[sizeof(struct signalfd_siginfo)];

			/* Consume it: a signal left pending would kill us
			 * once it is unblocked. */
			if (read(stop_fd, buf, sizeof(buf)) < 0)
				return CTL_EXIT_FAILED;
			break;
		}
	}
	return CTL_EXIT_OK;
}

static int monitor_run(const struct ctl_options *opts, int argc, char **argv)
{
	static const struct option long_options[] = {
		{ "region", required_argument, NULL, 'r' },
		{ "pid", required_argument, NULL, 'p' },
		{ "count", required_argument, NULL, 'c' },
		{ "timeout", required_argument, NULL, 't' },
		{ "ready", no_argument, NULL, 'R' },
		{ NULL, 0, NULL, 0 },
	};
	struct monitor_opts mo = {
		.format = opts->format,
		.timeout_ms = -1,
	};
	struct ctrmap_handle *h;
	sigset_t old;
	uint32_t seconds;
	bool ready = false;
	int c, err, sfd, status;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", long_options, NULL)) != -1) {
		switch (c) {
		case 'r':
			if (ctl_parse_u32(&cmd_monitor, "region ID", optarg,
					  &mo.region))
				return CTL_EXIT_USAGE;
			mo.by_region = true;
			break;
		case 'p':
			if (ctl_parse_nonzero_u32(&cmd_monitor, "pid", optarg,
						  &mo.pid))
				return CTL_EXIT_USAGE;
			break;
		case 'c':
			if (ctl_parse_nonzero_u32(&cmd_monitor, "count", optarg,
						  &mo.count))
				return CTL_EXIT_USAGE;
			break;
		case 't':
			if (ctl_parse_u32(&cmd_monitor, "timeout", optarg,
					  &seconds))
				return CTL_EXIT_USAGE;
			mo.timeout_ms = (int64_t)seconds * 1000;
			break;
		case 'R':
			ready = true;
			break;
		default:
			return ctl_option_error(&cmd_monitor, c, argv);
		}
	}
	if (optind < argc)
		return ctl_usage_error(&cmd_monitor, "unexpected argument '%s'",
				       argv[optind]);

	/* SIGINT and SIGTERM end monitoring. */
	sfd = ctl_stop_signals(&old);
	if (sfd < 0)
		return CTL_EXIT_FAILED;

	status = CTL_EXIT_FAILED;
	if (ctl_open(opts, &h))
		goto out_sfd;
	err = ctrmap_monitor(h);
	if (err) {
		ctl_error(h, err, "cannot subscribe to the module's events");
		goto out_sfd;
	}
	/* Scripts wait for this before they make events happen. */
	if (ready)
		fputs("ready\n", stderr);
	status = monitor_loop(h, stdout, &mo, sfd);

out_sfd:
	close(sfd);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return status;
}

const struct ctl_cmd cmd_monitor = {
	.name = "monitor",
	.alias = "watch",
	.summary = "print the module's events as they happen",
	.endless = true,
	.help =
		"Usage: counterctl [-j] monitor [--region ID] [--pid PID] [--count N] [--timeout SECONDS] [--ready]\n"
		"\n"
		"Subscribe to the module's events and print one line per event as it\n"
		"comes:\n"
		"  detached region ID pid PID reason REASON\n"
		"With -j, one JSON object per line (with -p, indented), with the keys\n"
		"event, id, pid and reason. --region and --pid print only the events of\n"
		"region ID, of process PID (0 in an event: not visible to you). --ready\n"
		"prints \"ready\" to standard error once subscribed, for a script to wait\n"
		"for before it makes events happen. Stops, with status 0, after N events\n"
		"printed, after SECONDS, or on SIGINT or SIGTERM; but if SECONDS pass\n"
		"before N events, says so on standard error and exits with status 1.\n"
		"Also called watch.\n",
	.run = monitor_run,
};
