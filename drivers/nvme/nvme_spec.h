// SPDX-License-Identifier: GPL-2.0
// The parts of the NVMe 1.4 base specification this driver uses: controller registers,
// queue entry formats, admin opcodes and Identify fields. Facts, no logic.
#pragma once

#include <kcpp/types.h>

namespace nvme {

using kcpp::u16;
using kcpp::u32;
using kcpp::u64;
using kcpp::u8;

// Controller registers (BAR0).
namespace reg {
inline constexpr kcpp::usize CAP = 0x00;   // 64-bit capabilities
inline constexpr kcpp::usize VS = 0x08;    // version
inline constexpr kcpp::usize INTMS = 0x0c; // interrupt mask set
inline constexpr kcpp::usize CC = 0x14;    // controller configuration
inline constexpr kcpp::usize CSTS = 0x1c;  // controller status
inline constexpr kcpp::usize AQA = 0x24;   // admin queue attributes
inline constexpr kcpp::usize ASQ = 0x28;   // 64-bit admin submission queue base
inline constexpr kcpp::usize ACQ = 0x30;   // 64-bit admin completion queue base
inline constexpr kcpp::usize DOORBELLS = 0x1000;
} // namespace reg

namespace cap {
constexpr u32 mqes(u64 cap) { return static_cast<u32>(cap & 0xffff) + 1; } // max queue entries
constexpr u32 timeout_ms(u64 cap) { return static_cast<u32>((cap >> 24) & 0xff) * 500; }
constexpr u32 doorbell_stride(u64 cap) { return 4u << ((cap >> 32) & 0xf); }
constexpr bool nvm_command_set(u64 cap) { return (cap >> 37) & 1; }
constexpr u32 mps_min(u64 cap) { return static_cast<u32>((cap >> 48) & 0xf); }
} // namespace cap

namespace cc {
inline constexpr u32 ENABLE = 1u << 0;
inline constexpr u32 CSS_NVM = 0u << 4;
inline constexpr u32 MPS_4K = 0u << 7;
inline constexpr u32 AMS_RR = 0u << 11;
inline constexpr u32 SHN_NORMAL = 1u << 14;
inline constexpr u32 SHN_MASK = 3u << 14;
inline constexpr u32 IOSQES_64 = 6u << 16;
inline constexpr u32 IOCQES_16 = 4u << 20;
} // namespace cc

namespace csts {
inline constexpr u32 READY = 1u << 0;
inline constexpr u32 FATAL = 1u << 1;
inline constexpr u32 SHST_MASK = 3u << 2;
inline constexpr u32 SHST_COMPLETE = 2u << 2;
} // namespace csts

// A submission queue entry (64 bytes).
struct Command {
	u8 opcode;
	u8 flags;
	u16 command_id;
	u32 nsid;
	u32 cdw2;
	u32 cdw3;
	u64 metadata;
	u64 prp1;
	u64 prp2;
	u32 cdw10;
	u32 cdw11;
	u32 cdw12;
	u32 cdw13;
	u32 cdw14;
	u32 cdw15;
};
static_assert(sizeof(Command) == 64);

// A completion queue entry (16 bytes). status: bit 0 the phase tag, bits 15:1 the status
// field (status code 8:1, status code type 11:9, do-not-retry 15).
struct Completion {
	u32 result;
	u32 reserved;
	u16 sq_head;
	u16 sq_id;
	u16 command_id;
	u16 status;
};
static_assert(sizeof(Completion) == 16);

constexpr u16 status_code(u16 status) { return status >> 1; }

namespace admin {
inline constexpr u8 DELETE_SQ = 0x00;
inline constexpr u8 CREATE_SQ = 0x01;
inline constexpr u8 GET_LOG_PAGE = 0x02;
inline constexpr u8 DELETE_CQ = 0x04;
inline constexpr u8 CREATE_CQ = 0x05;
inline constexpr u8 IDENTIFY = 0x06;
inline constexpr u8 ABORT = 0x08;
inline constexpr u8 SET_FEATURES = 0x09;
inline constexpr u8 GET_FEATURES = 0x0a;
} // namespace admin

namespace identify {
inline constexpr u32 CNS_NAMESPACE = 0x00;
inline constexpr u32 CNS_CONTROLLER = 0x01;
inline constexpr u32 CNS_ACTIVE_NAMESPACES = 0x02;
inline constexpr kcpp::usize SIZE = 4096;

// Identify Controller fields (byte offsets).
inline constexpr kcpp::usize CTRL_SERIAL = 4, CTRL_SERIAL_LEN = 20;
inline constexpr kcpp::usize CTRL_MODEL = 24, CTRL_MODEL_LEN = 40;
inline constexpr kcpp::usize CTRL_FIRMWARE = 64, CTRL_FIRMWARE_LEN = 8;
inline constexpr kcpp::usize CTRL_MDTS = 77;
inline constexpr kcpp::usize CTRL_ONCS = 520;
inline constexpr kcpp::usize CTRL_NN = 516;
inline constexpr kcpp::usize CTRL_VWC = 525;

// Identify Namespace fields.
inline constexpr kcpp::usize NS_NSZE = 0;
inline constexpr kcpp::usize NS_NLBAF = 25;
inline constexpr kcpp::usize NS_FLBAS = 26;
inline constexpr kcpp::usize NS_LBAF = 128; // 16 formats of 4 bytes: bits 23:16 LBA data size (log2)
} // namespace identify

namespace io {
inline constexpr u8 FLUSH = 0x00;
inline constexpr u8 WRITE = 0x01;
inline constexpr u8 READ = 0x02;
inline constexpr u8 WRITE_UNCORRECTABLE = 0x04;
inline constexpr u8 COMPARE = 0x05;
inline constexpr u8 WRITE_ZEROES = 0x08;
inline constexpr u8 DATASET_MANAGEMENT = 0x09;
inline constexpr u32 RW_FUA = 1u << 30;  // cdw12
inline constexpr u32 DSM_DEALLOCATE = 1u << 2; // cdw11
} // namespace io

// Optional NVM command support (Identify Controller ONCS).
namespace oncs {
inline constexpr u16 DSM = 1u << 2;
inline constexpr u16 WRITE_ZEROES = 1u << 3;
} // namespace oncs

// A Dataset Management range (16 bytes).
struct DsmRange {
	u32 attributes;
	u32 length; // in logical blocks
	u64 slba;
};
static_assert(sizeof(DsmRange) == 16);


// Create I/O queue flags (cdw11).
inline constexpr u32 QUEUE_PHYS_CONTIG = 1u << 0;
inline constexpr u32 CQ_IRQ_ENABLED = 1u << 1;

namespace feature {
inline constexpr u32 NUM_QUEUES = 0x07;
} // namespace feature

} // namespace nvme
