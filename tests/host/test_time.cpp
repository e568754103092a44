// SPDX-License-Identifier: GPL-2.0
// kcpp/time.h: jiffies arithmetic, conversions, delays, and the task helpers.
#include "host_test.h"

#include <climits>
#include <thread>
#include <unistd.h>

#include <kcpp/spinlock.h>
#include <kcpp/time.h>

using namespace kcpp;

namespace {
class TimeTest : public HostTest {};
constexpr unsigned long kMaxJiffyOffset = (LONG_MAX >> 1) - 1;
} // namespace

TEST_F(TimeTest, AfterComparesOrdinaryValues)
{
	EXPECT_TRUE(time::after(101, 100));
	EXPECT_FALSE(time::after(100, 101));
	EXPECT_FALSE(time::after(100, 100));
}

TEST_F(TimeTest, AfterSurvivesWrapAround)
{
	const unsigned long max = ~0ul;
	EXPECT_TRUE(time::after(5, max - 5)); // 5 came 11 ticks after max - 5
	EXPECT_FALSE(time::after(max - 5, 5));
	EXPECT_TRUE(time::after(0, max));
	EXPECT_FALSE(time::after(max, 0));
	// Half the range is the horizon: beyond it, "after" flips.
	EXPECT_TRUE(time::after(LONG_MAX, 0));
	EXPECT_FALSE(time::after(0, LONG_MAX));
	EXPECT_FALSE(time::after(static_cast<unsigned long>(LONG_MAX) + 2, 0));
	EXPECT_TRUE(time::after(0, static_cast<unsigned long>(LONG_MAX) + 2));
}

TEST_F(TimeTest, HzComesFromTheLayoutHeader)
{
	EXPECT_EQ(time::HZ, 250u);
	EXPECT_EQ(time::HZ, static_cast<unsigned long>(KCPP_HZ));
}

TEST_F(TimeTest, MsecsToJiffiesRoundsUp)
{
	EXPECT_EQ(time::msecs_to_jiffies(0), 0u);
	EXPECT_EQ(time::msecs_to_jiffies(1), 1u);
	EXPECT_EQ(time::msecs_to_jiffies(4), 1u);
	EXPECT_EQ(time::msecs_to_jiffies(5), 2u);
	EXPECT_EQ(time::msecs_to_jiffies(1000), time::HZ);
	EXPECT_EQ(time::msecs_to_jiffies(0x80000000u), kMaxJiffyOffset); // "negative": forever
}

TEST_F(TimeTest, JiffiesToMsecs)
{
	EXPECT_EQ(time::jiffies_to_msecs(0), 0u);
	EXPECT_EQ(time::jiffies_to_msecs(1), 4u);
	EXPECT_EQ(time::jiffies_to_msecs(time::HZ), 1000u);
	EXPECT_EQ(time::jiffies_to_msecs(time::msecs_to_jiffies(123)), 124u);
}

TEST_F(TimeTest, JiffiesStartNearTheThirtyTwoBitWrapAndAdvance)
{
	const unsigned long start = time::jiffies();
	// INITIAL_JIFFIES: 5 minutes before the low 32 bits wrap (the test binary is young).
	EXPECT_GE(start, static_cast<unsigned long>(static_cast<unsigned int>(-300 * 250)));
	time::msleep(20);
	const unsigned long later = time::jiffies();
	EXPECT_TRUE(time::after(later, start));
	EXPECT_GE(later - start, 4u); // 20 ms is 5 jiffies; allow one for the phase
}

TEST_F(TimeTest, JiffiesAcrossAFullWrap)
{
	// Put jiffies 25 ticks (100 ms) before wrapping to 0 and let them run over.
	const unsigned long now = time::jiffies();
	kcpp_host::set_jiffies_offset(~0ul - now - 25);
	const unsigned long before = time::jiffies();
	EXPECT_GE(before, ~0ul - 25);
	time::msleep(250);
	const unsigned long after = time::jiffies();
	EXPECT_LT(after, before); // numerically wrapped ...
	EXPECT_TRUE(time::after(after, before)); // ... but still later
	EXPECT_FALSE(time::after(before, after));
}

TEST_F(TimeTest, MonotonicNanoseconds)
{
	const u64 a = time::now_ns();
	time::msleep(10);
	const u64 b = time::now_ns();
	EXPECT_GE(b - a, 10'000'000u);
	time::usleep_range(2000, 3000);
	EXPECT_GE(time::now_ns() - b, 2'000'000u);
	const u64 c = time::now_ns();
	time::udelay(500);
	EXPECT_GE(time::now_ns() - c, 500'000u);
}

TEST_F(TimeTest, BusyWaitingIsAllowedInAtomicContextButSleepingIsNot)
{
	SpinLock<int> lock{KCPP_LOCK_CLASS("time_lock"), 0};
	{
		auto guard = lock.lock();
		time::udelay(10);
		EXPECT_EQ(kcpp_host::warn_count(), 0);
		time::msleep(1);
		EXPECT_EQ(kcpp_host::warn_count(), 1);
		task::cond_resched();
		EXPECT_EQ(kcpp_host::warn_count(), 2);
	}
	time::msleep(1);
	task::cond_resched();
	expect_warnings(2);
}

TEST_F(TimeTest, CurrentPidIsTheThreadId)
{
	EXPECT_EQ(task::current_pid(), static_cast<int>(gettid()));
	int other = 0;
	std::thread t([&] { other = task::current_pid(); });
	t.join();
	EXPECT_NE(other, task::current_pid());
	EXPECT_GT(other, 0);
}

TEST_F(TimeTest, SignalPendingFollowsTheTestHook)
{
	EXPECT_FALSE(task::signal_pending());
	kcpp_host::send_signal(kcpp_host::current_task());
	EXPECT_TRUE(task::signal_pending());
	bool other_thread_sees = true;
	std::thread t([&] { other_thread_sees = task::signal_pending(); });
	t.join();
	EXPECT_FALSE(other_thread_sees); // signals are per task
	kcpp_host::flush_signals(kcpp_host::current_task());
	EXPECT_FALSE(task::signal_pending());
}

TEST_F(TimeTest, OnlineCpusIsTheHostsCount)
{
	EXPECT_EQ(task::online_cpus(), static_cast<unsigned>(sysconf(_SC_NPROCESSORS_ONLN)));
	EXPECT_GE(task::online_cpus(), 1u);
}
