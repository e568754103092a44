// SPDX-License-Identifier: GPL-2.0
// kcpp/error.h: Error, Result<T>, Result<void>, TRY, and the bridges from C return values.
#include <kcpp/box.h>
#include <kcpp/error.h>

#include <cstring>

#include "host_test.h"

using namespace kcpp;

namespace {

class ErrorTest : public HostTest {};

// A value type that counts its lives, to check what Result constructs and destroys.
struct Counted {
	static inline int alive = 0;
	static inline int moves = 0;
	int v;
	explicit Counted(int x) : v(x) { ++alive; }
	Counted(const Counted &o) : v(o.v) { ++alive; }
	Counted(Counted &&o) : v(o.v) { ++alive, ++moves, o.v = -1; }
	Counted &operator=(const Counted &) = default;
	Counted &operator=(Counted &&) = default;
	~Counted() { --alive; }
};

Result<int> parse_digit(char c)
{
	if (c < '0' || c > '9')
		return code::EINVAL;
	return c - '0';
}

int steps_after_try = 0;
Result<int> sum_digits(const char *s)
{
	int total = 0;
	for (; *s; ++s) {
		total += TRY(parse_digit(*s));
		++steps_after_try;
	}
	return total;
}

Result<void> check(bool fine) { return fine ? ok() : Result<void>(code::EBUSY); }
Result<int> void_then_value(bool fine)
{
	TRY(check(fine));
	return 7;
}

Result<Box<int>> make_box(int v, bool fail)
{
	if (fail)
		return code::ENOSPC;
	return Box<int>::make(gfp::KERNEL, v);
}
Result<int> unbox(int v, bool fail)
{
	Box<int> b = TRY(make_box(v, fail));
	return *b + 1;
}

} // namespace

static_assert(code::EINVAL.code() == 22);
static_assert(code::EINVAL.to_errno() == -22);
static_assert(code::ENOMEM == Error::from_code_unchecked(12));
static_assert(Result<void>().to_errno() == 0);
static_assert(Result<void>(code::EIO).to_errno() == -5);

TEST_F(ErrorTest, CodesAndNames)
{
	EXPECT_EQ(code::ENOMEM.code(), 12);
	EXPECT_EQ(code::ENOMEM.to_errno(), -12);
	EXPECT_STREQ(code::ENOMEM.name(), "ENOMEM");
	EXPECT_STREQ(code::ERESTARTSYS.name(), "ERESTARTSYS");
	EXPECT_STREQ(code::EPROBE_DEFER.name(), "EPROBE_DEFER");
	EXPECT_FALSE(code::ENOMEM == code::EINVAL);
}

TEST_F(ErrorTest, EveryListedErrnoRoundTripsThroughFromErrno)
{
	int n = 0;
#define KCPP_ERRNO(NAME, value)                                        \
	do {                                                               \
		Error e = Error::from_errno(-(value));                         \
		EXPECT_EQ(e.code(), value) << #NAME;                           \
		EXPECT_EQ(e.to_errno(), -(value)) << #NAME;                    \
		ASSERT_NE(e.name(), nullptr) << #NAME;                         \
		EXPECT_STREQ(e.name(), #NAME);                                 \
		EXPECT_TRUE(e == code::NAME) << #NAME;                         \
		++n;                                                           \
	} while (0);
#include <kcpp/errno_list.h>
#undef KCPP_ERRNO
	EXPECT_GT(n, 50);
}

TEST_F(ErrorTest, UnlistedErrnoHasNoName)
{
	EXPECT_EQ(Error::from_errno(-4000).name(), nullptr);
	EXPECT_EQ(Error::from_errno(-15).name(), nullptr); // ENOTBLK is not in the list
	EXPECT_EQ(Error::from_errno(-4000).code(), 4000);
}

TEST_F(ErrorTest, FromErrnoAcceptsTheWholeRange)
{
	EXPECT_EQ(Error::from_errno(-1).code(), 1);
	EXPECT_EQ(Error::from_errno(-4095).code(), 4095);
	EXPECT_EQ(kcpp_host::warn_count(), 0);
}

TEST_F(ErrorTest, FromErrnoOutOfRangeIsEinvalWithAWarning)
{
	const int bad[] = {0, 1, 22, -4096, -100000, __INT_MAX__, -__INT_MAX__ - 1};
	int warnings = 0;
	for (int v : bad) {
		EXPECT_TRUE(Error::from_errno(v) == code::EINVAL) << v;
		EXPECT_EQ(kcpp_host::warn_count(), ++warnings) << v;
	}
	EXPECT_NE(kcpp_host::last_warning().find("non-errno"), std::string::npos) << kcpp_host::last_warning();
	expect_warnings(warnings);
}

TEST_F(ErrorTest, ResultHoldsAValue)
{
	Result<int> r = 5;
	ASSERT_TRUE(r.is_ok());
	EXPECT_FALSE(r.is_err());
	EXPECT_TRUE(static_cast<bool>(r));
	EXPECT_EQ(r.value(), 5);
	EXPECT_EQ(*r, 5);
	r.value() = 6;
	EXPECT_EQ(move(r).take(), 6);
}

TEST_F(ErrorTest, ResultHoldsAnError)
{
	Result<int> r = code::EIO;
	ASSERT_TRUE(r.is_err());
	EXPECT_FALSE(r.is_ok());
	EXPECT_FALSE(static_cast<bool>(r));
	EXPECT_TRUE(r.error() == code::EIO);
	EXPECT_EQ(move(r).value_or(42), 42);
}

TEST_F(ErrorTest, ValueOrPrefersTheValue)
{
	Result<int> r = 3;
	EXPECT_EQ(move(r).value_or(42), 3);
}

TEST_F(ErrorTest, ResultArrowReachesTheValue)
{
	struct P {
		int x, y;
	};
	Result<P> r = P{1, 2};
	EXPECT_EQ(r->y, 2);
	r->x = 9;
	EXPECT_EQ(r.value().x, 9);
}

TEST_F(ErrorTest, ValueOfAnErrorIsABug)
{
	GTEST_FLAG_SET(death_test_style, "threadsafe");
	EXPECT_DEATH(
		{
			Result<int> r = code::EIO;
			(void)r.value();
		},
		"kcpp panic at .*BUG_ON\\(!ok_\\)");
}

TEST_F(ErrorTest, ErrorOfAValueIsABug)
{
	GTEST_FLAG_SET(death_test_style, "threadsafe");
	EXPECT_DEATH(
		{
			Result<int> r = 1;
			(void)r.error();
		},
		"BUG_ON\\(ok_\\)");
	EXPECT_DEATH(
		{
			Result<void> r;
			(void)r.error();
		},
		"BUG_ON\\(ok_\\)");
}

TEST_F(ErrorTest, ResultConstructsAndDestroysItsValueOnce)
{
	Counted::alive = 0;
	{
		Result<Counted> r = Counted(1);
		EXPECT_EQ(Counted::alive, 1);
		Result<Counted> moved = move(r);
		EXPECT_EQ(Counted::alive, 2); // moved-from value still alive until r goes
		EXPECT_EQ(moved->v, 1);
		Result<Counted> err = code::EAGAIN;
		EXPECT_EQ(Counted::alive, 2);
		err = move(moved); // err now holds the value
		EXPECT_EQ(err->v, 1);
		EXPECT_EQ(Counted::alive, 3);
		moved = Result<Counted>(code::EPERM); // destroys moved's (moved-from) value
		EXPECT_EQ(Counted::alive, 2);
		EXPECT_TRUE(moved.error() == code::EPERM);
	}
	EXPECT_EQ(Counted::alive, 0);
}

TEST_F(ErrorTest, ErrorResultNeverConstructsAValue)
{
	Counted::alive = 0;
	{
		Result<Counted> r = code::ENODEV;
		Result<Counted> r2 = move(r);
		EXPECT_TRUE(r2.error() == code::ENODEV);
		EXPECT_EQ(Counted::alive, 0);
	}
	EXPECT_EQ(Counted::alive, 0);
}

TEST_F(ErrorTest, ResultVoid)
{
	Result<void> good = ok();
	EXPECT_TRUE(good.is_ok());
	EXPECT_EQ(good.to_errno(), 0);
	Result<void> bad = code::ETIMEDOUT;
	EXPECT_TRUE(bad.is_err());
	EXPECT_TRUE(bad.error() == code::ETIMEDOUT);
	EXPECT_EQ(bad.to_errno(), -110);
}

TEST_F(ErrorTest, TryYieldsValuesAndPropagatesTheFirstError)
{
	steps_after_try = 0;
	Result<int> r = sum_digits("123");
	ASSERT_TRUE(r.is_ok());
	EXPECT_EQ(*r, 6);
	EXPECT_EQ(steps_after_try, 3);

	steps_after_try = 0;
	Result<int> bad = sum_digits("12x4");
	ASSERT_TRUE(bad.is_err());
	EXPECT_TRUE(bad.error() == code::EINVAL);
	EXPECT_EQ(steps_after_try, 2); // nothing after the failing TRY ran
}

TEST_F(ErrorTest, TryOnResultVoid)
{
	EXPECT_EQ(*void_then_value(true), 7);
	Result<int> r = void_then_value(false);
	ASSERT_TRUE(r.is_err());
	EXPECT_TRUE(r.error() == code::EBUSY);
}

TEST_F(ErrorTest, TryMovesMoveOnlyValues)
{
	Result<int> r = unbox(41, false);
	ASSERT_TRUE(r.is_ok());
	EXPECT_EQ(*r, 42);
	Result<int> e = unbox(41, true);
	ASSERT_TRUE(e.is_err());
	EXPECT_TRUE(e.error() == code::ENOSPC);
}

TEST_F(ErrorTest, ToResult)
{
	EXPECT_TRUE(to_result(0).is_ok());
	EXPECT_TRUE(to_result(17).is_ok());
	Result<void> r = to_result(-16);
	ASSERT_TRUE(r.is_err());
	EXPECT_TRUE(r.error() == code::EBUSY);
	EXPECT_EQ(r.to_errno(), -16);
}

TEST_F(ErrorTest, ToResultValue)
{
	Result<int> r = to_result_value(12);
	ASSERT_TRUE(r.is_ok());
	EXPECT_EQ(*r, 12);
	EXPECT_EQ(*to_result_value(0), 0);
	Result<int> e = to_result_value(-2);
	ASSERT_TRUE(e.is_err());
	EXPECT_TRUE(e.error() == code::ENOENT);
}

namespace {
void *ERR_PTR(long error) { return reinterpret_cast<void *>(error); }
} // namespace

TEST_F(ErrorTest, IsErrPtrCoversTheTopMaxErrnoAddresses)
{
	int x = 0;
	EXPECT_TRUE(is_err_ptr(ERR_PTR(-1)));
	EXPECT_TRUE(is_err_ptr(ERR_PTR(-12)));
	EXPECT_TRUE(is_err_ptr(ERR_PTR(-4095)));
	EXPECT_FALSE(is_err_ptr(ERR_PTR(-4096)));
	EXPECT_FALSE(is_err_ptr(nullptr));
	EXPECT_FALSE(is_err_ptr(&x));
	EXPECT_EQ(max_errno, static_cast<unsigned long>(KCPP_MAX_ERRNO));
}

TEST_F(ErrorTest, FromErrPtr)
{
	int x = 3;
	Result<int *> good = from_err_ptr(&x);
	ASSERT_TRUE(good.is_ok());
	EXPECT_EQ(*good, &x);

	Result<int *> null = from_err_ptr(static_cast<int *>(nullptr));
	ASSERT_TRUE(null.is_ok());
	EXPECT_EQ(*null, nullptr);

	Result<int *> bad = from_err_ptr(static_cast<int *>(ERR_PTR(-19)));
	ASSERT_TRUE(bad.is_err());
	EXPECT_TRUE(bad.error() == code::ENODEV);

	Result<int *> edge = from_err_ptr(static_cast<int *>(ERR_PTR(-4095)));
	ASSERT_TRUE(edge.is_err());
	EXPECT_EQ(edge.error().code(), 4095);
	EXPECT_EQ(kcpp_host::warn_count(), 0);
}

TEST_F(ErrorTest, FromErrOrNullPtr)
{
	int x = 3;
	EXPECT_EQ(*from_err_or_null_ptr(&x), &x);
	Result<int *> null = from_err_or_null_ptr(static_cast<int *>(nullptr));
	ASSERT_TRUE(null.is_err());
	EXPECT_TRUE(null.error() == code::ENOMEM);
	Result<int *> custom = from_err_or_null_ptr(static_cast<int *>(nullptr), code::ENOENT);
	EXPECT_TRUE(custom.error() == code::ENOENT);
	Result<int *> err = from_err_or_null_ptr(static_cast<int *>(ERR_PTR(-5)));
	EXPECT_TRUE(err.error() == code::EIO);
}
