/* SPDX-License-Identifier: LGPL-2.1-or-later OR MIT */
/*
 * <ctrmap/reader.h>: read a ctrmap counter region in the process that owns
 * it. Header only: static inline functions, plain loads, no system call, no
 * libnl, no libctrmap. libctrmap's reader calls (ctrmap_region_check(),
 * ctrmap_region_state(), ctrmap_read(), ctrmap_snapshot()) are these.
 *
 * `region` is the address handed to ATTACH. The kernel writes the header
 * there and publishes it by writing the magic last, after a write barrier:
 * the header is trusted only after an acquire load of the magic sees
 * CTRMAP_MAGIC. Counter i is the naturally aligned 64-bit word at
 * region + hdr_size + 8 * i, read with one load. A group of counters one
 * event updates together is written inside seq, odd while an update runs
 * (the vDSO protocol); ctrmap_reader_snapshot() retries until it copied
 * the group between two loads of the same even seq.
 *
 * A reader in another language follows the same steps: see libctrmap(3),
 * "The reader protocol".
 */
#ifndef CTRMAP_READER_H
#define CTRMAP_READER_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#include "uapi.h"

/* ctrmap_reader_snapshot() gives up after this many torn reads. */
#define CTRMAP_READER_TRIES 1000000

#define CTRMAP_LOAD_ACQ_(p) __atomic_load_n((p), __ATOMIC_ACQUIRE)
#define CTRMAP_LOAD_(p) __atomic_load_n((p), __ATOMIC_RELAXED)

static inline const struct ctrmap_header *ctrmap_reader_hdr_(const void *r)
{
	return (const struct ctrmap_header *)r;
}

static inline const uint64_t *
ctrmap_reader_ctrs_(const struct ctrmap_header *h)
{
	return (const uint64_t *)((const char *)h + CTRMAP_LOAD_(&h->hdr_size));
}

/*
 * Validate the header: 0 if the kernel wrote it and its counters fit in len
 * bytes; -EAGAIN if no header was written yet (not attached so far);
 * -EPROTO for a region ABI this header does not know (abi, or a hdr_size
 * below 64 or not a multiple of 8); -EINVAL for a NULL or unaligned
 * pointer, a len below the header, or counters that do not fit.
 */
static inline int ctrmap_reader_check(const void *region, size_t len)
{
	const struct ctrmap_header *h = ctrmap_reader_hdr_(region);
	uint64_t need;

	if (!region || ((uintptr_t)region & 7) || len < sizeof(*h))
		return -EINVAL;
	if (CTRMAP_LOAD_ACQ_(&h->magic) != CTRMAP_MAGIC)
		return -EAGAIN;
	if (CTRMAP_LOAD_(&h->abi) != CTRMAP_ABI_VERSION ||
	    CTRMAP_LOAD_(&h->hdr_size) < sizeof(*h) ||
	    (CTRMAP_LOAD_(&h->hdr_size) & 7))
		return -EPROTO;
	need = (uint64_t)CTRMAP_LOAD_(&h->hdr_size) +
	       (uint64_t)CTRMAP_LOAD_(&h->ncounters) * 8;
	if (need > len)
		return -EINVAL;
	return 0;
}

/*
 * CTRMAP_STATE_ATTACHED or _DETACHED and, once detached, why (enum
 * ctrmap_reason) in *reason (may be NULL). The kernel writes the reason
 * before it flips the state, so the state is loaded first, with acquire.
 */
static inline unsigned int ctrmap_reader_state(const void *region,
					       unsigned int *reason)
{
	const struct ctrmap_header *h = ctrmap_reader_hdr_(region);
	unsigned int state = CTRMAP_LOAD_ACQ_(&h->state);

	if (reason)
		*reason = CTRMAP_LOAD_(&h->reason);
	return state;
}

/* Counter index, with one aligned 64-bit load. -ERANGE past the last one. */
static inline int ctrmap_reader_read(const void *region, unsigned int index,
				     uint64_t *value)
{
	const struct ctrmap_header *h = ctrmap_reader_hdr_(region);

	if (index >= CTRMAP_LOAD_(&h->ncounters))
		return -ERANGE;
	*value = CTRMAP_LOAD_(&ctrmap_reader_ctrs_(h)[index]);
	return 0;
}

/*
 * Counters [first, first + n) into out, as one consistent group: -ERANGE
 * past the last counter; -EBUSY if CTRMAP_READER_TRIES reads were all torn
 * (a writer that never ends).
 */
static inline int ctrmap_reader_snapshot(const void *region,
					 unsigned int first, unsigned int n,
					 uint64_t *out)
{
	const struct ctrmap_header *h = ctrmap_reader_hdr_(region);
	const uint64_t *c = ctrmap_reader_ctrs_(h);
	uint32_t ncounters = CTRMAP_LOAD_(&h->ncounters);
	unsigned int i;
	uint32_t seq;
	long tries;

	if (first > ncounters || n > ncounters - first)
		return -ERANGE;
	for (tries = 0; tries < CTRMAP_READER_TRIES; tries++) {
		seq = CTRMAP_LOAD_ACQ_(&h->seq);
		if (seq & 1)
			continue;	/* an update is running */
		for (i = 0; i < n; i++)
			out[i] = CTRMAP_LOAD_(&c[first + i]);
		/* The copies are done before seq is loaded again. */
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		if (CTRMAP_LOAD_(&h->seq) == seq)
			return 0;
	}
	return -EBUSY;
}

#undef CTRMAP_LOAD_ACQ_
#undef CTRMAP_LOAD_

#endif /* CTRMAP_READER_H */
