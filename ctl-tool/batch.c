// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * counterctl -b FILE: run the commands of a file, one a line, in one
 * process, on one netlink handle, as ip -batch does: a script that
 * attaches hundreds of regions pays for one process start, not hundreds.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "batch.h"
#include "counterctl.h"

#define BLANKS " \t\r\n"

int batch_split(char *line, char **argv, char *quote)
{
	char *r = line, *w = line;
	int argc = 0;

	/* Words only ever shrink: w never passes r. */
	for (;;) {
		char q = 0;
		bool more;

		r += strspn(r, BLANKS);
		if (!*r || *r == '#')
			break;
		argv[argc++] = w;
		for (; *r; r++) {
			if (q == '\'') {
				if (*r == '\'')
					q = 0;
				else
					*w++ = *r;
			} else if (*r == '\\' && (!r[1] || r[1] == '\n')) {
				return BATCH_CONTINUED;
			} else if (q == '"') {
				if (*r == '"')
					q = 0;
				else if (*r == '\\' && (r[1] == '"' || r[1] == '\\'))
					*w++ = *++r;
				else
					*w++ = *r;
			} else if (*r == '\\') {
				*w++ = *++r;
			} else if (*r == '\'' || *r == '"') {
				q = *r;
			} else if (strchr(BLANKS, *r)) {
				break;
			} else {
				*w++ = *r;
			}
		}
		if (q) {
			*quote = q;
			return BATCH_UNCLOSED;
		}
		more = *r != '\0';
		*w++ = '\0';
		if (more)
			r++;
	}
	argv[argc] = NULL;
	return argc;
}

/* A command being read: its lines, joined, and its words. */
struct reader {
	char *line;		/* the line getline() read */
	size_t line_size;
	char *text;		/* the command's lines so far */
	size_t len, size;
	char *words;		/* text, split */
	char **argv;		/* room for size / 2 + 2 words */
	unsigned int lineno;	/* lines read */
	unsigned int first;	/* the command's first line */
};

/* Append n bytes of s to r->text. 0 or -ENOMEM. */
static int append(struct reader *r, const char *s, size_t n)
{
	if (r->len + n + 1 > r->size) {
		size_t size = 2 * (r->len + n + 1);
		char *text = realloc(r->text, size);
		char *words = text ? realloc(r->words, size) : NULL;
		char **argv = words ? realloc(r->argv, (size / 2 + 2) *
					      sizeof(*argv)) : NULL;

		if (text)
			r->text = text;
		if (words)
			r->words = words;
		if (!argv)
			return -ENOMEM;
		r->argv = argv;
		r->size = size;
	}
	memcpy(r->text + r->len, s, n);
	r->len += n;
	r->text[r->len] = '\0';
	return 0;
}

int batch_run(const struct ctl_options *opts, const char *name, bool force,
	      int (*run)(const struct ctl_options *opts, int argc,
			 char **argv))
{
	struct ctl_options line_opts = *opts;
	struct reader r = { .line = NULL };
	int status = CTL_EXIT_OK;
	bool failed = false;
	FILE *in = stdin;

	line_opts.batch = true;
	if (strcmp(name, "-")) {
		in = fopen(name, "re");
		if (!in) {
			fprintf(stderr, "counterctl: cannot open %s: %s\n", name,
				strerror(errno));
			return CTL_EXIT_FAILED;
		}
	}

	for (;;) {
		ssize_t n = getline(&r.line, &r.line_size, in);
		bool eof = n < 0;
		int argc, ret = CTL_EXIT_OK;
		char quote;

		if (eof && ferror(in)) {
			fprintf(stderr, "counterctl: cannot read %s: %s\n", name,
				strerror(errno));
			status = CTL_EXIT_FAILED;
			break;
		}
		/* A backslash on the last line joins nothing: run the rest. */
		if (eof && !r.len)
			break;
		if (!eof) {
			if (!r.len)
				r.first = r.lineno + 1;
			r.lineno++;
			/* A file written on Windows: CR LF ends its lines. */
			if (n >= 2 && r.line[n - 2] == '\r' &&
			    r.line[n - 1] == '\n') {
				r.line[n - 2] = '\n';
				n--;
			}
			if (memchr(r.line, '\0', (size_t)n)) {
				fprintf(stderr, "counterctl: %s:%u: a NUL byte in the line\n",
					name, r.lineno);
				ret = CTL_EXIT_USAGE;
				goto done;
			}
			if (append(&r, r.line, (size_t)n)) {
				fputs("counterctl: out of memory\n", stderr);
				status = CTL_EXIT_FAILED;
				break;
			}
		}

		memcpy(r.words, r.text, r.len + 1);
		argc = batch_split(r.words, r.argv, &quote);
		if (argc == BATCH_CONTINUED) {
			/* Drop the backslash and the newline; read on. */
			r.len -= r.text[r.len - 1] == '\n' ? 2 : 1;
			r.text[r.len] = '\0';
			continue;
		}
		if (argc == BATCH_UNCLOSED) {
			fprintf(stderr, "counterctl: %s:%u: missing closing %c\n",
				name, r.first, quote);
			ret = CTL_EXIT_USAGE;
		} else if (argc > 0) {
			ret = run(&line_opts, argc, r.argv);
			/* Its output before what is said of it, and before the
			 * next command's. */
			fflush(stdout);
			if (ret)
				fprintf(stderr, "counterctl: %s:%u: command failed\n",
					name, r.first);
		}
done:
		r.len = 0;
		if (ret) {
			failed = true;
			if (!force) {
				status = ret;
				break;
			}
		}
		if (eof)
			break;
	}

	if (failed && force && status == CTL_EXIT_OK)
		status = CTL_EXIT_FAILED;
	if (in != stdin)
		fclose(in);
	free(r.line);
	free(r.text);
	free(r.words);
	free(r.argv);
	return status;
}
