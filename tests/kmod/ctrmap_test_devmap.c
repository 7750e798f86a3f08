// SPDX-License-Identifier: GPL-2.0
/*
 * Test-only: a character device, /dev/ctrmap_test_devmap, whose mmap()
 * maps the driver's own kernel pages with vm_insert_page(). The mapping is
 * shared, writable, and neither VM_IO nor VM_PFNMAP (vm_insert_page() sets
 * VM_MIXEDMAP only), and its node lives in devtmpfs, which is tmpfs: the
 * kind of mapping ctrmap must refuse, since pinning it long-term would pin
 * a driver's pages.
 */
#include <linux/gfp.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>

#define CTRMAP_TEST_DEVMAP_PAGES 4

static struct page *pages[CTRMAP_TEST_DEVMAP_PAGES];

static int ctrmap_test_devmap_mmap(struct file *file, struct vm_area_struct *vma)
{
	unsigned long i, n = vma_pages(vma);
	int err;

	if (vma->vm_pgoff || n > CTRMAP_TEST_DEVMAP_PAGES)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		err = vm_insert_page(vma, vma->vm_start + i * PAGE_SIZE,
				     pages[i]);
		if (err)
			return err;
	}
	return 0;
}

static const struct file_operations ctrmap_test_devmap_fops = {
	.owner = THIS_MODULE,
	.mmap = ctrmap_test_devmap_mmap,
};

static struct miscdevice ctrmap_test_devmap_dev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "ctrmap_test_devmap",
	.fops = &ctrmap_test_devmap_fops,
};

static void ctrmap_test_devmap_free(void)
{
	int i;

	/* A page still mapped or pinned is freed by its last put. */
	for (i = 0; i < CTRMAP_TEST_DEVMAP_PAGES; i++)
		if (pages[i])
			put_page(pages[i]);
}

static int __init ctrmap_test_devmap_init(void)
{
	int i, err;

	for (i = 0; i < CTRMAP_TEST_DEVMAP_PAGES; i++) {
		pages[i] = alloc_page(GFP_KERNEL | __GFP_ZERO);
		if (!pages[i]) {
			err = -ENOMEM;
			goto err_pages;
		}
	}
	err = misc_register(&ctrmap_test_devmap_dev);
	if (err)
		goto err_pages;
	return 0;

err_pages:
	ctrmap_test_devmap_free();
	return err;
}
module_init(ctrmap_test_devmap_init);

static void __exit ctrmap_test_devmap_exit(void)
{
	misc_deregister(&ctrmap_test_devmap_dev);
	ctrmap_test_devmap_free();
}
module_exit(ctrmap_test_devmap_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("ctrmap test: a device that maps kernel pages with vm_insert_page()");
