// SPDX-License-Identifier: GPL-2.0
// drivers/nvme/commands.h: command fields against the NVMe base specification, command
// identifiers, retry decisions and passthrough permissions as the C driver decides them.
#include "../../drivers/nvme/commands.h"

#include "host_test.h"

using namespace kcpp;

namespace {

class NvmeCommandsTest : public HostTest {};

TEST_F(NvmeCommandsTest, ReadWriteFields)
{
	const nvme::Command w = nvme::read_write(true, 3, 0x1'2345'6789ull, 8, true);
	EXPECT_EQ(w.opcode, 0x01);
	EXPECT_EQ(w.nsid, 3u);
	EXPECT_EQ(w.cdw10, 0x23456789u); // SLBA low
	EXPECT_EQ(w.cdw11, 0x1u);        // SLBA high
	EXPECT_EQ(w.cdw12, (7u) | (1u << 30)); // 0-based block count, FUA bit 30
	const nvme::Command r = nvme::read_write(false, 1, 0, 1, false);
	EXPECT_EQ(r.opcode, 0x02);
	EXPECT_EQ(r.cdw12, 0u);
}

TEST_F(NvmeCommandsTest, DeallocateAndWriteZeroes)
{
	const nvme::Command d = nvme::deallocate(2, 0xabc000, 1);
	EXPECT_EQ(d.opcode, 0x09);
	EXPECT_EQ(d.prp1, 0xabc000u);
	EXPECT_EQ(d.cdw10, 0u);       // number of ranges, 0-based
	EXPECT_EQ(d.cdw11, 1u << 2);  // AD: deallocate
	const nvme::Command z = nvme::write_zeroes(2, 0x100, 16);
	EXPECT_EQ(z.opcode, 0x08);
	EXPECT_EQ(z.cdw10, 0x100u);
	EXPECT_EQ(z.cdw12, 15u);
}

TEST_F(NvmeCommandsTest, QueueManagement)
{
	const nvme::Command cq = nvme::create_cq(3, 64, 0x5000, 3);
	EXPECT_EQ(cq.opcode, 0x05);
	EXPECT_EQ(cq.cdw10, (63u << 16) | 3u); // QSIZE 0-based, QID
	EXPECT_EQ(cq.cdw11, (3u << 16) | 0x3u); // IV, IEN | PC
	const nvme::Command sq = nvme::create_sq(3, 64, 0x6000, 3);
	EXPECT_EQ(sq.opcode, 0x01);
	EXPECT_EQ(sq.cdw11, (3u << 16) | 0x1u); // CQID, PC
	EXPECT_EQ(nvme::delete_queue(nvme::admin::DELETE_SQ, 7).cdw10, 7u);
	const nvme::Command ab = nvme::abort(2, 0x300d);
	EXPECT_EQ(ab.opcode, 0x08);
	EXPECT_EQ(ab.cdw10, (0x300du << 16) | 2u); // CID, SQID
}

TEST_F(NvmeCommandsTest, NumberOfQueues)
{
	EXPECT_EQ(nvme::request_queues(4).cdw11, (3u << 16) | 3u);
	EXPECT_EQ(nvme::request_queues(4).cdw10, 0x07u);
	EXPECT_EQ(nvme::granted_queue_pairs(4, (63u << 16) | 63u), 4u); // more granted than asked
	EXPECT_EQ(nvme::granted_queue_pairs(4, (1u << 16) | 2u), 2u);   // the smaller of SQ and CQ counts
	EXPECT_EQ(nvme::granted_queue_pairs(4, 0), 1u);
}

TEST_F(NvmeCommandsTest, CommandIdsCarryTagAndGeneration)
{
	EXPECT_EQ(nvme::make_cid(13, 3), 0x300d);
	EXPECT_EQ(nvme::cid_tag(0x300d), 13);
	EXPECT_EQ(nvme::make_cid(4095, 15), 0xffff);
	EXPECT_EQ(nvme::next_generation(15), 0);
	// A reissued tag never matches its previous command id.
	u8 gen = 7;
	const u16 first = nvme::make_cid(5, gen);
	gen = nvme::next_generation(gen);
	EXPECT_NE(nvme::make_cid(5, gen), first);
	EXPECT_EQ(nvme::cid_tag(nvme::make_cid(5, gen)), 5);
}

TEST_F(NvmeCommandsTest, RetryDecisions)
{
	using nvme::Disposition;
	namespace st = nvme::status;
	EXPECT_EQ(nvme::disposition(st::SUCCESS, 0, 5, false, false), Disposition::Complete);
	EXPECT_EQ(nvme::disposition(st::HOST_ABORTED, 0, 5, false, false), Disposition::Retry);
	EXPECT_EQ(nvme::disposition(st::HOST_ABORTED, 5, 5, false, false), Disposition::Complete); // out of retries
	EXPECT_EQ(nvme::disposition(st::HOST_ABORTED, 0, 5, true, false), Disposition::Complete);  // failfast
	EXPECT_EQ(nvme::disposition(st::HOST_ABORTED, 0, 5, false, true), Disposition::Complete);  // dead
	EXPECT_EQ(nvme::disposition(st::LBA_RANGE | st::DNR, 0, 5, false, false), Disposition::Complete);
	EXPECT_EQ(nvme::disposition(st::LBA_RANGE, 0, 5, false, false), Disposition::Retry);
}

TEST_F(NvmeCommandsTest, ControllerFailure)
{
	EXPECT_FALSE(nvme::controller_failed(nvme::csts::READY));
	EXPECT_TRUE(nvme::controller_failed(nvme::csts::READY | nvme::csts::FATAL));
	EXPECT_TRUE(nvme::controller_failed(0));           // not ready while it should be
	EXPECT_TRUE(nvme::controller_failed(0xffffffffu)); // gone: reads all ones
}

TEST_F(NvmeCommandsTest, PassthroughPermissionsFollowTheCDriver)
{
	// Controller: identify of controller/namespace for everyone, other CNS need admin.
	EXPECT_TRUE(nvme::passthru_allowed(false, nvme::admin::IDENTIFY, 0x01, false, false));
	EXPECT_TRUE(nvme::passthru_allowed(false, nvme::admin::IDENTIFY, 0x00, false, false));
	EXPECT_FALSE(nvme::passthru_allowed(false, nvme::admin::IDENTIFY, 0x02, false, false));
	EXPECT_TRUE(nvme::passthru_allowed(false, nvme::admin::IDENTIFY, 0x02, false, true));
	EXPECT_FALSE(nvme::passthru_allowed(false, nvme::admin::GET_LOG_PAGE, 0x02, false, false));
	EXPECT_TRUE(nvme::passthru_allowed(false, nvme::admin::GET_LOG_PAGE, 0x02, false, true));
	// Set Features of what the driver manages: refused even to CAP_SYS_ADMIN.
	EXPECT_FALSE(nvme::passthru_allowed(false, nvme::admin::SET_FEATURES, 0x07, false, true));
	EXPECT_TRUE(nvme::passthru_allowed(false, nvme::admin::SET_FEATURES, 0x06, false, true));
	// Vendor specific: admin only.
	EXPECT_FALSE(nvme::passthru_allowed(false, 0xc0, 0, false, false));
	EXPECT_TRUE(nvme::passthru_allowed(true, 0x81, 0, true, true));
	// Namespace: read open; write needs the disk open for writing (or admin).
	EXPECT_TRUE(nvme::passthru_allowed(true, nvme::io::READ, 0, false, false));
	EXPECT_FALSE(nvme::passthru_allowed(true, nvme::io::WRITE, 0, false, false));
	EXPECT_TRUE(nvme::passthru_allowed(true, nvme::io::WRITE, 0, true, false));
	EXPECT_TRUE(nvme::passthru_allowed(true, nvme::io::WRITE, 0, false, true));
	EXPECT_FALSE(nvme::passthru_allowed(true, nvme::io::DATASET_MANAGEMENT, 0, true, false));
}

} // namespace
