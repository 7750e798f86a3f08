// SPDX-License-Identifier: GPL-2.0
/*
 * Per-user accounting: what each user (real UID) holds across all of their
 * processes, so that fork() cannot multiply it and one user cannot take
 * what the module has for everybody.
 *
 * - Pinned pages are charged to the requesting user's locked memory
 *   (user_struct.locked_vm, which io_uring and BPF charge too) against
 *   their RLIMIT_MEMLOCK, as io_uring does; CAP_IPC_LOCK is exempt.
 *   Regions also count in the target mm's pinned_vm (VmPin), for
 *   visibility only.
 * - Regions and bindings count against per-user caps below the module's.
 * - Timer sources draw on a budget of expiries per second; CAP_SYS_ADMIN
 *   is exempt.
 *
 * Everything is charged to the user who made the request, and given back
 * to that same user when the region or binding goes.
 */
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/mutex.h>
#include <linux/sched/signal.h>
#include <linux/sched/user.h>
#include <linux/slab.h>
#include <linux/xarray.h>
#include <net/genetlink.h>

#include "params.h"
#include "user.h"

static DEFINE_MUTEX(users_lock);
static DEFINE_XARRAY(users);		/* struct ctrmap_user by UID */

static struct ctrmap_user *ctrmap_user_get(kuid_t uid,
					   struct netlink_ext_ack *extack)
{
	struct ctrmap_user *u;
	int err;

	lockdep_assert_held(&users_lock);
	u = xa_load(&users, __kuid_val(uid));
	if (u)
		return u;
	u = kzalloc_obj(*u, GFP_KERNEL);
	if (!u)
		goto nomem;
	u->uid = uid;
	err = xa_err(xa_store(&users, __kuid_val(uid), u, GFP_KERNEL));
	if (!err)
		return u;
	kfree(u);
nomem:
	NL_SET_ERR_MSG(extack, "out of memory (per-user accounting)");
	return ERR_PTR(-ENOMEM);
}

/* Forget a user who holds nothing any more. */
static void ctrmap_user_put(struct ctrmap_user *u)
{
	lockdep_assert_held(&users_lock);
	if (u->regions || u->bindings || u->pinned_pages || u->timer_rate)
		return;
	xa_erase(&users, __kuid_val(u->uid));
	kfree(u);
}

/* io_uring's __io_account_mem(): no lock, no overshoot. */
static int ctrmap_lock_pages(struct user_struct *us, unsigned long npages)
{
	unsigned long limit = rlimit(RLIMIT_MEMLOCK) >> PAGE_SHIFT;
	unsigned long cur = atomic_long_read(&us->locked_vm), new;

	do {
		new = cur + npages;
		if (new > limit || new < cur)
			return -ENOMEM;
	} while (!atomic_long_try_cmpxchg(&us->locked_vm, &cur, new));
	return 0;
}

/**
 * ctrmap_charge_region - charge a new region to the requesting user
 * @c: filled in with what was charged, for ctrmap_uncharge_region()
 * @npages: the pages it pins
 * @skb: the request, for capability checks
 * @attr: the attribute that a refusal names
 * @extack: where to say why not
 */
int ctrmap_charge_region(struct ctrmap_charge *c, unsigned long npages,
			 struct sk_buff *skb, const struct nlattr *attr,
			 struct netlink_ext_ack *extack)
{
	struct ctrmap_user *u;
	int err = 0;

	mutex_lock(&users_lock);
	u = ctrmap_user_get(current_uid(), extack);
	if (IS_ERR(u)) {
		err = PTR_ERR(u);
		goto out;
	}
	if (u->regions >= ctrmap_params.max_regions_per_user) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "the user has as many regions as allowed (max_regions_per_user)");
		err = -EDQUOT;
		goto put;
	}
	c->locked = NULL;
	if (!netlink_capable(skb, CAP_IPC_LOCK)) {
		c->locked = get_current_user();
		err = ctrmap_lock_pages(c->locked, npages);
		if (err) {
			NL_SET_ERR_MSG_ATTR(extack, attr,
					    "pinning the range would take the user's locked memory past RLIMIT_MEMLOCK");
			free_uid(c->locked);
			goto put;
		}
	}
	u->regions++;
	u->pinned_pages += npages;
	c->user = u;
	c->npages = npages;
put:
	ctrmap_user_put(u);
out:
	mutex_unlock(&users_lock);
	return err;
}

void ctrmap_uncharge_region(struct ctrmap_charge *c)
{
	if (c->locked) {
		atomic_long_sub(c->npages, &c->locked->locked_vm);
		free_uid(c->locked);
		c->locked = NULL;
	}
	mutex_lock(&users_lock);
	c->user->regions--;
	c->user->pinned_pages -= c->npages;
	ctrmap_user_put(c->user);
	mutex_unlock(&users_lock);
	c->user = NULL;
}

/**
 * ctrmap_charge_binding - charge a new binding to the requesting user
 * @timer_rate: the timer source's expiries per second, 0 for other sources
 * @skb: the request, for capability checks
 * @attr: the attribute that a refusal names
 * @extack: where to say why not
 *
 * Returns the user to give it back to, or an ERR_PTR.
 */
struct ctrmap_user *ctrmap_charge_binding(u64 timer_rate, struct sk_buff *skb,
					  const struct nlattr *attr,
					  struct netlink_ext_ack *extack)
{
	struct ctrmap_user *u;

	mutex_lock(&users_lock);
	u = ctrmap_user_get(current_uid(), extack);
	if (IS_ERR(u))
		goto out;
	if (u->bindings >= ctrmap_params.max_bindings_per_user) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "the user has as many bindings as allowed (max_bindings_per_user)");
		ctrmap_user_put(u);
		u = ERR_PTR(-EDQUOT);
		goto out;
	}
	if (timer_rate &&
	    u->timer_rate + timer_rate > ctrmap_params.timer_budget &&
	    !netlink_capable(skb, CAP_SYS_ADMIN)) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "the timer would take the user past their budget of expiries per second (timer_budget)");
		ctrmap_user_put(u);
		u = ERR_PTR(-EDQUOT);
		goto out;
	}
	u->bindings++;
	u->timer_rate += timer_rate;
out:
	mutex_unlock(&users_lock);
	return u;
}

void ctrmap_uncharge_binding(struct ctrmap_user *u, u64 timer_rate)
{
	mutex_lock(&users_lock);
	u->bindings--;
	u->timer_rate -= timer_rate;
	ctrmap_user_put(u);
	mutex_unlock(&users_lock);
}

/* The calling user's figures. */
void ctrmap_user_usage(struct ctrmap_usage *usage)
{
	unsigned long limit = rlimit(RLIMIT_MEMLOCK);
	struct ctrmap_user *u;

	memset(usage, 0, sizeof(*usage));
	mutex_lock(&users_lock);
	u = xa_load(&users, __kuid_val(current_uid()));
	if (u) {
		usage->regions = u->regions;
		usage->bindings = u->bindings;
		usage->pinned_pages = u->pinned_pages;
		usage->timer_rate = u->timer_rate;
	}
	mutex_unlock(&users_lock);
	usage->locked_pages = atomic_long_read(&current_user()->locked_vm);
	usage->memlock_limit = limit == RLIM_INFINITY ? U64_MAX :
			       limit >> PAGE_SHIFT;
}
