// SPDX-License-Identifier: GPL-2.0
/*
 * ctrmap_test_getter: a driver that takes a region id from user space, as
 * the in-kernel API's users do (an ioctl, a sysfs file), and adds 1 to the
 * region's counter 0. Writing "ID" to /dev/ctrmap_test_getter (mode 0666:
 * any user) looks the region up with ctrmap_region_get_checked(), which
 * only finds regions the writer may act on; with checked=0 the driver uses
 * the unchecked ctrmap_region_get() instead, the confused deputy the
 * checked getter exists to prevent (tests/bats/region/getter.bats shows
 * that any user could then write into anybody's counters).
 */
#include <linux/ctrmap.h>
#include <linux/fs.h>
#include <linux/kstrtox.h>
#include <linux/miscdevice.h>
#include <linux/module.h>

static bool checked = true;
module_param(checked, bool, 0444);
MODULE_PARM_DESC(checked, "look ids up with ctrmap_region_get_checked()");

static ssize_t ctrmap_test_getter_write(struct file *file,
					const char __user *buf, size_t len,
					loff_t *ppos)
{
	struct ctrmap_region *r;
	u32 id;
	int err;

	err = kstrtou32_from_user(buf, len, 0, &id);
	if (err)
		return err;
	r = checked ? ctrmap_region_get_checked(id) : ctrmap_region_get(id);
	if (!r)
		return -ENOENT;
	err = ctrmap_add(r, 0, 1);
	ctrmap_region_put(r);
	return err ? err : len;
}

static const struct file_operations ctrmap_test_getter_fops = {
	.owner = THIS_MODULE,
	.write = ctrmap_test_getter_write,
};

static struct miscdevice ctrmap_test_getter_dev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "ctrmap_test_getter",
	.fops = &ctrmap_test_getter_fops,
	.mode = 0666,
};

module_misc_device(ctrmap_test_getter_dev);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("ctrmap test: a driver taking region ids from user space");
