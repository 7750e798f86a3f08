// SPDX-License-Identifier: GPL-2.0
/*
 * Module parameters: the limits, the timer budget and attach_scope. Kconfig
 * gives the defaults; an administrator overrides them at load time
 * (options ctrmap ... in /etc/modprobe.d/ctrmap.conf). They are read-only
 * once loaded, so no request ever sees them change under it, and STATS
 * reports what is in force.
 */
#include <linux/kernel.h>
#include <linux/moduleparam.h>
#include <linux/time64.h>

#include "params.h"

struct ctrmap_params ctrmap_params = {
	.max_regions = CONFIG_CTRMAP_MAX_REGIONS,
	.max_regions_per_process = CONFIG_CTRMAP_MAX_REGIONS_PER_PROCESS,
	.max_regions_per_user = CONFIG_CTRMAP_MAX_REGIONS_PER_USER,
	.max_region_pages = CONFIG_CTRMAP_MAX_REGION_PAGES,
	.max_bindings = CONFIG_CTRMAP_MAX_BINDINGS,
	.max_bindings_per_user = CONFIG_CTRMAP_MAX_BINDINGS_PER_USER,
	.timer_min_period_ns = CONFIG_CTRMAP_TIMER_MIN_PERIOD_NS,
	.timer_budget = CONFIG_CTRMAP_TIMER_BUDGET,
	.attach_scope = CONFIG_CTRMAP_ATTACH_SCOPE,
};

module_param_named(max_regions, ctrmap_params.max_regions, uint, 0444);
MODULE_PARM_DESC(max_regions, "regions attached at once, in total");
module_param_named(max_regions_per_process,
		   ctrmap_params.max_regions_per_process, uint, 0444);
MODULE_PARM_DESC(max_regions_per_process,
		 "regions attached at once, per process");
module_param_named(max_regions_per_user, ctrmap_params.max_regions_per_user,
		   uint, 0444);
MODULE_PARM_DESC(max_regions_per_user,
		 "regions attached at once, per user (real UID)");
module_param_named(max_region_pages, ctrmap_params.max_region_pages, uint,
		   0444);
MODULE_PARM_DESC(max_region_pages, "pages one region may span (at most 2048)");
module_param_named(max_bindings, ctrmap_params.max_bindings, uint, 0444);
MODULE_PARM_DESC(max_bindings, "sources bound to one region");
module_param_named(max_bindings_per_user,
		   ctrmap_params.max_bindings_per_user, uint, 0444);
MODULE_PARM_DESC(max_bindings_per_user,
		 "sources bound at once, per user (real UID)");
module_param_named(timer_min_period_ns, ctrmap_params.timer_min_period_ns,
		   ulong, 0444);
MODULE_PARM_DESC(timer_min_period_ns,
		 "shortest timer source period in ns (at least 1000)");
module_param_named(timer_budget, ctrmap_params.timer_budget, uint, 0444);
MODULE_PARM_DESC(timer_budget,
		 "timer expiries per second, per user (real UID); CAP_SYS_ADMIN is exempt");
module_param_named(attach_scope, ctrmap_params.attach_scope, uint, 0444);
MODULE_PARM_DESC(attach_scope,
		 "who may attach another process: 0 ptrace rules, 1 CAP_SYS_PTRACE over its memory, 2 CAP_SYS_PTRACE in the initial namespace, 3 nobody");

static int ctrmap_param_range(const char *name, unsigned long val,
			      unsigned long min, unsigned long max)
{
	if (val >= min && val <= max)
		return 0;
	pr_err("module parameter %s=%lu is out of range [%lu, %lu]\n", name,
	       val, min, max);
	return -EINVAL;
}

/*
 * At load: every value in its range. A per-process or per-user cap above
 * max_regions is allowed and simply never reached.
 */
int ctrmap_params_check(void)
{
	const struct ctrmap_params *p = &ctrmap_params;
	int err = 0;

	err |= ctrmap_param_range("max_regions", p->max_regions, 1, 1048576);
	err |= ctrmap_param_range("max_regions_per_process",
				  p->max_regions_per_process, 1, 65536);
	err |= ctrmap_param_range("max_regions_per_user",
				  p->max_regions_per_user, 1, 1048576);
	err |= ctrmap_param_range("max_region_pages", p->max_region_pages, 1,
				  CTRMAP_MAX_REGION_PAGES_LIMIT);
	err |= ctrmap_param_range("max_bindings", p->max_bindings, 1, 256);
	err |= ctrmap_param_range("max_bindings_per_user",
				  p->max_bindings_per_user, 1, 16777216);
	err |= ctrmap_param_range("timer_min_period_ns",
				  p->timer_min_period_ns, 1000,
				  CTRMAP_TIMER_MAX_PERIOD_NS);
	err |= ctrmap_param_range("timer_budget", p->timer_budget, 1,
				  100000000);
	err |= ctrmap_param_range("attach_scope", p->attach_scope, 0,
				  CTRMAP_ATTACH_SCOPE_MAX);
	return err ? -EINVAL : 0;
}
