/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ctrmap's in-kernel API: count events straight into a user process's
 * memory from any context, hard IRQ included.
 *
 *	// An id from user space (ioctl, sysfs): only if the caller may act
 *	// on the region's process, by the rule of every ctrmap command.
 *	struct ctrmap_region *r = ctrmap_region_get_checked(id);
 *
 *	// ctrmap_region_get(id) has no such check: only for ids the driver
 *	// obtained itself.
 *
 *	// in the interrupt handler:
 *	ctrmap_add(r, 0, 1);
 *
 *	// several counters that one event moves together, read consistently
 *	// by user space through the header's seq:
 *	struct ctrmap_group g;
 *	if (!ctrmap_group_begin(r, &g)) {
 *		ctrmap_group_add(&g, 1, 1);		// packets
 *		ctrmap_group_add(&g, 2, len);		// bytes
 *		ctrmap_group_end(&g);
 *	}
 *
 *	ctrmap_region_put(r);
 *
 * A reference keeps the region's bookkeeping alive, not its memory: once the
 * process exits or unmaps the range (or the region is detached), writes
 * return -ENODEV and change nothing, and the caller should put its
 * reference. Every function here but ctrmap_region_get_checked() (process
 * context) is safe in any context, hard IRQ included, and never sleeps.
 */
#ifndef _LINUX_CTRMAP_H
#define _LINUX_CTRMAP_H

#include <linux/types.h>
#include <uapi/linux/ctrmap.h>

struct ctrmap_region;
struct ctrmap_header;

struct ctrmap_group {
	struct ctrmap_region *region;
	struct ctrmap_header *hdr;
	unsigned long flags;
};

struct ctrmap_region *ctrmap_region_get(u32 id);
struct ctrmap_region *ctrmap_region_get_checked(u32 id);
void ctrmap_region_put(struct ctrmap_region *r);
u32 ctrmap_region_ncounters(const struct ctrmap_region *r);

int ctrmap_add(struct ctrmap_region *r, u32 index, u64 delta);

int ctrmap_group_begin(struct ctrmap_region *r, struct ctrmap_group *g);
void ctrmap_group_add(struct ctrmap_group *g, u32 index, u64 delta);
void ctrmap_group_end(struct ctrmap_group *g);

#endif /* _LINUX_CTRMAP_H */
