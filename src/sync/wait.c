// SPDX-License-Identifier: GPL-2.0
/*
 * Wait queues for CondVar, and completions.
 *
 * SAFETY: as in locks.c, the opaque pointers are C++-owned, pinned storage of the checked
 * size, initialised by the *_init shims. The condvar waits are called with the lock held by
 * the caller's guard and return with it held again.
 */
#include <linux/completion.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <kcpp/bindings.h>

#define WQ(w) ((wait_queue_head_t *)(w))
#define COMPLETION(c) ((struct completion *)(c))

void kcpp_waitqueue_init(struct kcpp_wait_queue_head *wq, const char *name,
			 struct kcpp_lock_class_key *key)
{
	__init_waitqueue_head(WQ(wq), name, (struct lock_class_key *)key);
}

void kcpp_wake_up_one(struct kcpp_wait_queue_head *wq)
{
	wake_up(WQ(wq));
}

void kcpp_wake_up_all(struct kcpp_wait_queue_head *wq)
{
	wake_up_all(WQ(wq));
}

/*
 * Queue, drop the lock, sleep, retake it: the shape of Rust-for-Linux's CondVar::wait.
 * Returns -ERESTARTSYS if a signal is pending (interruptible waits only), otherwise the
 * jiffies left (0 on timeout), or 1 for a wait without timeout.
 */
static long kcpp_condvar_sleep(wait_queue_head_t *wq, int interruptible, long timeout,
			       void (*unlock)(void *, unsigned long *),
			       void (*relock)(void *, unsigned long *), void *lock, unsigned long *flags)
{
	DEFINE_WAIT(wait);
	long left;

	prepare_to_wait_exclusive(wq, &wait, interruptible ? TASK_INTERRUPTIBLE : TASK_UNINTERRUPTIBLE);
	unlock(lock, flags);
	left = schedule_timeout(timeout < 0 ? MAX_SCHEDULE_TIMEOUT : timeout);
	relock(lock, flags);
	finish_wait(wq, &wait);

	if (interruptible && signal_pending(current))
		return -ERESTARTSYS;
	return timeout < 0 ? 1 : left;
}

static void unlock_mutex(void *l, unsigned long *f) { mutex_unlock(l); }
static void lock_mutex(void *l, unsigned long *f) { mutex_lock(l); }
static void unlock_spin(void *l, unsigned long *f) { spin_unlock(l); }
static void lock_spin(void *l, unsigned long *f) { spin_lock(l); }
static void unlock_spin_irq(void *l, unsigned long *f) { spin_unlock_irqrestore(l, *f); }
static void lock_spin_irq(void *l, unsigned long *f) { spin_lock_irqsave(l, *f); }

long kcpp_condvar_wait_mutex(struct kcpp_wait_queue_head *wq, struct kcpp_mutex *lock,
			     int interruptible, long timeout)
{
	return kcpp_condvar_sleep(WQ(wq), interruptible, timeout, unlock_mutex, lock_mutex, lock, NULL);
}

long kcpp_condvar_wait_spin(struct kcpp_wait_queue_head *wq, struct kcpp_spinlock *lock,
			    int interruptible, long timeout)
{
	return kcpp_condvar_sleep(WQ(wq), interruptible, timeout, unlock_spin, lock_spin, lock, NULL);
}

long kcpp_condvar_wait_spin_irqsave(struct kcpp_wait_queue_head *wq, struct kcpp_spinlock *lock,
				    unsigned long *flags, int interruptible, long timeout)
{
	return kcpp_condvar_sleep(WQ(wq), interruptible, timeout, unlock_spin_irq, lock_spin_irq,
				  lock, flags);
}

void kcpp_completion_init(struct kcpp_completion *c)
{
	init_completion(COMPLETION(c));
}

void kcpp_completion_reinit(struct kcpp_completion *c)
{
	reinit_completion(COMPLETION(c));
}

void kcpp_complete(struct kcpp_completion *c)
{
	complete(COMPLETION(c));
}

void kcpp_complete_all(struct kcpp_completion *c)
{
	complete_all(COMPLETION(c));
}

void kcpp_wait_for_completion(struct kcpp_completion *c)
{
	wait_for_completion(COMPLETION(c));
}

unsigned long kcpp_wait_for_completion_timeout(struct kcpp_completion *c, unsigned long timeout)
{
	return wait_for_completion_timeout(COMPLETION(c), timeout);
}

int kcpp_wait_for_completion_interruptible(struct kcpp_completion *c)
{
	return wait_for_completion_interruptible(COMPLETION(c));
}

int kcpp_completion_done(struct kcpp_completion *c)
{
	return completion_done(COMPLETION(c));
}
