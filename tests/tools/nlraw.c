// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nlraw: send one raw request to the ctrmap family and show how the kernel
 * answered. The test suite uses it to send what counterctl never would:
 * unknown commands, wrong attribute types and lengths, missing attributes.
 *
 *   nlraw [--dump | --no-ack] [--family NAME] [--fail-nth N] CMD [TYPE:KIND[:VALUE]...]
 *
 * CMD is the generic netlink command number. Each attribute is TYPE:u8:N,
 * TYPE:u16:N, TYPE:u32:N, TYPE:u64:N (decimal or 0x hex), TYPE:str:TEXT
 * (NUL-terminated), TYPE:flag (no payload) or TYPE:hex:BYTES (raw payload,
 * e.g. DEADBEEF). The request asks for an ACK; --dump sends a dump instead,
 * which the end of the dump answers; --no-ack sends it as libctrmap sends a
 * command with a reply (ATTACH, GET, STATS), answered by the reply alone
 * (on a command without one, a success would then never be answered).
 * --family talks to another family (e.g. nlctrl, to check this tool on a
 * host without ctrmap).
 *
 * --fail-nth N makes the Nth fault-injection site the request reaches in the
 * kernel fail (slab or page allocation, see fault-injection.rst's fail-nth):
 * it is armed in /proc/thread-self/fail-nth for the sendmsg() alone, which is
 * where the kernel runs the whole request, and disarmed before the answer is
 * read. It first prints "injected=0|1 sockerr=0|1": whether the fault was
 * injected, and whether the socket then had an error pending (an answer the
 * kernel could not queue, which the receive then reports).
 *
 * A reply carrying a region id prints "reply id=N".
 * On success prints "ok" and exits 0. On failure prints errno=N (text),
 * msg=MESSAGE (empty if none), then offs=N, miss_type=N, miss_nest=N for
 * those the kernel sent, and exits 1. Usage errors exit 2.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/attr.h>
#include <netlink/errno.h>
#include <netlink/genl/genl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "internal.h"

struct raw_attr {
	uint16_t type;
	size_t len;
	const void *data;	/* len bytes: into value, argv or hexbuf */
	union {			/* integers, in host order like nla_put_u* */
		uint8_t u8;
		uint16_t u16;
		uint32_t u32;
		uint64_t u64;
	} value;
	unsigned char *hexbuf;	/* TYPE:hex, allocated */
};

struct raw_request {
	size_t nattrs;
	struct raw_attr *attrs;
};

static int usage(void)
{
	fputs("Usage: nlraw [--dump | --no-ack] [--family NAME] [--fail-nth N] CMD [TYPE:KIND[:VALUE]...]\n"
	      "KIND: u8 u16 u32 u64 str flag hex\n", stderr);
	return 2;
}

/* A whole unsigned number, decimal or 0x hex, at most max. */
static int parse_uint(const char *s, uint64_t max, uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (!*s || *s == '-' || *s == '+' || *s == ' ')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int parse_hex(const char *s, struct raw_attr *a)
{
	size_t n = strlen(s);

	if (n % 2)
		return -EINVAL;
	a->hexbuf = malloc(n / 2 + 1);	/* + 1: malloc(0) may be NULL */
	if (!a->hexbuf)
		return -ENOMEM;
	for (size_t i = 0; i < n / 2; i++) {
		int hi = hex_digit(s[2 * i]), lo = hex_digit(s[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -EINVAL;
		a->hexbuf[i] = (unsigned char)(hi << 4 | lo);
	}
	a->len = n / 2;
	a->data = a->hexbuf;
	return 0;
}

/* Copy [start, end) into field as a string; false if it does not fit. */
static bool copy_field(char *field, size_t size, const char *start,
		       const char *end)
{
	size_t len = (size_t)(end - start);

	if (len >= size)
		return false;
	memcpy(field, start, len);
	field[len] = '\0';
	return true;
}

/* TYPE:KIND[:VALUE] into a; arg must outlive a (str points into it). */
static int parse_attr(const char *arg, struct raw_attr *a)
{
	static const struct {
		const char *name;
		size_t size;
	} ints[] = {
		{ "u8", 1 }, { "u16", 2 }, { "u32", 4 }, { "u64", 8 },
	};
	char type_str[16], kind[8];
	const char *kind_start, *value;
	uint64_t type;

	kind_start = strchr(arg, ':');
	if (!kind_start ||
	    !copy_field(type_str, sizeof(type_str), arg, kind_start) ||
	    parse_uint(type_str, UINT16_MAX, &type))
		return -EINVAL;
	a->type = (uint16_t)type;
	kind_start++;

	value = strchr(kind_start, ':');	/* NULL: no VALUE field */
	if (!copy_field(kind, sizeof(kind), kind_start,
			value ? value : kind_start + strlen(kind_start)))
		return -EINVAL;
	if (value)
		value++;

	if (!strcmp(kind, "flag")) {
		if (value)
			return -EINVAL;
		a->len = 0;
		a->data = NULL;
		return 0;
	}
	if (!value)
		return -EINVAL;
	if (!strcmp(kind, "str")) {
		a->len = strlen(value) + 1;
		a->data = value;
		return 0;
	}
	if (!strcmp(kind, "hex"))
		return parse_hex(value, a);

	for (size_t i = 0; i < sizeof(ints) / sizeof(ints[0]); i++) {
		uint64_t max = ints[i].size == 8 ? UINT64_MAX :
			       (UINT64_C(1) << (8 * ints[i].size)) - 1;
		uint64_t v;

		if (strcmp(kind, ints[i].name))
			continue;
		if (parse_uint(value, max, &v))
			return -EINVAL;
		switch (ints[i].size) {
		case 1:
			a->value.u8 = (uint8_t)v;
			break;
		case 2:
			a->value.u16 = (uint16_t)v;
			break;
		case 4:
			a->value.u32 = (uint32_t)v;
			break;
		default:
			a->value.u64 = v;
			break;
		}
		a->len = ints[i].size;
		a->data = &a->value;
		return 0;
	}
	return -EINVAL;
}

static int put_attrs(struct nl_msg *msg, const void *arg)
{
	const struct raw_request *req = arg;

	for (size_t i = 0; i < req->nattrs; i++) {
		const struct raw_attr *a = &req->attrs[i];

		if (nla_put(msg, a->type, (int)a->len, a->data) < 0)
			return -EMSGSIZE;
	}
	return 0;
}

/* --fail-nth: the file that arms it, and which fault to inject. */
static int fail_fd = -1;
static unsigned int fail_nth;

/*
 * Sends a completed request as libnl would, with the fault armed around the
 * sendmsg() alone: nothing else the tool does in between may use it up.
 */
static int send_armed(struct nl_sock *sk, struct nl_msg *msg)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct pollfd pfd = { .fd = nl_socket_get_fd(sk) };
	char buf[16];
	ssize_t n, m;
	int len, err;

	len = snprintf(buf, sizeof(buf), "%u", fail_nth);
	if (pwrite(fail_fd, buf, (size_t)len, 0) != len) {
		perror("nlraw: arming fail-nth");
		exit(1);
	}
	n = sendto(pfd.fd, nlh, nlh->nlmsg_len, 0, (struct sockaddr *)&kernel,
		   sizeof(kernel));
	err = errno;
	/* What is left of the count: 0 once the fault was injected. */
	m = pread(fail_fd, buf, sizeof(buf) - 1, 0);
	if (m <= 0 || pwrite(fail_fd, "0", 1, 0) != 1) {
		perror("nlraw: disarming fail-nth");
		exit(1);
	}
	buf[m] = '\0';
	(void)poll(&pfd, 1, 0);
	printf("injected=%d sockerr=%d\n", atoi(buf) == 0,
	       !!(pfd.revents & POLLERR));
	fflush(stdout);
	return n < 0 ? -nl_syserr2nlerr(err) : (int)n;
}

/* Replies: the region id, if there is one (ATTACH's). */
static int on_reply(struct nlmsghdr *nlh, void *arg)
{
	struct genlmsghdr *g = nlmsg_data(nlh);
	struct nlattr *a;
	int rem;

	(void)arg;
	nla_for_each_attr(a, genlmsg_attrdata(g, 0), genlmsg_attrlen(g, 0), rem)
		if (nla_type(a) == CTRMAP_A_REGION_ID && nla_len(a) == 4) {
			printf("reply id=%" PRIu32 "\n", nla_get_u32(a));
			return 0;
		}
	return 0;
}

static void report(const struct ctrmap_handle *h, int err)
{
	printf("errno=%d (%s)\n", -err, strerror(-err));
	printf("msg=%s\n", h ? h->ext.msg : "");
	if (!h)
		return;
	if (h->ext.has_offs)
		printf("offs=%" PRIu32 "\n", h->ext.offs);
	if (h->ext.has_miss_type)
		printf("miss_type=%" PRIu32 "\n", h->ext.miss_type);
	if (h->ext.has_miss_nest)
		printf("miss_nest=%" PRIu32 "\n", h->ext.miss_nest);
}

/* Route the request through send_armed(). */
static int arm(struct ctrmap_handle *h)
{
	struct nl_cb *cb;

	fail_fd = open("/proc/thread-self/fail-nth", O_RDWR);
	if (fail_fd < 0) {
		perror("nlraw: /proc/thread-self/fail-nth (needs CONFIG_FAULT_INJECTION)");
		exit(1);
	}
	cb = nl_socket_get_cb(h->sock);
	if (!cb)
		return -ENOMEM;
	nl_cb_overwrite_send(cb, send_armed);
	nl_cb_put(cb);
	return 0;
}

int main(int argc, char **argv)
{
	const char *family = CTRMAP_GENL_NAME;
	struct raw_request req = { 0 };
	struct ctrmap_handle *h = NULL;
	int flags = NLM_F_ACK, status = 1, err;
	uint64_t cmd, nth;
	int i = 1;

	for (; i < argc && !strncmp(argv[i], "--", 2); i++) {
		if (!strcmp(argv[i], "--dump") && flags == NLM_F_ACK)
			flags = NLM_F_DUMP;
		else if (!strcmp(argv[i], "--no-ack") && flags == NLM_F_ACK)
			flags = 0;
		else if (!strcmp(argv[i], "--family") && i + 1 < argc)
			family = argv[++i];
		else if (!strcmp(argv[i], "--fail-nth") && i + 1 < argc &&
			 !parse_uint(argv[++i], UINT32_MAX, &nth) && nth)
			fail_nth = (unsigned int)nth;
		else
			return usage();
	}
	if (i >= argc || parse_uint(argv[i], UINT8_MAX, &cmd))
		return usage();
	i++;

	req.attrs = calloc(argc - i + 1, sizeof(*req.attrs));
	if (!req.attrs) {
		perror("nlraw");
		return 1;
	}
	for (; i < argc; i++) {
		err = parse_attr(argv[i], &req.attrs[req.nattrs++]);
		if (err == -ENOMEM) {
			perror("nlraw");
			goto out;
		}
		if (err) {
			fprintf(stderr, "nlraw: bad attribute '%s'\n", argv[i]);
			status = usage();
			goto out;
		}
	}

	err = ctrmap_nl_open(&h, family);
	if (err)
		fprintf(stderr, "nlraw: cannot open generic netlink family %s\n",
			family);
	else if (fail_nth && (err = arm(h)))
		;
	else
		err = ctrmap_nl_cmd(h, (uint8_t)cmd, flags, put_attrs, &req,
				    on_reply, NULL);
	if (err) {
		report(h, err);
		goto out;
	}
	printf("ok\n");
	status = 0;
out:
	ctrmap_close(h);
	for (size_t n = 0; n < req.nattrs; n++)
		free(req.attrs[n].hexbuf);
	free(req.attrs);
	return status;
}
