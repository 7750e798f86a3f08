// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * counterctl end to end, its main() included, against the fake kernel
 * (fake_kernel.h): ctrmap_open() is wrapped (ld --wrap) to hand out a
 * handle on the fake. Checks each subcommand's argument parsing (exit 2
 * and the message), the request it sends, its text and JSON output (JSON
 * also through jq where installed), the kernel's errors on stderr (exit
 * 1), and monitor's filters and stopping rules.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "counterctl.h"
#include "fake_kernel.h"
#include "internal.h"
#include "jq.h"
#include "tap.h"

int counterctl_main(int argc, char **argv);
int __wrap_ctrmap_open(struct ctrmap_handle **h);
FILE *__real_fopen(const char *path, const char *mode);
FILE *__wrap_fopen(const char *path, const char *mode);

static struct fake fk;
static int open_error;		/* ctrmap_open()'s failure, if not 0 */
static int nopens;		/* ctrmap_open() calls */
/* What /sys/module/ctrmap/version holds; NULL: no module loaded. */
static const char *sysfs_version;

int __wrap_ctrmap_open(struct ctrmap_handle **h)
{
	nopens++;
	if (open_error) {
		*h = NULL;
		return open_error;
	}
	return fake_handle(&fk, h);
}

struct result {
	int status;
	char out[1 << 16];
	char err[1 << 14];
};

static void slurp(FILE *fp, char *buf, size_t size)
{
	size_t n;

	rewind(fp);
	n = fread(buf, 1, size - 1, fp);
	buf[n] = '\0';
	fclose(fp);
}

/* counterctl's fopen() (ld --wrap): the module's sysfs version is ours. */
FILE *__wrap_fopen(const char *path, const char *mode)
{
	FILE *fp;

	if (strcmp(path, "/sys/module/ctrmap/version"))
		return __real_fopen(path, mode);
	if (!sysfs_version) {
		errno = ENOENT;
		return NULL;
	}
	fp = tmpfile();
	if (!fp)
		abort();
	fputs(sysfs_version, fp);
	rewind(fp);
	return fp;
}

/* Run counterctl with the arguments (NULL-terminated); capture it all. */
static void __attribute__((sentinel)) ctl(struct result *r, ...)
{
	char *argv[32] = { "counterctl" };
	int argc = 1, saved_out, saved_err;
	FILE *out = tmpfile(), *err = tmpfile();
	va_list ap;

	if (!out || !err)
		abort();
	va_start(ap, r);
	while ((argv[argc] = va_arg(ap, char *)))
		argc++;
	va_end(ap);

	fflush(stdout);
	fflush(stderr);
	saved_out = dup(STDOUT_FILENO);
	saved_err = dup(STDERR_FILENO);
	dup2(fileno(out), STDOUT_FILENO);
	dup2(fileno(err), STDERR_FILENO);
	optind = 0;
	r->status = counterctl_main(argc, argv);
	fflush(stdout);
	fflush(stderr);
	dup2(saved_out, STDOUT_FILENO);
	dup2(saved_err, STDERR_FILENO);
	close(saved_out);
	close(saved_err);
	slurp(out, r->out, sizeof(r->out));
	slurp(err, r->err, sizeof(r->err));
}

static void check_jq(const char *json, const char *filter, const char *want,
		     const char *name)
{
	char out[1024];

	if (!have_jq()) {
		skip_env(name, "jq not installed");
		return;
	}
	jq(json, filter, out, sizeof(out));
	is_str(out, want, "%s (jq)", name);
}

/* A usage error: exit 2, nothing on stdout, no request, the message. */
static void usage_error(const char *name, const char *message,
			struct result *r)
{
	is_int(r->status, CTL_EXIT_USAGE, "%s: exit 2", name);
	is_int(fk.nreqs, 0, "%s: nothing sent", name);
	ok(strstr(r->err, message) != NULL, "%s: says '%s'", name, message);
	ok(strstr(r->err, "Try 'counterctl help ") != NULL ||
	   strstr(r->err, "Try 'counterctl --help'") != NULL,
	   "%s: points to the help", name);
	is_str(r->out, "", "%s: no output", name);
}

/* How a run of counterctl ended: its status, stdout and stderr. */
static void ended(const struct result *r, int status, const char *out,
		  const char *err, const char *name)
{
	is_int(r->status, status, "%s: exit %d", name, status);
	is_str(r->out, out, "%s: standard output", name);
	is_str(r->err, err, "%s: standard error", name);
}

#define USAGE(name, message, ...)					\
	do {								\
		struct result r_;					\
		fake_reset(&fk);					\
		ctl(&r_, __VA_ARGS__, NULL);				\
		usage_error(name, message, &r_);			\
	} while (0)

static void test_usage(void)
{
	struct result r;

	USAGE("attach without options", "--pid, --addr and --len are all needed",
	      "attach");
	USAGE("attach without --len", "are all needed",
	      "attach", "--pid", "1", "--addr", "8");
	USAGE("attach --pid junk", "invalid pid '12x'",
	      "attach", "--pid", "12x", "--addr", "8", "--len", "72");
	USAGE("attach --pid overflow", "invalid pid '4294967296'",
	      "attach", "--pid", "4294967296", "--addr", "8", "--len", "72");
	USAGE("attach --pid negative", "invalid pid '-1'",
	      "attach", "--pid=-1", "--addr", "8", "--len", "72");
	USAGE("attach --pid empty", "invalid pid ''",
	      "attach", "--pid=", "--addr", "8", "--len", "72");
	USAGE("attach --pid space", "invalid pid ' 1'",
	      "attach", "--pid", " 1", "--addr", "8", "--len", "72");
	USAGE("attach --addr 0x", "invalid address '0x'",
	      "attach", "--pid", "1", "--addr", "0x", "--len", "72");
	USAGE("attach --addr 0xg", "invalid address '0xg'",
	      "attach", "--pid", "1", "--addr", "0xg", "--len", "72");
	USAGE("attach --addr 2^64", "invalid address '0x10000000000000000'",
	      "attach", "--pid", "1", "--addr", "0x10000000000000000",
	      "--len", "72");
	USAGE("attach --len overflow", "invalid length '18446744073709551616'",
	      "attach", "--pid", "1", "--addr", "8", "--len",
	      "18446744073709551616");
	USAGE("attach --len 1e3", "invalid length '1e3'",
	      "attach", "--pid", "1", "--addr", "8", "--len", "1e3");
	USAGE("attach extra argument", "unexpected argument 'more'",
	      "attach", "--pid", "1", "--addr", "8", "--len", "72", "more");
	USAGE("attach unknown option", "unknown option '--bogus'",
	      "attach", "--bogus");
	USAGE("attach unknown short option", "unknown option '-x'",
	      "attach", "-x");
	USAGE("attach --pid without value", "option '--pid' needs a value",
	      "attach", "--pid");
	USAGE("detach without id", "expected a region ID", "detach");
	USAGE("detach two ids", "unexpected argument '2'", "detach", "1", "2");
	USAGE("detach junk id", "invalid region ID 'x'", "detach", "x");
	USAGE("add two arguments", "expected ID INDEX DELTA", "add", "1", "2");
	USAGE("add four arguments", "unexpected argument '4'",
	      "add", "1", "2", "3", "4");
	USAGE("add negative delta", "invalid delta '-3'", "add", "1", "2", "-3");
	USAGE("add index overflow", "invalid index '4294967296'",
	      "add", "1", "4294967296", "3");
	USAGE("bind zero period", "invalid source 'timer:0'",
	      "bind", "1", "0", "timer:0");
	USAGE("bind unknown source", "invalid source 'foo:1'",
	      "bind", "1", "0", "foo:1");
	USAGE("bind without source", "expected ID INDEX SOURCE",
	      "bind", "1", "0");
	USAGE("unbind without index", "expected ID INDEX", "unbind", "1");
	USAGE("list extra argument", "unexpected argument 'x'", "list", "x");
	USAGE("list --pid junk", "invalid pid '0x'", "list", "--pid", "0x");
	USAGE("show without id", "expected a region ID", "show");
	USAGE("show -v without id", "expected a region ID", "show", "-v");
	USAGE("show two ids", "unexpected argument '2'", "show", "1", "2");
	USAGE("show unknown option", "unknown option '-x'", "show", "-x", "1");
	USAGE("show --verbose=1", "option '--verbose' takes no value",
	      "show", "--verbose=1", "1");
	USAGE("show unknown long option", "unknown option '--pages'",
	      "show", "1", "--pages");
	USAGE("monitor --count 0", "the count must be 1 or more",
	      "monitor", "--count", "0");
	USAGE("monitor --timeout junk", "invalid timeout '1s'",
	      "monitor", "--timeout", "1s");
	USAGE("monitor extra argument", "unexpected argument 'x'",
	      "monitor", "x");
	USAGE("monitor --region junk", "invalid region ID '-1'",
	      "monitor", "--region=-1");
	USAGE("monitor --pid 0", "the pid must be 1 or more",
	      "monitor", "--pid", "0");
	USAGE("monitor --pid without value", "option '--pid' needs a value",
	      "monitor", "--pid");
	USAGE("watch, monitor's alias: its options",
	      "the count must be 1 or more", "watch", "--count", "0");
	USAGE("unknown command", "unknown command 'frobnicate'", "frobnicate");
	USAGE("empty command", "unknown command ''", "");
	USAGE("ambiguous prefix", "counterctl: ambiguous command 'a': attach, add\n",
	      "a");
	USAGE("ambiguous prefix, after options",
	      "counterctl: ambiguous command 's': status, show\n", "-j", "s");
	USAGE("help with an ambiguous prefix",
	      "counterctl: ambiguous command 'a': attach, add\n", "help", "a");
	USAGE("a prefix of no command", "unknown command 'lists'", "lists");
	USAGE("help, two arguments", "unexpected argument 'x'",
	      "help", "list", "x");
	USAGE("list -- -j: -j after -- is the command's",
	      "unexpected argument '-j'", "list", "--", "-j");
	USAGE("detach -jp: not taken apart after the command",
	      "invalid region ID '-jp'", "detach", "-jp");

	ctl(&r, "help", "li", NULL);
	ok(r.status == 0 && !strncmp(r.out, "Usage: counterctl [-j] list ", 28),
	   "help li: list's help");
	ctl(&r, "w", "--help", NULL);
	ok(r.status == 0 && !strncmp(r.out, "Usage: counterctl [-j] monitor ", 31),
	   "w --help: a prefix of monitor's alias is monitor");
	ctl(&r, "he", NULL);
	ok(r.status == 0 && !strncmp(r.out, "Usage: counterctl [OPTIONS]", 27),
	   "he: help, abbreviated too");

	ctl(&r, "--help", NULL);
	is_int(r.status, 0, "--help: exit 0");
	ok(strstr(r.out, "  attach ") && strstr(r.out, "  detach ") &&
	   strstr(r.out, "  add ") && strstr(r.out, "  bind ") &&
	   strstr(r.out, "  unbind ") && strstr(r.out, "  list ") &&
	   strstr(r.out, "  show ") && strstr(r.out, "  monitor ") &&
	   strstr(r.out, "  status "), "--help: lists every command");
	ok(strstr(r.out, "  monitor    print the module's events as they happen (alias: watch)\n") != NULL,
	   "--help: names monitor's alias");
	{
		static const char *const cmds[] = {
			"attach", "detach", "add", "bind", "unbind", "list",
			"show", "monitor", "watch",
		};

		for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
			char want[64];

			snprintf(want, sizeof(want), "Usage: counterctl ");
			ctl(&r, "help", cmds[i], NULL);
			ok(r.status == 0 && strstr(r.out, want) &&
			   strstr(r.out, cmds[i]),
			   "help %s: its usage", cmds[i]);
			ctl(&r, cmds[i], "--help", NULL);
			ok(r.status == 0 && strstr(r.out, want),
			   "%s --help: its usage", cmds[i]);
		}
	}
}

/* --version: the tool's, the library's, the module's if loaded. */
static void test_version(void)
{
	struct result r;

	nopens = 0;
	sysfs_version = "0.1.0-module\n";
	ctl(&r, "--version", NULL);
	ended(&r, 0,
	      "counterctl test\n"
	      "libctrmap " CTRMAP_CHANGELOG_VERSION "\n"
	      "ctrmap module 0.1.0-module\n", "",
	      "--version: counterctl's, libctrmap's and the module's (sysfs)");

	ctl(&r, "--version", "-j", NULL);
	ended(&r, 0,
	      "{\"counterctl\":\"test\",\"libctrmap\":\""
	      CTRMAP_CHANGELOG_VERSION "\",\"module\":\"0.1.0-module\"}\n", "",
	      "--version -j: JSON, -j after --version too");
	check_jq(r.out, ".module", "0.1.0-module", "--version -j: valid JSON");

	sysfs_version = NULL;
	ctl(&r, "-V", NULL);
	ended(&r, 0,
	      "counterctl test\n"
	      "libctrmap " CTRMAP_CHANGELOG_VERSION "\n"
	      "ctrmap module not loaded\n", "",
	      "-V, no module: says it is not loaded");
	ctl(&r, "-j", "--version", NULL);
	check_jq(r.out, "has(\"module\")", "false",
		 "--version -j, no module: no module key");
	is_int(nopens, 0,
	       "--version: never opens the netlink channel (that would load the module)");
}

/* The module is not there: every command fails with exit 1. */
static void test_no_module(void)
{
	struct result r;

	open_error = -ENOENT;
	ctl(&r, "list", NULL);
	is_int(r.status, CTL_EXIT_FAILED, "no module: exit 1");
	is_str(r.err,
	       "counterctl: cannot open the ctrmap control channel: No such file or directory\n"
	       "counterctl: the ctrmap kernel module is not loaded and could not be loaded (no generic netlink family \"ctrmap\")\n"
	       "counterctl: to see why: modprobe ctrmap; dkms status\n"
	       "counterctl: \"Key was rejected by service\" means Secure Boot wants the DKMS signing key (MOK) enrolled:\n"
	       "counterctl: mokutil --import /var/lib/dkms/mok.pub, then reboot and enroll it\n",
	       "no module: says so, then how to find out why (Secure Boot)");
	open_error = -ENOMEM;
	ctl(&r, "list", NULL);
	is_str(r.err,
	       "counterctl: cannot open the ctrmap control channel: Cannot allocate memory\n",
	       "no socket: the error alone, no module hint");
	open_error = -ENOENT;
	ctl(&r, "monitor", "--ready", "--timeout", "1", NULL);
	is_int(r.status, CTL_EXIT_FAILED, "no module: monitor: exit 1");
	is_str(strstr(r.err, "ready"), NULL, "no module: monitor: not 'ready'");
	open_error = 0;
}

/* The attributes of the fake's last request. */
static struct genlmsghdr *request(struct nlattr **tb)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)fk.req;

	memset(tb, 0, (CTRMAP_A_MAX + 1) * sizeof(*tb));
	if (!fk.req_len || genlmsg_parse(nlh, 0, tb, CTRMAP_A_MAX, NULL) < 0)
		return NULL;
	return nlmsg_data(nlh);
}

static void script_reply(struct nl_msg *reply)
{
	struct fake_step *s;

	fake_reset(&fk);
	fake_recv(&fk);
	s = fake_send(&fk);
	/* A request with a reply is sent without NLM_F_ACK. */
	if (reply)
		part_msg(s, reply);
	else
		part_ack(s);
	fake_start(&fk);
}

static void script_error(int error, const char *msg, int offs, int miss)
{
	struct tlvs t = { .len = 0 };

	if (msg)
		tlv_msg(&t, msg);
	if (offs >= 0)
		tlv_u32(&t, NLMSGERR_ATTR_OFFS, (uint32_t)offs);
	if (miss >= 0)
		tlv_u32(&t, NLMSGERR_ATTR_MISS_TYPE, (uint32_t)miss);
	fake_reset(&fk);
	fake_recv(&fk);
	part_error(fake_send(&fk), error, &t);
	fake_start(&fk);
}

static struct nl_msg *attach_reply(void)
{
	struct nl_msg *msg = fake_msg(CTRMAP_CMD_ATTACH, 0);

	if (nla_put_u32(msg, CTRMAP_A_REGION_ID, 3) < 0 ||
	    nla_put_u32(msg, CTRMAP_A_NCOUNTERS, 504) < 0 ||
	    nla_put_u32(msg, CTRMAP_A_NPAGES, 1) < 0)
		abort();
	return msg;
}

static void test_attach(void)
{
	struct nlattr *tb[CTRMAP_A_MAX + 1];
	struct genlmsghdr *g;
	struct result r;

	script_reply(attach_reply());
	ctl(&r, "attach", "--pid", "1234", "--addr", "0x7f0000001000",
	    "--len", "4096", NULL);
	fake_wait(&fk);
	is_int(r.status, 0, "attach: exit 0");
	is_str(r.out, "region 3: 504 counters over 1 page(s)\n",
	       "attach: text");
	is_str(r.err, "", "attach: nothing on stderr");
	g = request(tb);
	ok(g && g->cmd == CTRMAP_CMD_ATTACH, "attach: ATTACH sent");
	ok(tb[CTRMAP_A_PID] && nla_get_u32(tb[CTRMAP_A_PID]) == 1234 &&
	   tb[CTRMAP_A_ADDR] &&
	   nla_get_u64(tb[CTRMAP_A_ADDR]) == 0x7f0000001000 &&
	   tb[CTRMAP_A_LEN] && nla_get_u64(tb[CTRMAP_A_LEN]) == 4096,
	   "attach: decimal and 0x hex numbers sent as given");

	script_reply(attach_reply());
	ctl(&r, "-j", "attach", "--len=0X48", "--addr=010", "--pid=0x10",
	    NULL);
	fake_wait(&fk);
	is_int(r.status, 0, "attach -j: exit 0");
	is_str(r.out, "{\"id\":3,\"ncounters\":504,\"npages\":1}\n",
	       "attach -j: JSON");
	check_jq(r.out, ".id + .ncounters + .npages", "508",
		 "attach -j: valid JSON");
	request(tb);
	ok(nla_get_u32(tb[CTRMAP_A_PID]) == 16 &&
	   nla_get_u64(tb[CTRMAP_A_ADDR]) == 10 &&
	   nla_get_u64(tb[CTRMAP_A_LEN]) == 72,
	   "attach: options in any order; 0X hex; leading 0 is decimal");

	script_error(-EINVAL, "the address must be 8-byte aligned", 28, -1);
	ctl(&r, "attach", "--pid", "1", "--addr", "9", "--len", "72", NULL);
	fake_wait(&fk);
	is_int(r.status, CTL_EXIT_FAILED, "attach refused: exit 1");
	is_str(r.err,
	       "counterctl: cannot attach: Invalid argument\n"
	       "counterctl: kernel reports: the address must be 8-byte aligned (attribute addr)\n",
	       "attach refused: errno, message and attribute");
	is_str(r.out, "", "attach refused: no output");

	script_error(-EINVAL, NULL, -1, CTRMAP_A_LEN);
	ctl(&r, "attach", "--pid", "1", "--addr", "8", "--len", "72", NULL);
	fake_wait(&fk);
	is_str(r.err,
	       "counterctl: cannot attach: Invalid argument\n"
	       "counterctl: kernel reports: missing attribute len\n",
	       "attach: a missing attribute is named");

	script_error(-EINVAL, NULL, 20, -1);
	ctl(&r, "attach", "--pid", "1", "--addr", "8", "--len", "72", NULL);
	fake_wait(&fk);
	is_str(r.err,
	       "counterctl: cannot attach: Invalid argument\n"
	       "counterctl: kernel reports: (attribute pid)\n",
	       "attach: an attribute without a message");

	script_error(-EPERM, NULL, -1, -1);
	ctl(&r, "attach", "--pid", "1", "--addr", "8", "--len", "72", NULL);
	fake_wait(&fk);
	is_str(r.err, "counterctl: cannot attach: Operation not permitted\n",
	       "attach: an errno alone");
}

/* A command that prints nothing: exit 0, silent, cmd sent. */
static void silent(const char *name, uint8_t cmd, struct result *r,
		   struct nlattr **tb)
{
	struct genlmsghdr *g;

	is_int(r->status, 0, "%s: exit 0", name);
	ok(r->out[0] == '\0' && r->err[0] == '\0', "%s: silent", name);
	g = request(tb);
	ok(g && g->cmd == cmd, "%s: command sent", name);
	ok(g && tb[CTRMAP_A_REPLY] &&
	   !(((struct nlmsghdr *)fk.req)->nlmsg_flags & NLM_F_ACK),
	   "%s: asks for a reply, not an ACK", name);
}

static void test_silent_commands(void)
{
	struct nlattr *tb[CTRMAP_A_MAX + 1];
	struct nlattr *src[CTRMAP_SOURCE_A_MAX + 1];
	struct result r;

	script_reply(act_reply(CTRMAP_CMD_DETACH, 3));
	ctl(&r, "detach", "3", NULL);
	fake_wait(&fk);
	silent("detach", CTRMAP_CMD_DETACH, &r, tb);
	ok(nla_get_u32(tb[CTRMAP_A_REGION_ID]) == 3, "detach: region 3");

	script_reply(act_reply(CTRMAP_CMD_DETACH, 4));
	ctl(&r, "-j", "detach", "0x4", NULL);
	fake_wait(&fk);
	silent("detach -j", CTRMAP_CMD_DETACH, &r, tb);

	script_reply(act_reply(CTRMAP_CMD_DETACH, 4));
	ctl(&r, "detach", "-j", "0x4", "--pretty", NULL);
	fake_wait(&fk);
	silent("detach -j ID --pretty", CTRMAP_CMD_DETACH, &r, tb);
	ok(nla_get_u32(tb[CTRMAP_A_REGION_ID]) == 4,
	   "detach -j ID --pretty: the ID is the argument left");

	script_error(-ENOENT, "no such region", 20, -1);
	ctl(&r, "detach", "9", NULL);
	fake_wait(&fk);
	is_int(r.status, CTL_EXIT_FAILED, "detach unknown: exit 1");
	is_str(r.err,
	       "counterctl: cannot detach: No such file or directory\n"
	       "counterctl: kernel reports: no such region (attribute region_id)\n",
	       "detach unknown: the kernel's word");

	script_reply(act_reply(CTRMAP_CMD_ADD, 3));
	ctl(&r, "add", "3", "1", "0xffffffffffffffff", NULL);
	fake_wait(&fk);
	silent("add", CTRMAP_CMD_ADD, &r, tb);
	ok(nla_get_u32(tb[CTRMAP_A_REGION_ID]) == 3 &&
	   nla_get_u32(tb[CTRMAP_A_INDEX]) == 1 &&
	   nla_get_u64(tb[CTRMAP_A_DELTA]) == UINT64_MAX,
	   "add: id, index, delta");

	script_error(-ERANGE, "index past the region's last counter", 28, -1);
	ctl(&r, "add", "3", "600", "1", NULL);
	fake_wait(&fk);
	is_int(r.status, CTL_EXIT_FAILED, "add past the end: exit 1");
	ok(strstr(r.err, "(attribute index)") != NULL,
	   "add past the end: attribute index");

	script_reply(act_reply(CTRMAP_CMD_BIND, 3));
	ctl(&r, "bind", "3", "0", "timer:250us", NULL);
	fake_wait(&fk);
	silent("bind", CTRMAP_CMD_BIND, &r, tb);
	ok(tb[CTRMAP_A_SOURCE] &&
	   !nla_parse_nested(src, CTRMAP_SOURCE_A_MAX, tb[CTRMAP_A_SOURCE],
			     NULL) &&
	   src[CTRMAP_SOURCE_A_TYPE] &&
	   nla_get_u8(src[CTRMAP_SOURCE_A_TYPE]) == CTRMAP_SOURCE_TIMER &&
	   src[CTRMAP_SOURCE_A_PERIOD_NS] &&
	   nla_get_u64(src[CTRMAP_SOURCE_A_PERIOD_NS]) == 250000,
	   "bind: timer of 250000 ns");

	script_reply(act_reply(CTRMAP_CMD_BIND, 3));
	ctl(&r, "bind", "3", "2", "irq:11", NULL);
	fake_wait(&fk);
	silent("bind irq", CTRMAP_CMD_BIND, &r, tb);
	ok(!nla_parse_nested(src, CTRMAP_SOURCE_A_MAX, tb[CTRMAP_A_SOURCE],
			     NULL) &&
	   src[CTRMAP_SOURCE_A_IRQ] &&
	   nla_get_u32(src[CTRMAP_SOURCE_A_IRQ]) == 11, "bind: irq 11");

	script_error(-EOPNOTSUPP, NULL, -1, -1);
	ctl(&r, "bind", "3", "2", "irq:11", NULL);
	fake_wait(&fk);
	is_str(r.err,
	       "counterctl: cannot bind the source: Operation not supported\n",
	       "bind on a module without BIND: exit 1, says so");

	script_reply(act_reply(CTRMAP_CMD_UNBIND, 3));
	ctl(&r, "unbind", "3", "2", NULL);
	fake_wait(&fk);
	silent("unbind", CTRMAP_CMD_UNBIND, &r, tb);
	ok(nla_get_u32(tb[CTRMAP_A_REGION_ID]) == 3 &&
	   nla_get_u32(tb[CTRMAP_A_INDEX]) == 2 && !tb[CTRMAP_A_SOURCE],
	   "unbind: id and index only");
}

/* What region 3's bindings are: counter index, and its source. */
static const struct {
	uint32_t index;
	struct ctrmap_source source;
} two_bindings[] = {
	{ .index = 0, .source = { .type = CTRMAP_SOURCE_TIMER,
				  .period_ns = 1000000 } },
	{ .index = 2, .source = { .type = CTRMAP_SOURCE_IRQ, .irq = 11 } },
};

static struct nl_msg *region_msg(int flags, uint32_t id, uint32_t pid,
				 const char *comm, unsigned int nbindings,
				 unsigned int npages)
{
	struct nl_msg *msg = fake_msg(CTRMAP_CMD_GET, flags);
	int err = 0;

	err |= nla_put_u32(msg, CTRMAP_A_REGION_ID, id);
	err |= nla_put_u32(msg, CTRMAP_A_PID, pid);
	err |= nla_put_string(msg, CTRMAP_A_COMM, comm);
	err |= nla_put_u64(msg, CTRMAP_A_ADDR, 0x7f0000001000 + id * 0x1000);
	err |= nla_put_u64(msg, CTRMAP_A_LEN, 4096);
	err |= nla_put_u32(msg, CTRMAP_A_NPAGES, npages ? npages : 1);
	err |= nla_put_u32(msg, CTRMAP_A_NCOUNTERS, 504);
	err |= nla_put_u8(msg, CTRMAP_A_STATE, CTRMAP_STATE_ATTACHED);
	if (nbindings) {
		struct nlattr *all = nla_nest_start(msg, CTRMAP_A_BINDINGS);

		for (unsigned int i = 0; i < nbindings; i++) {
			const struct ctrmap_source *s = &two_bindings[i].source;
			struct nlattr *b = nla_nest_start(msg,
							  CTRMAP_A_BINDING);
			struct nlattr *src;

			err |= nla_put_u32(msg, CTRMAP_BINDING_A_INDEX,
					   two_bindings[i].index);
			src = nla_nest_start(msg, CTRMAP_BINDING_A_SOURCE);
			err |= nla_put_u8(msg, CTRMAP_SOURCE_A_TYPE, s->type);
			if (s->type == CTRMAP_SOURCE_TIMER)
				err |= nla_put_u64(msg,
						   CTRMAP_SOURCE_A_PERIOD_NS,
						   s->period_ns);
			else
				err |= nla_put_u32(msg, CTRMAP_SOURCE_A_IRQ,
						   s->irq);
			nla_nest_end(msg, src);
			nla_nest_end(msg, b);
		}
		nla_nest_end(msg, all);
	}
	if (npages) {
		struct nlattr *all = nla_nest_start(msg, CTRMAP_A_PAGES);

		for (unsigned int i = 0; i < npages; i++) {
			struct nlattr *pg = nla_nest_start(msg, CTRMAP_A_PAGE);

			err |= nla_put_u64(msg, CTRMAP_PAGE_A_PFN, 0x1234 + i);
			err |= nla_put_u8(msg, CTRMAP_PAGE_A_PINNED, i != 1);
			nla_nest_end(msg, pg);
		}
		nla_nest_end(msg, all);
	}
	if (err)
		abort();
	return msg;
}

/* Script: a dump of regions 3 (two bindings) and 12 (none). */
static void script_list(bool empty)
{
	struct fake_step *s;

	fake_reset(&fk);
	fake_recv(&fk);
	s = fake_send(&fk);
	if (!empty) {
		part_msg(s, region_msg(NLM_F_MULTI, 3, 1234, "reader", 2, 0));
		part_msg(s, region_msg(NLM_F_MULTI, 12, 99999, "ctrmap-target",
				       0, 0));
	}
	part_done(s, 0, NULL);
	fake_start(&fk);
}

/*
 * Script: a dump the kernel flags as interrupted (a region came or went
 * between its parts), then, read again, an intact one of region 12 only.
 */
static void script_list_interrupted(void)
{
	struct fake_step *s;

	fake_reset(&fk);
	fake_recv(&fk);
	s = fake_send(&fk);
	part_msg(s, region_msg(NLM_F_MULTI | NLM_F_DUMP_INTR, 3, 1234,
			       "reader", 2, 0));
	part_done(s, 0, NULL);
	fake_recv(&fk);
	s = fake_send(&fk);
	part_msg(s, region_msg(NLM_F_MULTI, 12, 99999, "ctrmap-target", 0, 0));
	part_done(s, 0, NULL);
	fake_start(&fk);
}

static void test_list(void)
{
	struct nlattr *tb[CTRMAP_A_MAX + 1];
	struct genlmsghdr *g;
	struct result r;

	script_list(false);
	ctl(&r, "list", NULL);
	fake_wait(&fk);
	is_int(r.status, 0, "list: exit 0");
	is_str(r.out,
	       "ID PID   COMM          ADDR           LEN  PAGES COUNTERS STATE    BINDINGS\n"
	       "3  1234  reader        0x7f0000004000 4096 1     504      attached 0=timer:1ms,2=irq:11\n"
	       "12 99999 ctrmap-target 0x7f000000d000 4096 1     504      attached -\n",
	       "list: a table, columns as wide as their widest cell");
	g = request(tb);
	ok(g && g->cmd == CTRMAP_CMD_GET &&
	   (((struct nlmsghdr *)fk.req)->nlmsg_flags & NLM_F_DUMP) &&
	   !tb[CTRMAP_A_PID] && !tb[CTRMAP_A_REGION_ID],
	   "list: a GET dump without filter");

	script_list(false);
	ctl(&r, "-j", "list", "--pid", "1234", NULL);
	fake_wait(&fk);
	is_int(r.status, 0, "list -j: exit 0");
	is_str(r.out,
	       "[{\"id\":3,\"pid\":1234,\"comm\":\"reader\","
	       "\"addr\":139637976743936,\"len\":4096,\"npages\":1,"
	       "\"ncounters\":504,\"state\":\"attached\","
	       "\"bindings\":[{\"index\":0,\"source\":\"timer:1ms\"},"
	       "{\"index\":2,\"source\":\"irq:11\"}]},"
	       "{\"id\":12,\"pid\":99999,\"comm\":\"ctrmap-target\","
	       "\"addr\":139637976780800,\"len\":4096,\"npages\":1,"
	       "\"ncounters\":504,\"state\":\"attached\",\"bindings\":[]}]\n",
	       "list -j: an array of objects");
	check_jq(r.out, "[.[] | .bindings | length]", "[2,0]",
		 "list -j: valid JSON");
	check_jq(r.out, ".[0].addr == 139637976743936", "true",
		 "list -j: addr is a number");
	request(tb);
	ok(tb[CTRMAP_A_PID] && nla_get_u32(tb[CTRMAP_A_PID]) == 1234,
	   "list --pid: the filter is sent");

	/* -j and -p after the command, as ip and bpftool take them. */
	{
		char before[sizeof(r.out)];

		script_list(false);
		ctl(&r, "-j", "list", NULL);
		fake_wait(&fk);
		memcpy(before, r.out, sizeof(before));
		script_list(false);
		ctl(&r, "list", "-j", NULL);
		fake_wait(&fk);
		is_int(r.status, 0, "list -j: exit 0");
		ok(before[0] == '[' && !strcmp(r.out, before),
		   "list -j: the JSON of -j list");
		script_list(false);
		ctl(&r, "list", "--json", "--pid", "1234", NULL);
		fake_wait(&fk);
		ok(r.status == 0 && r.out[0] == '[',
		   "list --json --pid 1234: JSON, and the command's option");
		request(tb);
		ok(tb[CTRMAP_A_PID] && nla_get_u32(tb[CTRMAP_A_PID]) == 1234,
		   "list --json --pid 1234: the filter is sent");
	}
	script_list(false);
	ctl(&r, "list", "-p", NULL);
	fake_wait(&fk);
	is_int(r.status, 0, "list -p: exit 0");
	ok(!strncmp(r.out, "[\n    {\n        \"id\": 3,\n", 24),
	   "list -p: pretty JSON");
	check_jq(r.out, "[.[].id]", "[3,12]", "list -p: valid JSON");
	script_list(false);
	ctl(&r, "-p", "list", "-j", NULL);
	fake_wait(&fk);
	ok(!strncmp(r.out, "[\n    {\n", 8), "-p list -j: -p wins over -j");
	script_list(false);
	ctl(&r, "--pretty", "list", NULL);
	fake_wait(&fk);
	ok(!strncmp(r.out, "[\n    {\n", 8), "--pretty list: pretty JSON");

	script_list(true);
	ctl(&r, "list", NULL);
	fake_wait(&fk);
	is_str(r.out, "ID PID COMM ADDR LEN PAGES COUNTERS STATE BINDINGS\n",
	       "list empty: the header only");
	script_list(true);
	ctl(&r, "li", "-j", NULL);
	fake_wait(&fk);
	g = request(tb);
	ok(r.status == 0 && !strcmp(r.out, "[]\n") && g &&
	   g->cmd == CTRMAP_CMD_GET,
	   "li -j: list, abbreviated as ip allows");
	script_list(true);
	ctl(&r, "--json", "list", NULL);
	fake_wait(&fk);
	is_str(r.out, "[]\n", "list -j empty: []");

	script_list_interrupted();
	ctl(&r, "-j", "list", NULL);
	fake_wait(&fk);
	is_int(r.status, 0, "list, interrupted once: exit 0");
	check_jq(r.out, "[.[].id]", "[12]",
		 "list, interrupted once: only what the second read saw");

	script_error(-EMSGSIZE, NULL, -1, -1);
	ctl(&r, "-j", "list", NULL);
	fake_wait(&fk);
	is_int(r.status, CTL_EXIT_FAILED, "list fails: exit 1");
	is_str(r.out, "", "list fails: no partial output");
}

static void script_show(unsigned int npages)
{
	script_reply(region_msg(0, 3, 1234, "reader", 2, npages));
}

static void test_show(void)
{
	struct nlattr *tb[CTRMAP_A_MAX + 1];
	struct result r;

	script_show(0);
	ctl(&r, "show", "3", NULL);
	fake_wait(&fk);
	is_int(r.status, 0, "show: exit 0");
	is_str(r.out,
	       "id:        3\n"
	       "pid:       1234\n"
	       "comm:      reader\n"
	       "addr:      0x7f0000004000\n"
	       "len:       4096\n"
	       "npages:    1\n"
	       "ncounters: 504\n"
	       "state:     attached\n"
	       "bindings:  0=timer:1ms,2=irq:11\n",
	       "show: key: value lines");
	request(tb);
	ok(tb[CTRMAP_A_REGION_ID] && nla_get_u32(tb[CTRMAP_A_REGION_ID]) == 3 &&
	   !tb[CTRMAP_A_VERBOSE], "show: GET of region 3, not verbose");

	script_show(2);
	ctl(&r, "show", "-v", "3", NULL);
	fake_wait(&fk);
	is_int(r.status, 0, "show -v: exit 0");
	ok(strstr(r.out, "bindings:  0=timer:1ms,2=irq:11\n"
			 "page 0: pfn 0x1234 pinned\n"
			 "page 1: pfn 0x1235 not pinned\n") != NULL,
	   "show -v: the pages after the rest");
	request(tb);
	ok(tb[CTRMAP_A_VERBOSE] != NULL, "show -v: verbose asked");

	script_show(0);
	ctl(&r, "show", "-p", "3", NULL);
	fake_wait(&fk);
	is_str(r.out,
	       "{\n"
	       "    \"id\": 3,\n"
	       "    \"pid\": 1234,\n"
	       "    \"comm\": \"reader\",\n"
	       "    \"addr\": 139637976743936,\n"
	       "    \"len\": 4096,\n"
	       "    \"npages\": 1,\n"
	       "    \"ncounters\": 504,\n"
	       "    \"state\": \"attached\",\n"
	       "    \"bindings\": [\n"
	       "        {\n"
	       "            \"index\": 0,\n"
	       "            \"source\": \"timer:1ms\"\n"
	       "        },\n"
	       "        {\n"
	       "            \"index\": 2,\n"
	       "            \"source\": \"irq:11\"\n"
	       "        }\n"
	       "    ]\n"
	       "}\n",
	       "show -p ID: pretty JSON, -p between the command and its argument");

	script_show(2);
	ctl(&r, "-j", "show", "3", "--verbose", NULL);
	fake_wait(&fk);
	is_str(r.out,
	       "{\"id\":3,\"pid\":1234,\"comm\":\"reader\","
	       "\"addr\":139637976743936,\"len\":4096,\"npages\":2,"
	       "\"ncounters\":504,\"state\":\"attached\","
	       "\"bindings\":[{\"index\":0,\"source\":\"timer:1ms\"},"
	       "{\"index\":2,\"source\":\"irq:11\"}],"
	       "\"pages\":[{\"pfn\":4660,\"pinned\":true},"
	       "{\"pfn\":4661,\"pinned\":false}]}\n",
	       "show -j -v: one object, with the pages");
	check_jq(r.out, "[.pages[] | .pinned]", "[true,false]",
		 "show -j -v: valid JSON");

	script_show(0);
	ctl(&r, "-j", "show", "3", NULL);
	fake_wait(&fk);
	check_jq(r.out, "has(\"pages\")", "false",
		 "show -j: no pages without -v");

	script_error(-EPERM, "page frame numbers need CAP_SYS_ADMIN", 28, -1);
	ctl(&r, "show", "3", "-v", NULL);
	fake_wait(&fk);
	is_int(r.status, CTL_EXIT_FAILED, "show -v refused: exit 1");
	is_str(r.err,
	       "counterctl: cannot show the region: Operation not permitted\n"
	       "counterctl: kernel reports: page frame numbers need CAP_SYS_ADMIN (attribute verbose)\n",
	       "show -v refused: the kernel's word");
}

static struct nl_msg *detached_msg(uint32_t id, uint32_t pid, uint8_t reason)
{
	struct nl_msg *msg = fake_msg(CTRMAP_CMD_DETACHED, 0);

	if (nla_put_u32(msg, CTRMAP_A_REGION_ID, id) < 0 ||
	    nla_put_u32(msg, CTRMAP_A_PID, pid) < 0 ||
	    nla_put_u8(msg, CTRMAP_A_REASON, reason) < 0)
		abort();
	return msg;
}

/* Script: resolve the group, wait, send n events (apart). */
static void script_watch(int n)
{
	fake_reset(&fk);
	fake_family_with_group(&fk, "nlctrl", CTRMAP_MCGRP_MONITOR);
	fake_sleep(&fk, 50);
	for (int i = 0; i < n; i++)
		part_notify(fake_send(&fk),
			    detached_msg(3 + (uint32_t)i, 1234,
					 i ? CTRMAP_REASON_MAX + 1 :
					     CTRMAP_REASON_EXIT));
	fake_start(&fk);
}

static void test_monitor(void)
{
	static const char *const first = "detached region 3 pid 1234 reason exit\n";
	struct result r;
	int64_t t0;

	script_watch(3);
	ctl(&r, "monitor", "--count", "2", NULL);
	fake_wait(&fk);
	ended(&r, 0,
	      "detached region 3 pid 1234 reason exit\n"
	      "detached region 4 pid 1234 reason 5\n", "",
	      "monitor --count 2: two lines, then stops, nothing on stderr");

	script_watch(1);
	ctl(&r, "monitor", "--ready", "--count", "1", NULL);
	fake_wait(&fk);
	ended(&r, 0, first, "ready\n", "monitor --ready: 'ready' on stderr");

	script_watch(1);
	ctl(&r, "watch", "--count", "1", NULL);
	fake_wait(&fk);
	ended(&r, 0, first, "", "watch: monitor by its old name");

	script_watch(1);
	ctl(&r, "-j", "monitor", "--count", "1", NULL);
	fake_wait(&fk);
	ended(&r, 0,
	      "{\"event\":\"detached\",\"id\":3,\"pid\":1234,\"reason\":\"exit\"}\n",
	      "", "monitor -j: one object per line");
	check_jq(r.out, ".id", "3", "monitor -j: valid JSON");

	script_watch(1);
	ctl(&r, "monitor", "-p", "--count", "1", NULL);
	fake_wait(&fk);
	ended(&r, 0,
	      "{\n"
	      "    \"event\": \"detached\",\n"
	      "    \"id\": 3,\n"
	      "    \"pid\": 1234,\n"
	      "    \"reason\": \"exit\"\n"
	      "}\n", "", "monitor -p: one indented object per event");

	/* --timeout alone: the end asked for, not a failure. */
	script_watch(1);
	t0 = ctrmap_nl_now_ms();
	ctl(&r, "monitor", "--timeout", "1", NULL);
	fake_wait(&fk);
	ok(ctrmap_nl_now_ms() - t0 >= 950, "monitor --timeout 1: took 1 s");
	ended(&r, 0, first, "",
	      "monitor --timeout 1, no --count: what came, status 0");

	/* --timeout before --count events: a script must be able to tell. */
	script_watch(1);
	ctl(&r, "monitor", "--count", "5", "--timeout", "1", NULL);
	fake_wait(&fk);
	ended(&r, CTL_EXIT_FAILED, first,
	      "counterctl: monitor: timed out after 1 s with 1 of 5 events\n",
	      "monitor --count 5 --timeout 1, one event: status 1, one line says so");

	fake_reset(&fk);
	fake_family_with_group(&fk, "nlctrl", "other");
	fake_start(&fk);
	ctl(&r, "monitor", "--ready", NULL);
	fake_wait(&fk);
	is_int(r.status, CTL_EXIT_FAILED, "monitor without the group: exit 1");
	ok(strstr(r.err, "cannot subscribe") && !strstr(r.err, "ready"),
	   "monitor without the group: says so, not 'ready'");
}

/*
 * Script: events of regions and processes mixed, as (region, pid): (3,
 * 1234) (4, 99) (5, 1234) (4, 1234) (6, 0: a process not visible to us).
 */
static void script_mixed_events(void)
{
	static const uint32_t events[][2] = {
		{ 3, 1234 }, { 4, 99 }, { 5, 1234 }, { 4, 1234 }, { 6, 0 },
	};
	struct fake_step *s;

	fake_reset(&fk);
	fake_family_with_group(&fk, "nlctrl", CTRMAP_MCGRP_MONITOR);
	fake_sleep(&fk, 50);
	/* Two datagrams: events come several to a read, too. */
	s = fake_send(&fk);
	for (size_t i = 0; i < sizeof(events) / sizeof(events[0]); i++) {
		if (i == 2)
			s = fake_send(&fk);
		part_notify(s, detached_msg(events[i][0], events[i][1],
					    CTRMAP_REASON_EXIT));
	}
	fake_start(&fk);
}

static void test_monitor_filters(void)
{
	struct result r;

	script_mixed_events();
	ctl(&r, "monitor", "--region", "4", "--count", "2", NULL);
	fake_wait(&fk);
	ended(&r, 0,
	      "detached region 4 pid 99 reason exit\n"
	      "detached region 4 pid 1234 reason exit\n", "",
	      "monitor --region 4: region 4's events only");

	script_mixed_events();
	ctl(&r, "monitor", "--pid", "1234", "--count", "3", NULL);
	fake_wait(&fk);
	ended(&r, 0,
	      "detached region 3 pid 1234 reason exit\n"
	      "detached region 5 pid 1234 reason exit\n"
	      "detached region 4 pid 1234 reason exit\n", "",
	      "monitor --pid 1234: process 1234's events only");

	script_mixed_events();
	ctl(&r, "-j", "monitor", "--pid", "1234", "--region", "0x4",
	    "--count", "1", NULL);
	fake_wait(&fk);
	ended(&r, 0,
	      "{\"event\":\"detached\",\"id\":4,\"pid\":1234,\"reason\":\"exit\"}\n",
	      "", "monitor --pid 1234 --region 4: both must match");

	script_mixed_events();
	ctl(&r, "monitor", "--region", "6", "--count", "1", NULL);
	fake_wait(&fk);
	ended(&r, 0, "detached region 6 pid 0 reason exit\n", "",
	      "monitor --region 6: an event whose process is not visible");

	/* Only the events shown count towards --count. */
	script_mixed_events();
	ctl(&r, "monitor", "--pid", "99", "--count", "2", "--timeout", "1",
	    NULL);
	fake_wait(&fk);
	ended(&r, CTL_EXIT_FAILED, "detached region 4 pid 99 reason exit\n",
	      "counterctl: monitor: timed out after 1 s with 1 of 2 events\n",
	      "monitor --pid 99 --count 2: its one event, then the timeout");
}

/*
 * Whether process pid's standard error is a file that holds text and
 * nothing else (ctl() points it at one): read through /proc/PID/fd/2,
 * which leaves the process's own offset alone. Never a pipe: reading
 * that would take what it holds.
 */
static bool stderr_is(pid_t pid, const char *text)
{
	char path[64], buf[256];
	struct stat st;
	size_t n;
	FILE *fp;

	snprintf(path, sizeof(path), "/proc/%d/fd/2", (int)pid);
	if (stat(path, &st) < 0 || !S_ISREG(st.st_mode))
		return false;
	fp = fopen(path, "r");
	if (!fp)
		return false;
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	buf[n] = '\0';
	fclose(fp);
	return !strcmp(buf, text);
}

/* SIGTERM: a clean exit 0, the signal consumed. */
static void test_watch_signal(void)
{
	struct result r;
	pid_t child;
	int pipefd[2], status;
	char buf[4096];
	ssize_t n;

	fflush(stdout);
	if (pipe(pipefd) < 0)
		abort();
	child = fork();
	if (child == 0) {
		dup2(pipefd[1], STDOUT_FILENO);
		script_watch(0);
		ctl(&r, "watch", "--ready", NULL);
		fake_wait(&fk);
		/* What the parent reads: status and stderr. */
		printf("status=%d err=%s", r.status, r.err);
		fflush(stdout);
		_exit(0);
	}
	close(pipefd[1]);
	/*
	 * Once watch says "ready" it has blocked SIGTERM and takes it
	 * through its signalfd (the fake kernel's thread blocks every
	 * signal). Its SigBlk cannot tell: under valgrind it shows
	 * valgrind's mask, every signal blocked from the start.
	 */
	for (int i = 0; i < 1000 && !stderr_is(child, "ready\n"); i++)
		usleep(10 * 1000);
	kill(child, SIGTERM);
	n = read(pipefd[0], buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = '\0';
	close(pipefd[0]);
	waitpid(child, &status, 0);
	ok(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	   "watch: SIGTERM does not kill the process");
	is_str(buf, "status=0 err=ready\n", "watch: SIGTERM: exit 0");
}

static void test_numbers(void)
{
	static const struct {
		const char *s;
		uint64_t max, want;
		int ret;
	} cases[] = {
		{ "0", UINT64_MAX, 0, 0 },
		{ "42", UINT64_MAX, 42, 0 },
		{ "0x2a", UINT64_MAX, 42, 0 },
		{ "0X2A", UINT64_MAX, 42, 0 },
		{ "010", UINT64_MAX, 10, 0 },
		{ "18446744073709551615", UINT64_MAX, UINT64_MAX, 0 },
		{ "0xffffffffffffffff", UINT64_MAX, UINT64_MAX, 0 },
		{ "4294967295", UINT32_MAX, UINT32_MAX, 0 },
		{ "18446744073709551616", UINT64_MAX, 0, -EINVAL },
		{ "0x10000000000000000", UINT64_MAX, 0, -EINVAL },
		{ "4294967296", UINT32_MAX, 0, -EINVAL },
		{ "0x100000000", UINT32_MAX, 0, -EINVAL },
		{ "", UINT64_MAX, 0, -EINVAL },
		{ "0x", UINT64_MAX, 0, -EINVAL },
		{ "-1", UINT64_MAX, 0, -EINVAL },
		{ "+1", UINT64_MAX, 0, -EINVAL },
		{ " 1", UINT64_MAX, 0, -EINVAL },
		{ "1 ", UINT64_MAX, 0, -EINVAL },
		{ "1k", UINT64_MAX, 0, -EINVAL },
		{ "0b1", UINT64_MAX, 0, -EINVAL },
		{ "12ab", UINT64_MAX, 0, -EINVAL },
		{ "0x-1", UINT64_MAX, 0, -EINVAL },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint64_t v = 7;
		int ret = ctl_parse_number(cases[i].s, cases[i].max, &v);

		ok(ret == cases[i].ret &&
		   (ret ? v == 7 : v == cases[i].want),
		   "number '%s' (max %" PRIu64 "): %s", cases[i].s,
		   cases[i].max, cases[i].ret ? "refused" : "parsed");
	}
}

/*
 * counterctl status against a module older than the library (no reason
 * unload) and a newer one (a reason 5 it has no name for): it prints.
 */
static void test_status(void)
{
	struct result r;

	script_reply(stats_reply(0x0e));
	ctl(&r, "status", NULL);
	fake_wait(&fk);
	is_int(r.status, 0, "status, older module: exit 0");
	ok(strstr(r.out, "detaches:        request 4 exit 5 unmapped 6\n") &&
	   strstr(r.out, "  max bindings per region: 32\n"),
	   "status, older module: the reasons it sent, and the rest");
	is_str(r.err, "", "status, older module: nothing on stderr");

	script_reply(stats_reply(0x3e));
	ctl(&r, "-j", "status", NULL);
	fake_wait(&fk);
	is_int(r.status, 0, "status -j, newer module: exit 0");
	check_jq(r.out, ".detaches | [.unload, .[\"5\"]] | map(tostring) | join(\",\")",
		 "7,8", "status -j, newer module: the unknown reason by number");
}

int main(void)
{
	struct ctrmap_handle *probe;
	int err = fake_open(&fk);

	test_numbers();
	if (!err)
		err = fake_handle(&fk, &probe);
	if (err) {
		skip_env("counterctl against the fake kernel", strerror(-err));
		return done_testing();
	}
	ctrmap_close(probe);
	test_usage();
	test_version();
	test_no_module();
	test_attach();
	test_status();
	test_silent_commands();
	test_list();
	test_show();
	test_monitor();
	test_monitor_filters();
	test_watch_signal();
	fake_close(&fk);
	return done_testing();
}
