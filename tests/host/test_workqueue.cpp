// SPDX-License-Identifier: GPL-2.0
// kcpp/workqueue.h: Work, DelayedWork and Workqueue over the host's worker threads.
#include "host_test.h"

#include <atomic>
#include <chrono>
#include <thread>

#include <kcpp/completion.h>
#include <kcpp/time.h>
#include <kcpp/workqueue.h>

using namespace kcpp;
using namespace std::chrono_literals;

namespace {

class WorkqueueTest : public HostTest {};

struct Dev {
	std::atomic<int> resets{0};
	std::atomic<bool> atomic_seen{false};
	Completion done;
	Work reset_work{KCPP_LOCK_CLASS("dev_reset"), [](Work &w) {
				Dev *d = Work::owner(&w, &Dev::reset_work);
				d->atomic_seen = task::in_atomic();
				++d->resets;
				d->done.complete();
			}};
};

// A work item that blocks its worker until released (to keep other work pending).
struct Blocker {
	Completion started;
	Completion release;
	Work work{KCPP_LOCK_CLASS("blocker"), [](Work &w) {
			  Blocker *b = Work::owner(&w, &Blocker::work);
			  b->started.complete();
			  b->release.wait();
		  }};
};

struct Counter {
	std::atomic<int> runs{0};
	Work work{KCPP_LOCK_CLASS("counter"), [](Work &w) { ++Work::owner(&w, &Counter::work)->runs; }};
};

struct Later {
	std::atomic<int> runs{0};
	std::atomic<u64> ran_at{0};
	Completion done;
	DelayedWork work{KCPP_LOCK_CLASS("later"), [](DelayedWork &w) {
				 Later *l = DelayedWork::owner(&w, &Later::work);
				 l->ran_at = time::now_ns();
				 ++l->runs;
				 l->done.complete();
			 }};
};

} // namespace

TEST_F(WorkqueueTest, WorkRunsOnTheSystemWorkqueueInProcessContext)
{
	Dev dev;
	EXPECT_TRUE(dev.reset_work.queue());
	dev.done.wait();
	EXPECT_EQ(dev.resets, 1);
	EXPECT_FALSE(dev.atomic_seen);
	dev.reset_work.cancel_sync();
}

TEST_F(WorkqueueTest, QueueingAPendingWorkIsANoOp)
{
	Blocker blocker;
	Counter counter;
	Workqueue wq = must(Workqueue::alloc("ordered", 0, 1)); // one worker: strictly in order
	EXPECT_TRUE(blocker.work.queue(&wq));
	blocker.started.wait();
	EXPECT_TRUE(counter.work.queue(&wq));
	EXPECT_TRUE(counter.work.pending());
	EXPECT_FALSE(counter.work.queue(&wq)); // already pending
	EXPECT_FALSE(counter.work.queue());    // on any workqueue
	blocker.release.complete();
	(void)counter.work.flush(); // true if it had not run yet: a race with the worker
	EXPECT_EQ(counter.runs, 1);
	EXPECT_FALSE(counter.work.pending());
	EXPECT_FALSE(counter.work.flush()); // idle: nothing to wait for
}

TEST_F(WorkqueueTest, CancelSyncRemovesPendingWork)
{
	Blocker blocker;
	Counter counter;
	Workqueue wq = must(Workqueue::alloc("cancel", 0, 1));
	blocker.work.queue(&wq);
	blocker.started.wait();
	counter.work.queue(&wq);
	EXPECT_TRUE(counter.work.cancel_sync()); // it was pending
	EXPECT_FALSE(counter.work.pending());
	EXPECT_FALSE(counter.work.cancel_sync()); // now idle
	blocker.release.complete();
	wq.flush();
	EXPECT_EQ(counter.runs, 0);
}

TEST_F(WorkqueueTest, CancelSyncWaitsForARunningItem)
{
	Blocker blocker;
	blocker.work.queue();
	blocker.started.wait();
	std::atomic<bool> cancelled{false};
	std::thread t([&] {
		EXPECT_FALSE(blocker.work.cancel_sync()); // running, not pending
		cancelled = true;
	});
	std::this_thread::sleep_for(20ms);
	EXPECT_FALSE(cancelled); // still waiting for the function to return
	blocker.release.complete();
	t.join();
	EXPECT_TRUE(cancelled);
}

TEST_F(WorkqueueTest, FlushWaitsForTheRunningInstance)
{
	Blocker blocker;
	blocker.work.queue();
	blocker.started.wait();
	std::thread releaser([&] {
		std::this_thread::sleep_for(100ms); // flush is waiting by then
		blocker.release.complete();
	});
	EXPECT_TRUE(blocker.work.flush());
	EXPECT_TRUE(blocker.release.done() == false); // consumed by the work function
	releaser.join();
}

TEST_F(WorkqueueTest, WorkCanRequeueItself)
{
	struct Chain {
		std::atomic<int> left{5};
		Completion done;
		Work work{KCPP_LOCK_CLASS("chain"), [](Work &w) {
				  Chain *c = Work::owner(&w, &Chain::work);
				  if (--c->left > 0)
					  EXPECT_TRUE(w.queue());
				  else
					  c->done.complete();
			  }};
	} chain;
	chain.work.queue();
	chain.done.wait();
	EXPECT_EQ(chain.left, 0);
	chain.work.cancel_sync();
}

TEST_F(WorkqueueTest, DelayedWorkRunsAfterItsDelay)
{
	Later later;
	const u64 queued = time::now_ns();
	EXPECT_TRUE(later.work.queue(25)); // 25 jiffies = 100 ms
	EXPECT_FALSE(later.work.queue(25));
	later.done.wait();
	EXPECT_GE(later.ran_at - queued, 100'000'000u);
	EXPECT_EQ(later.runs, 1);
	EXPECT_FALSE(later.work.cancel_sync());
}

TEST_F(WorkqueueTest, DelayedWorkWithoutDelayRunsAtOnce)
{
	Later later;
	EXPECT_TRUE(later.work.queue(0));
	EXPECT_TRUE(later.done.wait_timeout(time::HZ));
	later.work.cancel_sync();
}

TEST_F(WorkqueueTest, CancelledDelayedWorkNeverRuns)
{
	Later later;
	EXPECT_TRUE(later.work.queue(time::HZ)); // a second away
	EXPECT_TRUE(later.work.cancel_sync());
	EXPECT_FALSE(later.done.wait_timeout(5));
	EXPECT_EQ(later.runs, 0);
}

TEST_F(WorkqueueTest, OwnWorkqueueRunsWorkAndFlushWaitsForAll)
{
	Counter c[8];
	Workqueue wq = must(Workqueue::alloc("pool", Workqueue::UNBOUND, 4));
	for (auto &x : c)
		EXPECT_TRUE(x.work.queue(&wq));
	wq.flush();
	for (auto &x : c) {
		EXPECT_EQ(x.runs, 1);
		EXPECT_FALSE(x.work.pending());
	}
}

TEST_F(WorkqueueTest, DestroyingAWorkqueueRunsWhatIsQueued)
{
	Counter counter;
	Later later;
	{
		Blocker blocker; // outlives the workqueue, which runs its function
		Workqueue wq = must(Workqueue::alloc("drain", 0, 1));
		blocker.work.queue(&wq);
		blocker.started.wait();
		counter.work.queue(&wq);
		later.work.queue(time::HZ * 60, &wq); // far in the future: run at destruction
		blocker.release.complete();
	} // ~Workqueue drains, then ~Blocker
	EXPECT_EQ(counter.runs, 1);
	EXPECT_EQ(later.runs, 1);
}

TEST_F(WorkqueueTest, MovedWorkqueueIsDestroyedOnce)
{
	Counter counter;
	Workqueue a = must(Workqueue::alloc("moved", 0, 1));
	Workqueue b = move(a);
	EXPECT_EQ(a.raw(), nullptr);
	counter.work.queue(&b);
	b.flush();
	EXPECT_EQ(counter.runs, 1);
}

TEST_F(WorkqueueTest, AllocationFailureIsEnomem)
{
	kcpp_host::FailAllocations fail;
	Result<Workqueue> wq = Workqueue::alloc("nomem", 0, 1);
	ASSERT_TRUE(wq.is_err());
	EXPECT_TRUE(wq.error() == code::ENOMEM);
}

TEST_F(WorkqueueTest, CancellingItselfIsADeadlockBug)
{
	GTEST_FLAG_SET(death_test_style, "threadsafe");
	auto self_cancel = [] {
		struct Self {
			Completion never;
			Work work{KCPP_LOCK_CLASS("self"), [](Work &w) { w.cancel_sync(); }};
		} s;
		s.work.queue();
		s.never.wait();
	};
	EXPECT_DEATH(self_cancel(), "cancel_work_sync called by the work item itself");
}
