// SPDX-License-Identifier: GPL-2.0
/*
 * irq:N - every handler invocation of hardware IRQ N, counted from the
 * irq_handler_entry tracepoint (/proc/interrupts counts the same events).
 * The tracepoint symbol is not exported, so it is found by name. One probe
 * serves every irq binding: registered with the first, unregistered (and
 * synchronized) with the last.
 */
#include <linux/irq.h>
#include <linux/mutex.h>
#include <linux/rculist.h>
#include <linux/slab.h>
#include <linux/tracepoint.h>
#include <net/genetlink.h>

#include "region.h"
#include "source.h"

static DEFINE_MUTEX(irq_lock);		/* the list's writers, the probe */
static LIST_HEAD(irq_bindings);		/* RCU: the probe reads it */
static struct tracepoint *irq_tp;

struct irqaction;

/*
 * Runs where the handler runs: hard IRQ, or the IRQ thread on PREEMPT_RT.
 * Probes may be preemptible (7.2), so take the RCU read lock explicitly.
 */
static void ctrmap_irq_probe(void *data, int irq, struct irqaction *action)
{
	struct ctrmap_binding *b;

	rcu_read_lock();
	list_for_each_entry_rcu(b, &irq_bindings, irq_node)
		if (b->src.irq == irq)
			ctrmap_add(b->region, b->index, 1);
	rcu_read_unlock();
}

static void ctrmap_find_tp(struct tracepoint *tp, void *priv)
{
	if (!strcmp(tp->name, "irq_handler_entry"))
		*(struct tracepoint **)priv = tp;
}

int ctrmap_irq_start(struct ctrmap_binding *b, struct netlink_ext_ack *extack,
		     const struct nlattr *attr)
{
	int err = 0;

	if (!IS_ENABLED(CONFIG_CTRMAP_SOURCE_IRQ)) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "irq sources are not built in (CONFIG_CTRMAP_SOURCE_IRQ)");
		return -EOPNOTSUPP;
	}
	if (!irq_get_irq_data(b->src.irq)) {
		NL_SET_ERR_MSG_ATTR(extack, attr, "no such IRQ");
		return -EINVAL;
	}

	mutex_lock(&irq_lock);
	if (list_empty(&irq_bindings)) {
		if (!irq_tp)
			for_each_kernel_tracepoint(ctrmap_find_tp, &irq_tp);
		err = irq_tp ? tracepoint_probe_register(irq_tp,
							 ctrmap_irq_probe,
							 NULL) : -ENOENT;
		if (err)
			NL_SET_ERR_MSG_ATTR(extack, attr,
					    "cannot hook the irq_handler_entry tracepoint");
	}
	if (!err)
		list_add_tail_rcu(&b->irq_node, &irq_bindings);
	mutex_unlock(&irq_lock);
	return err;
}

/* Afterwards the probe neither runs for this binding nor sees it. */
void ctrmap_irq_stop(struct ctrmap_binding *b)
{
	bool last;

	mutex_lock(&irq_lock);
	list_del_rcu(&b->irq_node);
	last = list_empty(&irq_bindings);
	if (last)
		tracepoint_probe_unregister(irq_tp, ctrmap_irq_probe, NULL);
	mutex_unlock(&irq_lock);
	if (last)
		tracepoint_synchronize_unregister();
	kfree_rcu(b, rcu);
}
