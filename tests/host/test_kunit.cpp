// SPDX-License-Identifier: GPL-2.0
// kcpp/kunit.h on the host: a suite declared with KCPP_KUNIT_SUITE is filled through
// kcpp_kunit_fill_suite and its cases run against the host's KUnit stand-in, so the
// expectation macros can be checked to fail (and to say why) without booting a kernel.
#include "host_test.h"

#include <string>

#include <kcpp/kunit.h>
#include <kcpp/uaccess.h>
#include <kcpp/vec.h>

using namespace kcpp;

namespace {

int after_abort = 0;

void passes(kunit::Test &t)
{
	Vec<int> v;
	KCPP_ASSERT_OK(t, v.push(1, gfp::KERNEL));
	KCPP_EXPECT_EQ(t, v.len(), 1u);
	KCPP_EXPECT_TRUE(t, v[0] == 1);
	KCPP_EXPECT_FALSE(t, v.is_empty());
	KCPP_EXPECT_NE(t, v.len(), 2u);
	KCPP_EXPECT_LT(t, v.len(), 2u);
	KCPP_EXPECT_LE(t, v.len(), 1u);
	KCPP_EXPECT_GE(t, v.len(), 1u);
	KCPP_EXPECT_ERR(t, Vec<int>().reserve(~usize(0), gfp::KERNEL), code::EOVERFLOW);
}

void expect_eq_fails(kunit::Test &t)
{
	int a = 1, b = 2;
	KCPP_EXPECT_EQ(t, a, b);
	KCPP_EXPECT_TRUE(t, a > b);
	KCPP_EXPECT_EQ(t, code::EIO, code::ENOMEM);
}

void assert_aborts(kunit::Test &t)
{
	after_abort = 0;
	KCPP_ASSERT_TRUE(t, 1 + 1 == 3);
	after_abort = 1; // never reached
}

void assert_ok_aborts(kunit::Test &t)
{
	after_abort = 0;
	KCPP_ASSERT_OK(t, Result<void>(code::EBUSY));
	after_abort = 1;
}

void expect_err_mismatch(kunit::Test &t)
{
	KCPP_EXPECT_ERR(t, Result<void>(code::EIO), code::EBUSY);
	KCPP_EXPECT_ERR(t, Result<void>(), code::EBUSY);
}

void skips(kunit::Test &t) { t.skip("not on this hardware"); }

void logs_and_maps_user_memory(kunit::Test &t)
{
	t.log("queue {} has {:#x} entries", 3, 64);
	uptr user = t.alloc_user(64);
	KCPP_ASSERT_TRUE(t, user != 0);
	KCPP_ASSERT_OK(t, UserSlice(user, 64).writer().write(u32{0xfeed}));
	Result<u32> back = UserSlice(user, 64).reader().read<u32>();
	KCPP_ASSERT_OK(t, back);
	KCPP_EXPECT_EQ(t, *back, 0xfeedu);
}

} // namespace

KCPP_KUNIT_SUITE(host_kunit, KCPP_KUNIT_CASE(passes), KCPP_KUNIT_CASE(expect_eq_fails),
		 KCPP_KUNIT_CASE(assert_aborts), KCPP_KUNIT_CASE(assert_ok_aborts),
		 KCPP_KUNIT_CASE(expect_err_mismatch), KCPP_KUNIT_CASE(skips),
		 KCPP_KUNIT_CASE(logs_and_maps_user_memory));

namespace {

class KunitTest : public HostTest {
protected:
	static void SetUpTestSuite() { kcpp_kunit_suites::host_kunit.fill(); }
	kcpp_host::KunitResult run(const char *name)
	{
		const kcpp_kunit_suite_def *s = kcpp_host::kunit_suite("host_kunit");
		if (s == nullptr)
			throw std::runtime_error("suite host_kunit was not filled");
		for (kcpp_size_t i = 0; i < s->ncases; ++i)
			if (std::string(s->cases[i].name) == name)
				return kcpp_host::kunit_run_case(s->cases[i]);
		throw std::runtime_error(std::string("no case ") + name);
	}
};

bool contains(const std::string &s, const char *part) { return s.find(part) != std::string::npos; }

} // namespace

TEST_F(KunitTest, SuiteIsFilledWithEveryCaseInOrder)
{
	const kcpp_kunit_suite_def *s = kcpp_host::kunit_suite("host_kunit");
	ASSERT_NE(s, nullptr);
	EXPECT_STREQ(s->name, "host_kunit");
	ASSERT_EQ(s->ncases, 7u);
	EXPECT_STREQ(s->cases[0].name, "passes");
	EXPECT_STREQ(s->cases[5].name, "skips");
	EXPECT_NE(s->case_storage, nullptr);
}

TEST_F(KunitTest, PassingCaseRecordsNothing)
{
	kcpp_host::KunitResult r = run("passes");
	EXPECT_FALSE(r.failed);
	EXPECT_FALSE(r.aborted);
	EXPECT_TRUE(r.messages.empty()) << r.messages[0];
}

TEST_F(KunitTest, ExpectationsFailAndGoOn)
{
	kcpp_host::KunitResult r = run("expect_eq_fails");
	EXPECT_TRUE(r.failed);
	EXPECT_FALSE(r.aborted);
	ASSERT_EQ(r.messages.size(), 3u);
	EXPECT_TRUE(contains(r.messages[0], "expected a == b, got 1 and 2")) << r.messages[0];
	EXPECT_TRUE(contains(r.messages[0], "test_kunit.cpp:")) << r.messages[0];
	EXPECT_TRUE(contains(r.messages[1], "expected a > b to be true")) << r.messages[1];
	EXPECT_TRUE(contains(r.messages[2], "got -EIO and -ENOMEM")) << r.messages[2];
}

TEST_F(KunitTest, AssertionsEndTheCase)
{
	after_abort = -1;
	kcpp_host::KunitResult r = run("assert_aborts");
	EXPECT_TRUE(r.failed);
	EXPECT_TRUE(r.aborted);
	EXPECT_EQ(after_abort, 0);
	ASSERT_EQ(r.messages.size(), 1u);
	EXPECT_TRUE(contains(r.messages[0], "assertion failed: 1 + 1 == 3")) << r.messages[0];
}

TEST_F(KunitTest, AssertOkPrintsTheError)
{
	kcpp_host::KunitResult r = run("assert_ok_aborts");
	EXPECT_TRUE(r.aborted);
	EXPECT_EQ(after_abort, 0);
	ASSERT_EQ(r.messages.size(), 2u);
	EXPECT_TRUE(contains(r.messages[0], "failed with -EBUSY")) << r.messages[0];
}

TEST_F(KunitTest, ExpectErrChecksWhichError)
{
	kcpp_host::KunitResult r = run("expect_err_mismatch");
	EXPECT_TRUE(r.failed);
	ASSERT_EQ(r.messages.size(), 2u);
	EXPECT_TRUE(contains(r.messages[0], "failed with -EIO, expected -EBUSY")) << r.messages[0];
	EXPECT_TRUE(contains(r.messages[1], "succeeded, expected -EBUSY")) << r.messages[1];
}

TEST_F(KunitTest, SkipIsRecorded)
{
	kcpp_host::KunitResult r = run("skips");
	EXPECT_TRUE(r.skipped);
	EXPECT_FALSE(r.failed);
	EXPECT_EQ(r.skip_reason, "not on this hardware");
}

TEST_F(KunitTest, LogAndUserMemory)
{
	kcpp_host::KunitResult r = run("logs_and_maps_user_memory");
	EXPECT_FALSE(r.failed) << (r.messages.size() > 1 ? r.messages[1] : "");
	ASSERT_GE(r.messages.size(), 1u);
	EXPECT_EQ(r.messages[0], "queue 3 has 0x40 entries");
}
