/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The monitor subcommand's printer and loop, exposed for the unit tests. */
#ifndef CTL_MONITOR_H
#define CTL_MONITOR_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <ctrmap/ctrmap.h>

#include "print.h"

/* What monitor shows, and when it stops. */
struct monitor_opts {
	enum print_format format;
	bool by_region;		/* --region: only the events of region */
	uint32_t region;
	uint32_t pid;		/* --pid: only the events of pid; 0: all */
	uint32_t count;		/* stop after this many shown; 0: never */
	int64_t timeout_ms;	/* stop after this long; negative: never */
};

/* One event: "detached region 3 pid 1234 reason exit". */
void monitor_print_event(struct printer *p, const struct ctrmap_event *ev);

/*
 * Print the events h (monitoring) receives that mo wants to out, one line
 * each (pretty JSON: one object), flushed at once, until mo->count of them,
 * mo->timeout_ms or stop_fd becoming readable (what is readable is
 * consumed). Returns a CTL_EXIT_* status: CTL_EXIT_FAILED, said on
 * stderr, if the timeout came before count events.
 */
int monitor_loop(struct ctrmap_handle *h, FILE *out,
		 const struct monitor_opts *mo, int stop_fd);

#endif /* CTL_MONITOR_H */
