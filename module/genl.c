// SPDX-License-Identifier: GPL-2.0
/*
 * The generic netlink family "ctrmap": the whole control plane. The protocol
 * (commands, attributes, what each reply holds) is drawn in
 * include/uapi/linux/ctrmap.h.
 */
#include <net/genetlink.h>
#include <uapi/linux/ctrmap.h>

#include "genl.h"
#include "region.h"

static struct genl_family ctrmap_genl_family;

enum ctrmap_mcgrp {
	CTRMAP_MCGRP_MONITOR_ID,
};

static const struct genl_multicast_group ctrmap_mcgrps[] = {
	[CTRMAP_MCGRP_MONITOR_ID] = { .name = CTRMAP_MCGRP_MONITOR },
};

static int ctrmap_put_limits(struct sk_buff *skb)
{
	struct nlattr *nest;
	u32 sources = 0;

	if (IS_ENABLED(CONFIG_CTRMAP_SOURCE_TIMER))
		sources |= BIT(CTRMAP_SOURCE_TIMER);
	if (IS_ENABLED(CONFIG_CTRMAP_SOURCE_IRQ))
		sources |= BIT(CTRMAP_SOURCE_IRQ);

	nest = nla_nest_start(skb, CTRMAP_A_LIMITS);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(skb, CTRMAP_LIMIT_A_MAX_REGIONS,
			CONFIG_CTRMAP_MAX_REGIONS) ||
	    nla_put_u32(skb, CTRMAP_LIMIT_A_MAX_REGIONS_PER_PROCESS,
			CONFIG_CTRMAP_MAX_REGIONS_PER_PROCESS) ||
	    nla_put_u32(skb, CTRMAP_LIMIT_A_MAX_REGION_PAGES,
			CONFIG_CTRMAP_MAX_REGION_PAGES) ||
	    nla_put_u64_64bit(skb, CTRMAP_LIMIT_A_TIMER_MIN_PERIOD_NS,
			      CONFIG_CTRMAP_TIMER_MIN_PERIOD_NS,
			      CTRMAP_LIMIT_A_PAD) ||
	    nla_put_u32(skb, CTRMAP_LIMIT_A_SOURCES, sources)) {
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

	/* One attribute per reason, its type being the reason itself. */
	detaches = nla_nest_start(skb, CTRMAP_STATS_A_DETACHES);
	if (!detaches)
		goto cancel;
	for (reason = CTRMAP_REASON_REQUEST; reason <= CTRMAP_REASON_MAX;
	     reason++) {
		if (nla_put_u64_64bit(skb, reason, c.detaches[reason],
				      CTRMAP_REASON_NONE))
			goto cancel;
	}
	nla_nest_end(skb, detaches);
	nla_nest_end(skb, nest);
	return 0;

cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
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
	    ctrmap_put_counts(msg) || ctrmap_put_limits(msg))
		goto nospace;
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

nospace:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

/*
 * Every operation has its own policy; an operation without one (STATS)
 * takes no attributes at all: with resv_start_op at 0 the core rejects any
 * attribute sent to it, and strict validation rejects unknown attributes,
 * trailing data and reserved header fields everywhere.
 */
static const struct genl_ops ctrmap_genl_ops[] = {
	{
		.cmd = CTRMAP_CMD_STATS,
		.doit = ctrmap_nl_stats,
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
	return genl_register_family(&ctrmap_genl_family);
}

void ctrmap_genl_uninit(void)
{
	genl_unregister_family(&ctrmap_genl_family);
}
