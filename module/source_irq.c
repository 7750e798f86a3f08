// SPDX-License-Identifier: GPL-2.0
/*
 * irq:N - every handler invocation of hardware IRQ N, counted from the
 * irq_handler_entry tracepoint (/proc/interrupts counts the same events).
 * The tracepoint symbol is not exported, so it is found by name. One probe
 * serves every irq binding: registered with the first, unregistered (and
 * synchronized) with the last.
 *
 * The probe runs for every interrupt in the system while it is registered,
 * so the bindings are kept per IRQ, in a hash table by IRQ number: an
 * interrupt nobody bound costs one bucket lookup, one with bindings walks
 * only its own.
 */
#include <linux/hashtable.h>
#include <linux/irq.h>
#include <linux/mutex.h>
#include <linux/rculist.h>
#include <linux/slab.h>
#include <linux/tracepoint.h>
#include <net/genetlink.h>

#include "region.h"
#include "source.h"

/* The bindings of one IRQ, from its first BIND to its last UNBIND. */
struct ctrmap_irq_line {
	struct hlist_node node;		/* in irq_lines */
	u32 irq;
	struct hlist_head bindings;	/* RCU: the probe walks it */
	struct rcu_head rcu;
};

static DEFINE_MUTEX(irq_lock);		/* the writers, the probe's hook */
static DEFINE_READ_MOSTLY_HASHTABLE(irq_lines, 8);	/* RCU, by IRQ */
static unsigned int irq_nbindings;	/* the probe is hooked while > 0 */
static struct tracepoint *irq_tp;

struct irqaction;

/* Under the RCU read lock (the probe) or irq_lock (the writers). */
static struct ctrmap_irq_line *ctrmap_irq_line_find(u32 irq)
{
	struct ctrmap_irq_line *line;

	hash_for_each_possible_rcu(irq_lines, line, node, irq,
				   lockdep_is_held(&irq_lock))
		if (line->irq == irq)
			return line;
	return NULL;
}

/*
 * Runs where the handler runs: hard IRQ, or the IRQ thread on PREEMPT_RT.
 * Up to 6.12 the tracepoint calls probes with preemption disabled, which
 * made them RCU readers; 7.2 calls them in an SRCU-fast read section of
 * tracepoint_srcu instead, so a probe may be preemptible and is no RCU
 * reader by itself. Hence the explicit RCU read lock around everything the
 * probe reads (the lines, the bindings, the region's header): the
 * writers' kfree_rcu() and the teardown's synchronize_rcu() wait for it on
 * every kernel. Only tracepoint_synchronize_unregister() (the last unbind,
 * so before the module can go) waits for the probe's code itself. Nothing
 * here needs a fixed CPU: the counter update is one atomic add.
 * No lock, no allocation: a bucket, then this IRQ's bindings only.
 */
static void ctrmap_irq_probe(void *data, int irq, struct irqaction *action)
{
	struct ctrmap_irq_line *line;
	struct ctrmap_binding *b;

	rcu_read_lock();
	line = ctrmap_irq_line_find(irq);
	if (line)
		hlist_for_each_entry_rcu(b, &line->bindings, irq_node)
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
	struct ctrmap_irq_line *line, *new = NULL;
	u32 irq = b->src.irq;
	int err = 0;

	if (!IS_ENABLED(CONFIG_CTRMAP_SOURCE_IRQ)) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "irq sources are not built in (CONFIG_CTRMAP_SOURCE_IRQ)");
		return -EOPNOTSUPP;
	}
	if (!irq_get_irq_data(irq)) {
		NL_SET_ERR_MSG_ATTR(extack, attr, "no such IRQ");
		return -EINVAL;
	}

	mutex_lock(&irq_lock);
	line = ctrmap_irq_line_find(irq);
	if (!line) {
		/* The IRQ's first binding: allocated before anything is hooked. */
		new = kzalloc_obj(*new, GFP_KERNEL);
		if (!new) {
			NL_SET_ERR_MSG_ATTR(extack, attr,
					    "out of memory for the IRQ's list of bindings");
			err = -ENOMEM;
			goto err_unlock;
		}
	}
	if (!irq_nbindings) {
		if (!irq_tp)
			for_each_kernel_tracepoint(ctrmap_find_tp, &irq_tp);
		err = irq_tp ? tracepoint_probe_register(irq_tp,
							 ctrmap_irq_probe,
							 NULL) : -ENOENT;
		if (err) {
			NL_SET_ERR_MSG_ATTR(extack, attr,
					    "cannot hook the irq_handler_entry tracepoint");
			goto err_free;
		}
	}
	if (new) {
		new->irq = irq;
		INIT_HLIST_HEAD(&new->bindings);
		hash_add_rcu(irq_lines, &new->node, irq);
		line = new;
	}
	hlist_add_head_rcu(&b->irq_node, &line->bindings);
	irq_nbindings++;
	mutex_unlock(&irq_lock);
	return 0;

err_free:
	kfree(new);
err_unlock:
	mutex_unlock(&irq_lock);
	return err;
}

/* Afterwards the probe neither runs for this binding nor sees it. */
void ctrmap_irq_stop(struct ctrmap_binding *b)
{
	struct ctrmap_irq_line *line;
	bool last;

	mutex_lock(&irq_lock);
	line = ctrmap_irq_line_find(b->src.irq);
	hlist_del_rcu(&b->irq_node);
	if (hlist_empty(&line->bindings)) {
		hash_del_rcu(&line->node);
		kfree_rcu(line, rcu);
	}
	last = !--irq_nbindings;
	if (last)
		tracepoint_probe_unregister(irq_tp, ctrmap_irq_probe, NULL);
	mutex_unlock(&irq_lock);
	if (last)
		tracepoint_synchronize_unregister();
	kfree_rcu(b, rcu);
}
