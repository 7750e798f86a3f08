// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Helpers shared by all subcommands: opening the handle, reporting errors,
 * parsing numbers, and the parts of a region that several commands print.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <ctrmap/ctrmap.h>

#include "counterctl.h"
#include "print.h"

void ctl_error(const struct ctrmap_handle *h, int err, const char *what)
{
	const char *msg = ctrmap_errmsg(h);
	const char *attr = ctrmap_errattr(h);

	fprintf(stderr, "counterctl: %s: %s\n", what, strerror(-err));
	if (msg[0] && attr)
		fprintf(stderr, "counterctl: kernel reports: %s (attribute %s)\n",
			msg, attr);
	else if (msg[0])
		fprintf(stderr, "counterctl: kernel reports: %s\n", msg);
	else if (attr)
		fprintf(stderr, "counterctl: kernel reports: (attribute %s)\n",
			attr);
}

int ctl_open(struct ctrmap_handle **h)
{
	int err = ctrmap_open(h);

	if (!err)
		return 0;
	ctl_error(NULL, err, "cannot open the ctrmap control channel");
	if (err != -ENOENT)
		return CTL_EXIT_FAILED;
	/* Under Secure Boot an unsigned module fails to load, quietly for
	 * us: the request_module() behind the family says nothing. */
	fputs("counterctl: the ctrmap kernel module is not loaded and could not be loaded (no generic netlink family \"" CTRMAP_GENL_NAME "\")\n"
	      "counterctl: to see why: modprobe ctrmap; dkms status\n"
	      "counterctl: \"Key was rejected by service\" means Secure Boot wants the DKMS signing key (MOK) enrolled:\n"
	      "counterctl: mokutil --import /var/lib/dkms/mok.pub, then reboot and enroll it\n",
	      stderr);
	return CTL_EXIT_FAILED;
}

int ctl_usage_error(const struct ctl_cmd *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "counterctl: %s: ", cmd->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'counterctl help %s'.\n", cmd->name);
	return CTL_EXIT_USAGE;
}

int ctl_option_error(const struct ctl_cmd *cmd, int c, char **argv)
{
	const char *opt = argv[optind - 1];

	if (c == ':')
		return ctl_usage_error(cmd, "option '%s' needs a value", opt);
	/* A known long option given a value: "--verbose=1". */
	if (optopt && !strncmp(opt, "--", 2))
		return ctl_usage_error(cmd, "option '%.*s' takes no value",
				       (int)strcspn(opt, "="), opt);
	if (optopt)
		return ctl_usage_error(cmd, "unknown option '-%c'", optopt);
	return ctl_usage_error(cmd, "unknown option '%s'", opt);
}

int ctl_parse_number(const char *s, uint64_t max, uint64_t *out)
{
	unsigned int base = 10;
	uint64_t v = 0;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (!*s)
		return -EINVAL;
	for (; *s; s++) {
		unsigned int digit;

		if (*s >= '0' && *s <= '9')
			digit = (unsigned int)(*s - '0');
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			digit = (unsigned int)(*s - 'a' + 10);
		else if (base == 16 && *s >= 'A' && *s <= 'F')
			digit = (unsigned int)(*s - 'A' + 10);
		else
			return -EINVAL;
		if (v > (max - digit) / base)
			return -EINVAL;
		v = v * base + digit;
	}
	*out = v;
	return 0;
}

static int parse_arg(const struct ctl_cmd *cmd, const char *what,
		     const char *s, uint64_t max, uint64_t *out)
{
	if (!ctl_parse_number(s, max, out))
		return 0;
	return ctl_usage_error(cmd, "invalid %s '%s': expected a number from 0 to %" PRIu64 ", decimal or 0x hexadecimal",
			       what, s, max);
}

int ctl_parse_u32(const struct ctl_cmd *cmd, const char *what, const char *s,
		  uint32_t *out)
{
	uint64_t v;
	int ret = parse_arg(cmd, what, s, UINT32_MAX, &v);

	if (!ret)
		*out = (uint32_t)v;
	return ret;
}

int ctl_parse_u64(const struct ctl_cmd *cmd, const char *what, const char *s,
		  uint64_t *out)
{
	return parse_arg(cmd, what, s, UINT64_MAX, out);
}

int ctl_parse_nonzero_u32(const struct ctl_cmd *cmd, const char *what,
			  const char *s, uint32_t *out)
{
	int ret = ctl_parse_u32(cmd, what, s, out);

	if (!ret && !*out)
		return ctl_usage_error(cmd, "the %s must be 1 or more", what);
	return ret;
}

void ctl_format_source(const struct ctrmap_source *src, char *buf,
		       size_t size)
{
	/* A type newer than this tool: its number, without parameters. */
	if (ctrmap_source_format(src, buf, size) < 0)
		snprintf(buf, size, "type:%u", src->type);
}

const char *ctl_state_name(unsigned int state, char *buf, size_t size)
{
	const char *name = ctrmap_state_name(state);

	if (name)
		return name;
	snprintf(buf, size, "%u", state);
	return buf;
}

void ctl_printable(char *dst, const char *src, size_t size)
{
	size_t i;

	if (!size)
		return;
	/* A process names itself: keep its name from moving the cursor. */
	for (i = 0; src[i] && i < size - 1; i++)
		dst[i] = (unsigned char)src[i] < 0x20 || src[i] == 0x7f ?
			 '?' : src[i];
	dst[i] = '\0';
}

void ctl_print_bindings(struct printer *p, const struct ctrmap_region_info *r)
{
	print_open_array(p, "bindings");
	if (!r->nbindings)
		print_string(p, PRINT_FP, NULL, "%s", "-");
	for (unsigned int i = 0; i < r->nbindings; i++) {
		const struct ctrmap_binding_info *b = r->bindings[i];
		char source[64];

		ctl_format_source(b->source, source, sizeof(source));
		print_open_object(p, NULL);
		print_uint(p, PRINT_ANY, "index", i ? ",%u=" : "%u=", b->index);
		print_string(p, PRINT_ANY, "source", "%s", source);
		print_close_object(p);
	}
	print_close_array(p);
}
