// SPDX-License-Identifier: GPL-2.0
// drivers/nvme/identify.h: Identify data as the controller sends it, well-formed and not.
#include "../../drivers/nvme/identify.h"

#include "host_test.h"

#include <vector>

using namespace kcpp;

namespace {

class NvmeIdentifyTest : public HostTest {};

struct Page {
	std::vector<u8> bytes = std::vector<u8>(nvme::identify::SIZE, 0);
	void put32(usize at, u32 v)
	{
		for (int i = 0; i < 4; ++i)
			bytes[at + i] = static_cast<u8>(v >> (8 * i));
	}
	void put64(usize at, u64 v)
	{
		put32(at, static_cast<u32>(v));
		put32(at + 4, static_cast<u32>(v >> 32));
	}
};

Page active_list(std::vector<u32> ids)
{
	Page p;
	for (usize i = 0; i < ids.size(); ++i)
		p.put32(i * 4, ids[i]);
	return p;
}

TEST_F(NvmeIdentifyTest, ActiveListReadsUpToTheTerminator)
{
	u32 out[16];
	const Page p = active_list({1, 2, 7});
	const nvme::ActiveList r = nvme::parse_active_list(p.bytes.data(), 256, out, 16);
	EXPECT_EQ(r.error, nvme::IdentifyError::None);
	ASSERT_EQ(r.count, 3u);
	EXPECT_EQ(out[2], 7u);
	EXPECT_EQ(nvme::parse_active_list(active_list({}).bytes.data(), 256, out, 16).count, 0u);
}

TEST_F(NvmeIdentifyTest, ActiveListStopsAtTheCallersLimit)
{
	u32 out[2];
	const Page p = active_list({1, 2, 3, 4});
	const nvme::ActiveList r = nvme::parse_active_list(p.bytes.data(), 0, out, 2);
	EXPECT_EQ(r.error, nvme::IdentifyError::None);
	EXPECT_EQ(r.count, 2u);
}

TEST_F(NvmeIdentifyTest, MalformedActiveListsAreRejected)
{
	u32 out[16];
	nvme::ActiveList r = nvme::parse_active_list(active_list({3, 2}).bytes.data(), 256, out, 16);
	EXPECT_EQ(r.error, nvme::IdentifyError::ListNotIncreasing);
	EXPECT_EQ(r.bad, 2u);
	EXPECT_EQ(r.count, 1u);
	r = nvme::parse_active_list(active_list({1, 1}).bytes.data(), 256, out, 16);
	EXPECT_EQ(r.error, nvme::IdentifyError::ListNotIncreasing);
	r = nvme::parse_active_list(active_list({0xffffffff}).bytes.data(), 0, out, 16); // broadcast id
	EXPECT_EQ(r.error, nvme::IdentifyError::ListNotIncreasing);
	r = nvme::parse_active_list(active_list({1, 300}).bytes.data(), 256, out, 16);
	EXPECT_EQ(r.error, nvme::IdentifyError::ListBeyondNn);
	EXPECT_EQ(r.bad, 300u);
}

Page ns(u64 blocks, u8 nlbaf, u8 flbas, std::vector<u32> shifts)
{
	Page p;
	p.put64(nvme::identify::NS_NSZE, blocks);
	p.bytes[nvme::identify::NS_NLBAF] = nlbaf;
	p.bytes[nvme::identify::NS_FLBAS] = flbas;
	for (usize i = 0; i < shifts.size(); ++i)
		p.put32(nvme::identify::NS_LBAF + 4 * i, shifts[i] << 16);
	return p;
}

TEST_F(NvmeIdentifyTest, NamespaceGeometry)
{
	const nvme::NamespaceGeometry g = nvme::parse_namespace(ns(524288, 1, 1, {9, 12}).bytes.data());
	EXPECT_EQ(g.error, nvme::IdentifyError::None);
	EXPECT_EQ(g.blocks, 524288u);
	EXPECT_EQ(g.lba_shift, 12u);
	EXPECT_EQ(g.format, 1);
	// FLBAS bits 7:4 are not the format index.
	EXPECT_EQ(nvme::parse_namespace(ns(8, 0, 0x10, {9}).bytes.data()).lba_shift, 9u);
}

TEST_F(NvmeIdentifyTest, MalformedNamespacesAreRejected)
{
	EXPECT_EQ(nvme::parse_namespace(ns(8, 0, 1, {9, 12}).bytes.data()).error, nvme::IdentifyError::FormatOutOfRange);
	EXPECT_EQ(nvme::parse_namespace(ns(8, 0, 0, {8}).bytes.data()).error, nvme::IdentifyError::BlockSize);
	EXPECT_EQ(nvme::parse_namespace(ns(8, 0, 0, {16}).bytes.data()).error, nvme::IdentifyError::BlockSize);
	EXPECT_EQ(nvme::parse_namespace(ns(0, 0, 0, {9}).bytes.data()).error, nvme::IdentifyError::Size);
	EXPECT_EQ(nvme::parse_namespace(ns(~0ull, 0, 0, {9}).bytes.data()).error, nvme::IdentifyError::Size);
	EXPECT_EQ(nvme::parse_namespace(ns(u64(1) << 54, 0, 0, {9}).bytes.data()).error, nvme::IdentifyError::None);
}

} // namespace
