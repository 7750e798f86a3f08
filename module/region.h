/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _CTRMAP_REGION_H
#define _CTRMAP_REGION_H

#include <linux/types.h>
#include <uapi/linux/ctrmap.h>

/* Module-wide figures, as STATS reports them. */
struct ctrmap_counts {
	u32 regions;
	u64 pinned_pages;
	u32 bindings;
	u64 attaches;
	u64 detaches[CTRMAP_REASON_MAX + 1];
};

void ctrmap_region_counts(struct ctrmap_counts *c);

#endif /* _CTRMAP_REGION_H */
