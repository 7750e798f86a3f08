/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * jq as the unit tests' JSON oracle: counterctl -j's output is checked by a
 * parser the project did not write.
 */
#ifndef CTRMAP_TEST_JQ_H
#define CTRMAP_TEST_JQ_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static bool __attribute__((unused)) have_jq(void)
{
	return system("command -v jq >/dev/null 2>&1") == 0;
}

/*
 * Run jq -e -c -r FILTER on json; store its first output line in out
 * (arrays compact, strings without quotes). Returns jq's exit status (0:
 * valid JSON and the filter's result is true-ish).
 */
static int __attribute__((unused))
jq(const char *json, const char *filter, char *out, size_t size)
{
	char path[] = "/tmp/ctrmap-test-json.XXXXXX";
	char cmd[512];
	FILE *fp;
	int fd, status;

	fd = mkstemp(path);
	if (fd < 0 || write(fd, json, strlen(json)) != (ssize_t)strlen(json))
		abort();
	close(fd);
	snprintf(cmd, sizeof(cmd), "jq -e -c -r '%s' %s 2>&1", filter, path);
	fp = popen(cmd, "r");
	if (!fp)
		abort();
	out[0] = '\0';
	if (fgets(out, (int)size, fp))
		out[strcspn(out, "\n")] = '\0';
	while (fgetc(fp) != EOF)
		;
	status = pclose(fp);
	unlink(path);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

#endif
