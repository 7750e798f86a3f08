// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The reader side on a region written here as the kernel writes it: the
 * header-only <ctrmap/reader.h> and libctrmap's calls, which are it, give
 * the same answers; a snapshot never sees a torn group while a writer
 * thread updates one under seq, and gives up (-EBUSY) on a seq that stays
 * odd.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <time.h>

#include <ctrmap/ctrmap.h>
#include <ctrmap/reader.h>
#include "tap.h"

#define NCTR 64	/* a group long enough for a torn copy to show */

static union {
	struct ctrmap_header h;
	uint64_t words[(CTRMAP_HDR_SIZE + NCTR * 8) / 8];
} region;

static uint64_t *ctr = &region.words[CTRMAP_HDR_SIZE / 8];

static void publish(void)
{
	memset(&region, 0, sizeof(region));
	region.h.abi = CTRMAP_ABI_VERSION;
	region.h.hdr_size = CTRMAP_HDR_SIZE;
	region.h.ncounters = NCTR;
	region.h.state = CTRMAP_STATE_ATTACHED;
	region.h.region_id = 7;
	for (int i = 0; i < NCTR; i++)
		ctr[i] = 100 + i;
	__atomic_store_n(&region.h.magic, CTRMAP_MAGIC, __ATOMIC_RELEASE);
}

/* Both implementations: the library's exported call and the inline one. */
static void both_check(size_t len, int want, const char *what)
{
	is_int(ctrmap_region_check(&region, len), want,
	       "ctrmap_region_check: %s", what);
	is_int(ctrmap_reader_check(&region, len), want,
	       "ctrmap_reader_check: %s", what);
}

static void test_check(void)
{
	memset(&region, 0, sizeof(region));
	both_check(sizeof(region), -EAGAIN, "no header yet");
	publish();
	both_check(sizeof(region), 0, "a valid header");
	both_check(sizeof(region) - 8, -EINVAL, "the counters do not fit");
	both_check(CTRMAP_HDR_SIZE - 1, -EINVAL, "shorter than a header");
	is_int(ctrmap_reader_check(NULL, sizeof(region)), -EINVAL,
	       "ctrmap_reader_check: NULL");
	is_int(ctrmap_reader_check((char *)&region + 4, sizeof(region) - 4),
	       -EINVAL, "ctrmap_reader_check: unaligned");
	region.h.abi = CTRMAP_ABI_VERSION + 1;
	both_check(sizeof(region), -EPROTO, "an ABI it does not know");
	publish();
	region.h.hdr_size = CTRMAP_HDR_SIZE + 4;
	both_check(sizeof(region), -EPROTO, "hdr_size not a multiple of 8");
	publish();
}

static void test_state_read(void)
{
	unsigned int reason = 99;
	uint64_t v = 0, out[NCTR];

	publish();
	is_int(ctrmap_reader_state(&region, &reason), CTRMAP_STATE_ATTACHED,
	       "attached");
	region.h.reason = CTRMAP_REASON_EXIT;
	region.h.state = CTRMAP_STATE_DETACHED;
	is_int(ctrmap_region_state(&region, &reason), CTRMAP_STATE_DETACHED,
	       "detached");
	is_int(reason, CTRMAP_REASON_EXIT, "why: exit");
	is_int(ctrmap_reader_state(&region, NULL), CTRMAP_STATE_DETACHED,
	       "reason may be NULL");

	is_int(ctrmap_reader_read(&region, 2, &v), 0, "read counter 2");
	is_int(v, 102, "counter 2's value");
	is_int(ctrmap_read(&region, NCTR, &v), -ERANGE,
	       "ctrmap_read: past the last counter");
	is_int(ctrmap_reader_read(&region, NCTR, &v), -ERANGE,
	       "ctrmap_reader_read: past the last counter");
	is_int(ctrmap_reader_snapshot(&region, 1, 3, out), 0,
	       "snapshot counters 1..3");
	ok(out[0] == 101 && out[1] == 102 && out[2] == 103,
	   "snapshot values %" PRIu64 " %" PRIu64 " %" PRIu64, out[0],
	   out[1], out[2]);
	is_int(ctrmap_snapshot(&region, 1, NCTR, out), -ERANGE,
	       "ctrmap_snapshot: past the last counter");
	is_int(ctrmap_reader_snapshot(&region, NCTR + 1, 0, out), -ERANGE,
	       "ctrmap_reader_snapshot: first past the end");
	is_int(ctrmap_reader_snapshot(&region, NCTR, 0, out), 0,
	       "an empty group at the end");
}

/* The kernel's group update: seq odd, the counters, seq even. */
static bool stop;

static void *writer(void *arg)
{
	(void)arg;
	while (!__atomic_load_n(&stop, __ATOMIC_RELAXED)) {
		uint32_t s = __atomic_load_n(&region.h.seq, __ATOMIC_RELAXED);

		__atomic_store_n(&region.h.seq, s + 1, __ATOMIC_RELAXED);
		__atomic_thread_fence(__ATOMIC_RELEASE);
		for (int i = 0; i < NCTR; i++)
			__atomic_store_n(&ctr[i], ctr[i] + 1, __ATOMIC_RELAXED);
		__atomic_store_n(&region.h.seq, s + 2, __ATOMIC_RELEASE);
		/* Events come and go: leave the reader a stable window. */
		for (volatile int pause = 0; pause < 20; pause++)
			;
	}
	return NULL;
}

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void test_snapshot_group(void)
{
	uint64_t out[NCTR];
	pthread_t t;
	int torn = 0, err = 0, good = 0, busy = 0;
	int64_t start;

	publish();
	for (int i = 0; i < NCTR; i++)
		ctr[i] = 0;
	if (!ok(pthread_create(&t, NULL, writer, NULL) == 0, "writer thread"))
		return;
	/*
	 * For half a second, and until the writer made 2000 updates (under
	 * valgrind, threads take turns: yield now and then), 10 s at most.
	 * -EBUSY is no error here: the writer may be preempted mid-update.
	 */
	start = now_ns();
	while (now_ns() - start < 10000000000LL &&
	       (now_ns() - start < 500000000 ||
		__atomic_load_n(&region.h.seq, __ATOMIC_RELAXED) < 4000)) {
		int ret = ctrmap_snapshot(&region, 0, NCTR, out);

		if ((good + busy) % 1024 == 1023)
			sched_yield();
		if (ret == -EBUSY) {
			busy++;
			continue;
		}
		if (ret) {
			err++;
			break;
		}
		good++;
		for (int i = 1; i < NCTR; i++)
			if (out[i] != out[0])
				torn++;
	}
	__atomic_store_n(&stop, true, __ATOMIC_RELAXED);
	pthread_join(t, NULL);
	is_int(err, 0, "snapshots during updates succeed");
	ok(good >= 1000 && region.h.seq >= 4000,
	   "%d snapshots (%d gave up) during %u updates", good, busy,
	   region.h.seq / 2);
	is_int(torn, 0, "no snapshot sees a torn group");

	region.h.seq = 1;
	is_int(ctrmap_reader_snapshot(&region, 0, NCTR, out), -EBUSY,
	       "seq stays odd: -EBUSY");
	region.h.seq = 0;
}

int main(void)
{
	test_check();
	test_state_read();
	test_snapshot_group();
	return done_testing();
}
