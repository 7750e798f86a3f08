/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Force-included before every ctrmap source file. Kernel-version differences
 * live here (and in shadow headers beside it), detected by feature where the
 * kernel lets us, so the .c files are written against one API: the newest.
 */
#ifndef _CTRMAP_COMPAT_H
#define _CTRMAP_COMPAT_H

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#if defined(CONFIG_CTRMAP_DEBUG) && !defined(DEBUG)
#define DEBUG
#endif

#include <linux/version.h>
#include <net/genetlink.h>

/*
 * The region ABI promises that one aligned 64-bit load reads a counter
 * whole, and the kernel writes counters through its own mapping of the
 * user's pages, which the user sees only where data caches do not alias
 * (physically indexed, or PIPT-like). The kernel's 64BIT and its cache
 * properties are not visible to ctrmap's own Kconfig: refuse here the
 * kernels where either promise would break (dkms.conf's
 * BUILD_EXCLUSIVE_ARCH names the same architectures).
 */
#if !IS_ENABLED(CONFIG_64BIT)
#error "ctrmap needs a 64-bit kernel: counters are read with one 64-bit load"
#endif
#if !defined(CONFIG_X86_64) && !defined(CONFIG_ARM64) && \
	!defined(CONFIG_RISCV) && !defined(CONFIG_PPC64) && \
	!defined(CONFIG_S390) && !defined(CONFIG_LOONGARCH)
#error "ctrmap builds for x86_64, arm64, riscv64, ppc64, s390x, loongarch64 only"
#endif

/* Multicast groups restricted to CAP_SYS_ADMIN (6.6, backported). */
#ifdef GENL_MCAST_CAP_SYS_ADMIN
#define CTRMAP_MCAST_ADMIN GENL_MCAST_CAP_SYS_ADMIN
#else
#define CTRMAP_MCAST_ADMIN 0
#endif

/* GENL_REQ_ATTR_CHECK (5.19): a missing attribute, reported by extack. */
#ifndef GENL_REQ_ATTR_CHECK
#define GENL_REQ_ATTR_CHECK(info, attr) ({				\
	struct genl_info *__info = (info);				\
	bool __missing = !__info->attrs[(attr)];			\
									\
	if (__missing)							\
		NL_SET_ERR_MSG(__info->extack, "missing attribute");	\
	__missing;							\
})
#endif

/*
 * Formatted extack messages (6.2): older kernels get the plain one.
 * ctrmap_err_fmt_attr(extack, attr, plain, fmt, args...)
 */
#ifdef NL_SET_ERR_MSG_FMT_ATTR
#define ctrmap_err_fmt_attr(extack, attr, plain, fmt, ...) \
	NL_SET_ERR_MSG_FMT_ATTR(extack, attr, fmt, ##__VA_ARGS__)
#else
#define ctrmap_err_fmt_attr(extack, attr, plain, fmt, ...) \
	NL_SET_ERR_MSG_ATTR(extack, attr, plain)
#endif

/* Dumps see their parsed attributes through a genl_info from 6.6 on. */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 6, 0)
#define ctrmap_dump_attrs(cb) (genl_dumpit_info(cb)->attrs)
#else
#define ctrmap_dump_attrs(cb) (genl_info_dump(cb)->attrs)
#endif

/* GUP lost its vmas argument in 6.5. */
#include <linux/mm.h>
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 5, 0)
#define ctrmap_pin_user_pages_remote(mm, start, n, flags, pages) \
	pin_user_pages_remote(mm, start, n, flags, pages, NULL, NULL)
#define ctrmap_get_user_pages_remote(mm, start, n, flags, pages) \
	get_user_pages_remote(mm, start, n, flags, pages, NULL, NULL)
#else
#define ctrmap_pin_user_pages_remote(mm, start, n, flags, pages) \
	pin_user_pages_remote(mm, start, n, flags, pages, NULL)
#define ctrmap_get_user_pages_remote(mm, start, n, flags, pages) \
	get_user_pages_remote(mm, start, n, flags, pages, NULL)
#endif

/* page_maybe_dma_pinned() is gone by 6.12; folios have it from 6.1 on. */
#define ctrmap_page_pinned(page) folio_maybe_dma_pinned(page_folio(page))

/* hrtimer_setup() replaced hrtimer_init() + .function in 6.13. */
#include <linux/hrtimer.h>
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 13, 0)
static inline void
ctrmap_hrtimer_setup(struct hrtimer *timer,
		     enum hrtimer_restart (*fn)(struct hrtimer *),
		     clockid_t clock, enum hrtimer_mode mode)
{
	hrtimer_init(timer, clock, mode);
	timer->function = fn;
}
#else
#define ctrmap_hrtimer_setup hrtimer_setup
#endif

#endif /* _CTRMAP_COMPAT_H */
