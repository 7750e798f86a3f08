// SPDX-License-Identifier: GPL-2.0
/* pin_user_pages_remote() and get_user_pages_remote() lost vmas (6.5). */
#include <linux/mm.h>

long ctrmap_probe(struct mm_struct *mm, struct page **pages);
long ctrmap_probe(struct mm_struct *mm, struct page **pages)
{
	return pin_user_pages_remote(mm, 0, 1, FOLL_WRITE | FOLL_LONGTERM,
				     pages, NULL) +
	       get_user_pages_remote(mm, 0, 1, FOLL_WRITE, pages, NULL);
}
