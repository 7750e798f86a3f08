/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _CTRMAP_REGION_H
#define _CTRMAP_REGION_H

#include <linux/list.h>
#include <linux/mmu_notifier.h>
#include <linux/mutex.h>
#include <linux/netlink.h>
#include <linux/pid.h>
#include <linux/rcupdate.h>
#include <linux/refcount.h>
#include <linux/sched.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>
#include <linux/ctrmap.h>
#include <uapi/linux/ctrmap.h>

#include "user.h"

/*
 * One attached range of one process. Life cycle:
 *
 *   building -> live -> dying -> (teardown work) -> freed after the last put
 *
 * @hdr is the RCU-published kernel address of the header (NULL once dying):
 * every writer dereferences it inside an RCU read section, after reading
 * @state LIVE with acquire (the attach publishes the header, then LIVE with
 * release), and reaches the counters through it (ctrmap_hdr_counters()),
 * so no CPU, weakly ordered or not, sees LIVE without the mapping.
 * Teardown unpublishes it, waits for a grace period, and only then unmaps
 * and unpins.
 * The registry holds one reference; ctrmap_region_get() callers hold others.
 */
struct ctrmap_region {
	u32 id;
	refcount_t ref;
	struct rcu_head rcu;

	/* What every counter update reads, together. */
	struct ctrmap_header __rcu *hdr;
	u32 ncounters;
	atomic_t state;	/* enum ctrmap_region_state; BUILDING -> LIVE -> DYING */
	raw_spinlock_t seq_lock;	/* one writer of hdr->seq at a time */

	/* What the target process handed in, and what it maps to. */
	struct pid *tgid;		/* the target thread group */
	pid_t attach_pid;		/* its number, as the attacher named it */
	char comm[TASK_COMM_LEN];
	unsigned long addr, len;
	unsigned long start;		/* addr rounded down to a page */
	unsigned int npages;
	struct page **pages;
	void *vaddr;			/* vmap of @pages */
	struct mm_struct *mm;		/* mmgrab()ed: the struct, not the space */
	struct hlist_node mm_node;	/* in the registry's index by @mm */
	struct mmu_interval_notifier notifier;
	struct ctrmap_charge charge;	/* the requesting user's */

	/* Sources bound to counters (struct ctrmap_binding), and names. */
	struct mutex bind_lock;
	struct list_head bindings;
	unsigned int nbindings;
	char name[CTRMAP_NAME_MAX];	/* the region's; "" if none */
	struct xarray names;		/* counter index -> its name */
	unsigned int nnames;

	u8 reason;			/* enum ctrmap_reason */
	struct work_struct teardown_work;
	struct work_struct recheck_work;	/* holds a reference when queued */
};

/* The counters follow the header, in the same mapping. */
static inline u64 *ctrmap_hdr_counters(struct ctrmap_header *hdr)
{
	return (u64 *)((char *)hdr + CTRMAP_HDR_SIZE);
}

enum ctrmap_region_state {
	CTRMAP_REGION_BUILDING,
	CTRMAP_REGION_LIVE,
	CTRMAP_REGION_DYING,
};

/*
 * Pairs with the release that makes the region live, after its header.
 * Inline: every counter update asks.
 */
static inline bool ctrmap_region_live(const struct ctrmap_region *r)
{
	return atomic_read_acquire(&r->state) == CTRMAP_REGION_LIVE;
}

/* Module-wide figures, as STATS reports them. */
struct ctrmap_counts {
	u32 regions;
	u64 pinned_pages;
	u32 bindings;
	u64 attaches;
	u64 detaches[CTRMAP_REASON_MAX + 1];
};

/* ATTACH's attributes, so that errors can name the one at fault. */
struct ctrmap_attach_args {
	const struct nlattr *pid, *addr, *len;
	const struct nlattr *name;	/* optional, checked */
};

struct ctrmap_region *ctrmap_region_attach(const struct ctrmap_attach_args *a,
					   struct sk_buff *skb,
					   struct netlink_ext_ack *extack);
bool ctrmap_region_registered(struct ctrmap_region *r);
bool ctrmap_region_may_access(struct ctrmap_region *r, struct sk_buff *skb);
void ctrmap_region_detach(struct ctrmap_region *r);
void ctrmap_region_kill(struct ctrmap_region *r, enum ctrmap_reason reason);
struct ctrmap_region *ctrmap_region_next(unsigned long *id,
					 struct sk_buff *skb,
					 struct pid *filter);

struct task_struct *ctrmap_task_by_vpid(pid_t nr);
void ctrmap_regions_lock(void);
void ctrmap_regions_unlock(void);
unsigned int ctrmap_regions_gen(void);
void ctrmap_region_counts(struct ctrmap_counts *c);
int ctrmap_add_value(struct ctrmap_region *r, u32 index, u64 delta,
		     u64 *value);

/* The most values one GET message holds: one copy under seq_lock. */
#define CTRMAP_VALUES_MAX 512
int ctrmap_read_values(struct ctrmap_region *r, u32 first, u32 n, void *out);

int ctrmap_regions_init(void);
void ctrmap_regions_uninit(void);

#endif /* _CTRMAP_REGION_H */
