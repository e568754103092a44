// SPDX-License-Identifier: GPL-2.0
// kcpp/net/phy.h's glue: which callbacks reach struct phy_driver, how results become the
// errno phylib expects, and the MDIO device table modpost reads.
#include <kcpp/net/phy.h>

#include "host_test.h"

using namespace kcpp;
using namespace kcpp::net::phy;
namespace phyd = kcpp::net::phy::detail;

namespace {

class PhyGlueTest : public HostTest {};

int resets = 0;
Result<void> shared_reset(Device &) { return code::EIO; }

// Defines three callbacks, one of them through a shared function pointer.
struct Partial {
	static constexpr DeviceId id = DeviceId::exact(0x003b1861);
	static constexpr const char *name = "partial";
	static constexpr u32 flags = flags::IS_INTERNAL;
	static constexpr auto soft_reset = shared_reset;
	static Result<void> suspend(Device &)
	{
		++resets;
		return {};
	}
	static void link_change_notify(Device &) { ++resets; }
};

// Defines nothing but its identity.
struct Bare {
	static constexpr DeviceId id = DeviceId::model(0x003b1841);
	static constexpr const char *name = "bare";
};

struct Mmd {
	static constexpr DeviceId id = {0x12345678, 0xffff0000};
	static constexpr const char *name = "mmd";
	static Result<u16> read_mmd(Device &, int devnum, u16 regnum)
	{
		if (devnum == 7)
			return code::EOPNOTSUPP;
		return static_cast<u16>(regnum + 1);
	}
	static bool match_phy_device(Device &) { return true; }
};

TEST_F(PhyGlueTest, OnlyDefinedCallbacksAreSet)
{
	constexpr kcpp_phy_driver_desc d = phyd::describe<Partial>();
	EXPECT_EQ(d.phy_id, 0x003b1861u);
	EXPECT_EQ(d.phy_id_mask, 0xffffffffu);
	EXPECT_STREQ(d.name, "partial");
	EXPECT_EQ(d.flags, static_cast<unsigned>(KCPP_PHY_IS_INTERNAL));
	EXPECT_NE(d.soft_reset, nullptr);
	EXPECT_NE(d.suspend, nullptr);
	EXPECT_NE(d.link_change_notify, nullptr);
	// Everything else stays NULL, so phylib's generic behaviour applies.
	EXPECT_EQ(d.probe, nullptr);
	EXPECT_EQ(d.get_features, nullptr);
	EXPECT_EQ(d.match_phy_device, nullptr);
	EXPECT_EQ(d.config_aneg, nullptr);
	EXPECT_EQ(d.read_status, nullptr);
	EXPECT_EQ(d.resume, nullptr);
	EXPECT_EQ(d.read_mmd, nullptr);
	EXPECT_EQ(d.write_mmd, nullptr);
}

TEST_F(PhyGlueTest, ADriverWithNoCallbacksHasNone)
{
	constexpr kcpp_phy_driver_desc d = phyd::describe<Bare>();
	EXPECT_EQ(d.phy_id_mask, 0xfffffff0u);
	EXPECT_EQ(d.flags, 0u);
	EXPECT_EQ(d.soft_reset, nullptr);
	EXPECT_EQ(d.suspend, nullptr);
	EXPECT_EQ(d.link_change_notify, nullptr);
}

TEST_F(PhyGlueTest, ResultsBecomeTheErrnoPhylibExpects)
{
	constexpr kcpp_phy_driver_desc d = phyd::describe<Partial>();
	// The callbacks here never touch the device, so no phy_device is needed.
	EXPECT_EQ(d.soft_reset(nullptr), -5); // EIO
	resets = 0;
	EXPECT_EQ(d.suspend(nullptr), 0);
	d.link_change_notify(nullptr);
	EXPECT_EQ(resets, 2);
}

TEST_F(PhyGlueTest, MmdReadsReturnTheValueOrTheErrno)
{
	constexpr kcpp_phy_driver_desc d = phyd::describe<Mmd>();
	ASSERT_NE(d.read_mmd, nullptr);
	EXPECT_EQ(d.read_mmd(nullptr, 3, 41), 42);
	EXPECT_EQ(d.read_mmd(nullptr, 7, 41), -95); // EOPNOTSUPP
	ASSERT_NE(d.match_phy_device, nullptr);
	EXPECT_EQ(d.match_phy_device(nullptr), 1);
}

struct Other {
	static constexpr DeviceId id = DeviceId::exact(1);
	static constexpr const char *name = "other";
	static constexpr auto soft_reset = shared_reset;
};

TEST_F(PhyGlueTest, SharedCallbacksShareOneAdapter)
{
	EXPECT_EQ(phyd::describe<Partial>().soft_reset, phyd::describe<Other>().soft_reset);
}

TEST_F(PhyGlueTest, DeviceTableListsEveryIdThenATerminator)
{
	using Drivers = phyd::Drivers<Partial, Bare, Mmd>;
	static_assert(sizeof(Drivers::table) == 4 * sizeof(phyd::MdioDeviceId));
	EXPECT_EQ(Drivers::table.ids[0].phy_id, 0x003b1861u);
	EXPECT_EQ(Drivers::table.ids[0].phy_id_mask, 0xffffffffu);
	EXPECT_EQ(Drivers::table.ids[1].phy_id, 0x003b1841u);
	EXPECT_EQ(Drivers::table.ids[1].phy_id_mask, 0xfffffff0u);
	EXPECT_EQ(Drivers::table.ids[2].phy_id_mask, 0xffff0000u);
	EXPECT_EQ(Drivers::table.ids[3].phy_id, 0u);
	EXPECT_EQ(Drivers::table.ids[3].phy_id_mask, 0u);
	EXPECT_EQ(Drivers::descs[2].read_mmd, phyd::describe<Mmd>().read_mmd);
}

} // namespace
