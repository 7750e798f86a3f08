/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * counterctl: the subcommand table's entry type, and the helpers every
 * subcommand shares (common.c). A subcommand never calls another's code.
 */
#ifndef COUNTERCTL_H
#define COUNTERCTL_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "print.h"

struct ctrmap_handle;
struct ctrmap_region_info;
struct ctrmap_source;

/* Exit status of counterctl, documented in its --help. */
enum {
	CTL_EXIT_OK = 0,
	CTL_EXIT_FAILED = 1,	/* the operation failed */
	CTL_EXIT_USAGE = 2,	/* unknown command or option, bad arguments */
};

/* Global options: before the command, or -j and -p also after it. */
struct ctl_options {
	enum print_format format;	/* -j, -p */
	bool batch;			/* the command is a line of -b FILE */
	/*
	 * Where the ctrmap handle is kept once ctl_open() has opened it:
	 * the commands of a batch share it. Whoever runs the commands
	 * closes it.
	 */
	struct ctrmap_handle **handle;
};

struct ctl_cmd {
	const char *name;
	const char *alias;	/* another name for it (ip's "monitor" is also
				 * our "watch"), or NULL */
	const char *summary;	/* one line in counterctl --help */
	const char *help;	/* counterctl help NAME, NAME --help */
	bool endless;		/* runs until stopped: refused in a batch */
	/* argv[0] is the command name. Returns a CTL_EXIT_* status. */
	int (*run)(const struct ctl_options *opts, int argc, char **argv);
};

extern const struct ctl_cmd cmd_status;
extern const struct ctl_cmd cmd_attach;
extern const struct ctl_cmd cmd_detach;
extern const struct ctl_cmd cmd_add;
extern const struct ctl_cmd cmd_bind;
extern const struct ctl_cmd cmd_unbind;
extern const struct ctl_cmd cmd_list;
extern const struct ctl_cmd cmd_show;
extern const struct ctl_cmd cmd_read;
extern const struct ctl_cmd cmd_name;
extern const struct ctl_cmd cmd_export;
extern const struct ctl_cmd cmd_monitor;

/*
 * SIGINT and SIGTERM blocked and delivered through the descriptor returned
 * instead, for poll(), so that none is lost between two waits; the mask
 * before in *old. -1 (reported, the mask restored) on failure.
 */
int ctl_stop_signals(sigset_t *old);

/*
 * The ctrmap handle into *h: the one in *opts->handle, or else a new one,
 * kept there for the next command of a batch. Reports failure. 0 or
 * CTL_EXIT_FAILED. Commands do not close it.
 */
int ctl_open(const struct ctl_options *opts, struct ctrmap_handle **h);

/*
 * Report that what failed with -err: "counterctl: WHAT: strerror", then
 * what the kernel said if h has it: "counterctl: kernel reports: MESSAGE
 * (attribute NAME)".
 */
void ctl_error(const struct ctrmap_handle *h, int err, const char *what);

/* Report a usage error in cmd's arguments; returns CTL_EXIT_USAGE. */
int ctl_usage_error(const struct ctl_cmd *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * Report the error getopt_long() returned as c (':' for a missing value,
 * '?' for an unknown option; the optstring starts with ':'); returns
 * CTL_EXIT_USAGE. Subcommands reset getopt with optind = 0 first.
 */
int ctl_option_error(const struct ctl_cmd *cmd, int c, char **argv);

/*
 * A whole unsigned number: decimal, or hexadecimal after 0x; no sign,
 * space or trailing text; at most max. 0 or -EINVAL.
 */
int ctl_parse_number(const char *s, uint64_t max, uint64_t *out);

/*
 * ctl_parse_number() for cmd's argument called what: 0, or a usage error
 * reported (CTL_EXIT_USAGE).
 */
int ctl_parse_u32(const struct ctl_cmd *cmd, const char *what, const char *s,
		  uint32_t *out);
int ctl_parse_u64(const struct ctl_cmd *cmd, const char *what, const char *s,
		  uint64_t *out);
/* ctl_parse_u32() of a number that must not be 0: "the WHAT must be 1 or
 * more" otherwise. */
int ctl_parse_nonzero_u32(const struct ctl_cmd *cmd, const char *what,
			  const char *s, uint32_t *out);

/*
 * A region or a counter as the user gives it: a number, or a name (which
 * never begins with a digit). name is NULL for a number.
 */
struct ctl_ref {
	const char *name;
	uint32_t num;
};

/*
 * s as a ctl_ref for cmd's argument called what: a number (as
 * ctl_parse_u32()) or a name. 0, or a usage error reported.
 */
int ctl_parse_ref(const struct ctl_cmd *cmd, const char *what, const char *s,
		  struct ctl_ref *ref);

/*
 * The region id ref stands for: its number, or the one region the caller
 * may see with that name. 0, or CTL_EXIT_FAILED reported (no such region,
 * several of that name).
 */
int ctl_region_id(struct ctrmap_handle *h, const struct ctl_ref *ref,
		  uint32_t *id);

/*
 * The counter of region id ref stands for: its number, or the index of the
 * counter with that name. 0, or CTL_EXIT_FAILED reported.
 */
int ctl_counter_index(struct ctrmap_handle *h, uint32_t id,
		      const struct ctl_ref *ref, uint32_t *index);

/* Region id's size and named counters, as GET told them. */
struct ctl_names {
	uint32_t id;
	uint32_t ncounters;
	struct ctrmap_name_info *v;
	unsigned int n;
};

/* Fill n for region id. 0, or CTL_EXIT_FAILED reported as "what: error";
 * free with ctl_free_names() either way. */
int ctl_get_names(struct ctrmap_handle *h, uint32_t id, struct ctl_names *n,
		  const char *what);
void ctl_free_names(struct ctl_names *n);

/* The name of counter index, or NULL. */
const char *ctl_name_of(const struct ctl_names *n, uint32_t index);

/* ctl_counter_index() against names already got. */
int ctl_names_index(const struct ctl_names *n, const struct ctl_ref *ref,
		    uint32_t *index);

/* A source as text: ctrmap_source_format(), "type:N" for unknown types. */
void ctl_format_source(const struct ctrmap_source *src, char *buf,
		       size_t size);

/* A state's name, or its number in buf if it has none. */
const char *ctl_state_name(unsigned int state, char *buf, size_t size);

/* A detach reason's name, or its number in buf if it has none. */
const char *ctl_reason_name(unsigned int reason, char *buf, size_t size);

/*
 * The name of region r, or NULL if it has none (counters':
 * ctrmap_counter_name()).
 */
const char *ctl_region_name(const struct ctrmap_region_info *r);

/* src with control characters replaced by '?', for text output. */
void ctl_printable(char *dst, const char *src, size_t size);

/*
 * A region's bindings: in JSON the array "bindings" of {"index","source"};
 * in text "0=timer:1ms,2=irq:11", or "-" for none, without a newline.
 */
void ctl_print_bindings(struct printer *p, const struct ctrmap_region_info *r);

/*
 * One counter's value: in JSON the object {"index", "name" (if it has
 * one), "value"} (in an array the caller opened); in text "INDEX NAME
 * VALUE" (NAME "-" if none) or, labelled, "counter INDEX: VALUE" ("counter
 * INDEX (NAME): VALUE"), and a newline. name may be NULL.
 */
void ctl_print_counter(struct printer *p, bool labelled, uint32_t index,
		       const char *name, uint64_t value);

#endif /* COUNTERCTL_H */
