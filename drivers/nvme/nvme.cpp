// SPDX-License-Identifier: GPL-2.0
// kcpp_nvme — an NVMe PCI driver in C++: module parameters, probe and registration.
//
// controller.cpp brings a controller up (admin queue, Identify, I/O queue pairs with a vector
// each, a disk per namespace), resets it when commands time out or it fails, and shuts it
// down on unbind; io.cpp is the I/O path (read, write with FUA, flush, discard, write zeroes,
// PRP lists, doorbell batching, completions, timeouts with abort and reset); ioctl.cpp the C
// driver's passthrough ioctls. docs/nvme.md describes the whole driver.
//
// It never takes a device by itself: it has no ID table, so it binds only to controllers an
// administrator hands it (echo kcpp_nvme > /sys/bus/pci/devices/<bdf>/driver_override), and
// the kernel's nvme driver keeps the ones it owns.
#include "controller.h"

using namespace kcpp;

KCPP_MODULE_PARAM(unsigned int, admin_timeout_ms, 5000, 0644, "admin command timeout in ms (100-60000)",
		  param::range<100u, 60000u>);
KCPP_MODULE_PARAM(unsigned int, io_timeout_ms, 30000, 0444, "I/O command timeout in ms (100-600000)",
		  param::range<100u, 600000u>);
KCPP_MODULE_PARAM(unsigned int, max_io_queues, 64, 0444, "most I/O queue pairs per controller (1-64)",
		  param::range<1u, 64u>);
KCPP_MODULE_PARAM(unsigned int, io_queue_depth, 64, 0444, "entries per I/O queue (2-1024)",
		  param::range<2u, 1024u>);
KCPP_MODULE_PARAM(unsigned int, inject_lost_completions, 0, 0600,
		  "test hook: drop the next N I/O completions, as if the controller had lost those commands "
		  "(exercises abort and reset; 0-1000)",
		  param::range<0u, 1000u>);

KCPP_MODULE_PARAM(unsigned int, inject_corrupt_completions, 0, 0600,
		  "test hook: make the next N I/O completions malformed (another queue's id, a stale "
		  "command id), as a faulty controller might (0-1000)",
		  param::range<0u, 1000u>);

namespace kcpp_nvme {
namespace {

constexpr u32 PCI_CLASS_NVME = 0x010802;

struct NvmeDriver {
	static constexpr const char *name = "kcpp_nvme";
	using Data = Controller;

	static Result<Box<Controller>> probe(pci::Device pdev, const pci::DeviceId &)
	{
		if (pdev.class_code() != PCI_CLASS_NVME) {
			pdev.as_device().err("not an NVMe controller (class {:#08x})", pdev.class_code());
			return code::ENODEV;
		}
		const Config config = {
			.admin_timeout_ms = kcpp_param::admin_timeout_ms.get(),
			.max_io_queues = kcpp_param::max_io_queues.get(),
			.io_queue_depth = kcpp_param::io_queue_depth.get(),
			.io_timeout_ms = kcpp_param::io_timeout_ms.get(),
		};
		auto enabled = TRY(pdev.enable());
		auto regions = TRY(pdev.request_regions("kcpp_nvme"));
		auto bar = TRY(pdev.iomap<BAR_MIN>(0));
		TRY(dma::set_mask(pdev.as_device(), 64));
		// PRPs describe any segment length: let the block layer merge freely.
		TRY(dma::set_max_segment_size(pdev.as_device(), 0xffffffff));
		// Bounce buffers must keep each segment's offset in the controller page, or PRPs
		// cannot describe a bounced transfer (as the C driver sets it).
		TRY(dma::set_min_align_mask(pdev.as_device(), PAGE - 1));
		auto asq = TRY(dma::CoherentAllocation<nvme::Command>::alloc(pdev.as_device(), ADMIN_DEPTH, gfp::KERNEL));
		auto acq = TRY(dma::CoherentAllocation<nvme::Completion>::alloc(pdev.as_device(), ADMIN_DEPTH,
										gfp::KERNEL | gfp::ZERO));
		auto ident = TRY(dma::CoherentAllocation<u8>::alloc(pdev.as_device(), nvme::identify::SIZE, gfp::KERNEL));
		auto ctrl = TRY(Box<Controller>::make(gfp::KERNEL, pdev, config, move(enabled), move(regions), move(bar),
						      move(asq), move(acq), move(ident)));
		TRY(ctrl->bring_up());
		TRY(ctrl->identify());
		TRY(ctrl->setup_io());
		return ctrl;
	}
};

} // namespace
} // namespace kcpp_nvme

KCPP_PCI_MODULE(kcpp_nvme_tbl, "GPL", kcpp_nvme::NvmeDriver);
KCPP_MODULE_AUTHOR("kcpp developers");
KCPP_MODULE_DESCRIPTION("NVMe PCI driver in C++ (kcpp)");
