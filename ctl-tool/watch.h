/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The watch subcommand's printer and loop, exposed for the unit tests. */
#ifndef CTL_WATCH_H
#define CTL_WATCH_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <ctrmap/ctrmap.h>

#include "print.h"

/* One event: "detached region 3 pid 1234 reason exit". */
void watch_print_event(struct printer *p, const struct ctrmap_event *ev);

/*
 * Print the events h (monitoring) receives to out, one line each, flushed
 * at once, until count of them (0: no limit), timeout_ms (negative: none)
 * or stop_fd becoming readable (what is readable is consumed). Returns a
 * CTL_EXIT_* status.
 */
int watch_loop(struct ctrmap_handle *h, FILE *out, enum print_format format,
	       uint64_t count, int64_t timeout_ms, int stop_fd);

#endif /* CTL_WATCH_H */
