// SPDX-License-Identifier: GPL-2.0
/* Dumps see their parsed attributes through a genl_info (6.6). */
#include <net/genetlink.h>

struct nlattr **ctrmap_probe(struct netlink_callback *cb);
struct nlattr **ctrmap_probe(struct netlink_callback *cb)
{
	return genl_info_dump(cb)->attrs;
}
