// SPDX-License-Identifier: GPL-2.0
// The user-space passthrough ABI of <linux/nvme_ioctl.h> (the C driver's numbers and
// structures, so nvme-cli works against kcpp_nvme's controller device).
#pragma once

#include <kcpp/types.h>

namespace nvme::uapi {

using kcpp::u16;
using kcpp::u32;
using kcpp::u64;
using kcpp::u8;

struct PassthruCmd {
	u8 opcode;
	u8 flags;
	u16 rsvd1;
	u32 nsid;
	u32 cdw2;
	u32 cdw3;
	u64 metadata;
	u64 addr;
	u32 metadata_len;
	u32 data_len;
	u32 cdw10, cdw11, cdw12, cdw13, cdw14, cdw15;
	u32 timeout_ms;
	u32 result;
};
static_assert(sizeof(PassthruCmd) == 72);

struct PassthruCmd64 {
	u8 opcode;
	u8 flags;
	u16 rsvd1;
	u32 nsid;
	u32 cdw2;
	u32 cdw3;
	u64 metadata;
	u64 addr;
	u32 metadata_len;
	u32 data_len;
	u32 cdw10, cdw11, cdw12, cdw13, cdw14, cdw15;
	u32 timeout_ms;
	u32 rsvd2;
	u64 result;
};
static_assert(sizeof(PassthruCmd64) == 80);

// struct nvme_user_io (NVME_IOCTL_SUBMIT_IO): a read, write or compare of whole blocks.
struct UserIo {
	u8 opcode;
	u8 flags;
	u16 control;
	u16 nblocks; // 0-based
	u16 rsvd;
	u64 metadata;
	u64 addr;
	u64 slba;
	u32 dsmgmt;
	u32 reftag;
	u16 apptag;
	u16 appmask;
};
static_assert(sizeof(UserIo) == 48);
// 32-bit callers lay it out without the tail padding (u64 aligned to 4): 44 bytes, the
// same fields at the same offsets.
inline constexpr u32 USER_IO32_SIZE = 44;

// _IOC(dir, 'N', nr, size), as include/uapi/asm-generic/ioctl.h encodes it.
constexpr u32 ioc(u32 dir, u32 nr, u32 size) { return (dir << 30) | (size << 16) | (u32('N') << 8) | nr; }
inline constexpr u32 IOCTL_ID = ioc(0, 0x40, 0);
inline constexpr u32 IOCTL_ADMIN_CMD = ioc(3, 0x41, sizeof(PassthruCmd));
inline constexpr u32 IOCTL_SUBMIT_IO = ioc(1, 0x42, sizeof(UserIo));
inline constexpr u32 IOCTL_SUBMIT_IO32 = ioc(1, 0x42, USER_IO32_SIZE);
inline constexpr u32 IOCTL_IO_CMD = ioc(3, 0x43, sizeof(PassthruCmd));
inline constexpr u32 IOCTL_RESET = ioc(0, 0x44, 0);
inline constexpr u32 IOCTL_ADMIN64_CMD = ioc(3, 0x47, sizeof(PassthruCmd64));
inline constexpr u32 IOCTL_IO64_CMD = ioc(3, 0x48, sizeof(PassthruCmd64));

// Largest data buffer a passthrough command may move (bounced through kernel memory).
inline constexpr u32 MAX_DATA = 1u << 20;

} // namespace nvme::uapi
