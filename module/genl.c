// SPDX-License-Identifier: GPL-2.0
/*
 * The generic netlink family "ctrmap": the whole control plane. The protocol
 * (commands, attributes, what each reply holds) is drawn in
 * include/uapi/linux/ctrmap.h.
 */
#include <linux/ctrmap.h>
#include <linux/mm.h>
#include <linux/pid_namespace.h>
#include <linux/sched/task.h>
#include <net/genetlink.h>
#include <uapi/linux/ctrmap.h>

#include "genl.h"
#include "name.h"
#include "params.h"
#include "region.h"
#include "source.h"
#include "user.h"

static struct genl_family ctrmap_genl_family;

enum ctrmap_mcgrp {
	CTRMAP_MCGRP_MONITOR_ID,
};

/*
 * The monitor group sees every region's teardown, whoever owns it: an
 * administrator's view (kernels without the flag cannot restrict it).
 */
static const struct genl_multicast_group ctrmap_mcgrps[] = {
	[CTRMAP_MCGRP_MONITOR_ID] = {
		.name = CTRMAP_MCGRP_MONITOR,
		.flags = CTRMAP_MCAST_ADMIN,
	},
};

static int ctrmap_put_limits(struct sk_buff *skb)
{
	const struct ctrmap_params *p = &ctrmap_params;
	struct nlattr *nest;
	u32 sources = 0;

	if (IS_ENABLED(CONFIG_CTRMAP_SOURCE_TIMER))
		sources |= BIT(CTRMAP_SOURCE_TIMER);
	if (IS_ENABLED(CONFIG_CTRMAP_SOURCE_IRQ))
		sources |= BIT(CTRMAP_SOURCE_IRQ);

	nest = nla_nest_start(skb, CTRMAP_A_LIMITS);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(skb, CTRMAP_LIMIT_A_MAX_REGIONS, p->max_regions) ||
	    nla_put_u32(skb, CTRMAP_LIMIT_A_MAX_REGIONS_PER_PROCESS,
			p->max_regions_per_process) ||
	    nla_put_u32(skb, CTRMAP_LIMIT_A_MAX_REGION_PAGES,
			p->max_region_pages) ||
	    nla_put_u64_64bit(skb, CTRMAP_LIMIT_A_TIMER_MIN_PERIOD_NS,
			      p->timer_min_period_ns, CTRMAP_LIMIT_A_PAD) ||
	    nla_put_u32(skb, CTRMAP_LIMIT_A_SOURCES, sources) ||
	    nla_put_u32(skb, CTRMAP_LIMIT_A_MAX_BINDINGS, p->max_bindings) ||
	    nla_put_u32(skb, CTRMAP_LIMIT_A_MAX_REGIONS_PER_USER,
			p->max_regions_per_user) ||
	    nla_put_u32(skb, CTRMAP_LIMIT_A_MAX_BINDINGS_PER_USER,
			p->max_bindings_per_user) ||
	    nla_put_u32(skb, CTRMAP_LIMIT_A_TIMER_BUDGET, p->timer_budget) ||
	    nla_put_u64_64bit(skb, CTRMAP_LIMIT_A_TIMER_MAX_PERIOD_NS,
			      CTRMAP_TIMER_MAX_PERIOD_NS, CTRMAP_LIMIT_A_PAD) ||
	    nla_put_u8(skb, CTRMAP_LIMIT_A_ATTACH_SCOPE, p->attach_scope)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int ctrmap_put_counts(struct sk_buff *skb)
{
	struct ctrmap_counts c;
	struct nlattr *nest, *detaches;
	int reason;

	ctrmap_region_counts(&c);

	nest = nla_nest_start(skb, CTRMAP_A_STATS);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(skb, CTRMAP_STATS_A_REGIONS, c.regions) ||
	    nla_put_u64_64bit(skb, CTRMAP_STATS_A_PINNED_PAGES,
			      c.pinned_pages, CTRMAP_STATS_A_PAD) ||
	    nla_put_u32(skb, CTRMAP_STATS_A_BINDINGS, c.bindings) ||
	    nla_put_u64_64bit(skb, CTRMAP_STATS_A_ATTACHES, c.attaches,
			      CTRMAP_STATS_A_PAD))
		goto cancel;

	/*
	 * One attribute per reason, its type being the reason itself; every
	 * type is a reason, so none is left for padding: the values are not
	 * aligned, and readers copy them (nla_get_u64() does).
	 */
	detaches = nla_nest_start(skb, CTRMAP_STATS_A_DETACHES);
	if (!detaches)
		goto cancel;
	for (reason = CTRMAP_REASON_REQUEST; reason <= CTRMAP_REASON_MAX;
	     reason++) {
		if (nla_put(skb, reason, sizeof(u64), &c.detaches[reason]))
			goto cancel;
	}
	nla_nest_end(skb, detaches);
	nla_nest_end(skb, nest);
	return 0;

cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

/* The caller's own figures, beside the module's. */
static int ctrmap_put_usage(struct sk_buff *skb)
{
	struct ctrmap_usage u;
	struct nlattr *nest;

	ctrmap_user_usage(&u);
	nest = nla_nest_start(skb, CTRMAP_A_USAGE);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(skb, CTRMAP_USAGE_A_REGIONS, u.regions) ||
	    nla_put_u32(skb, CTRMAP_USAGE_A_BINDINGS, u.bindings) ||
	    nla_put_u64_64bit(skb, CTRMAP_USAGE_A_PINNED_PAGES,
			      u.pinned_pages, CTRMAP_USAGE_A_PAD) ||
	    nla_put_u64_64bit(skb, CTRMAP_USAGE_A_TIMER_RATE, u.timer_rate,
			      CTRMAP_USAGE_A_PAD) ||
	    nla_put_u64_64bit(skb, CTRMAP_USAGE_A_LOCKED_PAGES,
			      u.locked_pages, CTRMAP_USAGE_A_PAD) ||
	    (u.memlock_limit != U64_MAX &&
	     nla_put_u64_64bit(skb, CTRMAP_USAGE_A_MEMLOCK_LIMIT,
			       u.memlock_limit, CTRMAP_USAGE_A_PAD))) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int ctrmap_nl_stats(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;

	hdr = genlmsg_put_reply(msg, info, &ctrmap_genl_family, 0,
				CTRMAP_CMD_STATS);
	if (!hdr)
		goto nospace;
	if (nla_put_string(msg, CTRMAP_A_VERSION, CTRMAP_VERSION) ||
	    ctrmap_put_counts(msg) || ctrmap_put_limits(msg) ||
	    ctrmap_put_usage(msg))
		goto nospace;
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

nospace:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

/*
 * A missing attribute: the core's report of its type, plus a message with
 * its name (a string literal), since GENL_REQ_ATTR_CHECK() alone sends no
 * text.
 */
#define ctrmap_nl_missing(info, attr, name) ({				\
	struct genl_info *__ci = (info);				\
	bool __missing = GENL_REQ_ATTR_CHECK(__ci, attr);		\
									\
	if (__missing)							\
		NL_SET_ERR_MSG(__ci->extack, "missing attribute: " name); \
	__missing;							\
})

/*
 * The region an id names, if the sender may act on it; regions of others
 * are reported missing rather than forbidden, so ids reveal nothing.
 */
static struct ctrmap_region *ctrmap_nl_region(struct sk_buff *skb,
					      struct genl_info *info)
{
	struct nlattr *attr = info->attrs[CTRMAP_A_REGION_ID];
	struct ctrmap_region *r;

	if (ctrmap_nl_missing(info, CTRMAP_A_REGION_ID, "region id"))
		return ERR_PTR(-EINVAL);
	r = ctrmap_region_get(nla_get_u32(attr));
	if (r && !ctrmap_region_may_access(r, skb)) {
		ctrmap_region_put(r);
		r = NULL;
	}
	if (!r) {
		NL_SET_ERR_MSG_ATTR(info->extack, attr, "no such region");
		return ERR_PTR(-ENOENT);
	}
	return r;
}

static int ctrmap_nl_attach(struct sk_buff *skb, struct genl_info *info)
{
	struct ctrmap_attach_args a = {
		.pid = info->attrs[CTRMAP_A_PID],
		.addr = info->attrs[CTRMAP_A_ADDR],
		.len = info->attrs[CTRMAP_A_LEN],
		.name = info->attrs[CTRMAP_A_NAME],
	};
	struct ctrmap_region *r;
	struct sk_buff *msg;
	void *hdr;
	int err;

	if (ctrmap_nl_missing(info, CTRMAP_A_PID, "pid") ||
	    ctrmap_nl_missing(info, CTRMAP_A_ADDR, "addr") ||
	    ctrmap_nl_missing(info, CTRMAP_A_LEN, "len"))
		return -EINVAL;
	if (!IS_ALIGNED(nla_get_u64(a.addr), sizeof(u64))) {
		NL_SET_ERR_MSG_ATTR(info->extack, a.addr,
				    "the address must be 8-byte aligned");
		return -EINVAL;
	}
	if (a.name && ctrmap_name_check(a.name, info->extack))
		return -EINVAL;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg) {
		NL_SET_ERR_MSG(info->extack, "out of memory");
		return -ENOMEM;
	}
	r = ctrmap_region_attach(&a, skb, info->extack);
	if (IS_ERR(r)) {
		nlmsg_free(msg);
		return PTR_ERR(r);
	}
	hdr = genlmsg_put_reply(msg, info, &ctrmap_genl_family, 0,
				CTRMAP_CMD_ATTACH);
	if (!hdr || nla_put_u32(msg, CTRMAP_A_REGION_ID, r->id) ||
	    nla_put_u32(msg, CTRMAP_A_NCOUNTERS, r->ncounters) ||
	    nla_put_u32(msg, CTRMAP_A_NPAGES, r->npages)) {
		nlmsg_free(msg);
		err = -EMSGSIZE;
	} else {
		genlmsg_end(msg, hdr);
		err = genlmsg_reply(msg, info);
	}
	/* A caller that never learns the id could not detach: undo it. */
	if (err)
		ctrmap_region_detach(r);
	ctrmap_region_put(r);
	return err;
}

/*
 * The reply of a command asked for one (CTRMAP_A_REPLY), started with the
 * region id, or NULL without. Built before the action, so that nothing can
 * fail once it has taken effect but the delivery, which the caller undoes.
 */
static struct sk_buff *ctrmap_nl_reply_new(struct genl_info *info,
					   struct ctrmap_region *r, u8 cmd,
					   void **hdrp)
{
	struct sk_buff *msg;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg) {
		NL_SET_ERR_MSG(info->extack, "out of memory (reply)");
		return ERR_PTR(-ENOMEM);
	}
	*hdrp = genlmsg_put_reply(msg, info, &ctrmap_genl_family, 0, cmd);
	if (!*hdrp || nla_put_u32(msg, CTRMAP_A_REGION_ID, r->id)) {
		nlmsg_free(msg);
		return ERR_PTR(-EMSGSIZE);
	}
	return msg;
}

static int ctrmap_nl_reply_send(struct sk_buff *msg, void *hdr,
				struct genl_info *info)
{
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

/* DETACH cannot fail once started: the reply goes first. */
static int ctrmap_nl_detach(struct sk_buff *skb, struct genl_info *info)
{
	struct ctrmap_region *r = ctrmap_nl_region(skb, info);
	struct sk_buff *msg;
	void *hdr;
	int err = 0;

	if (IS_ERR(r))
		return PTR_ERR(r);
	if (info->attrs[CTRMAP_A_REPLY]) {
		msg = ctrmap_nl_reply_new(info, r, CTRMAP_CMD_DETACH, &hdr);
		err = IS_ERR(msg) ? PTR_ERR(msg) :
				    ctrmap_nl_reply_send(msg, hdr, info);
	}
	if (!err)
		ctrmap_region_detach(r);
	ctrmap_region_put(r);
	return err;
}

/* ADD: the reply carries the counter's new value; if it is lost, subtract. */
static int ctrmap_nl_add(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *value = NULL;
	struct sk_buff *msg = NULL;
	struct ctrmap_region *r;
	void *hdr = NULL;
	u32 index;
	u64 delta, now;
	int err;

	if (ctrmap_nl_missing(info, CTRMAP_A_INDEX, "index") ||
	    ctrmap_nl_missing(info, CTRMAP_A_DELTA, "delta"))
		return -EINVAL;
	r = ctrmap_nl_region(skb, info);
	if (IS_ERR(r))
		return PTR_ERR(r);
	index = nla_get_u32(info->attrs[CTRMAP_A_INDEX]);
	delta = nla_get_u64(info->attrs[CTRMAP_A_DELTA]);
	if (info->attrs[CTRMAP_A_REPLY]) {
		msg = ctrmap_nl_reply_new(info, r, CTRMAP_CMD_ADD, &hdr);
		if (IS_ERR(msg)) {
			err = PTR_ERR(msg);
			goto out;
		}
		value = nla_reserve_64bit(msg, CTRMAP_A_VALUE, sizeof(u64),
					  CTRMAP_A_PAD);
		if (!value || nla_put_u32(msg, CTRMAP_A_INDEX, index)) {
			nlmsg_free(msg);
			err = -EMSGSIZE;
			goto out;
		}
	}
	err = ctrmap_add_value(r, index, delta, &now);
	if (err == -ERANGE) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[CTRMAP_A_INDEX],
				    "index past the region's last counter");
	} else if (err) {
		NL_SET_ERR_MSG_ATTR(info->extack,
				    info->attrs[CTRMAP_A_REGION_ID],
				    "no such region (it is being detached)");
		err = -ENOENT;
	} else if (msg) {
		memcpy(nla_data(value), &now, sizeof(now));
		err = ctrmap_nl_reply_send(msg, hdr, info);
		msg = NULL;
		if (err)	/* the caller never learns of it: undo */
			ctrmap_add(r, index, -delta);
	}
	nlmsg_free(msg);
out:
	ctrmap_region_put(r);
	return err;
}

static struct netlink_range_validation ctrmap_period_range __ro_after_init = {
	.min = 1,
	.max = CTRMAP_TIMER_MAX_PERIOD_NS,
};

static const struct nla_policy ctrmap_source_policy[] = {
	[CTRMAP_SOURCE_A_TYPE] = NLA_POLICY_RANGE(NLA_U8, CTRMAP_SOURCE_TIMER,
						  CTRMAP_SOURCE_MAX),
	[CTRMAP_SOURCE_A_PERIOD_NS] = NLA_POLICY_FULL_RANGE(NLA_U64,
							    &ctrmap_period_range),
	[CTRMAP_SOURCE_A_IRQ] = { .type = NLA_U32 },
};

/* BIND's source nest, already validated against ctrmap_source_policy. */
static int ctrmap_nl_source(struct nlattr *attr, struct ctrmap_source *src,
			    struct netlink_ext_ack *extack)
{
	struct nlattr *tb[ARRAY_SIZE(ctrmap_source_policy)];
	int err;

	err = nla_parse_nested(tb, ARRAY_SIZE(tb) - 1, attr,
			       ctrmap_source_policy, extack);
	if (err)
		return err;
	if (!tb[CTRMAP_SOURCE_A_TYPE]) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "missing attribute: source type");
		return -EINVAL;
	}
	src->type = nla_get_u8(tb[CTRMAP_SOURCE_A_TYPE]);
	if (src->type == CTRMAP_SOURCE_TIMER && tb[CTRMAP_SOURCE_A_IRQ]) {
		NL_SET_ERR_MSG_ATTR(extack, tb[CTRMAP_SOURCE_A_IRQ],
				    "a timer source takes no irq attribute");
		return -EINVAL;
	}
	if (src->type == CTRMAP_SOURCE_IRQ && tb[CTRMAP_SOURCE_A_PERIOD_NS]) {
		NL_SET_ERR_MSG_ATTR(extack, tb[CTRMAP_SOURCE_A_PERIOD_NS],
				    "an irq source takes no period_ns attribute");
		return -EINVAL;
	}
	if (src->type == CTRMAP_SOURCE_TIMER) {
		if (!tb[CTRMAP_SOURCE_A_PERIOD_NS]) {
			NL_SET_ERR_MSG_ATTR(extack, attr,
					    "missing attribute: a timer source needs period_ns");
			return -EINVAL;
		}
		src->period_ns = nla_get_u64(tb[CTRMAP_SOURCE_A_PERIOD_NS]);
		if (src->period_ns < ctrmap_params.timer_min_period_ns) {
			NL_SET_ERR_MSG_ATTR(extack,
					    tb[CTRMAP_SOURCE_A_PERIOD_NS],
					    "timer period below the minimum (timer_min_period_ns)");
			return -EINVAL;
		}
	} else {
		if (!tb[CTRMAP_SOURCE_A_IRQ]) {
			NL_SET_ERR_MSG_ATTR(extack, attr,
					    "missing attribute: an irq source needs irq");
			return -EINVAL;
		}
		src->irq = nla_get_u32(tb[CTRMAP_SOURCE_A_IRQ]);
	}
	return 0;
}

/* BIND/UNBIND's counter index, which must name one of the region's. */
static int ctrmap_nl_index(struct genl_info *info, struct ctrmap_region *r)
{
	struct nlattr *attr = info->attrs[CTRMAP_A_INDEX];

	if (nla_get_u32(attr) >= r->ncounters) {
		NL_SET_ERR_MSG_ATTR(info->extack, attr,
				    "index past the region's last counter");
		return -ERANGE;
	}
	return 0;
}

/* BIND's and UNBIND's reply: the binding made or removed. */
struct ctrmap_nl_binding_reply {
	struct genl_info *info;
	struct sk_buff *msg;
	void *hdr;
};

static int ctrmap_nl_reply_binding(void *arg, const struct ctrmap_binding *b)
{
	struct ctrmap_nl_binding_reply *rep = arg;
	struct sk_buff *msg = rep->msg;

	if (!msg)
		return 0;
	rep->msg = NULL;	/* sent or freed here */
	if (nla_put_u32(msg, CTRMAP_A_INDEX, b->index) ||
	    ctrmap_put_source(msg, CTRMAP_A_SOURCE, &b->src)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	return ctrmap_nl_reply_send(msg, rep->hdr, rep->info);
}

/* The reply, if asked for, started before the action. */
static int ctrmap_nl_binding_reply_new(struct ctrmap_nl_binding_reply *rep,
				       struct genl_info *info,
				       struct ctrmap_region *r, u8 cmd)
{
	rep->info = info;
	rep->msg = NULL;
	if (!info->attrs[CTRMAP_A_REPLY])
		return 0;
	rep->msg = ctrmap_nl_reply_new(info, r, cmd, &rep->hdr);
	if (IS_ERR(rep->msg))
		return PTR_ERR(rep->msg);
	return 0;
}

static int ctrmap_nl_bind(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *attr = info->attrs[CTRMAP_A_SOURCE];
	struct ctrmap_nl_binding_reply rep;
	struct ctrmap_source src = {};
	struct ctrmap_region *r;
	int err;

	if (ctrmap_nl_missing(info, CTRMAP_A_INDEX, "index") ||
	    ctrmap_nl_missing(info, CTRMAP_A_SOURCE, "source"))
		return -EINVAL;
	err = ctrmap_nl_source(attr, &src, info->extack);
	if (err)
		return err;
	r = ctrmap_nl_region(skb, info);
	if (IS_ERR(r))
		return PTR_ERR(r);
	err = ctrmap_nl_index(info, r);
	if (!err)
		err = ctrmap_nl_binding_reply_new(&rep, info, r,
						  CTRMAP_CMD_BIND);
	if (!err) {
		err = ctrmap_bind(r, nla_get_u32(info->attrs[CTRMAP_A_INDEX]),
				  &src, attr, skb, info->extack,
				  ctrmap_nl_reply_binding, &rep);
		nlmsg_free(rep.msg);	/* not sent: BIND failed before */
	}
	ctrmap_region_put(r);
	return err;
}

static int ctrmap_nl_unbind(struct sk_buff *skb, struct genl_info *info)
{
	struct ctrmap_nl_binding_reply rep;
	struct ctrmap_region *r;
	int err;

	if (ctrmap_nl_missing(info, CTRMAP_A_INDEX, "index"))
		return -EINVAL;
	r = ctrmap_nl_region(skb, info);
	if (IS_ERR(r))
		return PTR_ERR(r);
	err = ctrmap_nl_index(info, r);
	if (!err)
		err = ctrmap_nl_binding_reply_new(&rep, info, r,
						  CTRMAP_CMD_UNBIND);
	if (!err) {
		err = ctrmap_unbind(r, nla_get_u32(info->attrs[CTRMAP_A_INDEX]),
				    ctrmap_nl_reply_binding, &rep);
		nlmsg_free(rep.msg);	/* not sent: nothing to unbind */
		if (err == -ENOENT)
			NL_SET_ERR_MSG_ATTR(info->extack,
					    info->attrs[CTRMAP_A_INDEX],
					    "the counter is not bound");
	}
	ctrmap_region_put(r);
	return err;
}

/* NAME: name a counter (CTRMAP_A_INDEX) or the region, or remove it. */
static int ctrmap_nl_name(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *name = info->attrs[CTRMAP_A_NAME];
	struct nlattr *index = info->attrs[CTRMAP_A_INDEX];
	struct ctrmap_region *r;
	int err = 0;

	if (name && ctrmap_name_check(name, info->extack))
		return -EINVAL;
	r = ctrmap_nl_region(skb, info);
	if (IS_ERR(r))
		return PTR_ERR(r);
	if (!index) {
		err = ctrmap_name_region(r, name, info->extack);
	} else {
		err = ctrmap_nl_index(info, r);
		if (!err)
			err = ctrmap_name_counter(r, nla_get_u32(index), name,
						  info->extack);
	}
	ctrmap_region_put(r);
	return err;
}

/*
 * Where a region's description goes on: a GET dump sends a region that does
 * not fit one message in several, each with the fixed part, then bindings
 * from @binding, then named counters from @name, then (verbose) pages from
 * @page, then the values asked for, @value of them sent. U32_MAX: all were
 * sent.
 */
struct ctrmap_get_pos {
	u32 binding;
	u32 name;
	u32 page;
	u32 part;	/* messages of the region sent so far */
	u32 value;
};

/* What a GET asks for besides the fixed part and the bindings. */
struct ctrmap_get_req {
	bool verbose;		/* pages */
	bool values;		/* counter values, [first, first + count) */
	u32 first;
	u32 count;		/* 0: up to the last counter */
};

/* Pages from @pos->page on, as many as fit. Returns how many were put. */
static int ctrmap_put_pages(struct sk_buff *skb, struct ctrmap_region *r,
			    struct ctrmap_get_pos *pos)
{
	unsigned char *mark = skb_tail_pointer(skb);
	struct nlattr *pages, *page;
	u32 i, first = pos->page;

	if (nla_put_u32(skb, CTRMAP_A_FIRST_PAGE, first))
		return 0;
	pages = nla_nest_start(skb, CTRMAP_A_PAGES);
	if (!pages) {
		nlmsg_trim(skb, mark);
		return 0;
	}
	for (i = first; i < r->npages; i++) {
		page = nla_nest_start(skb, CTRMAP_A_PAGE);
		if (!page)
			break;
		if (nla_put_u64_64bit(skb, CTRMAP_PAGE_A_PFN,
				      page_to_pfn(r->pages[i]),
				      CTRMAP_PAGE_A_PAD) ||
		    nla_put_u8(skb, CTRMAP_PAGE_A_PINNED,
			       ctrmap_page_pinned(r->pages[i]))) {
			nla_nest_cancel(skb, page);
			break;
		}
		nla_nest_end(skb, page);
	}
	nla_nest_end(skb, pages);
	pos->page = i < r->npages ? i : U32_MAX;
	return i - first;
}

/*
 * Values from where @pos says on, as many as fit (at most
 * CTRMAP_VALUES_MAX, one snapshot). Returns how many were put, or
 * -ENOENT once the region is dying.
 */
static int ctrmap_put_values(struct sk_buff *skb, struct ctrmap_region *r,
			     const struct ctrmap_get_req *req,
			     struct ctrmap_get_pos *pos)
{
	unsigned char *mark = skb_tail_pointer(skb);
	u32 end = req->count ? req->first + req->count : r->ncounters;
	u32 from = req->first + pos->value;
	int room = skb_tailroom(skb) - nla_total_size(sizeof(u32)) -
		   nla_total_size_64bit(0);
	struct nlattr *values;
	u32 n;

	if (room < (int)sizeof(u64))
		return 0;
	n = min3(end - from, (u32)CTRMAP_VALUES_MAX, (u32)room / 8);
	if (nla_put_u32(skb, CTRMAP_A_FIRST_INDEX, from))
		return 0;
	values = nla_reserve_64bit(skb, CTRMAP_A_VALUES, n * sizeof(u64),
				   CTRMAP_A_PAD);
	if (!values) {
		nlmsg_trim(skb, mark);
		return 0;
	}
	if (ctrmap_read_values(r, from, n, nla_data(values))) {
		nlmsg_trim(skb, mark);
		return -ENOENT;
	}
	pos->value = from + n < end ? pos->value + n : U32_MAX;
	return n;
}

/*
 * One message of region @r as GET describes it, from @pos on; @pos is moved
 * past what was put. Returns 0 when the region is complete, 1 when it goes
 * on in another message, -EMSGSIZE when the message would say nothing new
 * (it is cancelled), -ENOENT if the region began dying. Called with the
 * regions lock held.
 */
static int ctrmap_fill_region(struct sk_buff *skb, struct ctrmap_region *r,
			      u32 portid, u32 seq, int flags,
			      const struct ctrmap_get_req *req,
			      struct ctrmap_get_pos *pos)
{
	struct pid_namespace *ns = task_active_pid_ns(current);
	int put = 0, n, err = -EMSGSIZE;
	void *hdr;

	hdr = genlmsg_put(skb, portid, seq, &ctrmap_genl_family, flags,
			  CTRMAP_CMD_GET);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_u32(skb, CTRMAP_A_REGION_ID, r->id) ||
	    nla_put_u32(skb, CTRMAP_A_PID, pid_nr_ns(r->tgid, ns)) ||
	    nla_put_string(skb, CTRMAP_A_COMM, r->comm) ||
	    nla_put_u64_64bit(skb, CTRMAP_A_ADDR, r->addr, CTRMAP_A_PAD) ||
	    nla_put_u64_64bit(skb, CTRMAP_A_LEN, r->len, CTRMAP_A_PAD) ||
	    nla_put_u32(skb, CTRMAP_A_NPAGES, r->npages) ||
	    nla_put_u32(skb, CTRMAP_A_NCOUNTERS, r->ncounters) ||
	    nla_put_u8(skb, CTRMAP_A_STATE, CTRMAP_STATE_ATTACHED) ||
	    ctrmap_put_region_name(skb, r))
		goto cancel;
	if (pos->binding != U32_MAX) {
		n = ctrmap_put_bindings(skb, r, &pos->binding);
		if (n < 0)
			goto cancel;
		put += n;
	}
	if (pos->binding == U32_MAX && pos->name != U32_MAX)
		put += ctrmap_put_names(skb, r, &pos->name);
	if (!req->verbose)
		pos->page = U32_MAX;
	else if (pos->name == U32_MAX)
		put += ctrmap_put_pages(skb, r, pos);
	if (!req->values) {
		pos->value = U32_MAX;
	} else if (pos->name == U32_MAX && pos->page == U32_MAX) {
		n = ctrmap_put_values(skb, r, req, pos);
		if (n < 0) {
			err = n;
			goto cancel;
		}
		put += n;
	}
	if (pos->part && !put)
		goto cancel;
	genlmsg_end(skb, hdr);
	pos->part++;
	return pos->binding != U32_MAX || pos->name != U32_MAX ||
	       pos->page != U32_MAX || pos->value != U32_MAX;
cancel:
	genlmsg_cancel(skb, hdr);
	return err;
}

/* Page frame numbers are for the administrator only. */
static int ctrmap_check_verbose(struct sk_buff *skb, struct nlattr **attrs,
				struct netlink_ext_ack *extack)
{
	if (!attrs[CTRMAP_A_VERBOSE])
		return 0;
	if (!netlink_capable(skb, CAP_SYS_ADMIN)) {
		NL_SET_ERR_MSG_ATTR(extack, attrs[CTRMAP_A_VERBOSE],
				    "page frame numbers need CAP_SYS_ADMIN");
		return -EPERM;
	}
	return 1;
}

/*
 * GET's range of values, if any: CTRMAP_A_FIRST_INDEX or CTRMAP_A_COUNT
 * asks for them.
 */
static void ctrmap_get_values_req(struct nlattr **attrs,
				  struct ctrmap_get_req *req)
{
	req->values = attrs[CTRMAP_A_FIRST_INDEX] || attrs[CTRMAP_A_COUNT];
	if (attrs[CTRMAP_A_FIRST_INDEX])
		req->first = nla_get_u32(attrs[CTRMAP_A_FIRST_INDEX]);
	if (attrs[CTRMAP_A_COUNT])
		req->count = nla_get_u32(attrs[CTRMAP_A_COUNT]);
}

/* The range must lie within @r's counters. */
static int ctrmap_check_range(struct nlattr **attrs,
			      const struct ctrmap_get_req *req,
			      struct ctrmap_region *r,
			      struct netlink_ext_ack *extack)
{
	if (!req->values)
		return 0;
	if (req->first >= r->ncounters) {
		NL_SET_ERR_MSG_ATTR(extack, attrs[CTRMAP_A_FIRST_INDEX],
				    "first_index past the region's last counter");
		return -ERANGE;
	}
	if (req->count > r->ncounters - req->first) {
		NL_SET_ERR_MSG_ATTR(extack, attrs[CTRMAP_A_COUNT],
				    "count goes past the region's last counter");
		return -ERANGE;
	}
	return 0;
}

/*
 * Room for one region: the fixed part, every binding and name it may have,
 * pages.
 */
static size_t ctrmap_region_msg_size(struct ctrmap_region *r, bool verbose)
{
	size_t page = nla_total_size(nla_total_size_64bit(sizeof(u64)) +
				     nla_total_size(sizeof(u8)));
	size_t source = nla_total_size(nla_total_size(sizeof(u8)) +
				       nla_total_size_64bit(sizeof(u64)) +
				       nla_total_size(sizeof(u32)));
	size_t binding = nla_total_size(nla_total_size(sizeof(u32)) + source);
	size_t name = nla_total_size(nla_total_size(sizeof(u32)) +
				     nla_total_size(CTRMAP_NAME_MAX));

	return NLMSG_GOODSIZE + ctrmap_params.max_bindings * binding +
	       nla_total_size(CTRMAP_NAME_MAX) + CTRMAP_NAMES_MAX * name +
	       (verbose ? nla_total_size(sizeof(u32)) + nla_total_size(0) +
			  r->npages * page : 0);
}

/*
 * GET do: the whole description, and the first values of the range asked
 * for, as many as one message holds (at most CTRMAP_VALUES_MAX).
 */
static int ctrmap_nl_get(struct sk_buff *skb, struct genl_info *info)
{
	struct ctrmap_get_pos pos = {};
	struct ctrmap_get_req req = {};
	struct ctrmap_region *r;
	struct sk_buff *msg;
	size_t size;
	int verbose, err;

	verbose = ctrmap_check_verbose(skb, info->attrs, info->extack);
	if (verbose < 0)
		return verbose;
	req.verbose = verbose;
	ctrmap_get_values_req(info->attrs, &req);
	r = ctrmap_nl_region(skb, info);
	if (IS_ERR(r))
		return PTR_ERR(r);
	err = ctrmap_check_range(info->attrs, &req, r, info->extack);
	if (err)
		goto out;

	size = ctrmap_region_msg_size(r, verbose);
	if (req.values)
		size += nla_total_size(sizeof(u32)) +
			nla_total_size_64bit(CTRMAP_VALUES_MAX * sizeof(u64));
	msg = genlmsg_new(size, GFP_KERNEL);
	if (!msg) {
		err = -ENOMEM;
		goto out;
	}
	/* The lock keeps the pages from going while they are listed. */
	ctrmap_regions_lock();
	if (ctrmap_region_registered(r))
		err = ctrmap_fill_region(msg, r, info->snd_portid,
					 info->snd_seq, 0, &req, &pos);
	else
		err = -ENOENT;
	ctrmap_regions_unlock();
	/*
	 * The message was sized for all of it but the values past the
	 * first CTRMAP_VALUES_MAX: those the caller asks for again.
	 */
	if (err > 0 && pos.binding == U32_MAX && pos.name == U32_MAX &&
	    pos.page == U32_MAX)
		err = 0;
	else if (err > 0)
		err = -EMSGSIZE;
	if (err == -ENOENT)
		NL_SET_ERR_MSG_ATTR(info->extack,
				    info->attrs[CTRMAP_A_REGION_ID],
				    "no such region (it is being detached)");
	if (err)
		nlmsg_free(msg);
	else
		err = genlmsg_reply(msg, info);
out:
	ctrmap_region_put(r);
	return err;
}

/*
 * cb->args[0]: the next region id to look at; cb->args[1..5]: how far its
 * description got (struct ctrmap_get_pos), when it did not fit one message.
 * A region added or removed between two parts of the dump flags it
 * NLM_F_DUMP_INTR (cb->seq). With CTRMAP_A_REGION_ID, the dump lists that
 * region only (if the caller may see it), and values may be asked for a
 * range of its counters; without, only for all the counters of each.
 */
static int ctrmap_nl_get_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct nlattr **attrs = ctrmap_dump_attrs(cb);
	unsigned long id = cb->args[0];
	struct ctrmap_get_pos pos = {
		.binding = cb->args[1],
		.page = cb->args[2],
		.part = cb->args[3],
		.value = cb->args[4],
		.name = cb->args[5],
	};
	struct ctrmap_get_req req = {};
	struct ctrmap_region *r;
	struct pid *filter = NULL;
	int verbose, err = 0;
	u32 only = 0;

	verbose = ctrmap_check_verbose(cb->skb, attrs, cb->extack);
	if (verbose < 0)
		return verbose;
	req.verbose = verbose;
	ctrmap_get_values_req(attrs, &req);
	if (!attrs[CTRMAP_A_REGION_ID] && (req.first || req.count)) {
		NL_SET_ERR_MSG_ATTR(cb->extack,
				    req.first ? attrs[CTRMAP_A_FIRST_INDEX] :
						attrs[CTRMAP_A_COUNT],
				    "a range of values needs one region (region_id): regions differ in size");
		return -EINVAL;
	}
	if (attrs[CTRMAP_A_PID]) {
		struct task_struct *task;

		task = ctrmap_task_by_vpid(nla_get_u32(attrs[CTRMAP_A_PID]));
		if (!task)
			return 0;	/* nobody there: nothing to list */
		filter = get_pid(task_tgid(task));
		put_task_struct(task);
	}

	if (attrs[CTRMAP_A_REGION_ID]) {
		only = nla_get_u32(attrs[CTRMAP_A_REGION_ID]);
		id = max_t(unsigned long, id, only);
	}

	ctrmap_regions_lock();
	cb->seq = ctrmap_regions_gen();
	while ((r = ctrmap_region_next(&id, cb->skb, filter)) &&
	       (!only || r->id == only)) {
		struct nlmsghdr *nlh = (struct nlmsghdr *)skb_tail_pointer(skb);

		/* The region begun in the last part went: start afresh. */
		if (id != cb->args[0])
			memset(&pos, 0, sizeof(pos));
		err = ctrmap_check_range(attrs, &req, r, cb->extack);
		if (err)
			break;
		err = ctrmap_fill_region(skb, r, NETLINK_CB(cb->skb).portid,
					 cb->nlh->nlmsg_seq, NLM_F_MULTI,
					 &req, &pos);
		if (err == -ENOENT) {	/* dying: no more of it to list */
			err = 0;
		} else {
			if (err < 0)
				break;
			nl_dump_check_consistent(cb, nlh);
			if (err)	/* it goes on in the next part */
				break;
		}
		memset(&pos, 0, sizeof(pos));
		id++;
		cb->args[0] = id;
	}
	ctrmap_regions_unlock();
	put_pid(filter);
	cb->args[0] = id;
	cb->args[1] = pos.binding;
	cb->args[2] = pos.page;
	cb->args[3] = pos.part;
	cb->args[4] = pos.value;
	cb->args[5] = pos.name;
	/* A region whose first message does not fit an empty one: never. */
	if (err < 0 && !skb->len)
		return err;
	return skb->len;
}

/*
 * DETACHED goes out only while the family is registered: once module
 * unload has begun unregistering it, its group may already belong to
 * another family. The lock makes "registered" and the send one step.
 */
static DEFINE_MUTEX(notify_lock);
static bool notify_registered;

void ctrmap_genl_notify_detached(struct ctrmap_region *r)
{
	struct sk_buff *msg;
	void *hdr;

	mutex_lock(&notify_lock);
	if (!notify_registered)
		goto out;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		goto out;
	hdr = genlmsg_put(msg, 0, 0, &ctrmap_genl_family, 0,
			  CTRMAP_CMD_DETACHED);
	if (!hdr || nla_put_u32(msg, CTRMAP_A_REGION_ID, r->id) ||
	    nla_put_u32(msg, CTRMAP_A_PID, pid_nr(r->tgid)) ||
	    nla_put_u8(msg, CTRMAP_A_REASON, r->reason)) {
		nlmsg_free(msg);
		goto out;
	}
	genlmsg_end(msg, hdr);
	genlmsg_multicast(&ctrmap_genl_family, msg, 0, CTRMAP_MCGRP_MONITOR_ID,
			  GFP_KERNEL);
out:
	mutex_unlock(&notify_lock);
}

static struct netlink_range_validation ctrmap_pid_range __ro_after_init = {
	.min = 1,
	.max = PID_MAX_LIMIT,
};

static const struct nla_policy ctrmap_attach_policy[] = {
	[CTRMAP_A_PID] = NLA_POLICY_FULL_RANGE(NLA_U32, &ctrmap_pid_range),
	[CTRMAP_A_ADDR] = { .type = NLA_U64 },
	[CTRMAP_A_LEN] = NLA_POLICY_MIN(NLA_U64,
					CTRMAP_HDR_SIZE + sizeof(__u64)),
	[CTRMAP_A_NAME] = { .type = NLA_NUL_STRING,
			    .len = CTRMAP_NAME_MAX - 1 },
};

static const struct nla_policy ctrmap_detach_policy[] = {
	[CTRMAP_A_REGION_ID] = NLA_POLICY_MIN(NLA_U32, 1),
	[CTRMAP_A_REPLY] = { .type = NLA_FLAG },
};

static const struct nla_policy ctrmap_get_policy[] = {
	[CTRMAP_A_REGION_ID] = NLA_POLICY_MIN(NLA_U32, 1),
	[CTRMAP_A_PID] = NLA_POLICY_FULL_RANGE(NLA_U32, &ctrmap_pid_range),
	[CTRMAP_A_VERBOSE] = { .type = NLA_FLAG },
	[CTRMAP_A_FIRST_INDEX] = { .type = NLA_U32 },
	[CTRMAP_A_COUNT] = NLA_POLICY_MIN(NLA_U32, 1),
};

static const struct nla_policy ctrmap_bind_policy[] = {
	[CTRMAP_A_REGION_ID] = NLA_POLICY_MIN(NLA_U32, 1),
	[CTRMAP_A_INDEX] = { .type = NLA_U32 },
	[CTRMAP_A_SOURCE] = NLA_POLICY_NESTED(ctrmap_source_policy),
	[CTRMAP_A_REPLY] = { .type = NLA_FLAG },
};

static const struct nla_policy ctrmap_unbind_policy[] = {
	[CTRMAP_A_REGION_ID] = NLA_POLICY_MIN(NLA_U32, 1),
	[CTRMAP_A_INDEX] = { .type = NLA_U32 },
	[CTRMAP_A_REPLY] = { .type = NLA_FLAG },
};

static const struct nla_policy ctrmap_add_policy[] = {
	[CTRMAP_A_REGION_ID] = NLA_POLICY_MIN(NLA_U32, 1),
	[CTRMAP_A_INDEX] = { .type = NLA_U32 },
	[CTRMAP_A_DELTA] = { .type = NLA_U64 },
	[CTRMAP_A_REPLY] = { .type = NLA_FLAG },
};

static const struct nla_policy ctrmap_name_policy[] = {
	[CTRMAP_A_REGION_ID] = NLA_POLICY_MIN(NLA_U32, 1),
	[CTRMAP_A_INDEX] = { .type = NLA_U32 },
	[CTRMAP_A_NAME] = { .type = NLA_NUL_STRING,
			    .len = CTRMAP_NAME_MAX - 1 },
};

/*
 * Every operation has its own policy; an operation without one (STATS)
 * takes no attributes at all: with resv_start_op at 0 the core rejects any
 * attribute sent to it, and strict validation rejects unknown attributes,
 * trailing data and reserved header fields everywhere.
 */
static const struct genl_ops ctrmap_genl_ops[] = {
	{
		.cmd = CTRMAP_CMD_ATTACH,
		.doit = ctrmap_nl_attach,
		.policy = ctrmap_attach_policy,
		.maxattr = ARRAY_SIZE(ctrmap_attach_policy) - 1,
	},
	{
		.cmd = CTRMAP_CMD_DETACH,
		.doit = ctrmap_nl_detach,
		.policy = ctrmap_detach_policy,
		.maxattr = ARRAY_SIZE(ctrmap_detach_policy) - 1,
	},
	{
		.cmd = CTRMAP_CMD_GET,
		.doit = ctrmap_nl_get,
		.dumpit = ctrmap_nl_get_dump,
		.policy = ctrmap_get_policy,
		.maxattr = ARRAY_SIZE(ctrmap_get_policy) - 1,
	},
	{
		.cmd = CTRMAP_CMD_BIND,
		.doit = ctrmap_nl_bind,
		.policy = ctrmap_bind_policy,
		.maxattr = ARRAY_SIZE(ctrmap_bind_policy) - 1,
	},
	{
		.cmd = CTRMAP_CMD_UNBIND,
		.doit = ctrmap_nl_unbind,
		.policy = ctrmap_unbind_policy,
		.maxattr = ARRAY_SIZE(ctrmap_unbind_policy) - 1,
	},
	{
		.cmd = CTRMAP_CMD_ADD,
		.doit = ctrmap_nl_add,
		.policy = ctrmap_add_policy,
		.maxattr = ARRAY_SIZE(ctrmap_add_policy) - 1,
	},
	{
		.cmd = CTRMAP_CMD_STATS,
		.doit = ctrmap_nl_stats,
	},
	{
		.cmd = CTRMAP_CMD_NAME,
		.doit = ctrmap_nl_name,
		.policy = ctrmap_name_policy,
		.maxattr = ARRAY_SIZE(ctrmap_name_policy) - 1,
	},
};

static struct genl_family ctrmap_genl_family __ro_after_init = {
	.name = CTRMAP_GENL_NAME,
	.version = CTRMAP_GENL_VERSION,
	.netnsok = true,
	.parallel_ops = true,
	.resv_start_op = 0,
	.ops = ctrmap_genl_ops,
	.n_ops = ARRAY_SIZE(ctrmap_genl_ops),
	.mcgrps = ctrmap_mcgrps,
	.n_mcgrps = ARRAY_SIZE(ctrmap_mcgrps),
	.module = THIS_MODULE,
};

int __init ctrmap_genl_init(void)
{
	int err = genl_register_family(&ctrmap_genl_family);

	if (!err) {
		mutex_lock(&notify_lock);
		notify_registered = true;
		mutex_unlock(&notify_lock);
	}
	return err;
}

void ctrmap_genl_uninit(void)
{
	mutex_lock(&notify_lock);
	notify_registered = false;
	mutex_unlock(&notify_lock);
	genl_unregister_family(&ctrmap_genl_family);
}
