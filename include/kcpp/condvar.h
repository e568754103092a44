// SPDX-License-Identifier: GPL-2.0
// kcpp/condvar.h — CondVar: wait for a condition on data protected by a kcpp lock.
//
//     auto guard = queue.lock();
//     while (guard->empty())
//         if (ready.wait_interruptible(guard))
//             return code::ERESTARTSYS;   // a signal is pending
//
// The lock is released while the task sleeps and held again when wait returns, as with
// Rust-for-Linux's CondVar. Wake-ups may be spurious: always re-check the condition.
#pragma once

#include <kcpp/atomic.h>
#include <kcpp/lock_class.h>
#include <kcpp/mutex.h>
#include <kcpp/spinlock.h>

namespace kcpp {

class CondVar : Pinned {
public:
	explicit CondVar(LockClass cls) { kcpp_waitqueue_init(raw(), cls.name, cls.key->raw()); }

	template <typename T> void wait(MutexGuard<T> &g) { (void)kcpp_condvar_wait_mutex(raw(), g.raw_lock(), 0, -1); }
	template <typename T> void wait(SpinLockGuard<T> &g) { (void)kcpp_condvar_wait_spin(raw(), g.raw_lock(), 0, -1); }
	template <typename T> void wait(SpinLockIrqGuard<T> &g)
	{
		(void)kcpp_condvar_wait_spin_irqsave(raw(), g.raw_lock(), g.raw_flags(), 0, -1);
	}

	// True when the wait ended because a signal is pending.
	template <typename G> [[nodiscard]] bool wait_interruptible(G &g) { return wait_raw(g, 1, -1) < 0; }

	// Waits at most `jiffies`; returns the jiffies left (0: timed out). Uninterruptible.
	template <typename G> long wait_timeout(G &g, long jiffies) { return wait_raw(g, 0, jiffies); }

	void notify_one() { kcpp_wake_up_one(raw()); }
	void notify_all() { kcpp_wake_up_all(raw()); }

	// --- Binder's kinds of wait (area `wait`) ---
	// Interruptible and freezable (TASK_INTERRUPTIBLE | TASK_FREEZABLE): the system can
	// suspend while the task sleeps here. True when the wait ended because a signal is pending.
	template <typename T> [[nodiscard]] bool wait_interruptible_freezable(MutexGuard<T> &g)
	{
		return kcpp_condvar_wait_mutex_freezable(raw(), g.raw_lock(), -1) < 0;
	}
	template <typename T> [[nodiscard]] bool wait_interruptible_freezable(SpinLockGuard<T> &g)
	{
		return kcpp_condvar_wait_spin_freezable(raw(), g.raw_lock(), -1) < 0;
	}
	// Interruptible with a timeout: the jiffies left (> 0), 0 on timeout, or a negative value
	// (-ERESTARTSYS) when a signal is pending.
	template <typename G> [[nodiscard]] long wait_interruptible_timeout(G &g, long jiffies)
	{
		return wait_raw(g, 1, jiffies < 0 ? 0 : jiffies);
	}
	// Waits until pred() holds (checked under the lock, before each sleep): ok, or
	// ERESTARTSYS if a signal arrived first.
	template <typename G, typename P> [[nodiscard]] Result<void> wait_interruptible_until(G &g, P pred)
	{
		while (!pred())
			if (wait_interruptible(g))
				return code::ERESTARTSYS;
		return {};
	}
	// Wakes one waiter with the "waker is about to sleep" hint (wake_up_sync), so the
	// scheduler keeps it on this CPU: for a synchronous hand-off (binder's transaction).
	void notify_one_sync() { kcpp_wake_up_sync(raw()); }

	// The wait queue, for poll (miscdev::PollTable::wait); wake-ups reach pollers too.
	kcpp_wait_queue_head *wait_queue() { return raw(); }

private:
	template <typename T> long wait_raw(MutexGuard<T> &g, int intr, long t)
	{
		return kcpp_condvar_wait_mutex(raw(), g.raw_lock(), intr, t);
	}
	template <typename T> long wait_raw(SpinLockGuard<T> &g, int intr, long t)
	{
		return kcpp_condvar_wait_spin(raw(), g.raw_lock(), intr, t);
	}
	template <typename T> long wait_raw(SpinLockIrqGuard<T> &g, int intr, long t)
	{
		return kcpp_condvar_wait_spin_irqsave(raw(), g.raw_lock(), g.raw_flags(), intr, t);
	}
	// SAFETY: the wait queue head lives in this Pinned object and is initialised by the
	// constructor before any waiter can reach it.
	kcpp_wait_queue_head *raw() { return storage_.as<kcpp_wait_queue_head>(); }
	Opaque<KCPP_SIZEOF_WAIT_QUEUE_HEAD, KCPP_ALIGNOF_WAIT_QUEUE_HEAD> storage_;
};

// A CondVar that poll/epoll may wait on (miscdev::PollTable::wait marks it) and that is freed
// while the file stays open (binder's per-thread wait queue): its destructor detaches every
// poller (wake_up_pollfree + synchronize_rcu, as binder_thread_release) if it was ever polled,
// so an epoll instance never keeps a pointer into freed memory. Area `wait`. The destructor
// sleeps if polled: drop it in process context without spinlocks.
class PollCondVar : public CondVar {
public:
	using CondVar::CondVar;
	~PollCondVar()
	{
		if (polled_.load_acquire())
			kcpp_wake_up_pollfree(wait_queue());
	}
	void mark_polled() { polled_.store_release(true); }

private:
	Atomic<bool> polled_{false};
};

} // namespace kcpp
