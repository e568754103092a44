// SPDX-License-Identifier: GPL-2.0
// The core headers compile together on the host against the hand-written layout header (no
// kernel header, no standard library header but <new>), and the constants they mirror match
// it. (The subsystem headers -- block, PCI, DMA -- have no host shims and are not built here.)
#include "host_test.h"

#include <kcpp/io.h>
#include <kcpp/kcpp.h>
#include <kcpp/kunit.h>
#include <kcpp/net/phy.h>

using namespace kcpp;

namespace {
class HeadersTest : public HostTest {};
} // namespace

TEST_F(HeadersTest, GfpFlagsComeFromTheLayoutHeader)
{
	EXPECT_EQ(gfp::KERNEL.bits(), static_cast<unsigned>(KCPP_GFP_KERNEL));
	EXPECT_EQ(gfp::ATOMIC.bits(), static_cast<unsigned>(KCPP_GFP_ATOMIC));
	EXPECT_EQ((gfp::KERNEL | gfp::ZERO).bits(), static_cast<unsigned>(KCPP_GFP_KERNEL | KCPP_GFP_ZERO));
	EXPECT_TRUE(gfp::NOIO == Gfp(KCPP_GFP_NOIO));
	EXPECT_FALSE(gfp::NOIO == gfp::NOFS);
}

TEST_F(HeadersTest, PhyConstantsComeFromTheLayoutHeader)
{
	EXPECT_EQ(static_cast<int>(net::phy::State::Running), KCPP_PHY_STATE_RUNNING);
	EXPECT_EQ(static_cast<int>(net::phy::State::CableTest), KCPP_PHY_STATE_CABLETEST);
	EXPECT_EQ(net::phy::flags::IS_INTERNAL, static_cast<u32>(KCPP_PHY_IS_INTERNAL));
	constexpr auto id = net::phy::DeviceId::model(0x003b1861);
	EXPECT_EQ(id.mask, 0xfffffff0u);
	EXPECT_EQ(net::phy::DeviceId::exact(1).mask, 0xffffffffu);
}
