// SPDX-License-Identifier: GPL-2.0
/*
 * Regions: resolve the target, validate its range, charge, pin, vmap, write
 * the header, watch the range; and the deferred teardown that undoes all of
 * it, in the opposite order.
 */
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/hashtable.h>
#include <linux/hugetlb.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/sched/coredump.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/shmem_fs.h>
#include <linux/user_namespace.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <linux/vmalloc.h>
#include <linux/xarray.h>
#include <net/genetlink.h>

#include "genl.h"
#include "notifier.h"
#include "name.h"
#include "params.h"
#include "region.h"
#include "source.h"
#include "user.h"

/*
 * The registry. Entries are published and erased under regions_lock; IRQ
 * context finds them with RCU (xa_load) and a reference.
 */
static DEFINE_XARRAY_ALLOC1(regions);
static DEFINE_MUTEX(regions_lock);
static u32 regions_next_id;
static unsigned int regions_n;	/* entries in the registry, any state */
/*
 * The same entries by address space, so that ATTACH's checks walk the
 * target's regions rather than every region (make bench: bench-scale).
 */
static DEFINE_HASHTABLE(regions_by_mm, 10);
/* Changes with every entry added or removed; never 0 (dumps: cb->seq). */
static unsigned int regions_gen = 1;
static struct workqueue_struct *ctrmap_wq;

/*
 * Headers are written at attach and at teardown. Two regions may share
 * pages (the range attached twice, or attached again at the address mremap
 * moved it to while the old region's teardown is pending): the header
 * belongs to the newest, and a teardown marks it detached only if it is
 * still its own. This lock makes that check and the write one step.
 */
static DEFINE_MUTEX(header_lock);

static struct {
	atomic_t regions;
	atomic64_t pinned_pages;
	atomic64_t attaches;
	atomic64_t detaches[CTRMAP_REASON_MAX + 1];
} counts;

void ctrmap_region_counts(struct ctrmap_counts *c)
{
	int i;

	memset(c, 0, sizeof(*c));
	c->regions = atomic_read(&counts.regions);
	c->pinned_pages = atomic64_read(&counts.pinned_pages);
	c->bindings = ctrmap_bindings_count();
	c->attaches = atomic64_read(&counts.attaches);
	for (i = 0; i <= CTRMAP_REASON_MAX; i++)
		c->detaches[i] = atomic64_read(&counts.detaches[i]);
}

void ctrmap_regions_lock(void)
{
	mutex_lock(&regions_lock);
}

void ctrmap_regions_unlock(void)
{
	mutex_unlock(&regions_lock);
}

static void ctrmap_regions_changed(void)
{
	lockdep_assert_held(&regions_lock);
	if (!++regions_gen)
		regions_gen = 1;
}

/* The registry's generation, for a dump to notice a change between parts. */
unsigned int ctrmap_regions_gen(void)
{
	lockdep_assert_held(&regions_lock);
	return regions_gen;
}

/*
 * Is @r still in the registry? Teardown releases the pages only after
 * taking it out, so under the regions lock a registered region's pages
 * stay put.
 */
bool ctrmap_region_registered(struct ctrmap_region *r)
{
	lockdep_assert_held(&regions_lock);
	return xa_load(&regions, r->id) == r;
}

/**
 * ctrmap_region_get - find a live region by id and take a reference
 * @id: the region id ATTACH returned
 *
 * Safe in any context. Returns NULL if there is no such live region.
 * There is no owner check: use it for ids the driver obtained itself. For
 * an id that comes from user space, use ctrmap_region_get_checked().
 */
struct ctrmap_region *ctrmap_region_get(u32 id)
{
	struct ctrmap_region *r;

	rcu_read_lock();
	r = xa_load(&regions, id);
	if (r && (!ctrmap_region_live(r) || !refcount_inc_not_zero(&r->ref)))
		r = NULL;
	rcu_read_unlock();
	return r;
}
EXPORT_SYMBOL_GPL(ctrmap_region_get);

/* After the last reference and a grace period; never in hard IRQ. */
static void ctrmap_region_free_rcu(struct rcu_head *rcu)
{
	struct ctrmap_region *r = container_of(rcu, struct ctrmap_region, rcu);

	put_pid(r->tgid);
	ctrmap_names_free(r);
	kfree(r);
}

/**
 * ctrmap_region_put - drop a reference taken by ctrmap_region_get()
 * @r: the region
 *
 * Safe in any context: by the time the last reference goes, teardown has
 * already released the memory, and the rest is freed after a grace period.
 */
void ctrmap_region_put(struct ctrmap_region *r)
{
	if (r && refcount_dec_and_test(&r->ref))
		call_rcu(&r->rcu, ctrmap_region_free_rcu);
}
EXPORT_SYMBOL_GPL(ctrmap_region_put);

u32 ctrmap_region_ncounters(const struct ctrmap_region *r)
{
	return r->ncounters;
}
EXPORT_SYMBOL_GPL(ctrmap_region_ncounters);

/* @cap in @ns: the netlink sender's (and socket opener's), or current's. */
static bool ctrmap_capable(struct sk_buff *skb, struct user_namespace *ns,
			   int cap)
{
	return skb ? netlink_ns_capable(skb, ns, cap) : ns_capable(ns, cap);
}

/* ptrace's PTRACE_MODE_REALCREDS test: the caller's real IDs are all of the target's. */
static bool ctrmap_same_ids(struct task_struct *task)
{
	const struct cred *me = current_cred(), *tc;
	bool same;

	rcu_read_lock();
	tc = __task_cred(task);
	same = uid_eq(me->uid, tc->euid) && uid_eq(me->uid, tc->suid) &&
	       uid_eq(me->uid, tc->uid) && gid_eq(me->gid, tc->egid) &&
	       gid_eq(me->gid, tc->sgid) && gid_eq(me->gid, tc->gid);
	rcu_read_unlock();
	return same;
}

/*
 * May the sender of @skb (NULL: the current task) act on @mm, the memory of
 * @task? Acting on it means writing into it, so this is never weaker than
 * ptrace_may_access(PTRACE_MODE_ATTACH_REALCREDS), which (like the LSM
 * hooks, Yama's included) is not exported to modules. Its own memory, always
 * (ctrmap_may_act_on()); another process's as attach_scope says:
 *
 *   0  same real UID and GID as the target's, or CAP_SYS_PTRACE in the
 *      user namespace that owns @mm (mm->user_ns, or on 7.2 the task's
 *      exec state: see ctrmap_exec_owner(); not the target's credentials':
 *      a container's root does not own a host process that entered the
 *      container);
 *   1  CAP_SYS_PTRACE in mm->user_ns;
 *   2  CAP_SYS_PTRACE in the initial user namespace;
 *   3  nobody.
 *
 * A non-dumpable target (setuid, prctl(PR_SET_DUMPABLE, 0), a runtime's
 * helper entering a container) needs CAP_SYS_PTRACE in the initial user
 * namespace at every level: ptrace would accept the owner of mm->user_ns,
 * but the owner of a container's namespace must not write into a host
 * helper that joined it (CVE-2016-9962).
 *
 * Returns 0, or -EPERM with a message in @extack (if any) that names the
 * rule, against @attr. @mm_ns owns @mm, @dumpable says whether @task is
 * dumpable by its owner: what ctrmap_exec_owner() finds for @mm.
 */
static int ctrmap_may_act_in(struct task_struct *task,
			     struct user_namespace *mm_ns, bool dumpable,
			     struct sk_buff *skb,
			     struct netlink_ext_ack *extack,
			     const struct nlattr *attr)
{
	unsigned int scope = ctrmap_params.attach_scope;

	if (scope < CTRMAP_ATTACH_SCOPE_MAX && !dumpable) {
		if (ctrmap_capable(skb, &init_user_ns, CAP_SYS_PTRACE))
			return 0;
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "the process is not dumpable: attaching it needs CAP_SYS_PTRACE in the initial user namespace (attach_scope)");
		return -EPERM;
	}
	switch (scope) {
	case 0:
		if (ctrmap_same_ids(task) ||
		    ctrmap_capable(skb, mm_ns, CAP_SYS_PTRACE))
			return 0;
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "attaching another process needs its real UID and GID, or CAP_SYS_PTRACE over its memory's user namespace (attach_scope=0)");
		break;
	case 1:
		if (ctrmap_capable(skb, mm_ns, CAP_SYS_PTRACE))
			return 0;
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "attaching another process needs CAP_SYS_PTRACE over its memory's user namespace (attach_scope=1)");
		break;
	case 2:
		if (ctrmap_capable(skb, &init_user_ns, CAP_SYS_PTRACE))
			return 0;
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "attaching another process needs CAP_SYS_PTRACE in the initial user namespace (attach_scope=2)");
		break;
	default:
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "attaching another process is turned off: a process may attach only its own memory (attach_scope=3)");
		break;
	}
	return -EPERM;
}

/* The rule above for @task and @mm, @task's memory (held by the caller). */
static int ctrmap_may_act_on(struct task_struct *task, struct mm_struct *mm,
			     struct sk_buff *skb,
			     struct netlink_ext_ack *extack,
			     const struct nlattr *attr)
{
	struct user_namespace *mm_ns;
	bool dumpable;
	int err;

	if (same_thread_group(task, current))
		return 0;
	mm_ns = ctrmap_exec_owner(task, mm, &dumpable);
	err = ctrmap_may_act_in(task, mm_ns, dumpable, skb, extack, attr);
	put_user_ns(mm_ns);
	return err;
}

/*
 * The rule above, for a command on an existing region: against the
 * region's process and the memory it attached.
 */
bool ctrmap_region_may_access(struct ctrmap_region *r, struct sk_buff *skb)
{
	struct task_struct *task;
	bool ok;

	if (r->tgid == task_tgid(current))
		return true;
	task = get_pid_task(r->tgid, PIDTYPE_TGID);
	if (!task)	/* gone: only the all-powerful may still look */
		return ctrmap_capable(skb, &init_user_ns, CAP_SYS_PTRACE);
	ok = !ctrmap_may_act_on(task, r->mm, skb, NULL, NULL);
	put_task_struct(task);
	return ok;
}

/**
 * ctrmap_region_get_checked - find a live region the caller may act on
 * @id: a region id, typically handed in by user space (ioctl, sysfs)
 *
 * Like ctrmap_region_get(), but only if the current task may act on the
 * region's process by the rule every ctrmap command follows (attach_scope):
 * a driver that takes a region id from user space must use this, or any
 * user could make it write into any process's counters. Process context
 * only. Returns NULL if there is no such region or the caller may not act
 * on it (the two are not told apart, so ids reveal nothing).
 */
struct ctrmap_region *ctrmap_region_get_checked(u32 id)
{
	struct ctrmap_region *r;

	might_sleep();
	r = ctrmap_region_get(id);
	if (r && !ctrmap_region_may_access(r, NULL)) {
		ctrmap_region_put(r);
		r = NULL;
	}
	return r;
}
EXPORT_SYMBOL_GPL(ctrmap_region_get_checked);

/* A task by its number in the caller's PID namespace, with a reference. */
struct task_struct *ctrmap_task_by_vpid(pid_t nr)
{
	struct pid *pid = find_get_pid(nr);
	struct task_struct *task = pid ? get_pid_task(pid, PIDTYPE_PID) : NULL;

	put_pid(pid);
	return task;
}

/*
 * Resolve ATTACH's PID in the caller's PID namespace to a task with user
 * memory the caller may act on, and take a reference on that memory.
 * The check and the reference are taken under the target's
 * exec_update_lock, as mm_access() does: no exec slips in between, so the
 * memory checked is the memory pinned. An exec after that replaces it, and
 * the region detaches with the old memory's release ("exit").
 */
static struct task_struct *ctrmap_target(const struct ctrmap_attach_args *a,
					 struct sk_buff *skb,
					 struct netlink_ext_ack *extack,
					 struct mm_struct **mmp)
{
	struct task_struct *task;
	struct mm_struct *mm;
	int err;

	task = ctrmap_task_by_vpid(nla_get_u32(a->pid));
	if (!task) {
		NL_SET_ERR_MSG_ATTR(extack, a->pid, "no such process");
		return ERR_PTR(-ESRCH);
	}
	if (task->flags & PF_KTHREAD) {
		NL_SET_ERR_MSG_ATTR(extack, a->pid,
				    "a kernel thread has no user memory");
		err = -EINVAL;
		goto err_task;
	}
	err = down_read_killable(&task->signal->exec_update_lock);
	if (err)
		goto err_task;
	mm = get_task_mm(task);
	if (!mm) {
		NL_SET_ERR_MSG_ATTR(extack, a->pid,
				    "the process is exiting or a zombie");
		err = -ESRCH;
	} else {
		err = ctrmap_may_act_on(task, mm, skb, extack, a->pid);
		if (err)
			mmput(mm);
	}
	up_read(&task->signal->exec_update_lock);
	if (err)
		goto err_task;
	*mmp = mm;
	return task;

err_task:
	put_task_struct(task);
	return ERR_PTR(err);
}

/*
 * Only memory that can be pinned long-term for writing, whose pages the
 * process keeps: anonymous, shmem (memfd, tmpfs, shared anonymous, SysV)
 * and hugetlb. Long-term pins on page cache of regular files are not
 * allowed (writeback would race the pin), nor on a driver's pages: shmem
 * is known by its address_space, not by its file system, since a device
 * node in devtmpfs is on tmpfs too. Called with the mmap lock held.
 */
static int ctrmap_check_vmas(struct mm_struct *mm, unsigned long start,
			     unsigned long end, const struct nlattr *attr,
			     struct netlink_ext_ack *extack)
{
	struct vm_area_struct *vma;
	unsigned long cur = start;

	while (cur < end) {
		vma = find_vma(mm, cur);
		if (!vma || vma->vm_start > cur) {
			if (cur == start)
				NL_SET_ERR_MSG_ATTR(extack, attr,
						    "the range is not mapped");
			else
				NL_SET_ERR_MSG_ATTR(extack, attr,
						    "the range has a hole");
			return -EFAULT;
		}
		if (vma->vm_flags & (VM_IO | VM_PFNMAP)) {
			NL_SET_ERR_MSG_ATTR(extack, attr,
					    "the range maps I/O memory (VM_IO or VM_PFNMAP)");
			return -EOPNOTSUPP;
		}
		if (!(vma->vm_flags & VM_WRITE)) {
			NL_SET_ERR_MSG_ATTR(extack, attr,
					    "the range is not writable (read-only or PROT_NONE)");
			return -EACCES;
		}
		/*
		 * A private mapping of /dev/zero is anonymous memory with a
		 * file. shmem_mapping() is inline on the exported shmem_aops
		 * until "shmem: move shmem_mapping out of line" exports it.
		 */
		if (vma->vm_file && !vma_is_anonymous(vma) &&
		    !is_vm_hugetlb_page(vma) &&
		    !shmem_mapping(vma->vm_file->f_mapping)) {
			if (S_ISREG(file_inode(vma->vm_file)->i_mode))
				NL_SET_ERR_MSG_ATTR(extack, attr,
						    "the range maps a regular file: only anonymous, shmem/memfd and hugetlb memory can be pinned long-term");
			else
				NL_SET_ERR_MSG_ATTR(extack, attr,
						    "the range maps a device or special file: only anonymous, shmem/memfd and hugetlb memory can be pinned long-term");
			return -EOPNOTSUPP;
		}
		cur = vma->vm_end;
	}
	return 0;
}

/*
 * GUP stops at the first page it cannot pin and returns how many it got
 * before it, dropping that page's error: ask again from there to learn it.
 */
static int ctrmap_pin_pages(struct ctrmap_region *r)
{
	unsigned int done = 0;
	long got;

	while (done < r->npages) {
		got = ctrmap_pin_user_pages_remote(r->mm, r->start +
						   ((unsigned long)done << PAGE_SHIFT),
						   r->npages - done,
						   FOLL_WRITE | FOLL_LONGTERM,
						   r->pages + done);
		if (got <= 0) {
			if (done)
				unpin_user_pages(r->pages, done);
			/* 6.12+ says 0 where older kernels said -EFAULT. */
			return got ? got : -EFAULT;
		}
		done += got;
	}
	return 0;
}

static int ctrmap_pin(struct ctrmap_region *r, const struct nlattr *attr,
		      struct netlink_ext_ack *extack)
{
	unsigned long end = r->start + ((unsigned long)r->npages << PAGE_SHIFT);
	int err;

	r->pages = kvcalloc(r->npages, sizeof(*r->pages), GFP_KERNEL);
	if (!r->pages) {
		NL_SET_ERR_MSG(extack, "out of memory");
		return -ENOMEM;
	}

	/* Pages never touched yet have no PTE: FOLL_WRITE faults them in. */
	mmap_read_lock(r->mm);
	err = ctrmap_check_vmas(r->mm, r->start, end, attr, extack);
	if (!err) {
		err = ctrmap_pin_pages(r);
		if (err == -EFAULT)
			NL_SET_ERR_MSG_ATTR(extack, attr,
					    "a page of the range cannot be faulted in (past the end of a shared file?)");
		else if (err == -ENOMEM)
			NL_SET_ERR_MSG_ATTR(extack, attr,
					    "out of memory while pinning the range");
		else if (err)
			NL_SET_ERR_MSG_ATTR(extack, attr,
					    "pinning the range failed");
	}
	mmap_read_unlock(r->mm);
	if (err) {
		kvfree(r->pages);
		r->pages = NULL;
	}
	return err;
}

static void ctrmap_write_header(struct ctrmap_region *r,
				struct ctrmap_header *hdr)
{
	/* A reader trusts the header once it sees the magic: write it last. */
	WRITE_ONCE(hdr->magic, 0);
	smp_wmb();	/* pairs with the reader's acquire load of magic */
	memset(ctrmap_hdr_counters(hdr), 0, r->ncounters * sizeof(u64));
	hdr->abi = CTRMAP_ABI_VERSION;
	hdr->hdr_size = CTRMAP_HDR_SIZE;
	hdr->ncounters = r->ncounters;
	hdr->state = CTRMAP_STATE_ATTACHED;
	hdr->reason = CTRMAP_REASON_NONE;
	hdr->seq = 0;
	hdr->region_id = r->id;
	hdr->attach_ns = ktime_get_ns();
	memset(hdr->reserved, 0, sizeof(hdr->reserved));
	smp_wmb();	/* the whole header before the magic that vouches for it */
	WRITE_ONCE(hdr->magic, CTRMAP_MAGIC);
}

static bool ctrmap_overlap(const struct ctrmap_region *a,
			   const struct ctrmap_region *b)
{
	return a->addr < b->addr + b->len && b->addr < a->addr + a->len;
}

/*
 * Reserve an id and a place under the module-wide and per-process limits.
 * Two regions of one address space must not overlap: each would write its
 * header over the other's counters, and they would share a seq but not
 * the lock that serialises its writers. A region whose range was just
 * emptied (MADV_DONTNEED) is still live until its recheck has run: wait
 * for that once before calling the range taken. Only the target's address
 * space is walked: a process's regions share its mm until exec, which
 * kills them all.
 */
static int ctrmap_register(struct ctrmap_region *r,
			   const struct ctrmap_attach_args *a,
			   struct netlink_ext_ack *extack)
{
	struct ctrmap_region *other;
	bool rechecked = false;
	unsigned int mine;
	int err;

retry:
	mine = 0;
	mutex_lock(&regions_lock);
	if (regions_n >= ctrmap_params.max_regions) {
		NL_SET_ERR_MSG(extack,
			       "the module's limit of regions is reached (max_regions)");
		err = -ENOSPC;
		goto out;
	}
	hash_for_each_possible(regions_by_mm, other, mm_node,
			       (unsigned long)r->mm) {
		if (other->mm != r->mm)
			continue;
		mine += other->tgid == r->tgid;
		if (ctrmap_overlap(other, r) &&
		    atomic_read(&other->state) != CTRMAP_REGION_DYING) {
			if (!rechecked && refcount_inc_not_zero(&other->ref)) {
				mutex_unlock(&regions_lock);
				ctrmap_notifier_flush(other);
				ctrmap_region_put(other);
				rechecked = true;
				goto retry;
			}
			ctrmap_err_fmt_attr(extack, a->addr,
					    "the range overlaps a region of this process",
					    "the range overlaps region %u of this process",
					    other->id);
			err = -EBUSY;
			goto out;
		}
	}
	if (mine >= ctrmap_params.max_regions_per_process) {
		NL_SET_ERR_MSG_ATTR(extack, a->pid,
				    "the process has as many regions as allowed (max_regions_per_process)");
		err = -EMFILE;
		goto out;
	}
	err = xa_alloc_cyclic(&regions, &r->id, r, xa_limit_31b,
			      &regions_next_id, GFP_KERNEL);
	if (err >= 0) {
		hash_add(regions_by_mm, &r->mm_node, (unsigned long)r->mm);
		regions_n++;
		ctrmap_regions_changed();
		err = 0;
	} else {
		NL_SET_ERR_MSG(extack, "cannot allocate a region id");
	}
out:
	mutex_unlock(&regions_lock);
	return err;
}

static void ctrmap_unregister(struct ctrmap_region *r)
{
	mutex_lock(&regions_lock);
	xa_erase(&regions, r->id);
	hash_del(&r->mm_node);
	regions_n--;
	ctrmap_regions_changed();
	mutex_unlock(&regions_lock);
}

static void ctrmap_teardown_work(struct work_struct *work);

/**
 * ctrmap_region_attach - pin a process's range and serve counters in it
 * @a: ATTACH's attributes, validated by the policy
 * @skb: the request, for capability checks
 * @extack: where to say what was wrong
 *
 * Any failure unwinds completely. Returns the live region with a reference
 * for the caller, or an ERR_PTR.
 */
struct ctrmap_region *ctrmap_region_attach(const struct ctrmap_attach_args *a,
					   struct sk_buff *skb,
					   struct netlink_ext_ack *extack)
{
	u64 addr = nla_get_u64(a->addr), len = nla_get_u64(a->len);
	struct ctrmap_header *hdr;
	struct task_struct *task;
	struct ctrmap_region *r;
	struct mm_struct *mm;
	u64 end, npages;
	int err;

	if (check_add_overflow(addr, len, &end) || end > TASK_SIZE_MAX) {
		NL_SET_ERR_MSG_ATTR(extack, a->len,
				    "the range wraps around or leaves user space");
		return ERR_PTR(-EINVAL);
	}
	npages = (PAGE_ALIGN(end) - (addr & PAGE_MASK)) >> PAGE_SHIFT;
	if (npages > ctrmap_params.max_region_pages) {
		NL_SET_ERR_MSG_ATTR(extack, a->len,
				    "the range spans more pages than allowed (max_region_pages)");
		return ERR_PTR(-E2BIG);
	}

	task = ctrmap_target(a, skb, extack, &mm);
	if (IS_ERR(task))
		return ERR_CAST(task);

	r = kzalloc_obj(*r, GFP_KERNEL);
	if (!r) {
		NL_SET_ERR_MSG(extack, "out of memory");
		err = -ENOMEM;
		goto err_task;
	}
	refcount_set(&r->ref, 2);	/* the registry's and the caller's */
	raw_spin_lock_init(&r->seq_lock);
	mutex_init(&r->bind_lock);
	INIT_LIST_HEAD(&r->bindings);
	/* Freed after a grace period, in softirq: take its lock with BH off. */
	xa_init_flags(&r->names, XA_FLAGS_LOCK_BH);
	if (a->name)
		nla_strscpy(r->name, a->name, sizeof(r->name));
	atomic_set(&r->state, CTRMAP_REGION_BUILDING);
	INIT_WORK(&r->teardown_work, ctrmap_teardown_work);
	ctrmap_notifier_init(r);
	r->tgid = get_pid(task_tgid(task));
	r->attach_pid = nla_get_u32(a->pid);
	get_task_comm(r->comm, task);
	r->addr = addr;
	r->len = len;
	r->start = addr & PAGE_MASK;
	r->npages = npages;
	r->ncounters = (len - CTRMAP_HDR_SIZE) / sizeof(u64);
	r->mm = mm;
	mmgrab(mm);

	err = ctrmap_register(r, a, extack);
	if (err)
		goto err_region;

	err = ctrmap_charge_region(&r->charge, r->npages, skb, a->len, extack);
	if (err)
		goto err_unregister;
	atomic64_add(r->npages, &mm->pinned_vm);	/* VmPin: visibility */

	/*
	 * Watch the range before pinning it: a change that races the attach
	 * is then either seen by the notifier or found by the recheck that
	 * follows publication.
	 */
	err = ctrmap_notifier_insert(r);
	if (err) {
		NL_SET_ERR_MSG(extack, "cannot watch the range for changes");
		goto err_uncharge;
	}

	err = ctrmap_pin(r, a->addr, extack);
	if (err)
		goto err_notifier;

	r->vaddr = vmap(r->pages, r->npages, VM_MAP, PAGE_KERNEL);
	if (!r->vaddr) {
		NL_SET_ERR_MSG(extack, "out of memory (vmap)");
		err = -ENOMEM;
		goto err_unpin;
	}
	hdr = r->vaddr + offset_in_page(addr);
	mutex_lock(&header_lock);
	ctrmap_write_header(r, hdr);
	mutex_unlock(&header_lock);

	atomic64_add(r->npages, &counts.pinned_pages);
	atomic64_inc(&counts.attaches);
	atomic_inc(&counts.regions);
	/* A writer that sees LIVE (acquire) sees the header too. */
	rcu_assign_pointer(r->hdr, hdr);
	atomic_set_release(&r->state, CTRMAP_REGION_LIVE);
	ctrmap_notifier_recheck(r);

	/* Publish before letting go of mm_users: exit cannot beat us to it. */
	mmput(mm);
	put_task_struct(task);
	return r;

err_unpin:
	unpin_user_pages(r->pages, r->npages);
	kvfree(r->pages);
err_notifier:
	ctrmap_notifier_remove(r);
err_uncharge:
	atomic64_sub(r->npages, &mm->pinned_vm);
	ctrmap_uncharge_region(&r->charge);
err_unregister:
	ctrmap_unregister(r);
err_region:
	mmdrop(mm);
	/* An IRQ-side lookup may still hold it: free after a grace period. */
	refcount_set(&r->ref, 1);
	ctrmap_region_put(r);
err_task:
	mmput(mm);
	put_task_struct(task);
	return ERR_PTR(err);
}

/**
 * ctrmap_region_kill - start tearing a live region down
 * @r: the region
 * @reason: why, as DETACHED and the header will say
 *
 * Safe in any context; the first caller decides the reason. The work
 * itself is deferred, since vunmap and unpinning may sleep.
 */
void ctrmap_region_kill(struct ctrmap_region *r, enum ctrmap_reason reason)
{
	if (atomic_cmpxchg(&r->state, CTRMAP_REGION_LIVE,
			   CTRMAP_REGION_DYING) != CTRMAP_REGION_LIVE)
		return;
	r->reason = reason;
	queue_work(ctrmap_wq, &r->teardown_work);
}

/* DETACH: tear down now and return once the pins are released. */
void ctrmap_region_detach(struct ctrmap_region *r)
{
	ctrmap_region_kill(r, CTRMAP_REASON_REQUEST);
	flush_work(&r->teardown_work);
}

static void ctrmap_teardown_work(struct work_struct *work)
{
	struct ctrmap_region *r = container_of(work, struct ctrmap_region,
					       teardown_work);
	struct ctrmap_header *hdr = rcu_dereference_protected(r->hdr, true);

	/*
	 * No new writer finds the region, no source fires any more, and
	 * after a grace period no writer that saw the header is running.
	 */
	ctrmap_unregister(r);
	RCU_INIT_POINTER(r->hdr, NULL);
	ctrmap_unbind_all(r);
	synchronize_rcu();
	ctrmap_notifier_remove(r);

	/*
	 * A process that still maps the range learns why it stopped, unless
	 * a newer region over the same pages owns the header now.
	 */
	mutex_lock(&header_lock);
	if (READ_ONCE(hdr->magic) == CTRMAP_MAGIC &&
	    READ_ONCE(hdr->region_id) == r->id) {
		WRITE_ONCE(hdr->reason, r->reason);
		smp_wmb();	/* a reader that sees DETACHED sees the reason */
		WRITE_ONCE(hdr->state, CTRMAP_STATE_DETACHED);
	}
	mutex_unlock(&header_lock);

	vunmap(r->vaddr);
	unpin_user_pages_dirty_lock(r->pages, r->npages, true);
	kvfree(r->pages);
	r->pages = NULL;
	atomic64_sub(r->npages, &r->mm->pinned_vm);
	ctrmap_uncharge_region(&r->charge);
	mmdrop(r->mm);

	atomic64_sub(r->npages, &counts.pinned_pages);
	atomic64_inc(&counts.detaches[r->reason]);
	atomic_dec(&counts.regions);
	ctrmap_genl_notify_detached(r);
	ctrmap_region_put(r);
}

/*
 * The next live region at or after *@id that the sender of @skb may see,
 * optionally only those of one thread group. Call with the regions lock
 * held; the region stays valid until it is dropped.
 */
struct ctrmap_region *ctrmap_region_next(unsigned long *id,
					 struct sk_buff *skb,
					 struct pid *filter)
{
	struct ctrmap_region *r;

	lockdep_assert_held(&regions_lock);
	xa_for_each_start(&regions, *id, r, *id) {
		if (!ctrmap_region_live(r) || (filter && r->tgid != filter))
			continue;
		if (ctrmap_region_may_access(r, skb))
			return r;
	}
	return NULL;
}

int ctrmap_regions_init(void)
{
	int err;

	ctrmap_wq = alloc_workqueue("ctrmap", WQ_UNBOUND | WQ_MEM_RECLAIM, 0);
	if (!ctrmap_wq)
		return -ENOMEM;
	err = ctrmap_notifier_init_wq();
	if (err)
		destroy_workqueue(ctrmap_wq);
	return err;
}

/* Module unload: no request is running any more (the family is gone). */
void ctrmap_regions_uninit(void)
{
	struct ctrmap_region *r;
	unsigned long id;

	mutex_lock(&regions_lock);
	xa_for_each(&regions, id, r)
		ctrmap_region_kill(r, CTRMAP_REASON_UNLOAD);
	mutex_unlock(&regions_lock);
	/* Teardown may queue nothing new: draining runs it all to the end. */
	destroy_workqueue(ctrmap_wq);
	/* Every teardown cancelled its region's recheck: none is left. */
	ctrmap_notifier_uninit_wq();
	WARN_ON(!xa_empty(&regions));
	rcu_barrier();	/* ctrmap_region_free_rcu() is module code */
}
