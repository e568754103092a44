// SPDX-License-Identifier: GPL-2.0
// kcpp/pci.h — PCI drivers: ID tables, probe/remove as Result, and the device's resources
// as objects that release themselves.
//
//     struct MyDriver {
//         static constexpr const char *name = "mydrv";
//         static constexpr pci::DeviceId ids[] = {pci::DeviceId::of(0x1234, 0x11e8)};  // optional
//         using Data = MyDev;                                   // the driver data
//         static Result<Box<MyDev>> probe(pci::Device dev, const pci::DeviceId &id);
//         static void remove(MyDev &data);                      // optional
//         static void shutdown(MyDev &data);                    // optional
//     };
//     KCPP_PCI_MODULE(mydrv_tbl, "GPL", MyDriver);
//
// A driver without `ids` matches nothing by itself: it binds only to devices an administrator
// hands it through sysfs driver_override (so it never takes devices another driver owns).
//
// The driver data is created by probe and destroyed on unbind (after remove, if defined):
// whatever it holds — Enabled, Regions, Bar, IrqVectors, irq::Registration,
// dma::CoherentAllocation — is released then, in reverse order of declaration, so nothing
// outlives the binding. Declare them in the order you acquire them.
#pragma once

#include <kcpp/box.h>
#include <kcpp/device.h>
#include <kcpp/error.h>
#include <kcpp/gen/layout.h>
#include <kcpp/io.h>
#include <kcpp/module.h>

namespace kcpp::pci {

inline constexpr u32 ANY_ID = KCPP_PCI_ANY_ID;

// struct pci_device_id, mirrored so that tables are constant data (layout checked).
struct DeviceId {
	u32 vendor;
	u32 device;
	u32 subvendor = ANY_ID;
	u32 subdevice = ANY_ID;
	u32 class_code = 0;
	u32 class_mask = 0;
	unsigned long driver_data = 0;
	u32 override_only = 0;

	static constexpr DeviceId of(u16 vendor, u16 device, unsigned long data = 0)
	{
		return {vendor, device, ANY_ID, ANY_ID, 0, 0, data, 0};
	}
	static constexpr DeviceId by_class(u32 class_code, u32 class_mask, unsigned long data = 0)
	{
		return {ANY_ID, ANY_ID, ANY_ID, ANY_ID, class_code, class_mask, data, 0};
	}
};
static_assert(sizeof(DeviceId) == KCPP_SIZEOF_PCI_DEVICE_ID);
static_assert(__builtin_offsetof(DeviceId, driver_data) == KCPP_OFFSETOF_PCI_DEVICE_ID_DRIVER_DATA);
static_assert(__builtin_offsetof(DeviceId, override_only) == KCPP_OFFSETOF_PCI_DEVICE_ID_OVERRIDE_ONLY);

namespace irq_types {
inline constexpr u32 INTX = KCPP_PCI_IRQ_INTX;
inline constexpr u32 MSI = KCPP_PCI_IRQ_MSI;
inline constexpr u32 MSIX = KCPP_PCI_IRQ_MSIX;
inline constexpr u32 ALL = INTX | MSI | MSIX;
} // namespace irq_types

// A 32-bit register of a mapped BAR whose offset was checked once (Bar::reg32), for hot paths
// that write a run-time register (doorbells) without checking it again. Holds an address
// inside the mapping: its holder must not outlive the Bar.
class Reg32 {
public:
	// SAFETY: addr_ was checked by Bar::reg32 to be an aligned register inside the mapping,
	// which lives as long as the Bar; the holder does not outlive it (see above).
	u32 read() const { return io::readl(addr_); }
	void write(u32 v) const { io::writel(v, addr_); }

private:
	template <usize> friend class Bar;
	explicit Reg32(volatile void *addr) : addr_(addr) {}
	volatile void *addr_;
};

// A mapped memory BAR of at least MinSize bytes. Accesses at constant offsets are checked at
// compile time against MinSize; try_read/try_write check run-time offsets against the real
// length. Unmapped when destroyed.
template <usize MinSize> class Bar {
public:
	Bar(Bar &&o) : pdev_(o.pdev_), base_(exchange(o.base_, nullptr)), len_(o.len_) {}
	Bar(const Bar &) = delete;
	Bar &operator=(const Bar &) = delete;
	~Bar()
	{
		if (base_ != nullptr)
			kcpp_pci_iounmap(pdev_, base_);
	}

	usize len() const { return len_; }

	template <usize Off> u32 read32() const
	{
		static_assert(Off % 4 == 0 && Off + 4 <= MinSize, "32-bit MMIO read outside the BAR or unaligned");
		return io::readl(at(Off));
	}
	template <usize Off> void write32(u32 v) const
	{
		static_assert(Off % 4 == 0 && Off + 4 <= MinSize, "32-bit MMIO write outside the BAR or unaligned");
		io::writel(v, at(Off));
	}
	template <usize Off> u64 read64() const
	{
		static_assert(Off % 8 == 0 && Off + 8 <= MinSize, "64-bit MMIO read outside the BAR or unaligned");
		return io::readq(at(Off));
	}
	template <usize Off> void write64(u64 v) const
	{
		static_assert(Off % 8 == 0 && Off + 8 <= MinSize, "64-bit MMIO write outside the BAR or unaligned");
		io::writeq(v, at(Off));
	}

	[[nodiscard]] Result<u32> try_read32(usize off) const
	{
		TRY(check(off, 4));
		return io::readl(at(off));
	}
	[[nodiscard]] Result<void> try_write32(usize off, u32 v) const
	{
		TRY(check(off, 4));
		io::writel(v, at(off));
		return {};
	}
	// The register at a run-time offset, checked now (EINVAL outside the BAR or unaligned).
	[[nodiscard]] Result<Reg32> reg32(usize off) const
	{
		TRY(check(off, 4));
		return Reg32(at(off));
	}
	[[nodiscard]] Result<u64> try_read64(usize off) const
	{
		TRY(check(off, 8));
		return io::readq(at(off));
	}
	[[nodiscard]] Result<void> try_write64(usize off, u64 v) const
	{
		TRY(check(off, 8));
		io::writeq(v, at(off));
		return {};
	}

	// Polls a 32-bit register until (value & mask) == want, for at most timeout_ms
	// (sleeping between reads: process context). ETIMEDOUT if it never matches.
	template <usize Off> [[nodiscard]] Result<u32> poll32(u32 mask, u32 want, unsigned int timeout_ms) const
	{
		const unsigned long deadline = kcpp_jiffies() + kcpp_msecs_to_jiffies(timeout_ms);
		for (;;) {
			const u32 v = read32<Off>();
			if ((v & mask) == want)
				return v;
			if (static_cast<long>(kcpp_jiffies() - deadline) > 0)
				return code::ETIMEDOUT;
			kcpp_usleep_range(100, 200);
		}
	}

private:
	friend class Device;
	Bar(kcpp_pci_dev *pdev, void *base, usize len) : pdev_(pdev), base_(base), len_(len) {}
	Result<void> check(usize off, usize width) const
	{
		if (off % width != 0 || off > len_ || len_ - off < width)
			return code::EINVAL;
		return {};
	}
	// SAFETY: base_ maps len_ >= MinSize bytes of the BAR (checked by Device::iomap) and
	// every caller checked off + width <= len_ (statically against MinSize or at run time).
	volatile void *at(usize off) const { return static_cast<volatile u8 *>(base_) + off; }

	kcpp_pci_dev *pdev_;
	void *base_;
	usize len_;
};

class Device;

namespace detail {
// Something the driver holds on its bound device until this object goes: Release undoes it.
template <void (*Release)(kcpp_pci_dev *)> class Held {
public:
	Held(Held &&o) : pdev_(exchange(o.pdev_, nullptr)) {}
	Held(const Held &) = delete;
	Held &operator=(const Held &) = delete;
	~Held()
	{
		if (pdev_ != nullptr)
			Release(pdev_);
	}

private:
	friend class pci::Device;
	explicit Held(kcpp_pci_dev *pdev) : pdev_(pdev) {}
	kcpp_pci_dev *pdev_;
};

inline void disable_device(kcpp_pci_dev *pdev)
{
	kcpp_pci_clear_master(pdev);
	kcpp_pci_disable_device(pdev);
}
} // namespace detail

// The device is enabled (with bus mastering) while this lives.
using Enabled = detail::Held<&detail::disable_device>;
// The device's BARs are reserved for this driver while this lives.
using Regions = detail::Held<&kcpp_pci_release_regions>;

// Allocated interrupt vectors (MSI-X, MSI or INTx), freed when destroyed. Free every
// irq::Registration on them first (declare the registrations after the vectors).
class IrqVectors {
public:
	IrqVectors(IrqVectors &&o) : pdev_(exchange(o.pdev_, nullptr)), count_(o.count_) {}
	IrqVectors(const IrqVectors &) = delete;
	IrqVectors &operator=(const IrqVectors &) = delete;
	~IrqVectors()
	{
		if (pdev_ != nullptr)
			kcpp_pci_free_irq_vectors(pdev_);
	}

	u32 count() const { return count_; }
	// The Linux IRQ number of vector n.
	[[nodiscard]] Result<int> irq(u32 n) const
	{
		if (n >= count_)
			return code::EINVAL;
		return to_result_value(kcpp_pci_irq_vector(pdev_, n));
	}
	const char *kind() const
	{
		switch (kcpp_pci_irq_kind(pdev_)) {
		case 1: return "MSI-X";
		case 2: return "MSI";
		default: return "INTx";
		}
	}

private:
	friend class Device;
	IrqVectors(kcpp_pci_dev *pdev, u32 count) : pdev_(pdev), count_(count) {}
	kcpp_pci_dev *pdev_;
	u32 count_;
};

// The PCI device a driver is bound to (valid while bound).
class Device {
public:
	explicit Device(kcpp_pci_dev *raw) : raw_(raw) {}

	u16 vendor_id() const { return kcpp_pci_vendor(raw_); }
	u16 device_id() const { return kcpp_pci_device(raw_); }
	u8 revision() const { return kcpp_pci_revision(raw_); }
	u32 class_code() const { return kcpp_pci_class(raw_); }
	DeviceRef as_device() const { return DeviceRef(kcpp_pci_to_dev(raw_)); }
	// False once the device has gone away (surprise removal): its registers read all ones.
	bool is_present() const { return kcpp_pci_device_is_present(raw_); }

	// Enables the device, and bus mastering with it (for DMA).
	[[nodiscard]] Result<Enabled> enable(bool bus_master = true)
	{
		TRY(to_result(kcpp_pci_enable_device(raw_)));
		if (bus_master)
			kcpp_pci_set_master(raw_);
		return Enabled(raw_);
	}
	[[nodiscard]] Result<Regions> request_regions(const char *name)
	{
		TRY(to_result(kcpp_pci_request_regions(raw_, name)));
		return Regions(raw_);
	}
	// Maps memory BAR `bar`; ENODEV if it is not a memory BAR of at least MinSize bytes.
	template <usize MinSize> [[nodiscard]] Result<Bar<MinSize>> iomap(int bar)
	{
		unsigned long long len = 0;
		void *base = kcpp_pci_iomap(raw_, bar, &len);
		if (base == nullptr)
			return code::ENODEV;
		if (len < MinSize) {
			kcpp_pci_iounmap(raw_, base);
			return code::ENODEV;
		}
		return Bar<MinSize>(raw_, base, len);
	}
	// As alloc_irq_vectors, with the vectors after the first `pre_vectors` spread over the
	// CPUs (managed affinity), for a queue per CPU: give block::TagSet::Config::pci_map the
	// same device so blk-mq submits on the CPU each queue's interrupt goes to.
	[[nodiscard]] Result<IrqVectors> alloc_irq_vectors_spread(u32 min, u32 max, u32 types, u32 pre_vectors)
	{
		const int n = TRY(to_result_value(kcpp_pci_alloc_irq_vectors_spread(raw_, min, max, types, pre_vectors)));
		return IrqVectors(raw_, static_cast<u32>(n));
	}
	kcpp_pci_dev *raw() const { return raw_; }
	// Between min and max vectors of the allowed types (irq_types::*), preferring MSI-X.
	[[nodiscard]] Result<IrqVectors> alloc_irq_vectors(u32 min, u32 max, u32 types)
	{
		const int n = TRY(to_result_value(kcpp_pci_alloc_irq_vectors(raw_, min, max, types)));
		return IrqVectors(raw_, static_cast<u32>(n));
	}

private:
	kcpp_pci_dev *raw_;
};

namespace detail {

template <typename D> int probe(kcpp_pci_dev *raw, const void *id, void **out)
{
	// SAFETY: the PCI core passes an entry of the table KCPP_PCI_MODULE gave it, which is an
	// array of DeviceId (the mirror of struct pci_device_id).
	Result<Box<typename D::Data>> made = D::probe(Device(raw), *static_cast<const DeviceId *>(id));
	if (made.is_err())
		return made.error().to_errno();
	*out = move(made).take().into_raw();
	return 0;
}
template <typename D> void remove(kcpp_pci_dev *, void *data)
{
	// SAFETY: data is what probe stored for this device; the binding ends here.
	Box<typename D::Data> owned = Box<typename D::Data>::from_raw(static_cast<typename D::Data *>(data));
	if constexpr (requires { &D::remove; })
		D::remove(*owned);
}
template <typename D> void shutdown(kcpp_pci_dev *, void *data)
{
	D::shutdown(*static_cast<typename D::Data *>(data));
}

template <usize N> struct IdTable {
	DeviceId ids[N];
};
template <typename D, usize... I> constexpr IdTable<sizeof...(I) + 1> make_table(const DeviceId *ids, index_sequence<I...>)
{
	return {{ids[I]..., DeviceId{0, 0, 0, 0, 0, 0, 0, 0}}};
}

template <typename D> constexpr usize id_count()
{
	if constexpr (requires { D::ids; })
		return sizeof(D::ids) / sizeof(DeviceId);
	else
		return 0;
}
template <typename D> constexpr const DeviceId *ids_of()
{
	if constexpr (requires { D::ids; })
		return D::ids;
	else
		return nullptr;
}

template <typename D> struct Driver {
	static constexpr usize count = id_count<D>();
	static constexpr auto table = make_table<D>(ids_of<D>(), make_index_sequence<count>{});
	static constexpr kcpp_pci_driver_desc desc = {
		D::name, &table, &probe<D>, &remove<D>,
		[] {
			if constexpr (requires { &D::shutdown; })
				return &shutdown<D>;
			else
				return static_cast<void (*)(kcpp_pci_dev *, void *)>(nullptr);
		}()};
};

} // namespace detail
} // namespace kcpp::pci

// Registers PCI driver D for the module's lifetime and emits its ID table under the name
// TABLE (modpost turns it into pci: aliases for autoloading).
#define KCPP_PCI_MODULE(TABLE, license, D)                                                      \
	KCPP_MODULE_LICENSE(license);                                                               \
	extern "C" __attribute__((used)) const decltype(::kcpp::pci::detail::Driver<D>::table)     \
		__mod_pci__##TABLE##_device_table = ::kcpp::pci::detail::Driver<D>::table;              \
	extern "C" int kcpp_module_init(void) noexcept                                              \
	{                                                                                           \
		return kcpp_pci_register_driver(&::kcpp::pci::detail::Driver<D>::desc);                 \
	}                                                                                           \
	extern "C" void kcpp_module_exit(void) noexcept { kcpp_pci_unregister_driver(); }           \
	static_assert(true, "")
