// SPDX-License-Identifier: GPL-2.0
/* hrtimer_setup() (6.13) sets the callback with the mode; hrtimer_init() went. */
#include <linux/hrtimer.h>

static enum hrtimer_restart ctrmap_probe_fn(struct hrtimer *t)
{
	return HRTIMER_NORESTART;
}

void ctrmap_probe(struct hrtimer *t);
void ctrmap_probe(struct hrtimer *t)
{
	hrtimer_setup(t, ctrmap_probe_fn, CLOCK_MONOTONIC, HRTIMER_MODE_REL_HARD);
}
