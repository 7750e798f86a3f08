/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The list subcommand's printer, exposed for the unit tests. */
#ifndef CTL_LIST_H
#define CTL_LIST_H

#include <stddef.h>

#include <ctrmap/ctrmap.h>

#include "print.h"

/* The regions as a table (text) or the elements of an array (JSON). */
void list_print(struct printer *p, const struct ctrmap_region_info *regions,
		size_t n);

#endif /* CTL_LIST_H */
