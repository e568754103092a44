// SPDX-License-Identifier: GPL-2.0
// kcpp_workqueue: Work, DelayedWork and owned Workqueues: running, pending, cancel_sync,
// flush, drain on destroy, and allocation failure.
#include "common.h"

using namespace kcpp;
using namespace kcpp_test;
using kcpp::kunit::FailAllocations;

struct Counter {
	int runs = 0;
	Completion ran;
	Work work{KCPP_LOCK_CLASS("kcpp_kunit_counter_work"), [](Work &w) {
		Counter *c = Work::owner(&w, &Counter::work);
		atomic_inc(&c->runs);
		c->ran.complete();
	}};
};

static void work_runs_on_the_system_workqueue(Test &t)
{
	Result<Box<Counter>> made = Box<Counter>::make(gfp::KERNEL);
	KCPP_ASSERT_OK(t, made);
	Box<Counter> c = move(made).take();
	KCPP_EXPECT_TRUE(t, c->work.queue());
	const bool ran = c->ran.wait_timeout(10 * time::HZ);
	c->work.flush();
	KCPP_EXPECT_TRUE(t, ran);
	KCPP_EXPECT_EQ(t, atomic_read(&c->runs), 1);
	KCPP_EXPECT_FALSE(t, c->work.pending());
	KCPP_EXPECT_FALSE(t, c->work.flush()); // nothing to wait for
}

// An ordered workqueue kept busy by a blocker until the test opens the gate, so that work
// queued behind it is reliably still pending.
struct Gated {
	Completion gate;
	Completion blocking;
	Counter counter;
	Work blocker{KCPP_LOCK_CLASS("kcpp_kunit_blocker"), [](Work &w) {
		Gated *g = Work::owner(&w, &Gated::blocker);
		g->blocking.complete();
		g->gate.wait();
	}};
};

static Result<Workqueue> ordered_wq() { return Workqueue::alloc("kcpp_kunit_ordered", Workqueue::UNBOUND, 1); }

static void queue_while_pending_returns_false(Test &t)
{
	Result<Box<Gated>> made = Box<Gated>::make(gfp::KERNEL);
	KCPP_ASSERT_OK(t, made);
	Box<Gated> g = move(made).take();
	Result<Workqueue> wq_made = ordered_wq();
	KCPP_ASSERT_OK(t, wq_made);
	Workqueue wq = move(wq_made).take();

	g->blocker.queue(&wq);
	g->blocking.wait();
	const bool first = g->counter.work.queue(&wq);
	const bool second = g->counter.work.queue(&wq); // still pending: not queued twice
	const bool pending = g->counter.work.pending();
	g->gate.complete();
	wq.flush();
	KCPP_EXPECT_TRUE(t, first);
	KCPP_EXPECT_FALSE(t, second);
	KCPP_EXPECT_TRUE(t, pending);
	KCPP_EXPECT_EQ(t, atomic_read(&g->counter.runs), 1);
	KCPP_EXPECT_FALSE(t, g->counter.work.pending());
}

static void cancel_sync_stops_pending_work(Test &t)
{
	Result<Box<Gated>> made = Box<Gated>::make(gfp::KERNEL);
	KCPP_ASSERT_OK(t, made);
	Box<Gated> g = move(made).take();
	Result<Workqueue> wq_made = ordered_wq();
	KCPP_ASSERT_OK(t, wq_made);
	Workqueue wq = move(wq_made).take();

	g->blocker.queue(&wq);
	g->blocking.wait();
	g->counter.work.queue(&wq);
	const bool cancelled = g->counter.work.cancel_sync();
	const bool pending = g->counter.work.pending();
	const bool again = g->counter.work.cancel_sync(); // nothing left to cancel
	g->gate.complete();
	wq.flush();
	KCPP_EXPECT_TRUE(t, cancelled);
	KCPP_EXPECT_FALSE(t, pending);
	KCPP_EXPECT_FALSE(t, again);
	KCPP_EXPECT_EQ(t, atomic_read(&g->counter.runs), 0); // it never ran
}

struct Slow {
	int finished = 0;
	Work work{KCPP_LOCK_CLASS("kcpp_kunit_slow_work"), [](Work &w) {
		time::msleep(30);
		atomic_set(&Work::owner(&w, &Slow::work)->finished, 1);
	}};
};

static void flush_waits_for_a_running_work_item(Test &t)
{
	Result<Box<Slow>> made = Box<Slow>::make(gfp::KERNEL);
	KCPP_ASSERT_OK(t, made);
	Box<Slow> s = move(made).take();
	s->work.queue();
	const bool waited = s->work.flush();
	KCPP_EXPECT_TRUE(t, waited);
	KCPP_EXPECT_EQ(t, atomic_read(&s->finished), 1);
}

static void cancel_sync_waits_for_a_running_work_item(Test &t)
{
	Result<Box<Slow>> made = Box<Slow>::make(gfp::KERNEL);
	KCPP_ASSERT_OK(t, made);
	Box<Slow> s = move(made).take();
	s->work.queue();
	time::msleep(10); // running (asleep in its msleep) by now, most likely
	(void)s->work.cancel_sync();
	// Whether it was cancelled before starting or waited for: it is not running any more.
	KCPP_EXPECT_FALSE(t, s->work.pending());
	const int finished = atomic_read(&s->finished);
	time::msleep(40);
	KCPP_EXPECT_EQ(t, atomic_read(&s->finished), finished); // nothing ran after cancel_sync
}

struct Delayed {
	int runs = 0;
	unsigned long ran_at = 0;
	Completion ran;
	DelayedWork work{KCPP_LOCK_CLASS("kcpp_kunit_delayed"), [](DelayedWork &w) {
		Delayed *d = DelayedWork::owner(&w, &Delayed::work);
		__atomic_store_n(&d->ran_at, time::jiffies(), __ATOMIC_RELEASE);
		atomic_inc(&d->runs);
		d->ran.complete();
	}};
};

static void delayed_work_runs_after_its_delay(Test &t)
{
	Result<Box<Delayed>> made = Box<Delayed>::make(gfp::KERNEL);
	KCPP_ASSERT_OK(t, made);
	Box<Delayed> d = move(made).take();
	const unsigned long delay = time::msecs_to_jiffies(40);
	const unsigned long start = time::jiffies();
	KCPP_EXPECT_TRUE(t, d->work.queue(delay));
	KCPP_EXPECT_FALSE(t, d->work.queue(delay)); // already pending
	const bool ran = d->ran.wait_timeout(10 * time::HZ);
	(void)d->work.cancel_sync();
	KCPP_EXPECT_TRUE(t, ran);
	KCPP_EXPECT_EQ(t, atomic_read(&d->runs), 1);
	KCPP_EXPECT_GE(t, __atomic_load_n(&d->ran_at, __ATOMIC_ACQUIRE) - start, delay);
}

static void delayed_work_cancelled_before_it_runs(Test &t)
{
	Result<Box<Delayed>> made = Box<Delayed>::make(gfp::KERNEL);
	KCPP_ASSERT_OK(t, made);
	Box<Delayed> d = move(made).take();
	KCPP_EXPECT_TRUE(t, d->work.queue(60 * time::HZ));
	KCPP_EXPECT_TRUE(t, d->work.cancel_sync());
	KCPP_EXPECT_FALSE(t, d->work.cancel_sync());
	KCPP_EXPECT_EQ(t, atomic_read(&d->runs), 0);
	// Queued again with no delay, it runs.
	KCPP_EXPECT_TRUE(t, d->work.queue(0));
	const bool ran = d->ran.wait_timeout(10 * time::HZ);
	(void)d->work.cancel_sync();
	KCPP_EXPECT_TRUE(t, ran);
	KCPP_EXPECT_EQ(t, atomic_read(&d->runs), 1);
}

struct Batch {
	static constexpr int n = 8;
	struct Item {
		int *total;
		Work work{KCPP_LOCK_CLASS("kcpp_kunit_batch_item"), [](Work &w) {
			time::msleep(5);
			atomic_inc(Work::owner(&w, &Item::work)->total);
		}};
	};
	int total = 0;
	Item items[n] = {{&total}, {&total}, {&total}, {&total}, {&total}, {&total}, {&total}, {&total}};
};

static void workqueue_destroy_drains_pending_work(Test &t)
{
	Result<Box<Batch>> made = Box<Batch>::make(gfp::KERNEL);
	KCPP_ASSERT_OK(t, made);
	Box<Batch> b = move(made).take();
	{
		Result<Workqueue> wq_made = Workqueue::alloc("kcpp_kunit_drain", Workqueue::UNBOUND, 2);
		KCPP_ASSERT_OK(t, wq_made);
		Workqueue wq = move(wq_made).take();
		for (Batch::Item &item : b->items)
			item.work.queue(&wq);
	} // destroy_workqueue: every queued item runs first
	KCPP_EXPECT_EQ(t, atomic_read(&b->total), Batch::n);
}

static void workqueue_flush_waits_for_everything_queued(Test &t)
{
	Result<Box<Batch>> made = Box<Batch>::make(gfp::KERNEL);
	KCPP_ASSERT_OK(t, made);
	Box<Batch> b = move(made).take();
	Result<Workqueue> wq_made = Workqueue::alloc("kcpp_kunit_flush", 0, 0);
	KCPP_ASSERT_OK(t, wq_made);
	Workqueue wq = move(wq_made).take();
	KCPP_EXPECT_TRUE(t, wq.raw() != nullptr);
	for (Batch::Item &item : b->items)
		item.work.queue(&wq);
	wq.flush();
	KCPP_EXPECT_EQ(t, atomic_read(&b->total), Batch::n);
	Workqueue moved(move(wq)); // ownership moves; destroyed once
	KCPP_EXPECT_TRUE(t, wq.raw() == nullptr);
}

static void workqueue_alloc_fails_with_enomem(Test &t)
{
	Result<Workqueue> wq = code::EINVAL;
	{
		FailAllocations fail(t);
		if (!fail.armed())
			return;
		wq = Workqueue::alloc("kcpp_kunit_nomem", Workqueue::UNBOUND, 1);
	}
	KCPP_EXPECT_ERR(t, wq, code::ENOMEM);
}

KCPP_KUNIT_SUITE(kcpp_workqueue,
		 KCPP_KUNIT_CASE(work_runs_on_the_system_workqueue),
		 KCPP_KUNIT_CASE(queue_while_pending_returns_false),
		 KCPP_KUNIT_CASE(cancel_sync_stops_pending_work),
		 KCPP_KUNIT_CASE(flush_waits_for_a_running_work_item),
		 KCPP_KUNIT_CASE(cancel_sync_waits_for_a_running_work_item),
		 KCPP_KUNIT_CASE(delayed_work_runs_after_its_delay),
		 KCPP_KUNIT_CASE(delayed_work_cancelled_before_it_runs),
		 KCPP_KUNIT_CASE(workqueue_destroy_drains_pending_work),
		 KCPP_KUNIT_CASE(workqueue_flush_waits_for_everything_queued),
		 KCPP_KUNIT_CASE(workqueue_alloc_fails_with_enomem));
