/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * ctrmap: kernel counters served straight into a user process's memory.
 *
 * This header is the whole ABI, shared verbatim by the kernel module and
 * user space: the layout of a counter region, and the generic netlink
 * protocol (family CTRMAP_GENL_NAME, version CTRMAP_GENL_VERSION, multicast
 * group CTRMAP_MCGRP_MONITOR) that controls it.
 *
 * The region
 * ==========
 *
 * A region is [addr, addr + len) of a process's memory. addr is 8-byte
 * aligned. At attach the kernel writes a struct ctrmap_header at addr; the
 * counters (__u64, naturally aligned) follow at addr + hdr_size, and there
 * are (len - hdr_size) / 8 of them. The kernel owns the whole region while it
 * is attached: the process only reads it.
 *
 * One counter is read with one aligned 64-bit load. A group of counters that
 * one event updates together is written inside seq (the vDSO protocol):
 *
 *	do {
 *		s = __atomic_load_n(&h->seq, __ATOMIC_ACQUIRE);
 *		if (s & 1)
 *			continue;
 *		copy the counters with relaxed loads;
 *		__atomic_thread_fence(__ATOMIC_ACQUIRE);
 *	} while (s & 1 || __atomic_load_n(&h->seq, __ATOMIC_RELAXED) != s);
 *
 * When the region is torn down while the process still maps it, the kernel
 * sets state to CTRMAP_STATE_DETACHED and reason to a CTRMAP_REASON_* value
 * before it lets go of the pages; the counters keep their last values.
 *
 * The protocol
 * ============
 *
 * Every request is validated strictly; a rejection carries an extended ACK
 * message naming the offending attribute. Commands and their attributes:
 *
 * CTRMAP_CMD_ATTACH (do)
 *	request:  CTRMAP_A_PID: NLA_U32 (in the caller's PID namespace)
 *	          CTRMAP_A_ADDR: NLA_U64, 8-byte aligned
 *	          CTRMAP_A_LEN: NLA_U64, >= CTRMAP_HDR_SIZE + 8
 *	          CTRMAP_A_NAME: NLA_NUL_STRING (optional: the region's name,
 *	              see CTRMAP_CMD_NAME)
 *	reply:    CTRMAP_A_REGION_ID: NLA_U32
 *	          CTRMAP_A_NCOUNTERS: NLA_U32
 *	          CTRMAP_A_NPAGES: NLA_U32
 *
 * CTRMAP_CMD_DETACH (do)
 *	request:  CTRMAP_A_REGION_ID: NLA_U32
 *	          CTRMAP_A_REPLY: NLA_FLAG (optional, see below)
 *	reply:    CTRMAP_A_REGION_ID: NLA_U32 (with CTRMAP_A_REPLY)
 *
 * CTRMAP_CMD_GET (do, or dump filtered by CTRMAP_A_PID or CTRMAP_A_REGION_ID)
 *	request:  CTRMAP_A_REGION_ID: NLA_U32 (do; dump filter, optional)
 *	          CTRMAP_A_PID: NLA_U32 (dump filter, optional)
 *	          CTRMAP_A_VERBOSE: NLA_FLAG (pages; needs CAP_SYS_ADMIN)
 *	          CTRMAP_A_FIRST_INDEX: NLA_U32 (values from this counter on;
 *	              default 0)
 *	          CTRMAP_A_COUNT: NLA_U32 (that many values, >= 1; default:
 *	              up to the last counter)
 *	reply, one message per region:
 *	          CTRMAP_A_REGION_ID: NLA_U32
 *	          CTRMAP_A_PID: NLA_U32
 *	          CTRMAP_A_COMM: NLA_NUL_STRING
 *	          CTRMAP_A_ADDR: NLA_U64
 *	          CTRMAP_A_LEN: NLA_U64
 *	          CTRMAP_A_NPAGES: NLA_U32
 *	          CTRMAP_A_NCOUNTERS: NLA_U32
 *	          CTRMAP_A_STATE: NLA_U8 (enum ctrmap_state)
 *	          CTRMAP_A_NAME: NLA_NUL_STRING (if the region has a name)
 *	          CTRMAP_A_BINDINGS: NLA_NESTED
 *	              CTRMAP_A_BINDING: NLA_NESTED
 *	                  CTRMAP_BINDING_A_INDEX: NLA_U32
 *	                  CTRMAP_BINDING_A_SOURCE: NLA_NESTED (as in BIND)
 *	              ...
 *	          CTRMAP_A_COUNTERS: NLA_NESTED (the named counters)
 *	              CTRMAP_A_COUNTER: NLA_NESTED
 *	                  CTRMAP_COUNTER_A_INDEX: NLA_U32
 *	                  CTRMAP_COUNTER_A_NAME: NLA_NUL_STRING
 *	              ...
 *	          CTRMAP_A_FIRST_PAGE: NLA_U32 (with CTRMAP_A_PAGES: the index
 *	              of its first page)
 *	          CTRMAP_A_PAGES: NLA_NESTED (with CTRMAP_A_VERBOSE)
 *	              CTRMAP_A_PAGE: NLA_NESTED
 *	                  CTRMAP_PAGE_A_PFN: NLA_U64
 *	                  CTRMAP_PAGE_A_PINNED: NLA_U8
 *	              ...
 *	          CTRMAP_A_FIRST_INDEX: NLA_U32 (with CTRMAP_A_VALUES: the
 *	              index of its first counter)
 *	          CTRMAP_A_VALUES: NLA_BINARY, __u64 counter values in host
 *	              byte order, len / 8 of them (with CTRMAP_A_FIRST_INDEX
 *	              or CTRMAP_A_COUNT in the request)
 *	A dump describes a region that does not fit one message in several
 *	consecutive messages with its id: each repeats the attributes above
 *	CTRMAP_A_BINDINGS and goes on where the last one stopped, the
 *	bindings in counter order, then the named counters in counter order,
 *	then the pages from CTRMAP_A_FIRST_PAGE, then the values from
 *	CTRMAP_A_FIRST_INDEX.
 *
 *	Values are asked for by CTRMAP_A_FIRST_INDEX or CTRMAP_A_COUNT, from
 *	anyone who may act on the region (as every command). A range past the
 *	region's last counter is refused (ERANGE, naming the attribute). The
 *	values of one message are one consistent snapshot: no group update
 *	(see the region above) is half-visible in it; one message holds at
 *	most 512 of them. A "do" reply carries the first values of the range
 *	only, as many as one message holds: the next message would start at
 *	CTRMAP_A_FIRST_INDEX + len / 8. A dump carries them all. A dump of
 *	several regions (without CTRMAP_A_REGION_ID) takes no range: only
 *	CTRMAP_A_FIRST_INDEX 0 without CTRMAP_A_COUNT, every counter of each
 *	region (EINVAL otherwise).
 *
 * CTRMAP_CMD_BIND (do)
 *	request:  CTRMAP_A_REGION_ID: NLA_U32
 *	          CTRMAP_A_INDEX: NLA_U32
 *	          CTRMAP_A_SOURCE: NLA_NESTED
 *	          CTRMAP_A_REPLY: NLA_FLAG (optional)
 *	reply:    (with CTRMAP_A_REPLY) CTRMAP_A_REGION_ID, CTRMAP_A_INDEX,
 *	          CTRMAP_A_SOURCE as in the request
 *	the source nest:
 *	              CTRMAP_SOURCE_A_TYPE: NLA_U8 (enum ctrmap_source_type)
 *	              CTRMAP_SOURCE_A_PERIOD_NS: NLA_U64 (timer only; at least
 *	                  CTRMAP_LIMIT_A_TIMER_MIN_PERIOD_NS, at most
 *	                  CTRMAP_TIMER_MAX_PERIOD_NS)
 *	              CTRMAP_SOURCE_A_IRQ: NLA_U32 (irq only)
 *	A timer draws 10^9 / period_ns expiries per second on its user's
 *	budget (CTRMAP_LIMIT_A_TIMER_BUDGET).
 *
 * CTRMAP_CMD_UNBIND (do)
 *	request:  CTRMAP_A_REGION_ID: NLA_U32
 *	          CTRMAP_A_INDEX: NLA_U32
 *	          CTRMAP_A_REPLY: NLA_FLAG (optional)
 *	reply:    (with CTRMAP_A_REPLY) CTRMAP_A_REGION_ID, CTRMAP_A_INDEX,
 *	          CTRMAP_A_SOURCE: the binding that was removed
 *
 * CTRMAP_CMD_ADD (do)
 *	request:  CTRMAP_A_REGION_ID: NLA_U32
 *	          CTRMAP_A_INDEX: NLA_U32
 *	          CTRMAP_A_DELTA: NLA_U64
 *	          CTRMAP_A_REPLY: NLA_FLAG (optional)
 *	reply:    (with CTRMAP_A_REPLY) CTRMAP_A_REGION_ID, CTRMAP_A_INDEX,
 *	          CTRMAP_A_VALUE: NLA_U64, the counter after the add
 *
 * CTRMAP_CMD_NAME (do): name a counter, or the region
 *	request:  CTRMAP_A_REGION_ID: NLA_U32
 *	          CTRMAP_A_INDEX: NLA_U32 (the counter; absent: the region)
 *	          CTRMAP_A_NAME: NLA_NUL_STRING (absent: remove the name)
 *	A name is 1 to CTRMAP_NAME_MAX - 1 bytes: a letter or '_', then
 *	letters, digits, '_', '.', ':' or '-' (a Prometheus label value and a
 *	shell word as it is, never a number). Two counters of one region
 *	cannot share a name (EEXIST); regions may. A region names at most
 *	CTRMAP_NAMES_MAX counters (ENOSPC). Removing a name that is not there
 *	is ENOENT. Names go with the region.
 *
 * CTRMAP_CMD_STATS (do)
 *	reply:    CTRMAP_A_VERSION: NLA_NUL_STRING
 *	          CTRMAP_A_STATS: NLA_NESTED
 *	              CTRMAP_STATS_A_REGIONS: NLA_U32
 *	              CTRMAP_STATS_A_PINNED_PAGES: NLA_U64
 *	              CTRMAP_STATS_A_BINDINGS: NLA_U32
 *	              CTRMAP_STATS_A_ATTACHES: NLA_U64
 *	              CTRMAP_STATS_A_DETACHES: NLA_NESTED
 *	                  CTRMAP_REASON_*: NLA_U64 (attribute type = reason;
 *	                      not padded: read it with a copy, not a load)
 *	          CTRMAP_A_LIMITS: NLA_NESTED
 *	              CTRMAP_LIMIT_A_MAX_REGIONS: NLA_U32
 *	              CTRMAP_LIMIT_A_MAX_REGIONS_PER_PROCESS: NLA_U32
 *	              CTRMAP_LIMIT_A_MAX_REGION_PAGES: NLA_U32
 *	              CTRMAP_LIMIT_A_MAX_BINDINGS: NLA_U32
 *	              CTRMAP_LIMIT_A_TIMER_MIN_PERIOD_NS: NLA_U64
 *	              CTRMAP_LIMIT_A_SOURCES: NLA_U32 (bit n: type n is built)
 *	              CTRMAP_LIMIT_A_MAX_REGIONS_PER_USER: NLA_U32
 *	              CTRMAP_LIMIT_A_MAX_BINDINGS_PER_USER: NLA_U32
 *	              CTRMAP_LIMIT_A_TIMER_BUDGET: NLA_U32 (expiries/s per user)
 *	              CTRMAP_LIMIT_A_TIMER_MAX_PERIOD_NS: NLA_U64
 *	              CTRMAP_LIMIT_A_ATTACH_SCOPE: NLA_U8 (0..3)
 *	          CTRMAP_A_USAGE: NLA_NESTED (the caller's user, real UID)
 *	              CTRMAP_USAGE_A_REGIONS: NLA_U32
 *	              CTRMAP_USAGE_A_BINDINGS: NLA_U32
 *	              CTRMAP_USAGE_A_PINNED_PAGES: NLA_U64
 *	              CTRMAP_USAGE_A_TIMER_RATE: NLA_U64 (expiries/s)
 *	              CTRMAP_USAGE_A_LOCKED_PAGES: NLA_U64 (the user's locked
 *	                  memory, whoever charged it: ctrmap, io_uring, BPF)
 *	              CTRMAP_USAGE_A_MEMLOCK_LIMIT: NLA_U64 (RLIMIT_MEMLOCK in
 *	                  pages; absent when unlimited)
 *	The limits are the Kconfig defaults or the module parameters given at
 *	load time.
 *
 * CTRMAP_CMD_DETACHED (notification on CTRMAP_MCGRP_MONITOR, sent in the
 * initial network namespace; joining the group needs CAP_SYS_ADMIN where
 * the kernel supports restricting it; not sent for regions detached by
 * unloading the module, whose family is gone by then)
 *	          CTRMAP_A_REGION_ID: NLA_U32
 *	          CTRMAP_A_PID: NLA_U32 (in the initial PID namespace)
 *	          CTRMAP_A_REASON: NLA_U8 (enum ctrmap_reason)
 *
 * CTRMAP_A_REPLY asks DETACH, ADD, BIND and UNBIND to answer with a reply
 * message, built before the action and sent without an ACK (send the
 * request without NLM_F_ACK): an ACK is built by the netlink core after the
 * action, and one it cannot allocate would report a failure for an action
 * that took effect, which a caller might then repeat. A reply that cannot
 * be delivered undoes the action (or it is not taken). A 0.1 module
 * refuses the attribute as unknown (EINVAL, pointing at it): ask again
 * without it, with NLM_F_ACK.
 *
 * New behaviour is added as new attributes and commands; the version stays 1.
 */

#ifndef _UAPI_LINUX_CTRMAP_H
#define _UAPI_LINUX_CTRMAP_H

#include <linux/types.h>

#define CTRMAP_GENL_NAME	"ctrmap"
#define CTRMAP_GENL_VERSION	1
#define CTRMAP_MCGRP_MONITOR	"monitor"

/* Region layout, ABI version 1. */
#define CTRMAP_MAGIC		0x4d525443	/* "CTRM" in memory order */
#define CTRMAP_ABI_VERSION	1
#define CTRMAP_HDR_SIZE		64

/* Names (CTRMAP_CMD_NAME): bytes with the NUL; named counters a region. */
#define CTRMAP_NAME_MAX		48
#define CTRMAP_NAMES_MAX	256

/* The longest timer source period: one hour. */
#define CTRMAP_TIMER_MAX_PERIOD_NS	3600000000000ULL

enum ctrmap_state {
	CTRMAP_STATE_NONE,
	CTRMAP_STATE_ATTACHED,
	CTRMAP_STATE_DETACHED,
};

enum ctrmap_reason {
	CTRMAP_REASON_NONE,
	CTRMAP_REASON_REQUEST,	/* CTRMAP_CMD_DETACH */
	CTRMAP_REASON_EXIT,	/* the address space went away: exit or exec */
	CTRMAP_REASON_UNMAPPED,	/* the range no longer maps the pinned pages */
	CTRMAP_REASON_UNLOAD,	/* the module was unloaded */
	__CTRMAP_REASON_MAX
};

#define CTRMAP_REASON_MAX (__CTRMAP_REASON_MAX - 1)

struct ctrmap_header {
	__u32 magic;		/* CTRMAP_MAGIC */
	__u16 abi;		/* CTRMAP_ABI_VERSION */
	__u16 hdr_size;		/* offset of counter 0 from the header */
	__u32 ncounters;
	__u16 state;		/* enum ctrmap_state */
	__u16 reason;		/* enum ctrmap_reason, once detached */
	__u32 seq;		/* even: stable; odd: group update running */
	__u32 region_id;
	__u64 attach_ns;	/* CLOCK_MONOTONIC at attach */
	__u64 reserved[4];
};

enum ctrmap_source_type {
	CTRMAP_SOURCE_NONE,
	CTRMAP_SOURCE_TIMER,	/* hrtimer, hard IRQ: adds elapsed periods */
	CTRMAP_SOURCE_IRQ,	/* each handler invocation of one IRQ */
	__CTRMAP_SOURCE_MAX
};

#define CTRMAP_SOURCE_MAX (__CTRMAP_SOURCE_MAX - 1)

enum ctrmap_cmd {
	CTRMAP_CMD_UNSPEC,
	CTRMAP_CMD_ATTACH,
	CTRMAP_CMD_DETACH,
	CTRMAP_CMD_GET,
	CTRMAP_CMD_BIND,
	CTRMAP_CMD_UNBIND,
	CTRMAP_CMD_ADD,
	CTRMAP_CMD_STATS,
	CTRMAP_CMD_DETACHED,
	CTRMAP_CMD_NAME,
	__CTRMAP_CMD_MAX
};

#define CTRMAP_CMD_MAX (__CTRMAP_CMD_MAX - 1)

enum ctrmap_attr {
	CTRMAP_A_UNSPEC,
	CTRMAP_A_PAD,
	CTRMAP_A_REGION_ID,
	CTRMAP_A_PID,
	CTRMAP_A_ADDR,
	CTRMAP_A_LEN,
	CTRMAP_A_NPAGES,
	CTRMAP_A_NCOUNTERS,
	CTRMAP_A_STATE,
	CTRMAP_A_REASON,
	CTRMAP_A_COMM,
	CTRMAP_A_INDEX,
	CTRMAP_A_DELTA,
	CTRMAP_A_SOURCE,
	CTRMAP_A_VERBOSE,
	CTRMAP_A_BINDINGS,
	CTRMAP_A_BINDING,
	CTRMAP_A_PAGES,
	CTRMAP_A_PAGE,
	CTRMAP_A_VERSION,
	CTRMAP_A_STATS,
	CTRMAP_A_LIMITS,
	CTRMAP_A_USAGE,
	CTRMAP_A_REPLY,
	CTRMAP_A_VALUE,
	CTRMAP_A_FIRST_PAGE,
	CTRMAP_A_FIRST_INDEX,
	CTRMAP_A_COUNT,
	CTRMAP_A_VALUES,
	CTRMAP_A_NAME,
	CTRMAP_A_COUNTERS,
	CTRMAP_A_COUNTER,
	__CTRMAP_A_MAX
};

#define CTRMAP_A_MAX (__CTRMAP_A_MAX - 1)

enum ctrmap_source_attr {
	CTRMAP_SOURCE_A_UNSPEC,
	CTRMAP_SOURCE_A_PAD,
	CTRMAP_SOURCE_A_TYPE,
	CTRMAP_SOURCE_A_PERIOD_NS,
	CTRMAP_SOURCE_A_IRQ,
	__CTRMAP_SOURCE_A_MAX
};

#define CTRMAP_SOURCE_A_MAX (__CTRMAP_SOURCE_A_MAX - 1)

enum ctrmap_binding_attr {
	CTRMAP_BINDING_A_UNSPEC,
	CTRMAP_BINDING_A_INDEX,
	CTRMAP_BINDING_A_SOURCE,
	__CTRMAP_BINDING_A_MAX
};

#define CTRMAP_BINDING_A_MAX (__CTRMAP_BINDING_A_MAX - 1)

enum ctrmap_counter_attr {
	CTRMAP_COUNTER_A_UNSPEC,
	CTRMAP_COUNTER_A_INDEX,
	CTRMAP_COUNTER_A_NAME,
	__CTRMAP_COUNTER_A_MAX
};

#define CTRMAP_COUNTER_A_MAX (__CTRMAP_COUNTER_A_MAX - 1)

enum ctrmap_page_attr {
	CTRMAP_PAGE_A_UNSPEC,
	CTRMAP_PAGE_A_PAD,
	CTRMAP_PAGE_A_PFN,
	CTRMAP_PAGE_A_PINNED,
	__CTRMAP_PAGE_A_MAX
};

#define CTRMAP_PAGE_A_MAX (__CTRMAP_PAGE_A_MAX - 1)

enum ctrmap_stats_attr {
	CTRMAP_STATS_A_UNSPEC,
	CTRMAP_STATS_A_PAD,
	CTRMAP_STATS_A_REGIONS,
	CTRMAP_STATS_A_PINNED_PAGES,
	CTRMAP_STATS_A_BINDINGS,
	CTRMAP_STATS_A_ATTACHES,
	CTRMAP_STATS_A_DETACHES,
	__CTRMAP_STATS_A_MAX
};

#define CTRMAP_STATS_A_MAX (__CTRMAP_STATS_A_MAX - 1)

enum ctrmap_limit_attr {
	CTRMAP_LIMIT_A_UNSPEC,
	CTRMAP_LIMIT_A_PAD,
	CTRMAP_LIMIT_A_MAX_REGIONS,
	CTRMAP_LIMIT_A_MAX_REGIONS_PER_PROCESS,
	CTRMAP_LIMIT_A_MAX_REGION_PAGES,
	CTRMAP_LIMIT_A_TIMER_MIN_PERIOD_NS,
	CTRMAP_LIMIT_A_SOURCES,
	CTRMAP_LIMIT_A_MAX_BINDINGS,
	CTRMAP_LIMIT_A_MAX_REGIONS_PER_USER,
	CTRMAP_LIMIT_A_MAX_BINDINGS_PER_USER,
	CTRMAP_LIMIT_A_TIMER_BUDGET,
	CTRMAP_LIMIT_A_TIMER_MAX_PERIOD_NS,
	CTRMAP_LIMIT_A_ATTACH_SCOPE,
	__CTRMAP_LIMIT_A_MAX
};

#define CTRMAP_LIMIT_A_MAX (__CTRMAP_LIMIT_A_MAX - 1)

enum ctrmap_usage_attr {
	CTRMAP_USAGE_A_UNSPEC,
	CTRMAP_USAGE_A_PAD,
	CTRMAP_USAGE_A_REGIONS,
	CTRMAP_USAGE_A_BINDINGS,
	CTRMAP_USAGE_A_PINNED_PAGES,
	CTRMAP_USAGE_A_TIMER_RATE,
	CTRMAP_USAGE_A_LOCKED_PAGES,
	CTRMAP_USAGE_A_MEMLOCK_LIMIT,
	__CTRMAP_USAGE_A_MAX
};

#define CTRMAP_USAGE_A_MAX (__CTRMAP_USAGE_A_MAX - 1)

#endif /* _UAPI_LINUX_CTRMAP_H */
