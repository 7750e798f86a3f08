/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A fake ctrmap kernel for the unit tests: a netlink socket in the test
 * process that a handle talks to instead of the kernel (the handle's peer
 * port is set to it), served by a thread that follows a script: receive a
 * request, answer with hand-built datagrams (replies, ACKs, errors with
 * extended ACK, ends of dumps), send notifications, pause. Netlink lets a
 * process send to another port of its own, so every library call and
 * counterctl subcommand runs end to end on a host without the module, and
 * the request each one sent is kept, byte for byte, for the checks.
 *
 * Replies are built like the kernel builds them; the fake fills in each
 * message's sequence number and port from the request it answers.
 */
#ifndef CTRMAP_FAKE_KERNEL_H
#define CTRMAP_FAKE_KERNEL_H

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include "internal.h"

/* The family id the fake answers as (the real one is dynamic too). */
#define FAKE_FAMILY 0x2a

#define FAKE_MAX_STEPS 16
#define FAKE_MAX_PARTS 8

enum fake_part_kind {
	PART_MSGS,	/* whole messages, as built */
	PART_ACK,	/* NLMSG_ERROR 0, capped */
	PART_ERROR,	/* NLMSG_ERROR -errno, capped, extended ACK TLVs */
	PART_DONE,	/* NLMSG_DONE with an errno, extended ACK TLVs */
};

struct fake_part {
	enum fake_part_kind kind;
	bool notify;		/* PART_MSGS: sequence number and port 0 */
	int error;
	unsigned char *data;	/* PART_MSGS: messages; else TLVs */
	size_t len;
};

enum fake_step_kind {
	STEP_RECV,	/* wait for a request and keep it */
	STEP_SEND,	/* one datagram of parts */
	STEP_SLEEP,
	STEP_SIGNAL,	/* raise a signal in the process (the code under test's) */
};

struct fake_step {
	enum fake_step_kind kind;
	int nparts;
	struct fake_part parts[FAKE_MAX_PARTS];
	int ms;
	int sig;	/* STEP_SIGNAL */
};

struct fake {
	int fd;
	uint32_t port;
	pthread_t thread;
	bool running;
	struct fake_step steps[FAKE_MAX_STEPS];
	int nsteps;
	_Alignas(8) unsigned char req[65536];	/* the last request */
	size_t req_len;
	int nreqs;		/* requests received */
	uint32_t client_port;	/* where datagrams go */
	int error;		/* the thread's, 0 if the script ran */
};

/* A place for extended ACK TLVs. */
struct tlvs {
	_Alignas(4) unsigned char data[512];
	size_t len;
};

static void __attribute__((unused))
tlv_put(struct tlvs *t, uint16_t type, const void *p, size_t n)
{
	struct nlattr nla = { .nla_len = (uint16_t)(NLA_HDRLEN + n),
			      .nla_type = type };

	memcpy(t->data + t->len, &nla, sizeof(nla));
	memcpy(t->data + t->len + NLA_HDRLEN, p, n);
	t->len += NLA_ALIGN(NLA_HDRLEN + n);
}

static void __attribute__((unused))
tlv_msg(struct tlvs *t, const char *msg)
{
	tlv_put(t, NLMSGERR_ATTR_MSG, msg, strlen(msg) + 1);
}

static void __attribute__((unused))
tlv_u32(struct tlvs *t, uint16_t type, uint32_t v)
{
	tlv_put(t, type, &v, sizeof(v));
}

static int fake_open(struct fake *f)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	socklen_t len = sizeof(sa);
	struct timeval tv = { .tv_sec = 5 };

	memset(f, 0, sizeof(*f));
	f->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (f->fd < 0)
		return -errno;
	if (bind(f->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    getsockname(f->fd, (struct sockaddr *)&sa, &len) < 0 ||
	    setsockopt(f->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0) {
		close(f->fd);
		return -errno;
	}
	f->port = sa.nl_pid;
	return 0;
}

/* Forget the script (and free what it holds). */
static void fake_reset(struct fake *f)
{
	for (int i = 0; i < f->nsteps; i++)
		for (int j = 0; j < f->steps[i].nparts; j++)
			free(f->steps[i].parts[j].data);
	f->nsteps = 0;
	f->nreqs = 0;
	f->req_len = 0;
	f->error = 0;
}

static void fake_close(struct fake *f)
{
	fake_reset(f);
	close(f->fd);
}

static struct fake_step *fake_step(struct fake *f, enum fake_step_kind kind)
{
	struct fake_step *s;

	if (f->nsteps == FAKE_MAX_STEPS)
		abort();
	s = &f->steps[f->nsteps++];
	memset(s, 0, sizeof(*s));
	s->kind = kind;
	return s;
}

static void __attribute__((unused)) fake_recv(struct fake *f)
{
	fake_step(f, STEP_RECV);
}

static void __attribute__((unused)) fake_sleep(struct fake *f, int ms)
{
	fake_step(f, STEP_SLEEP)->ms = ms;
}

/*
 * Send signal sig to the process: at this point of the script, so that a
 * test need not guess when the code under test has got so far.
 */
static void __attribute__((unused)) fake_signal(struct fake *f, int sig)
{
	fake_step(f, STEP_SIGNAL)->sig = sig;
}

/* A datagram to send; add parts to it. */
static struct fake_step *__attribute__((unused)) fake_send(struct fake *f)
{
	return fake_step(f, STEP_SEND);
}

static void add_part(struct fake_step *s, enum fake_part_kind kind,
		     int error, const void *data, size_t len)
{
	struct fake_part *p;

	if (s->nparts == FAKE_MAX_PARTS)
		abort();
	p = &s->parts[s->nparts++];
	p->kind = kind;
	p->error = error;
	p->len = len;
	p->data = malloc(len ? len : 1);
	if (!p->data)
		abort();
	if (len)
		memcpy(p->data, data, len);
}

/* msg's bytes as they are; frees msg. */
static void __attribute__((unused))
part_msg(struct fake_step *s, struct nl_msg *msg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);

	add_part(s, PART_MSGS, 0, nlh, NLMSG_ALIGN(nlh->nlmsg_len));
	nlmsg_free(msg);
}

/* A notification: msg as a multicast message is, seq and port 0. */
static void __attribute__((unused))
part_notify(struct fake_step *s, struct nl_msg *msg)
{
	part_msg(s, msg);
	s->parts[s->nparts - 1].notify = true;
}

/* Raw bytes of messages (for malformed ones). */
static void __attribute__((unused))
part_raw(struct fake_step *s, const void *data, size_t len)
{
	add_part(s, PART_MSGS, 0, data, len);
}

static void __attribute__((unused)) part_ack(struct fake_step *s)
{
	add_part(s, PART_ACK, 0, NULL, 0);
}

static void __attribute__((unused))
part_error(struct fake_step *s, int error, const struct tlvs *t)
{
	add_part(s, PART_ERROR, error, t ? t->data : NULL, t ? t->len : 0);
}

static void __attribute__((unused))
part_done(struct fake_step *s, int error, const struct tlvs *t)
{
	add_part(s, PART_DONE, error, t ? t->data : NULL, t ? t->len : 0);
}

/*
 * A reply message of the fake family: genl header for cmd, flags (e.g.
 * NLM_F_MULTI in a dump). Sequence number and port are filled in when
 * sent.
 */
static struct nl_msg *__attribute__((unused))
fake_msg(uint8_t cmd, int flags)
{
	struct nl_msg *msg = nlmsg_alloc_size(1 << 16);

	if (!msg || !genlmsg_put(msg, 0, 0, FAKE_FAMILY, 0, flags, cmd,
				 CTRMAP_GENL_VERSION))
		abort();
	return msg;
}

/*
 * A STATS reply as a 0.1 module builds it, with the detach reasons of the
 * bit mask reasons (bit n: reason n, counted n + 3 times): 0x1e is what a
 * 0.1 module sends; leave a bit out for an older module, add one for a
 * newer.
 */
static struct nl_msg *__attribute__((unused))
stats_reply(uint32_t reasons)
{
	struct nl_msg *msg = fake_msg(CTRMAP_CMD_STATS, 0);
	struct nlattr *stats, *detaches, *limits;
	int err = 0;

	err |= nla_put_string(msg, CTRMAP_A_VERSION, "0.1.0");
	stats = nla_nest_start(msg, CTRMAP_A_STATS);
	err |= nla_put_u32(msg, CTRMAP_STATS_A_REGIONS, 3);
	err |= nla_put_u64(msg, CTRMAP_STATS_A_PINNED_PAGES, 12);
	err |= nla_put_u32(msg, CTRMAP_STATS_A_BINDINGS, 2);
	err |= nla_put_u64(msg, CTRMAP_STATS_A_ATTACHES, 17);
	detaches = nla_nest_start(msg, CTRMAP_STATS_A_DETACHES);
	for (unsigned int r = 1; r < 32; r++)
		if (reasons & (UINT32_C(1) << r))
			err |= nla_put_u64(msg, r, r + 3);
	nla_nest_end(msg, detaches);
	nla_nest_end(msg, stats);
	limits = nla_nest_start(msg, CTRMAP_A_LIMITS);
	err |= nla_put_u32(msg, CTRMAP_LIMIT_A_MAX_REGIONS, 1024);
	err |= nla_put_u32(msg, CTRMAP_LIMIT_A_MAX_REGIONS_PER_PROCESS, 64);
	err |= nla_put_u32(msg, CTRMAP_LIMIT_A_MAX_REGION_PAGES, 256);
	err |= nla_put_u64(msg, CTRMAP_LIMIT_A_TIMER_MIN_PERIOD_NS, 10000);
	err |= nla_put_u32(msg, CTRMAP_LIMIT_A_SOURCES,
			   1u << CTRMAP_SOURCE_TIMER | 1u << CTRMAP_SOURCE_IRQ);
	err |= nla_put_u32(msg, CTRMAP_LIMIT_A_MAX_BINDINGS, 32);
	nla_nest_end(msg, limits);
	if (err)
		abort();
	return msg;
}

/*
 * The reply the module sends for DETACH, ADD, BIND and UNBIND asked with
 * CTRMAP_A_REPLY: the command and the region id (the rest the library
 * does not need).
 */
static struct nl_msg *__attribute__((unused))
act_reply(uint8_t cmd, uint32_t id)
{
	struct nl_msg *msg = fake_msg(cmd, 0);

	if (nla_put_u32(msg, CTRMAP_A_REGION_ID, id) < 0)
		abort();
	return msg;
}

static const struct nlmsghdr *fake_request(const struct fake *f)
{
	return (const struct nlmsghdr *)f->req;
}

/* Append an NLMSG_ERROR or NLMSG_DONE message to buf at *len. */
static void put_status(struct fake *f, unsigned char *buf, size_t *len,
		       const struct fake_part *p)
{
	const struct nlmsghdr *req = fake_request(f);
	struct nlmsghdr h = {
		.nlmsg_seq = f->req_len ? req->nlmsg_seq : 0,
		.nlmsg_pid = f->client_port,
	};
	size_t start = *len;
	int error = p->error;

	if (p->kind == PART_DONE) {
		h.nlmsg_type = NLMSG_DONE;
		h.nlmsg_flags = NLM_F_MULTI;
	} else {
		h.nlmsg_type = NLMSG_ERROR;
		h.nlmsg_flags = NLM_F_CAPPED;
	}
	if (p->len)
		h.nlmsg_flags |= NLM_F_ACK_TLVS;
	*len += NLMSG_HDRLEN;
	memcpy(buf + *len, &error, sizeof(error));
	*len += sizeof(error);
	if (p->kind != PART_DONE) {
		/* Capped: only the request's header is echoed. */
		memcpy(buf + *len, req, NLMSG_HDRLEN);
		*len += NLMSG_HDRLEN;
	}
	memcpy(buf + *len, p->data, p->len);
	*len += p->len;
	h.nlmsg_len = (uint32_t)(*len - start);
	memcpy(buf + start, &h, sizeof(h));
	*len = start + NLMSG_ALIGN(h.nlmsg_len);
}

static int send_step(struct fake *f, const struct fake_step *s)
{
	static _Alignas(8) unsigned char buf[1 << 17];
	struct sockaddr_nl to = {
		.nl_family = AF_NETLINK,
		.nl_pid = f->client_port,
	};
	size_t len = 0;

	for (int i = 0; i < s->nparts; i++) {
		const struct fake_part *p = &s->parts[i];
		size_t start = len, pos;

		if (p->kind != PART_MSGS) {
			put_status(f, buf, &len, p);
			continue;
		}
		memcpy(buf + len, p->data, p->len);
		len += p->len;
		if (p->notify)
			continue;
		/* Answer the request: its sequence number, its port. */
		for (pos = start; pos + NLMSG_HDRLEN <= len;) {
			struct nlmsghdr *nlh = (struct nlmsghdr *)(buf + pos);

			if (nlh->nlmsg_len < NLMSG_HDRLEN)
				break;
			nlh->nlmsg_seq = f->req_len ?
					 fake_request(f)->nlmsg_seq : 0;
			nlh->nlmsg_pid = f->req_len ? f->client_port : 0;
			pos += NLMSG_ALIGN(nlh->nlmsg_len);
		}
	}
	if (sendto(f->fd, buf, len, 0, (struct sockaddr *)&to,
		   sizeof(to)) < 0)
		return -errno;
	return 0;
}

static void *fake_thread(void *arg)
{
	struct fake *f = arg;

	for (int i = 0; i < f->nsteps && !f->error; i++) {
		const struct fake_step *s = &f->steps[i];
		struct sockaddr_nl from;
		socklen_t fromlen = sizeof(from);
		ssize_t n;

		switch (s->kind) {
		case STEP_RECV:
			n = recvfrom(f->fd, f->req, sizeof(f->req), 0,
				     (struct sockaddr *)&from, &fromlen);
			if (n < 0) {
				f->error = -errno;
				break;
			}
			f->req_len = (size_t)n;
			f->client_port = from.nl_pid;
			f->nreqs++;
			break;
		case STEP_SEND:
			f->error = send_step(f, s);
			break;
		case STEP_SLEEP:
			usleep((useconds_t)s->ms * 1000);
			break;
		case STEP_SIGNAL:
			if (kill(getpid(), s->sig) < 0)
				f->error = -errno;
			break;
		}
	}
	return NULL;
}

/*
 * Run the script in a thread. It blocks every signal, so that a signal
 * sent to the process goes to the code under test (which may take it
 * through a signalfd), never to the fake.
 */
static void fake_start(struct fake *f)
{
	sigset_t all, old;

	f->error = 0;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	if (pthread_create(&f->thread, NULL, fake_thread, f))
		abort();
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	f->running = true;
}

/* Wait for the script's end; returns its error (0: it all ran). */
static int fake_wait(struct fake *f)
{
	if (f->running) {
		pthread_join(f->thread, NULL);
		f->running = false;
	}
	return f->error;
}

/*
 * A handle on the fake: a real generic netlink socket (opened on
 * "nlctrl", which every host has) whose requests go to the fake, as
 * family FAKE_FAMILY. Calls give up after 5 s instead of hanging.
 */
static int __attribute__((unused))
fake_handle(struct fake *f, struct ctrmap_handle **hp)
{
	struct timeval tv = { .tv_sec = 5 };
	int ret = ctrmap_nl_open(hp, "nlctrl");

	if (ret)
		return ret;
	(*hp)->family = FAKE_FAMILY;
	nl_socket_set_peer_port((*hp)->sock, f->port);
	setsockopt(nl_socket_get_fd((*hp)->sock), SOL_SOCKET, SO_RCVTIMEO,
		   &tv, sizeof(tv));
	return 0;
}

/*
 * Script the answer to libnl's CTRL_CMD_GETFAMILY (genl_ctrl_resolve_grp):
 * a family with one multicast group, group_name, whose id is that of
 * nlctrl's "notify" group (GENL_ID_CTRL), so joining it works.
 */
static void __attribute__((unused))
fake_family_with_group(struct fake *f, const char *family,
		       const char *group_name)
{
	struct nl_msg *msg = nlmsg_alloc();
	struct nlattr *grps, *grp;

	if (!msg || !genlmsg_put(msg, 0, 0, GENL_ID_CTRL, 0, 0,
				 CTRL_CMD_NEWFAMILY, 2))
		abort();
	if (nla_put_string(msg, CTRL_ATTR_FAMILY_NAME, family) < 0 ||
	    nla_put_u16(msg, CTRL_ATTR_FAMILY_ID, FAKE_FAMILY) < 0)
		abort();
	grps = nla_nest_start(msg, CTRL_ATTR_MCAST_GROUPS);
	grp = nla_nest_start(msg, 1);
	if (!grps || !grp ||
	    nla_put_string(msg, CTRL_ATTR_MCAST_GRP_NAME, group_name) < 0 ||
	    nla_put_u32(msg, CTRL_ATTR_MCAST_GRP_ID, GENL_ID_CTRL) < 0)
		abort();
	nla_nest_end(msg, grp);
	nla_nest_end(msg, grps);
	fake_recv(f);
	part_msg(fake_send(f), msg);
	/* libnl waits for the ACK on its own, in a second read. */
	part_ack(fake_send(f));
}

#endif /* CTRMAP_FAKE_KERNEL_H */
