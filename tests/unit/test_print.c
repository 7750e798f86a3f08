// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * counterctl's printers: the same calls give the expected text and the
 * expected JSON; JSON is also checked with jq, an oracle we did not write.
 */
#define _GNU_SOURCE	/* open_memstream */
#include <stdlib.h>
#include <unistd.h>

#include "attach.h"
#include "jq.h"
#include "list.h"
#include "monitor.h"
#include "print.h"
#include "show.h"
#include "status.h"
#include "tap.h"

/*
 * What fn prints through a printer in the given format, the top level an
 * object or (array) an array; caller frees.
 */
static char *capture_top(enum print_format format, bool array,
			 void (*fn)(struct printer *, const void *),
			 const void *arg)
{
	struct printer p;
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	if (!fp)
		abort();
	if (array)
		print_begin_array(&p, fp, format);
	else
		print_begin(&p, fp, format);
	fn(&p, arg);
	print_end(&p);
	if (fclose(fp))
		abort();
	return buf;
}

static char *capture(enum print_format format,
		     void (*fn)(struct printer *, const void *),
		     const void *arg)
{
	return capture_top(format, false, fn, arg);
}

static void print_sample(struct printer *p, const void *arg)
{
	(void)arg;
	print_string(p, PRINT_ANY, "name", "name: %s\n", "ctr");
	print_uint(p, PRINT_ANY, "count", "count: %u\n", 4000000000u);
	print_u64(p, PRINT_JSON, "json_only", "%" PRIu64, UINT64_MAX);
	print_string(p, PRINT_FP, NULL, "%s", "text only\n");
	print_open_object(p, "inner");
	print_uint(p, PRINT_ANY, "a", "a=%u", 1);
	print_uint(p, PRINT_ANY, "b", " b=%u\n", 2);
	print_open_object(p, "empty");
	print_close_object(p);
	print_close_object(p);
	print_open_array(p, "list");
	print_string(p, PRINT_ANY, NULL, "[%s]", "x");
	print_string(p, PRINT_ANY, NULL, "[%s]\n", "y");
	print_close_array(p);
}

static void test_primitives(void)
{
	char *text = capture(PRINT_FORMAT_TEXT, print_sample, NULL);
	char *json = capture(PRINT_FORMAT_JSON, print_sample, NULL);
	char out[256];

	is_str(text, "name: ctr\ncount: 4000000000\ntext only\na=1 b=2\n[x][y]\n",
	       "text: fmt strings, no JSON-only values");
	is_str(json,
	       "{\"name\":\"ctr\",\"count\":4000000000,"
	       "\"json_only\":18446744073709551615,"
	       "\"inner\":{\"a\":1,\"b\":2,\"empty\":{}},"
	       "\"list\":[\"x\",\"y\"]}\n",
	       "JSON: keys, nesting, commas, no text-only values");
	if (have_jq()) {
		is_int(jq(json, ".inner.b", out, sizeof(out)), 0,
		       "jq accepts the JSON");
		is_str(out, "2", "jq reads a nested value");
	} else {
		skip_env("jq accepts the JSON", "jq not installed");
		skip_env("jq reads a nested value", "jq not installed");
	}
	free(text);

	/* Pretty: the same JSON, indented as ip -j -p and bpftool -p do. */
	text = capture(PRINT_FORMAT_PRETTY, print_sample, NULL);
	is_str(text,
	       "{\n"
	       "    \"name\": \"ctr\",\n"
	       "    \"count\": 4000000000,\n"
	       "    \"json_only\": 18446744073709551615,\n"
	       "    \"inner\": {\n"
	       "        \"a\": 1,\n"
	       "        \"b\": 2,\n"
	       "        \"empty\": {}\n"
	       "    },\n"
	       "    \"list\": [\n"
	       "        \"x\",\n"
	       "        \"y\"\n"
	       "    ]\n"
	       "}\n",
	       "pretty JSON: a value a line, four spaces a level");
	if (have_jq()) {
		char compact[256];

		jq(json, "del(.json_only)", compact, sizeof(compact));
		jq(text, "del(.json_only)", out, sizeof(out));
		ok(compact[0] == '{' && !strcmp(out, compact),
		   "pretty JSON: jq reads the same as the compact one");
	} else {
		skip_env("pretty JSON: jq", "jq not installed");
	}
	free(text);
	free(json);
}

static void print_tricky(struct printer *p, const void *arg)
{
	print_string(p, PRINT_ANY, "s", "%s", arg);
}

static void test_escaping(void)
{
	static const char tricky[] = "q\"b\\s/\n\t\r\b\f\x01\x1f\x7f"
				     "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"
				     "|\xff|\xc3|\xe2\x82|\xed\xa0\x80|\xc0\xaf";
	char all_bytes[256];
	char *json;
	char out[256];

	json = capture(PRINT_FORMAT_JSON, print_tricky, tricky);
	is_str(json,
	       "{\"s\":\"q\\\"b\\\\s/\\n\\t\\r\\b\\f\\u0001\\u001f\x7f"
	       "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"
	       "|\\ufffd|\\ufffd|\\ufffd\\ufffd|\\ufffd\\ufffd\\ufffd"
	       "|\\ufffd\\ufffd\"}\n",
	       "escapes, valid UTF-8 kept, invalid bytes -> U+FFFD");
	if (have_jq()) {
		is_int(jq(json, ".s | length", out, sizeof(out)), 0,
		       "jq accepts the escaped string");
	} else {
		skip_env("jq accepts the escaped string", "jq not installed");
	}
	free(json);

	for (int i = 0; i < 255; i++)
		all_bytes[i] = (char)(i + 1);
	all_bytes[255] = '\0';
	json = capture(PRINT_FORMAT_JSON, print_tricky, all_bytes);
	if (have_jq())
		is_int(jq(json, ".s | length > 0", out, sizeof(out)), 0,
		       "jq accepts a string of every byte 1..255");
	else
		skip_env("jq accepts every byte", "jq not installed");
	free(json);
}

static const struct ctrmap_stats sample_stats = {
	.sz = sizeof(struct ctrmap_stats),
	.version = "0.1.0",
	.regions = 3,
	.pinned_pages = 12,
	.bindings = 2,
	.attaches = 17,
	.detaches_sent = 0x1e,	/* reasons 1-4 */
	.detaches = { 0, 4, 5, 6, 7 },
	.max_regions = 1024,
	.max_regions_per_process = 64,
	.max_region_pages = 256,
	.timer_min_period_ns = 10000,
	.sources = 1u << CTRMAP_SOURCE_TIMER | 1u << CTRMAP_SOURCE_IRQ,
	.max_bindings = 32,
	.attach_scope = -1,	/* a 0.1 module: no per-user limits */
};

static void print_status(struct printer *p, const void *arg)
{
	status_print(p, arg);
}

static void test_status(void)
{
	struct ctrmap_stats st = sample_stats;
	char *text = capture(PRINT_FORMAT_TEXT, print_status, &st);
	char *json = capture(PRINT_FORMAT_JSON, print_status, &st);
	char out[256];

	is_str(text,
	       "module version:  0.1.0\n"
	       "regions:         3\n"
	       "pinned pages:    12\n"
	       "bindings:        2\n"
	       "attaches:        17\n"
	       "detaches:        request 4 exit 5 unmapped 6 unload 7\n"
	       "limits:\n"
	       "  max regions:             1024\n"
	       "  max regions per process: 64\n"
	       "  max region pages:        256\n"
	       "  max bindings per region: 32\n"
	       "  timer min period:        10000 ns\n"
	       "  sources:                 timer irq\n",
	       "status: text");
	is_str(json,
	       "{\"version\":\"0.1.0\",\"regions\":3,\"pinned_pages\":12,"
	       "\"bindings\":2,\"attaches\":17,"
	       "\"detaches\":{\"request\":4,\"exit\":5,\"unmapped\":6,"
	       "\"unload\":7},"
	       "\"limits\":{\"max_regions\":1024,"
	       "\"max_regions_per_process\":64,\"max_region_pages\":256,"
	       "\"max_bindings\":32,\"timer_min_period_ns\":10000,"
	       "\"sources\":[\"timer\",\"irq\"]}}\n",
	       "status: JSON");
	if (have_jq()) {
		is_int(jq(json, ".limits.sources | join(\",\")", out,
			  sizeof(out)), 0, "status JSON: jq accepts it");
		is_str(out, "timer,irq", "status JSON: sources array");
		jq(json, ".detaches.unmapped + .detaches.unload", out,
		   sizeof(out));
		is_str(out, "13", "status JSON: detaches by reason");
	} else {
		skip_env("status JSON: jq", "jq not installed");
	}
	free(text);
	free(json);

	/* No sources built; a source type newer than this tool. */
	st.sources = 0;
	text = capture(PRINT_FORMAT_TEXT, print_status, &st);
	json = capture(PRINT_FORMAT_JSON, print_status, &st);
	ok(strstr(text, "  sources:                 none\n") != NULL,
	   "status text: no sources");
	ok(strstr(json, "\"sources\":[]}") != NULL, "status JSON: no sources");
	free(text);
	free(json);
	st.sources = 1u << CTRMAP_SOURCE_TIMER | 1u << 5;
	json = capture(PRINT_FORMAT_JSON, print_status, &st);
	ok(strstr(json, "\"sources\":[\"timer\",\"5\"]}") != NULL,
	   "status JSON: unknown source type by number");
	free(json);

	/* A module with per-user limits, and the caller's usage. */
	st = sample_stats;
	st.max_regions_per_user = 256;
	st.max_bindings_per_user = 512;
	st.timer_budget = 10000;
	st.timer_max_period_ns = 3600000000000ULL;
	st.attach_scope = 1;
	st.have_usage = 1;
	st.user_regions = 2;
	st.user_bindings = 3;
	st.user_pinned_pages = 5;
	st.user_timer_rate = 2000;
	st.user_locked_pages = 9;
	st.user_memlock_limit = UINT64_MAX;
	text = capture(PRINT_FORMAT_TEXT, print_status, &st);
	json = capture(PRINT_FORMAT_JSON, print_status, &st);
	ok(strstr(text, "  timer min period:        10000 ns\n"
			"  max regions per user:    256\n"
			"  max bindings per user:   512\n"
			"  timer budget per user:   10000 expiries/s\n"
			"  timer max period:        3600000000000 ns\n"
			"  attach scope:            1\n") != NULL,
	   "status text: per-user limits and attach scope");
	ok(strstr(text, "your usage (this user, all processes):\n"
			"  regions:                 2\n"
			"  bindings:                3\n"
			"  pinned pages:            5\n"
			"  timer expiries:          2000/s\n"
			"  locked pages (all uses): 9\n"
			"  RLIMIT_MEMLOCK:          unlimited\n") != NULL,
	   "status text: the caller's usage");
	if (have_jq()) {
		jq(json, "[.limits.timer_budget, .limits.attach_scope, "
			 ".usage.regions, .usage.timer_rate, "
			 "(.usage | has(\"memlock_limit_pages\"))] | "
			 "map(tostring) | join(\",\")", out, sizeof(out));
		is_str(out, "10000,1,2,2000,false",
		       "status JSON: limits and usage");
	} else {
		skip_env("status JSON: limits and usage", "jq not installed");
	}
	free(text);
	free(json);
	st.user_memlock_limit = 16;
	json = capture(PRINT_FORMAT_JSON, print_status, &st);
	ok(strstr(json, "\"memlock_limit_pages\":16}") != NULL,
	   "status JSON: RLIMIT_MEMLOCK in pages");
	free(json);

	/* A module older than this tool: it does not count unloads. */
	st = sample_stats;
	st.detaches_sent = 0x0e;
	st.detaches[CTRMAP_REASON_UNLOAD] = 0;
	text = capture(PRINT_FORMAT_TEXT, print_status, &st);
	json = capture(PRINT_FORMAT_JSON, print_status, &st);
	ok(strstr(text, "detaches:        request 4 exit 5 unmapped 6\n"
			"limits:\n") != NULL,
	   "status text: a reason the module did not send is left out");
	ok(strstr(json, "\"detaches\":{\"request\":4,\"exit\":5,"
			"\"unmapped\":6},") != NULL,
	   "status JSON: a reason the module did not send is left out");
	free(text);
	free(json);

	/* A newer one: reason 5, which this tool has no name for. */
	st = sample_stats;
	st.detaches_sent |= 1u << 5;
	st.detaches[5] = 8;
	text = capture(PRINT_FORMAT_TEXT, print_status, &st);
	json = capture(PRINT_FORMAT_JSON, print_status, &st);
	ok(strstr(text, "detaches:        request 4 exit 5 unmapped 6 unload 7 5 8\n") != NULL,
	   "status text: an unknown reason by number");
	ok(strstr(json, "\"unload\":7,\"5\":8},") != NULL,
	   "status JSON: an unknown reason by number");
	free(text);
	free(json);
}

static void print_array_sample(struct printer *p, const void *arg)
{
	(void)arg;
	print_open_object(p, NULL);
	print_bool(p, PRINT_ANY, "yes", "yes=%s ", true);
	print_bool(p, PRINT_ANY, "no", "no=%s\n", false);
	print_close_object(p);
	print_open_object(p, NULL);
	print_close_object(p);
}

static void print_nothing(struct printer *p, const void *arg)
{
	(void)p;
	(void)arg;
}

static void test_array_and_bool(void)
{
	char *text = capture_top(PRINT_FORMAT_TEXT, true, print_array_sample,
				 NULL);
	char *json = capture_top(PRINT_FORMAT_JSON, true, print_array_sample,
				 NULL);

	is_str(text, "yes=true no=false\n", "bool: text");
	is_str(json, "[{\"yes\":true,\"no\":false},{}]\n",
	       "top-level array, bool: JSON");
	free(text);
	free(json);
	json = capture_top(PRINT_FORMAT_PRETTY, true, print_array_sample, NULL);
	is_str(json,
	       "[\n"
	       "    {\n"
	       "        \"yes\": true,\n"
	       "        \"no\": false\n"
	       "    },\n"
	       "    {}\n"
	       "]\n",
	       "top-level array, pretty: one element a line, {} kept whole");
	free(json);
	json = capture_top(PRINT_FORMAT_JSON, true, print_nothing, NULL);
	is_str(json, "[]\n", "empty top-level array");
	free(json);
	json = capture_top(PRINT_FORMAT_PRETTY, true, print_nothing, NULL);
	is_str(json, "[]\n", "empty top-level array, pretty");
	free(json);
	text = capture_top(PRINT_FORMAT_TEXT, true, print_nothing, NULL);
	is_str(text, "", "empty top-level array: no text");
	free(text);
}

static void print_attach(struct printer *p, const void *arg)
{
	attach_print(p, arg);
}

static void test_attach(void)
{
	struct ctrmap_attach_reply a = {
		.id = 4000000000u, .ncounters = 504, .npages = 1,
	};
	char *text = capture(PRINT_FORMAT_TEXT, print_attach, &a);
	char *json = capture(PRINT_FORMAT_JSON, print_attach, &a);

	is_str(text, "region 4000000000: 504 counters over 1 page(s)\n",
	       "attach: text");
	is_str(json, "{\"id\":4000000000,\"ncounters\":504,\"npages\":1}\n",
	       "attach: JSON");
	free(text);
	free(json);
}

static const struct ctrmap_source odd_sources[] = {
	{ .sz = sizeof(struct ctrmap_source), .type = 9 },	/* a future type */
	{ .sz = sizeof(struct ctrmap_source), .type = CTRMAP_SOURCE_TIMER,
	  .period_ns = 1500 },
};

static const struct ctrmap_binding_info odd_binding_infos[] = {
	{ .sz = sizeof(struct ctrmap_binding_info), .index = 7,
	  .source = &odd_sources[0] },
	{ .sz = sizeof(struct ctrmap_binding_info), .index = 4294967295u,
	  .source = &odd_sources[1] },
};

static const struct ctrmap_binding_info *const odd_bindings[] = {
	&odd_binding_infos[0], &odd_binding_infos[1],
};

static const struct ctrmap_region_info odd_regions[] = {
	{
		.id = 1, .pid = 0, .npages = 0, .ncounters = 0,
		.state = CTRMAP_STATE_DETACHED,
		.comm = "tab\tq\"\xff\x1b[2J",
		.addr = UINT64_MAX, .len = UINT64_MAX,
		.nbindings = 2, .bindings = odd_bindings,
	},
	{
		/* sz says it has a name; the first one predates names. */
		.sz = sizeof(struct ctrmap_region_info), .name = "rx_queue0",
		.id = 2, .pid = 5, .npages = 1, .ncounters = 1,
		.state = 7, .comm = "",
		.addr = 0, .len = 72,
	},
};

static void print_list(struct printer *p, const void *arg)
{
	(void)arg;
	list_print(p, odd_regions, 2);
}

static void test_list(void)
{
	char *text = capture_top(PRINT_FORMAT_TEXT, true, print_list, NULL);
	char *json = capture_top(PRINT_FORMAT_JSON, true, print_list, NULL);
	char out[256];

	is_str(text,
	       "ID PID COMM        NAME      ADDR               LEN                  PAGES COUNTERS STATE    BINDINGS\n"
	       "1  0   tab?q\"\xff?[2J -         0xffffffffffffffff 18446744073709551615 0     0        detached 7=type:9,4294967295=timer:1500ns\n"
	       "2  5               rx_queue0 0x0                72                   1     1        7        -\n",
	       "list: control characters made '?', unknown state and source by number, a name or -");
	is_str(json,
	       "[{\"id\":1,\"pid\":0,\"comm\":\"tab\\tq\\\"\\ufffd\\u001b[2J\","
	       "\"addr\":18446744073709551615,\"len\":18446744073709551615,"
	       "\"npages\":0,\"ncounters\":0,\"state\":\"detached\","
	       "\"bindings\":[{\"index\":7,\"source\":\"type:9\"},"
	       "{\"index\":4294967295,\"source\":\"timer:1500ns\"}]},"
	       "{\"id\":2,\"pid\":5,\"comm\":\"\",\"name\":\"rx_queue0\","
	       "\"addr\":0,\"len\":72,"
	       "\"npages\":1,\"ncounters\":1,\"state\":\"7\",\"bindings\":[]}]\n",
	       "list: JSON escapes the name");
	if (have_jq()) {
		is_int(jq(json, "[.[].comm | length] | add", out, sizeof(out)),
		       0, "list JSON: jq accepts it");
		is_str(out, "11", "list JSON: the name's characters");
	} else {
		skip_env("list JSON: jq", "jq not installed");
	}
	free(text);
	free(json);
}

static const struct ctrmap_page_info page_infos[3] = {
	{ .sz = sizeof(struct ctrmap_page_info), .pfn = 0x1234, .pinned = 1 },
	{ .sz = sizeof(struct ctrmap_page_info), .pfn = 0, .pinned = 0 },
	{ .sz = sizeof(struct ctrmap_page_info), .pfn = UINT64_MAX,
	  .pinned = 2 },
};

static const struct ctrmap_page_info *const pages[3] = {
	&page_infos[0], &page_infos[1], &page_infos[2],
};

static void print_show(struct printer *p, const void *arg)
{
	struct ctrmap_region_info r = odd_regions[0];

	r.npage_info = 3;
	r.pages = pages;
	show_print(p, &r, *(const bool *)arg);
}

static void test_show(void)
{
	bool verbose = true, terse = false;
	char *text = capture(PRINT_FORMAT_TEXT, print_show, &verbose);
	char *json = capture(PRINT_FORMAT_JSON, print_show, &verbose);
	char out[256];

	is_str(text,
	       "id:        1\n"
	       "pid:       0\n"
	       "comm:      tab?q\"\xff?[2J\n"
	       "addr:      0xffffffffffffffff\n"
	       "len:       18446744073709551615\n"
	       "npages:    0\n"
	       "ncounters: 0\n"
	       "state:     detached\n"
	       "bindings:  7=type:9,4294967295=timer:1500ns\n"
	       "page 0: pfn 0x1234 pinned\n"
	       "page 1: pfn 0x0 not pinned\n"
	       "page 2: pfn 0xffffffffffffffff pinned\n",
	       "show -v: text");
	if (have_jq()) {
		is_int(jq(json, "[.pages[] | .pinned] | map(tostring) | join(\",\")",
			  out, sizeof(out)), 0, "show -v JSON: jq accepts it");
		is_str(out, "true,false,true", "show -v JSON: pinned as bools");
	} else {
		skip_env("show -v JSON: jq", "jq not installed");
	}
	free(text);
	free(json);

	text = capture(PRINT_FORMAT_TEXT, print_show, &terse);
	json = capture(PRINT_FORMAT_JSON, print_show, &terse);
	ok(!strstr(text, "page "), "show: no pages without -v");
	ok(!strstr(json, "\"pages\""), "show JSON: no pages without -v");
	free(text);
	free(json);
}

static void print_event(struct printer *p, const void *arg)
{
	monitor_print_event(p, arg);
}

static void test_event(void)
{
	struct ctrmap_event ev = {
		.cmd = CTRMAP_CMD_DETACHED, .region_id = 3, .pid = 1234,
		.reason = CTRMAP_REASON_UNMAPPED,
	};
	char *text = capture(PRINT_FORMAT_TEXT, print_event, &ev);
	char *json = capture(PRINT_FORMAT_JSON, print_event, &ev);

	is_str(text, "detached region 3 pid 1234 reason unmapped\n",
	       "event: text");
	is_str(json,
	       "{\"event\":\"detached\",\"id\":3,\"pid\":1234,\"reason\":\"unmapped\"}\n",
	       "event: JSON");
	free(text);
	free(json);
	ev.reason = 200;
	text = capture(PRINT_FORMAT_TEXT, print_event, &ev);
	is_str(text, "detached region 3 pid 1234 reason 200\n",
	       "event: an unknown reason by number");
	free(text);
}

int main(void)
{
	test_primitives();
	test_escaping();
	test_status();
	test_array_and_bool();
	test_attach();
	test_list();
	test_show();
	test_event();
	return done_testing();
}
