/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _CTRMAP_SOURCE_H
#define _CTRMAP_SOURCE_H

#include <linux/hrtimer.h>
#include <linux/list.h>
#include <linux/netlink.h>
#include <linux/rcupdate.h>
#include <linux/types.h>

struct ctrmap_region;
struct ctrmap_user;
struct sk_buff;

/* What a BIND asks for, as validated by the policy. */
struct ctrmap_source {
	u8 type;		/* enum ctrmap_source_type */
	u64 period_ns;		/* timer */
	u32 irq;		/* irq */
};

/*
 * A source bound to one counter of one region. Lives on its region's list
 * (under the region's bind_lock) from BIND to UNBIND or teardown.
 */
struct ctrmap_binding {
	struct list_head node;
	struct ctrmap_region *region;
	u32 index;
	struct ctrmap_source src;
	struct ctrmap_user *user;	/* charged for it (user.c) */
	union {
		struct hrtimer timer;		/* timer */
		struct {			/* irq: on its IRQ's line */
			struct hlist_node irq_node;
			struct rcu_head rcu;
		};
	};
};

/* Called under the region's bind_lock, for BIND's and UNBIND's replies. */
typedef int (*ctrmap_confirm_fn)(void *arg, const struct ctrmap_binding *b);

int ctrmap_bind(struct ctrmap_region *r, u32 index,
		const struct ctrmap_source *src, const struct nlattr *attr,
		struct sk_buff *skb, struct netlink_ext_ack *extack,
		ctrmap_confirm_fn confirm, void *arg);
int ctrmap_unbind(struct ctrmap_region *r, u32 index,
		  ctrmap_confirm_fn confirm, void *arg);
void ctrmap_unbind_all(struct ctrmap_region *r);
int ctrmap_put_bindings(struct sk_buff *skb, struct ctrmap_region *r,
			u32 *from);
int ctrmap_put_source(struct sk_buff *skb, int attrtype,
		      const struct ctrmap_source *src);
u32 ctrmap_bindings_count(void);

/* The sources themselves: start may fail, stop waits for the writer. */
int ctrmap_timer_start(struct ctrmap_binding *b,
		       struct netlink_ext_ack *extack,
		       const struct nlattr *attr);
void ctrmap_timer_stop(struct ctrmap_binding *b);
int ctrmap_irq_start(struct ctrmap_binding *b, struct netlink_ext_ack *extack,
		     const struct nlattr *attr);
void ctrmap_irq_stop(struct ctrmap_binding *b);

#endif /* _CTRMAP_SOURCE_H */
