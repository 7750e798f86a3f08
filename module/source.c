// SPDX-License-Identifier: GPL-2.0
/*
 * Bindings: which source increments which counter of a region. BIND and
 * UNBIND come from netlink; teardown unbinds everything before the region's
 * memory goes, and each source's stop waits until its writer has finished.
 */
#include <linux/atomic.h>
#include <linux/capability.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <net/genetlink.h>

#include "params.h"
#include "region.h"
#include "source.h"
#include "user.h"

static atomic_t bindings_count = ATOMIC_INIT(0);

u32 ctrmap_bindings_count(void)
{
	return atomic_read(&bindings_count);
}

static struct ctrmap_binding *ctrmap_binding_find(struct ctrmap_region *r,
						  u32 index)
{
	struct ctrmap_binding *b;

	lockdep_assert_held(&r->bind_lock);
	list_for_each_entry(b, &r->bindings, node)
		if (b->index == index)
			return b;
	return NULL;
}

/* Bindings are kept in counter order: a GET dump resumes at an index. */
static void ctrmap_binding_link(struct ctrmap_region *r,
				struct ctrmap_binding *b)
{
	struct ctrmap_binding *pos;

	lockdep_assert_held(&r->bind_lock);
	list_for_each_entry(pos, &r->bindings, node)
		if (pos->index > b->index)
			break;
	list_add_tail(&b->node, &pos->node);	/* before pos, or last */
}

/* What a source costs its user's timer budget: expiries per second. */
static u64 ctrmap_timer_rate(const struct ctrmap_source *src)
{
	if (src->type != CTRMAP_SOURCE_TIMER)
		return 0;
	return DIV64_U64_ROUND_UP(NSEC_PER_SEC, src->period_ns);
}

/* Frees @b (the sources free their own binding, after their writer). */
static void ctrmap_binding_stop(struct ctrmap_binding *b)
{
	struct ctrmap_user *user = b->user;
	u64 rate = ctrmap_timer_rate(&b->src);

	b->region->nbindings--;
	if (b->src.type == CTRMAP_SOURCE_TIMER)
		ctrmap_timer_stop(b);
	else
		ctrmap_irq_stop(b);
	ctrmap_uncharge_binding(user, rate);
	atomic_dec(&bindings_count);
}

/**
 * ctrmap_bind - make a source increment one counter of a region
 * @r: the region
 * @index: the counter, below r->ncounters
 * @src: the source, as validated by the policy
 * @attr: the attribute that refusals name
 * @skb: the request, for capability checks
 * @extack: where to say why not
 * @confirm: if not NULL, called once the source runs, before BIND is done
 *	(to send the reply); if it fails, the binding is undone and its
 *	error returned
 * @arg: @confirm's argument
 */
int ctrmap_bind(struct ctrmap_region *r, u32 index,
		const struct ctrmap_source *src, const struct nlattr *attr,
		struct sk_buff *skb, struct netlink_ext_ack *extack,
		ctrmap_confirm_fn confirm, void *arg)
{
	struct ctrmap_binding *b;
	int err;

	if (src->type == CTRMAP_SOURCE_IRQ &&
	    !netlink_capable(skb, CAP_SYS_ADMIN)) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "irq sources need CAP_SYS_ADMIN");
		return -EPERM;
	}
	b = kzalloc_obj(*b, GFP_KERNEL);
	if (!b) {
		NL_SET_ERR_MSG(extack, "out of memory");
		return -ENOMEM;
	}
	b->region = r;
	b->index = index;
	b->src = *src;

	mutex_lock(&r->bind_lock);
	if (!ctrmap_region_live(r)) {
		NL_SET_ERR_MSG(extack, "the region is being detached");
		err = -ENOENT;
		goto err_unlock;
	}
	if (r->nbindings >= ctrmap_params.max_bindings) {
		NL_SET_ERR_MSG(extack,
			       "the region has as many bindings as allowed (max_bindings)");
		err = -ENOSPC;
		goto err_unlock;
	}
	if (ctrmap_binding_find(r, index)) {
		NL_SET_ERR_MSG(extack, "the counter is bound already: unbind it first");
		err = -EBUSY;
		goto err_unlock;
	}
	b->user = ctrmap_charge_binding(ctrmap_timer_rate(src), skb, attr,
					extack);
	if (IS_ERR(b->user)) {
		err = PTR_ERR(b->user);
		goto err_unlock;
	}
	if (src->type == CTRMAP_SOURCE_TIMER)
		err = ctrmap_timer_start(b, extack, attr);
	else
		err = ctrmap_irq_start(b, extack, attr);
	if (err)
		goto err_uncharge;
	ctrmap_binding_link(r, b);
	r->nbindings++;
	atomic_inc(&bindings_count);
	err = confirm ? confirm(arg, b) : 0;
	if (err) {
		list_del(&b->node);
		ctrmap_binding_stop(b);
	}
	mutex_unlock(&r->bind_lock);
	return err;

err_uncharge:
	ctrmap_uncharge_binding(b->user, ctrmap_timer_rate(src));
err_unlock:
	mutex_unlock(&r->bind_lock);
	kfree(b);
	return err;
}

/**
 * ctrmap_unbind - stop the source of one counter
 * @r: the region
 * @index: the counter
 * @confirm: if not NULL, called with the binding before it goes (to send
 *	the reply); if it fails, nothing changes and its error is returned
 * @arg: @confirm's argument
 *
 * Returns 0, -ENOENT if the counter has no source, or @confirm's error.
 */
int ctrmap_unbind(struct ctrmap_region *r, u32 index,
		  ctrmap_confirm_fn confirm, void *arg)
{
	struct ctrmap_binding *b;
	int err = -ENOENT;

	mutex_lock(&r->bind_lock);
	b = ctrmap_binding_find(r, index);
	if (b)
		err = confirm ? confirm(arg, b) : 0;
	if (!err) {
		list_del(&b->node);
		ctrmap_binding_stop(b);
	}
	mutex_unlock(&r->bind_lock);
	return err;
}

/* Teardown: after this no source writes to the region any more. */
void ctrmap_unbind_all(struct ctrmap_region *r)
{
	struct ctrmap_binding *b, *tmp;

	mutex_lock(&r->bind_lock);
	list_for_each_entry_safe(b, tmp, &r->bindings, node) {
		list_del(&b->node);
		ctrmap_binding_stop(b);
	}
	mutex_unlock(&r->bind_lock);
}

int ctrmap_put_source(struct sk_buff *skb, int attrtype,
		      const struct ctrmap_source *src)
{
	struct nlattr *nest = nla_nest_start(skb, attrtype);

	if (!nest || nla_put_u8(skb, CTRMAP_SOURCE_A_TYPE, src->type))
		goto cancel;
	if (src->type == CTRMAP_SOURCE_TIMER &&
	    nla_put_u64_64bit(skb, CTRMAP_SOURCE_A_PERIOD_NS, src->period_ns,
			      CTRMAP_SOURCE_A_PAD))
		goto cancel;
	if (src->type == CTRMAP_SOURCE_IRQ &&
	    nla_put_u32(skb, CTRMAP_SOURCE_A_IRQ, src->irq))
		goto cancel;
	nla_nest_end(skb, nest);
	return 0;
cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

/*
 * The bindings of counters @*from and up, in counter order, as many as fit.
 * Returns how many were put; @*from is then the next index to report, or
 * U32_MAX when all were. -EMSGSIZE if not even the empty list fits.
 */
int ctrmap_put_bindings(struct sk_buff *skb, struct ctrmap_region *r,
			u32 *from)
{
	struct nlattr *list, *one;
	struct ctrmap_binding *b;
	int n = 0;

	list = nla_nest_start(skb, CTRMAP_A_BINDINGS);
	if (!list)
		return -EMSGSIZE;
	mutex_lock(&r->bind_lock);
	list_for_each_entry(b, &r->bindings, node) {
		if (b->index < *from)
			continue;
		one = nla_nest_start(skb, CTRMAP_A_BINDING);
		if (!one || nla_put_u32(skb, CTRMAP_BINDING_A_INDEX, b->index) ||
		    ctrmap_put_source(skb, CTRMAP_BINDING_A_SOURCE, &b->src)) {
			if (one)
				nla_nest_cancel(skb, one);
			*from = b->index;
			goto out;
		}
		nla_nest_end(skb, one);
		n++;
	}
	*from = U32_MAX;
out:
	mutex_unlock(&r->bind_lock);
	nla_nest_end(skb, list);
	return n;
}
