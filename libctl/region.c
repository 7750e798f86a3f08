// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Regions: CTRMAP_CMD_ATTACH, _DETACH, _ADD, _NAME, and _GET (do and dump)
 * with the parser of its reply, and GET's counter values.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include "internal.h"

/* Exact lengths: a reply that disagrees with the ABI is refused. */
#define POLICY_U8 { .type = NLA_U8, .maxlen = sizeof(uint8_t) }
#define POLICY_U32 { .type = NLA_U32, .maxlen = sizeof(uint32_t) }
#define POLICY_U64 { .type = NLA_U64, .maxlen = sizeof(uint64_t) }

/* What the requests below carry; each put function takes its part. */
struct region_req {
	uint32_t pid;
	uint64_t addr;
	uint64_t len;
	const char *name;	/* ATTACH's, NAME's (NULL: remove) */
	uint32_t id;
	uint32_t index;
	uint64_t delta;
	bool dump;
	bool verbose;
	bool by_id;		/* a dump of region id only */
	bool values;		/* counters [first, first + count); 0: all */
	uint32_t first;
	uint32_t count;
};

static int put_attach(struct nl_msg *msg, const void *arg)
{
	const struct region_req *req = arg;

	if (nla_put_u32(msg, CTRMAP_A_PID, req->pid) < 0 ||
	    nla_put_u64(msg, CTRMAP_A_ADDR, req->addr) < 0 ||
	    nla_put_u64(msg, CTRMAP_A_LEN, req->len) < 0 ||
	    (req->name && nla_put_string(msg, CTRMAP_A_NAME, req->name) < 0))
		return -EMSGSIZE;
	return 0;
}

static int put_id(struct nl_msg *msg, const void *arg)
{
	const struct region_req *req = arg;

	return nla_put_u32(msg, CTRMAP_A_REGION_ID, req->id) < 0 ?
	       -EMSGSIZE : 0;
}

static int put_add(struct nl_msg *msg, const void *arg)
{
	const struct region_req *req = arg;

	if (nla_put_u32(msg, CTRMAP_A_REGION_ID, req->id) < 0 ||
	    nla_put_u32(msg, CTRMAP_A_INDEX, req->index) < 0 ||
	    nla_put_u64(msg, CTRMAP_A_DELTA, req->delta) < 0)
		return -EMSGSIZE;
	return 0;
}

/*
 * GET do names the region; a dump may name the process it lists, or the
 * one region. first_index asks for values (count: not all of them).
 */
static int put_get(struct nl_msg *msg, const void *arg)
{
	const struct region_req *req = arg;

	if ((!req->dump || req->by_id) &&
	    nla_put_u32(msg, CTRMAP_A_REGION_ID, req->id) < 0)
		return -EMSGSIZE;
	if (req->dump && req->pid &&
	    nla_put_u32(msg, CTRMAP_A_PID, req->pid) < 0)
		return -EMSGSIZE;
	if (req->verbose && nla_put_flag(msg, CTRMAP_A_VERBOSE) < 0)
		return -EMSGSIZE;
	if (req->values &&
	    nla_put_u32(msg, CTRMAP_A_FIRST_INDEX, req->first) < 0)
		return -EMSGSIZE;
	if (req->values && req->count &&
	    nla_put_u32(msg, CTRMAP_A_COUNT, req->count) < 0)
		return -EMSGSIZE;
	return 0;
}

static const struct nla_policy attach_reply_policy[CTRMAP_A_MAX + 1] = {
	[CTRMAP_A_REGION_ID] = POLICY_U32,
	[CTRMAP_A_NCOUNTERS] = POLICY_U32,
	[CTRMAP_A_NPAGES] = POLICY_U32,
};

int ctrmap_parse_attach(struct nlmsghdr *nlh, struct ctrmap_attach_reply *out)
{
	struct nlattr *tb[CTRMAP_A_MAX + 1];

	memset(out, 0, sizeof(*out));
	out->sz = sizeof(*out);
	/* Unknown attributes are skipped: newer modules may add some. */
	if (genlmsg_parse(nlh, 0, tb, CTRMAP_A_MAX, attach_reply_policy) < 0 ||
	    !tb[CTRMAP_A_REGION_ID] || !tb[CTRMAP_A_NCOUNTERS] ||
	    !tb[CTRMAP_A_NPAGES])
		return -EPROTO;
	out->id = nla_get_u32(tb[CTRMAP_A_REGION_ID]);
	out->ncounters = nla_get_u32(tb[CTRMAP_A_NCOUNTERS]);
	out->npages = nla_get_u32(tb[CTRMAP_A_NPAGES]);
	return 0;
}

struct attach_reply {
	struct ctrmap_attach_reply *out;
	bool seen;
};

static int on_attach_reply(struct nlmsghdr *nlh, void *arg)
{
	struct attach_reply *r = arg;

	/* A "do" command answers with exactly one message. */
	if (r->seen)
		return -EPROTO;
	r->seen = true;
	return ctrmap_parse_attach(nlh, r->out);
}

int ctrmap_attach(struct ctrmap_handle *h, uint32_t pid, uint64_t addr,
		  uint64_t len, struct ctrmap_attach_reply *out)
{
	return ctrmap_attach_ext(h, pid, addr, len, NULL, out);
}

int ctrmap_attach_ext(struct ctrmap_handle *h, uint32_t pid, uint64_t addr,
		      uint64_t len, const struct ctrmap_attach_opts *opts,
		      struct ctrmap_attach_reply *out)
{
	struct region_req req = { .pid = pid, .addr = addr, .len = len };
	struct ctrmap_attach_reply full = { .sz = sizeof(full) };
	struct attach_reply r = { .out = &full };
	struct ctrmap_attach_opts o = { 0 };
	int ret;

	if (opts) {
		if (ctrmap_sz_in(&o, opts, CTRMAP_ATTACH_OPTS_SZ0, sizeof(o)))
			return -EINVAL;
		req.name = o.name;
	}
	if (out) {
		ret = ctrmap_sz_zero(out, CTRMAP_ATTACH_REPLY_SZ0);
		if (ret)
			return ret;
	}
	ret = ctrmap_nl_cmd(h, CTRMAP_CMD_ATTACH, 0, put_attach, &req,
			    on_attach_reply, &r);
	if (!ret && !r.seen)
		ret = -EPROTO;
	if (ret < 0 || !out)
		return ret;	/* out stays zeroed */
	return ctrmap_sz_out(out, &full, CTRMAP_ATTACH_REPLY_SZ0, sizeof(full));
}

int ctrmap_detach(struct ctrmap_handle *h, uint32_t id)
{
	struct region_req req = { .id = id };

	return ctrmap_nl_act(h, CTRMAP_CMD_DETACH, put_id, &req, NULL);
}

int ctrmap_add(struct ctrmap_handle *h, uint32_t id, uint32_t index,
	       uint64_t delta)
{
	struct region_req req = { .id = id, .index = index, .delta = delta };

	return ctrmap_nl_act(h, CTRMAP_CMD_ADD, put_add, &req, NULL);
}

static int put_name(struct nl_msg *msg, const void *arg)
{
	const struct region_req *req = arg;

	if (nla_put_u32(msg, CTRMAP_A_REGION_ID, req->id) < 0 ||
	    (req->index != CTRMAP_NAME_REGION &&
	     nla_put_u32(msg, CTRMAP_A_INDEX, req->index) < 0) ||
	    (req->name && nla_put_string(msg, CTRMAP_A_NAME, req->name) < 0))
		return -EMSGSIZE;
	return 0;
}

int ctrmap_name(struct ctrmap_handle *h, uint32_t id, uint32_t index,
		const char *name)
{
	struct region_req req = { .id = id, .index = index, .name = name };
	return ctrmap_nl_cmd(h, CTRMAP_CMD_NAME, NLM_F_ACK, put_name, &req,
			     NULL, NULL);
}

const char *ctrmap_counter_name(const struct ctrmap_region_info *r,
				uint32_t index)
{
	unsigned int lo = 0, hi;

	if (!r || !CTRMAP_HAS_FIELD(r, names))
		return NULL;
	hi = r->nnames;
	while (lo < hi) {	/* names are in counter order */
		unsigned int mid = lo + (hi - lo) / 2;

		if (r->names[mid]->index == index)
			return r->names[mid]->name;
		if (r->names[mid]->index < index)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static const struct nla_policy region_policy[CTRMAP_A_MAX + 1] = {
	[CTRMAP_A_REGION_ID] = POLICY_U32,
	[CTRMAP_A_PID] = POLICY_U32,
	[CTRMAP_A_COMM] = { .type = NLA_STRING },
	[CTRMAP_A_ADDR] = POLICY_U64,
	[CTRMAP_A_LEN] = POLICY_U64,
	[CTRMAP_A_NPAGES] = POLICY_U32,
	[CTRMAP_A_NCOUNTERS] = POLICY_U32,
	[CTRMAP_A_STATE] = POLICY_U8,
	[CTRMAP_A_BINDINGS] = { .type = NLA_NESTED },
	[CTRMAP_A_PAGES] = { .type = NLA_NESTED },
	[CTRMAP_A_FIRST_PAGE] = POLICY_U32,
	[CTRMAP_A_FIRST_INDEX] = POLICY_U32,
	[CTRMAP_A_VALUES] = { .type = NLA_UNSPEC },
	[CTRMAP_A_NAME] = { .type = NLA_STRING },
	[CTRMAP_A_COUNTERS] = { .type = NLA_NESTED },
};

static const struct nla_policy counter_policy[CTRMAP_COUNTER_A_MAX + 1] = {
	[CTRMAP_COUNTER_A_INDEX] = POLICY_U32,
	[CTRMAP_COUNTER_A_NAME] = { .type = NLA_STRING },
};

static const struct nla_policy binding_policy[CTRMAP_BINDING_A_MAX + 1] = {
	[CTRMAP_BINDING_A_INDEX] = POLICY_U32,
	[CTRMAP_BINDING_A_SOURCE] = { .type = NLA_NESTED },
};

static const struct nla_policy source_policy[CTRMAP_SOURCE_A_MAX + 1] = {
	[CTRMAP_SOURCE_A_TYPE] = POLICY_U8,
	[CTRMAP_SOURCE_A_PERIOD_NS] = POLICY_U64,
	[CTRMAP_SOURCE_A_IRQ] = POLICY_U32,
};

static const struct nla_policy page_policy[CTRMAP_PAGE_A_MAX + 1] = {
	[CTRMAP_PAGE_A_PFN] = POLICY_U64,
	[CTRMAP_PAGE_A_PINNED] = POLICY_U8,
};

/* How many attributes of type type the nest holds. */
static unsigned int count_nested(struct nlattr *nest, int type)
{
	unsigned int n = 0;
	struct nlattr *nla;
	int rem;

	nla_for_each_nested(nla, nest, rem)
		if (nla_type(nla) == type)
			n++;
	return n;
}

/*
 * A source as BIND takes it and GET shows it. A type this library does
 * not know keeps its number, without parameters.
 */
static int parse_source(struct nlattr *nest, struct ctrmap_source *src)
{
	struct nlattr *tb[CTRMAP_SOURCE_A_MAX + 1];

	memset(src, 0, sizeof(*src));
	src->sz = sizeof(*src);
	if (nla_parse_nested(tb, CTRMAP_SOURCE_A_MAX, nest,
			     source_policy) < 0 || !tb[CTRMAP_SOURCE_A_TYPE])
		return -EPROTO;
	src->type = nla_get_u8(tb[CTRMAP_SOURCE_A_TYPE]);
	switch (src->type) {
	case CTRMAP_SOURCE_TIMER:
		if (!tb[CTRMAP_SOURCE_A_PERIOD_NS])
			return -EPROTO;
		src->period_ns = nla_get_u64(tb[CTRMAP_SOURCE_A_PERIOD_NS]);
		break;
	case CTRMAP_SOURCE_IRQ:
		if (!tb[CTRMAP_SOURCE_A_IRQ])
			return -EPROTO;
		src->irq = nla_get_u32(tb[CTRMAP_SOURCE_A_IRQ]);
		break;
	default:
		break;
	}
	return 0;
}

static int parse_bindings(struct nlattr *nest, struct ctrmap_region_buf *r)
{
	unsigned int n = count_nested(nest, CTRMAP_A_BINDING), i = 0;
	struct nlattr *nla;
	int rem;

	if (!n)
		return 0;
	r->bindings = calloc(n, sizeof(*r->bindings));
	r->sources = calloc(n, sizeof(*r->sources));
	if (!r->bindings || !r->sources)
		return -ENOMEM;
	nla_for_each_nested(nla, nest, rem) {
		struct nlattr *tb[CTRMAP_BINDING_A_MAX + 1];
		struct ctrmap_binding_info *b = &r->bindings[i];

		if (nla_type(nla) != CTRMAP_A_BINDING)
			continue;
		if (nla_parse_nested(tb, CTRMAP_BINDING_A_MAX, nla,
				     binding_policy) < 0 ||
		    !tb[CTRMAP_BINDING_A_INDEX] ||
		    !tb[CTRMAP_BINDING_A_SOURCE] ||
		    parse_source(tb[CTRMAP_BINDING_A_SOURCE], &r->sources[i]))
			return -EPROTO;
		b->sz = sizeof(*b);
		b->index = nla_get_u32(tb[CTRMAP_BINDING_A_INDEX]);
		i++;
	}
	r->info.nbindings = i;
	return 0;
}

/* Named counters, in counter order (-EPROTO otherwise). */
static int parse_names(struct nlattr *nest, struct ctrmap_region_buf *r)
{
	unsigned int n = count_nested(nest, CTRMAP_A_COUNTER), i = 0;
	struct nlattr *nla;
	int rem;

	if (!n)
		return 0;
	r->names = calloc(n, sizeof(*r->names));
	if (!r->names)
		return -ENOMEM;
	nla_for_each_nested(nla, nest, rem) {
		struct nlattr *tb[CTRMAP_COUNTER_A_MAX + 1];
		struct ctrmap_name_info *c = &r->names[i];

		if (nla_type(nla) != CTRMAP_A_COUNTER)
			continue;
		if (nla_parse_nested(tb, CTRMAP_COUNTER_A_MAX, nla,
				     counter_policy) < 0 ||
		    !tb[CTRMAP_COUNTER_A_INDEX] || !tb[CTRMAP_COUNTER_A_NAME])
			return -EPROTO;
		c->sz = sizeof(*c);
		c->index = nla_get_u32(tb[CTRMAP_COUNTER_A_INDEX]);
		nla_strlcpy(c->name, tb[CTRMAP_COUNTER_A_NAME],
			    sizeof(c->name));
		if (i && c->index <= r->names[i - 1].index)
			return -EPROTO;
		i++;
	}
	r->info.nnames = i;
	return 0;
}

static int parse_pages(struct nlattr *nest, struct ctrmap_region_buf *r)
{
	unsigned int n = count_nested(nest, CTRMAP_A_PAGE), i = 0;
	struct nlattr *nla;
	int rem;

	if (!n)
		return 0;
	r->pages = calloc(n, sizeof(*r->pages));
	if (!r->pages)
		return -ENOMEM;
	nla_for_each_nested(nla, nest, rem) {
		struct nlattr *tb[CTRMAP_PAGE_A_MAX + 1];

		if (nla_type(nla) != CTRMAP_A_PAGE)
			continue;
		if (nla_parse_nested(tb, CTRMAP_PAGE_A_MAX, nla,
				     page_policy) < 0 ||
		    !tb[CTRMAP_PAGE_A_PFN] || !tb[CTRMAP_PAGE_A_PINNED])
			return -EPROTO;
		r->pages[i].sz = sizeof(r->pages[i]);
		r->pages[i].pfn = nla_get_u64(tb[CTRMAP_PAGE_A_PFN]);
		r->pages[i].pinned = nla_get_u8(tb[CTRMAP_PAGE_A_PINNED]);
		i++;
	}
	r->info.npage_info = i;
	return 0;
}

int ctrmap_parse_values(struct nlattr **tb, uint32_t *first, uint32_t *n,
			const void **data)
{
	struct nlattr *values = tb[CTRMAP_A_VALUES];

	*first = 0;
	*n = 0;
	*data = NULL;
	if (!values && !tb[CTRMAP_A_FIRST_INDEX])
		return 0;
	if (!values || !tb[CTRMAP_A_FIRST_INDEX] ||
	    nla_len(values) % sizeof(uint64_t))
		return -EPROTO;
	*first = nla_get_u32(tb[CTRMAP_A_FIRST_INDEX]);
	*n = (uint32_t)(nla_len(values) / sizeof(uint64_t));
	*data = nla_data(values);
	return 0;
}

/* The values of a GET reply, copied (the attribute may be unaligned). */
static int parse_region_values(struct nlattr **tb, struct ctrmap_region_buf *r)
{
	const void *data;
	uint32_t n;
	int ret;

	ret = ctrmap_parse_values(tb, &r->first_index, &n, &data);
	if (ret || !n)
		return ret;
	r->values = malloc(n * sizeof(*r->values));
	if (!r->values)
		return -ENOMEM;
	memcpy(r->values, data, n * sizeof(*r->values));
	r->info.nvalues = n;
	return 0;
}

void ctrmap_region_free(struct ctrmap_region_buf *r)
{
	free(r->values);
	free(r->bindings);
	free(r->sources);
	free(r->names);
	free(r->pages);
	free(r->binding_ptrs);
	free(r->name_ptrs);
	free(r->page_ptrs);
	memset(r, 0, sizeof(*r));
}

int ctrmap_region_finish(struct ctrmap_region_buf *r)
{
	unsigned int nb = r->info.nbindings, np = r->info.npage_info;
	unsigned int nn = r->info.nnames;

	free(r->binding_ptrs);
	free(r->name_ptrs);
	free(r->page_ptrs);
	r->binding_ptrs = NULL;
	r->name_ptrs = NULL;
	r->page_ptrs = NULL;
	if (nb) {
		r->binding_ptrs = calloc(nb, sizeof(*r->binding_ptrs));
		if (!r->binding_ptrs)
			return -ENOMEM;
	}
	if (nn) {
		r->name_ptrs = calloc(nn, sizeof(*r->name_ptrs));
		if (!r->name_ptrs)
			return -ENOMEM;
	}
	for (unsigned int i = 0; i < nn; i++)
		r->name_ptrs[i] = &r->names[i];
	if (np) {
		r->page_ptrs = calloc(np, sizeof(*r->page_ptrs));
		if (!r->page_ptrs)
			return -ENOMEM;
	}
	for (unsigned int i = 0; i < nb; i++) {
		r->bindings[i].source = &r->sources[i];
		r->binding_ptrs[i] = &r->bindings[i];
	}
	for (unsigned int i = 0; i < np; i++)
		r->page_ptrs[i] = &r->pages[i];
	r->info.bindings = r->binding_ptrs;
	r->info.names = r->name_ptrs;
	r->info.pages = r->page_ptrs;
	r->info.values = r->values;
	return 0;
}

int ctrmap_parse_region(struct nlmsghdr *nlh, struct ctrmap_region_buf *r)
{
	static const int required[] = {
		CTRMAP_A_REGION_ID, CTRMAP_A_PID, CTRMAP_A_COMM,
		CTRMAP_A_ADDR, CTRMAP_A_LEN, CTRMAP_A_NPAGES,
		CTRMAP_A_NCOUNTERS, CTRMAP_A_STATE,
	};
	struct nlattr *tb[CTRMAP_A_MAX + 1];
	struct ctrmap_region_info *info = &r->info;
	int ret;

	memset(r, 0, sizeof(*r));
	info->sz = sizeof(*info);
	/* Unknown attributes are skipped: newer modules may add some. */
	if (genlmsg_parse(nlh, 0, tb, CTRMAP_A_MAX, region_policy) < 0)
		return -EPROTO;
	for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++)
		if (!tb[required[i]])
			return -EPROTO;

	info->id = nla_get_u32(tb[CTRMAP_A_REGION_ID]);
	info->pid = nla_get_u32(tb[CTRMAP_A_PID]);
	/* A longer name from a future kernel is cut, not refused. */
	nla_strlcpy(info->comm, tb[CTRMAP_A_COMM], sizeof(info->comm));
	info->addr = nla_get_u64(tb[CTRMAP_A_ADDR]);
	info->len = nla_get_u64(tb[CTRMAP_A_LEN]);
	info->npages = nla_get_u32(tb[CTRMAP_A_NPAGES]);
	info->ncounters = nla_get_u32(tb[CTRMAP_A_NCOUNTERS]);
	info->state = nla_get_u8(tb[CTRMAP_A_STATE]);
	if (tb[CTRMAP_A_NAME])
		nla_strlcpy(info->name, tb[CTRMAP_A_NAME], sizeof(info->name));

	if (tb[CTRMAP_A_FIRST_PAGE])
		r->first_page = nla_get_u32(tb[CTRMAP_A_FIRST_PAGE]);

	ret = 0;
	if (tb[CTRMAP_A_BINDINGS])
		ret = parse_bindings(tb[CTRMAP_A_BINDINGS], r);
	if (!ret && tb[CTRMAP_A_COUNTERS])
		ret = parse_names(tb[CTRMAP_A_COUNTERS], r);
	if (!ret && tb[CTRMAP_A_PAGES])
		ret = parse_pages(tb[CTRMAP_A_PAGES], r);
	if (!ret)
		ret = parse_region_values(tb, r);
	if (!ret)
		ret = ctrmap_region_finish(r);
	if (ret)
		ctrmap_region_free(r);
	return ret;
}

/* Append n elements of size sz at more to the array at *to of *have. */
static int append(void *to, unsigned int *have, const void *more,
		  unsigned int n, size_t sz)
{
	char *p;

	if (!n)
		return 0;
	p = realloc(*(void **)to, (*have + n) * sz);
	if (!p)
		return -ENOMEM;
	memcpy(p + *have * sz, more, n * sz);
	*(void **)to = p;
	*have += n;
	return 0;
}

int ctrmap_region_merge(struct ctrmap_region_buf *r,
			struct ctrmap_region_buf *more)
{
	unsigned int nb;
	int ret = -EPROTO;

	if (more->info.npage_info &&
	    more->first_page != r->first_page + r->info.npage_info)
		goto out;
	/* A first message may have had no room for values. */
	if (!r->info.nvalues)
		r->first_index = more->first_index;
	else if (more->info.nvalues &&
		 more->first_index != r->first_index + r->info.nvalues)
		goto out;
	nb = r->info.nbindings;
	ret = append(&r->bindings, &r->info.nbindings, more->bindings,
		     more->info.nbindings, sizeof(*r->bindings));
	if (!ret)
		ret = append(&r->sources, &nb, more->sources,
			     more->info.nbindings, sizeof(*r->sources));
	if (!ret && r->info.nnames && more->info.nnames &&
	    more->names[0].index <= r->names[r->info.nnames - 1].index)
		ret = -EPROTO;
	if (!ret)
		ret = append(&r->names, &r->info.nnames, more->names,
			     more->info.nnames, sizeof(*r->names));
	if (!ret)
		ret = append(&r->pages, &r->info.npage_info, more->pages,
			     more->info.npage_info, sizeof(*r->pages));
	if (!ret)
		ret = append(&r->values, &r->info.nvalues, more->values,
			     more->info.nvalues, sizeof(*r->values));
	if (!ret)
		ret = ctrmap_region_finish(r);
out:
	ctrmap_region_free(more);
	return ret;
}

/* One GET request in flight: the caller's callback and how it ended. */
struct get_reply {
	ctrmap_region_cb cb;
	void *arg;
	bool dump;
	bool values;		/* every counter's value asked for */
	bool by_id;		/* ctrmap_get() through a dump */
	unsigned int seen;	/* regions reported */
	int stop;		/* cb's non-zero return, or a parse error */
	/* The region being described, until a message about another comes. */
	struct ctrmap_region_buf cur;
	bool have_cur;
};

/* Report the region described so far, complete. */
static void report(struct get_reply *g)
{
	struct ctrmap_region_buf *r = &g->cur;

	if (!g->have_cur)
		return;
	g->have_cur = false;
	if (g->stop)
		goto out;
	/* Every page, from the first, or none (a module without them). */
	if (r->first_page ||
	    (r->info.npage_info && r->info.npage_info != r->info.npages)) {
		g->stop = -EPROTO;
		goto out;
	}
	/* Every value, from the first, or none (not asked for). */
	if (r->first_index || r->info.nvalues > r->info.ncounters ||
	    (!g->values && r->info.nvalues)) {
		g->stop = -EPROTO;
		goto out;
	}
	/*
	 * Fewer: the kernel stopped because the region began detaching.
	 * ctrmap_get() says it is gone; a list leaves it out.
	 */
	if (g->values && r->info.nvalues < r->info.ncounters) {
		if (g->by_id)
			g->stop = -ENOENT;
		goto out;
	}
	g->stop = ctrmap_region_finish(r);
	if (g->stop)
		goto out;
	g->seen++;
	g->stop = g->cb(&r->info, g->arg);
out:
	ctrmap_region_free(r);
}

static int on_region(struct nlmsghdr *nlh, void *arg)
{
	struct get_reply *g = arg;
	struct ctrmap_region_buf r;
	int ret;

	/*
	 * After a stop the rest of the replies are read and dropped, so the
	 * socket stays in step.
	 */
	if (g->stop)
		return 0;
	/* A "do" command answers with exactly one message. */
	if (!g->dump && (g->seen || g->have_cur)) {
		g->stop = -EPROTO;
		return 0;
	}
	ret = ctrmap_parse_region(nlh, &r);
	if (ret) {
		g->stop = ret;
		return 0;
	}
	/* A dump goes on with a region that did not fit one message. */
	if (g->have_cur && r.info.id == g->cur.info.id) {
		g->stop = ctrmap_region_merge(&g->cur, &r);
		return 0;
	}
	report(g);
	g->cur = r;
	g->have_cur = true;
	return 0;
}

static int get_regions(struct ctrmap_handle *h, const struct region_req *req,
		       unsigned int flags, ctrmap_region_cb cb, void *arg)
{
	struct get_reply g = {
		.cb = cb,
		.arg = arg,
		.dump = req->dump,
		.values = req->values,
		.by_id = req->by_id,
	};
	int ret;

	if (!cb || (flags & ~(CTRMAP_GET_VERBOSE | CTRMAP_GET_VALUES)))
		return -EINVAL;
	ret = ctrmap_nl_cmd(h, CTRMAP_CMD_GET, req->dump ? NLM_F_DUMP : 0,
			    put_get, req, on_region, &g);
	/*
	 * One region's dump is interrupted by any region's attach or
	 * detach: its own messages still go on one from the other (checked
	 * above), and each is consistent.
	 */
	if (ret == -EAGAIN && req->by_id)
		ret = 0;
	/* The last region is complete once the reply is. */
	if (!ret)
		report(&g);
	else if (g.have_cur)
		ctrmap_region_free(&g.cur);
	/* The callback's word, or the parser's, is the last. */
	if (g.stop)
		return g.stop;
	if (!ret && !req->dump && !g.seen)
		ret = -EPROTO;
	if (!ret && req->by_id && !g.seen)
		ret = -ENOENT;	/* no such region (of the caller's) */
	if (!ret && req->by_id && g.seen > 1)
		ret = -EPROTO;
	return ret;
}

int ctrmap_get(struct ctrmap_handle *h, uint32_t id, unsigned int flags,
	       ctrmap_region_cb cb, void *arg)
{
	struct region_req req = {
		.id = id,
		.verbose = flags & CTRMAP_GET_VERBOSE,
		.values = flags & CTRMAP_GET_VALUES,
	};

	/* A do reply carries the first values only: the dump has them all. */
	req.dump = req.by_id = req.values;
	return get_regions(h, &req, flags, cb, arg);
}

int ctrmap_list(struct ctrmap_handle *h, uint32_t pid, unsigned int flags,
		ctrmap_region_cb cb, void *arg)
{
	struct region_req req = {
		.pid = pid,
		.dump = true,
		.verbose = flags & CTRMAP_GET_VERBOSE,
		.values = flags & CTRMAP_GET_VALUES,
	};

	return get_regions(h, &req, flags, cb, arg);
}

/* ctrmap_get_values() in flight: where the next value goes. */
struct values_reply {
	uint32_t id;
	uint32_t next;		/* the counter the next value must be */
	uint32_t end;		/* first + count */
	uint64_t *out;
	uint32_t got;		/* values stored in out */
};

static const struct nla_policy values_policy[CTRMAP_A_MAX + 1] = {
	[CTRMAP_A_REGION_ID] = POLICY_U32,
	[CTRMAP_A_FIRST_INDEX] = POLICY_U32,
	[CTRMAP_A_VALUES] = { .type = NLA_UNSPEC },
};

static int on_values(struct nlmsghdr *nlh, void *arg)
{
	struct values_reply *v = arg;
	struct nlattr *tb[CTRMAP_A_MAX + 1];
	const void *data;
	uint32_t first, n;

	if (genlmsg_parse(nlh, 0, tb, CTRMAP_A_MAX, values_policy) < 0 ||
	    !tb[CTRMAP_A_REGION_ID] ||
	    nla_get_u32(tb[CTRMAP_A_REGION_ID]) != v->id ||
	    ctrmap_parse_values(tb, &first, &n, &data))
		return -EPROTO;
	if (!n)		/* the region's first message had no room left */
		return 0;
	if (first != v->next || n > v->end - v->next)
		return -EPROTO;
	memcpy(v->out + v->got, data, n * sizeof(*v->out));
	v->got += n;
	v->next += n;
	return 0;
}

int ctrmap_get_values(struct ctrmap_handle *h, uint32_t id, uint32_t first,
		      uint32_t count, uint64_t *values, uint32_t *nread)
{
	struct region_req req = {
		.id = id,
		.dump = true,
		.by_id = true,
		.values = true,
		.first = first,
		.count = count,
	};
	struct values_reply v = {
		.id = id,
		.next = first,
		.end = first + count,
		.out = values,
	};
	int ret;

	if (nread)
		*nread = 0;
	/* A range that wraps is past the end of any region: the kernel's. */
	if (!count || !values)
		return -EINVAL;
	if (v.end < first)
		v.end = UINT32_MAX;
	ret = ctrmap_nl_cmd(h, CTRMAP_CMD_GET, NLM_F_DUMP, put_get, &req,
			    on_values, &v);
	/* As in get_regions(): other regions' changes do not matter. */
	if (ret == -EAGAIN && v.got == count)
		ret = 0;
	/* Short: no such region, or it began detaching part-way. */
	if (!ret && v.got < count)
		ret = -ENOENT;
	if (nread)
		*nread = v.got;
	return ret;
}
