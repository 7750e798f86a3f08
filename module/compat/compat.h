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

#endif /* _CTRMAP_COMPAT_H */
