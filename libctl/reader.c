// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The reader side of libctrmap: runs in the process that owns a region and
 * reads it with plain loads. No system call, no netlink, no handle.
 *
 * The kernel writes the header, then publishes it by writing the magic
 * last (with a write barrier in between), so a header is trusted only
 * after an acquire load of the magic. Group updates follow the vDSO
 * protocol on seq: odd while an update runs.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#include <ctrmap/ctrmap.h>

#define LOAD_ACQ(p) __atomic_load_n((p), __ATOMIC_ACQUIRE)
#define LOAD(p) __atomic_load_n((p), __ATOMIC_RELAXED)

/* Give up a snapshot after this many torn reads: a writer that never ends. */
#define SNAPSHOT_TRIES 1000000

int ctrmap_region_check(const void *region, size_t len)
{
	const struct ctrmap_header *h = region;
	uint64_t need;

	if (!region || ((uintptr_t)region & 7) || len < sizeof(*h))
		return -EINVAL;
	if (LOAD_ACQ(&h->magic) != CTRMAP_MAGIC)
		return -EAGAIN;
	if (LOAD(&h->abi) != CTRMAP_ABI_VERSION ||
	    LOAD(&h->hdr_size) < sizeof(*h) || (LOAD(&h->hdr_size) & 7))
		return -EPROTO;
	need = (uint64_t)LOAD(&h->hdr_size) + (uint64_t)LOAD(&h->ncounters) * 8;
	if (need > len)
		return -EINVAL;
	return 0;
}

unsigned int ctrmap_region_state(const void *region, unsigned int *reason)
{
	const struct ctrmap_header *h = region;
	unsigned int state = LOAD_ACQ(&h->state);

	/* The kernel writes the reason before it flips the state. */
	if (reason)
		*reason = LOAD(&h->reason);
	return state;
}

static const uint64_t *counters(const struct ctrmap_header *h)
{
	return (const uint64_t *)((const char *)h + LOAD(&h->hdr_size));
}

int ctrmap_read(const void *region, unsigned int index, uint64_t *value)
{
	const struct ctrmap_header *h = region;

	if (index >= LOAD(&h->ncounters))
		return -ERANGE;
	*value = LOAD(&counters(h)[index]);
	return 0;
}

int ctrmap_snapshot(const void *region, unsigned int first, unsigned int n,
		    uint64_t *out)
{
	const struct ctrmap_header *h = region;
	const uint64_t *c = counters(h);
	unsigned int i;
	uint32_t seq;
	long tries;

	if (first > LOAD(&h->ncounters) || n > LOAD(&h->ncounters) - first)
		return -ERANGE;
	for (tries = 0; tries < SNAPSHOT_TRIES; tries++) {
		seq = LOAD_ACQ(&h->seq);
		if (seq & 1)
			continue;
		for (i = 0; i < n; i++)
			out[i] = LOAD(&c[first + i]);
		/* The copies are done before seq is read again. */
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		if (LOAD(&h->seq) == seq)
			return 0;
	}
	return -EBUSY;
}
