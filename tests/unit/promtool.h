/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * promtool (Debian package prometheus) as the unit tests' oracle for the
 * Prometheus text format: counterctl export's output is checked by the
 * parser of Prometheus's own tools, the 0.0.4 text parser that
 * node_exporter's textfile collector uses too, and by its linter.
 */
#ifndef CTRMAP_TEST_PROMTOOL_H
#define CTRMAP_TEST_PROMTOOL_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static bool __attribute__((unused)) have_promtool(void)
{
	return system("command -v promtool >/dev/null 2>&1") == 0;
}

/*
 * Run promtool check metrics with text on its standard input; what it
 * says (both streams) into out. Returns its exit status: 0 parsed and
 * linted clean, 3 parsed but the linter has something to say, 1 not
 * parsed.
 */
static int __attribute__((unused))
promtool_check(const char *text, char *out, size_t size)
{
	char path[] = "/tmp/ctrmap-test-metrics.XXXXXX";
	char cmd[128];
	size_t n;
	FILE *fp;
	int fd, status;

	fd = mkstemp(path);
	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		abort();
	close(fd);
	snprintf(cmd, sizeof(cmd), "promtool check metrics <%s 2>&1", path);
	fp = popen(cmd, "r");
	if (!fp)
		abort();
	n = fread(out, 1, size - 1, fp);
	out[n] = '\0';
	while (fgetc(fp) != EOF)
		;
	status = pclose(fp);
	unlink(path);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

#endif
