// SPDX-License-Identifier: GPL-2.0
/*
 * Regions: pin, vmap, account, teardown. Attaching lands here with the
 * attach issue; for now it keeps the module-wide figures STATS reports.
 */
#include <linux/atomic.h>
#include <linux/string.h>

#include "region.h"

static struct {
	atomic_t regions;
	atomic64_t pinned_pages;
	atomic_t bindings;
	atomic64_t attaches;
	atomic64_t detaches[CTRMAP_REASON_MAX + 1];
} counts;

void ctrmap_region_counts(struct ctrmap_counts *c)
{
	int i;

	memset(c, 0, sizeof(*c));
	c->regions = atomic_read(&counts.regions);
	c->pinned_pages = atomic64_read(&counts.pinned_pages);
	c->bindings = atomic_read(&counts.bindings);
	c->attaches = atomic64_read(&counts.attaches);
	for (i = 0; i <= CTRMAP_REASON_MAX; i++)
		c->detaches[i] = atomic64_read(&counts.detaches[i]);
}
