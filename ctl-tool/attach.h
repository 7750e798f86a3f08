/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The attach subcommand's printer, exposed for the unit tests. */
#ifndef CTL_ATTACH_H
#define CTL_ATTACH_H

#include <ctrmap/ctrmap.h>

#include "print.h"

void attach_print(struct printer *p, const struct ctrmap_attach_reply *a);

#endif /* CTL_ATTACH_H */
