// SPDX-License-Identifier: GPL-2.0
// Reading Identify data: device input, so every field the driver relies on is checked here
// (pure logic; tests/host/test_nvme_identify.cpp feeds it malformed data).
#pragma once

#include "nvme_spec.h"

namespace nvme {

template <typename T> constexpr T load_le(const u8 *p)
{
	T v = 0;
	for (kcpp::usize i = 0; i < sizeof(T); ++i)
		v |= static_cast<T>(p[i]) << (8 * i);
	return v;
}

enum class IdentifyError {
	None,
	ListNotIncreasing, // active namespace list out of order or repeating
	ListBeyondNn,      // a namespace id above the controller's NN
	FormatOutOfRange,  // FLBAS names a format beyond NLBAF
	BlockSize,         // LBA data size outside 512 B - 4 KiB
	Size,              // zero blocks, or more than a 64-bit byte count holds
};

// The Active Namespace ID list (CNS 02h: 1024 ids, increasing, ended by 0): up to `max` ids
// into `out`. On error, *count ids were read and `bad` is the offending id.
struct ActiveList {
	IdentifyError error;
	kcpp::usize count;
	u32 bad;
};
constexpr ActiveList parse_active_list(const u8 *data, u32 nn, u32 *out, kcpp::usize max)
{
	ActiveList r{IdentifyError::None, 0, 0};
	u32 previous = 0;
	for (kcpp::usize i = 0; i < identify::SIZE / 4 && r.count < max; ++i) {
		const u32 nsid = load_le<u32>(&data[i * 4]);
		if (nsid == 0)
			break;
		if (nsid <= previous || nsid == 0xffffffffu) {
			r.error = IdentifyError::ListNotIncreasing;
			r.bad = nsid;
			return r;
		}
		if (nn != 0 && nsid > nn) {
			r.error = IdentifyError::ListBeyondNn;
			r.bad = nsid;
			return r;
		}
		previous = out[r.count++] = nsid;
	}
	return r;
}

// Identify Namespace (CNS 00h): size and block size of the format in use.
struct NamespaceGeometry {
	IdentifyError error;
	u64 blocks;
	u32 lba_shift;
	u8 format;
};
constexpr NamespaceGeometry parse_namespace(const u8 *data)
{
	NamespaceGeometry g{IdentifyError::None, load_le<u64>(&data[identify::NS_NSZE]), 0,
			    static_cast<u8>(data[identify::NS_FLBAS] & 0xf)};
	if (g.format > data[identify::NS_NLBAF]) {
		g.error = IdentifyError::FormatOutOfRange;
		return g;
	}
	g.lba_shift = (load_le<u32>(&data[identify::NS_LBAF + 4 * g.format]) >> 16) & 0xff;
	if (g.lba_shift < 9 || g.lba_shift > 12) {
		g.error = IdentifyError::BlockSize;
		return g;
	}
	if (g.blocks == 0 || g.blocks > (u64(1) << (63 - g.lba_shift)))
		g.error = IdentifyError::Size;
	return g;
}

} // namespace nvme
