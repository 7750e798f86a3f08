/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libctrmap internals: the one place that talks netlink, and the parsers
 * behind the public calls. Not installed. In-tree test programs link
 * libctrmap-internal.a to reach these.
 */
#ifndef CTRMAP_INTERNAL_H
#define CTRMAP_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <netlink/msg.h>
#include <netlink/socket.h>

#include <ctrmap/ctrmap.h>

/* What the kernel said besides the errno (NLMSGERR_ATTR_*). */
struct ctrmap_extack {
	char msg[256];		/* NLMSGERR_ATTR_MSG, "" if absent */
	bool has_offs;
	uint32_t offs;		/* NLMSGERR_ATTR_OFFS: byte offset of the bad
				 * attribute from the start of the request */
	bool has_miss_type;
	uint32_t miss_type;	/* NLMSGERR_ATTR_MISS_TYPE: type of a missing
				 * required attribute */
	bool has_miss_nest;
	uint32_t miss_nest;	/* NLMSGERR_ATTR_MISS_NEST: offset of the nest
				 * it is missing from */
};

struct ctrmap_handle {
	struct nl_sock *sock;
	int family;			/* resolved generic netlink family id */
	char family_name[GENL_NAMSIZ];
	struct ctrmap_extack ext;	/* of the last call, as received */
	char errmsg[300];		/* what ctrmap_errmsg() returns */
	char errattr[64];		/* what ctrmap_errattr() returns, or "" */
	/* After ctrmap_nl_join(): the handle receives notifications only. */
	bool monitoring;
	/* The module refused CTRMAP_A_REPLY (0.1): DETACH & co. want ACKs. */
	bool no_reply_attr;
	unsigned char *evbuf;		/* the last datagram received */
	size_t evlen;			/* its length */
	size_t evpos;			/* the next message in it */
};

/* Size of the notification buffer: larger datagrams are dropped. */
#define CTRMAP_EVBUF_SIZE 16384

/*
 * Adds the request's attributes to msg. Returns 0 or -errno; a failing
 * nla_put*() means the message is full: return -EMSGSIZE.
 */
typedef int (*ctrmap_nl_put_fn)(struct nl_msg *msg, const void *arg);

/*
 * Called once per reply message of the request's family (each part of a
 * dump). Returns 0 or -errno; after an error the remaining replies are
 * read and dropped, and the request fails with that error.
 */
typedef int (*ctrmap_nl_reply_fn)(struct nlmsghdr *nlh, void *arg);

/*
 * Open a handle on the generic netlink family called family_name. This is
 * ctrmap_open() with the family as a parameter, so tests can exercise the
 * plumbing against a family the host kernel has ("nlctrl").
 */
int ctrmap_nl_open(struct ctrmap_handle **h, const char *family_name);

/*
 * Build a request: netlink header (type family, flags nlm_flags), generic
 * netlink header (cmd, CTRMAP_GENL_VERSION), then put's attributes. put may
 * be NULL. Needs no socket: port and sequence number are filled in when the
 * message is sent. On success *msgp is the message; free it with
 * nlmsg_free().
 */
int ctrmap_nl_build(int family, uint8_t cmd, int nlm_flags,
		    ctrmap_nl_put_fn put, const void *put_arg,
		    struct nl_msg **msgp);

/*
 * Send a request for cmd on h and wait for its answer, as nlm_flags say:
 * NLM_F_ACK, the ACK (for a command without a reply); NLM_F_DUMP, the end
 * of the dump; neither, the one reply, which reply must then take. An error
 * answers any of them. Commands with a reply (ATTACH, GET, STATS) are sent
 * without NLM_F_ACK: the kernel would acknowledge after the reply, when
 * ATTACH has created the region, and an ACK it fails to allocate would turn
 * that success into ENOBUFS on the socket. A reply it cannot send fails the
 * request, which ATTACH then undoes (module/genl.c).
 * Returns 0 or -errno: the kernel's errno, the first error reply returned,
 * -EAGAIN if a dump was interrupted by a concurrent change (its replies may
 * be inconsistent: retry), -EBUSY if h monitors (ctrmap_nl_join()), or a
 * socket error. Records the kernel's extended ACK in h->ext, and what
 * ctrmap_errmsg() and ctrmap_errattr() show, named after the request.
 */
int ctrmap_nl_cmd(struct ctrmap_handle *h, uint8_t cmd, int nlm_flags,
		  ctrmap_nl_put_fn put, const void *put_arg,
		  ctrmap_nl_reply_fn reply, void *reply_arg);

/*
 * A command that changes something and has no reply of its own (DETACH,
 * ADD, BIND, UNBIND): sent with CTRMAP_A_REPLY and without NLM_F_ACK, so
 * that its answer is a reply the module built before acting (an ACK comes
 * after the action and can be lost to an allocation failure, which would
 * report an action that took effect as failed). A module that refuses the
 * attribute as unknown (0.1) is asked again with NLM_F_ACK, and so is
 * every later request on h. *value: the reply's CTRMAP_A_VALUE, if any and
 * if value is not NULL. Returns as ctrmap_nl_cmd().
 */
int ctrmap_nl_act(struct ctrmap_handle *h, uint8_t cmd, ctrmap_nl_put_fn put,
		  const void *put_arg, uint64_t *value);

/*
 * Parse an NLMSG_ERROR message: nlh points to len readable bytes. Fills ext
 * (zeroed first) and returns the error it carries: 0 for an ACK, -errno for
 * an error, -EBADMSG if the message is too short or its errno is not one.
 * Malformed extended ACK attributes are skipped, never read out of bounds.
 */
int ctrmap_nl_parse_error(const struct nlmsghdr *nlh, size_t len,
			  struct ctrmap_extack *ext);

/*
 * Parse an NLMSG_DONE message the same way: a dump that failed part-way
 * ends with NLMSG_DONE carrying -errno and, possibly, an extended ACK.
 */
int ctrmap_nl_parse_done(const struct nlmsghdr *nlh, size_t len,
			 struct ctrmap_extack *ext);

/* libnl's NLE_* code (positive or negative) as a negative errno. */
int ctrmap_nl_errno(int nlerr);

/*
 * Join multicast group group_name of h's family. From then on h receives
 * notifications (ctrmap_nl_next_msg()) and refuses requests with -EBUSY.
 * -ENOENT if the family has no such group.
 */
int ctrmap_nl_join(struct ctrmap_handle *h, const char *group_name);

/*
 * The next message of h's family that h's peer (the kernel) sent, from
 * the datagram already received or from the socket. Waits until deadline
 * (CLOCK_MONOTONIC, in ms; negative: for ever). *nlhp points into h's
 * buffer and is valid until the next call on h; the message is at least
 * a netlink and a generic netlink header long. Returns 0, -EAGAIN at the
 * deadline, -EINTR, -ENOBUFS (events were lost), or a socket error.
 */
int ctrmap_nl_next_msg(struct ctrmap_handle *h, int64_t deadline,
		       struct nlmsghdr **nlhp);

/* Now on CLOCK_MONOTONIC in ms, for ctrmap_nl_next_msg()'s deadline. */
int64_t ctrmap_nl_now_ms(void);

/*
 * The next message of type type in the datagram [buf, buf + len), from
 * byte *pos on; other types (NLMSG_NOOP, NLMSG_ERROR...) and messages too
 * short for a generic netlink header are skipped. Advances *pos past it.
 * Returns 1 with *nlhp set, or 0 when the datagram holds no more (a
 * malformed rest is dropped).
 */
int ctrmap_nl_walk(unsigned char *buf, size_t len, size_t *pos, int type,
		   struct nlmsghdr **nlhp);

/*
 * Names of ctrmap's attributes in a request req, as ctrmap_errattr() shows
 * them. ctrmap_attr_at: the attribute that starts at, or contains, byte
 * offs of req (the innermost one known). ctrmap_attr_missing: the missing
 * attribute ext reports, inside the nest at ext->miss_nest if given. Both
 * write a NUL-terminated path to buf ("source.period_ns"; unknown types
 * by number) and return 0, or -ENOENT if there is nothing to name.
 */
int ctrmap_attr_at(const struct nlmsghdr *req, uint32_t offs, char *buf,
		   size_t size);
int ctrmap_attr_missing(const struct nlmsghdr *req,
			const struct ctrmap_extack *ext, char *buf,
			size_t size);

/*
 * Structs that grow (see ctrmap.h). The size of each one's first version
 * (0.1): a caller's sz below it is -EINVAL.
 */
#define ctrmap_offsetofend(type, field) \
	(offsetof(type, field) + sizeof(((type *)0)->field))
#define CTRMAP_STATS_SZ0 ctrmap_offsetofend(struct ctrmap_stats, \
					    user_memlock_limit)
#define CTRMAP_ATTACH_REPLY_SZ0 ctrmap_offsetofend(struct ctrmap_attach_reply, \
						   npages)
#define CTRMAP_SOURCE_SZ0 ctrmap_offsetofend(struct ctrmap_source, irq)
#define CTRMAP_EVENT_SZ0 ctrmap_offsetofend(struct ctrmap_event, reason)
#define CTRMAP_ATTACH_OPTS_SZ0 ctrmap_offsetofend(struct ctrmap_attach_opts, \
						  name)

/*
 * The library's full struct src (lib bytes) into the caller's dst, whose
 * own sz says how long it is: its first sz bytes, the rest of a longer one
 * zeroed, dst's sz kept. -EINVAL if dst is NULL or its sz below min.
 */
int ctrmap_sz_out(void *dst, const void *src, size_t min, size_t lib);

/* Zero the caller's struct dst after its sz; -EINVAL as above. */
int ctrmap_sz_zero(void *dst, size_t min);

/*
 * The caller's struct src into the library's full one, dst (lib bytes):
 * what the caller did not have is 0, and dst's sz is lib. -EINVAL if src
 * is NULL, its sz below min, or a byte past lib not 0.
 */
int ctrmap_sz_in(void *dst, const void *src, size_t min, size_t lib);

/* Parse a CTRMAP_CMD_STATS reply. -EPROTO if it is malformed. */
int ctrmap_parse_stats(struct nlmsghdr *nlh, struct ctrmap_stats *st);

/* Parse a CTRMAP_CMD_ATTACH reply. -EPROTO if it is malformed. */
int ctrmap_parse_attach(struct nlmsghdr *nlh, struct ctrmap_attach_reply *out);

/*
 * A parsed CTRMAP_CMD_GET reply: info, whose bindings and pages point to
 * the arrays here. Free them with ctrmap_region_free().
 */
struct ctrmap_region_buf {
	struct ctrmap_region_info info;
	struct ctrmap_binding_info *bindings;
	struct ctrmap_source *sources;	/* bindings[i]'s is sources[i] */
	struct ctrmap_page_info *pages;
	/* What info's arrays point to, made by ctrmap_region_finish(). */
	const struct ctrmap_binding_info **binding_ptrs;
	const struct ctrmap_page_info **page_ptrs;
	uint32_t first_page;	/* CTRMAP_A_FIRST_PAGE: pages[0]'s index */
	struct ctrmap_name_info *names;	/* CTRMAP_A_COUNTERS */
	const struct ctrmap_name_info **name_ptrs;
	uint64_t *values;	/* CTRMAP_A_VALUES, copied out */
	uint32_t first_index;	/* CTRMAP_A_FIRST_INDEX: values[0]'s index */
};

/*
 * The values of a GET reply: CTRMAP_A_FIRST_INDEX and CTRMAP_A_VALUES into
 * *first, *n and a pointer to the unaligned array in the message. 0 (*n
 * 0 if there are none), or -EPROTO if malformed: a length that is not a
 * multiple of 8, one attribute without the other.
 */
int ctrmap_parse_values(struct nlattr **tb, uint32_t *first, uint32_t *n,
			const void **data);

/*
 * A dump's next message about the same region (it did not fit one):
 * append its bindings, pages and values to r. -EPROTO if the pages or the
 * values do not go on where r's stopped, -ENOMEM. more is freed either
 * way.
 */
int ctrmap_region_merge(struct ctrmap_region_buf *r,
			struct ctrmap_region_buf *more);

/*
 * Parse one region of a CTRMAP_CMD_GET reply. -EPROTO if it is malformed,
 * -ENOMEM. On failure nothing is left to free.
 */
int ctrmap_parse_region(struct nlmsghdr *nlh, struct ctrmap_region_buf *r);
void ctrmap_region_free(struct ctrmap_region_buf *r);

/* Point r->info's arrays at r's bindings, sources and pages. */
int ctrmap_region_finish(struct ctrmap_region_buf *r);

/*
 * Parse a notification into ev: 0, -ENOENT for a command this library does
 * not know (to be skipped), -EPROTO if it is malformed.
 */
int ctrmap_parse_event(struct nlmsghdr *nlh, struct ctrmap_event *ev);

#endif /* CTRMAP_INTERNAL_H */
