// SPDX-License-Identifier: GPL-2.0
// kcpp/arc.h: RefCount (the kernel's refcount_t through the shims) and Arc<T>.
#include "host_test.h"

#include <climits>
#include <thread>
#include <vector>

#include <kcpp/arc.h>
#include <kcpp/mutex.h>

using namespace kcpp;

namespace {

class ArcTest : public HostTest {};
class RefCountTest : public HostTest {};

struct Payload {
	static inline int alive = 0;
	int v;
	explicit Payload(int x) : v(x) { ++alive; }
	~Payload() { --alive; }
};

constexpr unsigned kSaturated = static_cast<unsigned>(INT_MIN / 2);

} // namespace

TEST_F(RefCountTest, CountsUpAndDown)
{
	RefCount r;
	EXPECT_EQ(r.read(), 1u);
	r.inc();
	r.inc();
	EXPECT_EQ(r.read(), 3u);
	EXPECT_FALSE(r.dec_and_test());
	EXPECT_FALSE(r.dec_and_test());
	EXPECT_TRUE(r.dec_and_test());
	EXPECT_EQ(r.read(), 0u);
}

TEST_F(RefCountTest, IncNotZero)
{
	RefCount r(2);
	EXPECT_TRUE(r.inc_not_zero());
	EXPECT_EQ(r.read(), 3u);
	RefCount dead(0);
	EXPECT_FALSE(dead.inc_not_zero());
	EXPECT_EQ(dead.read(), 0u);
}

TEST_F(RefCountTest, IncrementFromZeroWarnsAndSaturates)
{
	RefCount r(0);
	r.inc();
	EXPECT_EQ(r.read(), kSaturated);
	EXPECT_NE(kcpp_host::last_warning().find("addition on 0"), std::string::npos);
	expect_warnings(1);
}

TEST_F(RefCountTest, UnderflowWarnsAndSaturates)
{
	RefCount r(1);
	EXPECT_TRUE(r.dec_and_test());
	EXPECT_FALSE(r.dec_and_test());
	EXPECT_EQ(r.read(), kSaturated);
	EXPECT_NE(kcpp_host::last_warning().find("underflow"), std::string::npos);
	// Saturated counts stay put: the object leaks instead of being freed twice.
	EXPECT_FALSE(r.dec_and_test());
	EXPECT_EQ(kcpp_host::warn_count(), 2);
	expect_warnings(2);
}

TEST_F(RefCountTest, OverflowSaturates)
{
	RefCount r(INT_MAX);
	r.inc();
	EXPECT_EQ(r.read(), kSaturated);
	EXPECT_TRUE(r.inc_not_zero()); // saturated counts are not zero
	EXPECT_EQ(r.read(), kSaturated);
	expect_warnings(2);
}

TEST_F(ArcTest, MakeStartsWithOneReference)
{
	Payload::alive = 0;
	{
		Arc<Payload> a = must(Arc<Payload>::make(gfp::KERNEL, 5));
		EXPECT_TRUE(static_cast<bool>(a));
		EXPECT_EQ(a.ref_count(), 1u);
		EXPECT_EQ(a->v, 5);
		EXPECT_EQ((*a).v, 5);
		EXPECT_EQ(a.get()->v, 5);
		EXPECT_EQ(Payload::alive, 1);
		EXPECT_EQ(kcpp_host::live_allocations(), 1);
	}
	EXPECT_EQ(Payload::alive, 0);
	EXPECT_EQ(kcpp_host::live_allocations(), 0);
}

TEST_F(ArcTest, CopiesShareAndTheLastDropDestroys)
{
	Payload::alive = 0;
	Arc<Payload> a = must(Arc<Payload>::make(gfp::KERNEL, 1));
	{
		Arc<Payload> b = a;
		Arc<Payload> c(b);
		EXPECT_EQ(a.ref_count(), 3u);
		EXPECT_TRUE(a.ptr_eq(c));
		EXPECT_EQ(c.get(), a.get());
	}
	EXPECT_EQ(a.ref_count(), 1u);
	EXPECT_EQ(Payload::alive, 1);
	{
		Arc<Payload> d = a;
		Arc<Payload> gone = move(a);
		EXPECT_FALSE(static_cast<bool>(a));
		EXPECT_EQ(d.ref_count(), 2u);
	}
	EXPECT_EQ(Payload::alive, 0);
}

TEST_F(ArcTest, MoveKeepsTheCount)
{
	Arc<int> a = must(Arc<int>::make(gfp::KERNEL, 1));
	Arc<int> b = move(a);
	EXPECT_EQ(b.ref_count(), 1u);
	EXPECT_FALSE(static_cast<bool>(a));
}

TEST_F(ArcTest, AssignmentReleasesTheOldValue)
{
	Payload::alive = 0;
	Arc<Payload> a = must(Arc<Payload>::make(gfp::KERNEL, 1));
	Arc<Payload> b = must(Arc<Payload>::make(gfp::KERNEL, 2));
	b = a;
	EXPECT_EQ(Payload::alive, 1);
	EXPECT_EQ(b->v, 1);
	EXPECT_EQ(a.ref_count(), 2u);
	const Arc<Payload> &alias = a;
	a = alias; // self-assignment keeps the count
	EXPECT_EQ(a.ref_count(), 2u);
	Arc<Payload> c = must(Arc<Payload>::make(gfp::KERNEL, 3));
	a = move(c);
	EXPECT_EQ(a->v, 3);
	EXPECT_EQ(b.ref_count(), 1u);
	EXPECT_EQ(Payload::alive, 2);
}

TEST_F(ArcTest, IntoRawAndFromRawHandTheReferenceOver)
{
	Payload::alive = 0;
	Arc<Payload> a = must(Arc<Payload>::make(gfp::KERNEL, 8));
	Arc<Payload> keep = a;
	const Payload *raw = move(a).into_raw();
	EXPECT_FALSE(static_cast<bool>(a));
	EXPECT_EQ(keep.ref_count(), 2u); // the raw pointer still holds its reference
	EXPECT_EQ(raw, keep.get());
	{
		Arc<Payload> back = Arc<Payload>::from_raw(raw);
		EXPECT_TRUE(back.ptr_eq(keep));
		EXPECT_EQ(back.ref_count(), 2u);
	}
	EXPECT_EQ(keep.ref_count(), 1u);
	EXPECT_EQ(Payload::alive, 1);
}

TEST_F(ArcTest, AllocationFailureIsEnomem)
{
	Payload::alive = 0;
	kcpp_host::FailAllocations fail;
	Result<Arc<Payload>> r = Arc<Payload>::make(gfp::KERNEL, 1);
	ASSERT_TRUE(r.is_err());
	EXPECT_TRUE(r.error() == code::ENOMEM);
	EXPECT_EQ(Payload::alive, 0);
}

TEST_F(ArcTest, SharedAcrossThreads)
{
	Payload::alive = 0;
	{
		Arc<Payload> a = must(Arc<Payload>::make(gfp::KERNEL, 3));
		std::vector<std::thread> threads;
		for (int t = 0; t < 4; ++t)
			threads.emplace_back([a] { // copied into the thread: one more reference each
				for (int i = 0; i < 2000; ++i) {
					Arc<Payload> copy = a;
					ASSERT_EQ(copy->v, 3);
				}
			});
		for (auto &t : threads)
			t.join();
		EXPECT_EQ(a.ref_count(), 1u);
	}
	EXPECT_EQ(Payload::alive, 0);
	EXPECT_EQ(kcpp_host::warn_count(), 0);
}

TEST_F(ArcTest, MutationGoesThroughALockInside)
{
	Arc<Mutex<int>> counter = must(Arc<Mutex<int>>::make(gfp::KERNEL, KCPP_LOCK_CLASS("arc_counter"), 0));
	std::vector<std::thread> threads;
	for (int t = 0; t < 3; ++t)
		threads.emplace_back([counter] {
			for (int i = 0; i < 1000; ++i)
				++*counter->lock();
		});
	for (auto &t : threads)
		t.join();
	EXPECT_EQ(*counter->lock(), 3000);
}
