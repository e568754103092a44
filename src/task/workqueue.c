// SPDX-License-Identifier: GPL-2.0
/*
 * Work items and workqueues. struct kcpp_work wraps a work_struct with the C++ callback;
 * the trampolines below recover it with container_of and call back into C++.
 *
 * SAFETY: the kcpp_work/kcpp_delayed_work pointers are C++-owned, pinned storage of the
 * checked size (runtime/errno_check.c); C++ cancels work before destroying it.
 */
#include <linux/workqueue.h>
#include <kcpp/bindings.h>
#include "work_types.h"

static void kcpp_work_run(struct work_struct *work)
{
	struct kcpp_work *kw = container_of(work, struct kcpp_work, work);

	kw->fn(kw);
}

static void kcpp_delayed_work_run(struct work_struct *work)
{
	struct kcpp_delayed_work *kd = container_of(to_delayed_work(work), struct kcpp_delayed_work, dwork);

	/* C++ DelayedWork keeps its storage at offset 0: it takes this pointer as its own. */
	kd->fn((struct kcpp_work *)kd);
}

void kcpp_work_init(struct kcpp_work *work, kcpp_work_fn fn, const char *name,
		    struct kcpp_lock_class_key *key)
{
	__INIT_WORK_KEY(&work->work, kcpp_work_run, 0, (struct lock_class_key *)key);
#ifdef CONFIG_LOCKDEP
	work->work.lockdep_map.name = name;
#endif
	work->fn = fn;
}

int kcpp_work_queue(struct kcpp_workqueue *wq, struct kcpp_work *work)
{
	return queue_work(wq ? (struct workqueue_struct *)wq : system_wq, &work->work);
}

int kcpp_work_cancel_sync(struct kcpp_work *work)
{
	return cancel_work_sync(&work->work);
}

int kcpp_work_flush(struct kcpp_work *work)
{
	return flush_work(&work->work);
}

int kcpp_work_pending(struct kcpp_work *work)
{
	return work_pending(&work->work);
}

void kcpp_delayed_work_init(struct kcpp_delayed_work *dwork, kcpp_work_fn fn, const char *name,
			    struct kcpp_lock_class_key *key)
{
	__INIT_WORK_KEY(&dwork->dwork.work, kcpp_delayed_work_run, 0, (struct lock_class_key *)key);
#ifdef CONFIG_LOCKDEP
	dwork->dwork.work.lockdep_map.name = name;
#endif
	timer_setup(&dwork->dwork.timer, delayed_work_timer_fn, TIMER_IRQSAFE);
	dwork->fn = fn;
}

int kcpp_delayed_work_queue(struct kcpp_workqueue *wq, struct kcpp_delayed_work *dwork,
			    unsigned long delay)
{
	return queue_delayed_work(wq ? (struct workqueue_struct *)wq : system_wq, &dwork->dwork, delay);
}

int kcpp_delayed_work_cancel_sync(struct kcpp_delayed_work *dwork)
{
	return cancel_delayed_work_sync(&dwork->dwork);
}

struct kcpp_work *kcpp_delayed_work_to_work(struct kcpp_delayed_work *dwork)
{
	/* Only for kcpp_work_pending(): work_struct is the first member of both wrappers. */
	return (struct kcpp_work *)&dwork->dwork.work;
}

struct kcpp_workqueue *kcpp_workqueue_alloc(const char *name, unsigned int flags, int max_active)
{
	return (struct kcpp_workqueue *)alloc_workqueue("%s", flags, max_active, name);
}

void kcpp_workqueue_destroy(struct kcpp_workqueue *wq)
{
	destroy_workqueue((struct workqueue_struct *)wq);
}

void kcpp_workqueue_flush(struct kcpp_workqueue *wq)
{
	flush_workqueue((struct workqueue_struct *)wq);
}
