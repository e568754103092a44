// SPDX-License-Identifier: GPL-2.0
// kcpp_error: Error, Result<T>, TRY and the bridges from C conventions.
#include "common.h"

using namespace kcpp;
using namespace kcpp_test;

static void from_errno_round_trips(Test &t)
{
	const Error e = Error::from_errno(-12);
	KCPP_EXPECT_EQ(t, e.code(), 12);
	KCPP_EXPECT_EQ(t, e.to_errno(), -12);
	KCPP_EXPECT_TRUE(t, e == code::ENOMEM);
	KCPP_EXPECT_FALSE(t, e == code::EINVAL);
	KCPP_EXPECT_STREQ(t, e.name(), "ENOMEM");
	// The whole errno range is valid, up to MAX_ERRNO.
	KCPP_EXPECT_EQ(t, Error::from_errno(-4095).code(), 4095);
	KCPP_EXPECT_EQ(t, Error::from_errno(-1).code(), 1);
}

static void every_named_errno_has_its_value_and_name(Test &t)
{
#define KCPP_ERRNO(NAME, VALUE)                                                              \
	KCPP_EXPECT_EQ(t, code::NAME.code(), VALUE);                                             \
	KCPP_EXPECT_STREQ(t, code::NAME.name(), #NAME);                                          \
	KCPP_EXPECT_TRUE(t, Error::from_errno(-(VALUE)) == code::NAME);
#include <kcpp/errno_list.h>
#undef KCPP_ERRNO
}

static void unnamed_errno_has_no_name(Test &t)
{
	const Error e = Error::from_errno(-4000);
	KCPP_EXPECT_EQ(t, e.code(), 4000);
	KCPP_EXPECT_TRUE(t, e.name() == nullptr);
}

static void to_result_follows_c_convention(Test &t)
{
	KCPP_EXPECT_TRUE(t, to_result(0).is_ok());
	KCPP_EXPECT_TRUE(t, to_result(7).is_ok());
	KCPP_EXPECT_ERR(t, to_result(-5), code::EIO);
	KCPP_EXPECT_EQ(t, to_result(-16).to_errno(), -16);
	KCPP_EXPECT_EQ(t, to_result(3).to_errno(), 0);

	Result<int> count = to_result_value(42);
	KCPP_EXPECT_TRUE(t, count.is_ok());
	KCPP_EXPECT_EQ(t, count.value(), 42);
	KCPP_EXPECT_ERR(t, to_result_value(-2), code::ENOENT);
}

static void result_holds_value_or_error(Test &t)
{
	Result<int> good = 5;
	KCPP_EXPECT_TRUE(t, good.is_ok());
	KCPP_EXPECT_FALSE(t, good.is_err());
	KCPP_EXPECT_TRUE(t, static_cast<bool>(good));
	KCPP_EXPECT_EQ(t, *good, 5);
	KCPP_EXPECT_EQ(t, move(good).value_or(9), 5);

	Result<int> bad = code::EINVAL;
	KCPP_EXPECT_TRUE(t, bad.is_err());
	KCPP_EXPECT_FALSE(t, static_cast<bool>(bad));
	KCPP_EXPECT_TRUE(t, bad.error() == code::EINVAL);
	KCPP_EXPECT_EQ(t, move(bad).value_or(9), 9);

	Result<void> nothing = ok();
	KCPP_EXPECT_TRUE(t, nothing.is_ok());
	KCPP_EXPECT_EQ(t, nothing.to_errno(), 0);
	Result<void> busy = code::EBUSY;
	KCPP_EXPECT_EQ(t, busy.to_errno(), -16);
}

static void result_destroys_its_value_once(Test &t)
{
	Counts c;
	{
		Result<Tracked> a = Tracked(&c, 1);
		Result<Tracked> b = move(a);
		KCPP_EXPECT_EQ(t, b->value, 1);
		Result<Tracked> e = code::EIO;
		e = move(b); // the error is replaced by the value
		KCPP_EXPECT_TRUE(t, e.is_ok());
		KCPP_EXPECT_EQ(t, e->value, 1);
		Tracked taken = move(e).take();
		KCPP_EXPECT_EQ(t, taken.value, 1);
	}
	KCPP_EXPECT_GT(t, c.constructed, 0);
	KCPP_EXPECT_EQ(t, c.live(), 0);

	Counts none;
	{
		Result<Tracked> e = code::ENOENT;
		KCPP_EXPECT_TRUE(t, e.is_err());
	}
	KCPP_EXPECT_EQ(t, none.constructed, 0);
	KCPP_EXPECT_EQ(t, none.destroyed, 0);
}

static Result<int> half(int v)
{
	if (v % 2 != 0)
		return code::EINVAL;
	return v / 2;
}

static Result<int> quarter(int v, int *steps)
{
	const int h = TRY(half(v));
	++*steps;
	const int q = TRY(half(h));
	++*steps;
	return q;
}

static void try_yields_value_or_returns_error(Test &t)
{
	int steps = 0;
	Result<int> r = quarter(12, &steps);
	KCPP_EXPECT_TRUE(t, r.is_ok());
	KCPP_EXPECT_EQ(t, r.value(), 3);
	KCPP_EXPECT_EQ(t, steps, 2);

	steps = 0;
	KCPP_EXPECT_ERR(t, quarter(6, &steps), code::EINVAL); // 6 -> 3 -> odd
	KCPP_EXPECT_EQ(t, steps, 1);

	steps = 0;
	KCPP_EXPECT_ERR(t, quarter(5, &steps), code::EINVAL);
	KCPP_EXPECT_EQ(t, steps, 0);
}

static Result<void> check_then_count(int ret, int *reached)
{
	TRY(to_result(ret));
	++*reached;
	return {};
}

static Result<int> boxed_sum()
{
	Box<int> a = TRY(Box<int>::make(gfp::KERNEL, 40));
	Box<int> b = TRY(Box<int>::make(gfp::KERNEL, 2));
	return *a + *b;
}

static void try_works_with_void_and_move_only_values(Test &t)
{
	int reached = 0;
	KCPP_EXPECT_OK(t, check_then_count(0, &reached));
	KCPP_EXPECT_ERR(t, check_then_count(-110, &reached), code::ETIMEDOUT);
	KCPP_EXPECT_EQ(t, reached, 1);

	Result<int> sum = boxed_sum();
	KCPP_EXPECT_TRUE(t, sum.is_ok());
	if (sum.is_ok())
		KCPP_EXPECT_EQ(t, sum.value(), 42);
}

static void from_err_ptr_decodes_err_ptr(Test &t)
{
	int x = 0;
	Result<int *> fine = from_err_ptr(&x);
	KCPP_EXPECT_TRUE(t, fine.is_ok() && fine.value() == &x);

	int *enoent = reinterpret_cast<int *>(static_cast<long>(-2)); // ERR_PTR(-ENOENT)
	KCPP_EXPECT_ERR(t, from_err_ptr(enoent), code::ENOENT);
	int *max = reinterpret_cast<int *>(static_cast<long>(-4095));
	KCPP_EXPECT_TRUE(t, is_err_ptr(max));
	KCPP_EXPECT_FALSE(t, is_err_ptr(reinterpret_cast<int *>(static_cast<long>(-4096))));
	KCPP_EXPECT_FALSE(t, is_err_ptr(&x));

	Result<int *> null = from_err_ptr(static_cast<int *>(nullptr));
	KCPP_EXPECT_TRUE(t, null.is_ok() && null.value() == nullptr);
	KCPP_EXPECT_ERR(t, from_err_or_null_ptr(static_cast<int *>(nullptr)), code::ENOMEM);
	KCPP_EXPECT_ERR(t, from_err_or_null_ptr(static_cast<int *>(nullptr), code::ENODEV), code::ENODEV);
	KCPP_EXPECT_ERR(t, from_err_or_null_ptr(enoent), code::ENOENT);
	Result<int *> nonnull = from_err_or_null_ptr(&x);
	KCPP_EXPECT_TRUE(t, nonnull.is_ok() && nonnull.value() == &x);
}

static void errors_are_constants(Test &t)
{
	static_assert(code::EAGAIN.code() == 11);
	static_assert(code::EPROBE_DEFER.to_errno() == -517);
	static_assert(code::ENOMEM == Error::from_code_unchecked(12));
	constexpr Result<void> r = code::EBUSY;
	static_assert(r.is_err() && r.to_errno() == -16);
	KCPP_EXPECT_EQ(t, sizeof(Error), sizeof(int));
}

KCPP_KUNIT_SUITE(kcpp_error,
		 KCPP_KUNIT_CASE(from_errno_round_trips),
		 KCPP_KUNIT_CASE(every_named_errno_has_its_value_and_name),
		 KCPP_KUNIT_CASE(unnamed_errno_has_no_name),
		 KCPP_KUNIT_CASE(to_result_follows_c_convention),
		 KCPP_KUNIT_CASE(result_holds_value_or_error),
		 KCPP_KUNIT_CASE(result_destroys_its_value_once),
		 KCPP_KUNIT_CASE(try_yields_value_or_returns_error),
		 KCPP_KUNIT_CASE(try_works_with_void_and_move_only_values),
		 KCPP_KUNIT_CASE(from_err_ptr_decodes_err_ptr),
		 KCPP_KUNIT_CASE(errors_are_constants));
