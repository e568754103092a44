// SPDX-License-Identifier: GPL-2.0
// drivers/nvme/prp.h: how kcpp_nvme describes a transfer with PRP1, PRP2 and a PRP list.
#include "../../drivers/nvme/prp.h"

#include "host_test.h"

#include <vector>

using namespace kcpp;

namespace {

class NvmePrpTest : public HostTest {};

struct Segments {
	std::vector<std::pair<u64, u32>> segs;
	u64 dma_address(usize i) const { return segs.at(i).first; }
	u32 dma_len(usize i) const { return segs.at(i).second; }
};

struct Built {
	Result<void> result;
	nvme::Command cmd{};
	std::vector<u64> list = std::vector<u64>(8, 0);
};

Built build(Segments s, u32 length)
{
	Built b{Result<void>{}};
	b.result = nvme::build_prps(b.cmd, s, s.segs.size(), length, b.list.data(), b.list.size(), 0xabc000);
	return b;
}

TEST_F(NvmePrpTest, OnePageNeedsOnlyPrp1)
{
	Built b = build({{{0x10000, 4096}}}, 4096);
	ASSERT_TRUE(b.result.is_ok());
	EXPECT_EQ(b.cmd.prp1, 0x10000u);
	EXPECT_EQ(b.cmd.prp2, 0u);
}

TEST_F(NvmePrpTest, SmallTransferInsideAPageNeedsOnlyPrp1)
{
	Built b = build({{{0x10200, 512}}}, 512);
	ASSERT_TRUE(b.result.is_ok());
	EXPECT_EQ(b.cmd.prp1, 0x10200u);
	EXPECT_EQ(b.cmd.prp2, 0u);
}

TEST_F(NvmePrpTest, TwoPagesUsePrp2ForTheSecond)
{
	Built b = build({{{0x10000, 8192}}}, 8192);
	ASSERT_TRUE(b.result.is_ok());
	EXPECT_EQ(b.cmd.prp1, 0x10000u);
	EXPECT_EQ(b.cmd.prp2, 0x11000u);
}

TEST_F(NvmePrpTest, AnOffsetFirstPageCountsOnlyItsRest)
{
	// 0x10e00..0x11e00: the tail of one page and the head of the next.
	Built b = build({{{0x10e00, 4096}}}, 4096);
	ASSERT_TRUE(b.result.is_ok());
	EXPECT_EQ(b.cmd.prp1, 0x10e00u);
	EXPECT_EQ(b.cmd.prp2, 0x11000u);
}

TEST_F(NvmePrpTest, LongerTransfersUseTheList)
{
	Built b = build({{{0x20000, 4 * 4096}}}, 4 * 4096);
	ASSERT_TRUE(b.result.is_ok());
	EXPECT_EQ(b.cmd.prp1, 0x20000u);
	EXPECT_EQ(b.cmd.prp2, 0xabc000u);
	EXPECT_EQ(b.list[0], 0x21000u);
	EXPECT_EQ(b.list[1], 0x22000u);
	EXPECT_EQ(b.list[2], 0x23000u);
}

TEST_F(NvmePrpTest, ScatteredPagesAreListedInOrder)
{
	Built b = build({{{0x30800, 2048}, {0x50000, 4096}, {0x70000, 8192}}}, 2048 + 4096 + 8192);
	ASSERT_TRUE(b.result.is_ok());
	EXPECT_EQ(b.cmd.prp1, 0x30800u);
	EXPECT_EQ(b.cmd.prp2, 0xabc000u);
	EXPECT_EQ(b.list[0], 0x50000u);
	EXPECT_EQ(b.list[1], 0x70000u);
	EXPECT_EQ(b.list[2], 0x71000u);
}

TEST_F(NvmePrpTest, ASegmentEndingMidPageIsRefused)
{
	// The second segment ends inside a page yet more data follows: not PRP-able.
	Built b = build({{{0x10000, 4096}, {0x20000, 1024}, {0x30000, 4096}}}, 4096 + 1024 + 4096);
	EXPECT_TRUE(b.result.is_err());
}

TEST_F(NvmePrpTest, AMisalignedLaterSegmentIsRefused)
{
	Built b = build({{{0x10000, 4096}, {0x20200, 4096}}}, 8192);
	EXPECT_TRUE(b.result.is_err());
}

TEST_F(NvmePrpTest, AListThatWouldOverflowIsRefused)
{
	// 10 more pages than PRP1 covers, but room for only 8 list entries.
	Built b = build({{{0x100000, 11 * 4096}}}, 11 * 4096);
	EXPECT_TRUE(b.result.is_err());
}

TEST_F(NvmePrpTest, MissingSegmentsAreRefused)
{
	Built b = build({{{0x10000, 4096}}}, 3 * 4096);
	EXPECT_TRUE(b.result.is_err());
}

} // namespace

// build_simple_prps: the inline path for one segment within two pages gives what build_prps
// gives, and declines everything else without touching the command.
TEST_F(NvmePrpTest, SimplePrpsAgreeWithBuildPrps)
{
	const std::pair<u64, u32> cases[] = {{0x10000, 4096}, {0x10000, 512}, {0x10000, 8192}, {0x10e00, 512},
					     {0x10e00, 4096}, {0x10e00, 4608}};
	for (auto [addr, len] : cases) {
		Segments s{{{addr, len}}};
		nvme::Command simple{};
		ASSERT_TRUE(nvme::build_simple_prps(simple, s, 1, len)) << std::hex << addr << " " << len;
		Built b = build(s, len);
		ASSERT_TRUE(b.result.is_ok());
		EXPECT_EQ(simple.prp1, b.cmd.prp1);
		EXPECT_EQ(simple.prp2, b.cmd.prp2);
	}
}

TEST_F(NvmePrpTest, SimplePrpsDeclineWhatNeedsAListOrMoreSegments)
{
	nvme::Command cmd{};
	Segments three_pages{{{0x10000, 12288}}};
	EXPECT_FALSE(nvme::build_simple_prps(cmd, three_pages, 1, 12288));
	Segments offset_over_two{{{0x10e00, 8192}}}; // starts mid-page: touches three pages
	EXPECT_FALSE(nvme::build_simple_prps(cmd, offset_over_two, 1, 8192));
	Segments two{{{0x10000, 4096}, {0x20000, 4096}}};
	EXPECT_FALSE(nvme::build_simple_prps(cmd, two, 2, 8192));
	Segments short_seg{{{0x10000, 4096}}}; // the segment does not cover the transfer
	EXPECT_FALSE(nvme::build_simple_prps(cmd, short_seg, 1, 8192));
	EXPECT_FALSE(nvme::build_simple_prps(cmd, short_seg, 1, 0));
	EXPECT_EQ(cmd.prp1, 0u);
	EXPECT_EQ(cmd.prp2, 0u);
}
