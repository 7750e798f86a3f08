// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Parsing the kernel's NLMSG_ERROR and NLMSG_DONE messages and their
 * extended ACK TLVs, from hand-built bytes: capped and uncapped requests,
 * absent and malformed TLVs, truncation, garbage. Every message is parsed
 * from a heap copy of exactly its length, so valgrind sees any over-read.
 */
#include <errno.h>
#include <stdlib.h>

#include <netlink/errno.h>

#include "internal.h"
#include "tap.h"

struct buf {
	_Alignas(8) unsigned char data[2048];
	size_t len;
};

static void put(struct buf *b, const void *p, size_t n)
{
	memcpy(b->data + b->len, p, n);
	b->len += n;
}

static void pad(struct buf *b)
{
	while (b->len % 4)
		b->data[b->len++] = 0;
}

static void put_tlv(struct buf *b, uint16_t type, const void *p, size_t n)
{
	struct nlattr nla = { .nla_len = NLA_HDRLEN + n, .nla_type = type };

	put(b, &nla, sizeof(nla));
	put(b, p, n);
	pad(b);
}

static void put_u32_tlv(struct buf *b, uint16_t type, uint32_t v)
{
	put_tlv(b, type, &v, sizeof(v));
}

/*
 * The request the errors below answer: 30 bytes, so its end is not
 * aligned. Its one attribute has type 1 = NLMSGERR_ATTR_MSG and says
 * "WRONG": a parser that reads TLVs from the echoed request shows it.
 */
static void put_request(struct buf *b)
{
	struct nlmsghdr h = {
		.nlmsg_len = 30, .nlmsg_type = 0x1c,
		.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK, .nlmsg_seq = 7,
	};
	unsigned char genl[4] = { 7, 1, 0, 0 };

	put(b, &h, sizeof(h));
	put(b, genl, sizeof(genl));
	put_tlv(b, NLMSGERR_ATTR_MSG, "WRONG", 6);
}

/* Start an NLMSG_ERROR; with !capped the whole request is echoed. */
static void start_error(struct buf *b, int error, uint16_t flags, bool capped)
{
	struct nlmsghdr h = {
		.nlmsg_type = NLMSG_ERROR,
		.nlmsg_flags = flags | (capped ? NLM_F_CAPPED : 0),
		.nlmsg_seq = 7,
	};
	int err = error;

	b->len = 0;
	put(b, &h, sizeof(h));
	put(b, &err, sizeof(err));
	if (capped) {
		struct buf req = { .len = 0 };

		put_request(&req);
		put(b, req.data, sizeof(struct nlmsghdr));
	} else {
		put_request(b);
	}
	pad(b);
}

static void finish(struct buf *b)
{
	struct nlmsghdr h;

	memcpy(&h, b->data, sizeof(h));
	h.nlmsg_len = (uint32_t)b->len;
	memcpy(b->data, &h, sizeof(h));
}

/* Parse the first len bytes of b from a heap copy of exactly len bytes. */
static int parse_error(const struct buf *b, size_t len,
		       struct ctrmap_extack *ext)
{
	void *copy = malloc(len ? len : 1);
	int ret;

	memcpy(copy, b->data, len);
	ret = ctrmap_nl_parse_error(copy, len, ext);
	free(copy);
	return ret;
}

static int parse_done(const struct buf *b, size_t len,
		      struct ctrmap_extack *ext)
{
	void *copy = malloc(len ? len : 1);
	int ret;

	memcpy(copy, b->data, len);
	ret = ctrmap_nl_parse_done(copy, len, ext);
	free(copy);
	return ret;
}

static void test_capped(void)
{
	struct ctrmap_extack ext;
	struct buf b;

	start_error(&b, -EINVAL, NLM_F_ACK_TLVS, true);
	put_tlv(&b, NLMSGERR_ATTR_MSG, "region id out of range", 23);
	put_u32_tlv(&b, NLMSGERR_ATTR_OFFS, 20);
	finish(&b);
	is_int(parse_error(&b, b.len, &ext), -EINVAL, "capped: errno");
	is_str(ext.msg, "region id out of range", "capped: message");
	ok(ext.has_offs && ext.offs == 20, "capped: offset");
	ok(!ext.has_miss_type && !ext.has_miss_nest, "capped: nothing else");
}

static void test_uncapped(void)
{
	struct ctrmap_extack ext;
	struct buf b;

	start_error(&b, -EPERM, NLM_F_ACK_TLVS, false);
	put_tlv(&b, NLMSGERR_ATTR_MSG, "not allowed", 12);
	finish(&b);
	is_int(parse_error(&b, b.len, &ext), -EPERM, "uncapped: errno");
	is_str(ext.msg, "not allowed",
	       "uncapped: TLVs found after the echoed, padded request");
	ok(!ext.has_offs, "uncapped: no offset");
}

static void test_no_tlvs(void)
{
	struct ctrmap_extack ext;
	struct buf b;

	start_error(&b, -ENOENT, 0, true);
	finish(&b);
	is_int(parse_error(&b, b.len, &ext), -ENOENT, "no TLVs: errno");
	is_str(ext.msg, "", "no TLVs: empty message");

	/* TLV bytes without NLM_F_ACK_TLVS are not extended ACK. */
	start_error(&b, -ENOENT, 0, true);
	put_tlv(&b, NLMSGERR_ATTR_MSG, "stray", 6);
	finish(&b);
	is_int(parse_error(&b, b.len, &ext), -ENOENT,
	       "no NLM_F_ACK_TLVS: errno");
	is_str(ext.msg, "", "no NLM_F_ACK_TLVS: TLVs ignored");

	/* The flag, but no TLVs (uncapped: the request ends the message). */
	start_error(&b, -EBUSY, NLM_F_ACK_TLVS, false);
	finish(&b);
	is_int(parse_error(&b, b.len, &ext), -EBUSY,
	       "flag without TLVs: errno");
	is_str(ext.msg, "", "flag without TLVs: no message");
}

static void test_ack(void)
{
	struct ctrmap_extack ext;
	struct buf b;

	start_error(&b, 0, 0, true);
	finish(&b);
	is_int(parse_error(&b, b.len, &ext), 0, "ACK: error 0");
}

static void test_missing_attr(void)
{
	struct ctrmap_extack ext;
	struct buf b;

	start_error(&b, -EINVAL, NLM_F_ACK_TLVS, true);
	put_u32_tlv(&b, NLMSGERR_ATTR_MISS_TYPE, CTRMAP_A_REGION_ID);
	put_u32_tlv(&b, NLMSGERR_ATTR_MISS_NEST, 36);
	put_u32_tlv(&b, NLMSGERR_ATTR_POLICY, 0);	/* skipped */
	put_u32_tlv(&b, 200, 1);			/* unknown: skipped */
	finish(&b);
	is_int(parse_error(&b, b.len, &ext), -EINVAL, "missing attr: errno");
	ok(ext.has_miss_type && ext.miss_type == CTRMAP_A_REGION_ID,
	   "missing attr: type");
	ok(ext.has_miss_nest && ext.miss_nest == 36, "missing attr: nest");
	is_str(ext.msg, "", "missing attr: no message");
}

static void test_bad_tlvs(void)
{
	char long_msg[400];
	struct ctrmap_extack ext;
	struct buf b;
	uint16_t two = 2;
	uint64_t eight = 8;

	/* Not NUL-terminated: the copy stops at the attribute's end. */
	start_error(&b, -EINVAL, NLM_F_ACK_TLVS, true);
	put_tlv(&b, NLMSGERR_ATTR_MSG, "abcdefg", 7);
	finish(&b);
	parse_error(&b, b.len, &ext);
	is_str(ext.msg, "abcdefg", "unterminated message is bounded");

	/* Longer than the buffer: cut, still terminated. */
	memset(long_msg, 'x', sizeof(long_msg) - 1);
	long_msg[sizeof(long_msg) - 1] = '\0';
	start_error(&b, -EINVAL, NLM_F_ACK_TLVS, true);
	put_tlv(&b, NLMSGERR_ATTR_MSG, long_msg, sizeof(long_msg));
	finish(&b);
	parse_error(&b, b.len, &ext);
	is_int(strlen(ext.msg), sizeof(ext.msg) - 1, "long message is cut");

	/* u32 attributes of the wrong size are ignored. */
	start_error(&b, -EINVAL, NLM_F_ACK_TLVS, true);
	put_tlv(&b, NLMSGERR_ATTR_OFFS, &two, sizeof(two));
	put_tlv(&b, NLMSGERR_ATTR_MISS_TYPE, &eight, sizeof(eight));
	finish(&b);
	is_int(parse_error(&b, b.len, &ext), -EINVAL, "bad sizes: errno kept");
	ok(!ext.has_offs && !ext.has_miss_type, "bad sizes: ignored");

	/* An attribute longer than what is left stops the walk. */
	start_error(&b, -EINVAL, NLM_F_ACK_TLVS, true);
	put_tlv(&b, NLMSGERR_ATTR_MSG, "first", 6);
	{
		struct nlattr nla = { .nla_len = 200,
				      .nla_type = NLMSGERR_ATTR_OFFS };

		put(&b, &nla, sizeof(nla));
		put(&b, "\1\0\0\0", 4);
	}
	finish(&b);
	is_int(parse_error(&b, b.len, &ext), -EINVAL, "overlong TLV: errno");
	is_str(ext.msg, "first", "overlong TLV: earlier TLVs kept");
	ok(!ext.has_offs, "overlong TLV: not read");

	/* nla_len 0 would loop forever if accepted. */
	start_error(&b, -EINVAL, NLM_F_ACK_TLVS, true);
	put(&b, "\0\0\1\0\0\0\0\0", 8);
	finish(&b);
	is_int(parse_error(&b, b.len, &ext), -EINVAL, "zero-length TLV: stops");

	/* TLVs past nlmsg_len belong to the next message: not read. */
	start_error(&b, -EINVAL, NLM_F_ACK_TLVS, true);
	finish(&b);
	put_tlv(&b, NLMSGERR_ATTR_MSG, "next message", 13);
	parse_error(&b, b.len, &ext);
	is_str(ext.msg, "", "bytes past nlmsg_len are not read");
}

static void test_bad_echo(void)
{
	struct ctrmap_extack ext;
	struct nlmsgerr e;
	struct buf b;

	/* Uncapped, but the echoed header claims more than there is. */
	start_error(&b, -EINVAL, NLM_F_ACK_TLVS, false);
	put_tlv(&b, NLMSGERR_ATTR_MSG, "hidden", 7);
	finish(&b);
	memcpy(&e, b.data + NLMSG_HDRLEN, sizeof(e));
	e.msg.nlmsg_len = 0xffffffff;
	memcpy(b.data + NLMSG_HDRLEN, &e, sizeof(e));
	is_int(parse_error(&b, b.len, &ext), -EINVAL,
	       "huge echoed length: errno");
	is_str(ext.msg, "", "huge echoed length: no TLVs");

	e.msg.nlmsg_len = 3;	/* shorter than a header */
	memcpy(b.data + NLMSG_HDRLEN, &e, sizeof(e));
	is_int(parse_error(&b, b.len, &ext), -EINVAL,
	       "tiny echoed length: errno");
	is_str(ext.msg, "", "tiny echoed length: no TLVs");
}

static void test_truncated(void)
{
	struct ctrmap_extack ext;
	struct buf b;
	bool all_ok = true;

	start_error(&b, -EINVAL, NLM_F_ACK_TLVS, true);
	put_tlv(&b, NLMSGERR_ATTR_MSG, "truncated", 10);
	finish(&b);
	is_int(parse_error(&b, 0, &ext), -EBADMSG, "empty buffer");
	is_int(parse_error(&b, NLMSG_HDRLEN - 1, &ext), -EBADMSG,
	       "shorter than a header");
	is_int(parse_error(&b, NLMSG_HDRLEN + sizeof(struct nlmsgerr) - 1,
			   &ext),
	       -EBADMSG, "shorter than struct nlmsgerr");
	/* Every cut inside the TLVs keeps the errno and stays in bounds. */
	for (size_t len = NLMSG_HDRLEN + sizeof(struct nlmsgerr); len < b.len;
	     len++)
		if (parse_error(&b, len, &ext) != -EINVAL ||
		    strlen(ext.msg) >= sizeof(ext.msg))
			all_ok = false;
	ok(all_ok, "every cut inside the TLVs is handled");

	/* An errno that is not one. */
	start_error(&b, 5, 0, true);
	finish(&b);
	is_int(parse_error(&b, b.len, &ext), -EBADMSG, "positive error");
	start_error(&b, -100000, 0, true);
	finish(&b);
	is_int(parse_error(&b, b.len, &ext), -EBADMSG, "error below -4095");
}

/* xorshift: reproducible garbage without global state in libc's rand(). */
static uint32_t next_random(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static void test_garbage(void)
{
	uint32_t seed = 0x5eed1234;
	int bad = 0;

	for (int i = 0; i < 20000; i++) {
		struct ctrmap_extack ext;
		struct buf b;
		size_t len;
		int ret;

		if (i % 2) {
			/* a valid message with a few bytes flipped */
			start_error(&b, -EINVAL, NLM_F_ACK_TLVS, i % 4 == 1);
			put_tlv(&b, NLMSGERR_ATTR_MSG, "garbage", 8);
			put_u32_tlv(&b, NLMSGERR_ATTR_OFFS, 20);
			finish(&b);
			for (int n = next_random(&seed) % 4; n >= 0; n--)
				b.data[next_random(&seed) % b.len] =
					(unsigned char)next_random(&seed);
			len = b.len;
		} else {
			/* random bytes with a plausible header */
			struct nlmsghdr h;

			len = next_random(&seed) % 160;
			for (size_t k = 0; k < len; k++)
				b.data[k] = (unsigned char)next_random(&seed);
			if (len >= sizeof(h)) {
				memcpy(&h, b.data, sizeof(h));
				h.nlmsg_len = next_random(&seed) % 2 ?
					      len : next_random(&seed) % 200;
				h.nlmsg_flags = next_random(&seed) %
						(2 * NLM_F_ACK_TLVS);
				memcpy(b.data, &h, sizeof(h));
			}
		}
		ret = parse_error(&b, len, &ext);
		if (ret > 0 || ret < -4095 ||
		    strnlen(ext.msg, sizeof(ext.msg)) >= sizeof(ext.msg))
			bad++;
		ret = parse_done(&b, len, &ext);
		if (ret > 0 || ret < -4095 ||
		    strnlen(ext.msg, sizeof(ext.msg)) >= sizeof(ext.msg))
			bad++;
	}
	is_int(bad, 0, "20000 garbage messages: no crash, sane results");
}

static void start_done(struct buf *b, int error, uint16_t flags)
{
	struct nlmsghdr h = {
		.nlmsg_type = NLMSG_DONE,
		.nlmsg_flags = NLM_F_MULTI | flags,
	};

	b->len = 0;
	put(b, &h, sizeof(h));
	put(b, &error, sizeof(error));
}

static void test_done(void)
{
	struct ctrmap_extack ext;
	struct buf b;

	start_done(&b, 0, 0);
	finish(&b);
	is_int(parse_done(&b, b.len, &ext), 0, "DONE: end of dump");

	start_done(&b, -ESRCH, NLM_F_ACK_TLVS);
	put_tlv(&b, NLMSGERR_ATTR_MSG, "no such process", 16);
	finish(&b);
	is_int(parse_done(&b, b.len, &ext), -ESRCH, "DONE with error: errno");
	is_str(ext.msg, "no such process", "DONE with error: message");

	start_done(&b, -ESRCH, 0);
	finish(&b);
	b.len = NLMSG_HDRLEN;
	finish(&b);
	is_int(parse_done(&b, b.len, &ext), 0, "bare DONE: end of dump");
	is_int(parse_done(&b, 3, &ext), -EBADMSG, "DONE shorter than header");
}

static void test_nlerr(void)
{
	is_int(ctrmap_nl_errno(0), 0, "NLE_SUCCESS -> 0");
	is_int(ctrmap_nl_errno(-NLE_NOMEM), -ENOMEM, "NLE_NOMEM -> -ENOMEM");
	is_int(ctrmap_nl_errno(NLE_PERM), -EPERM, "positive NLE_PERM");
	is_int(ctrmap_nl_errno(-NLE_OBJ_NOTFOUND), -ENOENT,
	       "NLE_OBJ_NOTFOUND -> -ENOENT");
	is_int(ctrmap_nl_errno(-NLE_DUMP_INTR), -EAGAIN,
	       "interrupted dump -> -EAGAIN");
	is_int(ctrmap_nl_errno(-NLE_SEQ_MISMATCH), -EPROTO,
	       "sequence mismatch -> -EPROTO");
	is_int(ctrmap_nl_errno(-12345), -EIO, "unknown -> -EIO");
}

int main(void)
{
	test_capped();
	test_uncapped();
	test_no_tlvs();
	test_ack();
	test_missing_attr();
	test_bad_tlvs();
	test_bad_echo();
	test_truncated();
	test_garbage();
	test_done();
	test_nlerr();
	return done_testing();
}
