// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Sources: CTRMAP_CMD_BIND and _UNBIND, and the text form of a source
 * ("timer:1ms", "irq:11") that the tool and scripts use.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <netlink/attr.h>

#include "internal.h"

struct bind_req {
	uint32_t id;
	uint32_t index;
	const struct ctrmap_source *src;
};

static int put_source(struct nl_msg *msg, const struct ctrmap_source *src)
{
	struct nlattr *nest = nla_nest_start(msg, CTRMAP_A_SOURCE);

	if (!nest || nla_put_u8(msg, CTRMAP_SOURCE_A_TYPE, src->type) < 0)
		return -EMSGSIZE;
	if (src->type == CTRMAP_SOURCE_TIMER &&
	    nla_put_u64(msg, CTRMAP_SOURCE_A_PERIOD_NS, src->period_ns) < 0)
		return -EMSGSIZE;
	if (src->type == CTRMAP_SOURCE_IRQ &&
	    nla_put_u32(msg, CTRMAP_SOURCE_A_IRQ, src->irq) < 0)
		return -EMSGSIZE;
	return nla_nest_end(msg, nest) < 0 ? -EMSGSIZE : 0;
}

static int put_bind(struct nl_msg *msg, const void *arg)
{
	const struct bind_req *req = arg;

	if (nla_put_u32(msg, CTRMAP_A_REGION_ID, req->id) < 0 ||
	    nla_put_u32(msg, CTRMAP_A_INDEX, req->index) < 0)
		return -EMSGSIZE;
	return req->src ? put_source(msg, req->src) : 0;
}

int ctrmap_bind(struct ctrmap_handle *h, uint32_t id, uint32_t index,
		const struct ctrmap_source *src)
{
	struct ctrmap_source s;
	struct bind_req req = { .id = id, .index = index, .src = &s };

	if (ctrmap_sz_in(&s, src, CTRMAP_SOURCE_SZ0, sizeof(s)))
		return -EINVAL;
	/* Other types would need parameters this library cannot send. */
	if (s.type != CTRMAP_SOURCE_TIMER && s.type != CTRMAP_SOURCE_IRQ)
		return -EINVAL;
	return ctrmap_nl_act(h, CTRMAP_CMD_BIND, put_bind, &req, NULL);
}

int ctrmap_unbind(struct ctrmap_handle *h, uint32_t id, uint32_t index)
{
	struct bind_req req = { .id = id, .index = index };

	return ctrmap_nl_act(h, CTRMAP_CMD_UNBIND, put_bind, &req, NULL);
}

/*
 * A decimal number at *s, at most max: digits only, no sign or space.
 * Advances *s past it.
 */
static int parse_decimal(const char **s, uint64_t max, uint64_t *out)
{
	const char *p = *s;
	uint64_t v = 0;

	if (*p < '0' || *p > '9')
		return -EINVAL;
	for (; *p >= '0' && *p <= '9'; p++) {
		unsigned int digit = (unsigned int)(*p - '0');

		if (v > (max - digit) / 10)
			return -EINVAL;
		v = v * 10 + digit;
	}
	*s = p;
	*out = v;
	return 0;
}

static const struct {
	const char *name;
	uint64_t ns;
} units[] = {	/* largest first, for ctrmap_source_format() */
	{ "s", 1000000000 },
	{ "ms", 1000000 },
	{ "us", 1000 },
	{ "ns", 1 },
};

#define NUNITS (sizeof(units) / sizeof(units[0]))

static int parse_period(const char *s, uint64_t *period_ns)
{
	uint64_t v, mult = 1;

	if (parse_decimal(&s, UINT64_MAX, &v) || !v)
		return -EINVAL;
	if (*s) {
		size_t i;

		for (i = 0; i < NUNITS; i++)
			if (!strcmp(s, units[i].name))
				break;
		if (i == NUNITS)
			return -EINVAL;
		mult = units[i].ns;
	}
	if (v > UINT64_MAX / mult)
		return -EINVAL;
	*period_ns = v * mult;
	return 0;
}

int ctrmap_source_parse(const char *text, struct ctrmap_source *src)
{
	struct ctrmap_source s = { .sz = sizeof(s), .type = CTRMAP_SOURCE_NONE };
	size_t sz;
	uint64_t v;

	if (!text || !src)
		return -EINVAL;
	memcpy(&sz, src, sizeof(sz));
	if (sz < CTRMAP_SOURCE_SZ0)
		return -EINVAL;
	if (!strncmp(text, "timer:", 6)) {
		if (parse_period(text + 6, &s.period_ns))
			return -EINVAL;
		s.type = CTRMAP_SOURCE_TIMER;
	} else if (!strncmp(text, "irq:", 4)) {
		text += 4;
		if (parse_decimal(&text, UINT32_MAX, &v) || *text)
			return -EINVAL;
		s.type = CTRMAP_SOURCE_IRQ;
		s.irq = (uint32_t)v;
	} else {
		return -EINVAL;
	}
	return ctrmap_sz_out(src, &s, CTRMAP_SOURCE_SZ0, sizeof(s));
}

int ctrmap_source_format(const struct ctrmap_source *src, char *buf,
			 size_t len)
{
	struct ctrmap_source s;
	size_t i = NUNITS - 1;

	if ((!buf && len) ||
	    ctrmap_sz_in(&s, src, CTRMAP_SOURCE_SZ0, sizeof(s)))
		return -EINVAL;
	switch (s.type) {
	case CTRMAP_SOURCE_TIMER:
		/* 0 is no valid period, but shows as one: "0ns". */
		if (s.period_ns) {
			for (i = 0; i < NUNITS; i++)
				if (s.period_ns % units[i].ns == 0)
					break;
		}
		return snprintf(buf, len, "timer:%" PRIu64 "%s",
				s.period_ns / units[i].ns, units[i].name);
	case CTRMAP_SOURCE_IRQ:
		return snprintf(buf, len, "irq:%" PRIu32, s.irq);
	default:
		return -EINVAL;
	}
}
