// SPDX-License-Identifier: GPL-2.0
/*
 * Watching the range: an mmu interval notifier over the pinned pages tells
 * us when the process's mapping of them changes.
 *
 * - RELEASE: the address space is being torn down (exit, or exec replacing
 *   it): detach with reason "exit". The UNMAP that follows finds the region
 *   dying already.
 * - UNMAP: munmap, mremap, MAP_FIXED over the range: detach, "unmapped".
 * - PROTECTION_VMA/_PAGE, SOFT_DIRTY: mprotect, NUMA hinting, fork's
 *   write-protection of the parent; the pages stay mapped. Ignored.
 * - anything else (CLEAR: MADV_DONTNEED, but also KSM, THP and reclaim
 *   attempts, which fail on pinned pages): ask the page tables in a worker
 *   whether the range still maps the pinned pages, and detach if not.
 */
#include <linux/mm.h>
#include <linux/mmu_notifier.h>
#include <linux/sched/mm.h>

#include "notifier.h"
#include "region.h"

/* Batch of pages looked up at once by the recheck; bounds its stack use. */
#define CTRMAP_RECHECK_BATCH 16

/*
 * Rechecks run on a workqueue of their own: teardown (on the module's
 * WQ_MEM_RECLAIM queue) cancels them, and may only wait for work of a
 * queue that is WQ_MEM_RECLAIM too; module unload drains it.
 */
static struct workqueue_struct *recheck_wq;

static bool ctrmap_invalidate(struct mmu_interval_notifier *mni,
			      const struct mmu_notifier_range *range,
			      unsigned long cur_seq)
{
	struct ctrmap_region *r = container_of(mni, struct ctrmap_region,
					       notifier);

	mmu_interval_set_seq(mni, cur_seq);
	switch (range->event) {
	case MMU_NOTIFY_RELEASE:
		ctrmap_region_kill(r, CTRMAP_REASON_EXIT);
		break;
	case MMU_NOTIFY_UNMAP:
		ctrmap_region_kill(r, CTRMAP_REASON_UNMAPPED);
		break;
	case MMU_NOTIFY_PROTECTION_VMA:
	case MMU_NOTIFY_PROTECTION_PAGE:
	case MMU_NOTIFY_SOFT_DIRTY:
		break;
	default:
		ctrmap_notifier_recheck(r);
		break;
	}
	/* Nothing here sleeps: no need to refuse a non-blockable range. */
	return true;
}

static const struct mmu_interval_notifier_ops ctrmap_notifier_ops = {
	.invalidate = ctrmap_invalidate,
};

/* Does the range still map the pages we pinned, at the same addresses? */
static bool ctrmap_still_mapped(struct ctrmap_region *r)
{
	struct page *now[CTRMAP_RECHECK_BATCH];
	unsigned int i, n, done = 0;
	bool same = true;
	long got;

	mmap_read_lock(r->mm);
	while (same && done < r->npages) {
		n = min_t(unsigned int, r->npages - done, CTRMAP_RECHECK_BATCH);
		/*
		 * A read lookup, faulting if need be: shmem pages come back
		 * the same after MADV_DONTNEED, private anonymous ones come
		 * back as the zero page. FOLL_FORCE reads PROT_NONE ranges.
		 */
		got = ctrmap_get_user_pages_remote(r->mm, r->start +
						   ((unsigned long)done << PAGE_SHIFT),
						   n, FOLL_FORCE, now);
		if (got != n)
			same = false;
		for (i = 0; i < (got > 0 ? got : 0); i++) {
			if (now[i] != r->pages[done + i])
				same = false;
			put_page(now[i]);
		}
		done += n;
	}
	mmap_read_unlock(r->mm);
	return same;
}

static void ctrmap_recheck_work(struct work_struct *work)
{
	struct ctrmap_region *r = container_of(work, struct ctrmap_region,
					       recheck_work);
	unsigned long seq;
	bool same;

	/*
	 * Teardown cancels a queued recheck before it lets go of the mm; one
	 * queued after that finds the region dying.
	 */
	if (!ctrmap_region_live(r))
		goto out;
	/* No users left: the space is going, and RELEASE says so. */
	if (!mmget_not_zero(r->mm))
		goto out;
	/*
	 * The callback runs before the page tables change (MADV_DONTNEED
	 * zaps after it): look only once that invalidation has ended, and
	 * look again if another one came meanwhile.
	 */
	do {
		seq = mmu_interval_read_begin(&r->notifier);
		same = ctrmap_still_mapped(r);
	} while (same && mmu_interval_read_retry(&r->notifier, seq));
	mmput(r->mm);
	if (!same)
		ctrmap_region_kill(r, CTRMAP_REASON_UNMAPPED);
out:
	ctrmap_region_put(r);
}

void ctrmap_notifier_init(struct ctrmap_region *r)
{
	INIT_WORK(&r->recheck_work, ctrmap_recheck_work);
}

int ctrmap_notifier_insert(struct ctrmap_region *r)
{
	return mmu_interval_notifier_insert(&r->notifier, r->mm, r->start,
					    (unsigned long)r->npages << PAGE_SHIFT,
					    &ctrmap_notifier_ops);
}

/*
 * Any context. The queued work holds a reference to the region, so it may
 * run after the region's teardown (an ATTACH that queues the first recheck
 * while a sibling thread's munmap already tore the region down).
 */
void ctrmap_notifier_recheck(struct ctrmap_region *r)
{
	if (!refcount_inc_not_zero(&r->ref))
		return;
	if (!queue_work(recheck_wq, &r->recheck_work))
		ctrmap_region_put(r);	/* queued already: that one holds one */
}

/* Wait for a recheck that is queued or running. Process context. */
void ctrmap_notifier_flush(struct ctrmap_region *r)
{
	flush_work(&r->recheck_work);
}

/* Process context only, never from the notifier's own callback. */
void ctrmap_notifier_remove(struct ctrmap_region *r)
{
	mmu_interval_notifier_remove(&r->notifier);
	if (cancel_work_sync(&r->recheck_work))
		ctrmap_region_put(r);
}

int ctrmap_notifier_init_wq(void)
{
	recheck_wq = alloc_workqueue("ctrmap_recheck",
				     WQ_UNBOUND | WQ_MEM_RECLAIM, 0);
	return recheck_wq ? 0 : -ENOMEM;
}

void ctrmap_notifier_uninit_wq(void)
{
	destroy_workqueue(recheck_wq);
}
