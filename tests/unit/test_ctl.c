// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * counterctl end to end, its main() included, against the fake kernel
 * (fake_kernel.h): ctrmap_open() is wrapped (ld --wrap) to hand out a
 * handle on the fake. Checks each subcommand's argument parsing (exit 2
 * and the message), the request it sends, its text and JSON output (JSON
 * also through jq where installed), the kernel's errors on stderr (exit
 * 1), monitor's filters and stopping rules, -b FILE: how a line splits
 * into words, and a batch's commands on one handle; and export: its
 * exact text, also through promtool check metrics where installed, and
 * -o FILE's atomic replacement.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "batch.h"
#include "counterctl.h"
#include "export.h"
#include "read.h"
#include "fake_kernel.h"
#include "internal.h"
#include "jq.h"
#include "promtool.h"
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
/* What counterctl's standard input holds, if not NULL (-b -). */
static const char *stdin_text;

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

/*
 * Run counterctl with the arguments (NULL-terminated), stdin_text on its
 * standard input if set; capture its output.
 */
static void __attribute__((sentinel)) ctl(struct result *r, ...)
{
	char *argv[32] = { "counterctl" };
	int argc = 1, saved_out, saved_err, saved_in = -1;
	FILE *out = tmpfile(), *err = tmpfile(), *in = NULL;
	va_list ap;

	if (!out || !err)
		abort();
	va_start(ap, r);
	while ((argv[argc] = va_arg(ap, char *)))
		argc++;
	va_end(ap);

	if (stdin_text) {
		in = tmpfile();
		if (!in || fputs(stdin_text, in) == EOF)
			abort();
		rewind(in);
		saved_in = dup(STDIN_FILENO);
		dup2(fileno(in), STDIN_FILENO);
		/* Nothing left from an earlier run in stdin's buffer. */
		__fpurge(stdin);
		clearerr(stdin);
	}
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
	if (in) {
		__fpurge(stdin);
		clearerr(stdin);
		dup2(saved_in, STDIN_FILENO);
		close(saved_in);
		fclose(in);
	}
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
	USAGE("detach junk id", "invalid region ID '3x'", "detach", "3x");
	USAGE("detach id that is no name", "invalid region ID ':x'", "detach",
	      ":x");
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
	USAGE("-b without FILE", "option '-b' needs a value", "-b");
	USAGE("--batch without FILE", "option '--batch' needs a value",
	      "-j", "--batch");
	USAGE("-b FILE COMMAND: the commands come from FILE only",
	      "unexpected argument 'list': with -b, the commands come from x",
	      "-b", "x", "list");
	USAGE("--force without -b", "--force goes with -b FILE",
	      "--force", "list");
	USAGE("-f without -b", "--force goes with -b FILE", "-f", "list");

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
	ok(strstr(r.out, "\n  -b, --batch FILE  ") &&
	   strstr(r.out, "\n  -f, --force       "),
	   "--help: -b FILE and -f");
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

/* A GET reply: region id of ncounters counters, nbindings of two_bindings. */
static struct nl_msg *region_msg_n(int flags, uint32_t id, uint32_t pid,
				   const char *comm, unsigned int nbindings,
				   unsigned int npages, uint32_t ncounters)
{
	struct nl_msg *msg = fake_msg(CTRMAP_CMD_GET, flags);
	int err = 0;

	err |= nla_put_u32(msg, CTRMAP_A_REGION_ID, id);
	err |= nla_put_u32(msg, CTRMAP_A_PID, pid);
	err |= nla_put_string(msg, CTRMAP_A_COMM, comm);
	err |= nla_put_u64(msg, CTRMAP_A_ADDR, 0x7f0000001000 + id * 0x1000);
	err |= nla_put_u64(msg, CTRMAP_A_LEN, 4096);
	err |= nla_put_u32(msg, CTRMAP_A_NPAGES, npages ? npages : 1);
	err |= nla_put_u32(msg, CTRMAP_A_NCOUNTERS, ncounters);
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

/* The same, of a page's 504 counters. */
static struct nl_msg *region_msg(int flags, uint32_t id, uint32_t pid,
				 const char *comm, unsigned int nbindings,
				 unsigned int npages)
{
	return region_msg_n(flags, id, pid, comm, nbindings, npages, 504);
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
	       "ID PID   COMM          NAME ADDR           LEN  PAGES COUNTERS STATE    BINDINGS\n"
	       "3  1234  reader        -    0x7f0000004000 4096 1     504      attached 0=timer:1ms,2=irq:11\n"
	       "12 99999 ctrmap-target -    0x7f000000d000 4096 1     504      attached -\n",
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
	is_str(r.out, "ID PID COMM NAME ADDR LEN PAGES COUNTERS STATE BINDINGS\n",
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

/* Counter i of region 3 at read number tick: only counter 1 moves. */
static uint64_t ctr_value(uint32_t i, uint32_t tick)
{
	return 1000ULL * i + (i == 1 ? 50ULL * tick : 0);
}

/* A GET dump message of region 3 with values [first, first + n). */
static struct nl_msg *values_part(uint32_t first, uint32_t n, uint32_t tick)
{
	struct nl_msg *msg = region_msg(NLM_F_MULTI, 3, 1234, "reader", 0, 0);
	uint64_t *v = calloc(n, sizeof(*v));

	if (!v)
		abort();
	for (uint32_t i = 0; i < n; i++)
		v[i] = ctr_value(first + i, tick);
	if (nla_put_u32(msg, CTRMAP_A_FIRST_INDEX, first) < 0 ||
	    nla_put(msg, CTRMAP_A_VALUES, (int)(n * sizeof(*v)), v) < 0)
		abort();
	free(v);
	return msg;
}

/*
 * Script steps: the answer to the next request, a dump of region 3's
 * values [first, first + n) at read number tick; signal sig (if not 0)
 * raised once the request is in.
 */
static void script_values(uint32_t first, uint32_t n, uint32_t tick, int sig)
{
	struct fake_step *s;

	fake_recv(&fk);
	if (sig)
		fake_signal(&fk, sig);
	s = fake_send(&fk);
	part_msg(s, values_part(first, n, tick));
	part_done(s, 0, NULL);
}

/*
 * Script steps: GET of region 3 (504 counters), then reads of values
 * [first, first + n) reads times, counter 1 moving by 50 each time;
 * SIGTERM raised once read number term_at (from 0; -1: none) is asked.
 */
static void script_read_steps(int reads, uint32_t first, uint32_t n,
			      int term_at)
{
	fake_recv(&fk);
	part_msg(fake_send(&fk), region_msg(0, 3, 1234, "reader", 0, 0));
	for (int t = 0; t < reads; t++)
		script_values(first, n, (uint32_t)t, t == term_at ? SIGTERM : 0);
}

/* Script: script_read_steps() without a signal, alone. */
static void script_read(int reads, uint32_t first, uint32_t n)
{
	fake_reset(&fk);
	script_read_steps(reads, first, n, -1);
	fake_start(&fk);
}

/* Script: a dump of region 3 with each of its 504 values. */
static void script_all_values(void)
{
	fake_reset(&fk);
	script_values(0, 504, 0, 0);
	fake_start(&fk);
}

static void test_read(void)
{
	struct nlattr *tb[CTRMAP_A_MAX + 1];
	struct genlmsghdr *g;
	struct result r;
	struct tlvs t = { .len = 0 };

	USAGE("read without id", "expected a region ID", "read");
	USAGE("read junk index", "invalid index '5x'", "read", "3", "5x");
	USAGE("read --watch 0", "invalid interval '0'", "read", "--watch", "0",
	      "3");
	USAGE("read --watch 1.", "invalid interval '1.'", "read", "--watch",
	      "1.", "3");
	USAGE("read --watch -1", "invalid interval '-1'", "read", "--watch=-1",
	      "3");
	USAGE("read --watch a day and more", "invalid interval '86400.5'",
	      "read", "--watch", "86400.5", "3");
	USAGE("read --watch without value", "option '--watch' needs a value",
	      "read", "3", "--watch");

	script_read(1, 1, 5);
	ctl(&r, "read", "3", "5", "1", NULL);
	fake_wait(&fk);
	ended(&r, 0, "5 - 5000\n1 - 1000\n", "",
	      "read ID 5 1: INDEX VALUE lines in the order asked");
	g = request(tb);
	ok(g && g->cmd == CTRMAP_CMD_GET &&
	   (((struct nlmsghdr *)fk.req)->nlmsg_flags & NLM_F_DUMP) &&
	   tb[CTRMAP_A_REGION_ID] && nla_get_u32(tb[CTRMAP_A_REGION_ID]) == 3 &&
	   tb[CTRMAP_A_FIRST_INDEX] &&
	   nla_get_u32(tb[CTRMAP_A_FIRST_INDEX]) == 1 && tb[CTRMAP_A_COUNT] &&
	   nla_get_u32(tb[CTRMAP_A_COUNT]) == 5,
	   "read ID 5 1: one dump of region 3, counters 1 to 5");
	is_int(fk.nreqs, 2, "read: the region's size, then its values");

	script_read(1, 2, 1);
	ctl(&r, "-j", "read", "3", "2", NULL);
	fake_wait(&fk);
	ended(&r, 0, "[{\"index\":2,\"value\":2000}]\n", "",
	      "read -j: an array of {index, value}");
	check_jq(r.out, ".[0].value", "2000", "read -j: the value");

	/* Every counter, in two parts as a dump brings 504 of them. */
	{
		struct fake_step *st;

		fake_reset(&fk);
		fake_recv(&fk);
		part_msg(fake_send(&fk), region_msg(0, 3, 1234, "reader", 0, 0));
		fake_recv(&fk);
		part_msg(fake_send(&fk), values_part(0, 300, 0));
		st = fake_send(&fk);
		part_msg(st, values_part(300, 204, 0));
		part_done(st, 0, NULL);
		fake_start(&fk);
		ctl(&r, "read", "3", NULL);
		fake_wait(&fk);
		is_int(r.status, 0, "read ID: exit 0");
		ok(!strncmp(r.out, "0 - 0\n1 - 1000\n2 - 2000\n", 24) &&
		   strstr(r.out, "\n299 - 299000\n300 - 300000\n") &&
		   strstr(r.out, "\n503 - 503000\n") &&
		   !strstr(r.out, "\n504 "),
		   "read ID: every counter, 0 to 503, from both parts");
		request(tb);
		ok(!tb[CTRMAP_A_FIRST_INDEX] ||
		   (nla_get_u32(tb[CTRMAP_A_FIRST_INDEX]) == 0 &&
		    tb[CTRMAP_A_COUNT] && nla_get_u32(tb[CTRMAP_A_COUNT]) == 504),
		   "read ID: counters 0 to 503 asked");
	}

	/* An index past the end is said before anything is read. */
	script_read(0, 0, 0);
	ctl(&r, "read", "3", "1", "504", NULL);
	fake_wait(&fk);
	ended(&r, 1, "",
	      "counterctl: read: index 504 is past the last counter of region 3 (it has 504)\n",
	      "read past the end: exit 1, says so");
	is_int(fk.nreqs, 1, "read past the end: no values asked");

	/* The kernel's refusal of the values. */
	tlv_msg(&t, "count goes past the region's last counter");
	fake_reset(&fk);
	fake_recv(&fk);
	part_msg(fake_send(&fk), region_msg(0, 3, 1234, "reader", 0, 0));
	fake_recv(&fk);
	part_done(fake_send(&fk), -ERANGE, &t);
	fake_start(&fk);
	ctl(&r, "read", "3", "7", NULL);
	fake_wait(&fk);
	ended(&r, 1, "",
	      "counterctl: cannot read the counters: Numerical result out of range\n"
	      "counterctl: kernel reports: count goes past the region's last counter\n",
	      "read refused: exit 1, the kernel's message");

	script_error(-ENOENT, "no such region", -1, -1);
	ctl(&r, "read", "9", NULL);
	fake_wait(&fk);
	ended(&r, 1, "",
	      "counterctl: cannot read the counters: No such file or directory\n"
	      "counterctl: kernel reports: no such region\n",
	      "read of no region (or another's): exit 1, ENOENT");
}

static void test_show_values(void)
{
	struct nlattr *tb[CTRMAP_A_MAX + 1];
	struct result r;

	script_all_values();
	ctl(&r, "show", "3", "-s", NULL);
	fake_wait(&fk);
	is_int(r.status, 0, "show -s: exit 0");
	ok(strstr(r.out, "bindings:  -\ncounter 0: 0\ncounter 1: 1000\n") &&
	   strstr(r.out, "\ncounter 503: 503000\n"),
	   "show -s: counter N: VALUE lines after the rest");
	request(tb);
	ok(tb[CTRMAP_A_REGION_ID] && nla_get_u32(tb[CTRMAP_A_REGION_ID]) == 3 &&
	   tb[CTRMAP_A_FIRST_INDEX] && !tb[CTRMAP_A_COUNT] &&
	   (((struct nlmsghdr *)fk.req)->nlmsg_flags & NLM_F_DUMP),
	   "show -s: a dump of region 3 with every value");

	script_all_values();
	ctl(&r, "-j", "show", "--stats", "3", NULL);
	fake_wait(&fk);
	is_int(r.status, 0, "show -j --stats: exit 0");
	ok(strstr(r.out, "\"values\":[{\"index\":0,\"value\":0},{\"index\":1,\"value\":1000},") != NULL,
	   "show -j -s: values, an array of {index, value}");
	check_jq(r.out, ".values | length", "504", "show -j -s: every counter");
}

/*
 * region_msg() of region id, named name (if not NULL), with counters 0
 * and 5 named "packets" and "drops".
 */
static struct nl_msg *named_region_msg(int flags, uint32_t id,
				       const char *name)
{
	struct nl_msg *msg = region_msg(flags, id, 1234, "reader", 0, 0);
	struct nlattr *all, *c;
	int err = 0;

	if (name)
		err |= nla_put_string(msg, CTRMAP_A_NAME, name);
	all = nla_nest_start(msg, CTRMAP_A_COUNTERS);
	c = nla_nest_start(msg, CTRMAP_A_COUNTER);
	err |= nla_put_u32(msg, CTRMAP_COUNTER_A_INDEX, 0);
	err |= nla_put_string(msg, CTRMAP_COUNTER_A_NAME, "packets");
	nla_nest_end(msg, c);
	c = nla_nest_start(msg, CTRMAP_A_COUNTER);
	err |= nla_put_u32(msg, CTRMAP_COUNTER_A_INDEX, 5);
	err |= nla_put_string(msg, CTRMAP_COUNTER_A_NAME, "drops");
	nla_nest_end(msg, c);
	nla_nest_end(msg, all);
	if (err)
		abort();
	return msg;
}

/* Script steps: a dump of regions 3 and 12, both named name. */
static void script_named_dump(const char *name3, const char *name12)
{
	struct fake_step *s;

	fake_recv(&fk);
	s = fake_send(&fk);
	part_msg(s, named_region_msg(NLM_F_MULTI, 3, name3));
	part_msg(s, named_region_msg(NLM_F_MULTI, 12, name12));
	part_done(s, 0, NULL);
}

/* Whether the last request was NAME of region id, index, name. */
static bool name_request(uint32_t id, int64_t index, const char *name)
{
	struct nlattr *tb[CTRMAP_A_MAX + 1];
	struct genlmsghdr *g = request(tb);

	return g && g->cmd == CTRMAP_CMD_NAME &&
	       (((struct nlmsghdr *)fk.req)->nlmsg_flags & NLM_F_ACK) &&
	       tb[CTRMAP_A_REGION_ID] &&
	       nla_get_u32(tb[CTRMAP_A_REGION_ID]) == id &&
	       (index < 0 ? !tb[CTRMAP_A_INDEX] :
			    tb[CTRMAP_A_INDEX] &&
			    nla_get_u32(tb[CTRMAP_A_INDEX]) == index) &&
	       (name ? tb[CTRMAP_A_NAME] &&
		       !strcmp(nla_get_string(tb[CTRMAP_A_NAME]), name) :
		       !tb[CTRMAP_A_NAME]);
}

static void test_names(void)
{
	struct nlattr *tb[CTRMAP_A_MAX + 1];
	struct result r;

	USAGE("name without arguments", "expected ID [INDEX] NAME", "name");
	USAGE("name of nothing", "expected ID [INDEX] NAME", "name", "3");
	USAGE("name too many", "unexpected argument 'd'", "name", "3", "0",
	      "c", "d");
	USAGE("name --remove too many", "unexpected argument 'c'", "name",
	      "--remove", "3", "0", "c");
	USAGE("name junk index", "invalid index '0x'", "name", "3", "0x",
	      "rx");

	script_reply(NULL);
	ctl(&r, "name", "3", "0", "rx_packets", NULL);
	fake_wait(&fk);
	ended(&r, 0, "", "", "name ID INDEX NAME: exit 0, silent");
	ok(name_request(3, 0, "rx_packets"),
	   "name ID INDEX NAME: NAME of counter 0, with an ACK");

	script_reply(NULL);
	ctl(&r, "name", "3", "rxq0", NULL);
	fake_wait(&fk);
	ended(&r, 0, "", "", "name ID NAME: exit 0");
	ok(name_request(3, -1, "rxq0"), "name ID NAME: the region's, no index");

	script_reply(NULL);
	ctl(&r, "name", "--remove", "3", "2", NULL);
	fake_wait(&fk);
	ended(&r, 0, "", "", "name --remove ID INDEX: exit 0");
	ok(name_request(3, 2, NULL), "name --remove: NAME without a name");

	script_error(-EINVAL,
		     "name: only letters, digits, '_', '.', ':' and '-' (no spaces)",
		     -1, -1);
	ctl(&r, "name", "3", "0", "rx packets", NULL);
	fake_wait(&fk);
	ended(&r, 1, "",
	      "counterctl: cannot set the name: Invalid argument\n"
	      "counterctl: kernel reports: name: only letters, digits, '_', '.', ':' and '-' (no spaces)\n",
	      "name refused: exit 1, the kernel's message");

	/* attach --name: in the ATTACH request itself. */
	script_reply(attach_reply());
	ctl(&r, "attach", "--pid", "1", "--addr", "8", "--len", "72",
	    "--name", "rxq0", NULL);
	fake_wait(&fk);
	is_int(r.status, 0, "attach --name: exit 0");
	request(tb);
	ok(tb[CTRMAP_A_NAME] && !strcmp(nla_get_string(tb[CTRMAP_A_NAME]),
					"rxq0"),
	   "attach --name: ATTACH carries the name");

	/* A region and a counter by name: a dump finds the region. */
	fake_reset(&fk);
	script_named_dump("rxq0", "txq0");
	fake_recv(&fk);
	part_msg(fake_send(&fk), named_region_msg(0, 3, "rxq0"));
	script_values(0, 6, 0, 0);
	fake_start(&fk);
	ctl(&r, "read", "rxq0", "drops", "1", "packets", NULL);
	fake_wait(&fk);
	ended(&r, 0, "5 drops 5000\n1 - 1000\n0 packets 0\n",
	      "", "read NAME NAME INDEX: names resolved, shown by name or -");
	request(tb);
	ok(tb[CTRMAP_A_REGION_ID] && nla_get_u32(tb[CTRMAP_A_REGION_ID]) == 3,
	   "read by name: region 3's values");

	fake_reset(&fk);
	fake_recv(&fk);
	part_msg(fake_send(&fk), named_region_msg(0, 3, "rxq0"));
	fake_start(&fk);
	ctl(&r, "read", "3", "bytes", NULL);
	fake_wait(&fk);
	ended(&r, 1, "", "counterctl: region 3 has no counter named 'bytes'\n",
	      "read of a name the region lacks: exit 1, says so");
	is_int(fk.nreqs, 1, "read of an unknown name: no values asked");

	fake_reset(&fk);
	script_named_dump("rxq0", "rxq0");
	fake_start(&fk);
	ctl(&r, "detach", "rxq0", NULL);
	fake_wait(&fk);
	ended(&r, 1, "",
	      "counterctl: 2 regions are named 'rxq0' (ids 3 12): give the id\n",
	      "a name two regions have: exit 1, their ids");
	is_int(fk.nreqs, 1, "an ambiguous name: nothing detached");

	fake_reset(&fk);
	script_named_dump("rxq0", NULL);
	fake_start(&fk);
	ctl(&r, "show", "txq9", NULL);
	fake_wait(&fk);
	ended(&r, 1, "", "counterctl: no region is named 'txq9'\n",
	      "a name no region has: exit 1, says so");

	/* bind --name: BIND, then NAME; a refused name undoes the bind. */
	fake_reset(&fk);
	fake_recv(&fk);
	part_msg(fake_send(&fk), act_reply(CTRMAP_CMD_BIND, 3));
	fake_recv(&fk);
	part_ack(fake_send(&fk));
	fake_start(&fk);
	ctl(&r, "bind", "--name", "ticks", "3", "1", "timer:1ms", NULL);
	fake_wait(&fk);
	ended(&r, 0, "", "", "bind --name: exit 0, silent");
	ok(name_request(3, 1, "ticks"), "bind --name: then NAME of counter 1");

	fake_reset(&fk);
	fake_recv(&fk);
	part_msg(fake_send(&fk), act_reply(CTRMAP_CMD_BIND, 3));
	fake_recv(&fk);
	part_error(fake_send(&fk), -EEXIST, NULL);
	fake_recv(&fk);
	part_msg(fake_send(&fk), act_reply(CTRMAP_CMD_UNBIND, 3));
	fake_start(&fk);
	ctl(&r, "bind", "3", "1", "timer:1ms", "--name", "packets", NULL);
	fake_wait(&fk);
	ended(&r, 1, "", "counterctl: cannot name the counter: File exists\n",
	      "bind --name refused: exit 1");
	ok(request(tb) && ((struct genlmsghdr *)nlmsg_data(
		(struct nlmsghdr *)fk.req))->cmd == CTRMAP_CMD_UNBIND &&
	   nla_get_u32(tb[CTRMAP_A_INDEX]) == 1,
	   "bind --name refused: the binding is undone (UNBIND)");

	/* show: the region's name, and with -s the counters'. */
	fake_reset(&fk);
	fake_recv(&fk);
	part_msg(fake_send(&fk), named_region_msg(0, 3, "rxq0"));
	fake_start(&fk);
	ctl(&r, "show", "3", NULL);
	fake_wait(&fk);
	ok(r.status == 0 && strstr(r.out, "comm:      reader\nname:      rxq0\n"),
	   "show: a name: line after comm:");
}

/* What read_print_rates() prints of idx[0..n) in format, into buf. */
static unsigned int rates_text(char *buf, size_t size,
			       enum print_format format, const uint32_t *idx,
			       const char *const *names,
			       unsigned int n, const uint64_t *before,
			       const uint64_t *after, uint64_t elapsed_ns)
{
	FILE *fp = tmpfile();
	struct printer p;
	unsigned int changed;

	if (!fp)
		abort();
	print_begin_array(&p, fp, format);
	changed = read_print_rates(&p, idx, names, n, 0, before, after,
				   elapsed_ns);
	print_end(&p);
	slurp(fp, buf, size);
	return changed;
}

static void test_read_printers(void)
{
	static const uint32_t idx[] = { 4, 1, 2 };
	static const char *const names[] = { "rx_drops", NULL, NULL };
	static const uint64_t before[] = { 0, 10, 20, 30, UINT64_MAX - 4 };
	static const uint64_t after[] = { 0, 15, 20, 30, 5 };
	uint64_t ns = 0;
	char buf[256];

	ok(!read_parse_interval("1", &ns) && ns == 1000000000ULL,
	   "interval 1: a second");
	ok(!read_parse_interval("0.25", &ns) && ns == 250000000ULL,
	   "interval 0.25: a quarter second");
	ok(!read_parse_interval("86400", &ns) && ns == 86400000000000ULL,
	   "interval 86400: a day");
	ok(!read_parse_interval("0.000000001", &ns) && ns == 1,
	   "interval 0.000000001: a nanosecond");
	ok(read_parse_interval("0.0000000001", &ns) == -EINVAL,
	   "interval finer than a nanosecond: -EINVAL");
	ok(read_parse_interval("0.0", &ns) == -EINVAL, "interval 0.0: -EINVAL");
	ok(read_parse_interval(".5", &ns) == -EINVAL, "interval .5: -EINVAL");
	ok(read_parse_interval("1s", &ns) == -EINVAL, "interval 1s: -EINVAL");
	ok(read_parse_interval("99999999999999999999", &ns) == -EINVAL,
	   "interval that overflows: -EINVAL");

	/* Rates over half a second; counter 4 wraps (modulo 2^64). */
	is_int(rates_text(buf, sizeof(buf), PRINT_FORMAT_TEXT, idx, names, 3,
			  before, after, 500000000), 2,
	       "rates: two counters changed");
	is_str(buf, "4 rx_drops 20.00\n1 - 10.00\n",
	       "rates: INDEX NAME RATE per second (- unnamed), unchanged ones left out");

	rates_text(buf, sizeof(buf), PRINT_FORMAT_JSON, idx + 1, names + 1, 2,
		   before, after, 2000000000);
	is_str(buf, "[{\"index\":1,\"rate\":2.50}]\n",
	       "rates -j: {index, rate} without a name");

	rates_text(buf, sizeof(buf), PRINT_FORMAT_JSON, idx, names, 1, before,
		   after, 1000000000);
	is_str(buf, "[{\"index\":4,\"name\":\"rx_drops\",\"rate\":10.00}]\n",
	       "rates -j: {index, name, rate}");

	rates_text(buf, sizeof(buf), PRINT_FORMAT_JSON, idx + 2, NULL, 1, before,
		   after, 1000000000);
	is_str(buf, "[]\n", "rates -j: nothing changed, an empty array");
}

/*
 * Fork a child whose standard output goes to *rfd, for the parent to
 * read; returns its pid, or 0 in the child.
 */
static pid_t fork_piped(int *rfd)
{
	int pipefd[2];
	pid_t child;

	fflush(stdout);
	if (pipe(pipefd) < 0)
		abort();
	child = fork();
	if (child < 0)
		abort();
	if (child == 0) {
		close(pipefd[0]);
		dup2(pipefd[1], STDOUT_FILENO);
		close(pipefd[1]);
		return 0;
	}
	close(pipefd[1]);
	*rfd = pipefd[0];
	return child;
}

/* What the child says on fd, to its end, into buf; fd closed. */
static void read_child(int fd, char *buf, size_t size)
{
	size_t got = 0;
	ssize_t n;

	while (got < size - 1 && (n = read(fd, buf + got, size - 1 - got)) > 0)
		got += (size_t)n;
	buf[got] = '\0';
	close(fd);
}

/*
 * read --watch: rates each interval; SIGTERM ends it with status 0. The
 * fake sends SIGTERM once the third read is asked, which is after the
 * first rates are out: no guess at how long that takes. In a child, as
 * a SIGTERM not taken through the signalfd would kill the process.
 */
static void test_read_watch(void)
{
	struct result r;
	pid_t child;
	int fd, status;
	char buf[1 << 14];
	unsigned int index[2] = { 0, 0 };
	double rate[2] = { 0, 0 };

	child = fork_piped(&fd);
	if (child == 0) {
		fake_reset(&fk);
		script_read_steps(3, 1, 5, 2);
		fake_start(&fk);
		ctl(&r, "read", "--watch", "0.5", "3", "1", "5", NULL);
		printf("status=%d fake=%d err=%s|out=%s", r.status,
		       fake_wait(&fk), r.err, r.out);
		fflush(stdout);
		_exit(0);
	}
	read_child(fd, buf, sizeof(buf));
	waitpid(child, &status, 0);
	if (!ok(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		"read --watch: SIGTERM does not kill the process"))
		printf("# status %#x, said: %s\n", status, buf);
	ok(!strncmp(buf, "status=0 fake=0 err=|out=", 25),
	   "read --watch: SIGTERM: exit 0, nothing on stderr, every read asked");
	/*
	 * 50 more each read. The second read is 0.5 s or more after the
	 * first: at most 100 a second. The third keeps to the schedule, so
	 * it may follow a late second by less than 0.5 s: any rate.
	 */
	if (!ok(sscanf(buf, "status=0 fake=0 err=|out=%u - %lf\n%u - %lf",
		       &index[0], &rate[0], &index[1], &rate[1]) == 4 &&
		index[0] == 1 && rate[0] > 0 && rate[0] <= 100.5 &&
		index[1] == 1 && rate[1] > 0,
		"read --watch: counter 1's rate (50 in 0.5 s or more, then on schedule) each interval, counter 5 unchanged left out"))
		printf("# said: %s\n", buf);
	ok(!strstr(buf, "out=5 ") && !strstr(buf, "\n5 "),
	   "read --watch: no line for the counter that did not change");
	ok(strchr(buf, '\n') && strchr(strchr(buf, '\n') + 1, '\n') &&
	   !strchr(strchr(strchr(buf, '\n') + 1, '\n') + 1, '\n'),
	   "read --watch: two intervals, then the signal ends it");
}

/* SIGTERM: a clean exit 0, the signal consumed. */
static void test_watch_signal(void)
{
	struct result r;
	pid_t child;
	int fd, status;
	char buf[4096];

	child = fork_piped(&fd);
	if (child == 0) {
		script_watch(0);
		ctl(&r, "watch", "--ready", NULL);
		fake_wait(&fk);
		/* What the parent reads: status and stderr. */
		printf("status=%d err=%s", r.status, r.err);
		fflush(stdout);
		_exit(0);
	}
	/*
	 * Once watch says "ready" it has blocked SIGTERM and takes it
	 * through its signalfd (the fake kernel's thread blocks every
	 * signal). Its SigBlk cannot tell: under valgrind it shows
	 * valgrind's mask, every signal blocked from the start.
	 */
	for (int i = 0; i < 1000 && !stderr_is(child, "ready\n"); i++)
		usleep(10 * 1000);
	kill(child, SIGTERM);
	read_child(fd, buf, sizeof(buf));
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

/* s with its line ends shown as \r and \n, for a test's name. */
static const char *visible(const char *s, char *buf)
{
	char *p = buf;

	for (; *s; s++) {
		if (*s == '\n' || *s == '\r') {
			*p++ = '\\';
			*p++ = *s == '\n' ? 'n' : 'r';
		} else {
			*p++ = *s;
		}
	}
	*p = '\0';
	return buf;
}

/*
 * How batch_split() takes a line apart: the words joined by '|', or
 * what it returns instead. argv has exactly the room it asks for, so
 * valgrind would see a word too many.
 */
static void test_split(void)
{
	static const struct {
		const char *line;
		int ret;
		const char *words;	/* or the quote left open */
	} cases[] = {
		{ "attach --pid 1234 --addr 0x7f0000000000 --len 4096\n", 7,
		  "attach|--pid|1234|--addr|0x7f0000000000|--len|4096" },
		{ "  bind\t3 0   timer:1ms  \n", 4, "bind|3|0|timer:1ms" },
		{ "list\r\n", 1, "list" },
		{ "", 0, "" },
		{ "\n", 0, "" },
		{ " \t\r\n", 0, "" },
		{ "# a comment\n", 0, "" },
		{ "   # an indented comment", 0, "" },
		{ "list # the rest is a comment\n", 1, "list" },
		{ "list#not a comment", 3, "list#not|a|comment" },
		{ "bind 3 0 'timer:1ms'", 4, "bind|3|0|timer:1ms" },
		{ "a 'b c'  \"d  e\"", 3, "a|b c|d  e" },
		{ "a --pid=\"12\"34 x'y'z", 3, "a|--pid=1234|xyz" },
		{ "a '' \"\" b", 4, "a|||b" },
		{ "''", 1, "" },
		{ "a '#b' \"#c\" \\#d", 4, "a|#b|#c|#d" },
		{ "a 'x\\y' \"x\\y\"", 3, "a|x\\y|x\\y" },
		{ "a \"q\\\"q\" \"b\\\\s\" 'i\"s'", 4, "a|q\"q|b\\s|i\"s" },
		{ "a b\\ c \\'d\\' \\\"e\\\" \\\\", 5, "a|b c|'d'|\"e\"|\\" },
		{ "a \\\\\n", 2, "a|\\" },
		{ "a \\\n", BATCH_CONTINUED, "" },
		{ "a \\", BATCH_CONTINUED, "" },
		{ "a \"b\\\n", BATCH_CONTINUED, "" },
		{ "a 'b\\\n", BATCH_UNCLOSED, "'" },
		{ "a 'b c\n", BATCH_UNCLOSED, "'" },
		{ "a \"b c", BATCH_UNCLOSED, "\"" },
		{ "a \"b'c", BATCH_UNCLOSED, "\"" },
		{ "a 'b\"c' \"d", BATCH_UNCLOSED, "\"" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t len = strlen(cases[i].line);
		char *line = strdup(cases[i].line);
		char **argv = malloc((len / 2 + 2) * sizeof(*argv));
		char got[256] = "", shown[256], quote = 0;
		int n;

		if (!line || !argv)
			abort();
		n = batch_split(line, argv, &quote);
		if (n == BATCH_UNCLOSED) {
			got[0] = quote;
			got[1] = '\0';
		}
		for (int w = 0; w < n; w++) {
			if (w)
				strcat(got, "|");
			strcat(got, argv[w]);
		}
		ok(n == cases[i].ret && !strcmp(got, cases[i].words) &&
		   (n < 0 || !argv[n]),
		   "split '%s': %d '%s'", visible(cases[i].line, shown),
		   cases[i].ret, cases[i].words);
		if (n != cases[i].ret || strcmp(got, cases[i].words))
			printf("#   got %d '%s'\n", n, got);
		free(argv);
		free(line);
	}
}

/* The batch file the tests write (unlinked at the end). */
static char batch_path[64];

/* Make the batch file hold the len bytes of text. */
static void write_batch(const char *text, size_t len)
{
	int fd;

	if (!batch_path[0]) {
		snprintf(batch_path, sizeof(batch_path),
			 "/tmp/counterctl-batch-XXXXXX");
		fd = mkstemp(batch_path);
	} else {
		fd = open(batch_path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	}
	if (fd < 0 || write(fd, text, len) != (ssize_t)len || close(fd) < 0)
		abort();
}

#define BATCH(text) write_batch(text, sizeof(text) - 1)

/* What "counterctl: FILE:LINE: " begins, into buf, after the text before. */
static const char *where(char *buf, size_t size, const char *before,
			 unsigned int line, const char *after)
{
	snprintf(buf, size, "%scounterctl: %s:%u: %s", before, batch_path,
		 line, after);
	return buf;
}

/* Script answers, request after request (fake_reset() first). */
static void answer(struct nl_msg *reply)
{
	fake_recv(&fk);
	part_msg(fake_send(&fk), reply);
}

static void answer_error(int error, const char *msg)
{
	struct tlvs t = { .len = 0 };

	tlv_msg(&t, msg);
	fake_recv(&fk);
	part_error(fake_send(&fk), error, &t);
}

#define ATTACH_LINE "attach --pid 1234 --addr 0x7f0000001000 --len 4096\n"
#define ATTACH_TEXT "region 3: 504 counters over 1 page(s)\n"
#define BIND_REFUSED \
	"counterctl: cannot bind the source: No such file or directory\n" \
	"counterctl: kernel reports: no such region\n"

/* The last request: ADD of delta to counter 1 of region 3. */
static bool added(uint64_t delta)
{
	struct nlattr *tb[CTRMAP_A_MAX + 1];
	struct genlmsghdr *g = request(tb);

	return g && g->cmd == CTRMAP_CMD_ADD && tb[CTRMAP_A_DELTA] &&
	       nla_get_u64(tb[CTRMAP_A_DELTA]) == delta;
}

/* Run counterctl [-f] -b batch_path, the fake answering n ADDs. */
static void run_adds(struct result *r, int n, bool force)
{
	fake_reset(&fk);
	for (int i = 0; i < n; i++)
		answer(act_reply(CTRMAP_CMD_ADD, 3));
	fake_start(&fk);
	if (force)
		ctl(r, "-f", "-b", batch_path, NULL);
	else
		ctl(r, "-b", batch_path, NULL);
	fake_wait(&fk);
}

/* Three commands: one handle, stop at the first failure or go on. */
static void test_batch_run(void)
{
	char want[1024];
	struct result r;

	BATCH("# set up a region\n"
	      "\n"
	      ATTACH_LINE
	      "bind 3 0 timer:1ms\n"
	      "  add 3 1 5 # by hand\n");
	fake_reset(&fk);
	answer(attach_reply());
	answer(act_reply(CTRMAP_CMD_BIND, 3));
	answer(act_reply(CTRMAP_CMD_ADD, 3));
	fake_start(&fk);
	nopens = 0;
	ctl(&r, "-b", batch_path, NULL);
	fake_wait(&fk);
	ended(&r, 0, ATTACH_TEXT, "", "-b FILE: three commands");
	is_int(fk.nreqs, 3, "-b FILE: three requests");
	ok(added(5), "-b FILE: the last line's request last");
	is_int(nopens, 1, "-b FILE: one handle for all the commands");

	BATCH(ATTACH_LINE
	      "bind 3 0 timer:1ms\n"
	      "add 3 1 5\n");
	fake_reset(&fk);
	answer(attach_reply());
	answer_error(-ENOENT, "no such region");
	fake_start(&fk);
	ctl(&r, "-b", batch_path, NULL);
	fake_wait(&fk);
	ended(&r, CTL_EXIT_FAILED, ATTACH_TEXT,
	      where(want, sizeof(want), BIND_REFUSED, 2, "command failed\n"),
	      "-b FILE, line 2 fails: its error, the line, status 1");
	is_int(fk.nreqs, 2, "-b FILE, line 2 fails: line 3 not run");

	fake_reset(&fk);
	answer(attach_reply());
	answer_error(-ENOENT, "no such region");
	answer(act_reply(CTRMAP_CMD_ADD, 3));
	fake_start(&fk);
	nopens = 0;
	ctl(&r, "--force", "--batch", batch_path, NULL);
	fake_wait(&fk);
	ended(&r, CTL_EXIT_FAILED, ATTACH_TEXT,
	      where(want, sizeof(want), BIND_REFUSED, 2, "command failed\n"),
	      "--force --batch FILE, line 2 fails: goes on, status 1");
	ok(fk.nreqs == 3 && added(5), "--force: line 3 run");
	is_int(nopens, 1, "--force: the handle kept after a failure");

	/* A usage error stops the batch with status 2. */
	BATCH(ATTACH_LINE
	      "attach --pid\n"
	      "add 3 1 5\n");
	fake_reset(&fk);
	answer(attach_reply());
	fake_start(&fk);
	ctl(&r, "-b", batch_path, NULL);
	fake_wait(&fk);
	ended(&r, CTL_EXIT_USAGE, ATTACH_TEXT,
	      where(want, sizeof(want),
		    "counterctl: attach: option '--pid' needs a value\n"
		    "Try 'counterctl help attach'.\n", 2, "command failed\n"),
	      "-b FILE, a bad option on line 2: status 2, the line named");
	is_int(fk.nreqs, 1, "-b FILE, a bad option on line 2: line 3 not run");

	BATCH("frobnicate\n"
	      "add 3 1 5\n");
	run_adds(&r, 1, true);
	ended(&r, CTL_EXIT_FAILED, "",
	      where(want, sizeof(want),
		    "counterctl: unknown command 'frobnicate'\n"
		    "Try 'counterctl --help'.\n", 1, "command failed\n"),
	      "-f -b FILE, an unknown command: goes on, status 1");
	ok(fk.nreqs == 1 && added(5), "-f -b FILE, an unknown command: line 2 run");
}

/* Where a line begins, continued lines, quotes, and odd files. */
static void test_batch_lines(void)
{
	char want[1024];
	struct result r;

	BATCH("# one\n"
	      "\n"
	      "add 3 1 \\\n"
	      "  5\n"
	      "add 3 \\\n"
	      "  600 1\n");
	fake_reset(&fk);
	answer(act_reply(CTRMAP_CMD_ADD, 3));
	answer_error(-ERANGE, "index past the region's last counter");
	fake_start(&fk);
	ctl(&r, "-b", batch_path, NULL);
	fake_wait(&fk);
	ended(&r, CTL_EXIT_FAILED, "",
	      where(want, sizeof(want),
		    "counterctl: cannot add to the counter: Numerical result out of range\n"
		    "counterctl: kernel reports: index past the region's last counter\n",
		    5, "command failed\n"),
	      "-b FILE: a command continued on the next line is named by its first");

	BATCH("add 3 1 5\n"
	      "add 3 '1 5\n"
	      "add 3 1 6\n");
	run_adds(&r, 1, false);
	ended(&r, CTL_EXIT_USAGE, "",
	      where(want, sizeof(want), "", 2, "missing closing '\n"),
	      "-b FILE, a quote not closed on line 2: status 2, the line named");
	is_int(fk.nreqs, 1, "-b FILE, a quote not closed: nothing after it run");

	run_adds(&r, 2, true);
	is_int(r.status, CTL_EXIT_FAILED,
	       "-f -b FILE, a quote not closed: status 1");
	ok(fk.nreqs == 2 && added(6), "-f -b FILE, a quote not closed: goes on");

	write_batch("add 3 1 5\nad\0d 3 1 5\n", 22);
	run_adds(&r, 1, false);
	ended(&r, CTL_EXIT_USAGE, "",
	      where(want, sizeof(want), "", 2, "a NUL byte in the line\n"),
	      "-b FILE, a NUL byte: status 2, the line named");

	BATCH("add 3 1 \\\r\n"
	      "7\r\n");
	run_adds(&r, 1, false);
	ok(r.status == 0 && added(7), "-b FILE of CR LF lines, one continued");

	BATCH("add 3 1 8 \\");
	run_adds(&r, 1, false);
	ok(r.status == 0 && added(8),
	   "-b FILE: a backslash at the very end continues nothing");

	BATCH("\n# nothing to do\n");
	fake_reset(&fk);
	nopens = 0;
	ctl(&r, "-b", batch_path, NULL);
	ended(&r, 0, "", "", "-b FILE without commands: status 0, silent");
	is_int(nopens, 0, "-b FILE without commands: no handle opened");

	nopens = 0;
	ctl(&r, "-b", "/nonexistent/batch", NULL);
	ended(&r, CTL_EXIT_FAILED, "",
	      "counterctl: cannot open /nonexistent/batch: No such file or directory\n",
	      "-b of a missing file: status 1, says so");
	ctl(&r, "-f", "-b", "/nonexistent/batch", NULL);
	is_int(r.status, CTL_EXIT_FAILED, "-f -b of a missing file: status 1");
	is_int(nopens, 0, "-b of a missing file: no handle opened");
}

/* monitor and read --watch are refused; -j and -p; standard input. */
static void test_batch_options(void)
{
#define ENDLESS "cannot run in a batch (-b): it runs until it is stopped"
	static const struct {
		const char *line, *cmd, *why;
	} refused[] = {
		{ "monitor --count 1", "monitor", ENDLESS },
		{ "watch", "monitor", ENDLESS },
		{ "w", "monitor", ENDLESS },
		{ "read --watch 1 3", "read", "--watch " ENDLESS },
		{ "read 3 1 -w 0.5", "read", "--watch " ENDLESS },
		{ "read --watch=2 3 5", "read", "--watch " ENDLESS },
	};
#undef ENDLESS
	char want[1024], text[64], name[128], said[256];
	struct result r;

	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		snprintf(text, sizeof(text), "%s\nadd 3 1 5\n", refused[i].line);
		write_batch(text, strlen(text));
		fake_reset(&fk);
		nopens = 0;
		ctl(&r, "-b", batch_path, NULL);
		snprintf(name, sizeof(name),
			 "-b FILE, '%s': refused, the line named",
			 refused[i].line);
		snprintf(said, sizeof(said),
			 "counterctl: %s: %s\nTry 'counterctl help %s'.\n",
			 refused[i].cmd, refused[i].why, refused[i].cmd);
		ended(&r, CTL_EXIT_USAGE, "",
		      where(want, sizeof(want), said, 1, "command failed\n"),
		      name);
		ok(nopens == 0 && fk.nreqs == 0,
		   "-b FILE, '%s': nothing opened or sent", refused[i].line);
	}

	BATCH(ATTACH_LINE
	      "add 3 1 5\n"
	      ATTACH_LINE);
	fake_reset(&fk);
	answer(attach_reply());
	answer(act_reply(CTRMAP_CMD_ADD, 3));
	answer(attach_reply());
	fake_start(&fk);
	ctl(&r, "-j", "-b", batch_path, NULL);
	fake_wait(&fk);
	ended(&r, 0,
	      "{\"id\":3,\"ncounters\":504,\"npages\":1}\n"
	      "{\"id\":3,\"ncounters\":504,\"npages\":1}\n", "",
	      "-j -b FILE: -j for every line, one JSON document each");
	check_jq(r.out, "[., input] | map(.id)", "[3,3]",
		 "-j -b FILE: two valid JSON documents, as jq reads them");

	BATCH("attach -p --pid 1 --addr 8 --len 72\n"
	      ATTACH_LINE);
	fake_reset(&fk);
	answer(attach_reply());
	answer(attach_reply());
	fake_start(&fk);
	ctl(&r, "-b", batch_path, NULL);
	fake_wait(&fk);
	ended(&r, 0,
	      "{\n"
	      "    \"id\": 3,\n"
	      "    \"ncounters\": 504,\n"
	      "    \"npages\": 1\n"
	      "}\n"
	      ATTACH_TEXT, "",
	      "-b FILE: -p after a line's command is for that line alone");

	stdin_text = ATTACH_LINE "add 3 1 9\n";
	fake_reset(&fk);
	answer(attach_reply());
	answer(act_reply(CTRMAP_CMD_ADD, 3));
	fake_start(&fk);
	ctl(&r, "-b", "-", NULL);
	fake_wait(&fk);
	ended(&r, 0, ATTACH_TEXT, "", "-b -: the commands from standard input");
	ok(fk.nreqs == 2 && added(9), "-b -: both run");

	stdin_text = "add 3 1 9\nadd 3 1 1 1\n";
	fake_reset(&fk);
	answer(act_reply(CTRMAP_CMD_ADD, 3));
	fake_start(&fk);
	ctl(&r, "--batch=-", NULL);
	fake_wait(&fk);
	ended(&r, CTL_EXIT_USAGE, "",
	      "counterctl: add: unexpected argument '1'\n"
	      "Try 'counterctl help add'.\n"
	      "counterctl: -:2: command failed\n",
	      "--batch=-, line 2 fails: named as -:2");
	stdin_text = NULL;
}

/*
 * text through promtool check metrics (promtool.h): it must parse, and
 * the linter may say one thing only: that the family ctrmap_counter_total
 * has its type in its name. That name is the one ctrmap chose; anything
 * else the linter finds (a family without HELP, a counter not named
 * _total) fails.
 */
static void check_promtool(const char *text, const char *name)
{
	static const char name_lint[] =
		"ctrmap_counter_total metric name should not include type 'counter'\n";
	char out[4096];
	int status;

	if (!have_promtool()) {
		skip_env(name, "promtool not installed (Debian package prometheus; tests/lib/deps installs it)");
		return;
	}
	status = promtool_check(text, out, sizeof(out));
	if (!ok(status == 0 || (status == 3 && !strcmp(out, name_lint)),
		"%s (promtool check metrics)", name))
		printf("#   promtool: status %d: %s", status, out);
}

/* The module's figures as stats_reply() has them, reasons 0x1e. */
#define EXPORT_STATS							\
	"# HELP ctrmap_regions Regions attached now, of all processes.\n" \
	"# TYPE ctrmap_regions gauge\n"					\
	"ctrmap_regions 3\n"						\
	"# HELP ctrmap_pinned_pages Pages pinned for regions now, of all processes.\n" \
	"# TYPE ctrmap_pinned_pages gauge\n"				\
	"ctrmap_pinned_pages 12\n"
#define EXPORT_DETACHES							\
	"# HELP ctrmap_detaches_total Regions torn down since the module was loaded, by reason.\n" \
	"# TYPE ctrmap_detaches_total counter\n"			\
	"ctrmap_detaches_total{reason=\"request\"} 4\n"			\
	"ctrmap_detaches_total{reason=\"exit\"} 5\n"			\
	"ctrmap_detaches_total{reason=\"unmapped\"} 6\n"		\
	"ctrmap_detaches_total{reason=\"unload\"} 7\n"
#define EXPORT_COUNTERS_HEAD						\
	"# HELP ctrmap_counter_total The value of each counter of each region the exporter may act on.\n" \
	"# TYPE ctrmap_counter_total counter\n"
#define EXPORT_REGION_3							\
	"ctrmap_counter_total{region=\"3\",region_name=\"rxq0\",index=\"0\",name=\"\",pid=\"1234\",comm=\"reader\",source=\"timer:1ms\"} 0\n" \
	"ctrmap_counter_total{region=\"3\",region_name=\"rxq0\",index=\"1\",name=\"bytes\",pid=\"1234\",comm=\"reader\",source=\"\"} 1000\n" \
	"ctrmap_counter_total{region=\"3\",region_name=\"rxq0\",index=\"2\",name=\"\",pid=\"1234\",comm=\"reader\",source=\"irq:11\"} 18446744073709551615\n"
#define EXPORT_REGION_12						\
	"ctrmap_counter_total{region=\"12\",region_name=\"\",index=\"0\",name=\"\",pid=\"99999\",comm=\"we\\\"ird\\\\co\\nmm\",source=\"\"} 5\n" \
	"ctrmap_counter_total{region=\"12\",region_name=\"\",index=\"1\",name=\"\",pid=\"99999\",comm=\"we\\\"ird\\\\co\\nmm\",source=\"\"} 7\n"
/* "café" and a character cut after its first byte: U+FFFD. */
#define EXPORT_REGION_13						\
	"ctrmap_counter_total{region=\"13\",region_name=\"\",index=\"0\",name=\"\",pid=\"7\",comm=\"caf\xc3\xa9\xef\xbf\xbd\",source=\"\"} 42\n"
#define EXPORT_ALL							\
	EXPORT_STATS EXPORT_DETACHES EXPORT_COUNTERS_HEAD		\
	EXPORT_REGION_3 EXPORT_REGION_12 EXPORT_REGION_13

/* A GET dump message of a region of n counters, with their values. */
static struct nl_msg *export_region_msg(int flags, uint32_t id, uint32_t pid,
					const char *comm,
					unsigned int nbindings, uint32_t n,
					const uint64_t *values)
{
	struct nl_msg *msg = region_msg_n(flags, id, pid, comm, nbindings, 0,
					  n);

	if (nla_put_u32(msg, CTRMAP_A_FIRST_INDEX, 0) < 0 ||
	    nla_put(msg, CTRMAP_A_VALUES, (int)(n * sizeof(*values)),
		    values) < 0)
		abort();
	/* Region 3 is named, and its counter 1. */
	if (id == 3) {
		struct nlattr *all, *c;

		if (nla_put_string(msg, CTRMAP_A_NAME, "rxq0") < 0)
			abort();
		all = nla_nest_start(msg, CTRMAP_A_COUNTERS);
		c = nla_nest_start(msg, CTRMAP_A_COUNTER);
		if (nla_put_u32(msg, CTRMAP_COUNTER_A_INDEX, 1) < 0 ||
		    nla_put_string(msg, CTRMAP_COUNTER_A_NAME, "bytes") < 0)
			abort();
		nla_nest_end(msg, c);
		nla_nest_end(msg, all);
	}
	return msg;
}

/*
 * Script steps: a dump of the regions of EXPORT_REGION_* in mask (bit 0:
 * 3, bit 1: 12, bit 2: 13), flagged interrupted if intr.
 */
static void script_export_dump(unsigned int mask, bool intr)
{
	static const uint64_t v3[] = { 0, 1000, UINT64_MAX };
	static const uint64_t v12[] = { 5, 7 }, v13[] = { 42 };
	int flags = NLM_F_MULTI | (intr ? NLM_F_DUMP_INTR : 0);
	struct fake_step *s;

	fake_recv(&fk);
	s = fake_send(&fk);
	if (mask & 1)
		part_msg(s, export_region_msg(flags, 3, 1234, "reader", 2, 3,
					      v3));
	if (mask & 2)
		part_msg(s, export_region_msg(flags, 12, 99999,
					      "we\"ird\\co\nmm", 0, 2, v12));
	if (mask & 4)
		part_msg(s, export_region_msg(flags, 13, 7, "caf\xc3\xa9\xc3",
					      0, 1, v13));
	part_done(s, 0, NULL);
}

/* Script: STATS (stats_reply(reasons)), then the dump of mask's regions. */
static void script_export(uint32_t reasons, unsigned int mask)
{
	fake_reset(&fk);
	fake_recv(&fk);
	part_msg(fake_send(&fk), stats_reply(reasons));
	script_export_dump(mask, false);
	fake_start(&fk);
}

/* Label values as the text format has them: \, " and newline escaped. */
static void test_export_escaping(void)
{
	static const struct {
		const char *in, *out, *name;
	} cases[] = {
		{ "reader", "reader", "plain text as it is" },
		{ "a\\b", "a\\\\b", "a backslash doubled" },
		{ "say \"hi\"", "say \\\"hi\\\"", "a quote escaped" },
		{ "two\nlines", "two\\nlines", "a newline as \\n" },
		{ "tab\tcr\r", "tab\tcr\r", "nothing else escaped: tab, CR" },
		{ "caf\xc3\xa9", "caf\xc3\xa9", "UTF-8 as it is" },
		{ "cut\xc3", "cut\xef\xbf\xbd", "a character cut: U+FFFD" },
		{ "\xff\xe2\x82", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd",
		  "each byte of invalid UTF-8: U+FFFD" },
		{ "", "", "empty" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char buf[64];
		FILE *fp = tmpfile();

		if (!fp)
			abort();
		export_label_value(fp, cases[i].in);
		slurp(fp, buf, sizeof(buf));
		is_str(buf, cases[i].out, "label value: %s", cases[i].name);
	}
}

static void test_export(void)
{
	struct nlattr *tb[CTRMAP_A_MAX + 1];
	struct genlmsghdr *g;
	struct result r;

	USAGE("export without a format", "expected the format: --openmetrics",
	      "export");
	USAGE("export extra argument", "unexpected argument 'x'",
	      "export", "--openmetrics", "x");
	USAGE("-j export", "-j and -p do not apply", "-j", "export",
	      "--openmetrics");
	USAGE("export -p", "-j and -p do not apply", "export", "-p",
	      "--openmetrics");
	USAGE("export -o without a value", "option '-o' needs a value",
	      "export", "--openmetrics", "-o");
	USAGE("export --output without a value",
	      "option '--output' needs a value", "export", "--openmetrics",
	      "--output");
	USAGE("export -o ''", "option '-o' needs a file name",
	      "export", "--openmetrics", "-o", "");

	script_export(0x1e, 7);
	ctl(&r, "export", "--openmetrics", NULL);
	fake_wait(&fk);
	ended(&r, 0, EXPORT_ALL, "",
	      "export --openmetrics: the module's figures, then a sample per counter, labels escaped");
	g = request(tb);
	ok(fk.nreqs == 2 && g && g->cmd == CTRMAP_CMD_GET &&
	   (((struct nlmsghdr *)fk.req)->nlmsg_flags & NLM_F_DUMP) &&
	   tb[CTRMAP_A_FIRST_INDEX] &&
	   nla_get_u32(tb[CTRMAP_A_FIRST_INDEX]) == 0 &&
	   !tb[CTRMAP_A_COUNT] && !tb[CTRMAP_A_REGION_ID] &&
	   !tb[CTRMAP_A_PID],
	   "export: STATS, then one GET dump of every region with every value");
	check_promtool(r.out, "export: three regions and the module's figures");

	/* A newer module's reason, by number; no region: no counters. */
	script_export(0x3e, 0);
	ctl(&r, "ex", "--openmetrics", NULL);
	fake_wait(&fk);
	ended(&r, 0,
	      EXPORT_STATS EXPORT_DETACHES
	      "ctrmap_detaches_total{reason=\"5\"} 8\n", "",
	      "export, no region: the module's figures only; a reason this tool has no name for by number");
	check_promtool(r.out, "export, no region");

	/* An older module, without the reason unload: none of it. */
	script_export(0x0e, 0);
	ctl(&r, "export", "--openmetrics", NULL);
	fake_wait(&fk);
	ok(r.status == 0 && strstr(r.out, "{reason=\"unmapped\"} 6\n") &&
	   !strstr(r.out, "unload"),
	   "export, an older module: the reasons it sent");

	/* A list that changed while it was read is read again, whole. */
	fake_reset(&fk);
	fake_recv(&fk);
	part_msg(fake_send(&fk), stats_reply(0x1e));
	script_export_dump(1, true);
	script_export_dump(2, false);
	fake_start(&fk);
	ctl(&r, "export", "--openmetrics", NULL);
	fake_wait(&fk);
	ended(&r, 0,
	      EXPORT_STATS EXPORT_DETACHES EXPORT_COUNTERS_HEAD EXPORT_REGION_12,
	      "", "export, a dump interrupted once: only what the second read saw");

	script_error(-EPERM, NULL, -1, -1);
	ctl(&r, "export", "--openmetrics", NULL);
	fake_wait(&fk);
	ended(&r, 1, "",
	      "counterctl: cannot read the module's statistics: Operation not permitted\n",
	      "export, STATS refused: exit 1, nothing printed");

	fake_reset(&fk);
	fake_recv(&fk);
	part_msg(fake_send(&fk), stats_reply(0x1e));
	fake_recv(&fk);
	part_done(fake_send(&fk), -ENOMEM, NULL);
	fake_start(&fk);
	ctl(&r, "export", "--openmetrics", NULL);
	fake_wait(&fk);
	ended(&r, 1, "",
	      "counterctl: cannot list the regions: Cannot allocate memory\n",
	      "export, the dump fails: exit 1, nothing printed");
}

/* The names in directory dir but . and .., joined by spaces. */
static const char *dir_entries(const char *dir, char *buf, size_t size)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0;

	buf[0] = '\0';
	if (!d)
		return buf;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		n += (size_t)snprintf(buf + n, size - n, "%s%s", n ? " " : "",
				      e->d_name);
		if (n >= size)
			abort();
	}
	closedir(d);
	return buf;
}

static void read_text(const char *path, char *buf, size_t size)
{
	FILE *fp = fopen(path, "r");

	buf[0] = '\0';
	if (fp)
		slurp(fp, buf, size);
}

/* export -o FILE: FILE replaced whole, by a rename, or left alone. */
static void test_export_file(void)
{
	char dir[] = "/tmp/ctrmap-export.XXXXXX", path[64], missing[96];
	char text[8192], names[256], err[256], cwd[4096];
	mode_t old_mask = umask(022);
	struct stat st0, st1;
	struct result r;
	FILE *fp;

	if (!mkdtemp(dir) || !getcwd(cwd, sizeof(cwd)))
		abort();
	snprintf(path, sizeof(path), "%s/ctrmap.prom", dir);
	fp = fopen(path, "w");
	if (!fp || fputs("old\n", fp) == EOF || fclose(fp) == EOF ||
	    stat(path, &st0) < 0)
		abort();

	script_export(0x1e, 7);
	ctl(&r, "export", "--openmetrics", "-o", path, NULL);
	fake_wait(&fk);
	ended(&r, 0, "", "", "export -o FILE: exit 0, nothing printed");
	read_text(path, text, sizeof(text));
	is_str(text, EXPORT_ALL, "export -o FILE: FILE has the text");
	ok(stat(path, &st1) == 0 && st1.st_ino != st0.st_ino,
	   "export -o FILE: FILE replaced by another file (renamed over it), not rewritten");
	is_int(st1.st_mode & 07777, 0644,
	       "export -o FILE, umask 022: mode 0644 (node_exporter runs as another user)");
	is_str(dir_entries(dir, names, sizeof(names)), "ctrmap.prom",
	       "export -o FILE: no temporary file left");

	umask(027);
	script_export(0x1e, 0);
	ctl(&r, "export", "--openmetrics", "--output", path, NULL);
	fake_wait(&fk);
	read_text(path, text, sizeof(text));
	ok(r.status == 0 && !strcmp(text, EXPORT_STATS EXPORT_DETACHES),
	   "export --output FILE: the new text");
	ok(stat(path, &st1) == 0 && (st1.st_mode & 07777) == 0640,
	   "export -o FILE, umask 027: mode 0640, as the umask says");
	umask(022);

	/* A failure leaves FILE as it was, and nothing beside it. */
	fake_reset(&fk);
	fake_recv(&fk);
	part_msg(fake_send(&fk), stats_reply(0x1e));
	fake_recv(&fk);
	part_done(fake_send(&fk), -ENOMEM, NULL);
	fake_start(&fk);
	ctl(&r, "export", "--openmetrics", "-o", path, NULL);
	fake_wait(&fk);
	ended(&r, 1, "",
	      "counterctl: cannot list the regions: Cannot allocate memory\n",
	      "export -o FILE, the dump fails: exit 1");
	read_text(path, text, sizeof(text));
	is_str(text, EXPORT_STATS EXPORT_DETACHES,
	       "export -o FILE, the dump fails: FILE as it was");
	is_str(dir_entries(dir, names, sizeof(names)), "ctrmap.prom",
	       "export -o FILE, the dump fails: no temporary file left");

	snprintf(missing, sizeof(missing), "%s/none/ctrmap.prom", dir);
	snprintf(err, sizeof(err),
		 "counterctl: cannot write %s: No such file or directory\n",
		 missing);
	script_export(0x1e, 1);
	ctl(&r, "export", "--openmetrics", "-o", missing, NULL);
	fake_wait(&fk);
	ended(&r, 1, "", err, "export -o into a directory that does not exist: exit 1, says so");

	/* A name without a directory: the current one. */
	if (chdir(dir) < 0)
		abort();
	script_export(0x1e, 1);
	ctl(&r, "export", "--openmetrics", "-o", "here.prom", NULL);
	fake_wait(&fk);
	read_text("here.prom", text, sizeof(text));
	ok(r.status == 0 &&
	   !strcmp(text, EXPORT_STATS EXPORT_DETACHES EXPORT_COUNTERS_HEAD
		   EXPORT_REGION_3),
	   "export -o NAME: NAME in the current directory");
	dir_entries(dir, names, sizeof(names));
	if (!ok(!strcmp(names, "ctrmap.prom here.prom") ||
		!strcmp(names, "here.prom ctrmap.prom"),
		"export -o NAME: no temporary file left"))
		printf("#   in the directory: %s\n", names);
	if (chdir(cwd) < 0)
		abort();

	unlink(path);
	snprintf(path, sizeof(path), "%s/here.prom", dir);
	unlink(path);
	rmdir(dir);
	umask(old_mask);
}

/* read in a batch: on the batch's handle (read --watch: above). */
static void test_batch_read(void)
{
	struct result r;

	BATCH("read 3 5 1\n"
	      "add 3 1 5\n");
	fake_reset(&fk);
	script_read_steps(1, 1, 5, -1);
	answer(act_reply(CTRMAP_CMD_ADD, 3));
	fake_start(&fk);
	nopens = 0;
	ctl(&r, "-b", batch_path, NULL);
	fake_wait(&fk);
	ended(&r, 0, "5 - 5000\n1 - 1000\n", "",
	      "-b FILE with a read line: its values, then the next line");
	ok(fk.nreqs == 3 && added(5), "-b FILE with a read line: line 2 run");
	is_int(nopens, 1, "-b FILE with a read line: one handle for both");
}

int main(void)
{
	struct ctrmap_handle *probe;
	int err = fake_open(&fk);

	test_numbers();
	test_split();
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
	test_read();
	test_show_values();
	test_read_printers();
	test_read_watch();
	test_names();
	test_export_escaping();
	test_export();
	test_export_file();
	test_batch_run();
	test_batch_lines();
	test_batch_options();
	test_batch_read();
	if (batch_path[0])
		unlink(batch_path);
	fake_close(&fk);
	return done_testing();
}
