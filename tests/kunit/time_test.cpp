// SPDX-License-Identifier: GPL-2.0
// kcpp_time: jiffies, monotonic time, delays and the wrap-safe comparison.
#include "common.h"

using namespace kcpp;
using namespace kcpp_test;

static void msleep_advances_jiffies(Test &t)
{
	const unsigned long before = time::jiffies();
	time::msleep(20);
	const unsigned long after = time::jiffies();
	KCPP_EXPECT_TRUE(t, time::after(after, before));
	KCPP_EXPECT_GE(t, after - before, time::msecs_to_jiffies(20));
}

static void msleep_advances_now_ns(Test &t)
{
	const u64 before = time::now_ns();
	time::msleep(20);
	const u64 slept = time::now_ns() - before;
	t.log("msleep(20) took {} us", slept / 1000);
	// At least 20 ms by the jiffies the timer waits; a little slack for a coarse clock.
	KCPP_EXPECT_GE(t, slept, 15ull * 1000 * 1000);
	KCPP_EXPECT_LT(t, slept, 10ull * 1000 * 1000 * 1000); // and not absurdly long
}

static void short_delays(Test &t)
{
	u64 before = time::now_ns();
	time::usleep_range(1000, 2000);
	KCPP_EXPECT_GE(t, time::now_ns() - before, 1000ull * 1000 * 3 / 4);
	before = time::now_ns();
	time::udelay(50);
	KCPP_EXPECT_GE(t, time::now_ns(), before); // busy-waits, any context
}

static void after_is_wrap_safe(Test &t)
{
	const unsigned long max = numeric_limits<unsigned long>::max();
	KCPP_EXPECT_TRUE(t, time::after(10, 5));
	KCPP_EXPECT_FALSE(t, time::after(5, 10));
	KCPP_EXPECT_FALSE(t, time::after(5, 5));
	// Across the wrap: 2 comes after max - 2.
	KCPP_EXPECT_TRUE(t, time::after(2, max - 2));
	KCPP_EXPECT_FALSE(t, time::after(max - 2, 2));
	KCPP_EXPECT_TRUE(t, time::after(0, max));
	const unsigned long near_wrap = max - 1;
	KCPP_EXPECT_TRUE(t, time::after(near_wrap + 5, near_wrap)); // near_wrap + 5 wrapped to 3
}

static void msecs_and_jiffies_convert(Test &t)
{
	KCPP_EXPECT_EQ(t, time::msecs_to_jiffies(1000), time::HZ);
	KCPP_EXPECT_EQ(t, time::jiffies_to_msecs(time::HZ), 1000u);
	KCPP_EXPECT_GE(t, time::msecs_to_jiffies(1), 1ul); // rounds up, never 0
	KCPP_EXPECT_EQ(t, time::msecs_to_jiffies(0), 0ul);
	KCPP_EXPECT_EQ(t, time::jiffies_to_msecs(time::msecs_to_jiffies(4000)), 4000u);
}

static void now_ns_is_monotonic(Test &t)
{
	u64 last = time::now_ns();
	int backwards = 0;
	for (int i = 0; i < 1000; ++i) {
		const u64 now = time::now_ns();
		backwards += now < last;
		last = now;
	}
	KCPP_EXPECT_EQ(t, backwards, 0);
	KCPP_EXPECT_GT(t, last, 0ull);
}

KCPP_KUNIT_SUITE(kcpp_time,
		 KCPP_KUNIT_CASE(msleep_advances_jiffies),
		 KCPP_KUNIT_CASE(msleep_advances_now_ns),
		 KCPP_KUNIT_CASE(short_delays),
		 KCPP_KUNIT_CASE(after_is_wrap_safe),
		 KCPP_KUNIT_CASE(msecs_and_jiffies_convert),
		 KCPP_KUNIT_CASE(now_ns_is_monotonic));
