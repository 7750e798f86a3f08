// SPDX-License-Identifier: GPL-2.0
/*
 * Names (CTRMAP_CMD_NAME): one for the region, one per counter, kept with
 * the region and given back by GET. They are the caller's memory, charged
 * to its memory cgroup, and bounded: CTRMAP_NAME_MAX bytes each, at most
 * CTRMAP_NAMES_MAX named counters a region. bind_lock guards them.
 */
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/xarray.h>
#include <net/netlink.h>

#include "name.h"
#include "region.h"

/*
 * A letter or '_', then letters, digits, '_', '.', ':' or '-': a
 * Prometheus label value and a shell word as it is, and never a number,
 * so that a tool may take a name wherever it takes an index or an id.
 * The policy bounds the length and ensures the NUL.
 */
static bool ctrmap_name_letter(char c)
{
	/* ASCII only: the kernel's isalpha() takes Latin-1 letters too. */
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

int ctrmap_name_check(const struct nlattr *attr,
		      struct netlink_ext_ack *extack)
{
	const char *s = nla_data(attr);

	if (!*s) {
		NL_SET_ERR_MSG_ATTR(extack, attr, "name: empty");
		return -EINVAL;
	}
	if (!ctrmap_name_letter(*s)) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "name: must begin with a letter or '_'");
		return -EINVAL;
	}
	for (s++; *s; s++) {
		if (!ctrmap_name_letter(*s) && !(*s >= '0' && *s <= '9') &&
		    !strchr(".:-", *s)) {
			NL_SET_ERR_MSG_ATTR(extack, attr,
					    "name: only letters, digits, '_', '.', ':' and '-' (no spaces)");
			return -EINVAL;
		}
	}
	return 0;
}

/*
 * Name the region, or (@name NULL) remove its name, as a counter's: ENOENT
 * if it has none. @name is checked already.
 */
int ctrmap_name_region(struct ctrmap_region *r, const struct nlattr *name,
		       struct netlink_ext_ack *extack)
{
	int err = 0;

	mutex_lock(&r->bind_lock);
	if (name) {
		nla_strscpy(r->name, name, sizeof(r->name));
	} else if (!r->name[0]) {
		NL_SET_ERR_MSG(extack, "the region has no name");
		err = -ENOENT;
	} else {
		r->name[0] = '\0';
	}
	mutex_unlock(&r->bind_lock);
	return err;
}

/* Another counter of @r with this name, under bind_lock. */
static bool ctrmap_name_taken(struct ctrmap_region *r, u32 index,
			      const char *name)
{
	unsigned long i;
	const char *s;

	xa_for_each(&r->names, i, s)
		if (i != index && !strcmp(s, name))
			return true;
	return false;
}

/*
 * Name counter @index (in range) of @r, or (@name NULL) remove its name.
 * Changes nothing on failure.
 */
int ctrmap_name_counter(struct ctrmap_region *r, u32 index,
			const struct nlattr *name,
			struct netlink_ext_ack *extack)
{
	char *old, *s = NULL;
	int err = 0;

	if (name) {
		s = nla_strdup(name, GFP_KERNEL_ACCOUNT);
		if (!s) {
			NL_SET_ERR_MSG(extack, "out of memory");
			return -ENOMEM;
		}
	}
	mutex_lock(&r->bind_lock);
	old = xa_load(&r->names, index);
	if (!s) {
		if (!old) {
			NL_SET_ERR_MSG(extack, "the counter has no name");
			err = -ENOENT;
		} else {
			xa_erase_bh(&r->names, index);
			r->nnames--;
		}
		goto out;
	}
	if (ctrmap_name_taken(r, index, s)) {
		NL_SET_ERR_MSG_ATTR(extack, name,
				    "another counter of the region has this name");
		err = -EEXIST;
		goto out;
	}
	if (!old && r->nnames >= CTRMAP_NAMES_MAX) {
		NL_SET_ERR_MSG_ATTR(extack, name,
				    "the region has as many named counters as it may (CTRMAP_NAMES_MAX)");
		err = -ENOSPC;
		goto out;
	}
	err = xa_err(xa_store_bh(&r->names, index, s, GFP_KERNEL_ACCOUNT));
	if (err) {
		NL_SET_ERR_MSG(extack, "out of memory");
		goto out;
	}
	if (!old)
		r->nnames++;
	s = NULL;	/* the region's now */
out:
	mutex_unlock(&r->bind_lock);
	kfree(s);
	if (!err)
		kfree(old);
	return err;
}

int ctrmap_put_region_name(struct sk_buff *skb, struct ctrmap_region *r)
{
	int err = 0;

	mutex_lock(&r->bind_lock);
	if (r->name[0])
		err = nla_put_string(skb, CTRMAP_A_NAME, r->name);
	mutex_unlock(&r->bind_lock);
	return err;
}

/*
 * GET's named counters from index @from on, as many as fit; @from is
 * moved to the first one left out, U32_MAX when all were put. Returns how
 * many were put. A region without names gets no list: its messages are as
 * they were before names.
 */
int ctrmap_put_names(struct sk_buff *skb, struct ctrmap_region *r, u32 *from)
{
	struct nlattr *list = NULL, *one;
	unsigned long i;
	const char *s;
	int n = 0;

	mutex_lock(&r->bind_lock);
	if (!r->nnames) {
		*from = U32_MAX;
		goto out;
	}
	/* No room for the list: the next message of a dump has it. */
	list = nla_nest_start(skb, CTRMAP_A_COUNTERS);
	if (!list)
		goto out;
	xa_for_each_start(&r->names, i, s, *from) {
		one = nla_nest_start(skb, CTRMAP_A_COUNTER);
		if (!one || nla_put_u32(skb, CTRMAP_COUNTER_A_INDEX, i) ||
		    nla_put_string(skb, CTRMAP_COUNTER_A_NAME, s)) {
			if (one)
				nla_nest_cancel(skb, one);
			*from = i;
			goto out;
		}
		nla_nest_end(skb, one);
		n++;
	}
	*from = U32_MAX;
out:
	mutex_unlock(&r->bind_lock);
	if (list)
		nla_nest_end(skb, list);
	return n;
}

/*
 * When the region is freed, after a grace period (softirq): nobody else can
 * reach it. Every other user of the array takes its lock with BH off.
 */
void ctrmap_names_free(struct ctrmap_region *r)
{
	unsigned long i;
	char *s;

	xa_for_each(&r->names, i, s)
		kfree(s);
	xa_destroy(&r->names);
}
