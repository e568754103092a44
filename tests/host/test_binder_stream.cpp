// SPDX-License-Identifier: GPL-2.0
// drivers/binder/stream.h: the BC command stream and the BR return stream of
// BINDER_WRITE_READ, with the C driver's pointer arithmetic. On the host, user addresses are
// host addresses (host_shims.h).
#include "../../drivers/binder/stream.h"

#include "host_test.h"

#include <cstring>
#include <vector>

using namespace kcpp;
using namespace binder;
using kcpp_host::user_addr;

namespace {

class BinderStreamTest : public HostTest {};

struct Bytes {
	std::vector<unsigned char> b;
	template <typename T> void put(const T &v)
	{
		const auto *p = reinterpret_cast<const unsigned char *>(&v);
		b.insert(b.end(), p, p + sizeof(T));
	}
	uptr addr() { return user_addr(b.data()); }
};

TEST_F(BinderStreamTest, CommandNumbersEncodeTheirPayloadSize)
{
	EXPECT_EQ(ioc::size(bc::TRANSACTION), sizeof(TransactionData));
	EXPECT_EQ(ioc::size(bc::TRANSACTION_SG), sizeof(TransactionDataSg));
	EXPECT_EQ(ioc::size(bc::REQUEST_DEATH_NOTIFICATION), 12u); // packed
	EXPECT_EQ(ioc::size(bc::ENTER_LOOPER), 0u);
	EXPECT_EQ(ioc::nr(bc::FREEZE_NOTIFICATION_DONE) + 1, bc::COUNT);
	EXPECT_EQ(ioc::nr(br::CLEAR_FREEZE_NOTIFICATION_DONE) + 1, br::COUNT);
}

TEST_F(BinderStreamTest, ReadsCommandsAndTheirPayloads)
{
	Bytes in;
	in.put(bc::ENTER_LOOPER);
	in.put(bc::ACQUIRE);
	in.put(u32(3));
	in.put(bc::INCREFS_DONE);
	in.put(PtrCookie{0x1000, 0x2000});
	CommandReader r(in.addr(), in.b.size(), 0);

	ASSERT_TRUE(r.has_more());
	EXPECT_EQ(must(r.read<u32>()), bc::ENTER_LOOPER);
	r.commit();
	EXPECT_EQ(r.consumed(), 4u);
	EXPECT_EQ(must(r.read<u32>()), bc::ACQUIRE);
	EXPECT_EQ(must(r.read<u32>()), 3u);
	r.commit();
	EXPECT_EQ(must(r.read<u32>()), bc::INCREFS_DONE);
	PtrCookie pc = must(r.read<PtrCookie>());
	EXPECT_EQ(pc.ptr, 0x1000u);
	EXPECT_EQ(pc.cookie, 0x2000u);
	r.commit();
	EXPECT_EQ(r.consumed(), in.b.size());
	EXPECT_FALSE(r.has_more());
}

TEST_F(BinderStreamTest, StartsAtWriteConsumed)
{
	Bytes in;
	in.put(bc::ENTER_LOOPER);
	in.put(bc::EXIT_LOOPER);
	CommandReader r(in.addr(), in.b.size(), 4);
	EXPECT_EQ(must(r.read<u32>()), bc::EXIT_LOOPER);
}

TEST_F(BinderStreamTest, APayloadMayRunPastWriteSizeAsInC)
{
	// write_size covers only the command word; C reads the handle after it anyway.
	Bytes in;
	in.put(bc::ACQUIRE);
	in.put(u32(7));
	CommandReader r(in.addr(), 4, 0);
	EXPECT_EQ(must(r.read<u32>()), bc::ACQUIRE);
	EXPECT_EQ(must(r.read<u32>()), 7u);
	r.commit();
	EXPECT_EQ(r.consumed(), 8u);
	EXPECT_FALSE(r.has_more());
}

TEST_F(BinderStreamTest, AFaultIsEfaultAndConsumesNothing)
{
	Bytes in;
	in.put(bc::ACQUIRE);
	in.put(u32(7));
	const uptr a = in.addr();
	kcpp_host::set_user_fault_range(a + 4, a + 8);
	CommandReader r(a, in.b.size(), 0);
	EXPECT_EQ(must(r.read<u32>()), bc::ACQUIRE);
	EXPECT_EQ(r.read<u32>().error(), code::EFAULT);
	EXPECT_EQ(r.consumed(), 0u);
	kcpp_host::clear_user_fault_range();
}

TEST_F(BinderStreamTest, ReturnsAreWrittenInOrder)
{
	std::vector<unsigned char> out(128, 0xee);
	ReturnWriter w(user_addr(out.data()), out.size(), 0);
	must(w.write(br::NOOP));
	must(w.write(br::INCREFS));
	must(w.write(PtrCookie{1, 2}));
	EXPECT_EQ(w.consumed(), 24u);
	EXPECT_EQ(w.remaining(), 104u);
	u32 word;
	memcpy(&word, out.data() + 4, 4);
	EXPECT_EQ(word, 0xeeeeeeeeu); // gathered, not copied yet
	must(w.flush());
	memcpy(&word, out.data() + 4, 4);
	EXPECT_EQ(word, br::INCREFS);
	must(w.overwrite_first(br::SPAWN_LOOPER));
	memcpy(&word, out.data(), 4);
	EXPECT_EQ(word, br::SPAWN_LOOPER);
	EXPECT_EQ(w.consumed(), 24u); // overwriting does not move
}

TEST_F(BinderStreamTest, AWorkItemNeedsRoomForTheLargestReturn)
{
	std::vector<unsigned char> out(200);
	EXPECT_EQ(ReturnWriter::ITEM_RESERVE, 76u);
	ReturnWriter fits(user_addr(out.data()), 80, 4);
	EXPECT_TRUE(fits.has_room_for_item());
	ReturnWriter tight(user_addr(out.data()), 79, 4);
	EXPECT_FALSE(tight.has_room_for_item());
	ReturnWriter past(user_addr(out.data()), 2, 4); // consumed beyond read_size
	EXPECT_EQ(past.remaining(), 0u);
	EXPECT_FALSE(past.has_room_for_item());
}

TEST_F(BinderStreamTest, WritingToAFaultingBufferIsEfaultAtTheFlush)
{
	std::vector<unsigned char> out(64);
	const uptr a = user_addr(out.data());
	kcpp_host::set_user_fault_range(a, a + 64);
	ReturnWriter w(a, out.size(), 0);
	must(w.write(br::NOOP));
	EXPECT_EQ(w.flush().error(), code::EFAULT);
	kcpp_host::clear_user_fault_range();
}

TEST_F(BinderStreamTest, LargeReturnsGoStraightOutAfterWhatWasGathered)
{
	std::vector<unsigned char> out(1024, 0);
	ReturnWriter w(user_addr(out.data()), out.size(), 8);
	must(w.write(br::NOOP));
	std::vector<unsigned char> big(ReturnWriter::GATHER + 4, 0xab);
	must(w.write_raw(big.data(), big.size()));
	EXPECT_EQ(w.consumed(), 8 + 4 + big.size());
	u32 word;
	memcpy(&word, out.data() + 8, 4);
	EXPECT_EQ(word, br::NOOP);
	EXPECT_EQ(out[12], 0xab);
	EXPECT_EQ(out[12 + big.size() - 1], 0xab);
}

TEST_F(BinderStreamTest, GatheringFlushesWhenFull)
{
	std::vector<unsigned char> out(1024, 0);
	ReturnWriter w(user_addr(out.data()), out.size(), 0);
	for (usize i = 0; i < ReturnWriter::GATHER / 4 + 1; ++i)
		must(w.write(static_cast<u32>(i)));
	u32 first;
	memcpy(&first, out.data(), 4);
	EXPECT_EQ(first, 0u);
	u32 last;
	memcpy(&last, out.data() + ReturnWriter::GATHER - 4, 4);
	EXPECT_EQ(last, ReturnWriter::GATHER / 4 - 1); // the full buffer went out
	must(w.flush());
	memcpy(&last, out.data() + ReturnWriter::GATHER, 4);
	EXPECT_EQ(last, ReturnWriter::GATHER / 4);
}

} // namespace
