// SPDX-License-Identifier: GPL-2.0
// kcpp_nvme — an NVMe PCI driver in C++ (work in progress: controller bring-up).
//
// This milestone brings a controller up and identifies it: disable, admin queue setup,
// enable with CAP-derived timeouts, an interrupt-driven admin queue, Identify Controller,
// the number-of-queues feature, and Identify of every active namespace. On unbind it sends
// the shutdown notification and disables the controller. I/O queues and disks come next.
//
// It never takes a device by itself: it has no ID table, so it binds only to controllers an
// administrator hands it (echo kcpp_nvme > /sys/bus/pci/devices/<bdf>/driver_override), and
// the kernel's nvme driver keeps the ones it owns.
#include <kcpp/completion.h>
#include <kcpp/dma.h>
#include <kcpp/irq.h>
#include <kcpp/kcpp.h>
#include <kcpp/optional.h>
#include <kcpp/pci.h>

#include "nvme_spec.h"

using namespace kcpp;

KCPP_MODULE_PARAM(unsigned int, admin_timeout_ms, 5000, 0644, "admin command timeout in ms (100-60000)",
		  param::range<100u, 60000u>);

namespace {

constexpr u32 PCI_CLASS_NVME = 0x010802;
constexpr u16 ADMIN_DEPTH = 32;
constexpr usize BAR_MIN = 0x1000 + 8; // registers and the admin queue's two doorbells

// Copies a space-padded Identify string into a NUL-terminated buffer, trimmed.
template <usize N> void identify_string(char (&out)[N], const u8 *src, usize len)
{
	usize n = len < N - 1 ? len : N - 1;
	for (usize i = 0; i < n; ++i)
		out[i] = static_cast<char>(src[i]);
	while (n > 0 && (out[n - 1] == ' ' || out[n - 1] == '\0'))
		--n;
	out[n] = '\0';
}

template <typename T> T load_le(const u8 *p)
{
	T v = 0;
	for (usize i = 0; i < sizeof(T); ++i)
		v |= static_cast<T>(p[i]) << (8 * i);
	return v;
}

} // namespace

// What the interrupt handler hands the waiting admin command.
struct AdminResult {
	bool done = false;
	u16 command_id = 0;
	u16 status = 0;
	u32 result = 0;
};

class Controller : Pinned {
public:
	Controller(pci::Device pdev, pci::Enabled enabled, pci::Regions regions, pci::Bar<BAR_MIN> bar,
		   dma::CoherentAllocation<nvme::Command> asq, dma::CoherentAllocation<nvme::Completion> acq,
		   dma::CoherentAllocation<u8> identify)
		: dev_(pdev.as_device()), enabled_(move(enabled)), regions_(move(regions)), bar_(move(bar)),
		  asq_(move(asq)), acq_(move(acq)), identify_(move(identify))
	{
	}

	~Controller()
	{
		shutdown();
		irq_.release();
	}

	static irq::Return handle_irq(Controller &c) { return c.process_admin_completions(); }

	Result<void> bring_up(pci::Device pdev)
	{
		cap_ = bar_.read64<nvme::reg::CAP>();
		if (!nvme::cap::nvm_command_set(cap_)) {
			dev_.err("controller does not support the NVM command set (CAP {:#x})", cap_);
			return code::ENODEV;
		}
		if (nvme::cap::mps_min(cap_) > 0) {
			dev_.err("controller needs pages larger than 4 KiB (CAP {:#x})", cap_);
			return code::ENODEV;
		}
		db_stride_ = nvme::cap::doorbell_stride(cap_);
		TRY(disable());

		// Interrupts first: a controller may bind its admin completion queue to an MSI-X
		// vector only if MSI-X is on when it is enabled (QEMU's does: the completions of a
		// rebind were otherwise never signalled).
		vectors_ = TRY(pdev.alloc_irq_vectors(1, 1, pci::irq_types::ALL));
		TRY(irq_.request(TRY(vectors_->irq(0)), *this, "kcpp_nvme"));

		bar_.write32<nvme::reg::AQA>((u32(ADMIN_DEPTH - 1) << 16) | (ADMIN_DEPTH - 1));
		bar_.write64<nvme::reg::ASQ>(asq_.dma_handle());
		bar_.write64<nvme::reg::ACQ>(acq_.dma_handle());
		bar_.write32<nvme::reg::CC>(nvme::cc::ENABLE | nvme::cc::CSS_NVM | nvme::cc::MPS_4K | nvme::cc::AMS_RR |
					      nvme::cc::IOSQES_64 | nvme::cc::IOCQES_16);
		TRY(wait_ready(true));
		return {};
	}

	Result<void> identify()
	{
		TRY(admin_identify(nvme::identify::CNS_CONTROLLER, 0));
		char model[41], serial[21], firmware[9];
		identify_string(model, &identify_[nvme::identify::CTRL_MODEL], nvme::identify::CTRL_MODEL_LEN);
		identify_string(serial, &identify_[nvme::identify::CTRL_SERIAL], nvme::identify::CTRL_SERIAL_LEN);
		identify_string(firmware, &identify_[nvme::identify::CTRL_FIRMWARE], nvme::identify::CTRL_FIRMWARE_LEN);
		const u32 nn = load_le<u32>(&identify_[nvme::identify::CTRL_NN]);
		const u32 vs = bar_.read32<nvme::reg::VS>();
		dev_.info("{} (serial {}, firmware {}), NVMe {}.{}, up to {} namespaces, interrupts: {}", model, serial,
			  firmware, vs >> 16, (vs >> 8) & 0xff, nn, vectors_->kind());

		// Ask for one I/O queue pair; the controller says how many it allows.
		const u32 granted = TRY(admin(set_features(nvme::feature::NUM_QUEUES, 0)));
		dev_.info("queues: {} submission, {} completion available", (granted & 0xffff) + 1, (granted >> 16) + 1);

		TRY(admin_identify(nvme::identify::CNS_ACTIVE_NAMESPACES, 0));
		u32 nsids[16];
		usize count = 0;
		for (usize i = 0; i < 1024 && count < 16; ++i) {
			const u32 nsid = load_le<u32>(&identify_[i * 4]);
			if (nsid == 0)
				break;
			nsids[count++] = nsid;
		}
		for (usize i = 0; i < count; ++i) {
			TRY(admin_identify(nvme::identify::CNS_NAMESPACE, nsids[i]));
			const u64 blocks = load_le<u64>(&identify_[nvme::identify::NS_NSZE]);
			const u8 format = identify_[nvme::identify::NS_FLBAS] & 0xf;
			if (format > identify_[nvme::identify::NS_NLBAF]) {
				dev_.err("namespace {}: LBA format {} out of range", nsids[i], format);
				return code::EIO;
			}
			const u32 lbaf = load_le<u32>(&identify_[nvme::identify::NS_LBAF + 4 * format]);
			const u32 shift = (lbaf >> 16) & 0xff;
			if (shift < 9 || shift > 16) {
				dev_.err("namespace {}: unsupported block size 2^{}", nsids[i], shift);
				return code::EIO;
			}
			dev_.info("namespace {}: {} blocks of {} bytes ({} MiB)", nsids[i], blocks, 1u << shift,
				  (blocks << shift) >> 20);
		}
		dev_.info("{} active namespace(s)", count);
		return {};
	}

private:
	static nvme::Command set_features(u32 fid, u32 value)
	{
		nvme::Command cmd{};
		cmd.opcode = nvme::admin::SET_FEATURES;
		cmd.cdw10 = fid;
		cmd.cdw11 = value;
		return cmd;
	}

	Result<void> admin_identify(u32 cns, u32 nsid)
	{
		nvme::Command cmd{};
		cmd.opcode = nvme::admin::IDENTIFY;
		cmd.nsid = nsid;
		cmd.prp1 = identify_.dma_handle();
		cmd.cdw10 = cns;
		TRY(admin(cmd));
		return {};
	}

	// Runs one admin command and waits for its completion; returns its result dword.
	Result<u32> admin(nvme::Command cmd)
	{
		auto serial = admin_lock_.lock(); // one admin command at a time
		cmd.command_id = ++*serial;
		*result_.lock() = AdminResult{};
		done_.reinit();

		asq_[sq_tail_] = cmd;
		sq_tail_ = static_cast<u16>((sq_tail_ + 1) % ADMIN_DEPTH);
		// x86 keeps the entry's stores ordered before the doorbell's uncached store.
		TRY(doorbell(0, sq_tail_));

		if (!done_.wait_timeout(time::msecs_to_jiffies(kcpp_param::admin_timeout_ms.get()))) {
			dev_.err("admin command {:#x} (id {}) timed out (CSTS {:#x}, completion queue head {} status {:#x})",
				 cmd.opcode, cmd.command_id, bar_.read32<nvme::reg::CSTS>(), cq_head_,
				 acq_.read_volatile(cq_head_, &nvme::Completion::status));
			return code::ETIMEDOUT;
		}
		const AdminResult r = *result_.lock();
		if (r.command_id != cmd.command_id) {
			dev_.err("admin completion for id {}, expected {}", r.command_id, cmd.command_id);
			return code::EIO;
		}
		if (nvme::status_code(r.status) != 0) {
			dev_.err("admin command {:#x} failed: status {:#x}", cmd.opcode, nvme::status_code(r.status));
			return code::EIO;
		}
		return r.result;
	}

	// Interrupt context: consume every new admin completion entry.
	irq::Return process_admin_completions()
	{
		bool any = false;
		for (;;) {
			const u16 status = acq_.read_volatile(cq_head_, &nvme::Completion::status);
			if ((status & 1) != cq_phase_)
				break;
			io::dma_rmb(); // read the rest of the entry only after seeing its phase
			const nvme::Completion cqe = acq_[cq_head_];
			*result_.lock() = AdminResult{true, cqe.command_id, cqe.status, cqe.result};
			if (++cq_head_ == ADMIN_DEPTH) {
				cq_head_ = 0;
				cq_phase_ ^= 1;
			}
			any = true;
		}
		if (!any)
			return irq::Return::None;
		(void)doorbell(1, cq_head_);
		done_.complete();
		return irq::Return::Handled;
	}

	// Doorbell `index` (0: admin SQ tail, 1: admin CQ head, then 2*qid, 2*qid + 1).
	Result<void> doorbell(u32 index, u32 value)
	{
		return bar_.try_write32(nvme::reg::DOORBELLS + index * db_stride_, value);
	}

	// Clears EN, and SHN with it: a controller left shut down does not start again otherwise.
	Result<void> disable()
	{
		const u32 cc = bar_.read32<nvme::reg::CC>();
		if (cc & (nvme::cc::ENABLE | nvme::cc::SHN_MASK))
			bar_.write32<nvme::reg::CC>(cc & ~(nvme::cc::ENABLE | nvme::cc::SHN_MASK));
		return wait_ready(false);
	}

	Result<void> wait_ready(bool ready)
	{
		const unsigned int timeout = nvme::cap::timeout_ms(cap_);
		auto csts = bar_.poll32<nvme::reg::CSTS>(nvme::csts::READY, ready ? nvme::csts::READY : 0, timeout);
		if (csts.is_err()) {
			dev_.err("controller not {} after {} ms (CSTS {:#x})", ready ? "ready" : "disabled", timeout,
				 bar_.read32<nvme::reg::CSTS>());
			return csts.error();
		}
		if (ready && (csts.value() & nvme::csts::FATAL)) {
			dev_.err("controller fatal status while enabling");
			return code::EIO;
		}
		return {};
	}

	// The shutdown notification, so the controller can flush before power goes away.
	void shutdown()
	{
		const u32 cc = bar_.read32<nvme::reg::CC>();
		if (!(cc & nvme::cc::ENABLE))
			return;
		bar_.write32<nvme::reg::CC>((cc & ~nvme::cc::SHN_MASK) | nvme::cc::SHN_NORMAL);
		auto st = bar_.poll32<nvme::reg::CSTS>(nvme::csts::SHST_MASK, nvme::csts::SHST_COMPLETE,
						       nvme::cap::timeout_ms(cap_));
		if (st.is_ok())
			dev_.info("shutdown complete");
		else
			dev_.warn("shutdown did not complete in time");
		(void)disable();
	}

	DeviceRef dev_;
	pci::Enabled enabled_;
	pci::Regions regions_;
	pci::Bar<BAR_MIN> bar_;
	dma::CoherentAllocation<nvme::Command> asq_;
	dma::CoherentAllocation<nvme::Completion> acq_;
	dma::CoherentAllocation<u8> identify_;
	u64 cap_ = 0;
	u32 db_stride_ = 4;
	u16 sq_tail_ = 0;
	u16 cq_head_ = 0; // only the interrupt handler touches the completion side
	u16 cq_phase_ = 1;
	Mutex<u16> admin_lock_{KCPP_LOCK_CLASS("kcpp_nvme_admin"), u16(0)};
	SpinLockIrq<AdminResult> result_{KCPP_LOCK_CLASS("kcpp_nvme_admin_result")};
	Completion done_;
	// Released before the members above it.
	Optional<pci::IrqVectors> vectors_;
	irq::Registration<Controller> irq_;
};

struct NvmeDriver {
	static constexpr const char *name = "kcpp_nvme";
	using Data = Controller;

	static Result<Box<Controller>> probe(pci::Device pdev, const pci::DeviceId &)
	{
		if (pdev.class_code() != PCI_CLASS_NVME) {
			pdev.as_device().err("not an NVMe controller (class {:#08x})", pdev.class_code());
			return code::ENODEV;
		}
		auto enabled = TRY(pdev.enable());
		auto regions = TRY(pdev.request_regions("kcpp_nvme"));
		auto bar = TRY(pdev.iomap<BAR_MIN>(0));
		TRY(dma::set_mask(pdev.as_device(), 64));
		auto asq = TRY(dma::CoherentAllocation<nvme::Command>::alloc(pdev.as_device(), ADMIN_DEPTH, gfp::KERNEL));
		auto acq = TRY(dma::CoherentAllocation<nvme::Completion>::alloc(pdev.as_device(), ADMIN_DEPTH,
										gfp::KERNEL | gfp::ZERO));
		auto ident = TRY(dma::CoherentAllocation<u8>::alloc(pdev.as_device(), nvme::identify::SIZE, gfp::KERNEL));
		auto ctrl = TRY(Box<Controller>::make(gfp::KERNEL, pdev, move(enabled), move(regions), move(bar), move(asq),
						      move(acq), move(ident)));
		TRY(ctrl->bring_up(pdev));
		TRY(ctrl->identify());
		return ctrl;
	}
};

KCPP_PCI_MODULE(kcpp_nvme_tbl, "GPL", NvmeDriver);
KCPP_MODULE_AUTHOR("kcpp developers");
KCPP_MODULE_DESCRIPTION("NVMe PCI driver in C++ (kcpp), controller bring-up");
