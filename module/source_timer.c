// SPDX-License-Identifier: GPL-2.0
/*
 * timer:PERIOD - an hrtimer in hard-IRQ mode (hard IRQ even on PREEMPT_RT),
 * the stand-in for a device interrupt. Each expiry adds the number of
 * periods elapsed since the last one, so the counter equals the periods
 * elapsed since BIND even when the timer runs late.
 */
#include <linux/hrtimer.h>
#include <linux/ktime.h>
#include <net/genetlink.h>

#include "region.h"
#include "source.h"

static enum hrtimer_restart ctrmap_timer_fire(struct hrtimer *timer)
{
	struct ctrmap_binding *b = container_of(timer, struct ctrmap_binding,
						timer);
	u64 periods = hrtimer_forward_now(timer, ns_to_ktime(b->src.period_ns));

	ctrmap_add(b->region, b->index, periods);
	return HRTIMER_RESTART;
}

int ctrmap_timer_start(struct ctrmap_binding *b,
		       struct netlink_ext_ack *extack,
		       const struct nlattr *attr)
{
	if (!IS_ENABLED(CONFIG_CTRMAP_SOURCE_TIMER)) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "timer sources are not built in (CONFIG_CTRMAP_SOURCE_TIMER)");
		return -EOPNOTSUPP;
	}
	ctrmap_hrtimer_setup(&b->timer, ctrmap_timer_fire, CLOCK_MONOTONIC,
			     HRTIMER_MODE_REL_HARD);
	hrtimer_start(&b->timer, ns_to_ktime(b->src.period_ns),
		      HRTIMER_MODE_REL_HARD);
	return 0;
}

/* Waits for a running callback: afterwards the timer writes no more. */
void ctrmap_timer_stop(struct ctrmap_binding *b)
{
	hrtimer_cancel(&b->timer);
	kfree(b);
}
