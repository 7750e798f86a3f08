/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The show subcommand's printer, exposed for the unit tests. */
#ifndef CTL_SHOW_H
#define CTL_SHOW_H

#include <stdbool.h>

#include <ctrmap/ctrmap.h>

#include "print.h"

/* One region, key: value lines; with verbose also its pages. */
void show_print(struct printer *p, const struct ctrmap_region_info *r,
		bool verbose);

/* Its counter values (CTRMAP_GET_VALUES): "counter N: VALUE" lines. */
void show_print_values(struct printer *p, const struct ctrmap_region_info *r);

#endif /* CTL_SHOW_H */
