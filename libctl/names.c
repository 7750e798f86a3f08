// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Names of the ABI's enumerations and attributes, as the tool and scripts
 * show them.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <netlink/attr.h>

#include "internal.h"

const char *ctrmap_reason_name(unsigned int reason)
{
	static const char *const names[] = {
		[CTRMAP_REASON_NONE] = "none",
		[CTRMAP_REASON_REQUEST] = "request",
		[CTRMAP_REASON_EXIT] = "exit",
		[CTRMAP_REASON_UNMAPPED] = "unmapped",
		[CTRMAP_REASON_UNLOAD] = "unload",
	};
	_Static_assert(sizeof(names) / sizeof(names[0]) == CTRMAP_REASON_MAX + 1,
		       "a reason has no name");

	return reason <= CTRMAP_REASON_MAX ? names[reason] : NULL;
}

const char *ctrmap_source_name(unsigned int type)
{
	static const char *const names[] = {
		[CTRMAP_SOURCE_NONE] = "none",
		[CTRMAP_SOURCE_TIMER] = "timer",
		[CTRMAP_SOURCE_IRQ] = "irq",
	};
	_Static_assert(sizeof(names) / sizeof(names[0]) == CTRMAP_SOURCE_MAX + 1,
		       "a source type has no name");

	return type <= CTRMAP_SOURCE_MAX ? names[type] : NULL;
}

const char *ctrmap_state_name(unsigned int state)
{
	static const char *const names[] = {
		[CTRMAP_STATE_NONE] = "none",
		[CTRMAP_STATE_ATTACHED] = "attached",
		[CTRMAP_STATE_DETACHED] = "detached",
	};

	return state < sizeof(names) / sizeof(names[0]) ? names[state] : NULL;
}

/*
 * Attribute names, for ctrmap_errattr() and ctrmap_errmsg(): an attribute
 * space is a table of names by type, and for a nest, the space inside it.
 * Only what a request can hold needs a name; pads never do.
 */
struct attr_space {
	unsigned int max;
	const char *const *names;
	const struct attr_space *const *nests;
};

static const char *const source_names[CTRMAP_SOURCE_A_MAX + 1] = {
	[CTRMAP_SOURCE_A_TYPE] = "type",
	[CTRMAP_SOURCE_A_PERIOD_NS] = "period_ns",
	[CTRMAP_SOURCE_A_IRQ] = "irq",
};

static const struct attr_space source_space = {
	.max = CTRMAP_SOURCE_A_MAX,
	.names = source_names,
};

static const char *const top_names[CTRMAP_A_MAX + 1] = {
	[CTRMAP_A_REGION_ID] = "region_id",
	[CTRMAP_A_PID] = "pid",
	[CTRMAP_A_ADDR] = "addr",
	[CTRMAP_A_LEN] = "len",
	[CTRMAP_A_NPAGES] = "npages",
	[CTRMAP_A_NCOUNTERS] = "ncounters",
	[CTRMAP_A_STATE] = "state",
	[CTRMAP_A_REASON] = "reason",
	[CTRMAP_A_COMM] = "comm",
	[CTRMAP_A_INDEX] = "index",
	[CTRMAP_A_DELTA] = "delta",
	[CTRMAP_A_SOURCE] = "source",
	[CTRMAP_A_VERBOSE] = "verbose",
	[CTRMAP_A_BINDINGS] = "bindings",
	[CTRMAP_A_BINDING] = "binding",
	[CTRMAP_A_PAGES] = "pages",
	[CTRMAP_A_PAGE] = "page",
	[CTRMAP_A_VERSION] = "version",
	[CTRMAP_A_STATS] = "stats",
	[CTRMAP_A_LIMITS] = "limits",
	[CTRMAP_A_USAGE] = "usage",
	[CTRMAP_A_REPLY] = "reply",
	[CTRMAP_A_VALUE] = "value",
	[CTRMAP_A_FIRST_PAGE] = "first_page",
	[CTRMAP_A_FIRST_INDEX] = "first_index",
	[CTRMAP_A_COUNT] = "count",
	[CTRMAP_A_VALUES] = "values",
	[CTRMAP_A_NAME] = "name",
	[CTRMAP_A_COUNTERS] = "counters",
	[CTRMAP_A_COUNTER] = "counter",
};

static const struct attr_space *const top_nests[CTRMAP_A_MAX + 1] = {
	[CTRMAP_A_SOURCE] = &source_space,
};

static const struct attr_space top_space = {
	.max = CTRMAP_A_MAX,
	.names = top_names,
	.nests = top_nests,
};

/* Append ".name" (or "name" at the start) of type in space to buf. */
static void append_name(char *buf, size_t size, const struct attr_space *space,
			unsigned int type)
{
	size_t used = strlen(buf);
	const char *sep = used ? "." : "";

	if (space && type <= space->max && space->names[type])
		snprintf(buf + used, size - used, "%s%s", sep,
			 space->names[type]);
	else
		snprintf(buf + used, size - used, "%s%u", sep, type);
}

static const struct attr_space *nest_space(const struct attr_space *space,
					   unsigned int type)
{
	if (!space || !space->nests || type > space->max)
		return NULL;
	return space->nests[type];
}

/*
 * Find byte offs (relative to base) among the attributes [attrs, + len) of
 * space, appending the path to it to buf. Returns the space inside the
 * attribute found (NULL if it is no nest this library knows), through
 * *found whether one was.
 */
static const struct attr_space *
locate(const unsigned char *base, const struct nlattr *attrs, int len,
       uint32_t offs, const struct attr_space *space, char *buf, size_t size,
       bool *found)
{
	const struct nlattr *nla;
	int rem;

	*found = false;
	nla_for_each_attr(nla, attrs, len, rem) {
		size_t start = (size_t)((const unsigned char *)nla - base);
		unsigned int type = (unsigned int)nla_type(nla);
		const struct attr_space *inner = nest_space(space, type);
		bool deeper;

		if (offs < start || offs >= start + (size_t)nla->nla_len)
			continue;
		*found = true;
		append_name(buf, size, space, type);
		if (offs == start || !inner)
			return inner;
		/* Inside a nest: the innermost attribute, if offs is one. */
		inner = locate(base, nla_data(nla), nla_len(nla), offs, inner,
			       buf, size, &deeper);
		return deeper ? inner : nest_space(space, type);
	}
	return NULL;
}

/* The request's attributes: after the netlink and genl headers. */
static int request_attrs(const struct nlmsghdr *req,
			 const struct nlattr **attrs)
{
	size_t hdrs = NLMSG_HDRLEN + GENL_HDRLEN;

	if (req->nlmsg_len < hdrs || req->nlmsg_len > INT_MAX)
		return -1;
	*attrs = (const struct nlattr *)((const unsigned char *)req + hdrs);
	return (int)(req->nlmsg_len - hdrs);
}

int ctrmap_attr_at(const struct nlmsghdr *req, uint32_t offs, char *buf,
		   size_t size)
{
	const struct nlattr *attrs;
	int len = request_attrs(req, &attrs);
	bool found;

	if (!size)
		return -ENOENT;
	buf[0] = '\0';
	if (len < 0)
		return -ENOENT;
	locate((const unsigned char *)req, attrs, len, offs, &top_space, buf,
	       size, &found);
	if (!found)
		buf[0] = '\0';
	return found ? 0 : -ENOENT;
}

int ctrmap_attr_missing(const struct nlmsghdr *req,
			const struct ctrmap_extack *ext, char *buf,
			size_t size)
{
	const struct attr_space *space = &top_space;
	const struct nlattr *attrs;
	int len = request_attrs(req, &attrs);
	bool found;

	if (!size)
		return -ENOENT;
	buf[0] = '\0';
	if (!ext->has_miss_type)
		return -ENOENT;
	if (ext->has_miss_nest) {
		if (len < 0)
			return -ENOENT;
		space = locate((const unsigned char *)req, attrs, len,
			       ext->miss_nest, &top_space, buf, size, &found);
		if (!found)
			return -ENOENT;
	}
	append_name(buf, size, space, ext->miss_type);
	return 0;
}
