/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _CTRMAP_GENL_H
#define _CTRMAP_GENL_H

int ctrmap_genl_init(void);
void ctrmap_genl_uninit(void);

#endif /* _CTRMAP_GENL_H */
