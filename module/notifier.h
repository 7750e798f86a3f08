/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _CTRMAP_NOTIFIER_H
#define _CTRMAP_NOTIFIER_H

struct ctrmap_region;

void ctrmap_notifier_init(struct ctrmap_region *r);
int ctrmap_notifier_insert(struct ctrmap_region *r);
void ctrmap_notifier_recheck(struct ctrmap_region *r);
void ctrmap_notifier_flush(struct ctrmap_region *r);
void ctrmap_notifier_remove(struct ctrmap_region *r);
int ctrmap_notifier_init_wq(void);
void ctrmap_notifier_uninit_wq(void);

#endif /* _CTRMAP_NOTIFIER_H */
