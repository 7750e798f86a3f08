// SPDX-License-Identifier: GPL-2.0
/*
 * Test-only: trips a WARN at load, and otherwise loads and unloads fine.
 * The VM harness must report a run that loads it as failed because of the
 * splat alone; this module proves it does.
 */
#include <linux/module.h>

static int __init ctrmap_test_warn_init(void)
{
	WARN(1, "ctrmap_test_warn: deliberate warning\n");
	return 0;
}
module_init(ctrmap_test_warn_init);

static void __exit ctrmap_test_warn_exit(void)
{
}
module_exit(ctrmap_test_warn_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("ctrmap test: a deliberate WARN at load");
