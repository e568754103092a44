// SPDX-License-Identifier: GPL-2.0
/*
 * More wait-queue operations for kcpp/condvar.h (area wait): freezable interruptible waits,
 * synchronous wake-ups and wake_up_pollfree, the kinds binder uses.
 *
 * SAFETY: as in wait.c: the wait queues and locks are C++-owned pinned storage of the checked
 * size, initialised by their init shims; the waits are called with the lock held by the
 * caller's guard and return with it held again.
 */
#include <linux/freezer.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <kcpp/bindings.h>

#define WQ(w) ((wait_queue_head_t *)(w))

/* The same sleep as kcpp_condvar_sleep in wait.c, in state TASK_INTERRUPTIBLE|TASK_FREEZABLE
 * (binder_wait_for_work's): the freezer may freeze the task while it sleeps here. */
#define KCPP_FREEZABLE_SLEEP(wq, timeout, unlock, relock)                                 \
	({                                                                               \
		DEFINE_WAIT(wait);                                                       \
		long left;                                                               \
		prepare_to_wait_exclusive(wq, &wait, TASK_INTERRUPTIBLE | TASK_FREEZABLE); \
		unlock;                                                                  \
		left = schedule_timeout((timeout) < 0 ? MAX_SCHEDULE_TIMEOUT : (timeout)); \
		relock;                                                                  \
		finish_wait(wq, &wait);                                                  \
		signal_pending(current) ? -ERESTARTSYS : ((timeout) < 0 ? 1 : left);     \
	})

long kcpp_condvar_wait_mutex_freezable(struct kcpp_wait_queue_head *wq, struct kcpp_mutex *lock,
				       long timeout)
{
	struct mutex *m = (struct mutex *)lock;

	return KCPP_FREEZABLE_SLEEP(WQ(wq), timeout, mutex_unlock(m), mutex_lock(m));
}

long kcpp_condvar_wait_spin_freezable(struct kcpp_wait_queue_head *wq, struct kcpp_spinlock *lock,
				      long timeout)
{
	spinlock_t *s = (spinlock_t *)lock;

	return KCPP_FREEZABLE_SLEEP(WQ(wq), timeout, spin_unlock(s), spin_lock(s));
}

void kcpp_wake_up_sync(struct kcpp_wait_queue_head *wq)
{
	wake_up_sync(WQ(wq));
}

/*
 * wake_up_pollfree detaches every poll/epoll entry (POLLFREE); pollers that remove their
 * entries for other reasons hold the RCU read lock while doing so, so after synchronize_rcu
 * nobody touches the queue again and its memory may be freed (binder_thread_release).
 */
void kcpp_wake_up_pollfree(struct kcpp_wait_queue_head *wq)
{
	wake_up_pollfree(WQ(wq));
	synchronize_rcu();
}
