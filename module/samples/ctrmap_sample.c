// SPDX-License-Identifier: GPL-2.0
/*
 * ctrmap_sample: the driver of the original question, counting straight
 * into its user process from its interrupt handler. Here an hrtimer in
 * hard-IRQ mode stands in for the device interrupt; each "interrupt" is a
 * burst of packets, and the handler moves two counters as one group:
 *
 *	counter 0: packets
 *	counter 1: bytes, always CTRMAP_SAMPLE_PACKET_BYTES * packets
 *
 * so a reader that takes a snapshot (ctrmap_snapshot()) never sees the
 * invariant broken. The process attaches its memory and hands the region
 * id to the driver (here a module parameter; a real driver would take it
 * through its own ioctl or sysfs file). The id comes from user space, so
 * the driver takes it with ctrmap_region_get_checked(): only a region the
 * caller may act on (ctrmap's attach rule), never anybody's:
 *
 *	insmod ctrmap_sample.ko region=ID [period_us=100]
 *
 * Only the exported API is used: nothing here knows about pinning.
 */
#include <linux/ctrmap.h>
#include <linux/delay.h>
#include <linux/hrtimer.h>
#include <linux/module.h>

#define CTRMAP_SAMPLE_PACKET_BYTES 1500

static unsigned int region;
module_param(region, uint, 0444);
MODULE_PARM_DESC(region, "region id from ATTACH (counterctl attach)");

static unsigned int period_us = 100;
module_param(period_us, uint, 0444);
MODULE_PARM_DESC(period_us, "interrupt period in microseconds");

/* For the tests only: what a reader sees when the group is left out. */
static bool torn;
module_param(torn, bool, 0444);
MODULE_PARM_DESC(torn, "test only: update the counters one by one, no group");

static struct ctrmap_region *sample_region;
static struct hrtimer sample_timer;
static u64 sample_irqs;

/* The "interrupt handler": hard-IRQ context. */
static enum hrtimer_restart ctrmap_sample_irq(struct hrtimer *timer)
{
	u64 packets = 1 + (sample_irqs++ % 4);	/* a burst of 1..4 */
	struct ctrmap_group g;

	hrtimer_forward_now(timer, ns_to_ktime(period_us * NSEC_PER_USEC));
	if (torn) {
		ctrmap_add(sample_region, 0, packets);
		udelay(9);	/* a window a reader can fall into */
		ctrmap_add(sample_region, 1,
			   packets * CTRMAP_SAMPLE_PACKET_BYTES);
		return HRTIMER_RESTART;
	}
	if (!ctrmap_group_begin(sample_region, &g)) {
		ctrmap_group_add(&g, 0, packets);
		ctrmap_group_add(&g, 1, packets * CTRMAP_SAMPLE_PACKET_BYTES);
		ctrmap_group_end(&g);
	}
	/* Once detached, ctrmap_group_begin() fails and the writes stop. */
	return HRTIMER_RESTART;
}

static int __init ctrmap_sample_init(void)
{
	sample_region = ctrmap_region_get_checked(region);
	if (!sample_region) {
		pr_err("ctrmap_sample: no region %u\n", region);
		return -ENOENT;
	}
	if (ctrmap_region_ncounters(sample_region) < 2 || !period_us) {
		ctrmap_region_put(sample_region);
		return -EINVAL;
	}
	ctrmap_hrtimer_setup(&sample_timer, ctrmap_sample_irq, CLOCK_MONOTONIC,
			     HRTIMER_MODE_REL_HARD);
	hrtimer_start(&sample_timer, ns_to_ktime(period_us * NSEC_PER_USEC),
		      HRTIMER_MODE_REL_HARD);
	return 0;
}
module_init(ctrmap_sample_init);

static void __exit ctrmap_sample_exit(void)
{
	hrtimer_cancel(&sample_timer);
	ctrmap_region_put(sample_region);
}
module_exit(ctrmap_sample_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("ctrmap sample: a driver counting into a process from hard IRQ");
