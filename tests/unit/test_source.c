// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The text form of a source: ctrmap_source_parse() on good and bad input,
 * ctrmap_source_format() and the round trip; a struct ctrmap_source of an
 * older or newer size; the names of states; and the library's version.
 */
#include <errno.h>

#include <ctrmap/ctrmap.h>
#include "internal.h"
#include "tap.h"

static void good(const char *text, unsigned int type, uint64_t period_ns,
		 uint32_t irq)
{
	struct ctrmap_source src;

	memset(&src, 0xff, sizeof(src));
	src.sz = sizeof(src);
	if (!ok(ctrmap_source_parse(text, &src) == 0, "parse '%s'", text))
		return;
	ok(src.type == type && src.period_ns == period_ns && src.irq == irq,
	   "parse '%s': type %u period %" PRIu64 " irq %" PRIu32, text,
	   src.type, src.period_ns, src.irq);
}

static void bad(const char *text, const char *why)
{
	CTRMAP_OPTS(ctrmap_source, src, .type = 7, .period_ns = 8, .irq = 9);

	is_int(ctrmap_source_parse(text, &src), -EINVAL, "refuse '%s' (%s)",
	       text, why);
	ok(src.type == 7 && src.period_ns == 8 && src.irq == 9,
	   "refuse '%s': source untouched", text);
}

static void test_parse(void)
{
	good("timer:1ms", CTRMAP_SOURCE_TIMER, 1000000, 0);
	good("timer:250us", CTRMAP_SOURCE_TIMER, 250000, 0);
	good("timer:1000000", CTRMAP_SOURCE_TIMER, 1000000, 0);
	good("timer:2s", CTRMAP_SOURCE_TIMER, 2000000000, 0);
	good("timer:7ns", CTRMAP_SOURCE_TIMER, 7, 0);
	good("timer:18446744073709551615", CTRMAP_SOURCE_TIMER, UINT64_MAX, 0);
	good("timer:18446744073s", CTRMAP_SOURCE_TIMER, 18446744073000000000u,
	     0);
	good("timer:0010ms", CTRMAP_SOURCE_TIMER, 10000000, 0);
	good("irq:11", CTRMAP_SOURCE_IRQ, 0, 11);
	good("irq:0", CTRMAP_SOURCE_IRQ, 0, 0);
	good("irq:4294967295", CTRMAP_SOURCE_IRQ, 0, UINT32_MAX);

	bad("timer:0", "zero period");
	bad("timer:0ms", "zero period with a unit");
	bad("timer:1xs", "unknown unit");
	bad("timer:", "no period");
	bad("timer:ms", "a unit without a number");
	bad("timer:1ms ", "trailing space");
	bad("timer: 1ms", "leading space");
	bad("timer:+1ms", "sign");
	bad("timer:-1ms", "negative");
	bad("timer:1.5ms", "fraction");
	bad("timer:1MS", "units are lower case");
	bad("timer:0x10", "hexadecimal");
	bad("timer:1msx", "trailing text");
	bad("timer:99999999999999999999s", "overflows u64 before the unit");
	bad("timer:18446744073709551616", "2^64 ns");
	bad("timer:18446744074s", "overflows u64 with the unit");
	bad("timer:18446744073709552ms", "overflows u64 with the unit");
	bad("irq:-1", "negative");
	bad("irq:99999999999", "above u32");
	bad("irq:4294967296", "2^32");
	bad("irq:", "no number");
	bad("irq:11 ", "trailing space");
	bad("irq:1ms", "a unit");
	bad("irq:0x1", "hexadecimal");
	bad("foo:1", "unknown type");
	bad("timer", "no colon");
	bad("Timer:1ms", "types are lower case");
	bad("", "empty");
	is_int(ctrmap_source_parse(NULL, NULL), -EINVAL, "NULL");
}

static void formats(uint8_t type, uint64_t period_ns, uint32_t irq,
		    const char *want)
{
	CTRMAP_OPTS(ctrmap_source, src,
		.type = type, .period_ns = period_ns, .irq = irq,
	);
	CTRMAP_OPTS(ctrmap_source, back);
	char buf[64];
	int n = ctrmap_source_format(&src, buf, sizeof(buf));

	is_int(n, (long long)strlen(want), "format %s: length", want);
	is_str(buf, want, "format %s", want);
	if (period_ns || type == CTRMAP_SOURCE_IRQ)
		ok(!ctrmap_source_parse(buf, &back) && back.type == type &&
		   back.period_ns == (type == CTRMAP_SOURCE_TIMER ?
				      period_ns : 0) &&
		   back.irq == (type == CTRMAP_SOURCE_IRQ ? irq : 0),
		   "format %s: parses back", want);
}

static void test_format(void)
{
	CTRMAP_OPTS(ctrmap_source, src, .type = CTRMAP_SOURCE_TIMER,
		    .period_ns = 1000000);
	char small[6];

	formats(CTRMAP_SOURCE_TIMER, 1000000, 0, "timer:1ms");
	formats(CTRMAP_SOURCE_TIMER, 250000, 0, "timer:250us");
	formats(CTRMAP_SOURCE_TIMER, 2000000000, 0, "timer:2s");
	formats(CTRMAP_SOURCE_TIMER, 1500000000, 0, "timer:1500ms");
	formats(CTRMAP_SOURCE_TIMER, 1000001, 0, "timer:1000001ns");
	formats(CTRMAP_SOURCE_TIMER, UINT64_MAX, 0,
		"timer:18446744073709551615ns");
	formats(CTRMAP_SOURCE_TIMER, 0, 0, "timer:0ns");
	formats(CTRMAP_SOURCE_TIMER, 60000000000, 5, "timer:60s");
	formats(CTRMAP_SOURCE_IRQ, 1000000, 11, "irq:11");
	formats(CTRMAP_SOURCE_IRQ, 0, UINT32_MAX, "irq:4294967295");

	is_int(ctrmap_source_format(&src, small, sizeof(small)), 9,
	       "format: truncated, full length returned");
	is_str(small, "timer", "format: truncated and terminated");
	is_int(ctrmap_source_format(&src, NULL, 0), 9,
	       "format: NULL buffer of 0 bytes measures");
	src.type = CTRMAP_SOURCE_NONE;
	is_int(ctrmap_source_format(&src, small, sizeof(small)), -EINVAL,
	       "format: type none: -EINVAL");
	src.type = CTRMAP_SOURCE_MAX + 1;
	is_int(ctrmap_source_format(&src, small, sizeof(small)), -EINVAL,
	       "format: unknown type: -EINVAL");
}

/*
 * A program built against an older library has a shorter struct, one
 * built against a newer library a longer one: what this library knows is
 * used, what it does not is zeroed (output) or must be zero (input).
 */
struct newer_source {
	struct ctrmap_source s;
	uint64_t future[2];	/* fields a later library added */
};

static void test_sizes(void)
{
	struct newer_source n;
	struct ctrmap_source old;
	char buf[32];

	memset(&n, 0xff, sizeof(n));
	n.s.sz = sizeof(n);
	is_int(ctrmap_source_parse("irq:7", &n.s), 0,
	       "parse into a newer, longer struct");
	ok(n.s.type == CTRMAP_SOURCE_IRQ && n.s.irq == 7 &&
	   n.s.period_ns == 0, "newer struct: the known fields written");
	ok(n.future[0] == 0 && n.future[1] == 0,
	   "newer struct: the fields this library does not know zeroed");
	is_int(n.s.sz, sizeof(n), "newer struct: its sz kept");
	is_int(ctrmap_source_format(&n.s, buf, sizeof(buf)), 5,
	       "format a newer struct whose new fields are 0");
	is_str(buf, "irq:7", "newer struct: formatted");
	n.future[1] = 1;
	is_int(ctrmap_source_format(&n.s, buf, sizeof(buf)), -EINVAL,
	       "format: a field this library does not know set: -EINVAL");

	memset(&old, 0xff, sizeof(old));
	old.sz = CTRMAP_SOURCE_SZ0 - 1;
	is_int(ctrmap_source_parse("irq:7", &old), -EINVAL,
	       "parse: sz below the first version: -EINVAL");
	ok(old.type == 0xff, "parse: too small a struct is not written");
	is_int(ctrmap_source_format(&old, buf, sizeof(buf)), -EINVAL,
	       "format: sz below the first version: -EINVAL");
	old.sz = 0;
	is_int(ctrmap_source_parse("irq:7", &old), -EINVAL,
	       "parse: sz 0 (not set): -EINVAL");

	/* The first version, without its tail padding: enough. */
	memset(&old, 0xff, sizeof(old));
	old.sz = CTRMAP_SOURCE_SZ0;
	is_int(ctrmap_source_parse("timer:1ms", &old), 0,
	       "parse: sz of the first version");
	ok(old.type == CTRMAP_SOURCE_TIMER && old.period_ns == 1000000 &&
	   old.irq == 0, "first version: written");
	is_int(ctrmap_source_format(&old, buf, sizeof(buf)), 9,
	       "format: sz of the first version");
}

static void test_state_names(void)
{
	is_str(ctrmap_state_name(CTRMAP_STATE_NONE), "none", "state none");
	is_str(ctrmap_state_name(CTRMAP_STATE_ATTACHED), "attached",
	       "state attached");
	is_str(ctrmap_state_name(CTRMAP_STATE_DETACHED), "detached",
	       "state detached");
	is_str(ctrmap_state_name(CTRMAP_STATE_DETACHED + 1), NULL,
	       "unknown state: NULL");
}

/* The version the library was built with: debian/changelog's. */
static void test_version(void)
{
	is_str(ctrmap_version(), CTRMAP_CHANGELOG_VERSION,
	       "ctrmap_version(): the upstream version of debian/changelog");
}

int main(void)
{
	test_parse();
	test_format();
	test_sizes();
	test_state_names();
	test_version();
	return done_testing();
}
