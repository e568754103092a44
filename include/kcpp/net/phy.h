// SPDX-License-Identifier: GPL-2.0
// kcpp/net/phy.h — PHY drivers for phylib.
//
// A PHY driver is a type with its ID, name, optional flags and the callbacks it implements,
// all static. Only the callbacks a driver defines are put in the kernel's struct phy_driver;
// the others stay NULL so that phylib's generic behaviour applies (the rule Rust-for-Linux's
// #[vtable] enforces):
//
//     struct MyPhy {
//         static constexpr DeviceId id = DeviceId::exact(0x003b1861);
//         static constexpr const char *name = "My PHY";
//         static constexpr u32 flags = phy::flags::IS_INTERNAL;
//         static Result<void> soft_reset(Device &dev);
//         static Result<void> read_status(Device &dev);
//     };
//     KCPP_PHY_MODULE(my_phy_tbl, "GPL", MyPhy, OtherPhy);
//
// KCPP_PHY_MODULE registers the drivers at module init, unregisters them at exit and emits
// the MDIO device ID table, so `modinfo` lists the mdio: aliases and udev autoloads the module.
//
// Callbacks (all optional): soft_reset, probe, get_features, config_aneg, read_status,
// suspend, resume (Result<void>(Device &)); match_phy_device (bool(Device &)); read_mmd
// (Result<u16>(Device &, int devnum, u16 regnum)); write_mmd (Result<void>(Device &, int,
// u16, u16)); link_change_notify (void(Device &)). Each is a static member function or a
// static constexpr pointer to a function (`static constexpr auto resume = genphy::resume;`).
#pragma once

#include <kcpp/error.h>
#include <kcpp/gen/layout.h>
#include <kcpp/module.h>

namespace kcpp::net::phy {

// phylib's state machine states (enum phy_state).
enum class State : int {
	Down = KCPP_PHY_STATE_DOWN,
	Ready = KCPP_PHY_STATE_READY,
	Halted = KCPP_PHY_STATE_HALTED,
	Error = KCPP_PHY_STATE_ERROR,
	Up = KCPP_PHY_STATE_UP,
	Running = KCPP_PHY_STATE_RUNNING,
	NoLink = KCPP_PHY_STATE_NOLINK,
	CableTest = KCPP_PHY_STATE_CABLETEST,
};

// Values from the UAPI (linux/ethtool.h); checked in src/net/phy.c.
enum class Duplex : int { Half = 0, Full = 1, Unknown = 0xff };
inline constexpr int SPEED_10 = 10;
inline constexpr int SPEED_100 = 100;
inline constexpr int SPEED_1000 = 1000;

namespace flags {
inline constexpr u32 IS_INTERNAL = KCPP_PHY_IS_INTERNAL;
} // namespace flags

// Which PHY IDs a driver matches (struct mdio_device_id's phy_id and phy_id_mask).
struct DeviceId {
	u32 id;
	u32 mask;
	static constexpr DeviceId exact(u32 id) { return {id, 0xffffffffu}; }
	static constexpr DeviceId model(u32 id) { return {id, 0xfffffff0u}; }
	static constexpr DeviceId vendor(u32 id) { return {id, 0xfffffc00u}; }
};

// A Clause 22 register (0..31) and a Clause 45 MMD register: distinct types, so a C22
// address cannot be passed where a C45 one is meant.
struct C22 {
	u8 addr;
};
struct C45 {
	u8 devad;
	u16 regnum;
};

namespace reg {
inline constexpr C22 BMCR{0x00};
inline constexpr C22 BMSR{0x01};
inline constexpr C22 PHYSID1{0x02};
inline constexpr C22 PHYSID2{0x03};
inline constexpr C22 ADVERTISE{0x04};
inline constexpr C22 LPA{0x05};
inline constexpr C22 EXPANSION{0x06};
inline constexpr C22 CTRL1000{0x09};
inline constexpr C22 STAT1000{0x0a};
inline constexpr C22 ESTATUS{0x0f};
} // namespace reg

// MII register bits (linux/mii.h UAPI values; checked in src/net/phy.c).
namespace bmcr {
inline constexpr u16 RESET = 0x8000;
inline constexpr u16 SPEED100 = 0x2000;
inline constexpr u16 ANENABLE = 0x1000;
inline constexpr u16 PDOWN = 0x0800;
inline constexpr u16 ANRESTART = 0x0200;
inline constexpr u16 FULLDPLX = 0x0100;
} // namespace bmcr
namespace bmsr {
inline constexpr u16 LSTATUS = 0x0004;
inline constexpr u16 ANEGCOMPLETE = 0x0020;
} // namespace bmsr

// The PHY a callback is called for. Valid only during that callback (phylib owns it).
class Device {
public:
	explicit Device(kcpp_phy_device *raw) : raw_(raw) {}

	u32 phy_id() const { return kcpp_phy_id(raw_); }
	State state() const { return static_cast<State>(kcpp_phy_state(raw_)); }
	bool is_link_up() const { return kcpp_phy_link(raw_); }
	bool is_autoneg_enabled() const { return kcpp_phy_autoneg_enabled(raw_); }
	bool is_autoneg_completed() const { return kcpp_phy_autoneg_complete(raw_); }
	int speed() const { return kcpp_phy_speed(raw_); }
	Duplex duplex() const { return static_cast<Duplex>(kcpp_phy_duplex(raw_)); }
	void set_speed(int mbps) { kcpp_phy_set_speed(raw_, mbps); }
	void set_duplex(Duplex d) { kcpp_phy_set_duplex(raw_, static_cast<int>(d)); }

	[[nodiscard]] Result<u16> read(C22 r) { return to_u16(kcpp_phy_read(raw_, r.addr)); }
	[[nodiscard]] Result<void> write(C22 r, u16 v) { return to_result(kcpp_phy_write(raw_, r.addr, v)); }
	[[nodiscard]] Result<u16> read(C45 r) { return to_u16(kcpp_phy_read_mmd(raw_, r.devad, r.regnum)); }
	[[nodiscard]] Result<void> write(C45 r, u16 v)
	{
		return to_result(kcpp_phy_write_mmd(raw_, r.devad, r.regnum, v));
	}

	// phylib's generic implementations, for drivers to build on.
	[[nodiscard]] Result<void> genphy_soft_reset() { return to_result(kcpp_genphy_soft_reset(raw_)); }
	[[nodiscard]] Result<void> genphy_suspend() { return to_result(kcpp_genphy_suspend(raw_)); }
	[[nodiscard]] Result<void> genphy_resume() { return to_result(kcpp_genphy_resume(raw_)); }
	[[nodiscard]] Result<void> genphy_read_status() { return to_result(kcpp_genphy_read_status(raw_)); }
	[[nodiscard]] Result<void> genphy_update_link() { return to_result(kcpp_genphy_update_link(raw_)); }
	[[nodiscard]] Result<void> genphy_read_lpa() { return to_result(kcpp_genphy_read_lpa(raw_)); }
	[[nodiscard]] Result<void> genphy_config_aneg() { return to_result(kcpp_genphy_config_aneg(raw_)); }
	[[nodiscard]] Result<void> genphy_read_abilities() { return to_result(kcpp_genphy_read_abilities(raw_)); }
	// phy_init_hw: soft reset plus the driver's config_init.
	[[nodiscard]] Result<void> init_hw() { return to_result(kcpp_phy_init_hw(raw_)); }
	// _phy_start_aneg: (re)start autonegotiation with the current settings.
	[[nodiscard]] Result<void> start_aneg() { return to_result(kcpp_phy_start_aneg(raw_)); }
	void resolve_aneg_linkmode() { kcpp_phy_resolve_aneg_linkmode(raw_); }

private:
	static Result<u16> to_u16(int ret)
	{
		if (ret < 0)
			return Error::from_errno(ret);
		return static_cast<u16>(ret);
	}
	kcpp_phy_device *raw_;
};

// phylib's generic callbacks as functions a driver can name directly, as C drivers write
// `.suspend = genphy_suspend`:  static constexpr auto suspend = genphy::suspend;
// Drivers that share a callback this way also share its adapter code.
namespace genphy {
inline Result<void> soft_reset(Device &dev) { return dev.genphy_soft_reset(); }
inline Result<void> suspend(Device &dev) { return dev.genphy_suspend(); }
inline Result<void> resume(Device &dev) { return dev.genphy_resume(); }
inline Result<void> read_status(Device &dev) { return dev.genphy_read_status(); }
inline Result<void> config_aneg(Device &dev) { return dev.genphy_config_aneg(); }
inline Result<void> read_abilities(Device &dev) { return dev.genphy_read_abilities(); }
} // namespace genphy

namespace detail {

// C-ABI adapters from a driver's static C++ callbacks to struct phy_driver's members.
template <Result<void> (*F)(Device &)> int adapt(kcpp_phy_device *raw)
{
	Device dev(raw);
	return F(dev).to_errno();
}
template <bool (*F)(Device &)> int adapt_match(kcpp_phy_device *raw)
{
	Device dev(raw);
	return F(dev) ? 1 : 0;
}
template <void (*F)(Device &)> void adapt_notify(kcpp_phy_device *raw)
{
	Device dev(raw);
	F(dev);
}
template <Result<u16> (*F)(Device &, int, u16)> int adapt_read_mmd(kcpp_phy_device *raw, int devnum, unsigned short regnum)
{
	Device dev(raw);
	Result<u16> r = F(dev, devnum, regnum);
	return r.is_ok() ? static_cast<int>(r.value()) : r.error().to_errno();
}
template <Result<void> (*F)(Device &, int, u16, u16)>
int adapt_write_mmd(kcpp_phy_device *raw, int devnum, unsigned short regnum, unsigned short val)
{
	Device dev(raw);
	return F(dev, devnum, regnum, val).to_errno();
}

// The descriptor of driver D: a callback is set only if D defines it.
template <typename D> constexpr kcpp_phy_driver_desc describe()
{
	kcpp_phy_driver_desc d{};
	d.phy_id = D::id.id;
	d.phy_id_mask = D::id.mask;
	d.name = D::name;
	if constexpr (requires { D::flags; })
		d.flags = D::flags;
	if constexpr (requires { &D::soft_reset; })
		d.soft_reset = &adapt<D::soft_reset>;
	if constexpr (requires { &D::probe; })
		d.probe = &adapt<D::probe>;
	if constexpr (requires { &D::get_features; })
		d.get_features = &adapt<D::get_features>;
	if constexpr (requires { &D::match_phy_device; })
		d.match_phy_device = &adapt_match<D::match_phy_device>;
	if constexpr (requires { &D::config_aneg; })
		d.config_aneg = &adapt<D::config_aneg>;
	if constexpr (requires { &D::read_status; })
		d.read_status = &adapt<D::read_status>;
	if constexpr (requires { &D::suspend; })
		d.suspend = &adapt<D::suspend>;
	if constexpr (requires { &D::resume; })
		d.resume = &adapt<D::resume>;
	if constexpr (requires { &D::read_mmd; })
		d.read_mmd = &adapt_read_mmd<D::read_mmd>;
	if constexpr (requires { &D::write_mmd; })
		d.write_mmd = &adapt_write_mmd<D::write_mmd>;
	if constexpr (requires { &D::link_change_notify; })
		d.link_change_notify = &adapt_notify<D::link_change_notify>;
	return d;
}

// struct mdio_device_id, as modpost reads it from the device table.
struct MdioDeviceId {
	u32 phy_id;
	u32 phy_id_mask;
};
static_assert(sizeof(MdioDeviceId) == KCPP_SIZEOF_MDIO_DEVICE_ID);
template <usize N> struct MdioDeviceTable {
	MdioDeviceId ids[N];
};

template <typename... Ds> struct Drivers {
	static_assert(sizeof...(Ds) > 0, "KCPP_PHY_MODULE needs at least one driver");
	static constexpr kcpp_phy_driver_desc descs[] = {describe<Ds>()...};
	// The IDs, then the all-zero terminator modpost expects.
	static constexpr MdioDeviceTable<sizeof...(Ds) + 1> table = {{{Ds::id.id, Ds::id.mask}..., {0, 0}}};

	static inline constinit kcpp_phy_drivers *registered = nullptr;
	static int register_all() { return kcpp_phy_drivers_register(descs, sizeof...(Ds), &registered); }
	static void unregister_all() { kcpp_phy_drivers_unregister(exchange(registered, nullptr)); }
};

} // namespace detail
} // namespace kcpp::net::phy

// Registers the PHY drivers listed for the module's lifetime and emits their MDIO device ID
// table under the name TABLE (the symbol modpost turns into mdio: aliases).
#define KCPP_PHY_MODULE(TABLE, license, ...)                                                    \
	KCPP_MODULE_LICENSE(license);                                                               \
	extern "C" __attribute__((used)) const decltype(::kcpp::net::phy::detail::Drivers<__VA_ARGS__>::table) \
		__mod_mdio__##TABLE##_device_table = ::kcpp::net::phy::detail::Drivers<__VA_ARGS__>::table; \
	extern "C" int kcpp_module_init(void) noexcept                                              \
	{                                                                                           \
		return ::kcpp::net::phy::detail::Drivers<__VA_ARGS__>::register_all();                  \
	}                                                                                           \
	extern "C" void kcpp_module_exit(void) noexcept                                             \
	{                                                                                           \
		::kcpp::net::phy::detail::Drivers<__VA_ARGS__>::unregister_all();                       \
	}                                                                                           \
	static_assert(true, "")
