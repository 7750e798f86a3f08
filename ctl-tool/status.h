/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The status subcommand's printer, exposed for the unit tests. */
#ifndef CTL_STATUS_H
#define CTL_STATUS_H

#include <ctrmap/ctrmap.h>

#include "print.h"

void status_print(struct printer *p, const struct ctrmap_stats *st);

#endif /* CTL_STATUS_H */
