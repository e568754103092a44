// SPDX-License-Identifier: GPL-2.0
// kcpp/page.h: bounds checks, copies at offsets and from/to user slices, ownership, against
// the host page shims (host_shims_binder.cpp; user memory as in the host model, with fault
// ranges).
#include "host_test.h"

#include <cstring>
#include <vector>

#include <kcpp/page.h>

namespace kcpp_host {
long live_pages();
}

using namespace kcpp;

namespace {

class PageTest : public HostTest {
protected:
	void SetUp() override
	{
		HostTest::SetUp();
		pages_at_start_ = kcpp_host::live_pages();
	}
	void TearDown() override
	{
		EXPECT_EQ(kcpp_host::live_pages(), pages_at_start_) << "pages leaked";
		HostTest::TearDown();
	}
	long pages_at_start_ = 0;
};

constexpr usize N = Page::SIZE;

} // namespace

TEST_F(PageTest, AllocZeroedAndFreedOnDrop)
{
	{
		Page p = must(Page::alloc(gfp::KERNEL | gfp::ZERO));
		EXPECT_EQ(kcpp_host::live_pages(), pages_at_start_ + 1);
		std::vector<u8> buf(N, 0xff);
		must(p.read_raw(buf.data(), 0, N));
		EXPECT_EQ(std::count(buf.begin(), buf.end(), 0), long(N));
		Page q(move(p)); // ownership moves; one free
		must(q.read_raw(buf.data(), 0, 1));
	}
	EXPECT_EQ(kcpp_host::live_pages(), pages_at_start_);
}

TEST_F(PageTest, KernelCopiesAtOffsets)
{
	Page p = must(Page::alloc(gfp::KERNEL | gfp::ZERO));
	const char msg[] = "binder";
	must(p.write_raw(msg, N - sizeof(msg), sizeof(msg))); // up to the last byte
	char back[sizeof(msg)] = {};
	must(p.read_raw(back, N - sizeof(msg), sizeof(msg)));
	EXPECT_STREQ(back, msg);
	must(p.fill_zero(N - 4, 4));
	must(p.read_raw(back, N - sizeof(msg), sizeof(msg)));
	EXPECT_EQ(std::memcmp(back, "bin\0\0\0\0", 7), 0);
	must(p.write_raw(msg, 0, 0)); // empty copies are fine, even at the end
	must(p.read_raw(back, N, 0));
}

TEST_F(PageTest, CopiesOutsideThePageAreEinvalAndCopyNothing)
{
	Page p = must(Page::alloc(gfp::KERNEL | gfp::ZERO));
	u8 buf[16];
	std::memset(buf, 0x5a, sizeof(buf));
	EXPECT_EQ(p.write_raw(buf, N - 8, 16).error(), code::EINVAL);
	EXPECT_EQ(p.write_raw(buf, N + 1, 0).error(), code::EINVAL);
	EXPECT_EQ(p.read_raw(buf, 1, N).error(), code::EINVAL);
	EXPECT_EQ(p.fill_zero(~usize(0), 2).error(), code::EINVAL);
	EXPECT_EQ(p.write_raw(buf, 8, ~usize(0) - 4).error(), code::EINVAL); // offset + len wraps
	u8 tail[8] = {1};
	must(p.read_raw(tail, N - 8, 8));
	for (u8 b : tail)
		EXPECT_EQ(b, 0); // the refused write left the page alone
}

TEST_F(PageTest, UserCopiesAdvanceTheSlice)
{
	Page p = must(Page::alloc(gfp::KERNEL));
	std::vector<u8> user(300);
	for (usize i = 0; i < user.size(); ++i)
		user[i] = u8(i * 3);
	UserSliceReader in = UserSlice(kcpp_host::user_addr(user.data()), user.size()).reader();
	must(p.copy_from_user(in, N - 100, 100)); // the first 100 bytes at the end of the page
	EXPECT_EQ(in.len(), 200u);
	must(p.copy_from_user(in, 0, 200)); // the rest at the start
	EXPECT_TRUE(in.is_empty());

	std::vector<u8> out(300, 0);
	UserSliceWriter w = UserSlice(kcpp_host::user_addr(out.data()), out.size()).writer();
	must(p.copy_to_user(w, N - 100, 100));
	must(p.copy_to_user(w, 0, 200));
	EXPECT_TRUE(w.is_empty());
	EXPECT_EQ(out, user);
}

TEST_F(PageTest, UserCopyLongerThanTheSliceOrThePage)
{
	Page p = must(Page::alloc(gfp::KERNEL | gfp::ZERO));
	std::vector<u8> user(64, 7);
	UserSliceReader in = UserSlice(kcpp_host::user_addr(user.data()), user.size()).reader();
	EXPECT_EQ(p.copy_from_user(in, 0, 65).error(), code::EFAULT); // more than the slice has
	EXPECT_EQ(in.len(), 64u);
	EXPECT_EQ(p.copy_from_user(in, N - 32, 64).error(), code::EINVAL); // more than the page has
	EXPECT_EQ(in.len(), 64u);
	u8 first = 1;
	must(p.read_raw(&first, 0, 1));
	EXPECT_EQ(first, 0);
}

TEST_F(PageTest, FaultingUserCopyIsEfaultAndDoesNotAdvance)
{
	Page p = must(Page::alloc(gfp::KERNEL | gfp::ZERO));
	std::vector<u8> user(128, 9);
	const uintptr_t base = kcpp_host::user_addr(user.data());
	kcpp_host::set_user_fault_range(base + 64, base + 128);
	UserSliceReader in = UserSlice(base, 128).reader();
	EXPECT_EQ(p.copy_from_user(in, 0, 128).error(), code::EFAULT);
	EXPECT_EQ(in.len(), 128u); // nothing consumed
	must(p.copy_from_user(in, 0, 64)); // the readable part
	EXPECT_EQ(in.len(), 64u);
	UserSliceWriter w = UserSlice(base + 32, 64).writer();
	EXPECT_EQ(p.copy_to_user(w, 0, 64).error(), code::EFAULT);
	EXPECT_EQ(w.len(), 64u);
}

TEST_F(PageTest, AllocationFailureIsEnomem)
{
	Result<Page> r = [] {
		kcpp_host::FailAllocations no_memory;
		return Page::alloc(gfp::KERNEL);
	}();
	ASSERT_TRUE(r.is_err());
	EXPECT_EQ(r.error(), code::ENOMEM);
}
