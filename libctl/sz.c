// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Structs that grow (ctrmap.h): each begins with size_t sz, the size the
 * side that allocated it was compiled with. These copy between the
 * caller's struct and the library's own, full-size one.
 */
#include <errno.h>
#include <string.h>

#include "internal.h"

/* The caller's sz of struct p, which must be at least min. */
static int caller_sz(const void *p, size_t min, size_t *sz)
{
	if (!p)
		return -EINVAL;
	memcpy(sz, p, sizeof(*sz));
	return *sz < min ? -EINVAL : 0;
}

int ctrmap_sz_out(void *dst, const void *src, size_t min, size_t lib)
{
	size_t sz;
	int ret = caller_sz(dst, min, &sz);

	if (ret)
		return ret;
	memcpy(dst, src, sz < lib ? sz : lib);
	if (sz > lib)
		memset((char *)dst + lib, 0, sz - lib);
	memcpy(dst, &sz, sizeof(sz));
	return 0;
}

int ctrmap_sz_zero(void *dst, size_t min)
{
	size_t sz;
	int ret = caller_sz(dst, min, &sz);

	if (!ret)
		memset((char *)dst + sizeof(sz), 0, sz - sizeof(sz));
	return ret;
}

int ctrmap_sz_in(void *dst, const void *src, size_t min, size_t lib)
{
	const char *p = src;
	size_t sz;
	int ret = caller_sz(src, min, &sz);

	if (ret)
		return ret;
	/* A field this library does not know, set: it cannot honour it. */
	for (size_t i = lib; i < sz; i++)
		if (p[i])
			return -EINVAL;
	memset(dst, 0, lib);
	memcpy(dst, src, sz < lib ? sz : lib);
	memcpy(dst, &lib, sizeof(lib));
	return 0;
}
