/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _CTRMAP_GENL_H
#define _CTRMAP_GENL_H

struct ctrmap_region;

int ctrmap_genl_init(void);
void ctrmap_genl_uninit(void);
void ctrmap_genl_notify_detached(struct ctrmap_region *r);

#endif /* _CTRMAP_GENL_H */
