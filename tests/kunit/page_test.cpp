// SPDX-License-Identifier: GPL-2.0
// kcpp_page: Page on the kernel's page allocator — zeroed and highmem-capable allocation,
// bounds-checked copies at offsets, and copies straight between user memory (the test's
// own mm) and the page, as binder copies transaction data into the target's buffer pages.
#include "common.h"

#include <kcpp/page.h>

using namespace kcpp;
using namespace kcpp_test;

static constexpr usize N = Page::SIZE;

static void zeroed_page_reads_zero(Test &t)
{
	Result<Page> made = Page::alloc(gfp::KERNEL | gfp::HIGHMEM | gfp::ZERO);
	KCPP_ASSERT_OK(t, made);
	Page p = move(made).take();
	u64 words[N / 8 / 8]; // an eighth of the page at a time
	int nonzero = 0;
	for (usize off = 0; off < N; off += sizeof(words)) {
		KCPP_ASSERT_OK(t, p.read_raw(words, off, sizeof(words)));
		for (u64 w : words)
			nonzero += w != 0;
	}
	KCPP_EXPECT_EQ(t, nonzero, 0);
}

static void kernel_copies_at_offsets(Test &t)
{
	Result<Page> made = Page::alloc(gfp::KERNEL);
	KCPP_ASSERT_OK(t, made);
	Page p = move(made).take();
	const u64 head = 0x1122334455667788ull, tail = 0x8877665544332211ull;
	KCPP_EXPECT_OK(t, p.write_raw(&head, 0, sizeof(head)));
	KCPP_EXPECT_OK(t, p.write_raw(&tail, N - sizeof(tail), sizeof(tail)));
	KCPP_EXPECT_OK(t, p.fill_zero(8, N - 16));
	u64 a = 0, b = 0, mid = 1;
	KCPP_EXPECT_OK(t, p.read_raw(&a, 0, sizeof(a)));
	KCPP_EXPECT_OK(t, p.read_raw(&b, N - sizeof(b), sizeof(b)));
	KCPP_EXPECT_OK(t, p.read_raw(&mid, N / 2, sizeof(mid)));
	KCPP_EXPECT_EQ(t, a, head);
	KCPP_EXPECT_EQ(t, b, tail);
	KCPP_EXPECT_EQ(t, mid, 0ull);
}

static void out_of_page_copies_are_einval(Test &t)
{
	Result<Page> made = Page::alloc(gfp::KERNEL | gfp::ZERO);
	KCPP_ASSERT_OK(t, made);
	Page p = move(made).take();
	u64 v = ~0ull;
	KCPP_EXPECT_ERR(t, p.write_raw(&v, N - 4, sizeof(v)), code::EINVAL);
	KCPP_EXPECT_ERR(t, p.read_raw(&v, N, 1), code::EINVAL);
	KCPP_EXPECT_ERR(t, p.fill_zero(1, N), code::EINVAL);
	u32 last = 1;
	KCPP_EXPECT_OK(t, p.read_raw(&last, N - 4, sizeof(last)));
	KCPP_EXPECT_EQ(t, last, 0u); // the refused write wrote nothing
}

namespace {
// On the heap: KASAN makes stack frames large.
struct Buffers {
	u8 pattern[512];
	u8 back[512];
	u8 user_back[512];
};
} // namespace

static void user_to_page_to_user(Test &t)
{
	Result<Box<Buffers>> bufs = Box<Buffers>::make(gfp::KERNEL);
	KCPP_ASSERT_OK(t, bufs);
	u8 *pattern = bufs.value()->pattern, *back = bufs.value()->back, *user_back = bufs.value()->user_back;
	constexpr usize len = sizeof(Buffers::pattern);
	const uptr src = t.alloc_user(2 * N);
	const uptr dst = t.alloc_user(2 * N);
	KCPP_ASSERT_NE(t, src, 0ul);
	KCPP_ASSERT_NE(t, dst, 0ul);
	// A pattern in user memory that crosses a user page boundary.
	for (usize i = 0; i < len; ++i)
		pattern[i] = static_cast<u8>(i * 13 + 5);
	KCPP_ASSERT_OK(t, UserSlice(src + N - 256, len).writer().write_raw(pattern, len));

	Result<Page> made = Page::alloc(gfp::KERNEL | gfp::HIGHMEM | gfp::ZERO);
	KCPP_ASSERT_OK(t, made);
	Page p = move(made).take();
	UserSliceReader in = UserSlice(src + N - 256, len).reader();
	KCPP_EXPECT_OK(t, p.copy_from_user(in, N - 200, 200)); // fills the page's last 200 bytes
	KCPP_EXPECT_OK(t, p.copy_from_user(in, 0, 312));       // the rest at its start
	KCPP_EXPECT_TRUE(t, in.is_empty());

	KCPP_EXPECT_OK(t, p.read_raw(back, N - 200, 200));
	KCPP_EXPECT_OK(t, p.read_raw(back + 200, 0, 312));
	int differ = 0;
	for (usize i = 0; i < len; ++i)
		differ += back[i] != pattern[i];
	KCPP_EXPECT_EQ(t, differ, 0);

	UserSliceWriter out = UserSlice(dst + N - 100, len).writer();
	KCPP_EXPECT_OK(t, p.copy_to_user(out, N - 200, 200));
	KCPP_EXPECT_OK(t, p.copy_to_user(out, 0, 312));
	KCPP_EXPECT_TRUE(t, out.is_empty());
	KCPP_ASSERT_OK(t, UserSlice(dst + N - 100, len).reader().read_raw(user_back, len));
	differ = 0;
	for (usize i = 0; i < len; ++i)
		differ += user_back[i] != pattern[i];
	KCPP_EXPECT_EQ(t, differ, 0);
}

static void faulting_user_copy_is_efault(Test &t)
{
	const uptr src = t.alloc_user(N);
	KCPP_ASSERT_NE(t, src, 0ul);
	Result<Page> made = Page::alloc(gfp::KERNEL | gfp::ZERO);
	KCPP_ASSERT_OK(t, made);
	Page p = move(made).take();
	// The mapping ends after one page: a copy that runs past it faults part-way.
	UserSliceReader in = UserSlice(src + N - 16, 64).reader();
	KCPP_EXPECT_ERR(t, p.copy_from_user(in, 0, 64), code::EFAULT);
	KCPP_EXPECT_EQ(t, in.len(), 64u); // nothing consumed
	// A kernel address is not user memory.
	u64 secret = 42;
	UserSliceReader bad = UserSlice(reinterpret_cast<uptr>(&secret), sizeof(secret)).reader();
	KCPP_EXPECT_ERR(t, p.copy_from_user(bad, 0, sizeof(secret)), code::EFAULT);
	// More than the slice has.
	UserSliceWriter w = UserSlice(src, 8).writer();
	KCPP_EXPECT_ERR(t, p.copy_to_user(w, 0, 16), code::EFAULT);
}

KCPP_KUNIT_SUITE(kcpp_page,
		 KCPP_KUNIT_CASE(zeroed_page_reads_zero),
		 KCPP_KUNIT_CASE(kernel_copies_at_offsets),
		 KCPP_KUNIT_CASE(out_of_page_copies_are_einval),
		 KCPP_KUNIT_CASE(user_to_page_to_user),
		 KCPP_KUNIT_CASE(faulting_user_copy_is_efault));
