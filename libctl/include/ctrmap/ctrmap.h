/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libctrmap: control the ctrmap kernel module from user space.
 *
 * Every call works on an opaque handle (one netlink socket bound to the
 * "ctrmap" generic netlink family) and returns 0 or a negative errno. When
 * the kernel rejects a request it usually says why; ctrmap_errmsg() returns
 * that message. The library keeps no global state: handles are independent,
 * and a handle may be used by one thread at a time.
 */
#ifndef CTRMAP_H
#define CTRMAP_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "uapi.h"	/* the kernel ABI: region layout, netlink protocol */

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Structs that grow. Every struct the caller and the library hand each
 * other begins with `size_t sz`, the size of the struct as the side that
 * allocated it was compiled, and fields are only ever added at the end (an
 * array in such a struct has a fixed length; a struct inside another is
 * reached by pointer). So a program built against an older or a newer
 * library than the one it runs with keeps working:
 *
 *  - A struct the caller allocates (ctrmap_stats, ctrmap_source,
 *    ctrmap_event, ctrmap_attach_reply) has its sz set by the caller, to
 *    sizeof the struct: CTRMAP_OPTS(ctrmap_stats, st) declares one zeroed
 *    with sz set. The library refuses a sz below the struct's first
 *    version (0.1) with -EINVAL, writes only the first sz bytes, and zeroes
 *    what it does not know of a longer struct (a field it does not fill
 *    reads 0). For an input struct, the bytes past what the library knows
 *    must be 0 (-EINVAL otherwise: a request it cannot express).
 *  - A struct the library allocates and lends to a callback
 *    (ctrmap_region_info, ctrmap_binding_info, ctrmap_page_info, and the
 *    ctrmap_source a binding points to) has its sz set by the library; read
 *    a field added after 0.1 only if CTRMAP_HAS_FIELD(p, field). Arrays of
 *    them are arrays of pointers, so an element may grow.
 */
#define CTRMAP_OPTS(TYPE, NAME, ...)					\
	struct TYPE NAME = ({						\
		memset(&NAME, 0, sizeof(struct TYPE));			\
		(struct TYPE){ .sz = sizeof(struct TYPE), __VA_ARGS__ };	\
	})

#define CTRMAP_HAS_FIELD(p, field)					\
	((p)->sz >= offsetof(__typeof__(*(p)), field) + sizeof((p)->field))

struct ctrmap_handle;

/*
 * Open a handle. Resolving the family asks the kernel to load ctrmap.ko if
 * it is not loaded yet. On failure *h is NULL and the return value is:
 *   -ENOENT  the family "ctrmap" does not exist: the module is not loaded
 *            and could not be loaded;
 *   other    the netlink socket could not be set up (e.g. -ENOMEM).
 */
int ctrmap_open(struct ctrmap_handle **h);

/* Release a handle; NULL is allowed. */
void ctrmap_close(struct ctrmap_handle *h);

/*
 * The kernel's extended ACK message for the last call made on h, or "" if
 * that call succeeded or the kernel gave no message. When the kernel only
 * reported a missing attribute (by type, as GENL_REQ_ATTR_CHECK() does),
 * the message is made here: "missing attribute pid", "missing attribute
 * source.type". Valid until the next call on h.
 */
const char *ctrmap_errmsg(const struct ctrmap_handle *h);

/*
 * The attribute of the last failed request that the kernel's extended ACK
 * points at, by the names ctrmap's requests use: "pid", "addr", "len",
 * "region_id", "index", "delta", "source", "verbose"; inside a nest, the
 * path to it, e.g. "source.period_ns". An attribute this library has no
 * name for is shown by its number. NULL if the kernel pointed at none.
 * Valid until the next call on h.
 */
const char *ctrmap_errattr(const struct ctrmap_handle *h);

/* The length of ctrmap_stats.detaches: reasons 0..31, for good. */
#define CTRMAP_STATS_REASONS 32

struct ctrmap_stats {
	size_t sz;			/* sizeof(struct ctrmap_stats) */
	char version[64];		/* module version, NUL-terminated */
	uint32_t regions;		/* regions attached now */
	uint64_t pinned_pages;		/* pages pinned now */
	uint32_t bindings;		/* sources bound now */
	uint64_t attaches;		/* since the module was loaded */
	/*
	 * Detaches since the module was loaded, indexed by enum
	 * ctrmap_reason. A module older or newer than the library may lack
	 * a reason or send one the library has no name for: bit n of
	 * detaches_sent says whether it sent reason n.
	 */
	uint32_t detaches_sent;
	uint64_t detaches[CTRMAP_STATS_REASONS];
	/* The module's limits. */
	uint32_t max_regions;		/* regions in total */
	uint32_t max_regions_per_process;
	uint32_t max_region_pages;	/* pages one region may span */
	uint64_t timer_min_period_ns;	/* shortest timer source period */
	uint32_t sources;		/* bit n set: source type n is built */
	uint32_t max_bindings;		/* sources bound to one region */
	/* 0 where the module is older than these (0.1). */
	uint32_t max_regions_per_user;	/* regions of one user (real UID) */
	uint32_t max_bindings_per_user;	/* bindings of one user */
	uint32_t timer_budget;		/* timer expiries/s of one user */
	uint64_t timer_max_period_ns;	/* longest timer source period */
	int32_t attach_scope;		/* 0..3; -1: not reported */
	/*
	 * The calling user's share (real UID, all of their processes); all
	 * 0 where the module is older (have_usage 0).
	 */
	int have_usage;			/* whether the module sent usage */
	uint32_t user_regions;		/* regions they attached */
	uint32_t user_bindings;		/* sources they bound */
	uint64_t user_pinned_pages;	/* pages their regions pin */
	uint64_t user_timer_rate;	/* their timers' expiries per second */
	uint64_t user_locked_pages;	/* their locked memory, all of it */
	uint64_t user_memlock_limit;	/* RLIMIT_MEMLOCK in pages; UINT64_MAX: none */
};

/*
 * Read the module's statistics and limits (CTRMAP_CMD_STATS). -EINVAL if
 * st->sz is too small; -EPROTO if the reply lacks an attribute this
 * library needs (a reason more or less is not that).
 */
int ctrmap_stats(struct ctrmap_handle *h, struct ctrmap_stats *st);

/*
 * Names of enum ctrmap_reason ("none", "request", "exit", "unmapped",
 * "unload"), enum ctrmap_source_type ("none", "timer", "irq") and enum
 * ctrmap_state ("none", "attached", "detached"); NULL for a value this
 * library does not know.
 */
const char *ctrmap_reason_name(unsigned int reason);
const char *ctrmap_source_name(unsigned int type);
const char *ctrmap_state_name(unsigned int state);

/*
 * The version of the library that runs (the libctrmap.so.0 loaded, which
 * may be newer than the one the program was built with), "0.1.0": the
 * upstream version of the ctrmap release it comes from. Static storage.
 */
const char *ctrmap_version(void);

/*
 * Regions (CTRMAP_CMD_ATTACH, _DETACH, _ADD). Errors are the kernel's
 * (ctrmap_errmsg() says why); -EPROTO if a reply lacks what the protocol
 * promises.
 */
struct ctrmap_attach_reply {
	size_t sz;		/* sizeof(struct ctrmap_attach_reply) */
	uint32_t id;		/* the region id every other call takes */
	uint32_t ncounters;	/* counters in the region */
	uint32_t npages;	/* pages pinned for it */
};

/*
 * Attach [addr, addr + len) of process pid (in the caller's PID namespace):
 * the kernel pins the pages and writes the region header at addr. out may
 * be NULL; on failure it is zeroed (up to out->sz). -EINVAL, and no
 * request, if out->sz is too small.
 */
int ctrmap_attach(struct ctrmap_handle *h, uint32_t pid, uint64_t addr,
		  uint64_t len, struct ctrmap_attach_reply *out);

/* What ctrmap_attach_ext() takes besides the range (0.2). */
struct ctrmap_attach_opts {
	size_t sz;		/* sizeof(struct ctrmap_attach_opts) */
	const char *name;	/* the region's name (see ctrmap_name()), or NULL */
};

/*
 * ctrmap_attach() with options (0.2); opts may be NULL. A name the kernel
 * refuses fails the attach, and nothing is attached.
 */
int ctrmap_attach_ext(struct ctrmap_handle *h, uint32_t pid, uint64_t addr,
		      uint64_t len, const struct ctrmap_attach_opts *opts,
		      struct ctrmap_attach_reply *out);

/*
 * Name counter index of region id, or the region itself with index
 * CTRMAP_NAME_REGION; name NULL removes the name (0.2). A name is 1 to
 * CTRMAP_NAME_MAX - 1 bytes: a letter or '_', then letters, digits, '_',
 * '.', ':' or '-'. -EINVAL for another name, -EEXIST if another counter of
 * the region has it, -ENOSPC past CTRMAP_NAMES_MAX named counters, -ENOENT
 * to remove a name that is not there (or no such region), -ERANGE for an
 * index past the region's counters.
 */
#define CTRMAP_NAME_REGION UINT32_MAX
int ctrmap_name(struct ctrmap_handle *h, uint32_t id, uint32_t index,
		const char *name);

/* Tear region id down now (detach reason "request"). */
int ctrmap_detach(struct ctrmap_handle *h, uint32_t id);

/* Add delta to counter index of region id, from process context. */
int ctrmap_add(struct ctrmap_handle *h, uint32_t id, uint32_t index,
	       uint64_t delta);

/* An event source: what makes the kernel increment a counter. */
struct ctrmap_source {
	size_t sz;		/* sizeof(struct ctrmap_source) */
	uint8_t type;		/* enum ctrmap_source_type */
	uint64_t period_ns;	/* CTRMAP_SOURCE_TIMER: the period */
	uint32_t irq;		/* CTRMAP_SOURCE_IRQ: the IRQ number */
};

/*
 * Make src increment counter index of region id (CTRMAP_CMD_BIND), or
 * stop that (CTRMAP_CMD_UNBIND). -EINVAL if src is NULL, of a type this
 * library cannot express, or its sz too small or its unknown tail not 0.
 */
int ctrmap_bind(struct ctrmap_handle *h, uint32_t id, uint32_t index,
		const struct ctrmap_source *src);
int ctrmap_unbind(struct ctrmap_handle *h, uint32_t id, uint32_t index);

/*
 * A source from text: "timer:PERIOD" where PERIOD is a decimal number of
 * nanoseconds, optionally followed by a unit ns, us, ms or s ("timer:1ms",
 * "timer:250us", "timer:1000000"), or "irq:N" with N a decimal interrupt
 * number. -EINVAL for anything else: another type, no or a zero period,
 * signs, spaces, other units, trailing text, a value that overflows; or
 * src->sz too small. src is written only on success (src->sz bytes).
 */
int ctrmap_source_parse(const char *text, struct ctrmap_source *src);

/*
 * The inverse: "timer:1ms" (the period in the largest unit that shows it
 * exactly) or "irq:11", written to buf like snprintf: at most len bytes,
 * NUL included; returns the length of the whole text (it was truncated if
 * that is len or more). -EINVAL for a source type this library does not
 * know, or src->sz too small or its unknown tail not 0.
 */
int ctrmap_source_format(const struct ctrmap_source *src, char *buf,
			 size_t len);

/* What CTRMAP_CMD_GET tells about one region. */
struct ctrmap_page_info {
	size_t sz;		/* set by the library */
	uint64_t pfn;		/* page frame number */
	uint8_t pinned;		/* the kernel holds a long-term pin */
};

struct ctrmap_binding_info {
	size_t sz;		/* set by the library */
	uint32_t index;		/* the counter */
	const struct ctrmap_source *source;	/* what increments it */
};

struct ctrmap_name_info {
	size_t sz;		/* set by the library */
	uint32_t index;		/* the counter */
	char name[CTRMAP_NAME_MAX];	/* NUL-terminated */
};

struct ctrmap_region_info {
	size_t sz;		/* set by the library */
	uint32_t id;
	uint32_t pid;		/* in the caller's PID namespace */
	uint32_t npages;
	uint32_t ncounters;
	uint8_t state;		/* enum ctrmap_state */
	char comm[16];		/* the process's name, NUL-terminated */
	uint64_t addr;
	uint64_t len;
	/* Sources bound to counters, in counter order. */
	unsigned int nbindings;
	const struct ctrmap_binding_info *const *bindings;
	/* Each page, with CTRMAP_GET_VERBOSE (needs CAP_SYS_ADMIN). */
	unsigned int npage_info;
	const struct ctrmap_page_info *const *pages;
	/*
	 * Added in 0.2 (CTRMAP_HAS_FIELD): with CTRMAP_GET_VALUES, every
	 * counter's value, values[i] of counter i (nvalues == ncounters);
	 * else 0 and NULL.
	 */
	unsigned int nvalues;
	const uint64_t *values;
	/*
	 * Added in 0.2 (CTRMAP_HAS_FIELD): the region's name ("" if it has
	 * none), and its named counters in counter order (ctrmap_name()).
	 */
	char name[CTRMAP_NAME_MAX];
	unsigned int nnames;
	const struct ctrmap_name_info *const *names;
};

/*
 * The name of counter index of r, or NULL if it has none (or r comes from
 * a library older than 0.2, without names) (0.2).
 */
const char *ctrmap_counter_name(const struct ctrmap_region_info *r,
				uint32_t index);

/* ctrmap_get() and ctrmap_list() flags */
#define CTRMAP_GET_VERBOSE 1u	/* also each page's PFN and pin state */
#define CTRMAP_GET_VALUES 2u	/* also every counter's value (0.2) */

/*
 * Called once per region; r and the arrays it points to are valid during
 * the call only. A non-zero return stops the walk, and the call that made
 * it returns that value.
 */
typedef int (*ctrmap_region_cb)(const struct ctrmap_region_info *r,
				void *arg);

/*
 * Describe region id (GET do; with CTRMAP_GET_VALUES a dump of that region,
 * whose values may take several messages): cb is called once. -EINVAL for
 * unknown flags; -ENOENT if there is no such region (or it is not the
 * caller's).
 */
int ctrmap_get(struct ctrmap_handle *h, uint32_t id, unsigned int flags,
	       ctrmap_region_cb cb, void *arg);

/*
 * Describe every region the caller may act on (GET dump), only those of
 * process pid if pid is not 0. -EAGAIN if the list changed while it was
 * read: the regions seen may be inconsistent, call again.
 */
int ctrmap_list(struct ctrmap_handle *h, uint32_t pid, unsigned int flags,
		ctrmap_region_cb cb, void *arg);

/*
 * Read counters [first, first + count) of region id from the kernel (GET
 * with a range; added in 0.2), for any process that may act on the region,
 * not only the one that maps it. values has room for count values; *nread
 * (may be NULL) is how many were stored, from values[0] on, even on
 * failure. Each run of up to 512 values is one consistent snapshot (no
 * group update half-visible); a longer range is read in several.
 * Returns 0 with *nread == count, or:
 *   -EINVAL  count is 0 or values is NULL (nothing is sent);
 *   -ENOENT  no such region, or not the caller's to act on; also when the
 *            region was detached part-way (*nread says how far it got);
 *   -ERANGE  the range goes past the region's last counter
 *            (ctrmap_errattr(): "first_index" or "count");
 *   -EPROTO  a reply the protocol does not allow;
 *   other    the kernel's or the socket's error.
 */
int ctrmap_get_values(struct ctrmap_handle *h, uint32_t id, uint32_t first,
		      uint32_t count, uint64_t *values, uint32_t *nread);

/*
 * Notifications on the "monitor" multicast group. A handle that monitors
 * receives events only: use another handle for requests (they fail with
 * -EBUSY on this one).
 */
struct ctrmap_event {
	size_t sz;		/* sizeof(struct ctrmap_event) */
	uint8_t cmd;		/* CTRMAP_CMD_DETACHED */
	uint32_t region_id;
	uint32_t pid;		/* 0 if not visible to the listener */
	uint8_t reason;		/* enum ctrmap_reason */
};

/*
 * Join the monitor group of h's family. -ENOENT if it has no such group,
 * -EBUSY if h monitors already.
 */
int ctrmap_monitor(struct ctrmap_handle *h);

/*
 * The handle's file descriptor, to poll() for POLLIN. Events already
 * received are buffered in the handle: call ctrmap_next_event() until it
 * returns -EAGAIN before waiting on the descriptor.
 */
int ctrmap_event_fd(const struct ctrmap_handle *h);

/*
 * Wait up to timeout_ms (negative: for ever; 0: do not wait) for the next
 * event and store it in ev. Commands this library does not know are
 * skipped. Returns 0, -EAGAIN on timeout, -EINTR if a signal came,
 * -ENOBUFS if the socket overflowed and events were lost (later calls go
 * on with the events after them), -EPROTO for a malformed event, -EINVAL if
 * h does not monitor or ev->sz is too small.
 */
int ctrmap_next_event(struct ctrmap_handle *h, struct ctrmap_event *ev,
		      int timeout_ms);

/*
 * The reader side, for the process that owns a region: plain loads, no
 * system call, no handle. `region` is the address handed to ATTACH.
 *
 * ctrmap_region_check() validates the header the kernel wrote: 0 if it is
 * there and its counters fit in `len` bytes; -EAGAIN if no header was
 * written yet (not attached so far); -EPROTO for an ABI this library does
 * not know; -EINVAL for a bad pointer or length.
 *
 * ctrmap_region_state() returns CTRMAP_STATE_ATTACHED or _DETACHED and,
 * once detached, why (enum ctrmap_reason) in *reason (may be NULL).
 *
 * ctrmap_read() reads one counter with one aligned 64-bit load: -ERANGE
 * past the last counter.
 *
 * ctrmap_snapshot() copies counters [first, first + n) as one consistent
 * group: it retries while the kernel updates a group (the header's seq is
 * odd or changed), the way perf_event_mmap_page readers do. -ERANGE past
 * the last counter; -EBUSY if a consistent copy was not had in a million
 * tries.
 */
int ctrmap_region_check(const void *region, size_t len);
unsigned int ctrmap_region_state(const void *region, unsigned int *reason);
int ctrmap_read(const void *region, unsigned int index, uint64_t *value);
int ctrmap_snapshot(const void *region, unsigned int first, unsigned int n,
		    uint64_t *out);

#ifdef __cplusplus
}
#endif

#endif /* CTRMAP_H */
