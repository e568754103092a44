// SPDX-License-Identifier: GPL-2.0
// PRP construction: how a mapped transfer is described to an NVMe controller. Pure logic over
// DMA segments (tests/host/test_nvme_prp.cpp checks it against hand-computed layouts).
#pragma once

#include <kcpp/error.h>

#include "nvme_spec.h"

namespace nvme {

inline constexpr u32 PRP_PAGE = 4096; // the controller page size the driver configures

// Most I/O: one segment within two pages, described by PRP1 and PRP2 alone, without a list.
// False (cmd untouched) for anything else: build_prps then. Inline: it runs for every I/O.
template <typename Segments>
[[gnu::always_inline]] inline bool build_simple_prps(Command &cmd, Segments &segs, kcpp::usize count, u32 length)
{
	if (count != 1 || length == 0 || segs.dma_len(0) != length)
		return false;
	const u64 addr = segs.dma_address(0);
	const u32 first = PRP_PAGE - (addr & (PRP_PAGE - 1));
	if (length > first + PRP_PAGE)
		return false;
	cmd.prp1 = addr;
	cmd.prp2 = length > first ? addr + first : 0;
	return true;
}

// Fills cmd.prp1/prp2 for `length` bytes over `count` DMA segments (segs.dma_address(i),
// segs.dma_len(i)); transfers beyond two pages use `list` (room for `capacity` entries, at
// device address list_dma). The first entry may start anywhere in a page; every other one
// must be a whole page, so each segment but the first must start, and each but the last
// end, on a page boundary (the block layer's virtual boundary ensures it). EIO otherwise.
template <typename Segments>
kcpp::Result<void> build_prps(Command &cmd, Segments &segs, kcpp::usize count, u32 length, u64 *list,
			      kcpp::usize capacity, u64 list_dma)
{
	using kcpp::i64;
	if (count == 0 || length == 0)
		return kcpp::code::EIO;
	kcpp::usize i = 0;
	u64 addr = segs.dma_address(0);
	i64 seg_left = segs.dma_len(0);
	i64 left = length;
	const u32 offset = addr & (PRP_PAGE - 1);

	cmd.prp1 = addr;
	left -= PRP_PAGE - offset;
	if (left <= 0)
		return {};
	seg_left -= PRP_PAGE - offset;
	if (seg_left > 0) {
		addr += PRP_PAGE - offset;
	} else {
		if (seg_left < 0 || ++i >= count)
			return kcpp::code::EIO;
		addr = segs.dma_address(i);
		seg_left = segs.dma_len(i);
	}
	if (left <= PRP_PAGE) {
		if (addr & (PRP_PAGE - 1))
			return kcpp::code::EIO;
		cmd.prp2 = addr;
		return {};
	}

	kcpp::usize n = 0;
	for (;;) {
		if (n == capacity || (addr & (PRP_PAGE - 1)))
			return kcpp::code::EIO;
		list[n++] = addr;
		seg_left -= PRP_PAGE;
		addr += PRP_PAGE;
		left -= PRP_PAGE;
		if (left <= 0)
			break;
		if (seg_left > 0)
			continue;
		if (seg_left < 0 || ++i >= count)
			return kcpp::code::EIO; // a segment that does not end on a page boundary
		addr = segs.dma_address(i);
		seg_left = segs.dma_len(i);
	}
	cmd.prp2 = list_dma;
	return {};
}

} // namespace nvme
