// SPDX-License-Identifier: GPL-2.0
// kcpp_runtime: the allocation operators, fault injection itself, and runtime facts.
#include "common.h"

using namespace kcpp;
using namespace kcpp_test;
using kcpp::kunit::FailAllocations;

static void fault_injection_fails_this_tasks_allocations(Test &t)
{
	void *during = nullptr;
	{
		FailAllocations fail(t);
		if (!fail.armed())
			return;
		during = kcpp_kmalloc(64, gfp::KERNEL.bits());
		KCPP_EXPECT_TRUE(t, during == nullptr); // (failure reports pause the injection)
	}
	kcpp_kfree(during);
	// Disarmed at the end of the scope: allocations work again.
	void *after = kcpp_kmalloc(64, gfp::KERNEL.bits());
	KCPP_EXPECT_TRUE(t, after != nullptr);
	kcpp_kfree(after);
}

static void gfp_new_returns_null_and_skips_constructor(Test &t)
{
	Counts c;
	Tracked *p = nullptr;
	{
		FailAllocations fail(t);
		if (!fail.armed())
			return;
		p = new (gfp::KERNEL) Tracked(&c, 1);
	}
	KCPP_EXPECT_TRUE(t, p == nullptr);
	KCPP_EXPECT_EQ(t, c.constructed, 0);
	delete p; // deleting nullptr is a no-op
}

static void gfp_new_constructs_and_delete_destroys(Test &t)
{
	Counts c;
	Tracked *p = new (gfp::KERNEL) Tracked(&c, 42);
	KCPP_ASSERT_TRUE(t, p != nullptr);
	KCPP_EXPECT_EQ(t, c.constructed, 1);
	KCPP_EXPECT_EQ(t, p->value, 42);
	delete p;
	KCPP_EXPECT_EQ(t, c.destroyed, 1);
}

struct Element {
	static int live;
	Element() { ++live; }
	~Element() { --live; }
	u64 payload = 0x5a5a;
};
int Element::live = 0;

static void gfp_array_new_and_delete(Test &t)
{
	Element::live = 0;
	Element *a = new (gfp::KERNEL) Element[8];
	KCPP_ASSERT_TRUE(t, a != nullptr);
	KCPP_EXPECT_EQ(t, Element::live, 8);
	KCPP_EXPECT_EQ(t, a[7].payload, 0x5a5aull);
	delete[] a;
	KCPP_EXPECT_EQ(t, Element::live, 0);

	Element *none = nullptr;
	{
		FailAllocations fail(t);
		if (!fail.armed())
			return;
		none = new (gfp::KERNEL) Element[8];
	}
	KCPP_EXPECT_TRUE(t, none == nullptr);
	KCPP_EXPECT_EQ(t, Element::live, 0); // no element constructed
}

static void gfp_zero_returns_zeroed_memory(Test &t)
{
	static_assert((gfp::KERNEL | gfp::ZERO).bits() == (KCPP_GFP_KERNEL | KCPP_GFP_ZERO));
	KCPP_EXPECT_TRUE(t, (gfp::KERNEL | gfp::ZERO) == Gfp(KCPP_GFP_KERNEL | KCPP_GFP_ZERO));
	auto *bytes = static_cast<u8 *>(kcpp_kmalloc(256, (gfp::KERNEL | gfp::ZERO).bits()));
	KCPP_ASSERT_TRUE(t, bytes != nullptr);
	int nonzero = 0;
	for (int i = 0; i < 256; ++i)
		nonzero += bytes[i] != 0;
	KCPP_EXPECT_EQ(t, nonzero, 0);
	kcpp_kfree(bytes);

	void *big = kcpp_kvmalloc(64 * 1024, (gfp::KERNEL | gfp::ZERO).bits());
	KCPP_ASSERT_TRUE(t, big != nullptr);
	KCPP_EXPECT_EQ(t, static_cast<u8 *>(big)[64 * 1024 - 1], 0);
	kcpp_kvfree(big);
}

// A type whose setup allocates: construction in place, then a fallible init step, the kcpp
// pattern for "constructors that can fail".
struct Table {
	Vec<u32> rows;
	Box<int> header;

	explicit Table(Box<int> h) : header(move(h)) {}
	static Result<Box<Table>> make(usize nrows)
	{
		Box<int> header = TRY(Box<int>::make(gfp::KERNEL, 1));
		Box<Table> table = TRY(Box<Table>::make(gfp::KERNEL, move(header)));
		TRY(table->rows.reserve(nrows, gfp::KERNEL));
		return table;
	}
};

static void allocating_constructor_path_fails_with_enomem(Test &t)
{
	Result<Box<Table>> made = code::EINVAL;
	{
		FailAllocations fail(t);
		if (!fail.armed())
			return;
		made = Table::make(16);
	}
	KCPP_EXPECT_ERR(t, made, code::ENOMEM);

	// Without injection the same path works.
	Result<Box<Table>> good = Table::make(16);
	KCPP_ASSERT_OK(t, good);
	KCPP_EXPECT_GE(t, good.value()->rows.capacity(), 16u);
	KCPP_EXPECT_EQ(t, *good.value()->header, 1);
}

static void partial_construction_is_unwound(Test &t)
{
	// The object exists; its second allocation fails. Everything built so far is freed
	// (kmemleak, checked after the run, would report a leak).
	Result<Box<Table>> made = Table::make(0);
	KCPP_ASSERT_OK(t, made);
	Box<Table> table = move(made).take();
	Result<void> grown = ok();
	{
		FailAllocations fail(t);
		if (!fail.armed())
			return;
		grown = table->rows.reserve(64, gfp::KERNEL);
	}
	KCPP_EXPECT_ERR(t, grown, code::ENOMEM);
	KCPP_EXPECT_EQ(t, table->rows.capacity(), 0u);
}

static void task_facts_in_test_thread(Test &t)
{
	KCPP_EXPECT_FALSE(t, task::in_atomic());
	KCPP_EXPECT_FALSE(t, kcpp_irqs_disabled() != 0);
	KCPP_EXPECT_FALSE(t, task::signal_pending());
	KCPP_EXPECT_GT(t, task::current_pid(), 0);
	task::might_sleep(); // process context: no "sleeping function called" report
	task::cond_resched();
}

KCPP_KUNIT_SUITE(kcpp_runtime,
		 KCPP_KUNIT_CASE(fault_injection_fails_this_tasks_allocations),
		 KCPP_KUNIT_CASE(gfp_new_returns_null_and_skips_constructor),
		 KCPP_KUNIT_CASE(gfp_new_constructs_and_delete_destroys),
		 KCPP_KUNIT_CASE(gfp_array_new_and_delete),
		 KCPP_KUNIT_CASE(gfp_zero_returns_zeroed_memory),
		 KCPP_KUNIT_CASE(allocating_constructor_path_fails_with_enomem),
		 KCPP_KUNIT_CASE(partial_construction_is_unwound),
		 KCPP_KUNIT_CASE(task_facts_in_test_thread));
