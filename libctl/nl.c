// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * All of libctrmap's netlink plumbing: the handle's socket, building a
 * request, sending it, reading its replies, and turning the kernel's error
 * and extended ACK into -errno plus a message. Everything else in the
 * library only adds attributes and parses replies.
 *
 * libnl 3.7 has no extended ACK support, so the error callback finds the
 * NLMSGERR_ATTR_* TLVs itself.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/errno.h>
#include <netlink/handlers.h>

#include "internal.h"

/* The kernel's errno range (MAX_ERRNO in include/linux/err.h). */
#define CTRMAP_MAX_ERRNO 4095

int ctrmap_nl_errno(int nlerr)
{
	switch (nlerr < 0 ? -nlerr : nlerr) {
	case NLE_SUCCESS:		return 0;
	case NLE_INTR:			return -EINTR;
	case NLE_BAD_SOCK:		return -EBADF;
	case NLE_AGAIN:			return -EAGAIN;
	case NLE_NOMEM:			return -ENOMEM;
	case NLE_EXIST:			return -EEXIST;
	case NLE_INVAL:			return -EINVAL;
	case NLE_RANGE:			return -ERANGE;
	case NLE_MSGSIZE:		return -EMSGSIZE;
	case NLE_OPNOTSUPP:		return -EOPNOTSUPP;
	case NLE_AF_NOSUPPORT:		return -EAFNOSUPPORT;
	case NLE_OBJ_NOTFOUND:		return -ENOENT;
	case NLE_NOADDR:		return -EADDRNOTAVAIL;
	case NLE_BUSY:			return -EBUSY;
	case NLE_PROTO_MISMATCH:	return -EPROTONOSUPPORT;
	case NLE_NOACCESS:		return -EACCES;
	case NLE_PERM:			return -EPERM;
	case NLE_NODEV:			return -ENODEV;
	/* The dump saw a concurrent change: its replies may be inconsistent. */
	case NLE_DUMP_INTR:		return -EAGAIN;
	/* Replies that are not what the protocol promises. */
	case NLE_SEQ_MISMATCH:
	case NLE_MSG_OVERFLOW:
	case NLE_MSG_TRUNC:
	case NLE_MSG_TOOSHORT:
	case NLE_MSGTYPE_NOSUPPORT:
	case NLE_NOATTR:
	case NLE_MISSING_ATTR:
	case NLE_ATTRSIZE:
	case NLE_PARSE_ERR:		return -EPROTO;
	default:			return -EIO;
	}
}

/* The NLMSGERR_ATTR_* TLVs in [tlvs, tlvs + len). */
static void parse_ext_ack(const void *tlvs, size_t len,
			  struct ctrmap_extack *ext)
{
	const struct nlattr *nla;
	int rem;

	if (len > INT_MAX)
		len = INT_MAX;

	/* nla_ok() keeps every attribute inside the buffer. */
	nla_for_each_attr(nla, (const struct nlattr *)tlvs, (int)len, rem) {
		const void *data = nla_data(nla);
		size_t data_len = nla_len(nla);

		switch (nla_type(nla)) {
		case NLMSGERR_ATTR_MSG:
			/* NUL-terminated by the kernel; do not trust that. */
			data_len = strnlen(data, data_len);
			if (data_len >= sizeof(ext->msg))
				data_len = sizeof(ext->msg) - 1;
			memcpy(ext->msg, data, data_len);
			ext->msg[data_len] = '\0';
			break;
		case NLMSGERR_ATTR_OFFS:
			if (data_len != sizeof(uint32_t))
				break;
			memcpy(&ext->offs, data, sizeof(uint32_t));
			ext->has_offs = true;
			break;
		case NLMSGERR_ATTR_MISS_TYPE:
			if (data_len != sizeof(uint32_t))
				break;
			memcpy(&ext->miss_type, data, sizeof(uint32_t));
			ext->has_miss_type = true;
			break;
		case NLMSGERR_ATTR_MISS_NEST:
			if (data_len != sizeof(uint32_t))
				break;
			memcpy(&ext->miss_nest, data, sizeof(uint32_t));
			ext->has_miss_nest = true;
			break;
		default:
			/* NLMSGERR_ATTR_POLICY, _COOKIE and future ones */
			break;
		}
	}
}

/* An error code read from the wire, checked to be 0 or a kernel -errno. */
static int wire_errno(int error)
{
	if (error > 0 || error < -CTRMAP_MAX_ERRNO)
		return -EBADMSG;
	return error;
}

int ctrmap_nl_parse_error(const struct nlmsghdr *nlh, size_t len,
			  struct ctrmap_extack *ext)
{
	const struct nlmsgerr *e;
	size_t tlv_off;
	int err;

	memset(ext, 0, sizeof(*ext));
	if (len < NLMSG_HDRLEN)
		return -EBADMSG;
	if (nlh->nlmsg_len < len)
		len = nlh->nlmsg_len;
	if (len < NLMSG_HDRLEN + sizeof(*e))
		return -EBADMSG;

	e = (const struct nlmsgerr *)((const char *)nlh + NLMSG_HDRLEN);
	err = wire_errno(e->error);
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return err;

	/*
	 * The TLVs follow the echoed request: only its header when the
	 * kernel capped it (NETLINK_CAP_ACK, and every ACK), else the whole
	 * request, padded to NLMSG_ALIGNTO.
	 */
	tlv_off = NLMSG_HDRLEN + sizeof(*e);
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED)) {
		size_t req_payload;

		if (e->msg.nlmsg_len < NLMSG_HDRLEN)
			return err;
		req_payload = e->msg.nlmsg_len - NLMSG_HDRLEN;
		if (req_payload > len - tlv_off)
			return err;
		tlv_off = NLMSG_ALIGN(tlv_off + req_payload);
	}
	if (tlv_off < len)
		parse_ext_ack((const char *)nlh + tlv_off, len - tlv_off, ext);
	return err;
}

int ctrmap_nl_parse_done(const struct nlmsghdr *nlh, size_t len,
			 struct ctrmap_extack *ext)
{
	size_t tlv_off = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(int));
	int error;

	memset(ext, 0, sizeof(*ext));
	if (len < NLMSG_HDRLEN)
		return -EBADMSG;
	if (nlh->nlmsg_len < len)
		len = nlh->nlmsg_len;
	/* A bare NLMSG_DONE is a plain end of dump. */
	if (len < NLMSG_HDRLEN + sizeof(int))
		return 0;

	memcpy(&error, (const char *)nlh + NLMSG_HDRLEN, sizeof(error));
	error = wire_errno(error);
	if ((nlh->nlmsg_flags & NLM_F_ACK_TLVS) && tlv_off < len)
		parse_ext_ack((const char *)nlh + tlv_off, len - tlv_off, ext);
	return error;
}

int ctrmap_nl_build(int family, uint8_t cmd, int nlm_flags,
		    ctrmap_nl_put_fn put, const void *put_arg,
		    struct nl_msg **msgp)
{
	struct nl_msg *msg;
	int ret;

	*msgp = NULL;
	msg = nlmsg_alloc();
	if (!msg)
		return -ENOMEM;

	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0, nlm_flags,
			 cmd, CTRMAP_GENL_VERSION)) {
		ret = -EMSGSIZE;
		goto err_free;
	}
	if (put) {
		ret = put(msg, put_arg);
		if (ret < 0)
			goto err_free;
	}

	*msgp = msg;
	return 0;

err_free:
	nlmsg_free(msg);
	return ret;
}

/* One request in flight: what the callbacks below share. */
struct request {
	int family;
	ctrmap_nl_reply_fn reply;
	void *reply_arg;
	bool answer_is_reply;	/* neither ACK nor dump: see ctrmap_nl_cmd() */
	uint32_t seq;		/* the request's sequence number */
	bool done;		/* answer, ACK, NLMSG_DONE or error seen */
	int err;		/* the kernel's, else the first reply error */
	struct ctrmap_extack ext;
};

/*
 * Only what answers this request counts. libnl's own check expects one
 * NLMSG_ERROR or NLMSG_DONE per request, which a request answered by its
 * reply alone does not get; a message with another sequence number can
 * only be left over from an earlier request (a reply after which an error
 * was returned, say), and is dropped.
 */
static int on_seq_check(struct nl_msg *msg, void *arg)
{
	const struct request *req = arg;

	return nlmsg_hdr(msg)->nlmsg_seq == req->seq ? NL_OK : NL_SKIP;
}

static int on_reply(struct nl_msg *msg, void *arg)
{
	struct request *req = arg;
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	int ret;

	if (req->err || !req->reply || nlh->nlmsg_type != req->family)
		return NL_OK;

	ret = req->reply(nlh, req->reply_arg);
	if (ret < 0)
		req->err = ret;
	/*
	 * The one reply is the whole answer; the rest of its datagram is
	 * still read (a second reply is the caller's -EPROTO). Otherwise
	 * keep reading up to the ACK or the end of the dump.
	 */
	if (req->answer_is_reply)
		req->done = true;
	return NL_OK;
}

static int on_ack(struct nl_msg *msg, void *arg)
{
	struct request *req = arg;

	(void)msg;
	req->done = true;
	return NL_STOP;
}

static int on_done(struct nl_msg *msg, void *arg)
{
	struct request *req = arg;
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct ctrmap_extack ext;
	int ret;

	ret = ctrmap_nl_parse_done(nlh, nlh->nlmsg_len, &ext);
	if (ret < 0) {
		req->err = ret;
		req->ext = ext;
	}
	req->done = true;
	return NL_STOP;
}

static int on_error(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	/* libnl hands over the payload; the header sits right before it. */
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)
				     ((const char *)e - NLMSG_HDRLEN);
	struct request *req = arg;

	(void)nla;
	/* libnl checked that nlmsg_len bytes are in its receive buffer. */
	req->err = ctrmap_nl_parse_error(nlh, nlh->nlmsg_len, &req->ext);
	if (!req->err)
		req->err = -EBADMSG;	/* libnl only calls this for errors */
	req->done = true;
	return NL_STOP;
}

/* Send msg on h and read until req->done. Returns 0 or -errno. */
static int exchange(struct ctrmap_handle *h, struct nl_msg *msg,
		    struct request *req)
{
	struct nl_cb *cb;
	int ret;

	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb)
		return -ENOMEM;

	if (nl_cb_set(cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, on_seq_check,
		      req) < 0 ||
	    nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_reply, req) < 0 ||
	    nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, on_ack, req) < 0 ||
	    nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, on_done, req) < 0 ||
	    nl_cb_err(cb, NL_CB_CUSTOM, on_error, req) < 0) {
		ret = -EINVAL;
		goto out;
	}

	/* The request carries the caller's flags, not libnl's NLM_F_ACK. */
	nl_socket_disable_auto_ack(h->sock);
	ret = nl_send_auto(h->sock, msg);
	nl_socket_enable_auto_ack(h->sock);
	if (ret < 0) {
		ret = ctrmap_nl_errno(ret);
		goto out;
	}
	req->seq = nlmsg_hdr(msg)->nlmsg_seq;

	ret = 0;
	while (!req->done) {
		/* Returns the number of messages read, 0 at end of file. */
		ret = nl_recvmsgs_report(h->sock, cb);
		if (ret == 0)
			ret = -NLE_FAILURE;
		if (ret < 0)
			break;
	}

	/*
	 * libnl folds the kernel's errno into an NLE_* code; the one the
	 * callbacks kept is exact. Otherwise ret is libnl's own failure
	 * (socket error, sequence mismatch, interrupted dump) or a count.
	 */
	if (req->err)
		ret = req->err;
	else if (ret < 0)
		ret = ctrmap_nl_errno(ret);
	else
		ret = 0;
out:
	nl_cb_put(cb);
	return ret;
}

/*
 * What ctrmap_errmsg() and ctrmap_errattr() show for the extended ACK in
 * h->ext, which answers req.
 */
static void set_errmsg(struct ctrmap_handle *h, const struct nlmsghdr *req)
{
	const struct ctrmap_extack *ext = &h->ext;
	char missing[64];

	if (!ext->has_offs ||
	    ctrmap_attr_at(req, ext->offs, h->errattr, sizeof(h->errattr)))
		h->errattr[0] = '\0';

	if (ext->msg[0])
		snprintf(h->errmsg, sizeof(h->errmsg), "%s", ext->msg);
	else if (ext->has_miss_type &&
		 !ctrmap_attr_missing(req, ext, missing, sizeof(missing)))
		/*
		 * GENL_REQ_ATTR_CHECK() reports a missing attribute by type
		 * alone, without a message.
		 */
		snprintf(h->errmsg, sizeof(h->errmsg), "missing attribute %s",
			 missing);
	else
		h->errmsg[0] = '\0';
}

int ctrmap_nl_cmd(struct ctrmap_handle *h, uint8_t cmd, int nlm_flags,
		  ctrmap_nl_put_fn put, const void *put_arg,
		  ctrmap_nl_reply_fn reply, void *reply_arg)
{
	struct request req = {
		.family = h->family,
		.reply = reply,
		.reply_arg = reply_arg,
		.answer_is_reply = !(nlm_flags & (NLM_F_ACK | NLM_F_DUMP)),
	};
	struct nl_msg *msg;
	int ret;

	/* Nothing would answer a success. */
	if (req.answer_is_reply && !reply)
		return -EINVAL;

	memset(&h->ext, 0, sizeof(h->ext));
	h->errmsg[0] = '\0';
	h->errattr[0] = '\0';

	/* Replies would be mixed up with notifications. */
	if (h->monitoring)
		return -EBUSY;

	ret = ctrmap_nl_build(h->family, cmd, nlm_flags, put, put_arg, &msg);
	if (ret < 0)
		return ret;

	ret = exchange(h, msg, &req);
	if (ret < 0) {
		h->ext = req.ext;
		/* The extended ACK's offsets point into the request. */
		set_errmsg(h, nlmsg_hdr(msg));
	}
	nlmsg_free(msg);
	return ret;
}

int ctrmap_nl_open(struct ctrmap_handle **hp, const char *family_name)
{
	static const int one = 1;
	struct ctrmap_handle *h;
	int fd, ret;

	*hp = NULL;
	if (strlen(family_name) >= sizeof(h->family_name))
		return -ENOENT;		/* no family has such a name */
	h = calloc(1, sizeof(*h));
	if (!h)
		return -ENOMEM;
	strcpy(h->family_name, family_name);

	h->sock = nl_socket_alloc();
	if (!h->sock) {
		ret = -ENOMEM;
		goto err_free;
	}

	ret = genl_connect(h->sock);
	if (ret < 0) {
		ret = ctrmap_nl_errno(ret);
		goto err_socket;
	}

	/*
	 * Errors carry the kernel's reason (NETLINK_EXT_ACK) and only the
	 * header of our request, not a copy of it (NETLINK_CAP_ACK). Both
	 * exist since Linux 4.12/4.3, below anything ctrmap supports.
	 */
	fd = nl_socket_get_fd(h->sock);
	if (setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one,
		       sizeof(one)) < 0 ||
	    setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one,
		       sizeof(one)) < 0) {
		ret = -errno;
		goto err_socket;
	}

	/*
	 * Resolving the family makes the kernel request_module() it, which
	 * loads ctrmap.ko through MODULE_ALIAS_GENL_FAMILY. libnl reports
	 * every failure of the lookup as "not found".
	 */
	ret = genl_ctrl_resolve(h->sock, family_name);
	if (ret < 0) {
		ret = -ENOENT;
		goto err_socket;
	}
	h->family = ret;

	*hp = h;
	return 0;

err_socket:
	nl_socket_free(h->sock);
err_free:
	free(h);
	return ret;
}

int ctrmap_open(struct ctrmap_handle **h)
{
	return ctrmap_nl_open(h, CTRMAP_GENL_NAME);
}

void ctrmap_close(struct ctrmap_handle *h)
{
	if (!h)
		return;
	nl_socket_free(h->sock);
	free(h->evbuf);
	free(h);
}

const char *ctrmap_errmsg(const struct ctrmap_handle *h)
{
	return h ? h->errmsg : "";
}

const char *ctrmap_errattr(const struct ctrmap_handle *h)
{
	return h && h->errattr[0] ? h->errattr : NULL;
}

int ctrmap_nl_join(struct ctrmap_handle *h, const char *group_name)
{
	int group, ret;

	if (h->monitoring)
		return -EBUSY;
	if (!h->evbuf) {
		h->evbuf = malloc(CTRMAP_EVBUF_SIZE);
		if (!h->evbuf)
			return -ENOMEM;
	}
	/* libnl reports every failure of the lookup as "not found". */
	group = genl_ctrl_resolve_grp(h->sock, h->family_name, group_name);
	if (group < 0)
		return -ENOENT;
	ret = nl_socket_add_membership(h->sock, group);
	if (ret < 0)
		return ctrmap_nl_errno(ret);
	h->monitoring = true;
	h->evlen = 0;
	h->evpos = 0;
	return 0;
}

int64_t ctrmap_nl_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int ctrmap_nl_walk(unsigned char *buf, size_t len, size_t *pos, int type,
		   struct nlmsghdr **nlhp)
{
	while (*pos < len) {
		struct nlmsghdr *nlh = (struct nlmsghdr *)(buf + *pos);
		size_t rest = len - *pos;

		/* Truncated or garbage: nothing after it can be trusted. */
		if (rest < NLMSG_HDRLEN || nlh->nlmsg_len < NLMSG_HDRLEN ||
		    nlh->nlmsg_len > rest) {
			*pos = len;
			return 0;
		}
		*pos += NLMSG_ALIGN(nlh->nlmsg_len) < rest ?
			NLMSG_ALIGN(nlh->nlmsg_len) : rest;
		if (nlh->nlmsg_type == type &&
		    nlh->nlmsg_len >= NLMSG_HDRLEN + GENL_HDRLEN) {
			*nlhp = nlh;
			return 1;
		}
	}
	return 0;
}

/*
 * Read one datagram into h->evbuf without waiting. Returns 1 if it holds
 * messages to look at, 0 if it was dropped, or -errno (-EAGAIN: none).
 */
static int recv_datagram(struct ctrmap_handle *h)
{
	struct sockaddr_nl from;
	struct iovec iov = {
		.iov_base = h->evbuf,
		.iov_len = CTRMAP_EVBUF_SIZE,
	};
	struct msghdr mh = {
		.msg_name = &from,
		.msg_namelen = sizeof(from),
		.msg_iov = &iov,
		.msg_iovlen = 1,
	};
	ssize_t n;

	h->evlen = 0;
	h->evpos = 0;
	n = recvmsg(nl_socket_get_fd(h->sock), &mh, MSG_DONTWAIT);
	if (n < 0)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	/*
	 * Only the peer (the kernel) speaks for the family: any process may
	 * send to our port. A datagram larger than the buffer is cut and
	 * its messages cannot be parsed.
	 */
	if (mh.msg_namelen != sizeof(from) ||
	    from.nl_pid != nl_socket_get_peer_port(h->sock) ||
	    (mh.msg_flags & MSG_TRUNC))
		return 0;
	h->evlen = (size_t)n;
	return 1;
}

int ctrmap_nl_next_msg(struct ctrmap_handle *h, int64_t deadline,
		       struct nlmsghdr **nlhp)
{
	struct pollfd pfd = {
		.fd = nl_socket_get_fd(h->sock),
		.events = POLLIN,
	};
	int ret;

	if (!h->monitoring)
		return -EINVAL;
	for (;;) {
		int64_t wait = -1;

		if (ctrmap_nl_walk(h->evbuf, h->evlen, &h->evpos, h->family,
				   nlhp))
			return 0;

		/* A datagram read (or dropped): look again. */
		ret = recv_datagram(h);
		if (ret >= 0)
			continue;
		if (ret != -EAGAIN)
			return ret;

		if (deadline >= 0) {
			wait = deadline - ctrmap_nl_now_ms();
			if (wait < 0)
				wait = 0;
			if (wait > INT_MAX)
				wait = INT_MAX;
		}
		ret = poll(&pfd, 1, (int)wait);
		if (ret < 0)
			return -errno;
		if (ret == 0)
			return -EAGAIN;
	}
}

struct act_req {
	ctrmap_nl_put_fn put;
	const void *put_arg;
};

static int put_act(struct nl_msg *msg, const void *arg)
{
	const struct act_req *a = arg;
	int ret = a->put(msg, a->put_arg);

	if (ret < 0)
		return ret;
	return nla_put_flag(msg, CTRMAP_A_REPLY) < 0 ? -EMSGSIZE : 0;
}

struct act_reply {
	uint8_t cmd;
	uint64_t *value;
	bool seen;
};

static int on_act_reply(struct nlmsghdr *nlh, void *arg)
{
	struct act_reply *r = arg;
	struct genlmsghdr *g = nlmsg_data(nlh);
	struct nlattr *value;

	/* A "do" command answers with exactly one message, of its own. */
	if (r->seen || !genlmsg_valid_hdr(nlh, 0) || g->cmd != r->cmd)
		return -EPROTO;
	r->seen = true;
	value = nlmsg_find_attr(nlh, GENL_HDRLEN, CTRMAP_A_VALUE);
	if (value && nla_len(value) != sizeof(uint64_t))
		return -EPROTO;
	if (value && r->value)
		*r->value = nla_get_u64(value);
	return 0;
}

int ctrmap_nl_act(struct ctrmap_handle *h, uint8_t cmd, ctrmap_nl_put_fn put,
		  const void *put_arg, uint64_t *value)
{
	struct act_req a = { .put = put, .put_arg = put_arg };
	struct act_reply r = { .cmd = cmd, .value = value };
	int ret;

	if (!h->no_reply_attr) {
		ret = ctrmap_nl_cmd(h, cmd, 0, put_act, &a, on_act_reply, &r);
		if (!ret && !r.seen)
			ret = -EPROTO;
		/* Strict validation names the attribute it does not know. */
		if (ret != -EINVAL || strcmp(h->errattr, "reply"))
			return ret;
		h->no_reply_attr = true;
	}
	return ctrmap_nl_cmd(h, cmd, NLM_F_ACK, put, put_arg, NULL, NULL);
}
