// SPDX-License-Identifier: LGPL-2.1-or-later
/* Notifications on the "monitor" multicast group: CTRMAP_CMD_DETACHED. */
#include <errno.h>
#include <string.h>

#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/socket.h>

#include "internal.h"

/* Exact lengths: a notification that disagrees with the ABI is refused. */
static const struct nla_policy detached_policy[CTRMAP_A_MAX + 1] = {
	[CTRMAP_A_REGION_ID] = { .type = NLA_U32, .maxlen = sizeof(uint32_t) },
	[CTRMAP_A_PID] = { .type = NLA_U32, .maxlen = sizeof(uint32_t) },
	[CTRMAP_A_REASON] = { .type = NLA_U8, .maxlen = sizeof(uint8_t) },
};

int ctrmap_parse_event(struct nlmsghdr *nlh, struct ctrmap_event *ev)
{
	struct genlmsghdr *ghdr = nlmsg_data(nlh);
	struct nlattr *tb[CTRMAP_A_MAX + 1];

	memset(ev, 0, sizeof(*ev));
	ev->sz = sizeof(*ev);
	if (nlh->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN)
		return -EPROTO;
	if (ghdr->cmd != CTRMAP_CMD_DETACHED)
		return -ENOENT;
	/* Unknown attributes are skipped: newer modules may add some. */
	if (genlmsg_parse(nlh, 0, tb, CTRMAP_A_MAX, detached_policy) < 0 ||
	    !tb[CTRMAP_A_REGION_ID] || !tb[CTRMAP_A_PID] ||
	    !tb[CTRMAP_A_REASON])
		return -EPROTO;
	ev->cmd = ghdr->cmd;
	ev->region_id = nla_get_u32(tb[CTRMAP_A_REGION_ID]);
	ev->pid = nla_get_u32(tb[CTRMAP_A_PID]);
	ev->reason = nla_get_u8(tb[CTRMAP_A_REASON]);
	return 0;
}

int ctrmap_monitor(struct ctrmap_handle *h)
{
	return ctrmap_nl_join(h, CTRMAP_MCGRP_MONITOR);
}

int ctrmap_event_fd(const struct ctrmap_handle *h)
{
	return nl_socket_get_fd(h->sock);
}

int ctrmap_next_event(struct ctrmap_handle *h, struct ctrmap_event *ev,
		      int timeout_ms)
{
	struct ctrmap_event full;
	int64_t deadline = -1;
	int ret;

	ret = ctrmap_sz_zero(ev, CTRMAP_EVENT_SZ0);
	if (ret)
		return ret;
	if (timeout_ms >= 0)
		deadline = ctrmap_nl_now_ms() + timeout_ms;
	for (;;) {
		struct nlmsghdr *nlh;

		ret = ctrmap_nl_next_msg(h, deadline, &nlh);
		if (ret)
			return ret;
		ret = ctrmap_parse_event(nlh, &full);
		if (!ret)
			return ctrmap_sz_out(ev, &full, CTRMAP_EVENT_SZ0,
					     sizeof(full));
		if (ret != -ENOENT)
			return ret;
	}
}
