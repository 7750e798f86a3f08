// SPDX-License-Identifier: GPL-2.0
/*
 * Test-only: what a driver's counter update costs, for
 * tests/bench/ctrmap-bench-update. Runs one way of counting N times in a
 * loop, interrupts off, and counts the CPU's cycles (get_cycles(): the TSC
 * on x86) around it: the exported ctrmap_add() on a region, against what a
 * driver would do without ctrmap.
 *
 * In debugfs, ctrmap_test_update/:
 *   region   write ID: use region ID (a reference held until the next
 *            write, 0 or unload)
 *   method   write M: 0 atomic64_inc() on kmalloc'd memory, 1
 *            this_cpu_inc(), 2 ctrmap_add(region, 0, 1), 3 two
 *            atomic64_inc(), 4 a ctrmap group update of counters 0 and 1,
 *            5 ctrmap_region_ncounters(region): a call into ctrmap and
 *            back, nothing else (the floor of any exported call)
 *   run      write N: run the method N times; read: the cycles they took
 *   hrtimer  write P: start a hard hrtimer with period P ns, pinned to
 *            the writer's CPU, that does nothing but rearm (0 stops it);
 *            read: how many times it fired (ctrmap-bench-timer's peer
 *            of the timer: source)
 */
#include <linux/atomic.h>
#include <linux/ctrmap.h>
#include <linux/debugfs.h>
#include <linux/hrtimer.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/timex.h>

/* Iterations at a time with interrupts off, then a chance to reschedule. */
#define UPDATE_BATCH 4096

enum { M_ATOMIC, M_PERCPU, M_CTRMAP, M_ATOMIC2, M_GROUP2, M_CALL, M_COUNT };

struct update_state {
	struct ctrmap_region *region;
	atomic64_t *atomics;	/* two, kmalloc'd as a driver's would be */
	u64 __percpu *percpu;
	unsigned int method;
	u64 last_cycles;
};

static struct update_state st;

struct bare_timer {
	struct hrtimer timer;
	u64 period_ns;
	atomic64_t fired;
};

static struct bare_timer bare;
static struct dentry *dir;
static DEFINE_MUTEX(update_lock);

static int update_set_region(void *data, u64 id)
{
	struct ctrmap_region *r = NULL;

	if (id > U32_MAX)
		return -EINVAL;
	if (id) {
		r = ctrmap_region_get(id);
		if (!r)
			return -ENOENT;
		if (ctrmap_region_ncounters(r) < 2) {
			ctrmap_region_put(r);
			return -ERANGE;
		}
	}
	mutex_lock(&update_lock);
	if (st.region)
		ctrmap_region_put(st.region);
	st.region = r;
	mutex_unlock(&update_lock);
	return 0;
}

static int update_get_region(void *data, u64 *val)
{
	*val = 0;
	return 0;
}

DEFINE_DEBUGFS_ATTRIBUTE(region_fops, update_get_region, update_set_region,
			 "%llu\n");

static int update_set_method(void *data, u64 m)
{
	if (m >= M_COUNT)
		return -EINVAL;
	mutex_lock(&update_lock);
	st.method = m;
	mutex_unlock(&update_lock);
	return 0;
}

static int update_get_method(void *data, u64 *val)
{
	*val = READ_ONCE(st.method);
	return 0;
}

DEFINE_DEBUGFS_ATTRIBUTE(method_fops, update_get_method, update_set_method,
			 "%llu\n");

/* @n updates by @method, interrupts off: the cycles they took. */
static u64 update_loop(unsigned int method, unsigned int n)
{
	struct ctrmap_group g;
	unsigned long flags;
	unsigned int i;
	u64 c0, c1;

	local_irq_save(flags);
	c0 = get_cycles();
	switch (method) {
	case M_ATOMIC:
		for (i = 0; i < n; i++)
			atomic64_inc(&st.atomics[0]);
		break;
	case M_PERCPU:
		for (i = 0; i < n; i++)
			this_cpu_inc(*st.percpu);
		break;
	case M_CTRMAP:
		for (i = 0; i < n; i++)
			ctrmap_add(st.region, 0, 1);
		break;
	case M_ATOMIC2:
		for (i = 0; i < n; i++) {
			atomic64_inc(&st.atomics[0]);
			atomic64_inc(&st.atomics[1]);
		}
		break;
	case M_GROUP2:
		for (i = 0; i < n; i++) {
			if (ctrmap_group_begin(st.region, &g))
				break;
			ctrmap_group_add(&g, 0, 1);
			ctrmap_group_add(&g, 1, 1);
			ctrmap_group_end(&g);
		}
		break;
	case M_CALL:
		for (i = 0; i < n; i++)
			ctrmap_region_ncounters(st.region);
		break;
	}
	c1 = get_cycles();
	local_irq_restore(flags);
	return c1 - c0;
}

static int update_run(void *data, u64 n)
{
	u64 cycles = 0;
	unsigned int batch;
	int ret = 0;

	mutex_lock(&update_lock);
	if ((st.method == M_CTRMAP || st.method == M_GROUP2) && !st.region) {
		ret = -ENOENT;
		goto out;
	}
	while (n) {
		batch = min_t(u64, n, UPDATE_BATCH);
		cycles += update_loop(st.method, batch);
		n -= batch;
		cond_resched();
	}
	st.last_cycles = cycles;
out:
	mutex_unlock(&update_lock);
	return ret;
}

static int update_last(void *data, u64 *val)
{
	mutex_lock(&update_lock);
	*val = st.last_cycles;
	mutex_unlock(&update_lock);
	return 0;
}

DEFINE_DEBUGFS_ATTRIBUTE(run_fops, update_last, update_run, "%llu\n");

static enum hrtimer_restart bare_fire(struct hrtimer *t)
{
	atomic64_inc(&bare.fired);
	hrtimer_forward_now(t, ns_to_ktime(bare.period_ns));
	return HRTIMER_RESTART;
}

static int bare_set(void *data, u64 period_ns)
{
	mutex_lock(&update_lock);
	hrtimer_cancel(&bare.timer);
	bare.period_ns = period_ns;
	if (period_ns)
		hrtimer_start(&bare.timer, ns_to_ktime(period_ns),
			      HRTIMER_MODE_REL_PINNED_HARD);
	mutex_unlock(&update_lock);
	return 0;
}

static int bare_get(void *data, u64 *val)
{
	*val = atomic64_read(&bare.fired);
	return 0;
}

DEFINE_DEBUGFS_ATTRIBUTE(hrtimer_fops, bare_get, bare_set, "%llu\n");

static int __init ctrmap_test_update_init(void)
{
	st.atomics = kcalloc(2, sizeof(*st.atomics), GFP_KERNEL);
	st.percpu = alloc_percpu(u64);
	if (!st.atomics || !st.percpu) {
		kfree(st.atomics);
		free_percpu(st.percpu);
		return -ENOMEM;
	}
	ctrmap_hrtimer_setup(&bare.timer, bare_fire, CLOCK_MONOTONIC,
			     HRTIMER_MODE_REL_PINNED_HARD);
	dir = debugfs_create_dir("ctrmap_test_update", NULL);
	debugfs_create_file_unsafe("region", 0600, dir, NULL, &region_fops);
	debugfs_create_file_unsafe("method", 0600, dir, NULL, &method_fops);
	debugfs_create_file_unsafe("run", 0600, dir, NULL, &run_fops);
	debugfs_create_file_unsafe("hrtimer", 0600, dir, NULL, &hrtimer_fops);
	return 0;
}

static void __exit ctrmap_test_update_exit(void)
{
	debugfs_remove_recursive(dir);
	hrtimer_cancel(&bare.timer);
	if (st.region)
		ctrmap_region_put(st.region);
	free_percpu(st.percpu);
	kfree(st.atomics);
}

module_init(ctrmap_test_update_init);
module_exit(ctrmap_test_update_exit);
MODULE_DESCRIPTION("ctrmap test: the cost of a driver's counter update");
MODULE_LICENSE("GPL");
