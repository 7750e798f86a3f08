// SPDX-License-Identifier: GPL-2.0
/*
 * Test-only: two interrupts that no device raises, for tests/bench/irq-probe.
 * Raising one runs the kernel's own interrupt path as a device interrupt
 * does (handle_simple_irq, the irq_handler_entry tracepoint with every
 * probe on it, the handler, /proc/interrupts), with interrupts off, and
 * times it: what an interrupt costs, without a device or a VM exit in the
 * measurement.
 *
 * In debugfs, ctrmap_test_irqbench/:
 *   irq0, irq1       the two IRQ numbers
 *   raise0, raise1   write N: raise that IRQ N times; read: how many
 *                    nanoseconds the last N took, interrupts off
 */
#include <linux/debugfs.h>
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/sched.h>

/* Interrupts raised with interrupts off at a time, between two clock reads. */
#define IRQBENCH_BATCH 32

struct irqbench_line {
	u32 irq;
	u64 last_ns;
};

static struct irqbench_line lines[2];
static int irq_base;
static struct dentry *dir;
static DEFINE_MUTEX(raise_lock);

static irqreturn_t irqbench_handler(int irq, void *dev_id)
{
	return IRQ_HANDLED;
}

static int irqbench_raise(void *data, u64 n)
{
	struct irqbench_line *line = data;
	unsigned long flags;
	u64 total = 0, t0;
	unsigned int i;

	mutex_lock(&raise_lock);
	while (n) {
		unsigned int batch = min_t(u64, n, IRQBENCH_BATCH);

		local_irq_save(flags);
		t0 = ktime_get_ns();
		for (i = 0; i < batch; i++)
			generic_handle_irq(line->irq);
		total += ktime_get_ns() - t0;
		local_irq_restore(flags);
		n -= batch;
		cond_resched();
	}
	line->last_ns = total;
	mutex_unlock(&raise_lock);
	return 0;
}

static int irqbench_last(void *data, u64 *val)
{
	struct irqbench_line *line = data;

	mutex_lock(&raise_lock);
	*val = line->last_ns;
	mutex_unlock(&raise_lock);
	return 0;
}

DEFINE_DEBUGFS_ATTRIBUTE(irqbench_fops, irqbench_last, irqbench_raise,
			 "%llu\n");

static int __init ctrmap_test_irqbench_init(void)
{
	char name[8];
	int i, err;

	irq_base = irq_alloc_descs(-1, 1, ARRAY_SIZE(lines), NUMA_NO_NODE);
	if (irq_base < 0)
		return irq_base;
	for (i = 0; i < ARRAY_SIZE(lines); i++) {
		lines[i].irq = irq_base + i;
		irq_set_chip_and_handler(lines[i].irq, &dummy_irq_chip,
					 handle_simple_irq);
		irq_modify_status(lines[i].irq, IRQ_NOREQUEST | IRQ_NOPROBE, 0);
		err = request_irq(lines[i].irq, irqbench_handler,
				  IRQF_NO_THREAD, "ctrmap-irqbench", &lines[i]);
		if (err)
			goto err_irq;
	}

	dir = debugfs_create_dir("ctrmap_test_irqbench", NULL);
	for (i = 0; i < ARRAY_SIZE(lines); i++) {
		snprintf(name, sizeof(name), "irq%d", i);
		debugfs_create_u32(name, 0400, dir, &lines[i].irq);
		snprintf(name, sizeof(name), "raise%d", i);
		debugfs_create_file_unsafe(name, 0600, dir, &lines[i],
					   &irqbench_fops);
	}
	return 0;

err_irq:
	while (i--)
		free_irq(lines[i].irq, &lines[i]);
	irq_free_descs(irq_base, ARRAY_SIZE(lines));
	return err;
}
module_init(ctrmap_test_irqbench_init);

static void __exit ctrmap_test_irqbench_exit(void)
{
	int i;

	debugfs_remove_recursive(dir);
	for (i = 0; i < ARRAY_SIZE(lines); i++)
		free_irq(lines[i].irq, &lines[i]);
	irq_free_descs(irq_base, ARRAY_SIZE(lines));
}
module_exit(ctrmap_test_irqbench_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("ctrmap test: interrupts raised and timed on demand");
