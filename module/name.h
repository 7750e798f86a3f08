/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _CTRMAP_NAME_H
#define _CTRMAP_NAME_H

#include <linux/netlink.h>
#include <linux/types.h>

struct ctrmap_region;

int ctrmap_name_check(const struct nlattr *attr,
		      struct netlink_ext_ack *extack);
int ctrmap_name_region(struct ctrmap_region *r, const struct nlattr *name,
		       struct netlink_ext_ack *extack);
int ctrmap_name_counter(struct ctrmap_region *r, u32 index,
			const struct nlattr *name,
			struct netlink_ext_ack *extack);
int ctrmap_put_region_name(struct sk_buff *skb, struct ctrmap_region *r);
int ctrmap_put_names(struct sk_buff *skb, struct ctrmap_region *r, u32 *from);
void ctrmap_names_free(struct ctrmap_region *r);

#endif /* _CTRMAP_NAME_H */
