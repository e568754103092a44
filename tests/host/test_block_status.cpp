// SPDX-License-Identifier: GPL-2.0
// kcpp/block/mq.h: errors become the block statuses errno_to_blk_status() gives.
#include <kcpp/block/mq.h>

#include "host_test.h"

using namespace kcpp;
using kcpp::block::Status;

namespace {

class BlockStatusTest : public HostTest {};

TEST_F(BlockStatusTest, ErrnosMapLikeTheKernel)
{
	EXPECT_EQ(block::to_status(code::EOPNOTSUPP), Status::NotSupported);
	EXPECT_EQ(block::to_status(code::ETIMEDOUT), Status::Timeout);
	EXPECT_EQ(block::to_status(code::ENOSPC), Status::NoSpace);
	EXPECT_EQ(block::to_status(code::ENOMEM), Status::Resource);
	EXPECT_EQ(block::to_status(code::EAGAIN), Status::Again);
	EXPECT_EQ(block::to_status(code::ENODEV), Status::Offline);
	EXPECT_EQ(block::to_status(code::EINVAL), Status::Invalid);
	EXPECT_EQ(block::to_status(code::EIO), Status::IoErr);
	EXPECT_EQ(block::to_status(code::EPERM), Status::IoErr); // anything else
}

TEST_F(BlockStatusTest, StatusValuesAreTheKernels)
{
	EXPECT_EQ(static_cast<int>(Status::Ok), KCPP_BLK_STS_OK);
	EXPECT_EQ(static_cast<int>(Status::IoErr), KCPP_BLK_STS_IOERR);
	EXPECT_EQ(static_cast<int>(Status::Resource), KCPP_BLK_STS_RESOURCE);
}

} // namespace
