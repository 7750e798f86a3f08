// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ticker: a page of ctrmap counters in this process's own memory. It prints
 * where the page is, then counters 0 and 1 every second, read with plain
 * loads (<ctrmap/reader.h>: no system call). Attach the page with
 *
 *   counterctl attach --pid PID --addr ADDR --len 4096
 *
 * or start it as "ticker --self": it attaches the page itself (a process
 * needs no privilege for its own memory), with libctrmap.
 *
 *   cc -o ticker ticker.c $(pkg-config --cflags --libs libctrmap)
 */
#include <ctrmap/ctrmap.h>
#include <ctrmap/reader.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define LEN 4096

int main(int argc, char **argv)
{
	void *region = aligned_alloc(LEN, LEN);
	uint64_t c[2];

	if (!region)
		return 1;
	memset(region, 0, LEN);
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("ticker: pid=%d addr=%p len=%d\n", getpid(), region, LEN);
	if (argc > 1 && !strcmp(argv[1], "--self")) {
		CTRMAP_OPTS(ctrmap_attach_reply, r);
		struct ctrmap_handle *h;
		int err = ctrmap_open(&h);

		if (!err)
			err = ctrmap_attach(h, getpid(), (uintptr_t)region, LEN, &r);
		if (err) {
			fprintf(stderr, "ticker: attach: %s\n",
				h && ctrmap_errmsg(h)[0] ? ctrmap_errmsg(h) : strerror(-err));
			return 1;
		}
		printf("ticker: attached itself: region %u\n", r.id);
		/* The handle may be closed: the region lives as long as the page. */
		ctrmap_close(h);
	}
	for (;;) {
		if (ctrmap_reader_check(region, LEN) ||
		    ctrmap_reader_state(region, NULL) != CTRMAP_STATE_ATTACHED)
			printf("ticker: not attached\n");
		else if (!ctrmap_reader_snapshot(region, 0, 2, c))
			printf("ticker: counter 0 = %llu, counter 1 = %llu\n",
			       (unsigned long long)c[0], (unsigned long long)c[1]);
		sleep(1);
	}
}
