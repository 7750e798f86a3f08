/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * counterctl -b FILE: commands read from a file, one a line, run by one
 * process on one netlink handle (ip -batch). Exposed for the unit tests.
 */
#ifndef CTL_BATCH_H
#define CTL_BATCH_H

#include <stdbool.h>

#include "counterctl.h"

/* What batch_split() returns besides a number of words. */
enum {
	BATCH_CONTINUED = -1,	/* a backslash ends the line: join the next */
	BATCH_UNCLOSED = -2,	/* a quote is not closed */
};

/*
 * Split line into words in place, as sh(1) does without its expansions:
 * blanks (space, tab, CR, LF) separate words; '...' keeps everything
 * in it; "..." keeps everything but \" and \\, which stand for " and \;
 * outside quotes a backslash keeps the character after it; quoted and
 * unquoted parts of a word join ("--pid="12 is --pid=12); a # that
 * begins a word begins a comment, to the end of the line. argv must have
 * room for strlen(line) / 2 + 2 pointers. Returns the number of words
 * (argv[n] is NULL), BATCH_CONTINUED if a backslash outside '...' ends
 * the line (before its newline, if any), or BATCH_UNCLOSED with the quote
 * in *quote. Either way line is no longer what it was.
 */
int batch_split(char *line, char **argv, char *quote);

/*
 * Run the commands of file name ("-": standard input), one a line, each
 * through run(opts with batch set, argc, argv). A backslash at the end of
 * a line joins the next one to it; lines without words are skipped.
 * After a command that fails, says "counterctl: NAME:LINE: command failed"
 * (LINE: where the command begins) and stops, returning its status; with
 * force, goes on and returns CTL_EXIT_FAILED at the end. A line that does
 * not split is a usage error of its own. A file that cannot be read is
 * CTL_EXIT_FAILED, force or not.
 */
int batch_run(const struct ctl_options *opts, const char *name, bool force,
	      int (*run)(const struct ctl_options *opts, int argc,
			 char **argv));

#endif /* CTL_BATCH_H */
