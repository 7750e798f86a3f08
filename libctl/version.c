// SPDX-License-Identifier: LGPL-2.1-or-later
/* The library's own version, as it runs. */
#include <ctrmap/ctrmap.h>

#ifndef CTRMAP_VERSION
#error "CTRMAP_VERSION must be defined by the build"
#endif

const char *ctrmap_version(void)
{
	return CTRMAP_VERSION;
}
