// SPDX-License-Identifier: GPL-2.0
// kcpp_condvar, kcpp_completion: waiting in the test thread for work items, and timeouts.
// Objects holding work items live on the heap (Box): debugobjects rejects an
// unannotated work item or timer on the stack.
#include "common.h"

using namespace kcpp;
using namespace kcpp_test;

// ---- CondVar --------------------------------------------------------------------------

// A flag behind a mutex, set by a work item that then notifies.
struct MutexHandoff {
	Mutex<bool> ready{KCPP_LOCK_CLASS("kcpp_kunit_handoff"), false};
	CondVar changed{KCPP_LOCK_CLASS("kcpp_kunit_handoff_cv")};
	Work work{KCPP_LOCK_CLASS("kcpp_kunit_handoff_work"), [](Work &w) {
		MutexHandoff *h = Work::owner(&w, &MutexHandoff::work);
		time::msleep(10); // let the test thread go to sleep first
		*h->ready.lock() = true;
		h->changed.notify_one();
	}};
};

static void condvar_wait_is_woken_by_work_item(Test &t)
{
	Result<Box<MutexHandoff>> made = Box<MutexHandoff>::make(gfp::KERNEL);
	KCPP_ASSERT_OK(t, made);
	Box<MutexHandoff> h = move(made).take();
	int waits = 0;
	{
		auto guard = h->ready.lock();
		h->work.queue();
		while (!*guard) {
			h->changed.wait(guard); // releases the mutex while asleep
			++waits;
		}
		KCPP_EXPECT_TRUE(t, h->ready.is_locked()); // held again after the wait
	}
	h->work.flush();
	KCPP_EXPECT_GE(t, waits, 1);
	KCPP_EXPECT_TRUE(t, *h->ready.lock());
}

static void condvar_wait_timeout_returns_zero_on_timeout(Test &t)
{
	Mutex<int> m{KCPP_LOCK_CLASS("kcpp_kunit_cv_timeout"), 0};
	CondVar never{KCPP_LOCK_CLASS("kcpp_kunit_cv_timeout_cv")};
	const unsigned long start = time::jiffies();
	long left;
	bool held;
	{
		auto guard = m.lock();
		left = never.wait_timeout(guard, static_cast<long>(time::msecs_to_jiffies(20)));
		held = m.is_locked();
	}
	KCPP_EXPECT_EQ(t, left, 0l);
	KCPP_EXPECT_TRUE(t, held);
	KCPP_EXPECT_GE(t, time::jiffies() - start, time::msecs_to_jiffies(20));
}

static void condvar_wait_timeout_returns_time_left_when_notified(Test &t)
{
	Result<Box<MutexHandoff>> made = Box<MutexHandoff>::make(gfp::KERNEL);
	KCPP_ASSERT_OK(t, made);
	Box<MutexHandoff> h = move(made).take();
	long left = static_cast<long>(10 * time::HZ);
	bool ready;
	{
		auto guard = h->ready.lock();
		h->work.queue();
		while (!*guard && left > 0)
			left = h->changed.wait_timeout(guard, left);
		ready = *guard;
	}
	h->work.flush();
	KCPP_EXPECT_TRUE(t, ready);
	KCPP_EXPECT_GT(t, left, 0l);
}

// The same with a spinlock, and with an irq-saving spinlock.
struct SpinHandoff {
	SpinLock<int> value{KCPP_LOCK_CLASS("kcpp_kunit_spin_handoff"), 0};
	SpinLockIrq<int> irq_value{KCPP_LOCK_CLASS("kcpp_kunit_irq_handoff"), 0};
	CondVar changed{KCPP_LOCK_CLASS("kcpp_kunit_spin_handoff_cv")};
	CondVar irq_changed{KCPP_LOCK_CLASS("kcpp_kunit_irq_handoff_cv")};
	Work work{KCPP_LOCK_CLASS("kcpp_kunit_spin_handoff_work"), [](Work &w) {
		SpinHandoff *h = Work::owner(&w, &SpinHandoff::work);
		time::msleep(10);
		*h->value.lock() = 1;
		h->changed.notify_all();
		*h->irq_value.lock() = 1;
		h->irq_changed.notify_all();
	}};
};

static void condvar_with_spinlocks(Test &t)
{
	Result<Box<SpinHandoff>> made = Box<SpinHandoff>::make(gfp::KERNEL);
	KCPP_ASSERT_OK(t, made);
	Box<SpinHandoff> h = move(made).take();
	h->work.queue();
	int value;
	{
		auto guard = h->value.lock();
		while (*guard == 0)
			h->changed.wait(guard);
		value = *guard;
	}
	int irq_value;
	bool irqs_off_after_wait;
	{
		auto guard = h->irq_value.lock();
		while (*guard == 0)
			h->irq_changed.wait(guard);
		irq_value = *guard;
		irqs_off_after_wait = kcpp_irqs_disabled(); // the irqsave lock is held again
	}
	h->work.flush();
	KCPP_EXPECT_EQ(t, value, 1);
	KCPP_EXPECT_EQ(t, irq_value, 1);
	KCPP_EXPECT_TRUE(t, irqs_off_after_wait);
	KCPP_EXPECT_FALSE(t, kcpp_irqs_disabled() != 0);
}

// Two work items wait on one CondVar; notify_all must wake both.
struct Crowd {
	Mutex<int> state{KCPP_LOCK_CLASS("kcpp_kunit_crowd"), 0}; // waiters asleep; -1: go
	CondVar cv{KCPP_LOCK_CLASS("kcpp_kunit_crowd_cv")};
	int woken = 0;
	int timed_out = 0;
	static void wait_for_go(Crowd *c)
	{
		auto guard = c->state.lock();
		++*guard;
		long left = static_cast<long>(5 * time::HZ);
		while (*guard >= 0 && left > 0)
			left = c->cv.wait_timeout(guard, left);
		if (*guard < 0)
			atomic_inc(&c->woken);
		else
			atomic_inc(&c->timed_out);
	}
	Work a{KCPP_LOCK_CLASS("kcpp_kunit_crowd_a"), [](Work &w) { wait_for_go(Work::owner(&w, &Crowd::a)); }};
	Work b{KCPP_LOCK_CLASS("kcpp_kunit_crowd_b"), [](Work &w) { wait_for_go(Work::owner(&w, &Crowd::b)); }};
};

static void condvar_notify_all_wakes_every_waiter(Test &t)
{
	Result<Box<Crowd>> made = Box<Crowd>::make(gfp::KERNEL);
	KCPP_ASSERT_OK(t, made);
	Box<Crowd> c = move(made).take();
	c->a.queue();
	c->b.queue();
	// Wait until both are asleep on the CondVar (they count themselves under the mutex).
	int asleep = 0;
	for (int i = 0; i < 500 && asleep < 2; ++i) {
		asleep = *c->state.lock();
		if (asleep < 2)
			time::msleep(2);
	}
	{
		auto guard = c->state.lock();
		*guard = -1;
	}
	c->cv.notify_all();
	c->a.flush();
	c->b.flush();
	KCPP_EXPECT_EQ(t, asleep, 2);
	KCPP_EXPECT_EQ(t, atomic_read(&c->woken), 2);
	KCPP_EXPECT_EQ(t, atomic_read(&c->timed_out), 0);
}

static void condvar_wait_interruptible_without_signal(Test &t)
{
	Result<Box<MutexHandoff>> made = Box<MutexHandoff>::make(gfp::KERNEL);
	KCPP_ASSERT_OK(t, made);
	Box<MutexHandoff> h = move(made).take();
	bool interrupted = false;
	{
		auto guard = h->ready.lock();
		h->work.queue();
		while (!*guard && !interrupted)
			interrupted = h->changed.wait_interruptible(guard);
	}
	h->work.flush();
	KCPP_EXPECT_FALSE(t, interrupted); // no signal is pending for the test thread
	KCPP_EXPECT_TRUE(t, *h->ready.lock());
}

KCPP_KUNIT_SUITE(kcpp_condvar,
		 KCPP_KUNIT_CASE(condvar_wait_is_woken_by_work_item),
		 KCPP_KUNIT_CASE(condvar_wait_timeout_returns_zero_on_timeout),
		 KCPP_KUNIT_CASE(condvar_wait_timeout_returns_time_left_when_notified),
		 KCPP_KUNIT_CASE(condvar_with_spinlocks),
		 KCPP_KUNIT_CASE(condvar_notify_all_wakes_every_waiter),
		 KCPP_KUNIT_CASE(condvar_wait_interruptible_without_signal));

// ---- Completion -----------------------------------------------------------------------

struct Signaller {
	Completion done;
	int ran = 0;
	Work work{KCPP_LOCK_CLASS("kcpp_kunit_signaller"), [](Work &w) {
		Signaller *s = Work::owner(&w, &Signaller::work);
		atomic_inc(&s->ran);
		s->done.complete();
	}};
};

static void completion_completed_by_work_item(Test &t)
{
	Result<Box<Signaller>> made = Box<Signaller>::make(gfp::KERNEL);
	KCPP_ASSERT_OK(t, made);
	Box<Signaller> s = move(made).take();
	KCPP_EXPECT_FALSE(t, s->done.done());
	s->work.queue();
	s->done.wait();
	s->work.flush();
	KCPP_EXPECT_EQ(t, atomic_read(&s->ran), 1);
}

static void completion_wait_timeout_false_on_timeout(Test &t)
{
	Completion c;
	const u64 start = time::now_ns();
	KCPP_EXPECT_FALSE(t, c.wait_timeout(time::msecs_to_jiffies(20)));
	KCPP_EXPECT_GE(t, time::now_ns() - start, 15ull * 1000 * 1000);
	KCPP_EXPECT_FALSE(t, c.done());
}

static void completion_wait_timeout_true_when_completed(Test &t)
{
	Result<Box<Signaller>> made = Box<Signaller>::make(gfp::KERNEL);
	KCPP_ASSERT_OK(t, made);
	Box<Signaller> s = move(made).take();
	s->work.queue();
	KCPP_EXPECT_TRUE(t, s->done.wait_timeout(10 * time::HZ));
	s->work.flush();

	Completion c;
	c.complete();
	KCPP_EXPECT_TRUE(t, c.done());
	KCPP_EXPECT_TRUE(t, c.wait_timeout(1)); // already complete: no wait
	KCPP_EXPECT_FALSE(t, c.done()); // one complete() satisfies one wait
	KCPP_EXPECT_FALSE(t, c.wait_timeout(1));
}

static void completion_complete_all_and_reinit(Test &t)
{
	Completion c;
	c.complete_all();
	for (int i = 0; i < 3; ++i)
		KCPP_EXPECT_TRUE(t, c.wait_timeout(1)); // every wait passes
	KCPP_EXPECT_TRUE(t, c.done());
	c.reinit();
	KCPP_EXPECT_FALSE(t, c.done());
	KCPP_EXPECT_FALSE(t, c.wait_timeout(1));
}

static void completion_wait_interruptible(Test &t)
{
	Completion c;
	c.complete();
	KCPP_EXPECT_OK(t, c.wait_interruptible());
	c.complete();
	c.wait(); // uninterruptible, already complete
	KCPP_EXPECT_FALSE(t, c.done());
}

struct Timer {
	Completion done;
	unsigned long fired_at = 0;
	DelayedWork work{KCPP_LOCK_CLASS("kcpp_kunit_timer"), [](DelayedWork &w) {
		Timer *tm = DelayedWork::owner(&w, &Timer::work);
		__atomic_store_n(&tm->fired_at, time::jiffies(), __ATOMIC_RELEASE);
		tm->done.complete();
	}};
};

static void completion_completed_by_delayed_work(Test &t)
{
	Result<Box<Timer>> made = Box<Timer>::make(gfp::KERNEL);
	KCPP_ASSERT_OK(t, made);
	Box<Timer> tm = move(made).take();
	const unsigned long start = time::jiffies();
	const unsigned long delay = time::msecs_to_jiffies(30);
	KCPP_EXPECT_TRUE(t, tm->work.queue(delay));
	const bool fired = tm->done.wait_timeout(10 * time::HZ);
	tm->work.cancel_sync(); // idle by now; makes sure before freeing
	KCPP_EXPECT_TRUE(t, fired);
	KCPP_EXPECT_GE(t, __atomic_load_n(&tm->fired_at, __ATOMIC_ACQUIRE) - start, delay);
}

KCPP_KUNIT_SUITE(kcpp_completion,
		 KCPP_KUNIT_CASE(completion_completed_by_work_item),
		 KCPP_KUNIT_CASE(completion_wait_timeout_false_on_timeout),
		 KCPP_KUNIT_CASE(completion_wait_timeout_true_when_completed),
		 KCPP_KUNIT_CASE(completion_complete_all_and_reinit),
		 KCPP_KUNIT_CASE(completion_wait_interruptible),
		 KCPP_KUNIT_CASE(completion_completed_by_delayed_work));
