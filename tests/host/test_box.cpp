// SPDX-License-Identifier: GPL-2.0
// kcpp/box.h: Box<T>, the sole owner of one kmalloc'ed T.
#include <kcpp/box.h>
#include <kcpp/spinlock.h>

#include "host_test.h"

using namespace kcpp;

namespace {

class BoxTest : public HostTest {};

struct Tracked {
	static inline int constructed = 0;
	static inline int destroyed = 0;
	int a, b;
	Tracked(int x, int y) : a(x), b(y) { ++constructed; }
	~Tracked() { ++destroyed; }
	static void reset() { constructed = destroyed = 0; }
};

struct Base {
	static inline int base_dtors = 0;
	virtual ~Base() { ++base_dtors; }
	virtual int id() const { return 1; }
};
struct Derived : Base {
	static inline int derived_dtors = 0;
	~Derived() override { ++derived_dtors; }
	int id() const override { return 2; }
};

} // namespace

TEST_F(BoxTest, MakeConstructsInPlaceWithArguments)
{
	Tracked::reset();
	{
		Result<Box<Tracked>> r = Box<Tracked>::make(gfp::KERNEL, 3, 4);
		ASSERT_TRUE(r.is_ok());
		Box<Tracked> b = move(r).take();
		ASSERT_TRUE(static_cast<bool>(b));
		EXPECT_EQ(b->a, 3);
		EXPECT_EQ((*b).b, 4);
		EXPECT_EQ(b.get()->a, 3);
		EXPECT_EQ(Tracked::constructed, 1);
		EXPECT_EQ(kcpp_host::live_allocations(), 1);
	}
	EXPECT_EQ(Tracked::destroyed, 1);
	EXPECT_EQ(kcpp_host::live_allocations(), 0);
}

TEST_F(BoxTest, MakePassesItsGfpFlags)
{
	Box<int> a = must(Box<int>::make(gfp::ATOMIC, 1));
	EXPECT_EQ(kcpp_host::last_gfp(), static_cast<unsigned>(KCPP_GFP_ATOMIC));
	Box<int> k = must(Box<int>::make(gfp::KERNEL | gfp::ACCOUNT, 2));
	EXPECT_EQ(kcpp_host::last_gfp(), static_cast<unsigned>(KCPP_GFP_KERNEL | KCPP_GFP_ACCOUNT));
	EXPECT_EQ(*a + *k, 3);
}

TEST_F(BoxTest, AllocationFailureIsEnomemAndRunsNoConstructor)
{
	Tracked::reset();
	{
		kcpp_host::FailAllocations fail;
		Result<Box<Tracked>> r = Box<Tracked>::make(gfp::KERNEL, 1, 2);
		ASSERT_TRUE(r.is_err());
		EXPECT_TRUE(r.error() == code::ENOMEM);
	}
	EXPECT_EQ(Tracked::constructed, 0);
	EXPECT_EQ(Tracked::destroyed, 0);
	EXPECT_EQ(kcpp_host::live_allocations(), 0);
	// And allocation works again once injection is off.
	EXPECT_TRUE(Box<Tracked>::make(gfp::KERNEL, 1, 2).is_ok());
	EXPECT_EQ(Tracked::destroyed, 1);
}

TEST_F(BoxTest, MoveTransfersOwnershipAndDestroysOnce)
{
	Tracked::reset();
	{
		Box<Tracked> a = must(Box<Tracked>::make(gfp::KERNEL, 1, 1));
		Tracked *raw = a.get();
		Box<Tracked> b = move(a);
		EXPECT_FALSE(static_cast<bool>(a));
		EXPECT_EQ(a.get(), nullptr);
		EXPECT_EQ(b.get(), raw);
		EXPECT_EQ(Tracked::destroyed, 0);
	}
	EXPECT_EQ(Tracked::constructed, 1);
	EXPECT_EQ(Tracked::destroyed, 1);
}

TEST_F(BoxTest, MoveAssignmentDestroysThePreviousValue)
{
	Tracked::reset();
	Box<Tracked> a = must(Box<Tracked>::make(gfp::KERNEL, 1, 1));
	Box<Tracked> b = must(Box<Tracked>::make(gfp::KERNEL, 2, 2));
	b = move(a);
	EXPECT_EQ(Tracked::destroyed, 1); // b's old value
	EXPECT_EQ(b->a, 1);
	EXPECT_FALSE(static_cast<bool>(a));
	Box<Tracked> &alias = b;
	b = move(alias); // self-move keeps the value
	ASSERT_TRUE(static_cast<bool>(b));
	EXPECT_EQ(b->a, 1);
	EXPECT_EQ(Tracked::destroyed, 1);
	EXPECT_EQ(kcpp_host::live_allocations(), 1);
}

TEST_F(BoxTest, IntoRawAndFromRaw)
{
	Tracked::reset();
	Box<Tracked> a = must(Box<Tracked>::make(gfp::KERNEL, 5, 6));
	Tracked *raw = move(a).into_raw();
	EXPECT_FALSE(static_cast<bool>(a));
	EXPECT_EQ(Tracked::destroyed, 0);
	EXPECT_EQ(raw->a, 5);
	{
		Box<Tracked> back = Box<Tracked>::from_raw(raw);
		EXPECT_EQ(back.get(), raw);
	}
	EXPECT_EQ(Tracked::destroyed, 1);
	EXPECT_EQ(kcpp_host::live_allocations(), 0);
}

TEST_F(BoxTest, FromRawTakesAGfpNewPointer)
{
	int *p = new (gfp::KERNEL) int(9);
	ASSERT_NE(p, nullptr);
	Box<int> b = Box<int>::from_raw(p);
	EXPECT_EQ(*b, 9);
}

TEST_F(BoxTest, ConvertsToABoxOfItsBase)
{
	Base::base_dtors = Derived::derived_dtors = 0;
	{
		Box<Derived> d = must(Box<Derived>::make(gfp::KERNEL));
		Box<Base> b = move(d);
		EXPECT_FALSE(static_cast<bool>(d));
		EXPECT_EQ(b->id(), 2);
	}
	EXPECT_EQ(Derived::derived_dtors, 1);
	EXPECT_EQ(Base::base_dtors, 1);
}

TEST_F(BoxTest, HoldsPinnedTypes)
{
	// A lock is Pinned: it can only be built where it lives, which make() does.
	Box<SpinLock<int>> lock = must(Box<SpinLock<int>>::make(gfp::KERNEL, KCPP_LOCK_CLASS("box_lock"), 7));
	EXPECT_EQ(*lock->lock(), 7);
	EXPECT_FALSE(lock->is_locked());
}

TEST_F(BoxTest, MovedFromBoxDestructsWithoutFreeing)
{
	Box<int> a = must(Box<int>::make(gfp::KERNEL, 1));
	{
		Box<int> b = move(a);
	}
	EXPECT_EQ(kcpp_host::live_allocations(), 0);
	// a is empty; its destructor at scope end must not double-free (ASan would report it).
}
