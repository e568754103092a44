// SPDX-License-Identifier: GPL-2.0
// kcpp/atomic.h: Atomic<T> across threads.
#include <kcpp/atomic.h>

#include "host_test.h"

#include <thread>
#include <vector>

using namespace kcpp;

namespace {

class AtomicTest : public HostTest {};

constinit Atomic<int> counter{5};

TEST_F(AtomicTest, ConstantInitialisedAndPlain)
{
	static_assert(__is_trivially_constructible(Atomic<bool>), "must fit in raw per-request data");
	EXPECT_EQ(counter.load_relaxed(), 5);
	counter.store_relaxed(0);
	EXPECT_EQ(counter.fetch_add_relaxed(3), 0);
	EXPECT_EQ(counter.load_acquire(), 3);
}

TEST_F(AtomicTest, CompareExchangeAndExchange)
{
	Atomic<u8> state{0};
	EXPECT_TRUE(state.compare_exchange(0, 1));
	EXPECT_FALSE(state.compare_exchange(0, 2)); // not 0 any more: unchanged
	EXPECT_EQ(state.load_relaxed(), 1);
	EXPECT_EQ(state.exchange(3), 1);
	EXPECT_EQ(state.load_acquire(), 3);
}

TEST_F(AtomicTest, ConcurrentCompareExchangeHasOneWinner)
{
	Atomic<int> owner{0};
	Atomic<int> winners{0};
	std::vector<std::thread> threads;
	for (int t = 1; t <= 4; ++t)
		threads.emplace_back([&, t] {
			if (owner.compare_exchange(0, t))
				winners.fetch_add_relaxed(1);
		});
	for (auto &th : threads)
		th.join();
	EXPECT_EQ(winners.load_relaxed(), 1);
	EXPECT_NE(owner.load_relaxed(), 0);
}

TEST_F(AtomicTest, ConcurrentAddsAreNotLost)
{
	Atomic<long> n{0};
	std::vector<std::thread> threads;
	for (int t = 0; t < 4; ++t)
		threads.emplace_back([&] {
			for (int i = 0; i < 10000; ++i)
				n.fetch_add_relaxed(1);
		});
	for (auto &th : threads)
		th.join();
	EXPECT_EQ(n.load_relaxed(), 40000);
}

TEST_F(AtomicTest, ReleaseAcquirePublishesData)
{
	int data = 0;
	Atomic<bool> ready{false};
	std::thread writer([&] {
		data = 42;
		ready.store_release(true);
	});
	while (!ready.load_acquire()) {
	}
	EXPECT_EQ(data, 42);
	writer.join();
}

} // namespace
