// SPDX-License-Identifier: GPL-2.0
// kcpp_wait_more: the waits binder uses — interruptible freezable waits (with a mutex and a
// spinlock), interruptible waits with a timeout or a predicate, and wake_up_sync — woken by
// work items. (Signals and the poll-free path need a user task: tests/qemu/mapper.sh.)
#include "common.h"

using namespace kcpp;
using namespace kcpp_test;

namespace {
struct Handoff {
	Mutex<int> m{KCPP_LOCK_CLASS("kcpp_kunit_wm_mutex"), 0};
	SpinLock<int> s{KCPP_LOCK_CLASS("kcpp_kunit_wm_spin"), 0};
	PollCondVar cv{KCPP_LOCK_CLASS("kcpp_kunit_wm_cv")};
	int sync = 0; // set: wake with notify_one_sync
	Work work{KCPP_LOCK_CLASS("kcpp_kunit_wm_work"), [](Work &w) {
		Handoff *h = Work::owner(&w, &Handoff::work);
		time::msleep(10); // let the test thread sleep first
		*h->m.lock() += 1;
		*h->s.lock() += 1;
		if (atomic_read(&h->sync))
			h->cv.notify_one_sync();
		else
			h->cv.notify_all();
	}};
};
Result<Box<Handoff>> make() { return Box<Handoff>::make(gfp::KERNEL); }
} // namespace

static void freezable_wait_with_mutex(Test &t)
{
	Result<Box<Handoff>> made = make();
	KCPP_ASSERT_OK(t, made);
	Box<Handoff> h = move(made).take();
	bool signalled = false;
	int waits = 0;
	{
		auto g = h->m.lock();
		h->work.queue();
		while (*g == 0 && !signalled) {
			signalled = h->cv.wait_interruptible_freezable(g);
			++waits;
		}
		KCPP_EXPECT_TRUE(t, h->m.is_locked());
	}
	h->work.flush();
	KCPP_EXPECT_FALSE(t, signalled);
	KCPP_EXPECT_GE(t, waits, 1);
}

static void freezable_wait_with_spinlock(Test &t)
{
	Result<Box<Handoff>> made = make();
	KCPP_ASSERT_OK(t, made);
	Box<Handoff> h = move(made).take();
	atomic_set(&h->sync, 1); // and the sync wake-up
	bool signalled = false;
	int value;
	{
		auto g = h->s.lock();
		h->work.queue();
		while (*g == 0 && !signalled)
			signalled = h->cv.wait_interruptible_freezable(g);
		value = *g;
	}
	h->work.flush();
	KCPP_EXPECT_FALSE(t, signalled);
	KCPP_EXPECT_EQ(t, value, 1);
}

static void wait_until_predicate(Test &t)
{
	Result<Box<Handoff>> made = make();
	KCPP_ASSERT_OK(t, made);
	Box<Handoff> h = move(made).take();
	Result<void> r = code::EINVAL;
	int seen;
	{
		auto g = h->m.lock();
		h->work.queue();
		r = h->cv.wait_interruptible_until(g, [&] { return *g >= 1; });
		seen = *g;
	}
	h->work.flush();
	KCPP_EXPECT_OK(t, move(r));
	KCPP_EXPECT_EQ(t, seen, 1);
	// A predicate that already holds returns at once, without sleeping.
	auto g = h->m.lock();
	KCPP_EXPECT_OK(t, h->cv.wait_interruptible_until(g, [] { return true; }));
}

static void interruptible_timeout(Test &t)
{
	Result<Box<Handoff>> made = make();
	KCPP_ASSERT_OK(t, made);
	Box<Handoff> h = move(made).take();
	const unsigned long start = time::jiffies();
	long timed_out;
	{
		auto g = h->m.lock();
		timed_out = h->cv.wait_interruptible_timeout(g, static_cast<long>(time::msecs_to_jiffies(20)));
	}
	KCPP_EXPECT_EQ(t, timed_out, 0l);
	KCPP_EXPECT_GE(t, time::jiffies() - start, time::msecs_to_jiffies(20));

	long left = static_cast<long>(10 * time::HZ);
	{
		auto g = h->m.lock();
		h->work.queue();
		while (*g == 0 && left > 0)
			left = h->cv.wait_interruptible_timeout(g, left);
	}
	h->work.flush();
	KCPP_EXPECT_GT(t, left, 0l); // woken, with time left
}

KCPP_KUNIT_SUITE(kcpp_wait_more,
		 KCPP_KUNIT_CASE(freezable_wait_with_mutex),
		 KCPP_KUNIT_CASE(freezable_wait_with_spinlock),
		 KCPP_KUNIT_CASE(wait_until_predicate),
		 KCPP_KUNIT_CASE(interruptible_timeout));
