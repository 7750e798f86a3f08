// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Every control call of libctrmap end to end against the fake kernel
 * (fake_kernel.h): the request each sends (command, flags, attributes,
 * byte for byte where it matters), the replies it accepts and refuses,
 * and the kernel's errors with the attribute they point at.
 */
#include <errno.h>
#include <stdlib.h>

#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include "fake_kernel.h"
#include "internal.h"
#include "tap.h"

static struct fake fk;
static struct ctrmap_handle *h;

/* The last request, as the fake received it. */
struct request {
	const struct nlmsghdr *nlh;
	const struct genlmsghdr *ghdr;
	struct nlattr *tb[CTRMAP_A_MAX + 1];
	int nattrs;
};

static bool view_request(struct request *r)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)fk.req;
	struct nlattr *nla;
	int rem;

	memset(r, 0, sizeof(*r));
	if (fk.req_len < NLMSG_HDRLEN + GENL_HDRLEN ||
	    nlh->nlmsg_len != fk.req_len)
		return false;
	r->nlh = nlh;
	r->ghdr = nlmsg_data(nlh);
	if (genlmsg_parse(nlh, 0, r->tb, CTRMAP_A_MAX, NULL) < 0)
		return false;
	nla_for_each_attr(nla, genlmsg_attrdata(r->ghdr, 0),
			  genlmsg_attrlen(r->ghdr, 0), rem)
		r->nattrs++;
	return true;
}

/*
 * The request is cmd of the ctrmap family, version 1, a dump if asked,
 * with nattrs attributes. It never asks for an ACK: the commands without
 * a reply of their own ask for one with CTRMAP_A_REPLY (counted in nattrs).
 */
static void check_request(const char *name, uint8_t cmd, bool dump,
			  int nattrs, struct request *r)
{
	bool acted = cmd == CTRMAP_CMD_DETACH || cmd == CTRMAP_CMD_ADD ||
		     cmd == CTRMAP_CMD_BIND || cmd == CTRMAP_CMD_UNBIND;
	int flags = NLM_F_REQUEST | (dump ? NLM_F_DUMP : 0);

	if (!ok(view_request(r), "%s: request received and well-formed",
		name))
		return;
	is_int(r->nlh->nlmsg_type, FAKE_FAMILY, "%s: family", name);
	is_int(r->nlh->nlmsg_flags, flags, "%s: flags%s", name,
	       dump ? " (dump)" : "");
	is_int(r->ghdr->cmd, cmd, "%s: command", name);
	is_int(r->ghdr->version, CTRMAP_GENL_VERSION, "%s: version", name);
	is_int(r->nattrs, nattrs, "%s: %d attributes", name, nattrs);
	if (acted)
		ok(r->tb[CTRMAP_A_REPLY] && nla_len(r->tb[CTRMAP_A_REPLY]) == 0,
		   "%s: asks for a reply (CTRMAP_A_REPLY flag)", name);
}

static bool is_u32(const struct nlattr *nla, uint32_t v)
{
	return nla && nla_len(nla) == 4 && nla_get_u32(nla) == v;
}

static bool is_u64(const struct nlattr *nla, uint64_t v)
{
	return nla && nla_len(nla) == 8 && nla_get_u64(nla) == v;
}

static bool is_u8(const struct nlattr *nla, uint8_t v)
{
	return nla && nla_len(nla) == 1 && nla_get_u8(nla) == v;
}

/*
 * Read and drop what waits on the handle's socket; returns how many
 * datagrams that was.
 */
static int drain(void)
{
	char buf[8192];
	int n = 0;

	while (recv(nl_socket_get_fd(h->sock), buf, sizeof(buf),
		    MSG_DONTWAIT) >= 0)
		n++;
	return n;
}

/* Script: receive the request; answer with an ACK only. */
static void script_ack(void)
{
	fake_reset(&fk);
	fake_recv(&fk);
	part_ack(fake_send(&fk));
	fake_start(&fk);
}

/* Script: receive the request; answer with the reply of an action. */
static void script_act(uint8_t cmd, uint32_t id)
{
	fake_reset(&fk);
	fake_recv(&fk);
	part_msg(fake_send(&fk), act_reply(cmd, id));
	fake_start(&fk);
}

/* Script: receive the request; answer with an error. */
static void script_error(int error, const struct tlvs *t)
{
	fake_reset(&fk);
	fake_recv(&fk);
	part_error(fake_send(&fk), error, t);
	fake_start(&fk);
}

static struct nl_msg *attach_reply(bool complete, bool extra)
{
	struct nl_msg *msg = fake_msg(CTRMAP_CMD_ATTACH, 0);

	if (nla_put_u32(msg, CTRMAP_A_REGION_ID, 3) < 0 ||
	    nla_put_u32(msg, CTRMAP_A_NCOUNTERS, 504) < 0 ||
	    (extra && nla_put_u64(msg, CTRMAP_A_MAX + 5, 1) < 0) ||
	    (complete && nla_put_u32(msg, CTRMAP_A_NPAGES, 1) < 0))
		abort();
	return msg;
}

static void test_attach(void)
{
	CTRMAP_OPTS(ctrmap_attach_reply, out);
	struct fake_step *s;
	struct request r;
	struct tlvs t = { .len = 0 };

	/* The kernel sends the reply and, as no ACK was asked, nothing else. */
	fake_reset(&fk);
	fake_recv(&fk);
	part_msg(fake_send(&fk), attach_reply(true, true));
	fake_start(&fk);
	memset(&out, 0xff, sizeof(out));
	out.sz = sizeof(out);
	is_int(ctrmap_attach(h, 4242, 0x7f0012345678, 4096, &out), 0,
	       "attach: succeeds on its reply");
	is_int(fake_wait(&fk), 0, "attach: the fake ran its script");
	check_request("attach", CTRMAP_CMD_ATTACH, false, 3, &r);
	ok(is_u32(r.tb[CTRMAP_A_PID], 4242), "attach: pid u32");
	ok(is_u64(r.tb[CTRMAP_A_ADDR], 0x7f0012345678), "attach: addr u64");
	ok(is_u64(r.tb[CTRMAP_A_LEN], 4096), "attach: len u64");
	/* pid at 20, addr at 28, len at 40: what extack offsets name. */
	is_int(fk.req_len, 52, "attach: request is 52 bytes");
	is_int((unsigned char *)r.tb[CTRMAP_A_ADDR] - fk.req, 28,
	       "attach: addr at offset 28");
	ok(out.id == 3 && out.ncounters == 504 && out.npages == 1,
	   "attach: reply parsed (id %u, %u counters, %u pages); an unknown attribute ignored",
	   out.id, out.ncounters, out.npages);

	/*
	 * The reply, then an ACK the kernel would not send: the call must
	 * return on the reply and leave the ACK unread. (Waiting for an ACK
	 * is what turned a success into ENOBUFS when the kernel could not
	 * allocate the ACK.)
	 */
	fake_reset(&fk);
	fake_recv(&fk);
	part_msg(fake_send(&fk), attach_reply(true, false));
	fake_sleep(&fk, 100);
	part_ack(fake_send(&fk));
	fake_start(&fk);
	is_int(ctrmap_attach(h, 1, 8, 72, NULL), 0,
	       "attach: NULL out, the reply alone");
	fake_wait(&fk);
	is_int(drain(), 1, "attach: the unasked ACK was left unread");

	fake_reset(&fk);
	fake_recv(&fk);
	part_msg(fake_send(&fk), attach_reply(false, false));
	fake_start(&fk);
	memset(&out, 0xff, sizeof(out));
	out.sz = sizeof(out);
	is_int(ctrmap_attach(h, 1, 8, 72, &out), -EPROTO,
	       "attach: reply without npages: -EPROTO");
	fake_wait(&fk);
	ok(out.id == 0 && out.ncounters == 0 && out.npages == 0,
	   "attach: out zeroed on failure");

	script_ack();
	is_int(ctrmap_attach(h, 1, 8, 72, &out), -EPROTO,
	       "attach: an ACK instead of a reply: -EPROTO");
	fake_wait(&fk);

	fake_reset(&fk);
	fake_recv(&fk);
	s = fake_send(&fk);
	part_msg(s, attach_reply(true, false));
	part_msg(s, attach_reply(true, false));
	fake_start(&fk);
	is_int(ctrmap_attach(h, 1, 8, 72, &out), -EPROTO,
	       "attach: two replies: -EPROTO");
	fake_wait(&fk);

	tlv_msg(&t, "the address must be 8-byte aligned");
	tlv_u32(&t, NLMSGERR_ATTR_OFFS, 28);
	script_error(-EINVAL, &t);
	is_int(ctrmap_attach(h, 1, 9, 72, &out), -EINVAL,
	       "attach: the kernel's errno");
	fake_wait(&fk);
	is_str(ctrmap_errmsg(h), "the address must be 8-byte aligned",
	       "attach: the kernel's message");
	is_str(ctrmap_errattr(h), "addr", "attach: errattr names addr");

	t.len = 0;
	tlv_u32(&t, NLMSGERR_ATTR_MISS_TYPE, CTRMAP_A_LEN);
	script_error(-EINVAL, &t);
	is_int(ctrmap_attach(h, 1, 8, 72, &out), -EINVAL,
	       "attach: missing attribute: -EINVAL");
	fake_wait(&fk);
	is_str(ctrmap_errmsg(h), "missing attribute len",
	       "attach: a missing attribute without a message is named");
	is_str(ctrmap_errattr(h), NULL, "attach: no offset, no errattr");

	script_act(CTRMAP_CMD_DETACH, 3);
	is_int(ctrmap_detach(h, 3), 0, "next call succeeds");
	fake_wait(&fk);
	ok(ctrmap_errmsg(h)[0] == '\0' && !ctrmap_errattr(h),
	   "and clears errmsg and errattr");
}

static void test_detach_add(void)
{
	struct request r;
	struct tlvs t = { .len = 0 };

	script_act(CTRMAP_CMD_DETACH, 7);
	is_int(ctrmap_detach(h, 7), 0, "detach: succeeds");
	fake_wait(&fk);
	check_request("detach", CTRMAP_CMD_DETACH, false, 2, &r);
	ok(is_u32(r.tb[CTRMAP_A_REGION_ID], 7), "detach: region id u32");

	tlv_msg(&t, "no such region");
	tlv_u32(&t, NLMSGERR_ATTR_OFFS, 20);
	script_error(-ENOENT, &t);
	is_int(ctrmap_detach(h, 8), -ENOENT, "detach: -ENOENT");
	fake_wait(&fk);
	is_str(ctrmap_errattr(h), "region_id", "detach: errattr region_id");

	script_act(CTRMAP_CMD_ADD, 7);
	is_int(ctrmap_add(h, 7, 2, 0x123456789ULL), 0, "add: succeeds");
	fake_wait(&fk);
	check_request("add", CTRMAP_CMD_ADD, false, 4, &r);
	ok(is_u32(r.tb[CTRMAP_A_REGION_ID], 7), "add: region id u32");
	ok(is_u32(r.tb[CTRMAP_A_INDEX], 2), "add: index u32");
	ok(is_u64(r.tb[CTRMAP_A_DELTA], 0x123456789ULL), "add: delta u64");

	t.len = 0;
	tlv_msg(&t, "index past the region's last counter");
	tlv_u32(&t, NLMSGERR_ATTR_OFFS, 28);
	script_error(-ERANGE, &t);
	is_int(ctrmap_add(h, 7, 999, 1), -ERANGE, "add: -ERANGE");
	fake_wait(&fk);
	is_str(ctrmap_errattr(h), "index", "add: errattr index");
}

/*
 * A 0.1 module knows no CTRMAP_A_REPLY: strict validation refuses it as
 * an unknown attribute. The library asks again the old way (NLM_F_ACK, no
 * flag), and from then on asks that way on this handle.
 */
static void test_old_module(void)
{
	struct ctrmap_handle *old;
	struct request r;
	struct tlvs t = { .len = 0 };

	/* A handle of its own: the fallback is remembered per handle. */
	if (fake_handle(&fk, &old) < 0) {
		skip_env("old module: fallback", "cannot open a second handle");
		return;
	}

	/* DETACH: region id at 20, the flag at 28. */
	tlv_msg(&t, "Unknown attribute type");
	tlv_u32(&t, NLMSGERR_ATTR_OFFS, 28);
	fake_reset(&fk);
	fake_recv(&fk);
	part_error(fake_send(&fk), -EINVAL, &t);
	fake_recv(&fk);
	part_ack(fake_send(&fk));
	fake_start(&fk);
	is_int(ctrmap_detach(old, 5), 0, "old module: detach succeeds");
	fake_wait(&fk);
	is_int(fk.nreqs, 2, "old module: asked twice");
	ok(view_request(&r), "old module: second request well-formed");
	is_int(r.nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK,
	       "old module: second request asks for an ACK");
	ok(!r.tb[CTRMAP_A_REPLY], "old module: without CTRMAP_A_REPLY");
	is_int(r.nattrs, 1, "old module: region id only");

	script_ack();
	is_int(ctrmap_add(old, 5, 0, 1), 0, "old module: next add succeeds");
	fake_wait(&fk);
	is_int(fk.nreqs, 1, "old module: remembered, asked once");
	ok(view_request(&r) && (r.nlh->nlmsg_flags & NLM_F_ACK) &&
	   !r.tb[CTRMAP_A_REPLY], "old module: add asks for an ACK");

	/* Another EINVAL, not about the flag, is the answer. */
	t.len = 0;
	tlv_msg(&t, "no such region");
	tlv_u32(&t, NLMSGERR_ATTR_OFFS, 20);
	script_error(-EINVAL, &t);
	is_int(ctrmap_detach(h, 9), -EINVAL,
	       "new module: an EINVAL about another attribute is final");
	fake_wait(&fk);
	is_int(fk.nreqs, 1, "new module: asked once");

	/* A reply of another command, or none, is a protocol error. */
	script_act(CTRMAP_CMD_ADD, 9);
	is_int(ctrmap_detach(h, 9), -EPROTO, "reply of another command: -EPROTO");
	fake_wait(&fk);
	script_ack();
	is_int(ctrmap_detach(h, 9), -EPROTO, "an ACK instead of the reply: -EPROTO");
	fake_wait(&fk);
	ctrmap_close(old);
}

/* The SOURCE nest of the last request, parsed. */
static bool view_source(const struct request *r,
			struct nlattr *src[CTRMAP_SOURCE_A_MAX + 1],
			int *nattrs)
{
	struct nlattr *nest = r->tb[CTRMAP_A_SOURCE], *nla;
	int rem;

	*nattrs = 0;
	if (!nest || !(nest->nla_type & NLA_F_NESTED) ||
	    nla_parse_nested(src, CTRMAP_SOURCE_A_MAX, nest, NULL) < 0)
		return false;
	nla_for_each_nested(nla, nest, rem)
		(*nattrs)++;
	return true;
}

static void test_bind(void)
{
	struct nlattr *src[CTRMAP_SOURCE_A_MAX + 1];
	CTRMAP_OPTS(ctrmap_source, timer,
		.type = CTRMAP_SOURCE_TIMER, .period_ns = 1000000,
		.irq = 99,	/* not sent for a timer */
	);
	CTRMAP_OPTS(ctrmap_source, irq,
		.type = CTRMAP_SOURCE_IRQ, .irq = 11, .period_ns = 5,
	);
	CTRMAP_OPTS(ctrmap_source, bad, .type = CTRMAP_SOURCE_NONE);
	struct request r;
	struct tlvs t = { .len = 0 };
	int n;

	script_act(CTRMAP_CMD_BIND, 3);
	is_int(ctrmap_bind(h, 3, 0, &timer), 0, "bind timer: succeeds");
	fake_wait(&fk);
	check_request("bind timer", CTRMAP_CMD_BIND, false, 4, &r);
	ok(is_u32(r.tb[CTRMAP_A_REGION_ID], 3), "bind timer: region id");
	ok(is_u32(r.tb[CTRMAP_A_INDEX], 0), "bind timer: index");
	ok(view_source(&r, src, &n), "bind timer: source nest, NLA_F_NESTED");
	is_int(n, 2, "bind timer: type and period only");
	ok(is_u8(src[CTRMAP_SOURCE_A_TYPE], CTRMAP_SOURCE_TIMER),
	   "bind timer: type u8 timer");
	ok(is_u64(src[CTRMAP_SOURCE_A_PERIOD_NS], 1000000),
	   "bind timer: period_ns u64");
	/* region id 20, index 28, source 36 { type 40, period_ns 48 } */
	is_int((unsigned char *)src[CTRMAP_SOURCE_A_PERIOD_NS] - fk.req, 48,
	       "bind timer: period_ns at offset 48");

	script_act(CTRMAP_CMD_BIND, 3);
	is_int(ctrmap_bind(h, 3, 2, &irq), 0, "bind irq: succeeds");
	fake_wait(&fk);
	check_request("bind irq", CTRMAP_CMD_BIND, false, 4, &r);
	ok(view_source(&r, src, &n) && n == 2, "bind irq: type and irq only");
	ok(is_u8(src[CTRMAP_SOURCE_A_TYPE], CTRMAP_SOURCE_IRQ),
	   "bind irq: type u8 irq");
	ok(is_u32(src[CTRMAP_SOURCE_A_IRQ], 11), "bind irq: irq u32");

	tlv_msg(&t, "period below the minimum");
	tlv_u32(&t, NLMSGERR_ATTR_OFFS, 48);
	script_error(-ERANGE, &t);
	is_int(ctrmap_bind(h, 3, 0, &timer), -ERANGE, "bind: -ERANGE");
	fake_wait(&fk);
	is_str(ctrmap_errattr(h), "source.period_ns",
	       "bind: errattr names the attribute inside the nest");
	is_str(ctrmap_errmsg(h), "period below the minimum",
	       "bind: the kernel's message");

	t.len = 0;
	tlv_u32(&t, NLMSGERR_ATTR_MISS_TYPE, CTRMAP_SOURCE_A_TYPE);
	tlv_u32(&t, NLMSGERR_ATTR_MISS_NEST, 36);
	script_error(-EINVAL, &t);
	is_int(ctrmap_bind(h, 3, 0, &timer), -EINVAL,
	       "bind: missing in a nest: -EINVAL");
	fake_wait(&fk);
	is_str(ctrmap_errmsg(h), "missing attribute source.type",
	       "bind: missing attribute named with its nest");

	fk.nreqs = 0;
	is_int(ctrmap_bind(h, 3, 0, NULL), -EINVAL, "bind: NULL source");
	is_int(ctrmap_bind(h, 3, 0, &bad), -EINVAL, "bind: type none");
	bad.type = CTRMAP_SOURCE_MAX + 1;
	is_int(ctrmap_bind(h, 3, 0, &bad), -EINVAL, "bind: unknown type");

	script_act(CTRMAP_CMD_UNBIND, 3);
	is_int(ctrmap_unbind(h, 3, 2), 0, "unbind: succeeds");
	fake_wait(&fk);
	is_int(fk.nreqs, 1, "bind: nothing was sent for bad sources");
	check_request("unbind", CTRMAP_CMD_UNBIND, false, 3, &r);
	ok(is_u32(r.tb[CTRMAP_A_REGION_ID], 3), "unbind: region id");
	ok(is_u32(r.tb[CTRMAP_A_INDEX], 2), "unbind: index");

	t.len = 0;
	tlv_msg(&t, "nothing is bound to this counter");
	tlv_u32(&t, NLMSGERR_ATTR_OFFS, 28);
	script_error(-ENOENT, &t);
	is_int(ctrmap_unbind(h, 3, 5), -ENOENT, "unbind: -ENOENT");
	fake_wait(&fk);
	is_str(ctrmap_errattr(h), "index", "unbind: errattr index");
}

/* How a GET reply is built; the kernel's way unless told otherwise. */
enum region_variant {
	R_PLAIN = 0,
	R_PADS = 1 << 0,	/* zero-length pads before u64s (32-bit) */
	R_UNKNOWN = 1 << 1,	/* unknown attributes at every level */
	R_NO_COMM = 1 << 2,
	R_SHORT_PID = 1 << 3,	/* u32 sent as u16 */
	R_BINDING_NO_TYPE = 1 << 4,
	R_PAGE_NO_PINNED = 1 << 5,
	R_TIMER_NO_PERIOD = 1 << 6,
	R_LONG_COMM = 1 << 7,	/* longer than TASK_COMM_LEN */
};

static void put_source(struct nl_msg *msg, const struct ctrmap_source *src,
		       unsigned int v)
{
	struct nlattr *nest = nla_nest_start(msg, CTRMAP_BINDING_A_SOURCE);

	if (!(v & R_BINDING_NO_TYPE) &&
	    nla_put_u8(msg, CTRMAP_SOURCE_A_TYPE, src->type) < 0)
		abort();
	if (src->type == CTRMAP_SOURCE_TIMER && !(v & R_TIMER_NO_PERIOD)) {
		if (v & R_PADS)
			nla_put(msg, CTRMAP_SOURCE_A_PAD, 0, NULL);
		nla_put_u64(msg, CTRMAP_SOURCE_A_PERIOD_NS, src->period_ns);
	}
	if (src->type == CTRMAP_SOURCE_IRQ)
		nla_put_u32(msg, CTRMAP_SOURCE_A_IRQ, src->irq);
	if (v & R_UNKNOWN)
		nla_put_u32(msg, CTRMAP_SOURCE_A_MAX + 1, 1);
	nla_nest_end(msg, nest);
}

static struct nl_msg *region_msg(int flags, const struct ctrmap_region_info *r,
				 unsigned int v)
{
	struct nl_msg *msg = fake_msg(CTRMAP_CMD_GET, flags);
	int err = 0;

	err |= nla_put_u32(msg, CTRMAP_A_REGION_ID, r->id);
	if (v & R_SHORT_PID)
		err |= nla_put_u16(msg, CTRMAP_A_PID, (uint16_t)r->pid);
	else
		err |= nla_put_u32(msg, CTRMAP_A_PID, r->pid);
	if (v & R_LONG_COMM)
		err |= nla_put_string(msg, CTRMAP_A_COMM,
				      "a-name-of-forty-characters-from-a-future");
	else if (!(v & R_NO_COMM))
		err |= nla_put_string(msg, CTRMAP_A_COMM, r->comm);
	if (v & R_PADS)
		err |= nla_put(msg, CTRMAP_A_PAD, 0, NULL);
	err |= nla_put_u64(msg, CTRMAP_A_ADDR, r->addr);
	if (v & R_PADS)
		err |= nla_put(msg, CTRMAP_A_PAD, 0, NULL);
	err |= nla_put_u64(msg, CTRMAP_A_LEN, r->len);
	err |= nla_put_u32(msg, CTRMAP_A_NPAGES, r->npages);
	err |= nla_put_u32(msg, CTRMAP_A_NCOUNTERS, r->ncounters);
	err |= nla_put_u8(msg, CTRMAP_A_STATE, r->state);
	if (v & R_UNKNOWN)
		err |= nla_put_string(msg, CTRMAP_A_MAX + 1, "future");
	if (r->nbindings) {
		struct nlattr *all = nla_nest_start(msg, CTRMAP_A_BINDINGS);

		for (unsigned int i = 0; i < r->nbindings; i++) {
			struct nlattr *b = nla_nest_start(msg,
							  CTRMAP_A_BINDING);

			err |= nla_put_u32(msg, CTRMAP_BINDING_A_INDEX,
					   r->bindings[i]->index);
			put_source(msg, r->bindings[i]->source, v);
			if (v & R_UNKNOWN)
				err |= nla_put_u8(msg, CTRMAP_BINDING_A_MAX + 1,
						  1);
			nla_nest_end(msg, b);
		}
		if (v & R_UNKNOWN)
			err |= nla_put_u32(msg, CTRMAP_A_PAGE, 5);
		nla_nest_end(msg, all);
	}
	if (r->npage_info) {
		struct nlattr *all = nla_nest_start(msg, CTRMAP_A_PAGES);

		for (unsigned int i = 0; i < r->npage_info; i++) {
			struct nlattr *pg = nla_nest_start(msg, CTRMAP_A_PAGE);

			if (v & R_PADS)
				err |= nla_put(msg, CTRMAP_PAGE_A_PAD, 0, NULL);
			err |= nla_put_u64(msg, CTRMAP_PAGE_A_PFN,
					   r->pages[i]->pfn);
			if (!(v & R_PAGE_NO_PINNED) || i != r->npage_info - 1)
				err |= nla_put_u8(msg, CTRMAP_PAGE_A_PINNED,
						  r->pages[i]->pinned);
			if (v & R_UNKNOWN)
				err |= nla_put_u32(msg, CTRMAP_PAGE_A_MAX + 2,
						   7);
			nla_nest_end(msg, pg);
		}
		if (v & R_UNKNOWN)
			err |= nla_put_u32(msg, CTRMAP_A_BINDING, 5);
		nla_nest_end(msg, all);
	}
	if (err)
		abort();
	return msg;
}

#define SOURCE(...) (&(const struct ctrmap_source){			\
	.sz = sizeof(struct ctrmap_source), __VA_ARGS__ })
#define BINDING(i, src) (&(const struct ctrmap_binding_info){		\
	.sz = sizeof(struct ctrmap_binding_info), .index = (i),		\
	.source = (src) })

static const struct ctrmap_binding_info *const sample_bindings[] = {
	BINDING(0, SOURCE(.type = CTRMAP_SOURCE_TIMER, .period_ns = 1000000)),
	BINDING(2, SOURCE(.type = CTRMAP_SOURCE_IRQ, .irq = 11)),
	BINDING(5, SOURCE(.type = 9)),	/* a future type */
};

/* The fake kernel's pages: sample_pages[i] is &page_store[i]. */
static struct ctrmap_page_info page_store[256];
static const struct ctrmap_page_info *sample_pages[256];

static void set_page(unsigned int i, uint64_t pfn, uint8_t pinned)
{
	page_store[i].sz = sizeof(page_store[i]);
	page_store[i].pfn = pfn;
	page_store[i].pinned = pinned;
	sample_pages[i] = &page_store[i];
}

static struct ctrmap_region_info sample_region(uint32_t id)
{
	struct ctrmap_region_info r = {
		.id = id, .pid = 1234, .npages = 1, .ncounters = 504,
		.state = CTRMAP_STATE_ATTACHED, .comm = "reader",
		.addr = 0x7f0000001000, .len = 4096,
	};

	return r;
}

/* What the callback saw, copied out while it was valid. */
struct seen {
	int calls;
	int stop_at;		/* 1-based call that returns stop_with */
	int stop_with;
	int detail;		/* 0-based call whose arrays are copied */
	struct ctrmap_region_info info[8];
	struct ctrmap_binding_info bindings[8];	/* of call detail */
	struct ctrmap_source sources[8];	/* bindings[i]'s */
	struct ctrmap_page_info pages[300];	/* of call detail */
	unsigned int nvalues[8];
	uint64_t values[8];			/* of call detail */
};

static int on_region(const struct ctrmap_region_info *r, void *arg)
{
	struct seen *s = arg;

	if (s->calls < 8)
		s->info[s->calls] = *r;
	if (s->calls == s->detail) {
		for (unsigned int i = 0; i < r->nbindings && i < 8; i++) {
			s->bindings[i] = *r->bindings[i];
			s->sources[i] = *r->bindings[i]->source;
		}
		for (unsigned int i = 0; i < r->npage_info && i < 300; i++)
			s->pages[i] = *r->pages[i];
		for (unsigned int i = 0; i < r->nvalues && i < 8; i++)
			s->values[i] = r->values[i];
	}
	if (s->calls < 8)
		s->nvalues[s->calls] = r->nvalues;
	s->calls++;
	return s->calls == s->stop_at ? s->stop_with : 0;
}

/* Script: receive a GET do; answer with msg. */
static void script_region_msg(struct nl_msg *msg)
{
	fake_reset(&fk);
	fake_recv(&fk);
	part_msg(fake_send(&fk), msg);
	fake_start(&fk);
}

/* Script: receive a GET do; answer with region r built as v. */
static void script_region(const struct ctrmap_region_info *r, unsigned int v)
{
	fake_reset(&fk);
	fake_recv(&fk);
	part_msg(fake_send(&fk), region_msg(0, r, v));
	fake_start(&fk);
}

static void test_get(void)
{
	struct ctrmap_region_info r = sample_region(3);
	struct seen seen = { 0 };
	struct request req;
	struct tlvs t = { .len = 0 };
	bool pages_ok = true;

	r.nbindings = 3;
	r.bindings = sample_bindings;
	script_region(&r, R_UNKNOWN);
	is_int(ctrmap_get(h, 3, 0, on_region, &seen), 0, "get: succeeds");
	fake_wait(&fk);
	check_request("get", CTRMAP_CMD_GET, false, 1, &req);
	ok(is_u32(req.tb[CTRMAP_A_REGION_ID], 3), "get: region id");
	is_int(seen.calls, 1, "get: one callback");
	ok(seen.info[0].id == 3 && seen.info[0].pid == 1234 &&
	   seen.info[0].npages == 1 && seen.info[0].ncounters == 504 &&
	   seen.info[0].state == CTRMAP_STATE_ATTACHED &&
	   seen.info[0].addr == 0x7f0000001000 && seen.info[0].len == 4096,
	   "get: numbers parsed");
	is_str(seen.info[0].comm, "reader", "get: comm");
	is_int(seen.info[0].nbindings, 3, "get: three bindings");
	ok(seen.bindings[0].index == 0 &&
	   seen.sources[0].type == CTRMAP_SOURCE_TIMER &&
	   seen.sources[0].period_ns == 1000000,
	   "get: binding 0: timer, 1 ms");
	ok(seen.bindings[1].index == 2 &&
	   seen.sources[1].type == CTRMAP_SOURCE_IRQ &&
	   seen.sources[1].irq == 11, "get: binding 2: irq 11");
	ok(seen.bindings[2].index == 5 && seen.sources[2].type == 9,
	   "get: a source type from the future keeps its number");
	ok(seen.info[0].sz == sizeof(struct ctrmap_region_info) &&
	   seen.bindings[1].sz == sizeof(struct ctrmap_binding_info) &&
	   seen.sources[1].sz == sizeof(struct ctrmap_source) &&
	   CTRMAP_HAS_FIELD(&seen.info[0], pages),
	   "get: the library sets sz in what it lends the callback");
	is_int(seen.info[0].npage_info, 0, "get: no pages unless verbose");

	/* Verbose, 256 pages, with the pads 32-bit kernels add. */
	for (unsigned int i = 0; i < 256; i++) {
		set_page(i, 0x100000 + 3 * i, i % 7 != 0);
	}
	r.npages = 256;
	r.len = 256 * 4096;
	r.nbindings = 0;
	r.npage_info = 256;
	r.pages = sample_pages;
	memset(&seen, 0, sizeof(seen));
	script_region(&r, R_PADS | R_UNKNOWN);
	is_int(ctrmap_get(h, 3, CTRMAP_GET_VERBOSE, on_region, &seen), 0,
	       "get verbose: succeeds");
	fake_wait(&fk);
	check_request("get verbose", CTRMAP_CMD_GET, false, 2, &req);
	ok(req.tb[CTRMAP_A_VERBOSE] && nla_len(req.tb[CTRMAP_A_VERBOSE]) == 0,
	   "get verbose: verbose flag");
	is_int(seen.info[0].npage_info, 256, "get verbose: 256 pages");
	for (unsigned int i = 0; i < 256; i++)
		if (seen.pages[i].pfn != sample_pages[i]->pfn ||
		    seen.pages[i].pinned != sample_pages[i]->pinned)
			pages_ok = false;
	ok(pages_ok, "get verbose: every pfn and pin state, in order");
	is_int(seen.pages[255].sz, sizeof(struct ctrmap_page_info),
	       "get verbose: the library sets each page's sz");
	ok(seen.info[0].len == 256 * 4096 && seen.info[0].nbindings == 0,
	   "get verbose: pads skipped, no bindings");

	r.npages = 2;
	r.npage_info = 2;
	r.nbindings = 2;
	r.bindings = sample_bindings;
	{
		static const struct {
			unsigned int v;
			const char *name;
		} bad[] = {
			{ R_NO_COMM, "no comm" },
			{ R_SHORT_PID, "pid as u16" },
			{ R_BINDING_NO_TYPE, "a source without type" },
			{ R_TIMER_NO_PERIOD, "a timer without period" },
			{ R_PAGE_NO_PINNED, "a page without pinned" },
		};

		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			memset(&seen, 0, sizeof(seen));
			script_region(&r, bad[i].v);
			is_int(ctrmap_get(h, 3, CTRMAP_GET_VERBOSE, on_region,
					  &seen),
			       -EPROTO, "get: %s: -EPROTO", bad[i].name);
			fake_wait(&fk);
			is_int(seen.calls, 0, "get: %s: no callback",
			       bad[i].name);
		}
	}

	memset(&seen, 0, sizeof(seen));
	script_region(&r, R_LONG_COMM);
	is_int(ctrmap_get(h, 3, 0, on_region, &seen), 0,
	       "get: a longer comm is accepted");
	fake_wait(&fk);
	is_str(seen.info[0].comm, "a-name-of-forty", "get: and cut to 15");

	memset(&seen, 0, sizeof(seen));
	seen.stop_at = 1;
	seen.stop_with = 42;
	script_region(&r, 0);
	is_int(ctrmap_get(h, 3, 0, on_region, &seen), 42,
	       "get: the callback's non-zero return is returned");
	fake_wait(&fk);

	{
		struct fake_step *s;

		fake_reset(&fk);
		fake_recv(&fk);
		s = fake_send(&fk);
		part_msg(s, region_msg(0, &r, 0));
		part_msg(s, region_msg(0, &r, 0));
		fake_start(&fk);
		memset(&seen, 0, sizeof(seen));
		is_int(ctrmap_get(h, 3, 0, on_region, &seen), -EPROTO,
		       "get: two regions for one id: -EPROTO");
		fake_wait(&fk);
	}

	script_ack();
	is_int(ctrmap_get(h, 3, 0, on_region, &seen), -EPROTO,
	       "get: an ACK instead of a reply: -EPROTO");
	fake_wait(&fk);

	tlv_msg(&t, "page frame numbers need CAP_SYS_ADMIN");
	tlv_u32(&t, NLMSGERR_ATTR_OFFS, 28);
	script_error(-EPERM, &t);
	is_int(ctrmap_get(h, 3, CTRMAP_GET_VERBOSE, on_region, &seen), -EPERM,
	       "get verbose: -EPERM");
	fake_wait(&fk);
	is_str(ctrmap_errattr(h), "verbose", "get verbose: errattr verbose");

	/* 2 is CTRMAP_GET_VALUES since 0.2. */
	is_int(ctrmap_get(h, 3, 4, on_region, &seen), -EINVAL,
	       "get: unknown flags: -EINVAL");
	is_int(ctrmap_get(h, 3, 0, NULL, NULL), -EINVAL,
	       "get: no callback: -EINVAL");
}

/*
 * Script: receive a dump; answer with datagrams: [regions 1, 2],
 * [region 3, NLMSG_DONE] (the kernel appends the end when it fits).
 */
static void script_dump3(int done_error, uint16_t extra_flags)
{
	struct ctrmap_region_info r;
	struct fake_step *s;

	fake_reset(&fk);
	fake_recv(&fk);
	s = fake_send(&fk);
	r = sample_region(1);
	part_msg(s, region_msg(NLM_F_MULTI | extra_flags, &r, 0));
	r = sample_region(2);
	r.nbindings = 1;
	r.bindings = sample_bindings;
	part_msg(s, region_msg(NLM_F_MULTI | extra_flags, &r, 0));
	s = fake_send(&fk);
	r = sample_region(3);
	part_msg(s, region_msg(NLM_F_MULTI | extra_flags, &r, 0));
	part_done(s, done_error, NULL);
	fake_start(&fk);
}

static void test_list(void)
{
	struct seen seen = { 0 };
	struct request req;
	struct tlvs t = { .len = 0 };

	script_dump3(0, 0);
	is_int(ctrmap_list(h, 0, 0, on_region, &seen), 0, "list: succeeds");
	fake_wait(&fk);
	check_request("list", CTRMAP_CMD_GET, true, 0, &req);
	is_int(seen.calls, 3, "list: three regions");
	ok(seen.info[0].id == 1 && seen.info[1].id == 2 &&
	   seen.info[2].id == 3, "list: in order");
	ok(seen.info[1].nbindings == 1 && seen.info[2].nbindings == 0,
	   "list: each region its own bindings");

	script_dump3(0, 0);
	memset(&seen, 0, sizeof(seen));
	is_int(ctrmap_list(h, 4242, CTRMAP_GET_VERBOSE, on_region, &seen), 0,
	       "list --pid, verbose: succeeds");
	fake_wait(&fk);
	check_request("list --pid", CTRMAP_CMD_GET, true, 2, &req);
	ok(is_u32(req.tb[CTRMAP_A_PID], 4242), "list --pid: pid filter");
	ok(req.tb[CTRMAP_A_VERBOSE] != NULL, "list verbose: verbose flag");

	fake_reset(&fk);
	fake_recv(&fk);
	part_done(fake_send(&fk), 0, NULL);
	fake_start(&fk);
	memset(&seen, 0, sizeof(seen));
	is_int(ctrmap_list(h, 0, 0, on_region, &seen), 0, "list: empty");
	fake_wait(&fk);
	is_int(seen.calls, 0, "list: empty: no callback");

	script_dump3(0, 0);
	memset(&seen, 0, sizeof(seen));
	seen.stop_at = 1;
	seen.stop_with = -ECANCELED;
	is_int(ctrmap_list(h, 0, 0, on_region, &seen), -ECANCELED,
	       "list: a stop from the callback is returned");
	fake_wait(&fk);
	is_int(seen.calls, 1, "list: no callback after the stop");
	script_act(CTRMAP_CMD_DETACH, 1);
	is_int(ctrmap_detach(h, 1), 0,
	       "list: after a stop the socket is in step");
	fake_wait(&fk);

	tlv_msg(&t, "region too large to list");
	fake_reset(&fk);
	fake_recv(&fk);
	part_done(fake_send(&fk), -EMSGSIZE, &t);
	fake_start(&fk);
	is_int(ctrmap_list(h, 0, 0, on_region, &seen), -EMSGSIZE,
	       "list: a dump that fails: its errno");
	fake_wait(&fk);
	is_str(ctrmap_errmsg(h), "region too large to list",
	       "list: and its message");

	script_dump3(0, NLM_F_DUMP_INTR);
	memset(&seen, 0, sizeof(seen));
	is_int(ctrmap_list(h, 0, 0, on_region, &seen), -EAGAIN,
	       "list: an interrupted dump: -EAGAIN");
	fake_wait(&fk);

	is_int(ctrmap_list(h, 0, 4, on_region, &seen), -EINVAL,
	       "list: unknown flags: -EINVAL");
}

/*
 * Part of region r in a dump: bindings [b0, b1), and pages [p0, p1) with
 * CTRMAP_A_FIRST_PAGE p0 (none if p0 < 0).
 */
static struct nl_msg *region_part(const struct ctrmap_region_info *base,
				  unsigned int b0, unsigned int b1, int p0,
				  unsigned int p1)
{
	struct ctrmap_region_info r = *base;
	struct nl_msg *msg;

	r.bindings = base->bindings + b0;
	r.nbindings = b1 - b0;
	r.pages = p0 < 0 ? NULL : base->pages + p0;
	r.npage_info = p0 < 0 ? 0 : p1 - (unsigned int)p0;
	msg = region_msg(NLM_F_MULTI, &r, 0);
	if (p0 >= 0 && nla_put_u32(msg, CTRMAP_A_FIRST_PAGE, (uint32_t)p0) < 0)
		abort();
	return msg;
}

/*
 * Script: a dump of regions 1, 2, 3 in three datagrams, region 2 (three
 * bindings, five pages) described in parts: the bindings 0-1; binding 2
 * and pages [0, 3); pages [next, 5); with a gap if next is not 3, and
 * without its last part if next is 5.
 */
static void script_split(unsigned int next)
{
	struct ctrmap_region_info one = sample_region(1), two = sample_region(2),
				  three = sample_region(3);
	struct fake_step *s;

	two.npages = 5;
	two.len = 5 * 4096;
	two.bindings = sample_bindings;
	two.pages = sample_pages;
	fake_reset(&fk);
	fake_recv(&fk);
	s = fake_send(&fk);
	part_msg(s, region_msg(NLM_F_MULTI, &one, 0));
	part_msg(s, region_part(&two, 0, 2, -1, 0));
	s = fake_send(&fk);
	part_msg(s, region_part(&two, 2, 3, 0, 3));
	if (next < 5) {
		s = fake_send(&fk);
		part_msg(s, region_part(&two, 0, 0, (int)next, 5));
	}
	part_msg(s, region_msg(NLM_F_MULTI, &three, 0));
	part_done(s, 0, NULL);
	fake_start(&fk);
}

/* A region that does not fit one dump message comes in parts: one call. */
static void test_list_split(void)
{
	struct seen seen = { .detail = 1 };
	bool pages_ok = true;

	for (unsigned int i = 0; i < 5; i++) {
		set_page(i, 0x2000 + i, 1);
	}
	script_split(3);
	is_int(ctrmap_list(h, 0, CTRMAP_GET_VERBOSE, on_region, &seen), 0,
	       "list in parts: succeeds");
	fake_wait(&fk);
	is_int(seen.calls, 3, "list in parts: three regions, one call each");
	ok(seen.info[0].id == 1 && seen.info[1].id == 2 &&
	   seen.info[2].id == 3, "list in parts: in order");
	is_int(seen.info[1].nbindings, 3, "list in parts: the bindings joined");
	ok(seen.bindings[0].index == 0 && seen.bindings[1].index == 2 &&
	   seen.bindings[2].index == 5, "list in parts: in counter order");
	is_int(seen.info[1].npage_info, 5, "list in parts: the pages joined");
	for (unsigned int i = 0; i < 5; i++)
		if (seen.pages[i].pfn != 0x2000 + i)
			pages_ok = false;
	ok(pages_ok, "list in parts: every page, in order");

	memset(&seen, 0, sizeof(seen));
	script_split(4);
	is_int(ctrmap_list(h, 0, CTRMAP_GET_VERBOSE, on_region, &seen),
	       -EPROTO, "list in parts: a gap in the pages: -EPROTO");
	fake_wait(&fk);
	is_int(seen.calls, 1, "list in parts: the gap's region not reported");

	memset(&seen, 0, sizeof(seen));
	script_split(5);
	is_int(ctrmap_list(h, 0, CTRMAP_GET_VERBOSE, on_region, &seen),
	       -EPROTO, "list in parts: pages missing at the end: -EPROTO");
	fake_wait(&fk);
	is_int(seen.calls, 1, "list in parts: the short region not reported");

	/* A part whose beginning never came. */
	{
		struct ctrmap_region_info two = sample_region(2);
		struct fake_step *s;

		two.npages = 5;
		two.pages = sample_pages;
		fake_reset(&fk);
		fake_recv(&fk);
		s = fake_send(&fk);
		part_msg(s, region_part(&two, 0, 0, 3, 5));
		part_done(s, 0, NULL);
		fake_start(&fk);
		memset(&seen, 0, sizeof(seen));
		is_int(ctrmap_list(h, 0, CTRMAP_GET_VERBOSE, on_region, &seen),
		       -EPROTO, "list in parts: pages from 3 only: -EPROTO");
		fake_wait(&fk);
		is_int(seen.calls, 0, "list in parts: nothing reported");
	}
}

/* Counter i's value in the tests below. */
static uint64_t sample_value(uint32_t i)
{
	return 0x1000000000ULL * i + 7;
}

/* Values [first, first + n) as GET puts them: first_index, values. */
static void put_values(struct nl_msg *msg, uint32_t first, uint32_t n)
{
	uint64_t v[16];

	for (uint32_t i = 0; i < n; i++)
		v[i] = sample_value(first + i);
	if (nla_put_u32(msg, CTRMAP_A_FIRST_INDEX, first) < 0 ||
	    nla_put(msg, CTRMAP_A_VALUES, (int)(n * sizeof(v[0])), v) < 0)
		abort();
}

/* A dump message of region id with values [first, first + n) only. */
static struct nl_msg *values_msg(uint32_t id, int first, uint32_t n)
{
	struct ctrmap_region_info r = sample_region(id);
	struct nl_msg *msg = region_msg(NLM_F_MULTI, &r, 0);

	if (first >= 0)
		put_values(msg, (uint32_t)first, n);
	return msg;
}

/*
 * Script: a GET dump answered by the messages (one datagram each), then
 * NLMSG_DONE with error done_error and t's extended ACK.
 */
static void script_values(struct nl_msg **msgs, int n, int done_error,
			  const struct tlvs *t)
{
	struct fake_step *s = NULL;

	fake_reset(&fk);
	fake_recv(&fk);
	for (int i = 0; i < n; i++) {
		s = fake_send(&fk);
		part_msg(s, msgs[i]);
	}
	part_done(s ? s : fake_send(&fk), done_error, t);
	fake_start(&fk);
}

static bool values_are(const uint64_t *v, uint32_t first, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		if (v[i] != sample_value(first + i))
			return false;
	return true;
}

static void test_get_values(void)
{
	uint64_t v[8];
	uint32_t n = 99;
	struct request req;
	struct tlvs t = { .len = 0 };
	int ret;

	fake_reset(&fk);
	is_int(ctrmap_get_values(h, 7, 0, 0, v, &n), -EINVAL,
	       "get_values: count 0: -EINVAL");
	is_int(n, 0, "get_values: count 0: nread 0");
	is_int(ctrmap_get_values(h, 7, 0, 1, NULL, NULL), -EINVAL,
	       "get_values: NULL values: -EINVAL");
	is_int(fk.nreqs, 0, "get_values: bad arguments: nothing sent");

	/* 10..14 in two parts, 512 a message in the kernel: 2 and 3 here. */
	script_values((struct nl_msg *[]){ values_msg(7, 10, 2),
					   values_msg(7, 12, 3) }, 2, 0, NULL);
	memset(v, 0, sizeof(v));
	is_int(ctrmap_get_values(h, 7, 10, 5, v, &n), 0,
	       "get_values: two parts: 0");
	fake_wait(&fk);
	is_int(n, 5, "get_values: two parts: nread 5");
	ok(values_are(v, 10, 5), "get_values: two parts: the values in order");
	check_request("get_values", CTRMAP_CMD_GET, true, 3, &req);
	ok(is_u32(req.tb[CTRMAP_A_REGION_ID], 7) &&
	   is_u32(req.tb[CTRMAP_A_FIRST_INDEX], 10) &&
	   is_u32(req.tb[CTRMAP_A_COUNT], 5),
	   "get_values: region_id 7, first_index 10, count 5");

	/* The region's first message had no room for values. */
	script_values((struct nl_msg *[]){ values_msg(7, -1, 0),
					   values_msg(7, 0, 3) }, 2, 0, NULL);
	is_int(ctrmap_get_values(h, 7, 0, 3, v, NULL), 0,
	       "get_values: a first message without values: 0");
	fake_wait(&fk);
	ok(values_are(v, 0, 3), "get_values: ... the values after it");

	/* The region detached part-way: the dump ends early. */
	script_values((struct nl_msg *[]){ values_msg(7, 10, 2) }, 1, 0, NULL);
	memset(v, 0, sizeof(v));
	is_int(ctrmap_get_values(h, 7, 10, 5, v, &n), -ENOENT,
	       "get_values: short: -ENOENT");
	fake_wait(&fk);
	is_int(n, 2, "get_values: short: nread says how far it got");
	ok(values_are(v, 10, 2) && !v[2], "get_values: short: what came is there");

	script_values(NULL, 0, 0, NULL);
	is_int(ctrmap_get_values(h, 7, 0, 1, v, &n), -ENOENT,
	       "get_values: nothing listed (no region of ours): -ENOENT");
	fake_wait(&fk);
	is_int(n, 0, "get_values: nothing listed: nread 0");

	/* Replies the protocol does not allow. */
	script_values((struct nl_msg *[]){ values_msg(7, 10, 2),
					   values_msg(7, 13, 3) }, 2, 0, NULL);
	is_int(ctrmap_get_values(h, 7, 10, 5, v, NULL), -EPROTO,
	       "get_values: a gap between parts: -EPROTO");
	fake_wait(&fk);
	script_values((struct nl_msg *[]){ values_msg(7, 10, 6) }, 1, 0, NULL);
	is_int(ctrmap_get_values(h, 7, 10, 5, v, &n), -EPROTO,
	       "get_values: more values than asked: -EPROTO");
	fake_wait(&fk);
	is_int(n, 0, "get_values: more than asked: none stored");
	script_values((struct nl_msg *[]){ values_msg(8, 10, 5) }, 1, 0, NULL);
	is_int(ctrmap_get_values(h, 7, 10, 5, v, NULL), -EPROTO,
	       "get_values: another region's values: -EPROTO");
	fake_wait(&fk);
	{
		struct nl_msg *msg = values_msg(7, -1, 0);
		uint64_t odd[2] = { 1, 2 };

		if (nla_put_u32(msg, CTRMAP_A_FIRST_INDEX, 10) < 0 ||
		    nla_put(msg, CTRMAP_A_VALUES, 12, odd) < 0)
			abort();
		script_values(&msg, 1, 0, NULL);
		is_int(ctrmap_get_values(h, 7, 10, 1, v, NULL), -EPROTO,
		       "get_values: values of 12 bytes: -EPROTO");
		fake_wait(&fk);
		msg = values_msg(7, -1, 0);
		if (nla_put(msg, CTRMAP_A_VALUES, 8, odd) < 0)
			abort();
		script_values(&msg, 1, 0, NULL);
		is_int(ctrmap_get_values(h, 7, 10, 1, v, NULL), -EPROTO,
		       "get_values: values without first_index: -EPROTO");
		fake_wait(&fk);
	}

	/* The kernel's refusal, pointing at count (after id and first). */
	tlv_msg(&t, "count goes past the region's last counter");
	tlv_u32(&t, NLMSGERR_ATTR_OFFS, NLMSG_HDRLEN + GENL_HDRLEN + 2 * 8);
	script_values(NULL, 0, -ERANGE, &t);
	ret = ctrmap_get_values(h, 7, 500, 5, v, &n);
	fake_wait(&fk);
	is_int(ret, -ERANGE, "get_values: past the end: the kernel's -ERANGE");
	is_str(ctrmap_errmsg(h), "count goes past the region's last counter",
	       "get_values: past the end: the kernel's message");
	is_str(ctrmap_errattr(h) ? ctrmap_errattr(h) : "(null)", "count",
	       "get_values: past the end: names count");
	is_int(n, 0, "get_values: past the end: nread 0");
}

/* CTRMAP_GET_VALUES: ctrmap_get() by a dump, every value in the info. */
static void test_get_flag_values(void)
{
	struct ctrmap_region_info r = sample_region(3);
	struct seen seen = { 0 };
	struct nl_msg *parts[2];
	struct request req;

	r.ncounters = 5;
	parts[0] = region_msg(NLM_F_MULTI, &r, 0);
	put_values(parts[0], 0, 3);
	parts[1] = region_msg(NLM_F_MULTI, &r, 0);
	put_values(parts[1], 3, 2);
	script_values(parts, 2, 0, NULL);
	is_int(ctrmap_get(h, 3, CTRMAP_GET_VALUES, on_region, &seen), 0,
	       "get values: 0");
	fake_wait(&fk);
	check_request("get values", CTRMAP_CMD_GET, true, 2, &req);
	ok(is_u32(req.tb[CTRMAP_A_REGION_ID], 3) &&
	   is_u32(req.tb[CTRMAP_A_FIRST_INDEX], 0) && !req.tb[CTRMAP_A_COUNT],
	   "get values: a dump of region 3 from counter 0, no count");
	is_int(seen.calls, 1, "get values: one call");
	is_int(seen.nvalues[0], 5, "get values: nvalues is ncounters");
	ok(values_are(seen.values, 0, 5), "get values: the parts joined");
	ok(CTRMAP_HAS_FIELD(&seen.info[0], values),
	   "get values: the info has the 0.2 fields");

	/* Fewer than ncounters: it began detaching while it was read. */
	for (int list = 0; list < 2; list++) {
		memset(&seen, 0, sizeof(seen));
		parts[0] = region_msg(NLM_F_MULTI, &r, 0);
		put_values(parts[0], 0, 3);
		script_values(parts, 1, 0, NULL);
		if (list)
			is_int(ctrmap_list(h, 0, CTRMAP_GET_VALUES, on_region,
					   &seen), 0,
			       "list values: a short region is left out, the list succeeds");
		else
			is_int(ctrmap_get(h, 3, CTRMAP_GET_VALUES, on_region,
					  &seen), -ENOENT,
			       "get values: short: -ENOENT");
		fake_wait(&fk);
		is_int(seen.calls, 0, "%s values: short: not reported",
		       list ? "list" : "get");
	}

	script_values(NULL, 0, 0, NULL);
	is_int(ctrmap_get(h, 3, CTRMAP_GET_VALUES, on_region, &seen), -ENOENT,
	       "get values: nothing listed: -ENOENT");
	fake_wait(&fk);

	/* Values not asked for, or not from counter 0. */
	parts[0] = region_msg(NLM_F_MULTI, &r, 0);
	put_values(parts[0], 1, 4);
	script_values(parts, 1, 0, NULL);
	is_int(ctrmap_get(h, 3, CTRMAP_GET_VALUES, on_region, &seen), -EPROTO,
	       "get values: from counter 1: -EPROTO");
	fake_wait(&fk);
	parts[0] = region_msg(0, &r, 0);
	put_values(parts[0], 0, 5);
	script_region_msg(parts[0]);
	is_int(ctrmap_get(h, 3, 0, on_region, &seen), -EPROTO,
	       "get: values not asked for: -EPROTO");
	fake_wait(&fk);
}

static struct nl_msg *detached_msg(uint32_t id, uint32_t pid, int reason)
{
	struct nl_msg *msg = fake_msg(CTRMAP_CMD_DETACHED, 0);

	if (nla_put_u32(msg, CTRMAP_A_REGION_ID, id) < 0 ||
	    nla_put_u32(msg, CTRMAP_A_PID, pid) < 0 ||
	    (reason >= 0 && nla_put_u8(msg, CTRMAP_A_REASON,
				       (uint8_t)reason) < 0))
		abort();
	return msg;
}

static void test_events(void)
{
	struct ctrmap_handle *hm, *other;
	CTRMAP_OPTS(ctrmap_event, ev);
	struct fake stranger;
	struct fake_step *s;
	int64_t t0;

	if (fake_handle(&fk, &hm) || fake_handle(&fk, &other)) {
		skip_env("events", "no handle");
		return;
	}

	/* The family has no "monitor" group. */
	fake_reset(&fk);
	fake_family_with_group(&fk, "nlctrl", "other");
	fake_start(&fk);
	is_int(ctrmap_monitor(other), -ENOENT, "monitor: no such group");
	fake_wait(&fk);
	is_int(ctrmap_next_event(other, &ev, 0), -EINVAL,
	       "next_event without monitor: -EINVAL");
	ctrmap_close(other);

	fake_reset(&fk);
	fake_family_with_group(&fk, "nlctrl", CTRMAP_MCGRP_MONITOR);
	fake_start(&fk);
	is_int(ctrmap_monitor(hm), 0, "monitor: joins the group");
	is_int(fake_wait(&fk), 0, "monitor: the group was resolved");
	is_int(ctrmap_event_fd(hm), nl_socket_get_fd(hm->sock),
	       "event fd is the socket's");
	is_int(ctrmap_monitor(hm), -EBUSY, "monitor twice: -EBUSY");
	is_int(ctrmap_detach(hm, 1), -EBUSY,
	       "a monitoring handle refuses requests");

	is_int(ctrmap_next_event(hm, &ev, 0), -EAGAIN, "no event: -EAGAIN");
	t0 = ctrmap_nl_now_ms();
	is_int(ctrmap_next_event(hm, &ev, 100), -EAGAIN,
	       "no event in 100 ms: -EAGAIN");
	ok(ctrmap_nl_now_ms() - t0 >= 95, "and it waited (%lld ms)",
	   (long long)(ctrmap_nl_now_ms() - t0));

	/* An unknown command, then an event, in one datagram. */
	fake_reset(&fk);
	fk.client_port = nl_socket_get_local_port(hm->sock);
	s = fake_send(&fk);
	part_notify(s, fake_msg(CTRMAP_CMD_MAX + 3, 0));
	part_notify(s, detached_msg(3, 1234, CTRMAP_REASON_EXIT));
	/* Two events and a no-op between them. */
	s = fake_send(&fk);
	part_notify(s, detached_msg(4, 0, CTRMAP_REASON_UNMAPPED));
	{
		struct nlmsghdr noop = {
			.nlmsg_len = NLMSG_HDRLEN, .nlmsg_type = NLMSG_NOOP,
		};

		part_raw(s, &noop, sizeof(noop));
	}
	part_notify(s, detached_msg(5, 77, CTRMAP_REASON_MAX + 1));
	/* A malformed event, then a good one. */
	s = fake_send(&fk);
	part_notify(s, detached_msg(6, 1, -1));
	part_notify(s, detached_msg(7, 1, CTRMAP_REASON_REQUEST));
	fake_start(&fk);
	is_int(fake_wait(&fk), 0, "the fake sent the events");

	is_int(ctrmap_next_event(hm, &ev, 1000), 0, "event received");
	ok(ev.cmd == CTRMAP_CMD_DETACHED && ev.region_id == 3 &&
	   ev.pid == 1234 && ev.reason == CTRMAP_REASON_EXIT,
	   "event parsed, the unknown command before it skipped");
	is_int(ctrmap_next_event(hm, &ev, 0), 0, "second datagram");
	ok(ev.region_id == 4 && ev.pid == 0 &&
	   ev.reason == CTRMAP_REASON_UNMAPPED, "pid 0 (not visible)");
	is_int(ctrmap_next_event(hm, &ev, 0), 0,
	       "second event of the datagram, after a no-op");
	ok(ev.region_id == 5 && ev.reason == CTRMAP_REASON_MAX + 1,
	   "a reason from the future keeps its number");
	is_int(ctrmap_next_event(hm, &ev, 0), -EPROTO,
	       "an event without reason: -EPROTO");
	is_int(ctrmap_next_event(hm, &ev, 0), 0, "and the next one comes");
	ok(ev.region_id == 7 && ev.reason == CTRMAP_REASON_REQUEST,
	   "the event after a malformed one");
	is_int(ctrmap_next_event(hm, &ev, 0), -EAGAIN, "then none");

	/* Any process may send to our port: only the peer is heard. */
	if (fake_open(&stranger)) {
		skip_env("a stranger's event", "no socket");
	} else {
		stranger.client_port = fk.client_port;
		part_notify(fake_send(&stranger),
			    detached_msg(9, 9, CTRMAP_REASON_EXIT));
		fake_start(&stranger);
		fake_wait(&stranger);
		is_int(ctrmap_next_event(hm, &ev, 50), -EAGAIN,
		       "an event from another process is dropped");
		fake_close(&stranger);
	}

	/* Too large for the buffer: dropped; other families: skipped. */
	fake_reset(&fk);
	fk.client_port = nl_socket_get_local_port(hm->sock);
	{
		struct nl_msg *big = detached_msg(10, 1, CTRMAP_REASON_EXIT);
		static const char junk[CTRMAP_EVBUF_SIZE];
		struct nl_msg *foreign = detached_msg(11, 1, 1);

		if (nla_put(big, CTRMAP_A_MAX + 1, sizeof(junk), junk) < 0)
			abort();
		part_notify(fake_send(&fk), big);
		nlmsg_hdr(foreign)->nlmsg_type = GENL_ID_CTRL;
		part_notify(fake_send(&fk), foreign);
	}
	part_notify(fake_send(&fk), detached_msg(12, 1, CTRMAP_REASON_UNLOAD));
	fake_start(&fk);
	fake_wait(&fk);
	is_int(ctrmap_next_event(hm, &ev, 1000), 0,
	       "after a datagram too large and another family's");
	is_int(ev.region_id, 12, "the next event is ours");
	is_int(ctrmap_next_event(hm, &ev, 0), -EAGAIN, "then none again");

	ctrmap_close(hm);
}

/* ctrmap_nl_walk over a hand-built datagram. */
static void test_walk(void)
{
	_Alignas(4) unsigned char buf[256];
	struct nlmsghdr *nlh;
	size_t len = 0, pos = 0;

	memset(buf, 0, sizeof(buf));
#define PUT_MSG(type, size)						\
	do {								\
		struct nlmsghdr m = { .nlmsg_len = (size),		\
				      .nlmsg_type = (type) };		\
		memcpy(buf + len, &m, sizeof(m));			\
		len += NLMSG_ALIGN(size);				\
	} while (0)
	PUT_MSG(NLMSG_NOOP, NLMSG_HDRLEN);
	PUT_MSG(FAKE_FAMILY, NLMSG_HDRLEN + GENL_HDRLEN + 8);	/* at 16 */
	PUT_MSG(FAKE_FAMILY, NLMSG_HDRLEN);	/* no genl header: skipped */
	PUT_MSG(FAKE_FAMILY, NLMSG_HDRLEN + GENL_HDRLEN + 1);	/* at 60 */
	PUT_MSG(FAKE_FAMILY, 200);
#undef PUT_MSG
	len -= 200 - NLMSG_HDRLEN;	/* its header only: truncated */

	is_int(ctrmap_nl_walk(buf, len, &pos, FAKE_FAMILY, &nlh), 1,
	       "walk: first message of the family");
	is_int((unsigned char *)nlh - buf, 16, "walk: after the no-op");
	is_int(ctrmap_nl_walk(buf, len, &pos, FAKE_FAMILY, &nlh), 1,
	       "walk: the next one");
	is_int((unsigned char *)nlh - buf, 60,
	       "walk: one too short for a genl header skipped");
	is_int(ctrmap_nl_walk(buf, len, &pos, FAKE_FAMILY, &nlh), 0,
	       "walk: a truncated message ends the datagram");
	is_int(pos, len, "walk: at the end");
	pos = 0;
	is_int(ctrmap_nl_walk(buf, 10, &pos, FAKE_FAMILY, &nlh), 0,
	       "walk: less than a header");
}

/* Script: receive the request; answer with msg. */
static void script_msg(struct nl_msg *msg)
{
	fake_reset(&fk);
	fake_recv(&fk);
	part_msg(fake_send(&fk), msg);
	fake_start(&fk);
}

/*
 * The structs the caller allocates, of an older or a newer size than the
 * library's; and STATS from a module older or newer than the library.
 */
static void test_sizes(void)
{
	struct {
		struct ctrmap_stats st;
		uint64_t future[4];	/* fields a later library added */
	} newer;
	CTRMAP_OPTS(ctrmap_stats, st);
	CTRMAP_OPTS(ctrmap_attach_reply, out);
	CTRMAP_OPTS(ctrmap_event, ev);
	char buf[256];

	/* A newer module: reason 5 too. */
	memset(&newer, 0xff, sizeof(newer));
	newer.st.sz = sizeof(newer);
	script_msg(stats_reply(0x3e));
	is_int(ctrmap_stats(h, &newer.st), 0,
	       "stats: newer module, newer struct: succeeds");
	fake_wait(&fk);
	ok(newer.st.regions == 3 && newer.st.attaches == 17 &&
	   newer.st.max_bindings == 32 && !strcmp(newer.st.version, "0.1.0"),
	   "stats: newer struct: the known fields written");
	ok(newer.future[0] == 0 && newer.future[3] == 0,
	   "stats: newer struct: the fields the library does not know zeroed");
	is_int(newer.st.sz, sizeof(newer), "stats: newer struct: its sz kept");
	is_int(newer.st.detaches_sent, 0x3e,
	       "stats: newer module: reasons 1-5 sent");
	is_int(newer.st.detaches[5], 8,
	       "stats: newer module: the unknown reason's count");

	/* An older module: no reason unload. */
	script_msg(stats_reply(0x0e));
	is_int(ctrmap_stats(h, &st), 0, "stats: older module: succeeds");
	fake_wait(&fk);
	ok(st.detaches_sent == 0x0e && st.detaches[CTRMAP_REASON_UNLOAD] == 0 &&
	   st.detaches[CTRMAP_REASON_UNMAPPED] == 6,
	   "stats: older module: the missing reason is 0, the rest intact");

	/* An older program: too small a struct is refused, unsent. */
	st.sz = offsetof(struct ctrmap_stats, user_memlock_limit);
	is_int(ctrmap_stats(h, &st), -EINVAL, "stats: sz too small: -EINVAL");
	st.sz = 0;
	is_int(ctrmap_stats(h, &st), -EINVAL, "stats: sz 0: -EINVAL");
	out.sz = sizeof(out) / 2;
	is_int(ctrmap_attach(h, 1, 8, 72, &out), -EINVAL,
	       "attach: reply sz too small: -EINVAL");
	/* No fake thread runs: a request would wait on its socket. */
	is_int(recv(fk.fd, buf, sizeof(buf), MSG_DONTWAIT), -1,
	       "nothing was sent for too small a struct");
	ev.sz = 1;
	is_int(ctrmap_next_event(h, &ev, 0), -EINVAL,
	       "next_event: sz too small: -EINVAL");
}

int main(void)
{
	int err = fake_open(&fk);

	if (err) {
		skip_env("fake kernel", strerror(-err));
		return done_testing();
	}
	err = fake_handle(&fk, &h);
	if (err) {
		skip_env("generic netlink", strerror(-err));
		fake_close(&fk);
		return done_testing();
	}
	test_attach();
	test_detach_add();
	test_old_module();
	test_bind();
	test_get();
	test_list();
	test_list_split();
	test_get_values();
	test_get_flag_values();
	test_events();
	test_walk();
	test_sizes();
	ctrmap_close(h);
	fake_close(&fk);
	return done_testing();
}
