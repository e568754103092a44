// SPDX-License-Identifier: GPL-2.0
// Building NVMe commands and judging completions: pure logic, no kernel state, so that
// tests/host/test_nvme_commands.cpp checks every field against the specification.
#pragma once

#include "nvme_spec.h"

namespace nvme {

// Command identifiers carry the blk-mq tag in their low 12 bits and a 4-bit generation
// above it, bumped each time the tag is issued: a late or duplicated completion (or an
// abort aimed at a command a reset already cancelled) names an old generation and matches
// nothing. Queue depths stay below 4096 (the driver caps them at 1024).
inline constexpr u16 CID_TAG_MASK = 0x0fff;
constexpr u16 make_cid(u16 tag, u8 generation) { return static_cast<u16>(((generation & 0xf) << 12) | (tag & CID_TAG_MASK)); }
constexpr u16 cid_tag(u16 cid) { return cid & CID_TAG_MASK; }
constexpr u8 next_generation(u8 generation) { return static_cast<u8>((generation + 1) & 0xf); }

constexpr Command read_write(bool write, u32 nsid, u64 slba, u32 blocks, bool fua)
{
	Command c{};
	c.opcode = write ? io::WRITE : io::READ;
	c.nsid = nsid;
	c.cdw10 = static_cast<u32>(slba);
	c.cdw11 = static_cast<u32>(slba >> 32);
	c.cdw12 = (blocks - 1) | (fua ? io::RW_FUA : 0);
	return c;
}

constexpr Command flush(u32 nsid)
{
	Command c{};
	c.opcode = io::FLUSH;
	c.nsid = nsid;
	return c;
}

// Deallocate `ranges` Dataset Management ranges that sit at device address ranges_dma.
constexpr Command deallocate(u32 nsid, u64 ranges_dma, u32 ranges)
{
	Command c{};
	c.opcode = io::DATASET_MANAGEMENT;
	c.nsid = nsid;
	c.prp1 = ranges_dma;
	c.cdw10 = ranges - 1;
	c.cdw11 = io::DSM_DEALLOCATE;
	return c;
}

constexpr Command write_zeroes(u32 nsid, u64 slba, u32 blocks)
{
	Command c{};
	c.opcode = io::WRITE_ZEROES;
	c.nsid = nsid;
	c.cdw10 = static_cast<u32>(slba);
	c.cdw11 = static_cast<u32>(slba >> 32);
	c.cdw12 = blocks - 1;
	return c;
}

constexpr Command create_cq(u16 qid, u16 entries, u64 dma, u16 vector)
{
	Command c{};
	c.opcode = admin::CREATE_CQ;
	c.prp1 = dma;
	c.cdw10 = (u32(entries - 1) << 16) | qid;
	c.cdw11 = (u32(vector) << 16) | CQ_IRQ_ENABLED | QUEUE_PHYS_CONTIG;
	return c;
}

constexpr Command create_sq(u16 qid, u16 entries, u64 dma, u16 cqid)
{
	Command c{};
	c.opcode = admin::CREATE_SQ;
	c.prp1 = dma;
	c.cdw10 = (u32(entries - 1) << 16) | qid;
	c.cdw11 = (u32(cqid) << 16) | QUEUE_PHYS_CONTIG;
	return c;
}

constexpr Command delete_queue(u8 opcode, u16 qid)
{
	Command c{};
	c.opcode = opcode;
	c.cdw10 = qid;
	return c;
}

// Abort command `cid` of submission queue `sqid`.
constexpr Command abort(u16 sqid, u16 cid)
{
	Command c{};
	c.opcode = admin::ABORT;
	c.cdw10 = (u32(cid) << 16) | sqid;
	return c;
}

constexpr Command identify_command(u32 cns, u32 nsid, u64 dma)
{
	Command c{};
	c.opcode = admin::IDENTIFY;
	c.nsid = nsid;
	c.prp1 = dma;
	c.cdw10 = cns;
	return c;
}

constexpr Command set_features(u32 fid, u32 value)
{
	Command c{};
	c.opcode = admin::SET_FEATURES;
	c.cdw10 = fid;
	c.cdw11 = value;
	return c;
}

// Set Features / Number of Queues asks for `n` submission and `n` completion queues; the
// result grants (each field 0-based). How many pairs can be used.
constexpr Command request_queues(u32 n) { return set_features(feature::NUM_QUEUES, ((n - 1) << 16) | (n - 1)); }
constexpr u32 granted_queue_pairs(u32 wanted, u32 result)
{
	const u32 sq = (result & 0xffff) + 1, cq = (result >> 16) + 1;
	const u32 granted = sq < cq ? sq : cq;
	return wanted < granted ? wanted : granted;
}

// The status field of a completion (status >> 1): code in bits 7:0, type in 10:8, more
// 13, do-not-retry 14.
namespace status {
inline constexpr u16 SUCCESS = 0;
inline constexpr u16 INVALID_OPCODE = 0x001;
inline constexpr u16 INVALID_FIELD = 0x002;
inline constexpr u16 LBA_RANGE = 0x080;
inline constexpr u16 HOST_ABORTED = 0x371; // path-related: cancelled by the host (a reset)
inline constexpr u16 DNR = 1u << 14;
constexpr u16 code_and_type(u16 field) { return field & 0x7ff; }
} // namespace status

// What to do with a finished I/O command, as the C driver decides it (nvme_decide_disposition):
// retry a failed command the controller did not mark do-not-retry, unless it was retried
// `max_retries` times already, its submitter asked not to retry (failfast), or the
// controller is gone.
enum class Disposition { Complete, Retry };
constexpr Disposition disposition(u16 status_field, unsigned retries, unsigned max_retries, bool failfast,
				  bool controller_dead)
{
	if (status::code_and_type(status_field) == status::SUCCESS)
		return Disposition::Complete;
	if ((status_field & status::DNR) || failfast || controller_dead || retries >= max_retries)
		return Disposition::Complete;
	return Disposition::Retry;
}

// A controller whose status says it cannot go on: fatal status, not ready while it should
// be, or registers reading all ones (the device is gone or its memory space is disabled).
constexpr bool controller_failed(u32 csts)
{
	return csts == 0xffffffffu || (csts & csts::FATAL) || !(csts & csts::READY);
}

// May this caller pass the command through? As the C driver's nvme_cmd_allowed() decides for a
// controller without a Commands Supported and Effects log. Vendor-specific and fabrics
// commands need CAP_SYS_ADMIN. On the controller: Identify of a namespace or controller
// (CNS 0x00, 0x01, 0x05, 0x06, 0x08) is open to everyone; Set Features of what the driver
// manages itself (number of queues, keep alive, host memory buffer, host behaviour,
// autonomous power state transitions) to no one; the rest needs CAP_SYS_ADMIN. On a
// namespace: Read is open; Write, Write Uncorrectable and Write Zeroes need the disk open for
// writing (or CAP_SYS_ADMIN); the rest needs CAP_SYS_ADMIN.
constexpr bool passthru_allowed(bool on_namespace, u8 opcode, u32 cdw10, bool open_for_write, bool sys_admin)
{
	if (opcode >= 0x80 || opcode == 0x7f)
		return sys_admin;
	if (!on_namespace) {
		if (opcode == admin::IDENTIFY) {
			switch (cdw10 & 0xff) {
			case 0x00: case 0x01: case 0x05: case 0x06: case 0x08:
				return true;
			}
		}
		if (opcode == admin::SET_FEATURES) {
			switch (cdw10 & 0xff) {
			case 0x07: case 0x0c: case 0x0d: case 0x0f: case 0x16:
				return false;
			}
		}
		return sys_admin;
	}
	switch (opcode) {
	case io::READ:
		return true;
	case io::WRITE:
	case io::WRITE_UNCORRECTABLE:
	case io::WRITE_ZEROES:
		return open_for_write || sys_admin;
	default:
		return sys_admin;
	}
}

} // namespace nvme
