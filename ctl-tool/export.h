/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The export subcommand's escaping, exposed for the unit tests. */
#ifndef CTL_EXPORT_H
#define CTL_EXPORT_H

#include <stdio.h>

/*
 * s as the inside of a label value of the Prometheus text format: \, "
 * and a newline escaped (\\, \", \n), the rest as it is, but invalid UTF-8
 * (which the format's parsers refuse) as U+FFFD.
 */
void export_label_value(FILE *fp, const char *s);

#endif /* CTL_EXPORT_H */
