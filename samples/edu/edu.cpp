// SPDX-License-Identifier: GPL-2.0
// kcpp_edu — a PCI driver for QEMU's "edu" teaching device (-device edu), exercising kcpp's
// PCI, MMIO, interrupt and DMA layers end to end before a real driver relies on them.
//
// At probe it checks the device's identity and liveness register, computes a factorial
// with a completion interrupt, and moves a 4 KiB pattern RAM -> device -> RAM by DMA,
// waiting for the DMA interrupt each way. The device (QEMU's docs/specs/edu.txt):
//   0x00 identification (0xRRrr00ed)   0x04 liveness: reads back the inverse of what was written
//   0x08 factorial                     0x20 status: bit 0 computing, bit 7 interrupt when done
//   0x24 interrupt status              0x60 raise interrupt, 0x64 acknowledge
//   0x80/0x88/0x90/0x98 DMA source, destination, count, command (1 start, 2 to RAM, 4 irq)
//   its DMA buffer is at device address 0x40000, 4 KiB.
#include <kcpp/completion.h>
#include <kcpp/dma.h>
#include <kcpp/irq.h>
#include <kcpp/kcpp.h>
#include <kcpp/pci.h>

using namespace kcpp;

namespace regs {
inline constexpr usize ID = 0x00, LIVENESS = 0x04, FACTORIAL = 0x08, STATUS = 0x20;
inline constexpr usize IRQ_STATUS = 0x24, IRQ_ACK = 0x64;
inline constexpr usize DMA_SRC = 0x80, DMA_DST = 0x88, DMA_COUNT = 0x90, DMA_CMD = 0x98;
inline constexpr u32 STATUS_IRQ_ON_FACTORIAL = 0x80;
inline constexpr u32 IRQ_FACTORIAL = 0x001, IRQ_DMA = 0x100;
inline constexpr u32 DMA_START = 1, DMA_TO_RAM = 2, DMA_IRQ = 4;
inline constexpr u64 DEVICE_BUFFER = 0x40000;
} // namespace regs

KCPP_MODULE_PARAM(unsigned int, factorial_of, 10, 0444, "n for the factorial self-test (0-12)",
		  param::range<0u, 12u>);

class Edu : Pinned {
public:
	static constexpr usize BAR_SIZE = 0x100;
	// QEMU 7.2's edu rejects a transfer that ends exactly at the end of its 4 KiB buffer
	// (an off-by-one in its range check, "DMA range ... out of bounds"): move 2 KiB.
	static constexpr usize DMA_BYTES = 2048;

	Edu(pci::Device pdev, pci::Enabled enabled, pci::Regions regions, pci::Bar<BAR_SIZE> bar,
	    pci::IrqVectors vectors, dma::CoherentAllocation<u8> buffer)
		: dev_(pdev.as_device()), enabled_(move(enabled)), regions_(move(regions)), bar_(move(bar)),
		  vectors_(move(vectors)), buffer_(move(buffer))
	{
	}

	// Hard interrupt context: record why, acknowledge, wake the waiter.
	static irq::Return handle_irq(Edu &edu)
	{
		const u32 status = edu.bar_.read32<regs::IRQ_STATUS>();
		if (status == 0)
			return irq::Return::None; // not ours (INTx may be shared)
		edu.bar_.write32<regs::IRQ_ACK>(status);
		*edu.irq_reasons_.lock() |= status;
		edu.irq_done_.complete();
		return irq::Return::Handled;
	}

	Result<void> start(int irq_number)
	{
		TRY(irq_.request(irq_number, *this, "kcpp_edu", /*shared=*/true));
		return {};
	}

	Result<void> self_test()
	{
		const u32 id = bar_.read32<regs::ID>();
		if ((id & 0xff) != 0xed) {
			dev_.err("not an edu device: id {:#010x}", id);
			return code::ENODEV;
		}
		bar_.write32<regs::LIVENESS>(0x12345678);
		const u32 alive = bar_.read32<regs::LIVENESS>();
		if (alive != ~0x12345678u) {
			dev_.err("liveness check failed: wrote 0x12345678, read {:#010x}", alive);
			return code::EIO;
		}

		// Factorial, signalled by interrupt.
		const u32 n = kcpp_param::factorial_of.get();
		bar_.write32<regs::STATUS>(regs::STATUS_IRQ_ON_FACTORIAL);
		bar_.write32<regs::FACTORIAL>(n);
		TRY(wait_irq(regs::IRQ_FACTORIAL));
		const u32 result = bar_.read32<regs::FACTORIAL>();
		if (result != factorial(n)) {
			dev_.err("{}! computed as {}, expected {}", n, result, factorial(n));
			return code::EIO;
		}
		dev_.info("edu v{}.{}: {}! = {} by interrupt ({})", id >> 24, (id >> 16) & 0xff, n, result,
			  vectors_.kind());

		// DMA round trip through the device's buffer.
		for (usize i = 0; i < DMA_BYTES; ++i)
			buffer_[i] = static_cast<u8>(i * 7 + 3);
		TRY(dma(buffer_.dma_handle(), regs::DEVICE_BUFFER, 0));
		for (usize i = 0; i < DMA_BYTES; ++i)
			buffer_[i] = 0;
		TRY(dma(regs::DEVICE_BUFFER, buffer_.dma_handle(), regs::DMA_TO_RAM));
		for (usize i = 0; i < DMA_BYTES; ++i) {
			if (buffer_[i] != static_cast<u8>(i * 7 + 3)) {
				dev_.err("DMA round trip: byte {} is {:#x}", i, buffer_[i]);
				return code::EIO;
			}
		}
		dev_.info("DMA round trip of {} bytes ok", DMA_BYTES);
		return {};
	}

	~Edu() { dev_.info("unbound after {} interrupt(s)", irqs_seen()); }

private:
	static constexpr u32 factorial(u32 n) { return n <= 1 ? 1 : n * factorial(n - 1); }

	Result<void> dma(u64 src, u64 dst, u32 direction)
	{
		bar_.write64<regs::DMA_SRC>(src);
		bar_.write64<regs::DMA_DST>(dst);
		bar_.write64<regs::DMA_COUNT>(DMA_BYTES);
		bar_.write64<regs::DMA_CMD>(regs::DMA_START | regs::DMA_IRQ | direction);
		return wait_irq(regs::IRQ_DMA);
	}

	Result<void> wait_irq(u32 reason)
	{
		if (!irq_done_.wait_timeout(time::msecs_to_jiffies(2000))) {
			dev_.err("no interrupt (wanted {:#x})", reason);
			return code::ETIMEDOUT;
		}
		irq_done_.reinit();
		const u32 seen = exchange(*irq_reasons_.lock(), 0u);
		if (!(seen & reason)) {
			dev_.err("interrupt for {:#x}, wanted {:#x}", seen, reason);
			return code::EIO;
		}
		++irq_count_;
		return {};
	}
	unsigned irqs_seen() const { return irq_count_; }

	DeviceRef dev_;
	// Released in reverse order: the interrupt first, the device's enablement last.
	pci::Enabled enabled_;
	pci::Regions regions_;
	pci::Bar<BAR_SIZE> bar_;
	pci::IrqVectors vectors_;
	dma::CoherentAllocation<u8> buffer_;
	SpinLockIrq<u32> irq_reasons_{KCPP_LOCK_CLASS("kcpp_edu_irq_reasons"), 0u};
	Completion irq_done_;
	unsigned irq_count_ = 0;
	irq::Registration<Edu> irq_;
};

struct EduDriver {
	static constexpr const char *name = "kcpp_edu";
	static constexpr pci::DeviceId ids[] = {pci::DeviceId::of(0x1234, 0x11e8)};
	using Data = Edu;

	static Result<Box<Edu>> probe(pci::Device pdev, const pci::DeviceId &)
	{
		auto enabled = TRY(pdev.enable());
		auto regions = TRY(pdev.request_regions("kcpp_edu"));
		auto bar = TRY(pdev.iomap<Edu::BAR_SIZE>(0));
		TRY(dma::set_mask(pdev.as_device(), 32));
		auto vectors = TRY(pdev.alloc_irq_vectors(1, 1, pci::irq_types::MSI | pci::irq_types::INTX));
		const int irq_number = TRY(vectors.irq(0));
		auto buffer = TRY(dma::CoherentAllocation<u8>::alloc(pdev.as_device(), Edu::DMA_BYTES, gfp::KERNEL));
		auto edu = TRY(Box<Edu>::make(gfp::KERNEL, pdev, move(enabled), move(regions), move(bar), move(vectors),
					     move(buffer)));
		TRY(edu->start(irq_number));
		TRY(edu->self_test());
		return edu;
	}
};

KCPP_PCI_MODULE(kcpp_edu_tbl, "GPL", EduDriver);
KCPP_MODULE_AUTHOR("kcpp developers");
KCPP_MODULE_DESCRIPTION("kcpp sample: PCI driver for QEMU's edu device (MMIO, IRQ, DMA)");
