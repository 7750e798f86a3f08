// SPDX-License-Identifier: GPL-2.0-or-later
/* Building requests: headers, flags, attributes, failures of the builder. */
#include <errno.h>

#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include "internal.h"
#include "tap.h"

#define FAMILY 0x2a

static int put_attach(struct nl_msg *msg, const void *arg)
{
	const uint64_t *addr = arg;

	if (nla_put_u32(msg, CTRMAP_A_PID, 4242) < 0 ||
	    nla_put_u64(msg, CTRMAP_A_ADDR, *addr) < 0 ||
	    nla_put_u64(msg, CTRMAP_A_LEN, 4096) < 0 ||
	    nla_put_string(msg, CTRMAP_A_COMM, "reader") < 0 ||
	    nla_put_flag(msg, CTRMAP_A_VERBOSE) < 0)
		return -EMSGSIZE;
	return 0;
}

static int put_fails(struct nl_msg *msg, const void *arg)
{
	(void)msg;
	(void)arg;
	return -ENOSPC;
}

static int put_too_much(struct nl_msg *msg, const void *arg)
{
	static const char big[8192];

	(void)arg;
	if (nla_put(msg, CTRMAP_A_COMM, sizeof(big), big) < 0)
		return -EMSGSIZE;
	return 0;
}

static void test_header(void)
{
	struct nl_msg *msg;
	struct nlmsghdr *nlh;
	struct genlmsghdr *ghdr;

	is_int(ctrmap_nl_build(FAMILY, CTRMAP_CMD_STATS, 0, NULL, NULL, &msg),
	       0, "bare request: built");
	nlh = nlmsg_hdr(msg);
	ghdr = nlmsg_data(nlh);
	is_int(nlh->nlmsg_type, FAMILY, "netlink type is the family id");
	is_int(nlh->nlmsg_len, NLMSG_HDRLEN + GENL_HDRLEN,
	       "no attributes: headers only");
	is_int(ghdr->cmd, CTRMAP_CMD_STATS, "genl command");
	is_int(ghdr->version, CTRMAP_GENL_VERSION, "genl version");
	is_int(ghdr->reserved, 0, "genl reserved is zero");
	is_int(nlh->nlmsg_flags & NLM_F_DUMP, 0, "not a dump");
	nlmsg_free(msg);

	is_int(ctrmap_nl_build(FAMILY, CTRMAP_CMD_GET, NLM_F_DUMP, NULL, NULL,
			       &msg),
	       0, "dump request: built");
	is_int(nlmsg_hdr(msg)->nlmsg_flags & NLM_F_DUMP, NLM_F_DUMP,
	       "NLM_F_DUMP set");
	nlmsg_free(msg);
}

static void test_attributes(void)
{
	const uint64_t addr = 0x7f0012345678;
	struct nlattr *tb[CTRMAP_A_MAX + 1];
	struct nl_msg *msg;
	struct nlmsghdr *nlh;

	is_int(ctrmap_nl_build(FAMILY, CTRMAP_CMD_ATTACH, 0, put_attach, &addr,
			       &msg),
	       0, "attach request: built");
	nlh = nlmsg_hdr(msg);
	is_int(genlmsg_parse(nlh, 0, tb, CTRMAP_A_MAX, NULL), 0,
	       "attributes parse back");
	ok(tb[CTRMAP_A_PID] && nla_len(tb[CTRMAP_A_PID]) == 4 &&
	   nla_get_u32(tb[CTRMAP_A_PID]) == 4242, "pid: u32 4242");
	ok(tb[CTRMAP_A_ADDR] && nla_len(tb[CTRMAP_A_ADDR]) == 8 &&
	   nla_get_u64(tb[CTRMAP_A_ADDR]) == addr, "addr: u64");
	ok(tb[CTRMAP_A_LEN] && nla_get_u64(tb[CTRMAP_A_LEN]) == 4096,
	   "len: u64 4096");
	ok(tb[CTRMAP_A_COMM] && nla_len(tb[CTRMAP_A_COMM]) == 7 &&
	   !memcmp(nla_data(tb[CTRMAP_A_COMM]), "reader", 7),
	   "comm: NUL-terminated string");
	ok(tb[CTRMAP_A_VERBOSE] && nla_len(tb[CTRMAP_A_VERBOSE]) == 0,
	   "verbose: flag without payload");
	/* 20 + (8 + 12 + 12 + 12 + 4) */
	is_int(nlh->nlmsg_len, NLMSG_HDRLEN + GENL_HDRLEN + 48,
	       "attributes are packed and aligned");
	/* The first attribute sits right after the genl header: this is the
	 * offset NLMSGERR_ATTR_OFFS reports for it. */
	is_int((char *)tb[CTRMAP_A_PID] - (char *)nlh, 20,
	       "first attribute at offset 20");
	nlmsg_free(msg);
}

static void test_failures(void)
{
	struct nl_msg *msg = (struct nl_msg *)&msg;

	is_int(ctrmap_nl_build(FAMILY, CTRMAP_CMD_ADD, 0, put_fails, NULL,
			       &msg),
	       -ENOSPC, "put's error is returned");
	ok(msg == NULL, "no message on failure");
	is_int(ctrmap_nl_build(FAMILY, CTRMAP_CMD_ADD, 0, put_too_much, NULL,
			       &msg),
	       -EMSGSIZE, "a full message fails with -EMSGSIZE");
	ok(msg == NULL, "no message on failure (valgrind: freed)");
}

int main(void)
{
	test_header();
	test_attributes();
	test_failures();
	return done_testing();
}
