// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * irq-count: the BPF programs a user would write instead of an irq:N
 * binding of ctrmap (ctrmap-irq-probe's states (e) and (f)). On every
 * irq_handler_entry each adds 1 to its entry of a BPF_F_MMAPABLE array map
 * when the interrupt is target_irq, which the loader sets before loading;
 * the loader mmaps the map and reads the counters with plain loads. Both
 * are loaded together; the loader attaches one at a time:
 *   count_irq      on the classic tracepoint irq/irq_handler_entry, into
 *                  entry 0 (COUNT_TP). The kernel builds the perf trace
 *                  record (buffer, common fields, a copy of the handler's
 *                  name) on every interrupt before the program runs.
 *   count_irq_raw  on the raw tracepoint irq_handler_entry, into entry 1
 *                  (COUNT_RAW): registered on the tracepoint itself, as
 *                  ctrmap's probe is, and handed the tracepoint's
 *                  arguments as they are, no record built. The strongest
 *                  peer: what a user after the lowest cost would write.
 *
 * Why they are the fair peers of irq:N: they hook the same tracepoint, run
 * for every interrupt in the system as ctrmap's probe does, decide in one
 * compare whether the interrupt is counted (ctrmap: one hash bucket
 * lookup), and count it with one atomic add to memory the reader maps
 * (ctrmap: one atomic add to the process's pinned page). They need no BTF
 * (no CO-RE): count_irq's context is the tracepoint's record, as
 * /sys/kernel/tracing/events/irq/irq_handler_entry/format lays it out;
 * count_irq_raw's is struct bpf_raw_tracepoint_args, args[0] the int irq
 * of TP_PROTO(int irq, struct irqaction *action), widened to 64 bits.
 *
 *   clang -O2 -g -target bpf -c irq-count.bpf.c -o irq-count.bpf.o
 *   bpftool gen skeleton irq-count.bpf.o name irq_count > irq-count.skel.h
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

/* The record of irq:irq_handler_entry (format, since 2.6.34). */
struct irq_handler_entry_ctx {
	__u64 common;		/* common_type, _flags, _preempt_count, _pid */
	int irq;		/* offset 8 */
	__u32 name_loc;		/* __data_loc char[] name */
};

/* The entries of counts, one per program (the loader's copy in step). */
enum { COUNT_TP, COUNT_RAW, NCOUNTS };

/* The IRQ counted: set in the skeleton's rodata before loading. */
const volatile int target_irq = -1;

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, NCOUNTS);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

SEC("tracepoint/irq/irq_handler_entry")
int count_irq(struct irq_handler_entry_ctx *ctx)
{
	__u32 key = COUNT_TP;
	__u64 *c;

	if (ctx->irq != target_irq)
		return 0;
	c = bpf_map_lookup_elem(&counts, &key);
	if (c)
		__sync_fetch_and_add(c, 1);
	return 0;	/* nothing for perf's buffer */
}

SEC("raw_tp/irq_handler_entry")
int count_irq_raw(struct bpf_raw_tracepoint_args *ctx)
{
	__u32 key = COUNT_RAW;
	__u64 *c;

	if ((int)ctx->args[0] != target_irq)
		return 0;
	c = bpf_map_lookup_elem(&counts, &key);
	if (c)
		__sync_fetch_and_add(c, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
