// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Helpers shared by all subcommands: opening the handle, reporting errors,
 * parsing numbers, and the parts of a region that several commands print.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>

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

int ctl_stop_signals(sigset_t *old)
{
	sigset_t stop;
	int sfd;

	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &stop, old) < 0) {
		ctl_error(NULL, -errno, "cannot block signals");
		return -1;
	}
	sfd = signalfd(-1, &stop, SFD_CLOEXEC);
	if (sfd < 0) {
		ctl_error(NULL, -errno, "cannot create a signalfd");
		sigprocmask(SIG_SETMASK, old, NULL);
	}
	return sfd;
}

int ctl_open(const struct ctl_options *opts, struct ctrmap_handle **h)
{
	int err;

	if (*opts->handle) {
		*h = *opts->handle;
		return 0;
	}
	err = ctrmap_open(opts->handle);
	*h = *opts->handle;
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

int ctl_parse_ref(const struct ctl_cmd *cmd, const char *what, const char *s,
		  struct ctl_ref *ref)
{
	ref->name = NULL;
	ref->num = 0;
	if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
	    *s == '_') {
		/* The kernel says what is wrong with a name it refuses. */
		ref->name = s;
		return 0;
	}
	return ctl_parse_u32(cmd, what, s, &ref->num);
}

struct region_lookup {
	const char *name;
	uint32_t ids[8];
	unsigned int n;
};

static int match_region(const struct ctrmap_region_info *r, void *arg)
{
	struct region_lookup *l = arg;

	if (!CTRMAP_HAS_FIELD(r, name) || strcmp(r->name, l->name))
		return 0;
	if (l->n < sizeof(l->ids) / sizeof(l->ids[0]))
		l->ids[l->n] = r->id;
	l->n++;
	return 0;
}

int ctl_region_id(struct ctrmap_handle *h, const struct ctl_ref *ref,
		  uint32_t *id)
{
	struct region_lookup l = { .name = ref->name };
	int err;

	if (!ref->name) {
		*id = ref->num;
		return 0;
	}
	err = ctrmap_list(h, 0, 0, match_region, &l);
	if (err) {
		ctl_error(h, err, "cannot look the region name up");
		return CTL_EXIT_FAILED;
	}
	if (l.n == 1) {
		*id = l.ids[0];
		return 0;
	}
	if (!l.n) {
		fprintf(stderr, "counterctl: no region is named '%s'\n",
			ref->name);
	} else {
		fprintf(stderr, "counterctl: %u regions are named '%s' (ids",
			l.n, ref->name);
		for (unsigned int i = 0; i < l.n && i < 8; i++)
			fprintf(stderr, " %u", l.ids[i]);
		fprintf(stderr, "%s): give the id\n", l.n > 8 ? " ..." : "");
	}
	return CTL_EXIT_FAILED;
}

static int copy_names(const struct ctrmap_region_info *r, void *arg)
{
	struct ctl_names *n = arg;

	n->ncounters = r->ncounters;
	if (!CTRMAP_HAS_FIELD(r, names) || !r->nnames)
		return 0;
	n->v = calloc(r->nnames, sizeof(*n->v));
	if (!n->v)
		return -ENOMEM;
	for (unsigned int i = 0; i < r->nnames; i++)
		n->v[i] = *r->names[i];
	n->n = r->nnames;
	return 0;
}

int ctl_get_names(struct ctrmap_handle *h, uint32_t id, struct ctl_names *n,
		  const char *what)
{
	int err;

	*n = (struct ctl_names){ .id = id };
	err = ctrmap_get(h, id, 0, copy_names, n);
	if (err) {
		ctl_free_names(n);
		ctl_error(h, err, what);
		return CTL_EXIT_FAILED;
	}
	return 0;
}

void ctl_free_names(struct ctl_names *n)
{
	free(n->v);
	n->v = NULL;
	n->n = 0;
}

const char *ctl_name_of(const struct ctl_names *n, uint32_t index)
{
	for (unsigned int i = 0; i < n->n; i++)
		if (n->v[i].index == index)
			return n->v[i].name;
	return NULL;
}

int ctl_names_index(const struct ctl_names *n, const struct ctl_ref *ref,
		    uint32_t *index)
{
	if (!ref->name) {
		*index = ref->num;
		return 0;
	}
	for (unsigned int i = 0; i < n->n; i++) {
		if (!strcmp(n->v[i].name, ref->name)) {
			*index = n->v[i].index;
			return 0;
		}
	}
	fprintf(stderr, "counterctl: region %u has no counter named '%s'\n",
		n->id, ref->name);
	return CTL_EXIT_FAILED;
}

int ctl_counter_index(struct ctrmap_handle *h, uint32_t id,
		      const struct ctl_ref *ref, uint32_t *index)
{
	struct ctl_names n;
	int ret;

	if (!ref->name) {
		*index = ref->num;
		return 0;
	}
	ret = ctl_get_names(h, id, &n, "cannot look the counter name up");
	if (!ret)
		ret = ctl_names_index(&n, ref, index);
	ctl_free_names(&n);
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

const char *ctl_reason_name(unsigned int reason, char *buf, size_t size)
{
	const char *name = ctrmap_reason_name(reason);

	if (name)
		return name;
	snprintf(buf, size, "%u", reason);
	return buf;
}

const char *ctl_region_name(const struct ctrmap_region_info *r)
{
	/* A library older than names (0.2) has none. */
	return CTRMAP_HAS_FIELD(r, name) && r->name[0] ? r->name : NULL;
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

void ctl_print_counter(struct printer *p, bool labelled, uint32_t index,
		       const char *name, uint64_t value)
{
	print_open_object(p, NULL);
	if (labelled) {
		print_uint(p, PRINT_ANY, "index", "counter %u", index);
		if (name)
			print_string(p, PRINT_ANY, "name", " (%s)", name);
		print_string(p, PRINT_FP, NULL, "%s", ": ");
	} else {
		print_uint(p, PRINT_ANY, "index", "%u ", index);
		if (name)
			print_string(p, PRINT_ANY, "name", "%s ", name);
		else
			print_string(p, PRINT_FP, NULL, "%s", "- ");
	}
	print_u64(p, PRINT_ANY, "value", "%" PRIu64 "\n", value);
	print_close_object(p);
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
