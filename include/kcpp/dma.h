// SPDX-License-Identifier: GPL-2.0
// kcpp/dma.h — DMA masks and coherent allocations owned by C++ objects.
//
//     TRY(dma::set_mask(dev, 32));
//     auto ring = TRY(dma::CoherentAllocation<Cmd>::alloc(dev, 64, gfp::KERNEL));
//     ring[3] = cmd;  device_reg.write(ring.dma_handle());
//
// The allocation is freed (dma_free_coherent) when the object is destroyed, which the
// binding guarantees happens before the device is unbound.
#pragma once

#include <kcpp/device.h>
#include <kcpp/error.h>

namespace kcpp::dma {

using Addr = unsigned long long; // dma_addr_t, as the shims pass it

[[nodiscard]] inline Result<void> set_mask(DeviceRef dev, unsigned int bits)
{
	return to_result(kcpp_dma_set_mask_and_coherent(dev.raw(), bits));
}

// The longest scatter-gather segment the device takes (the DMA layer checks mappings against
// it; the default is 64 KiB).
[[nodiscard]] inline Result<void> set_max_segment_size(DeviceRef dev, u32 bytes)
{
	return to_result(kcpp_dma_set_max_seg_size(dev.raw(), bytes));
}

// Bounce buffers (swiotlb) keep a mapping's offset within (mask + 1)-byte units: NVMe's PRPs
// need a segment's offset within the controller page preserved.
[[nodiscard]] inline Result<void> set_min_align_mask(DeviceRef dev, u32 mask)
{
	return to_result(kcpp_dma_set_min_align_mask(dev.raw(), mask));
}

// The longest mapping the DMA layer makes efficiently (with swiotlb, its slot limit: longer
// contiguous segments cannot be bounced). Cap transfer sizes by it.
inline usize opt_mapping_size(DeviceRef dev) { return kcpp_dma_opt_mapping_size(dev.raw()); }

template <typename T> class CoherentAllocation {
	static_assert(is_trivially_copyable_v<T>, "device-visible memory holds plain data");

public:
	[[nodiscard]] static Result<CoherentAllocation> alloc(DeviceRef dev, usize count, Gfp gfp)
	{
		usize bytes;
		if (count == 0 || !checked_mul(count, sizeof(T), &bytes))
			return code::EINVAL;
		Addr handle = 0;
		void *cpu = kcpp_dma_alloc_coherent(dev.raw(), bytes, &handle, gfp.bits());
		if (cpu == nullptr)
			return code::ENOMEM;
		return CoherentAllocation(dev, static_cast<T *>(cpu), count, handle);
	}

	CoherentAllocation(CoherentAllocation &&o)
		: dev_(o.dev_), cpu_(exchange(o.cpu_, nullptr)), count_(o.count_), handle_(o.handle_)
	{
	}
	CoherentAllocation(const CoherentAllocation &) = delete;
	CoherentAllocation &operator=(const CoherentAllocation &) = delete;
	~CoherentAllocation()
	{
		if (cpu_ != nullptr)
			kcpp_dma_free_coherent(dev_.raw(), count_ * sizeof(T), cpu_, handle_);
	}

	usize len() const { return count_; }
	usize size_bytes() const { return count_ * sizeof(T); }
	// The address the device uses.
	Addr dma_handle() const { return handle_; }
	Addr dma_handle(usize index) const
	{
		KCPP_BUG_ON(index >= count_);
		return handle_ + index * sizeof(T);
	}
	// CPU access, bounds-checked. The device may write concurrently: read device-written
	// fields through volatile or after the ordering the protocol requires (io::dma_rmb).
	T &operator[](usize i)
	{
		KCPP_BUG_ON(i >= count_);
		return cpu_[i];
	}
	const T &operator[](usize i) const
	{
		KCPP_BUG_ON(i >= count_);
		return cpu_[i];
	}
	T *data() { return cpu_; }

	// Reads a field the device writes, once, as the device left it (a volatile load: the
	// compiler may neither cache nor tear it). Order further reads with io::dma_rmb().
	template <typename F, typename U = T> F read_volatile(usize i, F U::*field) const
	{
		KCPP_BUG_ON(i >= count_);
		return *static_cast<const volatile F *>(&(cpu_[i].*field));
	}

private:
	CoherentAllocation(DeviceRef dev, T *cpu, usize count, Addr handle)
		: dev_(dev), cpu_(cpu), count_(count), handle_(handle)
	{
	}
	DeviceRef dev_;
	T *cpu_;
	usize count_;
	Addr handle_;
};

} // namespace kcpp::dma
