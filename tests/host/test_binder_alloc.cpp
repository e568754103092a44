// SPDX-License-Identifier: GPL-2.0
// drivers/binder/range_alloc.h: the per-process buffer allocator, checked against the rules
// of the C driver's binder_alloc.c (sizes, best fit, coalescing, async half, spam detector).
#include "../../drivers/binder/range_alloc.h"

#include "host_test.h"

#include <vector>

using namespace kcpp;
using namespace binder;

namespace {

struct Extra {
	int tag = 0;
};
using Alloc = RangeAllocator<Extra>;
using Buf = Alloc::Buffer;

class BinderAllocTest : public HostTest {
protected:
	Alloc::BufferBox spare() { return must(Alloc::BufferBox::make(gfp::KERNEL)); }

	void init(Alloc &a, u64 size) { a.init(size, spare()); }

	// Allocates `size` bytes; keeps the unused spare descriptor around for the next call.
	Result<Buf *> take(Alloc &a, u64 size, bool async = false, i32 pid = 100)
	{
		if (!spare_)
			spare_ = spare();
		Result<Buf *> r = a.alloc(size, async, pid, spare_);
		if (r.is_ok()) {
			// what the driver records before copying data in
			r.value()->data_size = size;
		}
		return r;
	}
	// Frees as BC_FREE_BUFFER does: delivered first, then prepare_to_free + free.
	void give_back(Alloc &a, Buf *b)
	{
		b->allow_user_free = true;
		Buf *found = must(a.prepare_to_free(b->offset));
		ASSERT_EQ(found, b);
		a.free(*b);
	}
	std::vector<std::pair<u64, u64>> free_blocks(Alloc &a)
	{
		std::vector<std::pair<u64, u64>> out;
		a.for_each([&](Buf &b) {
			if (b.free)
				out.push_back({b.offset, a.block_size(b)});
		});
		return out;
	}

	// Freed before HostTest's leak check.
	void TearDown() override
	{
		spare_ = Alloc::BufferBox::from_raw(nullptr);
		HostTest::TearDown();
	}

	Alloc::BufferBox spare_ = Alloc::BufferBox::from_raw(nullptr);
};

TEST_F(BinderAllocTest, TotalSizeRoundsEachPartToEightBytes)
{
	EXPECT_EQ(buffer_total_size(0, 0, 0), 8u); // padded so that every buffer has its own address
	EXPECT_EQ(buffer_total_size(1, 0, 0), 8u);
	EXPECT_EQ(buffer_total_size(9, 4, 0), 24u);
	EXPECT_EQ(buffer_total_size(16, 8, 40), 64u);
}

TEST_F(BinderAllocTest, TotalSizeRejectsOverflow)
{
	EXPECT_EQ(buffer_total_size(~0ull, 0, 0), 0u);
	EXPECT_EQ(buffer_total_size(~0ull - 15, 16, 0), 0u);
	EXPECT_EQ(buffer_total_size(1ull << 63, 1ull << 63, 0), 0u);
	EXPECT_EQ(buffer_total_size(8, 8, ~0ull - 3), 0u);
}

TEST_F(BinderAllocTest, StartsAsOneFreeBlockWithHalfForAsync)
{
	Alloc a;
	init(a, 1 << 20);
	EXPECT_EQ(a.block_count(), 1u);
	EXPECT_EQ(a.allocated_count(), 0u);
	EXPECT_EQ(a.free_async_space(), 512u << 10);
	EXPECT_EQ(free_blocks(a), (std::vector<std::pair<u64, u64>>{{0, 1 << 20}}));
}

TEST_F(BinderAllocTest, SplitsABiggerBlockAndKeepsTheRestFree)
{
	Alloc a;
	init(a, 8192);
	Buf *b = must(take(a, 64));
	EXPECT_EQ(b->offset, 0u);
	EXPECT_FALSE(b->free);
	EXPECT_EQ(a.block_size(*b), 64u);
	EXPECT_EQ(b->size, 64u); // recorded for lock-free bounds checks
	EXPECT_FALSE(spare_); // the spare descriptor became the free rest
	EXPECT_EQ(free_blocks(a), (std::vector<std::pair<u64, u64>>{{64, 8192 - 64}}));
}

TEST_F(BinderAllocTest, ExactFitLeavesTheSpareUnused)
{
	Alloc a;
	init(a, 4096);
	Buf *b = must(take(a, 4096));
	EXPECT_EQ(b->offset, 0u);
	EXPECT_EQ(b->size, 4096u);
	EXPECT_TRUE(spare_);
	EXPECT_TRUE(free_blocks(a).empty());
}

TEST_F(BinderAllocTest, BestFitTakesTheSmallestBlockThatFits)
{
	Alloc a;
	init(a, 8192);
	Buf *b0 = must(take(a, 64));  // [0, 64)
	Buf *b1 = must(take(a, 128)); // [64, 192)
	Buf *b2 = must(take(a, 64));  // [192, 256)
	Buf *b3 = must(take(a, 256)); // [256, 512)
	Buf *b4 = must(take(a, 64));  // [512, 576), rest [576, 8192)
	give_back(a, b1);
	give_back(a, b3);
	EXPECT_EQ(free_blocks(a), (std::vector<std::pair<u64, u64>>{{64, 128}, {256, 256}, {576, 8192 - 576}}));
	// 100 bytes fit in 128, 256 and the tail: the 128-byte hole is the best fit.
	Buf *c = must(take(a, 104));
	EXPECT_EQ(c->offset, 64u);
	// An exact fit is taken as is.
	Buf *d = must(take(a, 256));
	EXPECT_EQ(d->offset, 256u);
	// Bigger than every hole: the tail.
	Buf *e = must(take(a, 512));
	EXPECT_EQ(e->offset, 576u);
	(void)b0, (void)b2, (void)b4;
}

TEST_F(BinderAllocTest, AmongEqualBlocksTheLowestIsTaken)
{
	Alloc a;
	init(a, 4096);
	Buf *b[6];
	for (int i = 0; i < 6; ++i)
		b[i] = must(take(a, 64));
	give_back(a, b[3]);
	give_back(a, b[1]);
	Buf *c = must(take(a, 32));
	EXPECT_EQ(c->offset, 64u);
}

TEST_F(BinderAllocTest, FreeingMergesWithBothNeighbours)
{
	Alloc a;
	init(a, 4096);
	Buf *x = must(take(a, 64));
	Buf *y = must(take(a, 64));
	Buf *z = must(take(a, 64));
	Buf *w = must(take(a, 4096 - 192)); // fills the range: no free tail
	EXPECT_EQ(a.block_count(), 4u);
	give_back(a, x);
	give_back(a, z);
	EXPECT_EQ(free_blocks(a), (std::vector<std::pair<u64, u64>>{{0, 64}, {128, 64}}));
	give_back(a, y); // joins [0,64) + [64,128) + [128,192)
	EXPECT_EQ(free_blocks(a), (std::vector<std::pair<u64, u64>>{{0, 192}}));
	EXPECT_EQ(a.block_count(), 2u);
	give_back(a, w);
	EXPECT_EQ(a.block_count(), 1u);
	EXPECT_EQ(free_blocks(a), (std::vector<std::pair<u64, u64>>{{0, 4096}}));
}

TEST_F(BinderAllocTest, FragmentedSpaceIsEnospcEvenWithEnoughFreeBytes)
{
	Alloc a;
	init(a, 4096);
	std::vector<Buf *> bufs;
	for (int i = 0; i < 16; ++i)
		bufs.push_back(must(take(a, 256)));
	EXPECT_EQ(take(a, 8).error(), code::ENOSPC);
	for (int i = 0; i < 16; i += 2)
		give_back(a, bufs[i]);
	EXPECT_EQ(a.summary().free_bytes, 2048u);
	EXPECT_EQ(a.summary().largest_free, 256u);
	EXPECT_EQ(take(a, 264).error(), code::ENOSPC);
	EXPECT_TRUE(take(a, 256).is_ok());
}

TEST_F(BinderAllocTest, AsyncBuffersShareHalfOfTheRange)
{
	Alloc a;
	init(a, 8192);
	Buf *x = must(take(a, 2048, true));
	Buf *y = must(take(a, 2048, true));
	EXPECT_EQ(a.free_async_space(), 0u);
	EXPECT_EQ(take(a, 8, true).error(), code::ENOSPC); // no async space, though 4 KiB are free
	Buf *s = must(take(a, 4096, false));            // synchronous buffers are not limited
	EXPECT_EQ(a.free_async_space(), 0u);
	give_back(a, x);
	EXPECT_EQ(a.free_async_space(), 2048u);
	EXPECT_TRUE(take(a, 2048, true).is_ok());
	(void)y, (void)s;
}

TEST_F(BinderAllocTest, AsyncSpaceIsGivenBackByBlockSize)
{
	Alloc a;
	init(a, 8192);
	Buf *x = must(take(a, 100 + 4, true)); // 104 bytes
	EXPECT_EQ(a.free_async_space(), 4096u - 104);
	give_back(a, x);
	EXPECT_EQ(a.free_async_space(), 4096u);
}

TEST_F(BinderAllocTest, OneWaySpammerIsReportedOnceUntilSpaceRecovers)
{
	Alloc a;
	init(a, 1 << 20); // async half 512 KiB; detection below 1/10 of the range (~104 KiB)
	std::vector<Buf *> mine;
	int suspects = 0;
	// 440 KiB from pid 7, in 4 KiB buffers: async space left 72 KiB < 104.8 KiB.
	for (int i = 0; i < 110; ++i) {
		Buf *b = must(take(a, 4096, true, 7));
		suspects += b->oneway_spam_suspect;
		mine.push_back(b);
	}
	EXPECT_EQ(suspects, 1); // reported once, on the allocation that crossed the threshold
	EXPECT_TRUE(mine[102]->oneway_spam_suspect); // 103 * 4 KiB leaves 100 KiB < 104.8 KiB
	// Another sender with few buffers is not a suspect.
	Buf *other = must(take(a, 4096, true, 8));
	EXPECT_FALSE(other->oneway_spam_suspect);
	// Space recovers, then pid 7 goes low again: reported again.
	for (int i = 0; i < 60; ++i)
		give_back(a, mine[i]);
	Buf *again = must(take(a, 4096, true, 7)); // space is fine here: resets the detector
	EXPECT_FALSE(again->oneway_spam_suspect);
	int later = 0;
	for (int i = 0; i < 60; ++i)
		later += must(take(a, 4096, true, 7))->oneway_spam_suspect;
	EXPECT_EQ(later, 1);
}

TEST_F(BinderAllocTest, PrepareToFreeNeedsADeliveredBuffer)
{
	Alloc a;
	init(a, 4096);
	Buf *x = must(take(a, 64));
	Buf *y = must(take(a, 64));
	EXPECT_EQ(must(a.prepare_to_free(32)), nullptr);   // no buffer starts there
	EXPECT_EQ(must(a.prepare_to_free(128)), nullptr);  // the free tail is not a buffer
	EXPECT_EQ(a.prepare_to_free(64).error(), code::EPERM); // not delivered yet
	y->allow_user_free = true;
	EXPECT_EQ(must(a.prepare_to_free(64)), y);
	EXPECT_EQ(a.prepare_to_free(64).error(), code::EPERM); // being freed already
	a.free(*y);
	EXPECT_EQ(must(a.prepare_to_free(64)), nullptr);
	(void)x;
}

TEST_F(BinderAllocTest, FreeResetsTheBlock)
{
	Alloc a;
	init(a, 4096);
	Buf *x = must(take(a, 64, true));
	x->extra.tag = 5;
	give_back(a, x);
	Buf *y = must(take(a, 64));
	EXPECT_EQ(y->extra.tag, 0);
	EXPECT_FALSE(y->async_transaction);
}

TEST_F(BinderAllocTest, ClearFreesEverything)
{
	Alloc a;
	init(a, 4096);
	for (int i = 0; i < 5; ++i)
		(void)must(take(a, 64));
	a.clear();
	EXPECT_FALSE(a.is_initialized());
	EXPECT_EQ(a.block_count(), 0u);
}

} // namespace
