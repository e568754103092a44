// SPDX-License-Identifier: GPL-2.0
// kcpp_uaccess: UserSlice readers and writers on real user memory, mapped into the KUnit
// test thread's own mm (kcpp::kunit::Test::alloc_user, i.e. kunit_vm_mmap).
#include "common.h"

using namespace kcpp;
using namespace kcpp_test;

static constexpr usize page = KCPP_PAGE_SIZE;

struct Record {
	u32 magic;
	u16 kind;
	u16 flags;
	u64 cookie;
};

static void alloc_user_maps_user_memory(Test &t)
{
	const uptr addr = t.alloc_user(page);
	KCPP_ASSERT_NE(t, addr, 0ul);
	KCPP_EXPECT_EQ(t, addr % page, 0ul);
	// Fresh anonymous memory reads as zeros.
	u64 words[4] = {1, 1, 1, 1};
	UserSliceReader r = UserSlice(addr, page).reader();
	KCPP_ASSERT_OK(t, r.read_raw(words, sizeof(words)));
	KCPP_EXPECT_EQ(t, words[0] | words[1] | words[2] | words[3], 0ull);
}

static void write_then_read_round_trips(Test &t)
{
	const uptr addr = t.alloc_user(page);
	KCPP_ASSERT_NE(t, addr, 0ul);
	const Record out = {0xfeedf00d, 7, 0x8001, 0x0123456789abcdefull};
	UserSliceWriter w = UserSlice(addr, 64).writer();
	KCPP_EXPECT_OK(t, w.write<u32>(0xdeadbeef));
	KCPP_EXPECT_OK(t, w.write(out));
	KCPP_EXPECT_EQ(t, w.len(), 64u - 4u - sizeof(Record));

	UserSliceReader r = UserSlice(addr, 64).reader();
	Result<u32> first = r.read<u32>();
	KCPP_ASSERT_OK(t, first);
	KCPP_EXPECT_EQ(t, first.value(), 0xdeadbeefu);
	Result<Record> in = r.read<Record>();
	KCPP_ASSERT_OK(t, in);
	KCPP_EXPECT_EQ(t, in.value().magic, out.magic);
	KCPP_EXPECT_EQ(t, in.value().kind, out.kind);
	KCPP_EXPECT_EQ(t, in.value().flags, out.flags);
	KCPP_EXPECT_EQ(t, in.value().cookie, out.cookie);
	KCPP_EXPECT_EQ(t, r.len(), 64u - 4u - sizeof(Record));
}

static void raw_bytes_round_trip(Test &t)
{
	const uptr addr = t.alloc_user(2 * page);
	KCPP_ASSERT_NE(t, addr, 0ul);
	u8 pattern[300], back[300];
	for (usize i = 0; i < sizeof(pattern); ++i)
		pattern[i] = static_cast<u8>(i * 7 + 1);
	// Across the page boundary inside the mapping.
	const uptr at = addr + page - 100;
	KCPP_ASSERT_OK(t, UserSlice(at, sizeof(pattern)).writer().write_raw(pattern, sizeof(pattern)));
	KCPP_ASSERT_OK(t, UserSlice(at, sizeof(back)).reader().read_raw(back, sizeof(back)));
	int differ = 0;
	for (usize i = 0; i < sizeof(back); ++i)
		differ += pattern[i] != back[i];
	KCPP_EXPECT_EQ(t, differ, 0);
}

static void reading_past_the_slice_is_efault(Test &t)
{
	const uptr addr = t.alloc_user(page);
	KCPP_ASSERT_NE(t, addr, 0ul);
	UserSliceReader r = UserSlice(addr, 8).reader();
	u8 buf[16];
	KCPP_EXPECT_ERR(t, r.read_raw(buf, sizeof(buf)), code::EFAULT); // 16 > 8
	KCPP_EXPECT_EQ(t, r.len(), 8u); // nothing consumed
	KCPP_EXPECT_OK(t, r.read<u64>());
	KCPP_EXPECT_TRUE(t, r.is_empty());
	KCPP_EXPECT_ERR(t, r.read<u8>(), code::EFAULT);
	KCPP_EXPECT_ERR(t, r.skip(1), code::EFAULT);
}

static void writing_past_the_slice_is_efault(Test &t)
{
	const uptr addr = t.alloc_user(page);
	KCPP_ASSERT_NE(t, addr, 0ul);
	UserSliceWriter w = UserSlice(addr, 4).writer();
	KCPP_EXPECT_ERR(t, w.write<u64>(1), code::EFAULT);
	KCPP_EXPECT_EQ(t, w.len(), 4u);
	KCPP_EXPECT_ERR(t, w.zero(5), code::EFAULT);
	// The refused write did not touch user memory.
	u64 v = 1;
	KCPP_ASSERT_OK(t, UserSlice(addr, 8).reader().read_raw(&v, sizeof(v)));
	KCPP_EXPECT_EQ(t, v, 0ull);
	KCPP_EXPECT_OK(t, w.write<u32>(0x01020304));
	KCPP_EXPECT_EQ(t, w.len(), 0u);
}

static void bad_user_addresses_are_efault(Test &t)
{
	u64 v = 0;
	// The NULL page is never mapped (mmap_min_addr).
	KCPP_EXPECT_ERR(t, UserSlice(0, 8).reader().read<u64>(), code::EFAULT);
	KCPP_EXPECT_ERR(t, UserSlice(64, 8).writer().write(v), code::EFAULT);
	// A kernel address is not a user address (access_ok refuses it).
	const uptr kernel = reinterpret_cast<uptr>(&v);
	KCPP_EXPECT_ERR(t, UserSlice(kernel, 8).reader().read<u64>(), code::EFAULT);
	KCPP_EXPECT_ERR(t, UserSlice(kernel, 8).writer().write<u64>(5), code::EFAULT);
	KCPP_EXPECT_ERR(t, UserSlice(kernel, 8).writer().zero(8), code::EFAULT);
	KCPP_EXPECT_EQ(t, v, 0ull);
	// Non-canonical and wrapping ranges.
	KCPP_EXPECT_ERR(t, UserSlice(0x8000000000000000ul, 8).reader().read<u64>(), code::EFAULT);
	KCPP_EXPECT_ERR(t, UserSlice(static_cast<uptr>(-4), 8).reader().read<u64>(), code::EFAULT);
}

static void fault_inside_a_range_is_efault(Test &t)
{
	// The mapping's last bytes are readable, the page after it is not mapped: a read that
	// straddles the end faults part-way and reports EFAULT.
	const uptr addr = t.alloc_user(page);
	KCPP_ASSERT_NE(t, addr, 0ul);
	KCPP_EXPECT_OK(t, UserSlice(addr + page - 8, 8).reader().read<u64>());
	KCPP_EXPECT_ERR(t, UserSlice(addr + page - 4, 8).reader().read<u64>(), code::EFAULT);
	KCPP_EXPECT_ERR(t, UserSlice(addr + page - 4, 8).writer().write<u64>(1), code::EFAULT);
}

static void zero_and_skip(Test &t)
{
	const uptr addr = t.alloc_user(page);
	KCPP_ASSERT_NE(t, addr, 0ul);
	u8 ones[32];
	for (u8 &b : ones)
		b = 0xff;
	KCPP_ASSERT_OK(t, UserSlice(addr, 32).writer().write_raw(ones, sizeof(ones)));
	UserSliceWriter w = UserSlice(addr + 8, 16).writer();
	KCPP_EXPECT_OK(t, w.zero(16));
	KCPP_EXPECT_EQ(t, w.len(), 0u);

	UserSliceReader r = UserSlice(addr, 32).reader();
	KCPP_EXPECT_OK(t, r.skip(4));
	Result<u32> before = r.read<u32>();
	Result<u64> zero1 = r.read<u64>();
	Result<u64> zero2 = r.read<u64>();
	Result<u64> after = r.read<u64>();
	KCPP_ASSERT_TRUE(t, before.is_ok() && zero1.is_ok() && zero2.is_ok() && after.is_ok());
	KCPP_EXPECT_EQ(t, before.value(), 0xffffffffu);
	KCPP_EXPECT_EQ(t, zero1.value() | zero2.value(), 0ull);
	KCPP_EXPECT_EQ(t, after.value(), ~0ull);
	KCPP_EXPECT_TRUE(t, r.is_empty());
}

KCPP_KUNIT_SUITE(kcpp_uaccess,
		 KCPP_KUNIT_CASE(alloc_user_maps_user_memory),
		 KCPP_KUNIT_CASE(write_then_read_round_trips),
		 KCPP_KUNIT_CASE(raw_bytes_round_trip),
		 KCPP_KUNIT_CASE(reading_past_the_slice_is_efault),
		 KCPP_KUNIT_CASE(writing_past_the_slice_is_efault),
		 KCPP_KUNIT_CASE(bad_user_addresses_are_efault),
		 KCPP_KUNIT_CASE(fault_inside_a_range_is_efault),
		 KCPP_KUNIT_CASE(zero_and_skip));
