// SPDX-License-Identifier: GPL-2.0
// Asix PHY driver (AX88772A, AX88772C, AX88796B), in C++ on kcpp: the same behaviour as
// drivers/net/phy/ax88796b.c, register access for register access.
#include <kcpp/net/phy.h>

using namespace kcpp;
using namespace kcpp::net::phy;

// Asix PHYs won't reset unless the reset bit toggles: clear BMCR, then the generic reset.
static Result<void> asix_soft_reset(Device &dev)
{
	TRY(dev.write(reg::BMCR, 0));
	return dev.genphy_soft_reset();
}

struct AsixAx88772A {
	static constexpr DeviceId id = DeviceId::exact(0x003b1861);
	static constexpr const char *name = "Asix Electronics AX88772A";
	static constexpr u32 flags = flags::IS_INTERNAL;

	static constexpr auto soft_reset = asix_soft_reset;
	static constexpr auto suspend = genphy::suspend;
	static constexpr auto resume = genphy::resume;

	// With some old switches the AX88772A reports an active link while LPA reads 0, so
	// linkmode resolution would fail: take speed and duplex from BMCR first.
	static Result<void> read_status(Device &dev)
	{
		TRY(dev.genphy_update_link());
		if (!dev.is_link_up())
			return {};

		const u16 bmcr = TRY(dev.read(reg::BMCR));
		dev.set_speed(bmcr & bmcr::SPEED100 ? SPEED_100 : SPEED_10);
		dev.set_duplex(bmcr & bmcr::FULLDPLX ? Duplex::Full : Duplex::Half);

		TRY(dev.genphy_read_lpa());
		if (dev.is_autoneg_enabled() && dev.is_autoneg_completed())
			dev.resolve_aneg_linkmode();
		return {};
	}

	// Reset the PHY when the link goes away, or LPA keeps outdated information
	// (seen only with some link partners).
	static void link_change_notify(Device &dev)
	{
		if (dev.state() == State::NoLink) {
			// As in C, failures here have nowhere to go; phylib notices a dead PHY itself.
			(void)dev.init_hw();
			(void)dev.start_aneg();
		}
	}
};

struct AsixAx88772C {
	static constexpr DeviceId id = DeviceId::exact(0x003b1881);
	static constexpr const char *name = "Asix Electronics AX88772C";
	static constexpr u32 flags = flags::IS_INTERNAL;

	static constexpr auto soft_reset = asix_soft_reset;
	static constexpr auto suspend = genphy::suspend;
	static constexpr auto resume = genphy::resume;
};

struct AsixAx88796B {
	static constexpr DeviceId id = DeviceId::model(0x003b1841);
	static constexpr const char *name = "Asix Electronics AX88796B";

	static constexpr auto soft_reset = asix_soft_reset;
};

KCPP_PHY_MODULE(asix_tbl, "GPL", AsixAx88772A, AsixAx88772C, AsixAx88796B);
KCPP_MODULE_AUTHOR("kcpp developers (after the C driver by Michael Schmitz)");
KCPP_MODULE_DESCRIPTION("Asix PHY driver in C++ (kcpp)");
