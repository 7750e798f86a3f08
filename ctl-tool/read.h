/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The read subcommand's parser and printers, exposed for the unit tests. */
#ifndef CTL_READ_H
#define CTL_READ_H

#include <stdint.h>

#include "print.h"

/*
 * A --watch interval: decimal seconds, a fraction allowed ("0.5"), more
 * than 0 and at most a day, into *ns. 0 or -EINVAL.
 */
int read_parse_interval(const char *s, uint64_t *ns);

/*
 * Counters idx[0..n) of values, which holds counters from first on, named
 * names[0..n) (NULL: no name; names itself may be NULL): text "INDEX NAME
 * VALUE" lines (NAME "-" if none), JSON objects {"index", "name" (if any),
 * "value"} (in an array the caller opened).
 */
void read_print_values(struct printer *p, const uint32_t *idx,
		       const char *const *names, unsigned int n,
		       uint32_t first, const uint64_t *values);

/*
 * Those of idx[0..n) that changed from before to after (modulo 2^64), as
 * changes per second over elapsed_ns: text "INDEX NAME RATE" lines (two
 * decimals), JSON objects {"index", "name" (if any), "rate"}. Returns how
 * many changed.
 */
unsigned int read_print_rates(struct printer *p, const uint32_t *idx,
			      const char *const *names, unsigned int n,
			      uint32_t first, const uint64_t *before,
			      const uint64_t *after, uint64_t elapsed_ns);

#endif /* CTL_READ_H */
