// SPDX-License-Identifier: GPL-2.0
// kcpp_spinlock, kcpp_mutex, kcpp_lockdep: guards, try_lock, interrupts, and lockdep classes
// per declaration site. The lockdep cases pass only if the boot log has no lockdep report
// (qemu/check-log.py fails the run on any): nesting two locks of one class would be
// reported as "possible recursive locking".
#include "common.h"

using namespace kcpp;
using namespace kcpp_test;

// ---- SpinLock / SpinLockIrq ------------------------------------------------------------

static void spinlock_guard_gives_access_and_unlocks(Test &t)
{
	// Facts seen under the lock are checked after it: reporting a failure may sleep.
	SpinLock<int> lock{KCPP_LOCK_CLASS("kcpp_kunit_spin"), 5};
	KCPP_EXPECT_FALSE(t, lock.is_locked());
	bool locked = false, atomic = false;
	int value = 0;
	{
		auto guard = lock.lock();
		locked = lock.is_locked();
		atomic = task::in_atomic(); // preemption is off under a spinlock
		value = *guard;
		*guard = 6;
	}
	KCPP_EXPECT_TRUE(t, locked);
	KCPP_EXPECT_TRUE(t, atomic);
	KCPP_EXPECT_EQ(t, value, 5);
	KCPP_EXPECT_FALSE(t, lock.is_locked());
	KCPP_EXPECT_FALSE(t, task::in_atomic());
	KCPP_EXPECT_EQ(t, *lock.lock(), 6);
}

static void spinlock_try_lock_fails_while_held(Test &t)
{
	SpinLock<int> lock{KCPP_LOCK_CLASS("kcpp_kunit_spin_try"), 0};
	bool ran = true;
	{
		auto guard = lock.lock();
		ran = lock.try_lock([](SpinLockGuard<int> &g) { *g = 1; });
	}
	KCPP_EXPECT_FALSE(t, ran);
	ran = lock.try_lock([](SpinLockGuard<int> &g) { *g = 2; });
	KCPP_EXPECT_TRUE(t, ran);
	KCPP_EXPECT_FALSE(t, lock.is_locked()); // try_lock's guard released it
	KCPP_EXPECT_EQ(t, *lock.lock(), 2);
}

static SpinLockGuard<int> take(const SpinLock<int> &lock) { return lock.lock(); }

static void spinlock_guard_moves_keep_one_unlock(Test &t)
{
	SpinLock<int> lock{KCPP_LOCK_CLASS("kcpp_kunit_spin_move"), 0};
	bool held_after_return = false, held_after_move = false, held_after_inner = true;
	{
		SpinLockGuard<int> outer = take(lock); // returned from a function: still held
		held_after_return = lock.is_locked();
		{
			SpinLockGuard<int> inner(move(outer));
			*inner = 3;
			held_after_move = lock.is_locked();
		} // unlocked here, once (lockdep would report an unbalanced unlock)
		held_after_inner = lock.is_locked();
	} // the moved-from guard does nothing
	KCPP_EXPECT_TRUE(t, held_after_return);
	KCPP_EXPECT_TRUE(t, held_after_move);
	KCPP_EXPECT_FALSE(t, held_after_inner);
	KCPP_EXPECT_FALSE(t, lock.is_locked());
	KCPP_EXPECT_EQ(t, *lock.lock(), 3);
}

static void spinlock_irq_disables_interrupts(Test &t)
{
	SpinLockIrq<int> lock{KCPP_LOCK_CLASS("kcpp_kunit_spin_irq"), 0};
	KCPP_ASSERT_TRUE(t, !kcpp_irqs_disabled());
	bool disabled_inside = false, locked = false;
	{
		auto guard = lock.lock();
		disabled_inside = kcpp_irqs_disabled();
		locked = lock.is_locked();
		*guard = 1;
	}
	KCPP_EXPECT_TRUE(t, disabled_inside);
	KCPP_EXPECT_TRUE(t, locked);
	KCPP_EXPECT_FALSE(t, kcpp_irqs_disabled() != 0); // restored
	KCPP_EXPECT_FALSE(t, lock.is_locked());
}

static void spinlock_irq_nesting_restores_state(Test &t)
{
	SpinLockIrq<int> outer{KCPP_LOCK_CLASS("kcpp_kunit_irq_outer"), 0};
	SpinLockIrq<int> inner{KCPP_LOCK_CLASS("kcpp_kunit_irq_inner"), 0};
	bool in_inner = false, after_inner = false;
	{
		auto g1 = outer.lock();
		{
			auto g2 = inner.lock();
			in_inner = kcpp_irqs_disabled();
		}
		// The inner guard restores the flags it saved: still disabled for the outer one.
		after_inner = kcpp_irqs_disabled();
	}
	KCPP_EXPECT_TRUE(t, in_inner);
	KCPP_EXPECT_TRUE(t, after_inner);
	KCPP_EXPECT_FALSE(t, kcpp_irqs_disabled() != 0);
}

// A counter a work item and the test thread both increment under one spinlock.
struct Shared {
	SpinLock<long> counter{KCPP_LOCK_CLASS("kcpp_kunit_shared_counter"), 0};
	Completion done;
	Work work{KCPP_LOCK_CLASS("kcpp_kunit_shared_work"), [](Work &w) {
		Shared *s = Work::owner(&w, &Shared::work);
		for (int i = 0; i < 20000; ++i)
			++*s->counter.lock();
		s->done.complete();
	}};
};

static void spinlock_excludes_a_concurrent_work_item(Test &t)
{
	Result<Box<Shared>> made = Box<Shared>::make(gfp::KERNEL);
	KCPP_ASSERT_OK(t, made);
	Box<Shared> s = move(made).take();
	KCPP_EXPECT_TRUE(t, s->work.queue());
	for (int i = 0; i < 20000; ++i)
		++*s->counter.lock();
	s->done.wait();
	s->work.flush();
	KCPP_EXPECT_EQ(t, *s->counter.lock(), 40000l); // no lost update
}

KCPP_KUNIT_SUITE(kcpp_spinlock,
		 KCPP_KUNIT_CASE(spinlock_guard_gives_access_and_unlocks),
		 KCPP_KUNIT_CASE(spinlock_try_lock_fails_while_held),
		 KCPP_KUNIT_CASE(spinlock_guard_moves_keep_one_unlock),
		 KCPP_KUNIT_CASE(spinlock_irq_disables_interrupts),
		 KCPP_KUNIT_CASE(spinlock_irq_nesting_restores_state),
		 KCPP_KUNIT_CASE(spinlock_excludes_a_concurrent_work_item));

// ---- Mutex ------------------------------------------------------------------------------

static void mutex_guard_releases_on_scope_exit(Test &t)
{
	Mutex<int> m{KCPP_LOCK_CLASS("kcpp_kunit_mutex"), 1};
	KCPP_EXPECT_FALSE(t, m.is_locked());
	{
		auto guard = m.lock();
		KCPP_EXPECT_TRUE(t, m.is_locked());
		KCPP_EXPECT_FALSE(t, task::in_atomic()); // a mutex holder may sleep
		*guard += 1;
	}
	KCPP_EXPECT_FALSE(t, m.is_locked());
	KCPP_EXPECT_EQ(t, *m.lock(), 2);
}

static void mutex_try_lock_fails_while_guard_held(Test &t)
{
	Mutex<int> m{KCPP_LOCK_CLASS("kcpp_kunit_mutex_try"), 0};
	bool ran = true;
	{
		auto guard = m.lock();
		ran = m.try_lock([](MutexGuard<int> &g) { *g = 1; });
		KCPP_EXPECT_EQ(t, *guard, 0);
	}
	KCPP_EXPECT_FALSE(t, ran);
	KCPP_EXPECT_TRUE(t, m.try_lock([](MutexGuard<int> &g) { *g = 2; }));
	KCPP_EXPECT_FALSE(t, m.is_locked());
	KCPP_EXPECT_EQ(t, *m.lock(), 2);
}

static void mutex_lock_interruptible_without_signal(Test &t)
{
	Mutex<int> m{KCPP_LOCK_CLASS("kcpp_kunit_mutex_intr"), 0};
	{
		Result<MutexGuard<int>> guard = m.lock_interruptible();
		KCPP_ASSERT_OK(t, guard);
		KCPP_EXPECT_TRUE(t, m.is_locked());
		*guard.value() = 7;
	}
	KCPP_EXPECT_FALSE(t, m.is_locked());
	KCPP_EXPECT_EQ(t, *m.lock(), 7);
}

static void mutex_guard_move_releases_early(Test &t)
{
	Mutex<int> m{KCPP_LOCK_CLASS("kcpp_kunit_mutex_move"), 0};
	auto guard = m.lock();
	{
		MutexGuard<int> taken(move(guard));
		*taken = 4;
	}
	KCPP_EXPECT_FALSE(t, m.is_locked()); // released with `taken`; `guard` is empty
	KCPP_EXPECT_TRUE(t, m.try_lock([](MutexGuard<int> &) {}));
}

// The test thread holds the mutex while a work item wants it: the work item must wait.
struct Contended {
	Mutex<int> value{KCPP_LOCK_CLASS("kcpp_kunit_contended"), 0};
	Completion started;
	Work work{KCPP_LOCK_CLASS("kcpp_kunit_contended_work"), [](Work &w) {
		Contended *c = Work::owner(&w, &Contended::work);
		c->started.complete();
		*c->value.lock() = 2;
	}};
};

static void mutex_blocks_a_work_item_until_released(Test &t)
{
	Result<Box<Contended>> made = Box<Contended>::make(gfp::KERNEL);
	KCPP_ASSERT_OK(t, made);
	Box<Contended> c = move(made).take();
	int seen_while_held = -1;
	{
		auto guard = c->value.lock();
		*guard = 1;
		c->work.queue();
		c->started.wait(); // the work item runs, and blocks on the mutex
		time::msleep(20);
		seen_while_held = *guard;
	}
	c->work.flush();
	KCPP_EXPECT_EQ(t, seen_while_held, 1);
	KCPP_EXPECT_EQ(t, *c->value.lock(), 2);
}

KCPP_KUNIT_SUITE(kcpp_mutex,
		 KCPP_KUNIT_CASE(mutex_guard_releases_on_scope_exit),
		 KCPP_KUNIT_CASE(mutex_try_lock_fails_while_guard_held),
		 KCPP_KUNIT_CASE(mutex_lock_interruptible_without_signal),
		 KCPP_KUNIT_CASE(mutex_guard_move_releases_early),
		 KCPP_KUNIT_CASE(mutex_blocks_a_work_item_until_released));

// ---- lockdep classes ------------------------------------------------------------------

static LockClass one_site() { return KCPP_LOCK_CLASS("kcpp_kunit_one_site"); }

static void each_declaration_site_has_its_own_class(Test &t)
{
	const LockClass a = one_site(), b = one_site();
	KCPP_EXPECT_TRUE(t, a.key == b.key); // one site, one class, however often it runs
	const LockClass c = KCPP_LOCK_CLASS("kcpp_kunit_same_name");
	const LockClass d = KCPP_LOCK_CLASS("kcpp_kunit_same_name");
	KCPP_EXPECT_TRUE(t, c.key != d.key); // two sites, two classes, even with one name
	KCPP_EXPECT_TRUE(t, a.key != c.key);
	KCPP_EXPECT_STREQ(t, c.name, "kcpp_kunit_same_name");
}

struct TwoSpinLocks {
	SpinLock<int> first{KCPP_LOCK_CLASS("kcpp_kunit_nest_first"), 0};
	SpinLock<int> second{KCPP_LOCK_CLASS("kcpp_kunit_nest_second"), 0};
};

static void nested_spinlocks_from_two_sites(Test &t)
{
	// Two locks of the same C++ type, declared at two sites: two lockdep classes, so
	// nesting them is no "possible recursive locking".
	TwoSpinLocks locks;
	{
		auto g1 = locks.first.lock();
		auto g2 = locks.second.lock();
		*g1 = 1;
		*g2 = 2;
	}
	KCPP_EXPECT_EQ(t, *locks.first.lock() + *locks.second.lock(), 3);
}

static void nested_mutexes_and_spinlock_inside(Test &t)
{
	Mutex<int> outer{KCPP_LOCK_CLASS("kcpp_kunit_nest_mutex_outer"), 0};
	Mutex<int> inner{KCPP_LOCK_CLASS("kcpp_kunit_nest_mutex_inner"), 0};
	SpinLockIrq<int> innermost{KCPP_LOCK_CLASS("kcpp_kunit_nest_irq"), 0};
	{
		auto g1 = outer.lock();
		auto g2 = inner.lock();
		auto g3 = innermost.lock();
		*g3 = *g2 = *g1 = 1;
	}
	KCPP_EXPECT_EQ(t, *inner.lock(), 1);
}

static void same_order_from_two_threads(Test &t)
{
	// The same two classes nested in the same order by a work item: consistent, no report.
	Result<Box<TwoSpinLocks>> made = Box<TwoSpinLocks>::make(gfp::KERNEL);
	KCPP_ASSERT_OK(t, made);
	Box<TwoSpinLocks> locks = move(made).take();
	struct Job {
		TwoSpinLocks *locks;
		Work work{KCPP_LOCK_CLASS("kcpp_kunit_nest_work"), [](Work &w) {
			TwoSpinLocks *l = Work::owner(&w, &Job::work)->locks;
			auto g1 = l->first.lock();
			auto g2 = l->second.lock();
			++*g2;
		}};
	};
	Result<Box<Job>> job = Box<Job>::make(gfp::KERNEL, locks.get());
	KCPP_ASSERT_OK(t, job);
	job.value()->work.queue();
	{
		auto g1 = locks->first.lock();
		auto g2 = locks->second.lock();
		++*g2;
	}
	job.value()->work.flush();
	KCPP_EXPECT_EQ(t, *locks->second.lock(), 2);
}

KCPP_KUNIT_SUITE(kcpp_lockdep,
		 KCPP_KUNIT_CASE(each_declaration_site_has_its_own_class),
		 KCPP_KUNIT_CASE(nested_spinlocks_from_two_sites),
		 KCPP_KUNIT_CASE(nested_mutexes_and_spinlock_inside),
		 KCPP_KUNIT_CASE(same_order_from_two_threads));
