// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * snapshot: counters that move together, read together. A driver that
 * counts a packet moves two counters at once, packets and bytes; a reader
 * that loads them one after the other may see a burst's packets without
 * its bytes. This program keeps four such counters in a page of its own
 * memory,
 *
 *   0 rx packets   1 rx bytes   2 tx packets   3 tx bytes
 *
 * attaches the page itself (no privilege needed for its own memory), and
 * every second copies all four as one consistent snapshot with
 * ctrmap_snapshot(): the copy is retried until the header's seq was even
 * and the same before and after it, so a group update of the kernel's is
 * never seen half done (the vDSO protocol, "The region" in the README).
 *
 * The sample driver of the source tree, module/samples/ctrmap_sample.c,
 * counts bursts of 1500-byte packets into counters 0 and 1 as one group:
 *
 *   ./snapshot                         # "snapshot: region 7, 504 counters"
 *   insmod ctrmap_sample.ko region=7   # as root
 *
 * and then every line says 1500 bytes a packet. ("counterctl add" moves
 * one counter a call: between two adds, a pair is inconsistent for real.)
 * It ends when the region is detached ("counterctl detach 7"), or with the
 * process.
 *
 *   cc -o snapshot snapshot.c $(pkg-config --cflags --libs libctrmap)
 */
#include <ctrmap/ctrmap.h>
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define LEN 4096

enum { RX_PACKETS, RX_BYTES, TX_PACKETS, TX_BYTES, NCOUNTERS };

/* Only a consistent pair makes this exact. */
static uint64_t bytes_per_packet(uint64_t packets, uint64_t bytes)
{
	return packets ? bytes / packets : 0;
}

int main(void)
{
	CTRMAP_OPTS(ctrmap_attach_reply, r);
	struct ctrmap_handle *h;
	uint64_t c[NCOUNTERS];
	unsigned int reason;
	const char *why;
	void *region;
	int err;

	region = aligned_alloc(LEN, LEN);
	if (!region)
		return 1;
	memset(region, 0, LEN);
	setvbuf(stdout, NULL, _IOLBF, 0);

	err = ctrmap_open(&h);
	if (!err)
		err = ctrmap_attach(h, getpid(), (uintptr_t)region, LEN, &r);
	if (err) {
		fprintf(stderr, "snapshot: attach: %s\n",
			!h ? (err == -ENOENT ? "no ctrmap module" : strerror(-err)) :
			ctrmap_errmsg(h)[0] ? ctrmap_errmsg(h) : strerror(-err));
		return 1;
	}
	/* The region lives as long as the page: the handle may go. */
	ctrmap_close(h);
	/* The kernel wrote the header before ATTACH answered. */
	err = ctrmap_region_check(region, LEN);
	if (err) {
		fprintf(stderr, "snapshot: header: %s\n", strerror(-err));
		return 1;
	}
	printf("snapshot: region %u, %u counters\n", r.id, r.ncounters);

	while (ctrmap_region_state(region, &reason) == CTRMAP_STATE_ATTACHED) {
		/* All four in one copy, retried while a group update runs. */
		err = ctrmap_snapshot(region, 0, NCOUNTERS, c);
		if (err) {
			fprintf(stderr, "snapshot: %s\n", strerror(-err));
			return 1;
		}
		printf("rx %" PRIu64 " packets %" PRIu64 " bytes (%" PRIu64
		       " a packet), tx %" PRIu64 " packets %" PRIu64
		       " bytes (%" PRIu64 " a packet)\n",
		       c[RX_PACKETS], c[RX_BYTES],
		       bytes_per_packet(c[RX_PACKETS], c[RX_BYTES]),
		       c[TX_PACKETS], c[TX_BYTES],
		       bytes_per_packet(c[TX_PACKETS], c[TX_BYTES]));
		sleep(1);
	}
	/* Writers have stopped; the header says why. */
	why = ctrmap_reason_name(reason);
	printf("snapshot: detached (%s)\n", why ? why : "unknown reason");
	return 0;
}
