// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Parsing a CTRMAP_CMD_STATS reply built by hand the way the module builds
 * it, plus the variants a parser must refuse or tolerate (a module older
 * or newer than the library: a reason missing, one more); and the names of
 * reasons and source types.
 */
#include <errno.h>
#include <stdlib.h>

#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include "internal.h"
#include "tap.h"

enum variant {
	FULL,
	NO_LIMITS,		/* a required nest is missing */
	NO_UNLOAD_COUNT,	/* a reason is missing: an older module */
	EXTRA_REASONS,		/* reasons 5 and 40: a newer module */
	SHORT_REASON,		/* a reason's count sent as u32 */
	NO_SOURCES,		/* a required limit is missing */
	SHORT_REGIONS,		/* u32 sent as u16 */
	LONG_ATTACHES,		/* u64 sent with 12 bytes */
	UNTERMINATED_VERSION,
	LONG_VERSION,		/* does not fit version[64] */
	UNKNOWN_ATTRS,		/* from a newer module: ignored */
	WITH_USAGE,		/* per-user limits, attach_scope, usage */
	BAD_USAGE,		/* a usage value of the wrong size */
};

static struct nl_msg *build_reply(enum variant v)
{
	struct nl_msg *msg = nlmsg_alloc();
	struct nlattr *stats, *detaches, *limits;
	char long_version[100];
	int err = 0;

	if (!msg)
		abort();
	if (!genlmsg_put(msg, 1234, 7, 0x2a, 0, 0, CTRMAP_CMD_STATS,
			 CTRMAP_GENL_VERSION))
		abort();

	if (v == UNTERMINATED_VERSION) {
		err |= nla_put(msg, CTRMAP_A_VERSION, 5, "0.1.0");
	} else if (v == LONG_VERSION) {
		memset(long_version, 'v', sizeof(long_version) - 1);
		long_version[sizeof(long_version) - 1] = '\0';
		err |= nla_put_string(msg, CTRMAP_A_VERSION, long_version);
	} else {
		err |= nla_put_string(msg, CTRMAP_A_VERSION, "0.1.0");
	}
	if (v == UNKNOWN_ATTRS)
		err |= nla_put_u32(msg, CTRMAP_A_MAX + 7, 99);

	stats = nla_nest_start(msg, CTRMAP_A_STATS);
	if (v == SHORT_REGIONS)
		err |= nla_put_u16(msg, CTRMAP_STATS_A_REGIONS, 3);
	else
		err |= nla_put_u32(msg, CTRMAP_STATS_A_REGIONS, 3);
	err |= nla_put_u64(msg, CTRMAP_STATS_A_PINNED_PAGES, 5000000000ULL);
	err |= nla_put_u32(msg, CTRMAP_STATS_A_BINDINGS, 2);
	if (v == LONG_ATTACHES)
		err |= nla_put(msg, CTRMAP_STATS_A_ATTACHES, 12,
			       "\x11\0\0\0\0\0\0\0\0\0\0\0");
	else
		err |= nla_put_u64(msg, CTRMAP_STATS_A_ATTACHES, 17);
	if (v == UNKNOWN_ATTRS)
		err |= nla_put_u64(msg, CTRMAP_STATS_A_MAX + 3, 1);
	/*
	 * The zero-length pad attributes nla_put_u64_64bit() adds where
	 * 64-bit alignment matters; the detaches nest pads with type 0.
	 */
	err |= nla_put(msg, CTRMAP_STATS_A_PAD, 0, NULL);
	detaches = nla_nest_start(msg, CTRMAP_STATS_A_DETACHES);
	err |= nla_put(msg, CTRMAP_REASON_NONE, 0, NULL);
	err |= nla_put_u64(msg, CTRMAP_REASON_REQUEST, 4);
	err |= nla_put_u64(msg, CTRMAP_REASON_EXIT, 5);
	err |= nla_put_u64(msg, CTRMAP_REASON_UNMAPPED, 6);
	if (v != NO_UNLOAD_COUNT)
		err |= nla_put_u64(msg, CTRMAP_REASON_UNLOAD, 7);
	if (v == UNKNOWN_ATTRS || v == EXTRA_REASONS)	/* added later */
		err |= nla_put_u64(msg, CTRMAP_REASON_MAX + 1, 8);
	if (v == EXTRA_REASONS)	/* beyond what ctrmap_stats can hold */
		err |= nla_put_u64(msg, CTRMAP_STATS_REASONS + 8, 9);
	if (v == SHORT_REASON)
		err |= nla_put_u32(msg, CTRMAP_REASON_MAX + 1, 8);
	err |= nla_nest_end(msg, detaches);
	err |= nla_nest_end(msg, stats);

	if (v != NO_LIMITS) {
		limits = nla_nest_start(msg, CTRMAP_A_LIMITS);
		err |= nla_put(msg, CTRMAP_LIMIT_A_PAD, 0, NULL);
		err |= nla_put_u32(msg, CTRMAP_LIMIT_A_MAX_REGIONS, 1024);
		err |= nla_put_u32(msg, CTRMAP_LIMIT_A_MAX_REGIONS_PER_PROCESS,
				   64);
		err |= nla_put_u32(msg, CTRMAP_LIMIT_A_MAX_REGION_PAGES, 256);
		err |= nla_put_u64(msg, CTRMAP_LIMIT_A_TIMER_MIN_PERIOD_NS,
				    10000);
		if (v != NO_SOURCES)
			err |= nla_put_u32(msg, CTRMAP_LIMIT_A_SOURCES,
					   1u << CTRMAP_SOURCE_TIMER |
					   1u << CTRMAP_SOURCE_IRQ);
		err |= nla_put_u32(msg, CTRMAP_LIMIT_A_MAX_BINDINGS, 48);
		if (v == WITH_USAGE || v == BAD_USAGE) {
			err |= nla_put_u32(msg,
					   CTRMAP_LIMIT_A_MAX_REGIONS_PER_USER,
					   300);
			err |= nla_put_u32(msg,
					   CTRMAP_LIMIT_A_MAX_BINDINGS_PER_USER,
					   400);
			err |= nla_put_u32(msg, CTRMAP_LIMIT_A_TIMER_BUDGET,
					   10000);
			err |= nla_put_u64(msg,
					   CTRMAP_LIMIT_A_TIMER_MAX_PERIOD_NS,
					   3600000000000ULL);
			err |= nla_put_u8(msg, CTRMAP_LIMIT_A_ATTACH_SCOPE, 2);
		}
		err |= nla_nest_end(msg, limits);
	}
	if (v == WITH_USAGE || v == BAD_USAGE) {
		struct nlattr *usage = nla_nest_start(msg, CTRMAP_A_USAGE);

		err |= nla_put_u32(msg, CTRMAP_USAGE_A_REGIONS, 2);
		err |= nla_put_u32(msg, CTRMAP_USAGE_A_BINDINGS, 3);
		if (v == BAD_USAGE)
			err |= nla_put_u16(msg, CTRMAP_USAGE_A_PINNED_PAGES, 5);
		else
			err |= nla_put_u64(msg, CTRMAP_USAGE_A_PINNED_PAGES, 5);
		err |= nla_put_u64(msg, CTRMAP_USAGE_A_TIMER_RATE, 2000);
		err |= nla_put_u64(msg, CTRMAP_USAGE_A_LOCKED_PAGES, 9);
		/* No MEMLOCK_LIMIT: unlimited. */
		err |= nla_nest_end(msg, usage);
	}
	if (err)
		abort();
	return msg;
}

static int parse_variant(enum variant v, struct ctrmap_stats *st)
{
	struct nl_msg *msg = build_reply(v);
	int ret = ctrmap_parse_stats(nlmsg_hdr(msg), st);

	nlmsg_free(msg);
	return ret;
}

static void test_full(void)
{
	struct ctrmap_stats st;

	memset(&st, 0xff, sizeof(st));
	is_int(parse_variant(FULL, &st), 0, "full reply parses");
	is_str(st.version, "0.1.0", "version");
	is_int(st.regions, 3, "regions");
	ok(st.pinned_pages == 5000000000ULL, "pinned pages: 64-bit value");
	is_int(st.bindings, 2, "bindings");
	is_int(st.attaches, 17, "attaches");
	is_int(st.detaches[CTRMAP_REASON_NONE], 0, "detaches[none] is 0");
	is_int(st.detaches[CTRMAP_REASON_REQUEST], 4, "detaches: request");
	is_int(st.detaches[CTRMAP_REASON_EXIT], 5, "detaches: exit");
	is_int(st.detaches[CTRMAP_REASON_UNMAPPED], 6, "detaches: unmapped");
	is_int(st.detaches[CTRMAP_REASON_UNLOAD], 7, "detaches: unload");
	is_int(st.detaches_sent, 0x1e, "detaches: reasons 1-4 sent");
	is_int(st.sz, sizeof(st), "sz: the library's");
	is_int(st.max_regions, 1024, "limit: max regions");
	is_int(st.max_regions_per_process, 64,
	       "limit: max regions per process");
	is_int(st.max_region_pages, 256, "limit: max region pages");
	is_int(st.timer_min_period_ns, 10000,
	       "limit: timer min period");
	is_int(st.sources, 6, "limit: sources bitmap");
	is_int(st.max_bindings, 48, "limit: max bindings");
	/* A 0.1 module: no per-user limits, no usage. */
	is_int(st.max_regions_per_user, 0, "0.1 module: no per-user cap");
	is_int(st.timer_budget, 0, "0.1 module: no timer budget");
	is_int(st.attach_scope, -1, "0.1 module: attach_scope -1");
	is_int(st.have_usage, 0, "0.1 module: no usage");
}

static void test_usage(void)
{
	struct ctrmap_stats st;

	memset(&st, 0xff, sizeof(st));
	is_int(parse_variant(WITH_USAGE, &st), 0, "reply with usage parses");
	is_int(st.max_regions_per_user, 300, "limit: regions per user");
	is_int(st.max_bindings_per_user, 400,
	       "limit: bindings per user");
	is_int(st.timer_budget, 10000, "limit: timer budget");
	ok(st.timer_max_period_ns == 3600000000000ULL,
	   "limit: timer max period");
	is_int(st.attach_scope, 2, "limit: attach_scope");
	is_int(st.have_usage, 1, "usage present");
	is_int(st.user_regions, 2, "usage: regions");
	is_int(st.user_bindings, 3, "usage: bindings");
	is_int(st.user_pinned_pages, 5, "usage: pinned pages");
	is_int(st.user_timer_rate, 2000, "usage: timer rate");
	is_int(st.user_locked_pages, 9, "usage: locked pages");
	ok(st.user_memlock_limit == UINT64_MAX,
	   "usage: no RLIMIT_MEMLOCK attribute means unlimited");

	memset(&st, 0xff, sizeof(st));
	is_int(parse_variant(BAD_USAGE, &st), -EPROTO,
	       "refused: usage value of the wrong size");
	ok(st.regions == 0 && st.version[0] == '\0',
	   "refused: bad usage: result zeroed");
}

static void test_refused(void)
{
	static const struct {
		enum variant v;
		const char *name;
	} cases[] = {
		{ NO_LIMITS, "missing limits nest" },
		{ SHORT_REASON, "a reason's count with 4 bytes" },
		{ NO_SOURCES, "missing limit" },
		{ SHORT_REGIONS, "u32 with 2 bytes" },
		{ LONG_ATTACHES, "u64 with 12 bytes" },
		{ UNTERMINATED_VERSION, "version without NUL" },
	};
	struct ctrmap_stats st;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(&st, 0xff, sizeof(st));
		is_int(parse_variant(cases[i].v, &st), -EPROTO, "refused: %s",
		       cases[i].name);
		ok(st.regions == 0 && st.version[0] == '\0',
		   "refused: %s: result zeroed", cases[i].name);
	}
}

static void test_tolerated(void)
{
	struct ctrmap_stats st;
	int nonzero;

	is_int(parse_variant(UNKNOWN_ATTRS, &st), 0,
	       "unknown attributes are ignored");
	is_int(st.detaches[CTRMAP_REASON_UNLOAD], 7,
	       "unknown attributes: known values intact");

	/* A module older than the library: no unload reason. */
	memset(&st, 0xff, sizeof(st));
	is_int(parse_variant(NO_UNLOAD_COUNT, &st), 0,
	       "older module: a reason missing is no error");
	is_int(st.detaches_sent, 0x0e, "older module: reasons 1-3 sent");
	ok(st.detaches[CTRMAP_REASON_UNLOAD] == 0 &&
	   st.detaches[CTRMAP_REASON_UNMAPPED] == 6 && st.max_regions == 1024,
	   "older module: the missing reason is 0, the rest intact");

	/* A newer module: a reason this library has no name for. */
	memset(&st, 0xff, sizeof(st));
	is_int(parse_variant(EXTRA_REASONS, &st), 0,
	       "newer module: an unknown reason is no error");
	is_int(st.detaches[CTRMAP_REASON_MAX + 1], 8,
	       "newer module: the unknown reason's count is kept");
	is_int(st.detaches_sent, 0x3e, "newer module: reasons 1-5 sent");
	ok(st.detaches[CTRMAP_REASON_UNLOAD] == 7 && st.max_regions == 1024,
	   "newer module: known values intact");
	nonzero = 0;
	for (size_t r = CTRMAP_REASON_MAX + 2; r < CTRMAP_STATS_REASONS; r++)
		nonzero += st.detaches[r] != 0;
	is_int(nonzero, 0, "newer module: reason 40, past the array, dropped");

	is_int(parse_variant(LONG_VERSION, &st), 0, "long version accepted");
	is_int(strlen(st.version), sizeof(st.version) - 1,
	       "long version cut to fit, NUL-terminated");
}

static void test_bad_header(void)
{
	struct nl_msg *msg = nlmsg_alloc();
	struct ctrmap_stats st;

	/* No room for even the genl header. */
	nlmsg_put(msg, 0, 0, 0x2a, 0, 0);
	is_int(ctrmap_parse_stats(nlmsg_hdr(msg), &st), -EPROTO,
	       "reply without genl header");
	nlmsg_free(msg);
}

static void test_names(void)
{
	is_str(ctrmap_reason_name(CTRMAP_REASON_NONE), "none", "reason none");
	is_str(ctrmap_reason_name(CTRMAP_REASON_REQUEST), "request",
	       "reason request");
	is_str(ctrmap_reason_name(CTRMAP_REASON_EXIT), "exit", "reason exit");
	is_str(ctrmap_reason_name(CTRMAP_REASON_UNMAPPED), "unmapped",
	       "reason unmapped");
	is_str(ctrmap_reason_name(CTRMAP_REASON_UNLOAD), "unload",
	       "reason unload");
	is_str(ctrmap_reason_name(CTRMAP_REASON_MAX + 1), NULL,
	       "unknown reason: NULL");
	is_str(ctrmap_reason_name(~0u), NULL, "huge reason: NULL");
	is_str(ctrmap_source_name(CTRMAP_SOURCE_NONE), "none", "source none");
	is_str(ctrmap_source_name(CTRMAP_SOURCE_TIMER), "timer",
	       "source timer");
	is_str(ctrmap_source_name(CTRMAP_SOURCE_IRQ), "irq", "source irq");
	is_str(ctrmap_source_name(CTRMAP_SOURCE_MAX + 1), NULL,
	       "unknown source: NULL");
}

int main(void)
{
	test_full();
	test_usage();
	test_refused();
	test_tolerated();
	test_bad_header();
	test_names();
	return done_testing();
}
