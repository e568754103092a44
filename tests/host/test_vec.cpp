// SPDX-License-Identifier: GPL-2.0
// kcpp/vec.h: Vec<T>, a growable array on kmalloc with fallible, overflow-checked growth.
#include "host_test.h"

#include <kcpp/box.h>
#include <kcpp/vec.h>

using namespace kcpp;

namespace {

class VecTest : public HostTest {};

// Counts live objects, so element lifetimes can be checked across growth and truncation.
struct Elem {
	static inline int alive = 0;
	static inline int destroyed = 0;
	int v;
	Elem() : v(-7) { ++alive; }
	explicit Elem(int x) : v(x) { ++alive; }
	Elem(const Elem &o) : v(o.v) { ++alive; }
	Elem(Elem &&o) : v(o.v) { ++alive; }
	Elem &operator=(const Elem &) = default;
	Elem &operator=(Elem &&) = default;
	~Elem()
	{
		--alive;
		++destroyed;
	}
	static void reset() { alive = destroyed = 0; }
};

Vec<int> iota(int n)
{
	Vec<int> v;
	for (int i = 0; i < n; ++i)
		must(v.push(i, gfp::KERNEL));
	return v;
}

} // namespace

TEST_F(VecTest, StartsEmptyWithoutAllocating)
{
	Vec<int> v;
	EXPECT_EQ(v.len(), 0u);
	EXPECT_EQ(v.capacity(), 0u);
	EXPECT_TRUE(v.is_empty());
	EXPECT_EQ(v.data(), nullptr);
	EXPECT_EQ(v.begin(), v.end());
	EXPECT_EQ(kcpp_host::live_allocations(), 0);
}

TEST_F(VecTest, PushAppendsAndGrowsGeometrically)
{
	Vec<int> v;
	usize caps[9];
	for (int i = 0; i < 9; ++i) {
		must(v.push(i * 10, gfp::KERNEL));
		caps[i] = v.capacity();
	}
	EXPECT_EQ(v.len(), 9u);
	EXPECT_EQ(caps[0], 4u);
	EXPECT_EQ(caps[3], 4u);
	EXPECT_EQ(caps[4], 8u);
	EXPECT_EQ(caps[8], 16u);
	for (int i = 0; i < 9; ++i)
		EXPECT_EQ(v[static_cast<usize>(i)], i * 10);
	EXPECT_EQ(kcpp_host::live_allocations(), 1); // old buffers were freed
}

TEST_F(VecTest, WithCapacityAllocatesExactly)
{
	Vec<int> v = must(Vec<int>::with_capacity(10, gfp::KERNEL));
	EXPECT_EQ(v.capacity(), 10u);
	EXPECT_EQ(v.len(), 0u);
	Vec<int> none = must(Vec<int>::with_capacity(0, gfp::KERNEL));
	EXPECT_EQ(none.capacity(), 0u);
	EXPECT_EQ(kcpp_host::live_allocations(), 1);
}

TEST_F(VecTest, WithCapacityFailsWithEnomem)
{
	kcpp_host::FailAllocations fail;
	Result<Vec<int>> r = Vec<int>::with_capacity(10, gfp::KERNEL);
	ASSERT_TRUE(r.is_err());
	EXPECT_TRUE(r.error() == code::ENOMEM);
}

TEST_F(VecTest, ReserveGrowsOnlyWhenNeeded)
{
	Vec<int> v = iota(3);
	must(v.reserve(1, gfp::KERNEL));
	EXPECT_EQ(v.capacity(), 4u);
	int *before = v.data();
	must(v.reserve(1, gfp::KERNEL)); // 3 + 1 fits
	EXPECT_EQ(v.data(), before);
	must(v.reserve(100, gfp::KERNEL));
	EXPECT_EQ(v.capacity(), 103u); // more than doubling: exactly what was asked
	EXPECT_EQ(v.len(), 3u);
	EXPECT_EQ(v[2], 2);
}

TEST_F(VecTest, ReserveThatOverflowsTheLengthIsEoverflow)
{
	Vec<int> v = iota(2);
	Result<void> r = v.reserve(~usize(0), gfp::KERNEL);
	ASSERT_TRUE(r.is_err());
	EXPECT_TRUE(r.error() == code::EOVERFLOW);
	EXPECT_EQ(v.len(), 2u);
	EXPECT_EQ(v.capacity(), 4u);
}

TEST_F(VecTest, ReserveThatOverflowsTheByteSizeIsEoverflow)
{
	Vec<u64> v;
	Result<void> r = v.reserve(~usize(0) / 4, gfp::KERNEL); // * 8 bytes overflows
	ASSERT_TRUE(r.is_err());
	EXPECT_TRUE(r.error() == code::EOVERFLOW);
	EXPECT_EQ(v.capacity(), 0u);
	EXPECT_EQ(kcpp_host::live_allocations(), 0);
}

TEST_F(VecTest, HugeButRepresentableReserveIsEnomem)
{
	Vec<int> v = iota(5);
	Result<void> r = v.reserve(usize(1) << 30, gfp::KERNEL | gfp::NOWARN);
	ASSERT_TRUE(r.is_err());
	EXPECT_TRUE(r.error() == code::ENOMEM);
	EXPECT_EQ(v.len(), 5u);
	EXPECT_EQ(v[4], 4);
	EXPECT_EQ(kcpp_host::warn_count(), 0);
}

TEST_F(VecTest, HugeReserveWithoutNowarnWarnsLikeKmalloc)
{
	Vec<int> v;
	EXPECT_TRUE(v.reserve(usize(1) << 30, gfp::KERNEL).is_err());
	expect_warnings(1);
}

TEST_F(VecTest, FailedPushLeavesTheVecIntact)
{
	Elem::reset();
	{
		Vec<Elem> v;
		for (int i = 0; i < 4; ++i)
			must(v.push(Elem(i), gfp::KERNEL));
		const Elem *data = v.data();
		{
			kcpp_host::FailAllocations fail;
			Result<void> r = v.push(Elem(99), gfp::KERNEL);
			ASSERT_TRUE(r.is_err());
			EXPECT_TRUE(r.error() == code::ENOMEM);
		}
		EXPECT_EQ(v.len(), 4u);
		EXPECT_EQ(v.capacity(), 4u);
		EXPECT_EQ(v.data(), data);
		for (int i = 0; i < 4; ++i)
			EXPECT_EQ(v[static_cast<usize>(i)].v, i);
		EXPECT_EQ(Elem::alive, 4); // the rejected value was destroyed
		must(v.push(Elem(4), gfp::KERNEL)); // and growth works again
		EXPECT_EQ(v.len(), 5u);
	}
	EXPECT_EQ(Elem::alive, 0);
}

TEST_F(VecTest, FailureOnTheSecondGrowth)
{
	Vec<int> v;
	kcpp_host::fail_allocations_after(1);
	for (int i = 0; i < 4; ++i)
		must(v.push(i, gfp::KERNEL)); // one allocation: capacity 4
	Result<void> r = v.push(4, gfp::KERNEL);
	kcpp_fault_inject_current(0);
	ASSERT_TRUE(r.is_err());
	EXPECT_TRUE(r.error() == code::ENOMEM);
	EXPECT_EQ(v.len(), 4u);
	EXPECT_EQ(v[3], 3);
}

TEST_F(VecTest, PushWithinCapacityNeverAllocates)
{
	Vec<int> v;
	Result<void> full = v.push_within_capacity(1);
	ASSERT_TRUE(full.is_err());
	EXPECT_TRUE(full.error() == code::ENOMEM);
	must(v.reserve(2, gfp::KERNEL));
	ASSERT_EQ(v.capacity(), 4u); // growth rounds small vectors up to 4
	kcpp_host::FailAllocations fail; // any allocation would fail now
	for (int i = 0; i < 4; ++i)
		must(v.push_within_capacity(i + 1));
	Result<void> r = v.push_within_capacity(5);
	ASSERT_TRUE(r.is_err());
	EXPECT_TRUE(r.error() == code::ENOMEM);
	EXPECT_EQ(v.len(), 4u);
	EXPECT_EQ(v[3], 4);
}

TEST_F(VecTest, PopReturnsTheLastElement)
{
	Vec<int> v = iota(3);
	int out = 100;
	EXPECT_TRUE(v.pop(&out));
	EXPECT_EQ(out, 2);
	EXPECT_TRUE(v.pop(&out));
	EXPECT_EQ(out, 1);
	EXPECT_TRUE(v.pop(&out));
	EXPECT_EQ(out, 0);
	out = 100;
	EXPECT_FALSE(v.pop(&out));
	EXPECT_EQ(out, 100);
	EXPECT_TRUE(v.is_empty());
}

TEST_F(VecTest, PopDestroysTheSlot)
{
	Elem::reset();
	{
		Vec<Elem> v;
		must(v.push(Elem(1), gfp::KERNEL));
		must(v.push(Elem(2), gfp::KERNEL));
		Elem out;
		EXPECT_EQ(Elem::alive, 3);
		EXPECT_TRUE(v.pop(&out));
		EXPECT_EQ(out.v, 2);
		EXPECT_EQ(Elem::alive, 2);
	}
	EXPECT_EQ(Elem::alive, 0);
}

TEST_F(VecTest, TruncateDestroysTheTail)
{
	Elem::reset();
	Vec<Elem> v;
	for (int i = 0; i < 6; ++i)
		must(v.push(Elem(i), gfp::KERNEL));
	Elem::destroyed = 0;
	v.truncate(2);
	EXPECT_EQ(v.len(), 2u);
	EXPECT_EQ(Elem::destroyed, 4);
	EXPECT_EQ(Elem::alive, 2);
	v.truncate(5); // no-op: truncate never grows
	EXPECT_EQ(v.len(), 2u);
	EXPECT_EQ(v.capacity(), 8u);
	v.clear();
	EXPECT_TRUE(v.is_empty());
	EXPECT_EQ(Elem::alive, 0);
	EXPECT_EQ(v.capacity(), 8u);
}

TEST_F(VecTest, ResizeGrowsWithDefaultValuesAndShrinks)
{
	Elem::reset();
	{
		Vec<Elem> v;
		must(v.push(Elem(1), gfp::KERNEL));
		must(v.resize(4, gfp::KERNEL));
		ASSERT_EQ(v.len(), 4u);
		EXPECT_EQ(v[0].v, 1);
		EXPECT_EQ(v[3].v, -7);
		must(v.resize(1, gfp::KERNEL));
		EXPECT_EQ(v.len(), 1u);
		EXPECT_EQ(Elem::alive, 1);
	}
	Vec<int> ints;
	must(ints.resize(3, gfp::KERNEL));
	EXPECT_EQ(ints[0] + ints[1] + ints[2], 0); // value-initialised
}

TEST_F(VecTest, FailedResizeLeavesTheVecIntact)
{
	Vec<int> v = iota(4);
	kcpp_host::FailAllocations fail;
	Result<void> r = v.resize(10, gfp::KERNEL);
	ASSERT_TRUE(r.is_err());
	EXPECT_TRUE(r.error() == code::ENOMEM);
	EXPECT_EQ(v.len(), 4u);
	must(v.resize(2, gfp::KERNEL)); // shrinking needs no memory
	EXPECT_EQ(v.len(), 2u);
}

TEST_F(VecTest, GetChecksBounds)
{
	Vec<int> v = iota(3);
	ASSERT_NE(v.get(2), nullptr);
	EXPECT_EQ(*v.get(2), 2);
	EXPECT_EQ(v.get(3), nullptr);
	EXPECT_EQ(v.get(~usize(0)), nullptr);
	const Vec<int> &c = v;
	EXPECT_EQ(c.get(3), nullptr);
	EXPECT_EQ(*c.get(0), 0);
}

TEST_F(VecTest, IndexingOutOfBoundsIsABug)
{
	GTEST_FLAG_SET(death_test_style, "threadsafe");
	EXPECT_DEATH(
		{
			Vec<int> v = iota(3);
			(void)v[3];
		},
		"BUG_ON\\(i >= len_\\)");
	EXPECT_DEATH(
		{
			Vec<int> v;
			(void)v[0];
		},
		"BUG_ON");
}

TEST_F(VecTest, ExtendFromCopies)
{
	const int src[] = {5, 6, 7};
	Vec<int> v = iota(1);
	must(v.extend_from(src, 3, gfp::KERNEL));
	ASSERT_EQ(v.len(), 4u);
	EXPECT_EQ(v[0], 0);
	EXPECT_EQ(v[3], 7);
	EXPECT_EQ(v.capacity(), 4u);
	kcpp_host::FailAllocations fail;
	EXPECT_TRUE(v.extend_from(src, 3, gfp::KERNEL).is_err()); // 7 elements need a new buffer
	EXPECT_EQ(v.len(), 4u);
	EXPECT_EQ(v[3], 7);
}

TEST_F(VecTest, ExtendFromItselfAcrossAReallocation)
{
	Vec<int> v = iota(4); // full: capacity 4
	ASSERT_EQ(v.capacity(), 4u);
	must(v.extend_from(v.data() + 1, 3, gfp::KERNEL)); // the source moves with the buffer
	ASSERT_EQ(v.len(), 7u);
	const int want[] = {0, 1, 2, 3, 1, 2, 3};
	for (usize i = 0; i < 7; ++i)
		EXPECT_EQ(v[i], want[i]) << i;
	must(v.extend_from(v.data(), v.len(), gfp::KERNEL));
	EXPECT_EQ(v.len(), 14u);
	EXPECT_EQ(v[13], 3);
}

TEST_F(VecTest, IteratesInOrder)
{
	Vec<int> v = iota(5);
	int sum = 0, expect = 0;
	for (int x : v) {
		EXPECT_EQ(x, expect++);
		sum += x;
	}
	EXPECT_EQ(sum, 10);
	const Vec<int> &c = v;
	EXPECT_EQ(c.end() - c.begin(), 5);
}

TEST_F(VecTest, MoveLeavesTheSourceEmpty)
{
	Vec<int> a = iota(3);
	const int *data = a.data();
	Vec<int> b = move(a);
	EXPECT_EQ(b.data(), data);
	EXPECT_EQ(b.len(), 3u);
	EXPECT_EQ(a.len(), 0u);
	EXPECT_EQ(a.capacity(), 0u);
	EXPECT_EQ(a.data(), nullptr);
	Vec<int> c = iota(7);
	c = move(b); // c's old buffer is freed
	EXPECT_EQ(c.len(), 3u);
	EXPECT_EQ(kcpp_host::live_allocations(), 1);
	Vec<int> &alias = c;
	c = move(alias);
	EXPECT_EQ(c.len(), 3u);
	EXPECT_EQ(c[2], 2);
}

TEST_F(VecTest, ElementsLiveExactlyOnceAcrossGrowth)
{
	Elem::reset();
	{
		Vec<Elem> v;
		for (int i = 0; i < 100; ++i) {
			must(v.push(Elem(i), gfp::KERNEL));
			ASSERT_EQ(Elem::alive, i + 1);
		}
		for (int i = 0; i < 100; ++i)
			ASSERT_EQ(v[static_cast<usize>(i)].v, i);
	}
	EXPECT_EQ(Elem::alive, 0);
}

TEST_F(VecTest, HoldsMoveOnlyElements)
{
	Vec<Box<int>> v;
	for (int i = 0; i < 10; ++i)
		must(v.push(must(Box<int>::make(gfp::KERNEL, i)), gfp::KERNEL));
	EXPECT_EQ(kcpp_host::live_allocations(), 11);
	EXPECT_EQ(*v[9], 9);
	Box<int> last = must(Box<int>::make(gfp::KERNEL, 0));
	EXPECT_TRUE(v.pop(&last));
	EXPECT_EQ(*last, 9);
	v.truncate(3);
	EXPECT_EQ(kcpp_host::live_allocations(), 1 + 3 + 1);
}
