// SPDX-License-Identifier: GPL-2.0
/*
 * ctrmap: kernel counters served straight into a user process's memory.
 */
#include <linux/module.h>
#include <net/genetlink.h>
#include <uapi/linux/ctrmap.h>

#include "genl.h"
#include "params.h"
#include "region.h"

static int __init ctrmap_init(void)
{
	int ret;

	ret = ctrmap_params_check();
	if (ret)
		return ret;
	ret = ctrmap_regions_init();
	if (ret)
		return ret;
	ret = ctrmap_genl_init();
	if (ret)
		goto err_regions;

	pr_info("version " CTRMAP_VERSION " loaded\n");
	return 0;

err_regions:
	ctrmap_regions_uninit();
	return ret;
}

/* No request runs once the family is gone; then every region detaches. */
static void __exit ctrmap_exit(void)
{
	ctrmap_genl_uninit();
	ctrmap_regions_uninit();
}

module_init(ctrmap_init);
module_exit(ctrmap_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Kernel counters served straight into a process's memory");
MODULE_AUTHOR("The ctrmap authors");
MODULE_VERSION(CTRMAP_VERSION);
MODULE_ALIAS_GENL_FAMILY(CTRMAP_GENL_NAME);
