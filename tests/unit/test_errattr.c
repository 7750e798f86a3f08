// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The extended ACK's offsets turned into attribute names
 * (ctrmap_attr_at, ctrmap_attr_missing): top level, inside the source
 * nest, unknown types, offsets that point at nothing.
 */
#include <errno.h>

#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include "internal.h"
#include "tap.h"

/*
 * A BIND request the way ctrmap_bind() builds it, plus what a caller of
 * nlraw might add:
 *   20 region_id  28 index  36 source { 40 type  48 period_ns  60 9 }
 *   64 verbose  68 99 (unknown)  76 stats { 80 2 }
 */
static int put_request(struct nl_msg *msg, const void *arg)
{
	struct nlattr *nest;

	(void)arg;
	if (nla_put_u32(msg, CTRMAP_A_REGION_ID, 3) < 0 ||
	    nla_put_u32(msg, CTRMAP_A_INDEX, 1) < 0)
		return -EMSGSIZE;
	nest = nla_nest_start(msg, CTRMAP_A_SOURCE);
	if (!nest ||
	    nla_put_u8(msg, CTRMAP_SOURCE_A_TYPE, CTRMAP_SOURCE_TIMER) < 0 ||
	    nla_put_u64(msg, CTRMAP_SOURCE_A_PERIOD_NS, 1000) < 0 ||
	    nla_put(msg, 9, 0, NULL) < 0)
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	if (nla_put_flag(msg, CTRMAP_A_VERBOSE) < 0 ||
	    nla_put_u32(msg, 99, 1) < 0)
		return -EMSGSIZE;
	nest = nla_nest_start(msg, CTRMAP_A_STATS);
	if (!nest || nla_put_u32(msg, 2, 1) < 0)
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

static const struct nlmsghdr *req;

static void at(uint32_t offs, const char *want)
{
	char buf[64];
	int ret = ctrmap_attr_at(req, offs, buf, sizeof(buf));

	if (want) {
		is_int(ret, 0, "offset %u: found", offs);
		is_str(buf, want, "offset %u: %s", offs, want);
	} else {
		is_int(ret, -ENOENT, "offset %u: nothing", offs);
		is_str(buf, "", "offset %u: empty name", offs);
	}
}

static void missing(bool has_nest, uint32_t nest, uint32_t type,
		    const char *want)
{
	struct ctrmap_extack ext = {
		.has_miss_type = true, .miss_type = type,
		.has_miss_nest = has_nest, .miss_nest = nest,
	};
	char buf[64];
	int ret = ctrmap_attr_missing(req, &ext, buf, sizeof(buf));

	if (want) {
		is_int(ret, 0, "missing %u in %u: found", type, nest);
		is_str(buf, want, "missing %u in %u: %s", type, nest, want);
	} else {
		is_int(ret, -ENOENT, "missing %u in %u: nothing", type, nest);
	}
}

int main(void)
{
	struct ctrmap_extack none = { .has_miss_type = false };
	struct nlmsghdr *nlh;
	struct nl_msg *msg;
	char buf[64], tiny[8];

	if (ctrmap_nl_build(0x2a, CTRMAP_CMD_BIND, 0, put_request, NULL,
			    &msg))
		return 1;
	nlh = nlmsg_hdr(msg);
	req = nlh;
	is_int(nlh->nlmsg_len, 88, "request is 88 bytes");

	/* Top level. */
	at(20, "region_id");
	at(28, "index");
	at(36, "source");
	at(64, "verbose");
	at(68, "99");
	at(76, "stats");
	/* Inside the source nest. */
	at(40, "source.type");
	at(48, "source.period_ns");
	at(60, "source.9");
	/* Not at an attribute's start: the one containing it. */
	at(24, "region_id");
	at(38, "source");
	at(44, "source.type");
	at(56, "source.period_ns");
	/* A nest this library has no names for is not entered. */
	at(80, "stats");
	/* Nothing there. */
	at(0, NULL);
	at(16, NULL);
	at(88, NULL);
	at(1000, NULL);

	missing(false, 0, CTRMAP_A_PID, "pid");
	missing(false, 0, CTRMAP_A_REGION_ID, "region_id");
	missing(false, 0, CTRMAP_A_DELTA, "delta");
	missing(false, 0, 77, "77");
	missing(true, 36, CTRMAP_SOURCE_A_TYPE, "source.type");
	missing(true, 36, CTRMAP_SOURCE_A_IRQ, "source.irq");
	missing(true, 36, 12, "source.12");
	missing(true, 76, 5, "stats.5");
	missing(true, 1000, CTRMAP_SOURCE_A_TYPE, NULL);
	is_int(ctrmap_attr_missing(req, &none, buf, sizeof(buf)), -ENOENT,
	       "no missing attribute reported: nothing");

	is_int(ctrmap_attr_at(req, 48, tiny, sizeof(tiny)), 0,
	       "a small buffer: found");
	is_str(tiny, "source.", "a small buffer: cut, terminated");

	/* A request shorter than its headers. */
	nlh->nlmsg_len = 12;
	is_int(ctrmap_attr_at(req, 20, buf, sizeof(buf)), -ENOENT,
	       "truncated request: nothing");
	nlmsg_free(msg);

	is_str(ctrmap_errattr(NULL), NULL, "errattr of no handle");
	return done_testing();
}
