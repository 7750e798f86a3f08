/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Output for every subcommand: one set of printers writes either text for
 * humans or JSON for scripts, in the manner of iproute2's json_print.h. A
 * value printed with PRINT_ANY appears in both; PRINT_FP prints only text
 * (labels, separators), PRINT_JSON only JSON. In text mode the fmt string
 * formats the value; in JSON mode the key names it (NULL inside arrays).
 * JSON is one line per top-level value, or, pretty, indented by four
 * spaces a level, as ip -j -p and bpftool -p print it.
 *
 * Text mode ignores objects and arrays: the text layout comes from the fmt
 * strings alone.
 */
#ifndef CTL_PRINT_H
#define CTL_PRINT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

enum print_type {
	PRINT_FP = 1,
	PRINT_JSON = 2,
	PRINT_ANY = PRINT_FP | PRINT_JSON,
};

/* What the printers write; each format includes what the one before
 * it asks (pretty JSON is JSON). */
enum print_format {
	PRINT_FORMAT_TEXT,
	PRINT_FORMAT_JSON,	/* one line per top-level value */
	PRINT_FORMAT_PRETTY,	/* JSON, indented */
};

#define PRINT_MAX_DEPTH 8

struct printer {
	FILE *fp;
	bool json;
	bool pretty;				/* JSON, indented */
	int depth;				/* open JSON objects/arrays */
	bool need_comma[PRINT_MAX_DEPTH];	/* per depth: value written */
	char top_close;				/* '}' or ']' */
};

/* Start output to fp. In JSON mode this opens the top-level object. */
void print_begin(struct printer *p, FILE *fp, enum print_format format);
/* The same, but the top level is an array (of objects, for a list). */
void print_begin_array(struct printer *p, FILE *fp,
		       enum print_format format);
/* End it: close the top-level object or array, and the line. */
void print_end(struct printer *p);

void print_open_object(struct printer *p, const char *key);
void print_close_object(struct printer *p);
void print_open_array(struct printer *p, const char *key);
void print_close_array(struct printer *p);

void print_uint(struct printer *p, enum print_type t, const char *key,
		const char *fmt, unsigned int value)
	__attribute__((format(printf, 4, 0)));
void print_u64(struct printer *p, enum print_type t, const char *key,
	       const char *fmt, uint64_t value)
	__attribute__((format(printf, 4, 0)));
void print_string(struct printer *p, enum print_type t, const char *key,
		  const char *fmt, const char *value)
	__attribute__((format(printf, 4, 0)));
/* JSON true or false; text gets fmt with "true" or "false". */
void print_bool(struct printer *p, enum print_type t, const char *key,
		const char *fmt, bool value)
	__attribute__((format(printf, 4, 0)));

/* A finite number: JSON gets it with two decimals, text fmt. */
void print_double(struct printer *p, enum print_type t, const char *key,
		  const char *fmt, double value)
	__attribute__((format(printf, 4, 0)));

/*
 * Length of the valid UTF-8 sequence that starts at s (1 to 4), or 0 if
 * there is none. Stops at the first byte that does not fit, so it never
 * reads past the terminating NUL.
 */
size_t print_utf8_len(const unsigned char *s);

/* Write s as a JSON string, quoted and escaped; invalid UTF-8 -> U+FFFD. */
void print_json_string(FILE *fp, const char *s);

#endif /* CTL_PRINT_H */
