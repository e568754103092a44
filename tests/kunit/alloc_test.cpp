// SPDX-License-Identifier: GPL-2.0
// kcpp_box, kcpp_vec, kcpp_arc: the owning containers, including allocation failure (failslab
// through kcpp::kunit::FailAllocations) and overflow-checked sizes.
#include "common.h"

using namespace kcpp;
using namespace kcpp_test;
using kcpp::kunit::FailAllocations;

// ---- Box ------------------------------------------------------------------------------

static void box_make_constructs_in_place(Test &t)
{
	Counts c;
	{
		Result<Box<Tracked>> made = Box<Tracked>::make(gfp::KERNEL, &c, 7);
		KCPP_ASSERT_OK(t, made);
		Box<Tracked> b = move(made).take();
		KCPP_EXPECT_TRUE(t, static_cast<bool>(b));
		KCPP_EXPECT_EQ(t, b->value, 7);
		KCPP_EXPECT_EQ(t, (*b).value, 7);
		KCPP_EXPECT_EQ(t, c.constructed, 1); // constructed once, in the allocation
		KCPP_EXPECT_EQ(t, c.destroyed, 0);
	}
	KCPP_EXPECT_EQ(t, c.destroyed, 1);
}

static void box_move_transfers_ownership(Test &t)
{
	Counts c;
	{
		Result<Box<Tracked>> r1 = Box<Tracked>::make(gfp::KERNEL, &c, 1);
		Result<Box<Tracked>> r2 = Box<Tracked>::make(gfp::KERNEL, &c, 2);
		KCPP_ASSERT_TRUE(t, r1.is_ok() && r2.is_ok());
		Box<Tracked> a = move(r1).take();
		Box<Tracked> b = move(r2).take();
		Tracked *first = a.get();

		Box<Tracked> moved(move(a));
		KCPP_EXPECT_FALSE(t, static_cast<bool>(a));
		KCPP_EXPECT_TRUE(t, moved.get() == first);
		KCPP_EXPECT_EQ(t, c.destroyed, 0);

		b = move(moved); // b's old object goes
		KCPP_EXPECT_EQ(t, c.destroyed, 1);
		KCPP_EXPECT_EQ(t, b->value, 1);
		KCPP_EXPECT_FALSE(t, static_cast<bool>(moved));
	}
	KCPP_EXPECT_EQ(t, c.live(), 0);
	KCPP_EXPECT_EQ(t, c.constructed, 2);
}

static void box_into_raw_and_back(Test &t)
{
	Counts c;
	Result<Box<Tracked>> made = Box<Tracked>::make(gfp::KERNEL, &c, 3);
	KCPP_ASSERT_OK(t, made);
	Tracked *raw = move(made.value()).into_raw();
	KCPP_EXPECT_FALSE(t, static_cast<bool>(made.value()));
	KCPP_EXPECT_EQ(t, c.destroyed, 0);
	KCPP_EXPECT_EQ(t, raw->value, 3);
	{
		Box<Tracked> back = Box<Tracked>::from_raw(raw);
		KCPP_EXPECT_TRUE(t, back.get() == raw);
	}
	KCPP_EXPECT_EQ(t, c.destroyed, 1);
}

struct Shape {
	explicit Shape(int *d) : destroyed(d) {}
	virtual ~Shape() { ++*destroyed; }
	virtual int sides() const { return 0; }
	int *destroyed;
};
struct Square : Shape {
	Square(int *d, int *sd) : Shape(d), square_destroyed(sd) {}
	~Square() override { ++*square_destroyed; }
	int sides() const override { return 4; }
	int *square_destroyed;
	char payload[40] = {};
};

static void box_converts_to_base(Test &t)
{
	int base_dtors = 0, square_dtors = 0;
	{
		Result<Box<Square>> made = Box<Square>::make(gfp::KERNEL, &base_dtors, &square_dtors);
		KCPP_ASSERT_OK(t, made);
		Box<Shape> shape = move(made).take();
		KCPP_EXPECT_EQ(t, shape->sides(), 4); // virtual call through the base
	}
	// The virtual destructor ran both destructors (and sized delete freed the Square).
	KCPP_EXPECT_EQ(t, square_dtors, 1);
	KCPP_EXPECT_EQ(t, base_dtors, 1);
}

static void box_holds_pinned_types(Test &t)
{
	Result<Box<Mutex<int>>> made = Box<Mutex<int>>::make(gfp::KERNEL, KCPP_LOCK_CLASS("kcpp_kunit_boxed_mutex"), 5);
	KCPP_ASSERT_OK(t, made);
	Box<Mutex<int>> m = move(made).take();
	{
		auto guard = m->lock();
		KCPP_EXPECT_EQ(t, *guard, 5);
		*guard = 6;
	}
	KCPP_EXPECT_EQ(t, *m->lock(), 6);
}

static void box_make_fails_with_enomem(Test &t)
{
	Counts c;
	FailAllocations fail(t);
	if (!fail.armed())
		return;
	Result<Box<Tracked>> made = Box<Tracked>::make(gfp::KERNEL, &c, 1);
	fail.disarm();
	KCPP_EXPECT_ERR(t, made, code::ENOMEM);
	KCPP_EXPECT_EQ(t, c.constructed, 0); // no object, so no constructor
	KCPP_EXPECT_EQ(t, c.destroyed, 0);
}

KCPP_KUNIT_SUITE(kcpp_box,
		 KCPP_KUNIT_CASE(box_make_constructs_in_place),
		 KCPP_KUNIT_CASE(box_move_transfers_ownership),
		 KCPP_KUNIT_CASE(box_into_raw_and_back),
		 KCPP_KUNIT_CASE(box_converts_to_base),
		 KCPP_KUNIT_CASE(box_holds_pinned_types),
		 KCPP_KUNIT_CASE(box_make_fails_with_enomem));

// ---- Vec ------------------------------------------------------------------------------

static void vec_push_and_index(Test &t)
{
	Vec<int> v;
	KCPP_EXPECT_TRUE(t, v.is_empty());
	for (int i = 0; i < 100; ++i)
		KCPP_ASSERT_OK(t, v.push(i * 3, gfp::KERNEL));
	KCPP_EXPECT_EQ(t, v.len(), 100u);
	KCPP_EXPECT_GE(t, v.capacity(), 100u);
	KCPP_EXPECT_FALSE(t, v.is_empty());
	int sum = 0, expected = 0;
	for (usize i = 0; i < v.len(); ++i) {
		sum += v[i];
		expected += static_cast<int>(i) * 3;
	}
	KCPP_EXPECT_EQ(t, sum, expected);
	int iterated = 0;
	for (int x : v)
		iterated += x;
	KCPP_EXPECT_EQ(t, iterated, expected);
}

static void vec_get_is_bounds_checked(Test &t)
{
	Vec<int> v;
	KCPP_EXPECT_TRUE(t, v.get(0) == nullptr);
	KCPP_ASSERT_OK(t, v.push(11, gfp::KERNEL));
	KCPP_ASSERT_OK(t, v.push(22, gfp::KERNEL));
	KCPP_ASSERT_TRUE(t, v.get(1) != nullptr);
	KCPP_EXPECT_EQ(t, *v.get(1), 22);
	KCPP_EXPECT_TRUE(t, v.get(2) == nullptr);
	KCPP_EXPECT_TRUE(t, v.get(static_cast<usize>(-1)) == nullptr);
}

static void vec_with_capacity_does_not_reallocate(Test &t)
{
	Result<Vec<u32>> made = Vec<u32>::with_capacity(10, gfp::KERNEL);
	KCPP_ASSERT_OK(t, made);
	Vec<u32> v = move(made).take();
	KCPP_EXPECT_EQ(t, v.len(), 0u);
	KCPP_EXPECT_GE(t, v.capacity(), 10u);
	const u32 *data = v.data();
	for (u32 i = 0; i < 10; ++i)
		KCPP_EXPECT_OK(t, v.push(i, gfp::KERNEL));
	KCPP_EXPECT_TRUE(t, v.data() == data);
}

static void vec_reserve_overflow_is_eoverflow(Test &t)
{
	Vec<u8> v;
	KCPP_ASSERT_OK(t, v.push(1, gfp::KERNEL));
	// len + additional overflows usize.
	KCPP_EXPECT_ERR(t, v.reserve(static_cast<usize>(-1), gfp::KERNEL), code::EOVERFLOW);
	KCPP_EXPECT_EQ(t, v.len(), 1u);
	KCPP_EXPECT_EQ(t, v[0], 1);
}

static void vec_capacity_bytes_overflow_is_eoverflow(Test &t)
{
	// The element count fits, count * sizeof(u64) does not: no allocation is attempted.
	const usize too_many = static_cast<usize>(-1) / sizeof(u64) + 1;
	KCPP_EXPECT_ERR(t, Vec<u64>::with_capacity(too_many, gfp::KERNEL), code::EOVERFLOW);
	KCPP_EXPECT_ERR(t, Vec<u32>::with_capacity(static_cast<usize>(-1) / 2, gfp::KERNEL), code::EOVERFLOW);
}

static void vec_huge_allocation_is_enomem(Test &t)
{
	// Fits in usize, but no allocator can satisfy it: kmalloc fails (quietly, NOWARN).
	KCPP_EXPECT_ERR(t, Vec<u8>::with_capacity(usize(1) << 40, gfp::KERNEL | gfp::NOWARN), code::ENOMEM);
}

static void vec_push_fails_cleanly_under_injection(Test &t)
{
	Vec<int> v;
	for (int i = 0; i < 4; ++i)
		KCPP_ASSERT_OK(t, v.push(i, gfp::KERNEL));
	KCPP_ASSERT_EQ(t, v.capacity(), 4u); // the next push must grow
	const int *data = v.data();
	Result<void> grown = ok();
	{
		FailAllocations fail(t);
		if (!fail.armed())
			return;
		grown = v.push(4, gfp::KERNEL);
	}
	KCPP_EXPECT_ERR(t, grown, code::ENOMEM);
	// The vector is unchanged: same storage, same contents.
	KCPP_EXPECT_EQ(t, v.len(), 4u);
	KCPP_EXPECT_EQ(t, v.capacity(), 4u);
	KCPP_EXPECT_TRUE(t, v.data() == data);
	for (usize i = 0; i < v.len(); ++i)
		KCPP_EXPECT_EQ(t, v[i], static_cast<int>(i));
	// And it grows again once allocations work.
	KCPP_EXPECT_OK(t, v.push(4, gfp::KERNEL));
	KCPP_EXPECT_EQ(t, v.len(), 5u);
}

static void vec_push_within_capacity_never_allocates(Test &t)
{
	Vec<int> v;
	KCPP_ASSERT_OK(t, v.reserve(8, gfp::KERNEL));
	const usize cap = v.capacity();
	int pushed = 0;
	Result<void> beyond = ok();
	{
		FailAllocations fail(t);
		if (!fail.armed())
			return;
		for (usize i = 0; i < cap; ++i)
			if (v.push_within_capacity(static_cast<int>(i)).is_ok())
				++pushed;
		beyond = v.push_within_capacity(-1);
	}
	KCPP_EXPECT_EQ(t, pushed, static_cast<int>(cap));
	KCPP_EXPECT_ERR(t, beyond, code::ENOMEM);
	KCPP_EXPECT_EQ(t, v.len(), cap);
}

static void vec_with_capacity_fails_under_injection(Test &t)
{
	Result<Vec<int>> made = code::EINVAL;
	{
		FailAllocations fail(t);
		if (!fail.armed())
			return;
		made = Vec<int>::with_capacity(16, gfp::KERNEL);
	}
	KCPP_EXPECT_ERR(t, made, code::ENOMEM);
}

static void vec_pop_and_truncate_destroy_elements(Test &t)
{
	Counts c;
	{
		Vec<Tracked> v;
		for (int i = 0; i < 6; ++i)
			KCPP_ASSERT_OK(t, v.push(Tracked(&c, i), gfp::KERNEL));
		const int live = c.live();
		KCPP_EXPECT_EQ(t, live, 6);

		Tracked out(&c, -1);
		KCPP_EXPECT_TRUE(t, v.pop(&out));
		KCPP_EXPECT_EQ(t, out.value, 5);
		KCPP_EXPECT_EQ(t, v.len(), 5u);
		KCPP_EXPECT_EQ(t, c.live(), 6); // 5 in the vector + out

		v.truncate(2);
		KCPP_EXPECT_EQ(t, v.len(), 2u);
		KCPP_EXPECT_EQ(t, c.live(), 3);
		KCPP_EXPECT_EQ(t, v[1].value, 1);

		v.clear();
		KCPP_EXPECT_TRUE(t, v.is_empty());
		KCPP_EXPECT_FALSE(t, v.pop(&out));
		KCPP_EXPECT_EQ(t, out.value, 5); // untouched
		KCPP_EXPECT_OK(t, v.push(Tracked(&c, 9), gfp::KERNEL));
	}
	KCPP_EXPECT_EQ(t, c.live(), 0);
}

static void vec_resize_and_extend(Test &t)
{
	Vec<int> v;
	KCPP_ASSERT_OK(t, v.resize(5, gfp::KERNEL));
	KCPP_EXPECT_EQ(t, v.len(), 5u);
	for (int x : v)
		KCPP_EXPECT_EQ(t, x, 0); // value-initialised
	const int more[] = {7, 8, 9};
	KCPP_ASSERT_OK(t, v.extend_from(more, 3, gfp::KERNEL));
	KCPP_EXPECT_EQ(t, v.len(), 8u);
	KCPP_EXPECT_EQ(t, v[5], 7);
	KCPP_EXPECT_EQ(t, v[7], 9);
	KCPP_ASSERT_OK(t, v.resize(2, gfp::KERNEL));
	KCPP_EXPECT_EQ(t, v.len(), 2u);
	KCPP_EXPECT_ERR(t, v.resize(static_cast<usize>(-1), gfp::KERNEL), code::EOVERFLOW);
	KCPP_EXPECT_EQ(t, v.len(), 2u);
}

static void vec_move_leaves_source_empty(Test &t)
{
	Vec<int> a;
	KCPP_ASSERT_OK(t, a.push(1, gfp::KERNEL));
	KCPP_ASSERT_OK(t, a.push(2, gfp::KERNEL));
	Vec<int> b(move(a));
	KCPP_EXPECT_EQ(t, a.len(), 0u);
	KCPP_EXPECT_EQ(t, a.capacity(), 0u);
	KCPP_EXPECT_TRUE(t, a.data() == nullptr);
	KCPP_EXPECT_EQ(t, b.len(), 2u);
	Vec<int> c;
	KCPP_ASSERT_OK(t, c.push(3, gfp::KERNEL));
	c = move(b); // c's old storage is freed
	KCPP_EXPECT_EQ(t, c.len(), 2u);
	KCPP_EXPECT_EQ(t, c[1], 2);
	KCPP_EXPECT_EQ(t, b.len(), 0u);
	KCPP_EXPECT_OK(t, a.push(4, gfp::KERNEL)); // a moved-from Vec is usable
}

KCPP_KUNIT_SUITE(kcpp_vec,
		 KCPP_KUNIT_CASE(vec_push_and_index),
		 KCPP_KUNIT_CASE(vec_get_is_bounds_checked),
		 KCPP_KUNIT_CASE(vec_with_capacity_does_not_reallocate),
		 KCPP_KUNIT_CASE(vec_reserve_overflow_is_eoverflow),
		 KCPP_KUNIT_CASE(vec_capacity_bytes_overflow_is_eoverflow),
		 KCPP_KUNIT_CASE(vec_huge_allocation_is_enomem),
		 KCPP_KUNIT_CASE(vec_push_fails_cleanly_under_injection),
		 KCPP_KUNIT_CASE(vec_push_within_capacity_never_allocates),
		 KCPP_KUNIT_CASE(vec_with_capacity_fails_under_injection),
		 KCPP_KUNIT_CASE(vec_pop_and_truncate_destroy_elements),
		 KCPP_KUNIT_CASE(vec_resize_and_extend),
		 KCPP_KUNIT_CASE(vec_move_leaves_source_empty));

// ---- Arc ------------------------------------------------------------------------------

static void arc_clone_counts_references(Test &t)
{
	Result<Arc<int>> made = Arc<int>::make(gfp::KERNEL, 5);
	KCPP_ASSERT_OK(t, made);
	Arc<int> a = move(made).take();
	KCPP_EXPECT_EQ(t, a.ref_count(), 1u);
	KCPP_EXPECT_EQ(t, *a, 5);
	{
		Arc<int> b = a;
		KCPP_EXPECT_EQ(t, a.ref_count(), 2u);
		KCPP_EXPECT_TRUE(t, b.ptr_eq(a));
		KCPP_EXPECT_TRUE(t, b.get() == a.get());
		Arc<int> c = b;
		KCPP_EXPECT_EQ(t, a.ref_count(), 3u);
	}
	KCPP_EXPECT_EQ(t, a.ref_count(), 1u);
}

static void arc_last_reference_destroys(Test &t)
{
	Counts c;
	{
		Result<Arc<Tracked>> made = Arc<Tracked>::make(gfp::KERNEL, &c, 1);
		KCPP_ASSERT_OK(t, made);
		Arc<Tracked> a = move(made).take();
		Arc<Tracked> b = a;
		{
			Arc<Tracked> drop = move(a);
		}
		KCPP_EXPECT_EQ(t, c.destroyed, 0); // b still holds it
		KCPP_EXPECT_EQ(t, b.ref_count(), 1u);
		KCPP_EXPECT_EQ(t, b->value, 1);
	}
	KCPP_EXPECT_EQ(t, c.constructed, 1);
	KCPP_EXPECT_EQ(t, c.destroyed, 1);
}

static void arc_move_and_assign(Test &t)
{
	Result<Arc<int>> r1 = Arc<int>::make(gfp::KERNEL, 1);
	Result<Arc<int>> r2 = Arc<int>::make(gfp::KERNEL, 2);
	KCPP_ASSERT_TRUE(t, r1.is_ok() && r2.is_ok());
	Arc<int> a = move(r1).take();
	Arc<int> b = move(r2).take();
	Arc<int> moved = move(a);
	KCPP_EXPECT_FALSE(t, static_cast<bool>(a));
	KCPP_EXPECT_EQ(t, moved.ref_count(), 1u);
	b = moved; // b's old object (2) is released, b shares 1
	KCPP_EXPECT_EQ(t, *b, 1);
	KCPP_EXPECT_EQ(t, moved.ref_count(), 2u);
	b = b; // self-assignment keeps the count
	KCPP_EXPECT_EQ(t, moved.ref_count(), 2u);
}

static void arc_into_raw_keeps_reference(Test &t)
{
	Result<Arc<int>> made = Arc<int>::make(gfp::KERNEL, 9);
	KCPP_ASSERT_OK(t, made);
	Arc<int> a = move(made).take();
	const int *cookie = Arc<int>(a).into_raw(); // a reference handed to "C"
	KCPP_EXPECT_EQ(t, a.ref_count(), 2u);
	KCPP_EXPECT_EQ(t, *cookie, 9);
	{
		Arc<int> back = Arc<int>::from_raw(cookie);
		KCPP_EXPECT_TRUE(t, back.ptr_eq(a));
		KCPP_EXPECT_EQ(t, a.ref_count(), 2u);
	}
	KCPP_EXPECT_EQ(t, a.ref_count(), 1u);
}

static void arc_shares_mutable_state_through_lock(Test &t)
{
	Result<Arc<Mutex<int>>> made = Arc<Mutex<int>>::make(gfp::KERNEL, KCPP_LOCK_CLASS("kcpp_kunit_arc_mutex"), 0);
	KCPP_ASSERT_OK(t, made);
	Arc<Mutex<int>> a = move(made).take();
	Arc<Mutex<int>> b = a;
	*b->lock() += 2;
	*a->lock() += 3;
	KCPP_EXPECT_EQ(t, *a->lock(), 5);
	KCPP_EXPECT_EQ(t, *b->lock(), 5);
}

static void arc_make_fails_with_enomem(Test &t)
{
	Counts c;
	Result<Arc<Tracked>> made = code::EINVAL;
	{
		FailAllocations fail(t);
		if (!fail.armed())
			return;
		made = Arc<Tracked>::make(gfp::KERNEL, &c, 1);
	}
	KCPP_EXPECT_ERR(t, made, code::ENOMEM);
	KCPP_EXPECT_EQ(t, c.constructed, 0);
}

KCPP_KUNIT_SUITE(kcpp_arc,
		 KCPP_KUNIT_CASE(arc_clone_counts_references),
		 KCPP_KUNIT_CASE(arc_last_reference_destroys),
		 KCPP_KUNIT_CASE(arc_move_and_assign),
		 KCPP_KUNIT_CASE(arc_into_raw_keeps_reference),
		 KCPP_KUNIT_CASE(arc_shares_mutable_state_through_lock),
		 KCPP_KUNIT_CASE(arc_make_fails_with_enomem));
