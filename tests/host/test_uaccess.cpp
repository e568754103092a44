// SPDX-License-Identifier: GPL-2.0
// kcpp/uaccess.h: UserSlice, its reader and writer, over the host's copy_{from,to}_user.
#include "host_test.h"

#include <cstring>

#include <kcpp/uaccess.h>

using namespace kcpp;
using kcpp_host::user_addr;

namespace {

class UaccessTest : public HostTest {};

struct Cmd {
	u32 op;
	u32 flags;
	u64 arg;
};

} // namespace

TEST_F(UaccessTest, ReaderReadsPlainDataAndTracksTheLength)
{
	Cmd user[2] = {{1, 2, 3}, {4, 5, 6}};
	UserSliceReader r = UserSlice(user_addr(user), sizeof(user)).reader();
	EXPECT_EQ(r.len(), sizeof(user));
	Cmd a = must(r.read<Cmd>());
	EXPECT_EQ(a.op, 1u);
	EXPECT_EQ(a.arg, 3u);
	EXPECT_EQ(r.len(), sizeof(Cmd));
	EXPECT_FALSE(r.is_empty());
	Cmd b = must(r.read<Cmd>());
	EXPECT_EQ(b.flags, 5u);
	EXPECT_TRUE(r.is_empty());
}

TEST_F(UaccessTest, ReadingPastTheSliceIsEfault)
{
	Cmd user{1, 2, 3};
	UserSliceReader r(user_addr(&user), sizeof(user) - 1); // one byte short
	Result<Cmd> c = r.read<Cmd>();
	ASSERT_TRUE(c.is_err());
	EXPECT_TRUE(c.error() == code::EFAULT);
	EXPECT_EQ(r.len(), sizeof(user) - 1); // nothing consumed
	u32 op = must(r.read<u32>());
	EXPECT_EQ(op, 1u);
}

TEST_F(UaccessTest, ReadRawAndSkip)
{
	const char user[] = "0123456789";
	UserSliceReader r(user_addr(user), 10);
	must(r.skip(3));
	char buf[4] = {};
	must(r.read_raw(buf, 3));
	EXPECT_STREQ(buf, "345");
	EXPECT_EQ(r.len(), 4u);
	Result<void> too_far = r.skip(5);
	ASSERT_TRUE(too_far.is_err());
	EXPECT_TRUE(too_far.error() == code::EFAULT);
	must(r.skip(4));
	EXPECT_TRUE(r.is_empty());
	must(r.read_raw(buf, 0)); // an empty read is fine
}

TEST_F(UaccessTest, AFaultingRangeIsEfault)
{
	u8 user[64];
	memset(user, 0xab, sizeof(user));
	kcpp_host::set_user_fault_range(user_addr(user + 16), user_addr(user + 32));
	UserSliceReader r(user_addr(user), sizeof(user));
	u8 first[16];
	must(r.read_raw(first, 16)); // up to the fault: fine
	EXPECT_EQ(first[15], 0xab);
	u8 buf[8];
	Result<void> res = r.read_raw(buf, 8);
	ASSERT_TRUE(res.is_err());
	EXPECT_TRUE(res.error() == code::EFAULT);
	EXPECT_EQ(r.len(), 48u); // a failed read consumes nothing
	kcpp_host::clear_user_fault_range();
	must(r.read_raw(buf, 8)); // the page is mapped again
	EXPECT_EQ(buf[0], 0xab);
}

TEST_F(UaccessTest, ACopyThatStartsBeforeTheFaultIsShort)
{
	u8 user[32];
	memset(user, 0x11, sizeof(user));
	kcpp_host::set_user_fault_range(user_addr(user + 20), user_addr(user + 24));
	u8 dst[32];
	memset(dst, 0xff, sizeof(dst));
	EXPECT_EQ(kcpp_copy_from_user(dst, user_addr(user + 10), 20), 10u); // 10 copied, 10 not
	EXPECT_EQ(dst[9], 0x11);
	EXPECT_EQ(dst[10], 0x00); // copy_from_user zeroes the rest
	EXPECT_EQ(dst[19], 0x00);
	EXPECT_EQ(dst[20], 0xff);
	dst[0] = dst[1] = 0x22;
	EXPECT_EQ(kcpp_copy_to_user(user_addr(user + 16), dst, 8), 4u); // bytes 16..19 written
	EXPECT_EQ(user[16], 0x22);
	EXPECT_EQ(user[19], 0x11);
	EXPECT_EQ(kcpp_clear_user(user_addr(user + 14), 8), 2u);
	EXPECT_EQ(user[14], 0x00);
	EXPECT_EQ(user[17], 0x00);
	EXPECT_EQ(user[13], 0x11);
}

TEST_F(UaccessTest, NullAndWrappingAddressesFault)
{
	UserSliceReader null_reader(0, 8);
	EXPECT_TRUE(null_reader.read<u64>().is_err());
	UserSliceReader wrap(~uptr(0) - 3, 8);
	EXPECT_TRUE(wrap.read<u64>().is_err());
	UserSliceWriter null_writer(16, 8);
	EXPECT_TRUE(null_writer.write(u64{1}).is_err());
}

TEST_F(UaccessTest, WriterWritesAndTracksTheLength)
{
	Cmd user{};
	UserSliceWriter w = UserSlice(user_addr(&user), sizeof(user)).writer();
	must(w.write(u32{7}));
	EXPECT_EQ(w.len(), sizeof(user) - 4);
	must(w.write(u32{8}));
	must(w.write(u64{9}));
	EXPECT_EQ(w.len(), 0u);
	EXPECT_EQ(user.op, 7u);
	EXPECT_EQ(user.flags, 8u);
	EXPECT_EQ(user.arg, 9u);
	Result<void> more = w.write(u8{1});
	ASSERT_TRUE(more.is_err());
	EXPECT_TRUE(more.error() == code::EFAULT);
}

TEST_F(UaccessTest, WriterZeroAndFaults)
{
	u8 user[16];
	memset(user, 0x5a, sizeof(user));
	UserSliceWriter w(user_addr(user), sizeof(user));
	must(w.zero(4));
	EXPECT_EQ(user[3], 0);
	EXPECT_EQ(user[4], 0x5a);
	kcpp_host::set_user_fault_range(user_addr(user + 8), user_addr(user + 9));
	Result<void> z = w.zero(8);
	ASSERT_TRUE(z.is_err());
	EXPECT_TRUE(z.error() == code::EFAULT);
	EXPECT_EQ(w.len(), 12u);
	const u8 bytes[8] = {1, 2, 3, 4, 5, 6, 7, 8};
	EXPECT_TRUE(w.write_raw(bytes, 8).is_err());
	must(w.write_raw(bytes, 4)); // stops short of the fault
	EXPECT_EQ(user[7], 4);
	EXPECT_TRUE(w.zero(20).is_err()); // longer than what is left
	EXPECT_EQ(w.len(), 8u);
}

TEST_F(UaccessTest, ReaderAndWriterOfOneSliceAreIndependent)
{
	u32 user[2] = {10, 20};
	UserSlice slice(user_addr(user), sizeof(user));
	EXPECT_EQ(slice.len(), sizeof(user));
	UserSliceReader r = slice.reader();
	UserSliceWriter w = slice.writer();
	u32 first = must(r.read<u32>());
	must(w.write(first + 1));
	EXPECT_EQ(user[0], 11u);
	EXPECT_EQ(must(r.read<u32>()), 20u);
	EXPECT_EQ(w.len(), 4u);
}
