// SPDX-License-Identifier: GPL-2.0-or-later
/* Text and JSON output from the same calls: see print.h. */
#include <inttypes.h>
#include <stdlib.h>

#include "print.h"

size_t print_utf8_len(const unsigned char *s)
{
	unsigned char lo = 0x80, hi = 0xbf;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		return (s[1] & 0xc0) == 0x80 ? 2 : 0;
	if (s[0] >= 0xe0 && s[0] <= 0xef) {
		if (s[0] == 0xe0)
			lo = 0xa0;	/* overlong */
		if (s[0] == 0xed)
			hi = 0x9f;	/* UTF-16 surrogates */
		if (s[1] < lo || s[1] > hi || (s[2] & 0xc0) != 0x80)
			return 0;
		return 3;
	}
	if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		if (s[0] == 0xf0)
			lo = 0x90;	/* overlong */
		if (s[0] == 0xf4)
			hi = 0x8f;	/* above U+10FFFF */
		if (s[1] < lo || s[1] > hi || (s[2] & 0xc0) != 0x80 ||
		    (s[3] & 0xc0) != 0x80)
			return 0;
		return 4;
	}
	return 0;
}

void print_json_string(FILE *fp, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	fputc('"', fp);
	while (*s) {
		size_t len = print_utf8_len(s);

		switch (*s) {
		case '"':
			fputs("\\\"", fp);
			break;
		case '\\':
			fputs("\\\\", fp);
			break;
		case '\b':
			fputs("\\b", fp);
			break;
		case '\f':
			fputs("\\f", fp);
			break;
		case '\n':
			fputs("\\n", fp);
			break;
		case '\r':
			fputs("\\r", fp);
			break;
		case '\t':
			fputs("\\t", fp);
			break;
		default:
			if (*s < 0x20)
				fprintf(fp, "\\u%04x", *s);
			else if (len)
				fwrite(s, 1, len, fp);
			else
				/* Text from the kernel (a task's comm) is
				 * bytes, not necessarily UTF-8. */
				fputs("\\ufffd", fp);
			break;
		}
		s += len ? len : 1;
	}
	fputc('"', fp);
}

/* Pretty JSON: a new line, indented to the current depth. */
static void json_newline(struct printer *p)
{
	if (!p->pretty)
		return;
	fputc('\n', p->fp);
	for (int i = 0; i < p->depth; i++)
		fputs("    ", p->fp);
}

/* Separate from the previous JSON value and write "key": if any. */
static void json_key(struct printer *p, const char *key)
{
	if (p->need_comma[p->depth])
		fputc(',', p->fp);
	p->need_comma[p->depth] = true;
	/* The top-level value starts where the output does. */
	if (p->depth)
		json_newline(p);
	if (key) {
		print_json_string(p->fp, key);
		fputs(p->pretty ? ": " : ":", p->fp);
	}
}

static void json_open(struct printer *p, const char *key, char bracket)
{
	if (!p->json)
		return;
	/* Nesting is fixed by the code, never by input. */
	if (p->depth + 1 >= PRINT_MAX_DEPTH)
		abort();
	json_key(p, key);
	fputc(bracket, p->fp);
	p->need_comma[++p->depth] = false;
}

static void json_close(struct printer *p, char bracket)
{
	if (!p->json)
		return;
	if (p->depth == 0)
		abort();
	p->depth--;
	/* Pretty: the bracket of a non-empty one on a line of its own. */
	if (p->need_comma[p->depth + 1])
		json_newline(p);
	fputc(bracket, p->fp);
}

static void begin(struct printer *p, FILE *fp, enum print_format format,
		  char open, char close)
{
	p->fp = fp;
	p->json = format >= PRINT_FORMAT_JSON;
	p->pretty = format == PRINT_FORMAT_PRETTY;
	p->depth = 0;
	p->need_comma[0] = false;
	p->top_close = close;
	json_open(p, NULL, open);
}

void print_begin(struct printer *p, FILE *fp, enum print_format format)
{
	begin(p, fp, format, '{', '}');
}

void print_begin_array(struct printer *p, FILE *fp, enum print_format format)
{
	begin(p, fp, format, '[', ']');
}

void print_end(struct printer *p)
{
	json_close(p, p->top_close);
	if (p->json)
		fputc('\n', p->fp);
}

void print_open_object(struct printer *p, const char *key)
{
	json_open(p, key, '{');
}

void print_close_object(struct printer *p)
{
	json_close(p, '}');
}

void print_open_array(struct printer *p, const char *key)
{
	json_open(p, key, '[');
}

void print_close_array(struct printer *p)
{
	json_close(p, ']');
}

/*
 * fmt comes from the caller, checked there through the format attribute in
 * print.h (the value is not variadic, so only the string itself is).
 */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"

void print_uint(struct printer *p, enum print_type t, const char *key,
		const char *fmt, unsigned int value)
{
	if (p->json && (t & PRINT_JSON)) {
		json_key(p, key);
		fprintf(p->fp, "%u", value);
	} else if (!p->json && (t & PRINT_FP)) {
		fprintf(p->fp, fmt, value);
	}
}

void print_u64(struct printer *p, enum print_type t, const char *key,
	       const char *fmt, uint64_t value)
{
	if (p->json && (t & PRINT_JSON)) {
		json_key(p, key);
		fprintf(p->fp, "%" PRIu64, value);
	} else if (!p->json && (t & PRINT_FP)) {
		fprintf(p->fp, fmt, value);
	}
}

void print_string(struct printer *p, enum print_type t, const char *key,
		  const char *fmt, const char *value)
{
	if (p->json && (t & PRINT_JSON)) {
		json_key(p, key);
		print_json_string(p->fp, value);
	} else if (!p->json && (t & PRINT_FP)) {
		fprintf(p->fp, fmt, value);
	}
}

void print_double(struct printer *p, enum print_type t, const char *key,
		  const char *fmt, double value)
{
	if (p->json && (t & PRINT_JSON)) {
		json_key(p, key);
		fprintf(p->fp, "%.2f", value);
	} else if (!p->json && (t & PRINT_FP)) {
		fprintf(p->fp, fmt, value);
	}
}

void print_bool(struct printer *p, enum print_type t, const char *key,
		const char *fmt, bool value)
{
	const char *word = value ? "true" : "false";

	if (p->json && (t & PRINT_JSON)) {
		json_key(p, key);
		fputs(word, p->fp);
	} else if (!p->json && (t & PRINT_FP)) {
		fprintf(p->fp, fmt, word);
	}
}

#pragma GCC diagnostic pop
