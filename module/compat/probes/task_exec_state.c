// SPDX-License-Identifier: GPL-2.0
/* Dumpability and the exec-time user namespace moved to task->exec_state (7.2). */
#include <linux/sched.h>
#include <linux/sched/exec_state.h>

struct user_namespace *ctrmap_probe(struct task_struct *t, bool *dumpable);
struct user_namespace *ctrmap_probe(struct task_struct *t, bool *dumpable)
{
	struct task_exec_state *es = rcu_dereference_raw(t->exec_state);

	*dumpable = es->dumpable == TASK_DUMPABLE_OWNER;
	return es->user_ns;
}
