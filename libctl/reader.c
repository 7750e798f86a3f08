// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The reader side of libctrmap: runs in the process that owns a region and
 * reads it with plain loads. No system call, no netlink, no handle. The one
 * implementation is the header-only <ctrmap/reader.h>; these are its
 * exported names.
 */
#include <ctrmap/ctrmap.h>
#include <ctrmap/reader.h>

int ctrmap_region_check(const void *region, size_t len)
{
	return ctrmap_reader_check(region, len);
}

unsigned int ctrmap_region_state(const void *region, unsigned int *reason)
{
	return ctrmap_reader_state(region, reason);
}

int ctrmap_read(const void *region, unsigned int index, uint64_t *value)
{
	return ctrmap_reader_read(region, index, value);
}

int ctrmap_snapshot(const void *region, unsigned int first, unsigned int n,
		    uint64_t *out)
{
	return ctrmap_reader_snapshot(region, first, n, out);
}
