// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The netlink plumbing (ctrmap_nl_open/ctrmap_nl_cmd) end to end against a
 * generic netlink family every Linux host has: the controller, "nlctrl".
 * It exercises what the ctrmap module will: do and dump requests, reply
 * callbacks, kernel errors with extended ACK (capped and uncapped), and
 * staying in sync after a failure. Skipped where netlink is unavailable.
 */
#include <errno.h>
#include <sys/socket.h>

#include <linux/genetlink.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include "internal.h"
#include "tap.h"

struct families {
	int count;
	bool saw_nlctrl;
	int fail_with;		/* returned from every reply, if nonzero */
};

static int on_family(struct nlmsghdr *nlh, void *arg)
{
	struct families *f = arg;
	struct nlattr *tb[CTRL_ATTR_MAX + 1];

	f->count++;
	if (f->fail_with)
		return f->fail_with;
	if (genlmsg_parse(nlh, 0, tb, CTRL_ATTR_MAX, NULL) < 0 ||
	    !tb[CTRL_ATTR_FAMILY_NAME])
		return -EPROTO;
	if (!strcmp(nla_get_string(tb[CTRL_ATTR_FAMILY_NAME]), "nlctrl"))
		f->saw_nlctrl = true;
	return 0;
}

static int put_name(struct nl_msg *msg, const void *name)
{
	return nla_put_string(msg, CTRL_ATTR_FAMILY_NAME, name) < 0 ?
	       -EMSGSIZE : 0;
}

/* A family name that is not NUL-terminated: fails policy validation. */
static int put_bad_name(struct nl_msg *msg, const void *arg)
{
	(void)arg;
	return nla_put(msg, CTRL_ATTR_FAMILY_NAME, 2, "AB") < 0 ?
	       -EMSGSIZE : 0;
}

static void test_requests(struct ctrmap_handle *h)
{
	struct families f = { 0 };

	is_int(ctrmap_nl_cmd(h, CTRL_CMD_GETFAMILY, 0, put_name, "nlctrl",
			     on_family, &f),
	       0, "do: succeeds");
	is_int(f.count, 1, "do: one reply");
	ok(f.saw_nlctrl, "do: reply parsed");
	is_str(ctrmap_errmsg(h), "", "do: no error message");

	memset(&f, 0, sizeof(f));
	is_int(ctrmap_nl_cmd(h, CTRL_CMD_GETFAMILY, NLM_F_DUMP, NULL, NULL,
			     on_family, &f),
	       0, "dump: succeeds");
	ok(f.count >= 1 && f.saw_nlctrl, "dump: all families (%d)", f.count);

	memset(&f, 0, sizeof(f));
	f.fail_with = -ECANCELED;
	is_int(ctrmap_nl_cmd(h, CTRL_CMD_GETFAMILY, NLM_F_DUMP, NULL, NULL,
			     on_family, &f),
	       -ECANCELED, "dump: a reply callback's error is returned");
	is_int(f.count, 1, "dump: no more callbacks after an error");

	memset(&f, 0, sizeof(f));
	is_int(ctrmap_nl_cmd(h, CTRL_CMD_GETFAMILY, 0, put_name, "nlctrl",
			     on_family, &f),
	       0, "after a failed dump the socket is in sync");

	is_int(ctrmap_nl_cmd(h, CTRL_CMD_GETFAMILY, NLM_F_ACK, put_name,
			     "ctrmapnone", NULL, NULL),
	       -ENOENT, "kernel errno is returned exactly");
	is_int(ctrmap_nl_cmd(h, 200, NLM_F_ACK, NULL, NULL, NULL, NULL),
	       -EOPNOTSUPP, "unknown command: -EOPNOTSUPP");
	is_int(ctrmap_nl_cmd(h, CTRL_CMD_GETFAMILY, 0, put_name, "nlctrl",
			     NULL, NULL),
	       -EINVAL, "neither ACK nor dump nor reply callback: -EINVAL");
}

static void check_extack(struct ctrmap_handle *h, const char *how)
{
	is_int(ctrmap_nl_cmd(h, CTRL_CMD_GETFAMILY, NLM_F_ACK, put_bad_name, NULL,
			     NULL, NULL),
	       -EINVAL, "%s: policy violation: -EINVAL", how);
	ok(ctrmap_errmsg(h)[0] != '\0', "%s: kernel message: '%s'", how,
	   ctrmap_errmsg(h));
	is_str(ctrmap_errmsg(h), h->ext.msg, "%s: errmsg is the message", how);
	/* 16-byte netlink header + 4-byte genl header. */
	ok(h->ext.has_offs && h->ext.offs == 20,
	   "%s: offset of the bad attribute", how);
	/* Named by ctrmap's table: nlctrl's type 2 is ctrmap's region_id. */
	is_str(ctrmap_errattr(h), "region_id",
	       "%s: errattr names the attribute at the offset", how);

	is_int(ctrmap_nl_cmd(h, CTRL_CMD_GETFAMILY, NLM_F_ACK, put_name, "nlctrl",
			     NULL, NULL),
	       0, "%s: next call succeeds", how);
	is_str(ctrmap_errmsg(h), "", "%s: and clears the message", how);
	is_str(ctrmap_errattr(h), NULL, "%s: and the attribute", how);
}

/*
 * ctrmap_stats() glue: nlctrl has no command CTRMAP_CMD_STATS, so the
 * kernel refuses it, and the result must say so and be zeroed.
 */
static void test_stats_glue(struct ctrmap_handle *h)
{
	struct ctrmap_stats st;

	memset(&st, 0xff, sizeof(st));
	st.sz = sizeof(st);
	is_int(ctrmap_stats(h, &st), -EOPNOTSUPP,
	       "ctrmap_stats: kernel errno returned");
	ok(st.regions == 0 && st.version[0] == '\0',
	   "ctrmap_stats: result zeroed on failure");
}

/*
 * GENL_REQ_ATTR_CHECK() answers a missing attribute with its type and no
 * message; the "netdev" family (Linux 6.3+) uses it for NETDEV_CMD_DEV_GET
 * without NETDEV_A_DEV_IFINDEX (both 1).
 */
static void test_missing_attr(void)
{
	struct ctrmap_handle *h;

	if (ctrmap_nl_open(&h, "netdev")) {
		skip("missing attribute report", "no netdev family here");
		return;
	}
	is_int(ctrmap_nl_cmd(h, 1, NLM_F_ACK, NULL, NULL, NULL, NULL), -EINVAL,
	       "missing attribute: -EINVAL");
	ok(h->ext.has_miss_type && h->ext.miss_type == 1,
	   "missing attribute: its type");
	/* Type 1 is a pad in ctrmap's table: it has no name. */
	is_str(ctrmap_errmsg(h), "missing attribute 1",
	       "missing attribute: errmsg names it");
	is_str(ctrmap_errattr(h), NULL, "missing attribute: no offset");
	ctrmap_close(h);
}

int main(void)
{
	static const int zero;
	struct ctrmap_handle *h = (struct ctrmap_handle *)&h;
	int err;

	is_str(ctrmap_errmsg(NULL), "", "errmsg of no handle");
	err = ctrmap_nl_open(&h, "ctrmapnone");
	if (err != -ENOENT && err != 0) {
		skip_env("generic netlink", strerror(-err));
		return done_testing();
	}
	is_int(err, -ENOENT, "unknown family: -ENOENT");
	ok(h == NULL, "unknown family: no handle");

	is_int(ctrmap_nl_open(&h, "nlctrl"), 0, "open nlctrl");
	if (!h)
		return done_testing();
	is_int(h->family, GENL_ID_CTRL, "family id resolved");

	test_requests(h);
	test_stats_glue(h);
	check_extack(h, "capped");
	/* Without NETLINK_CAP_ACK the kernel echoes the whole request. */
	ok(setsockopt(nl_socket_get_fd(h->sock), SOL_NETLINK, NETLINK_CAP_ACK,
		      &zero, sizeof(zero)) == 0, "NETLINK_CAP_ACK off");
	check_extack(h, "uncapped");

	ctrmap_close(h);
	ctrmap_close(NULL);
	test_missing_attr();
	return done_testing();
}
