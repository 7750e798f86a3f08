// SPDX-License-Identifier: LGPL-2.1-or-later
/* CTRMAP_CMD_STATS: the module's version, counts and limits. */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include "internal.h"

/* Exact lengths: a reply that disagrees with the ABI is refused. */
#define POLICY_U32 { .type = NLA_U32, .maxlen = sizeof(uint32_t) }
#define POLICY_U64 { .type = NLA_U64, .maxlen = sizeof(uint64_t) }

static const struct nla_policy stats_reply_policy[CTRMAP_A_MAX + 1] = {
	[CTRMAP_A_VERSION] = { .type = NLA_STRING },
	[CTRMAP_A_STATS] = { .type = NLA_NESTED },
	[CTRMAP_A_LIMITS] = { .type = NLA_NESTED },
	[CTRMAP_A_USAGE] = { .type = NLA_NESTED },
};

static const struct nla_policy stats_policy[CTRMAP_STATS_A_MAX + 1] = {
	[CTRMAP_STATS_A_REGIONS] = POLICY_U32,
	[CTRMAP_STATS_A_PINNED_PAGES] = POLICY_U64,
	[CTRMAP_STATS_A_BINDINGS] = POLICY_U32,
	[CTRMAP_STATS_A_ATTACHES] = POLICY_U64,
	[CTRMAP_STATS_A_DETACHES] = { .type = NLA_NESTED },
};

static const struct nla_policy limits_policy[CTRMAP_LIMIT_A_MAX + 1] = {
	[CTRMAP_LIMIT_A_MAX_REGIONS] = POLICY_U32,
	[CTRMAP_LIMIT_A_MAX_REGIONS_PER_PROCESS] = POLICY_U32,
	[CTRMAP_LIMIT_A_MAX_REGION_PAGES] = POLICY_U32,
	[CTRMAP_LIMIT_A_TIMER_MIN_PERIOD_NS] = POLICY_U64,
	[CTRMAP_LIMIT_A_SOURCES] = POLICY_U32,
	[CTRMAP_LIMIT_A_MAX_BINDINGS] = POLICY_U32,
	[CTRMAP_LIMIT_A_MAX_REGIONS_PER_USER] = POLICY_U32,
	[CTRMAP_LIMIT_A_MAX_BINDINGS_PER_USER] = POLICY_U32,
	[CTRMAP_LIMIT_A_TIMER_BUDGET] = POLICY_U32,
	[CTRMAP_LIMIT_A_TIMER_MAX_PERIOD_NS] = POLICY_U64,
	[CTRMAP_LIMIT_A_ATTACH_SCOPE] = { .type = NLA_U8, .maxlen = sizeof(uint8_t) },
};

static const struct nla_policy usage_policy[CTRMAP_USAGE_A_MAX + 1] = {
	[CTRMAP_USAGE_A_REGIONS] = POLICY_U32,
	[CTRMAP_USAGE_A_BINDINGS] = POLICY_U32,
	[CTRMAP_USAGE_A_PINNED_PAGES] = POLICY_U64,
	[CTRMAP_USAGE_A_TIMER_RATE] = POLICY_U64,
	[CTRMAP_USAGE_A_LOCKED_PAGES] = POLICY_U64,
	[CTRMAP_USAGE_A_MEMLOCK_LIMIT] = POLICY_U64,
};

/* An optional attribute, or 0 where an older module does not send it. */
static uint32_t opt_u32(struct nlattr *attr)
{
	return attr ? nla_get_u32(attr) : 0;
}

static uint64_t opt_u64(struct nlattr *attr)
{
	return attr ? nla_get_u64(attr) : 0;
}

static int parse_usage(struct nlattr *nest, struct ctrmap_stats *st)
{
	struct nlattr *tb[CTRMAP_USAGE_A_MAX + 1];

	if (nla_parse_nested(tb, CTRMAP_USAGE_A_MAX, nest, usage_policy) < 0)
		return -EPROTO;
	st->have_usage = 1;
	st->user_regions = opt_u32(tb[CTRMAP_USAGE_A_REGIONS]);
	st->user_bindings = opt_u32(tb[CTRMAP_USAGE_A_BINDINGS]);
	st->user_pinned_pages = opt_u64(tb[CTRMAP_USAGE_A_PINNED_PAGES]);
	st->user_timer_rate = opt_u64(tb[CTRMAP_USAGE_A_TIMER_RATE]);
	st->user_locked_pages = opt_u64(tb[CTRMAP_USAGE_A_LOCKED_PAGES]);
	st->user_memlock_limit = tb[CTRMAP_USAGE_A_MEMLOCK_LIMIT] ?
		nla_get_u64(tb[CTRMAP_USAGE_A_MEMLOCK_LIMIT]) : UINT64_MAX;
	return 0;
}

/*
 * The detaches by reason: the attribute type is the reason. A module older
 * than the library may lack a reason and a newer one may send one the
 * library has no name for: both are kept as sent (detaches_sent says which
 * came), up to CTRMAP_STATS_REASONS; a value of the wrong size is -EPROTO.
 */
static int parse_detaches(struct nlattr *nest, struct ctrmap_stats *st)
{
	struct nlattr *nla;
	int rem;

	nla_for_each_nested(nla, nest, rem) {
		int reason = nla_type(nla);

		/* Type 0 (no reason) pads the u64s to 64 bits. */
		if (reason == CTRMAP_REASON_NONE)
			continue;
		if (nla_len(nla) != sizeof(uint64_t))
			return -EPROTO;
		if (reason >= CTRMAP_STATS_REASONS)
			continue;
		/* Not padded: nla_get_u64() copies. */
		st->detaches[reason] = nla_get_u64(nla);
		st->detaches_sent |= UINT32_C(1) << reason;
	}
	return rem ? -EPROTO : 0;
}

/* Whether tb[first..last] are all present. */
static bool have_all(struct nlattr *const *tb, int first, int last)
{
	for (int type = first; type <= last; type++)
		if (!tb[type])
			return false;
	return true;
}

int ctrmap_parse_stats(struct nlmsghdr *nlh, struct ctrmap_stats *st)
{
	struct nlattr *tb[CTRMAP_A_MAX + 1];
	struct nlattr *stats[CTRMAP_STATS_A_MAX + 1];
	struct nlattr *limits[CTRMAP_LIMIT_A_MAX + 1];

	memset(st, 0, sizeof(*st));
	st->sz = sizeof(*st);

	/* Unknown attributes are skipped: newer modules may add some. */
	if (genlmsg_parse(nlh, 0, tb, CTRMAP_A_MAX, stats_reply_policy) < 0 ||
	    !tb[CTRMAP_A_VERSION] || !tb[CTRMAP_A_STATS] ||
	    !tb[CTRMAP_A_LIMITS])
		goto bad;

	if (nla_parse_nested(stats, CTRMAP_STATS_A_MAX, tb[CTRMAP_A_STATS],
			     stats_policy) < 0 ||
	    !have_all(stats, CTRMAP_STATS_A_REGIONS, CTRMAP_STATS_A_DETACHES) ||
	    parse_detaches(stats[CTRMAP_STATS_A_DETACHES], st))
		goto bad;

	if (nla_parse_nested(limits, CTRMAP_LIMIT_A_MAX, tb[CTRMAP_A_LIMITS],
			     limits_policy) < 0 ||
	    !have_all(limits, CTRMAP_LIMIT_A_MAX_REGIONS,
		      CTRMAP_LIMIT_A_SOURCES))
		goto bad;

	if (tb[CTRMAP_A_USAGE] && parse_usage(tb[CTRMAP_A_USAGE], st))
		goto bad;

	/* The version is informational: a longer one is cut, not refused. */
	nla_strlcpy(st->version, tb[CTRMAP_A_VERSION], sizeof(st->version));

	st->regions = nla_get_u32(stats[CTRMAP_STATS_A_REGIONS]);
	st->pinned_pages = nla_get_u64(stats[CTRMAP_STATS_A_PINNED_PAGES]);
	st->bindings = nla_get_u32(stats[CTRMAP_STATS_A_BINDINGS]);
	st->attaches = nla_get_u64(stats[CTRMAP_STATS_A_ATTACHES]);

	st->max_regions = nla_get_u32(limits[CTRMAP_LIMIT_A_MAX_REGIONS]);
	st->max_regions_per_process =
		nla_get_u32(limits[CTRMAP_LIMIT_A_MAX_REGIONS_PER_PROCESS]);
	st->max_region_pages =
		nla_get_u32(limits[CTRMAP_LIMIT_A_MAX_REGION_PAGES]);
	st->timer_min_period_ns =
		nla_get_u64(limits[CTRMAP_LIMIT_A_TIMER_MIN_PERIOD_NS]);
	st->sources = nla_get_u32(limits[CTRMAP_LIMIT_A_SOURCES]);
	st->max_bindings = opt_u32(limits[CTRMAP_LIMIT_A_MAX_BINDINGS]);
	st->max_regions_per_user =
		opt_u32(limits[CTRMAP_LIMIT_A_MAX_REGIONS_PER_USER]);
	st->max_bindings_per_user =
		opt_u32(limits[CTRMAP_LIMIT_A_MAX_BINDINGS_PER_USER]);
	st->timer_budget = opt_u32(limits[CTRMAP_LIMIT_A_TIMER_BUDGET]);
	st->timer_max_period_ns =
		opt_u64(limits[CTRMAP_LIMIT_A_TIMER_MAX_PERIOD_NS]);
	st->attach_scope = limits[CTRMAP_LIMIT_A_ATTACH_SCOPE] ?
		nla_get_u8(limits[CTRMAP_LIMIT_A_ATTACH_SCOPE]) : -1;
	return 0;
bad:
	memset(st, 0, sizeof(*st));
	st->sz = sizeof(*st);
	return -EPROTO;
}

struct stats_reply {
	struct ctrmap_stats *st;
	bool seen;
};

static int on_stats_reply(struct nlmsghdr *nlh, void *arg)
{
	struct stats_reply *r = arg;

	/* A "do" command answers with exactly one message. */
	if (r->seen)
		return -EPROTO;
	r->seen = true;
	return ctrmap_parse_stats(nlh, r->st);
}

int ctrmap_stats(struct ctrmap_handle *h, struct ctrmap_stats *st)
{
	struct ctrmap_stats full = { .sz = sizeof(full) };
	struct stats_reply r = { .st = &full };
	int ret;

	ret = ctrmap_sz_zero(st, CTRMAP_STATS_SZ0);
	if (ret)
		return ret;
	ret = ctrmap_nl_cmd(h, CTRMAP_CMD_STATS, 0, NULL, NULL,
			    on_stats_reply, &r);
	if (!ret && !r.seen)
		ret = -EPROTO;
	if (ret < 0)
		return ret;	/* st stays zeroed */
	return ctrmap_sz_out(st, &full, CTRMAP_STATS_SZ0, sizeof(full));
}
