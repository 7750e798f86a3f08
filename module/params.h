/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _CTRMAP_PARAMS_H
#define _CTRMAP_PARAMS_H

#include <linux/types.h>
#include <uapi/linux/ctrmap.h>

/*
 * The limits in force: Kconfig's defaults, or what the administrator gave
 * as module parameters (/etc/modprobe.d), checked once at load. Read-only
 * afterwards.
 */
struct ctrmap_params {
	unsigned int max_regions;
	unsigned int max_regions_per_process;
	unsigned int max_regions_per_user;
	unsigned int max_region_pages;
	unsigned int max_bindings;
	unsigned int max_bindings_per_user;
	unsigned long timer_min_period_ns;
	unsigned int timer_budget;	/* expiries per second, per user */
	unsigned int attach_scope;	/* 0..CTRMAP_ATTACH_SCOPE_MAX */
};

extern struct ctrmap_params ctrmap_params;

#define CTRMAP_ATTACH_SCOPE_MAX		3
/* GET's page list must fit one netlink attribute (64 KiB). */
#define CTRMAP_MAX_REGION_PAGES_LIMIT	2048

int ctrmap_params_check(void);

#endif /* _CTRMAP_PARAMS_H */
