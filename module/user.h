/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _CTRMAP_USER_H
#define _CTRMAP_USER_H

#include <linux/netlink.h>
#include <linux/types.h>
#include <linux/uidgid.h>

struct sk_buff;
struct user_struct;

/*
 * What one user (real UID) holds, across all of their processes: the
 * per-user caps and the timer budget are checked against it. An entry
 * lives while it holds anything.
 */
struct ctrmap_user {
	kuid_t uid;
	unsigned int regions;
	unsigned int bindings;
	u64 pinned_pages;
	u64 timer_rate;			/* expiries per second */
};

/* The caller's figures, as STATS reports them. */
struct ctrmap_usage {
	u32 regions;
	u32 bindings;
	u64 pinned_pages;
	u64 timer_rate;
	u64 locked_pages;		/* the user's locked memory, all users of it */
	u64 memlock_limit;		/* RLIMIT_MEMLOCK in pages; U64_MAX: none */
};

/*
 * What a region charged and to whom: given back at teardown. @locked is
 * the user_struct whose locked_vm was charged (NULL when exempt).
 */
struct ctrmap_charge {
	struct ctrmap_user *user;
	struct user_struct *locked;
	unsigned long npages;
};

int ctrmap_charge_region(struct ctrmap_charge *c, unsigned long npages,
			 struct sk_buff *skb, const struct nlattr *attr,
			 struct netlink_ext_ack *extack);
void ctrmap_uncharge_region(struct ctrmap_charge *c);

struct ctrmap_user *ctrmap_charge_binding(u64 timer_rate, struct sk_buff *skb,
					  const struct nlattr *attr,
					  struct netlink_ext_ack *extack);
void ctrmap_uncharge_binding(struct ctrmap_user *u, u64 timer_rate);

void ctrmap_user_usage(struct ctrmap_usage *usage);

#endif /* _CTRMAP_USER_H */
