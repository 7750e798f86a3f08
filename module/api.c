// SPDX-License-Identifier: GPL-2.0
/*
 * The in-kernel writers, exported to other drivers (include/linux/ctrmap.h):
 * safe from any context, hard IRQ included. A writer reaches the counters
 * only through the RCU-published header, so teardown, which unpublishes it
 * and waits for a grace period before unmapping, never races a write. No
 * writer starts once the region is dying (killed, its teardown queued).
 */
#include <linux/atomic.h>
#include <linux/ctrmap.h>
#include <linux/export.h>
#include <linux/preempt.h>
#include <linux/rcupdate.h>
#include <linux/string.h>

#include "region.h"

/*
 * A writer's read section is a preempt-off (or interrupts-off) one: since
 * the RCU flavours were consolidated (4.20), synchronize_rcu() in the
 * teardown waits for those too, and entering one costs a per-CPU
 * increment where rcu_read_lock() under PREEMPT_RCU is a call each way
 * (make bench: ctrmap-bench-update).
 *
 * The header, inside such a section; NULL once dying. The acquire in
 * ctrmap_region_live() orders this load after the attach's.
 */
static __always_inline struct ctrmap_header *
ctrmap_write_hdr(struct ctrmap_region *r)
{
	if (unlikely(!ctrmap_region_live(r)))
		return NULL;
	return rcu_dereference_sched(r->hdr);
}

/*
 * Counters change by one locked add each: several writers may share a
 * counter, and a reader sees either the old or the new value in one
 * aligned load.
 */
static __always_inline atomic64_t *ctrmap_counter(struct ctrmap_header *hdr,
						  u32 index)
{
	return (atomic64_t *)&ctrmap_hdr_counters(hdr)[index];
}

/* With @value NULL (a constant: both callers inline it), no value back. */
static __always_inline int ctrmap_add_one(struct ctrmap_region *r, u32 index,
					  u64 delta, u64 *value)
{
	struct ctrmap_header *hdr;
	int ret = -ENODEV;

	if (unlikely(index >= r->ncounters))
		return -ERANGE;
	preempt_disable();
	hdr = ctrmap_write_hdr(r);
	if (likely(hdr)) {
		if (value)
			*value = atomic64_add_return(delta,
						     ctrmap_counter(hdr, index));
		else
			atomic64_add(delta, ctrmap_counter(hdr, index));
		ret = 0;
	}
	preempt_enable();
	return ret;
}

/**
 * ctrmap_add - add to one counter
 * @r: a region from ctrmap_region_get()
 * @index: the counter
 * @delta: what to add (wraps modulo 2^64)
 *
 * Returns 0, -ERANGE for an index past the region's counters, or -ENODEV
 * once the region is dying or detached.
 */
int ctrmap_add(struct ctrmap_region *r, u32 index, u64 delta)
{
	return ctrmap_add_one(r, index, delta, NULL);
}
EXPORT_SYMBOL_GPL(ctrmap_add);

/* ctrmap_add(), and the counter's new value in *@value (ADD's reply). */
int ctrmap_add_value(struct ctrmap_region *r, u32 index, u64 delta,
		     u64 *value)
{
	return ctrmap_add_one(r, index, delta, value);
}

/**
 * ctrmap_group_begin - start an update of several counters as one
 * @r: a region from ctrmap_region_get()
 * @g: the group, on the caller's stack
 *
 * Until ctrmap_group_end(), the header's seq is odd: readers retry. One
 * group writer at a time per region, interrupts off (a raw spinlock, so
 * PREEMPT_RT does not make it sleep): keep the group short.
 *
 * Returns 0, or -ENODEV once the region is dying or detached (then do not call
 * ctrmap_group_add() or ctrmap_group_end()).
 */
int ctrmap_group_begin(struct ctrmap_region *r, struct ctrmap_group *g)
{
	/* Interrupts off: the read section the header needs, too. */
	raw_spin_lock_irqsave(&r->seq_lock, g->flags);
	g->hdr = ctrmap_write_hdr(r);
	if (!g->hdr) {
		raw_spin_unlock_irqrestore(&r->seq_lock, g->flags);
		return -ENODEV;
	}
	g->region = r;
	WRITE_ONCE(g->hdr->seq, g->hdr->seq + 1);
	smp_wmb();	/* seq odd before any counter moves */
	return 0;
}
EXPORT_SYMBOL_GPL(ctrmap_group_begin);

/**
 * ctrmap_group_add - add to one counter of a group update
 * @g: the group ctrmap_group_begin() started
 * @index: the counter; indexes past the region's counters are ignored
 * @delta: what to add
 */
void ctrmap_group_add(struct ctrmap_group *g, u32 index, u64 delta)
{
	if (index < g->region->ncounters)
		atomic64_add(delta, ctrmap_counter(g->hdr, index));
}
EXPORT_SYMBOL_GPL(ctrmap_group_add);

/**
 * ctrmap_group_end - publish a group update
 * @g: the group ctrmap_group_begin() started
 */
void ctrmap_group_end(struct ctrmap_group *g)
{
	smp_wmb();	/* every counter moved before seq is even again */
	WRITE_ONCE(g->hdr->seq, g->hdr->seq + 1);
	raw_spin_unlock_irqrestore(&g->region->seq_lock, g->flags);
}
EXPORT_SYMBOL_GPL(ctrmap_group_end);

/*
 * GET's values: counters [@first, @first + @n) into @out (unaligned, in a
 * netlink message), as one snapshot. Every group writer holds seq_lock for
 * the whole of its update (ctrmap_group_begin() to _end()), so holding it
 * here sees no group half done; counters outside groups change with one
 * atomic add each, which any copy sees whole. Taking the lock needs no
 * retry loop and cannot be defeated by the process, which may write the
 * seq word in its own memory; it keeps group writers (hard IRQ included)
 * waiting for one copy of at most CTRMAP_VALUES_MAX counters.
 *
 * Returns 0, -ERANGE for a range past the last counter, or -ENODEV once
 * the region is dying.
 */
int ctrmap_read_values(struct ctrmap_region *r, u32 first, u32 n, void *out)
{
	struct ctrmap_header *hdr;
	unsigned long flags;
	u64 *ctrs, v;
	u32 i;

	if (first > r->ncounters || n > r->ncounters - first ||
	    n > CTRMAP_VALUES_MAX)
		return -ERANGE;
	raw_spin_lock_irqsave(&r->seq_lock, flags);	/* the read section */
	hdr = ctrmap_write_hdr(r);
	if (!hdr) {
		raw_spin_unlock_irqrestore(&r->seq_lock, flags);
		return -ENODEV;
	}
	ctrs = ctrmap_hdr_counters(hdr) + first;
	for (i = 0; i < n; i++) {
		v = atomic64_read((atomic64_t *)&ctrs[i]);
		memcpy((char *)out + i * sizeof(v), &v, sizeof(v));
	}
	raw_spin_unlock_irqrestore(&r->seq_lock, flags);
	return 0;
}
