// SPDX-License-Identifier: GPL-2.0
// kcpp_nvme — an NVMe PCI driver in C++ (work in progress).
//
// Done: controller bring-up (disable, admin queue, enable with CAP-derived timeouts, an
// interrupt-driven admin queue, Identify Controller, the number of queues, Identify of every
// active namespace), I/O queue pairs with one MSI-X vector each (or one shared vector when
// fewer are available), one blk-mq disk per namespace (kcppnvme<C>n<N>) with read, write
// (FUA), flush, discard (Dataset Management) and write zeroes when the controller has them,
// PRP lists, doorbell batching through commit_rqs, and the shutdown notification on unbind.
// The controller device /dev/kcppnvme<C> takes the C driver's admin passthrough ioctls
// (NVME_IOCTL_ADMIN_CMD, NVME_IOCTL_ADMIN64_CMD; CAP_SYS_ADMIN), so nvme-cli works on it.
// Timeouts: a command whose completion was posted but not signalled (FAIL_IO_TIMEOUT fault
// injection drops completions on purpose) is recovered by the timeout handler.
// Not yet: abort and controller reset, dead controller handling, I/O passthrough.
//
// It never takes a device by itself: it has no ID table, so it binds only to controllers an
// administrator hands it (echo kcpp_nvme > /sys/bus/pci/devices/<bdf>/driver_override), and
// the kernel's nvme driver keeps the ones it owns.
#include <kcpp/atomic.h>
#include <kcpp/block/mq.h>
#include <kcpp/completion.h>
#include <kcpp/dma.h>
#include <kcpp/irq.h>
#include <kcpp/kcpp.h>
#include <kcpp/miscdev.h>
#include <kcpp/optional.h>
#include <kcpp/pci.h>

#include "nvme_spec.h"
#include "passthru.h"
#include "prp.h"

using namespace kcpp;

KCPP_MODULE_PARAM(unsigned int, admin_timeout_ms, 5000, 0644, "admin command timeout in ms (100-60000)",
		  param::range<100u, 60000u>);
KCPP_MODULE_PARAM(unsigned int, max_io_queues, 64, 0444, "most I/O queue pairs per controller (1-64)",
		  param::range<1u, 64u>);
KCPP_MODULE_PARAM(unsigned int, io_queue_depth, 64, 0444, "entries per I/O queue (2-1024)",
		  param::range<2u, 1024u>);

namespace {

constexpr u32 PCI_CLASS_NVME = 0x010802;
constexpr u16 ADMIN_DEPTH = 32;
constexpr usize BAR_MIN = 0x1000 + 8; // registers and the admin queue's two doorbells
constexpr u32 PAGE = 4096;            // the controller page size we configure (CC.MPS = 0)
constexpr usize MAX_SEGMENTS = 128;
constexpr u32 MAX_TRANSFER = MAX_SEGMENTS * PAGE;
constexpr usize PRP_ENTRIES = PAGE / sizeof(u64); // one PRP list page per command

// Distinct controller numbers for disk names (kcppnvme0n1, kcppnvme1n1, ...).
constinit Atomic<int> next_instance{0};

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

class Controller;
class IoQueue;

// blk-mq operations: one disk per namespace.
struct NvmeOps {
	struct QueueData {
		Controller *ctrl;
		u32 nsid;
		u32 lba_shift;
	};
	struct RequestData {
		block::SgTable<MAX_SEGMENTS> sg;
		u16 status;       // NVMe status field of the completion
		bool mapped;
		Atomic<bool> device_done; // the controller posted its completion (IRQ vs timeout)
	};
	static block::Status queue_rq(QueueData &ns, block::HwQueue hctx, block::Request rq, bool last);
	static void commit_rqs(QueueData &ns, block::HwQueue hctx);
	static void complete(block::Request rq);
	static block::TimeoutAction timeout(block::Request rq);
};

// What the interrupt handler hands the waiting admin command.
struct AdminResult {
	bool done = false;
	u16 command_id = 0;
	u16 status = 0;
	u32 result = 0;
};

// One I/O submission/completion queue pair, with its interrupt and a PRP list page per tag.
class IoQueue : Pinned {
public:
	IoQueue(Controller &ctrl, u16 qid, u16 depth, dma::CoherentAllocation<nvme::Command> sq,
		dma::CoherentAllocation<nvme::Completion> cq, dma::CoherentAllocation<u64> prps)
		: ctrl_(ctrl), qid_(qid), depth_(depth), sq_(move(sq)), cq_(move(cq)), prps_(move(prps))
	{
	}

	u16 qid() const { return qid_; }
	dma::Addr sq_dma() const { return sq_.dma_handle(); }
	dma::Addr cq_dma() const { return cq_.dma_handle(); }
	u64 *prp_list(u16 tag) { return &prps_[usize(tag) * PRP_ENTRIES]; }
	dma::Addr prp_list_dma(u16 tag) const { return prps_.dma_handle(usize(tag) * PRP_ENTRIES); }

	// Queues a command; rings the doorbell now if `ring`, else at the next commit().
	void submit(const nvme::Command &cmd, bool ring);
	void commit();

	[[nodiscard]] Result<void> request_irq(int irq, bool shared) { return irq_.request(irq, *this, "kcpp_nvme", shared); }
	static irq::Return handle_irq(IoQueue &q) { return q.process_completions(); }

private:
	struct SqState {
		u16 tail = 0;
		u16 rung = 0; // the tail the controller was last told about
	};
	void ring(SqState &sq);
	irq::Return process_completions();

	Controller &ctrl_;
	const u16 qid_;
	const u16 depth_;
	dma::CoherentAllocation<nvme::Command> sq_;
	dma::CoherentAllocation<nvme::Completion> cq_;
	dma::CoherentAllocation<u64> prps_;
	SpinLockIrq<SqState> sq_state_{KCPP_LOCK_CLASS("kcpp_nvme_sq")};
	u16 cq_head_ = 0; // the completion side belongs to the interrupt handler
	u16 cq_phase_ = 1;
	irq::Registration<IoQueue> irq_; // released first
};

// The controller character device (/dev/kcppnvme<C>): admin passthrough for nvme-cli.
struct CtrlDev {
	using Shared = Controller;
	struct File {
		Controller &ctrl;
	};
	static Result<Box<File>> open(Controller &ctrl) { return Box<File>::make(gfp::KERNEL, File{ctrl}); }
	static Result<long> ioctl(File &f, u32 cmd, uptr arg);
};

struct NamespaceInfo {
	u32 nsid;
	u64 blocks;
	u32 lba_shift;
};

class Controller : Pinned {
public:
	Controller(pci::Device pdev, pci::Enabled enabled, pci::Regions regions, pci::Bar<BAR_MIN> bar,
		   dma::CoherentAllocation<nvme::Command> asq, dma::CoherentAllocation<nvme::Completion> acq,
		   dma::CoherentAllocation<u8> identify)
		: dev_(pdev.as_device()), enabled_(move(enabled)), regions_(move(regions)), bar_(move(bar)),
		  asq_(move(asq)), acq_(move(acq)), identify_(move(identify)),
		  instance_(next_instance.fetch_add_relaxed(1))
	{
	}

	// Disks go first (del_gendisk flushes through the I/O queues), then the I/O queues,
	// then the controller is shut down; the members release the rest.
	~Controller()
	{
		chardev_.deregister(); // no passthrough during teardown
		disks_.clear();
		tagset_.reset();
		delete_io_queues();
		shutdown();
		irq_.release();
	}

	DeviceRef device() const { return dev_; }
	const block::TagSet<NvmeOps> &tagset() const { return **tagset_; }
	IoQueue &io_queue(u32 index) { return *io_queues_[index]; }
	// Doorbell `index` (0: admin SQ tail, 1: admin CQ head, then 2*qid, 2*qid + 1).
	void doorbell(u32 index, u32 value)
	{
		// The BAR was checked to hold every doorbell of the queues created (setup_io).
		(void)bar_.try_write32(nvme::reg::DOORBELLS + index * db_stride_, value);
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
		// rebind were otherwise never signalled). One vector for admin, one per I/O queue.
		const u32 want = 1 + min(kcpp_param::max_io_queues.get(), task::online_cpus());
		vectors_ = TRY(pdev.alloc_irq_vectors(1, want, pci::irq_types::ALL));
		TRY(irq_.request(TRY(vectors_->irq(0)), *this, "kcpp_nvme", /*shared=*/true));

		bar_.write32<nvme::reg::AQA>((u32(ADMIN_DEPTH - 1) << 16) | (ADMIN_DEPTH - 1));
		bar_.write64<nvme::reg::ASQ>(asq_.dma_handle());
		bar_.write64<nvme::reg::ACQ>(acq_.dma_handle());
		bar_.write32<nvme::reg::CC>(nvme::cc::ENABLE | nvme::cc::CSS_NVM | nvme::cc::MPS_4K | nvme::cc::AMS_RR |
					      nvme::cc::IOSQES_64 | nvme::cc::IOCQES_16);
		return wait_ready(true);
	}

	Result<void> identify()
	{
		TRY(admin_identify(nvme::identify::CNS_CONTROLLER, 0));
		char model[41], serial[21], firmware[9];
		identify_string(model, &identify_[nvme::identify::CTRL_MODEL], nvme::identify::CTRL_MODEL_LEN);
		identify_string(serial, &identify_[nvme::identify::CTRL_SERIAL], nvme::identify::CTRL_SERIAL_LEN);
		identify_string(firmware, &identify_[nvme::identify::CTRL_FIRMWARE], nvme::identify::CTRL_FIRMWARE_LEN);
		const u32 nn = load_le<u32>(&identify_[nvme::identify::CTRL_NN]);
		volatile_write_cache_ = identify_[nvme::identify::CTRL_VWC] & 1;
		oncs_ = load_le<u16>(&identify_[nvme::identify::CTRL_ONCS]);
		const u32 vs = bar_.read32<nvme::reg::VS>();
		dev_.info("{} (serial {}, firmware {}), NVMe {}.{}, up to {} namespaces, interrupts: {}", model, serial,
			  firmware, vs >> 16, (vs >> 8) & 0xff, nn, vectors_->kind());

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
			if (shift < 9 || shift > 12) {
				dev_.err("namespace {}: unsupported block size 2^{}", nsids[i], shift);
				return code::EIO;
			}
			dev_.info("namespace {}: {} blocks of {} bytes ({} MiB)", nsids[i], blocks, 1u << shift,
				  (blocks << shift) >> 20);
			TRY(namespaces_.push(NamespaceInfo{nsids[i], blocks, shift}, gfp::KERNEL));
		}
		dev_.info("{} active namespace(s)", count);
		return {};
	}

	// I/O queue pairs (one per vector beyond the admin one, or one sharing it), the tag set
	// and a disk per namespace.
	Result<void> setup_io()
	{
		const u32 vectors = vectors_->count();
		const u32 wanted = vectors > 1 ? vectors - 1 : 1;
		const u32 granted = TRY(admin(set_features(nvme::feature::NUM_QUEUES,
							    ((wanted - 1) << 16) | (wanted - 1))));
		const u32 nq = min(wanted, min((granted & 0xffff) + 1, (granted >> 16) + 1));
		const u32 depth = min(kcpp_param::io_queue_depth.get(), nvme::cap::mqes(cap_));
		if (bar_.len() < nvme::reg::DOORBELLS + usize(2 * (nq + 1)) * db_stride_) {
			dev_.err("BAR too small for {} queues' doorbells", nq);
			return code::ENODEV;
		}
		for (u32 qid = 1; qid <= nq; ++qid)
			TRY(create_io_queue(static_cast<u16>(qid), static_cast<u16>(depth), vectors > 1 ? qid : 0));
		dev_.info("{} I/O queue(s) of depth {}, {}", nq, depth,
			  vectors > 1 ? "one vector each" : "sharing the admin vector");

		// A queue of N entries holds N - 1 commands (full when the tail would meet the head).
		tagset_ = TRY(block::TagSet<NvmeOps>::create(gfp::KERNEL, {.nr_hw_queues = nq, .queue_depth = depth - 1}));
		for (const NamespaceInfo &ns : namespaces_)
			TRY(add_disk(ns));

		FormatBuffer name(chardev_name_, sizeof(chardev_name_));
		format_to(name, "kcppnvme{}", instance_);
		TRY(chardev_.register_device(chardev_name_, *this, 0600));
		return {};
	}

private:
	Result<void> create_io_queue(u16 qid, u16 depth, u32 vector)
	{
		auto sq = TRY(dma::CoherentAllocation<nvme::Command>::alloc(dev_, depth, gfp::KERNEL));
		auto cq = TRY(dma::CoherentAllocation<nvme::Completion>::alloc(dev_, depth, gfp::KERNEL | gfp::ZERO));
		auto prps = TRY(dma::CoherentAllocation<u64>::alloc(dev_, usize(depth) * PRP_ENTRIES, gfp::KERNEL));
		auto q = TRY(Box<IoQueue>::make(gfp::KERNEL, *this, qid, depth, move(sq), move(cq), move(prps)));
		TRY(q->request_irq(TRY(vectors_->irq(vector)), /*shared=*/true));

		nvme::Command cmd{};
		cmd.opcode = nvme::admin::CREATE_CQ;
		cmd.prp1 = q->cq_dma();
		cmd.cdw10 = (u32(depth - 1) << 16) | qid;
		cmd.cdw11 = (vector << 16) | nvme::CQ_IRQ_ENABLED | nvme::QUEUE_PHYS_CONTIG;
		TRY(admin(cmd));
		cmd = nvme::Command{};
		cmd.opcode = nvme::admin::CREATE_SQ;
		cmd.prp1 = q->sq_dma();
		cmd.cdw10 = (u32(depth - 1) << 16) | qid;
		cmd.cdw11 = (u32(qid) << 16) | nvme::QUEUE_PHYS_CONTIG;
		if (admin(cmd).is_err()) {
			(void)delete_queue(nvme::admin::DELETE_CQ, qid);
			return code::EIO;
		}
		return io_queues_.push(move(q), gfp::KERNEL);
	}

	Result<void> add_disk(const NamespaceInfo &ns)
	{
		char name[32];
		FormatBuffer fmt(name, sizeof(name));
		format_to(fmt, "kcppnvme{}n{}", instance_, ns.nsid);
		const u32 bs = 1u << ns.lba_shift;
		const block::DiskConfig config = {
			.name = name,
			.capacity_sectors = ns.blocks << (ns.lba_shift - block::SECTOR_SHIFT),
			.logical_block_size = bs,
			.physical_block_size = bs,
			.max_hw_sectors = MAX_TRANSFER >> block::SECTOR_SHIFT,
			.max_discard_sectors = oncs_ & nvme::oncs::DSM ? 0x400000u : 0u, // 2 GiB per discard
			.max_write_zeroes_sectors = oncs_ & nvme::oncs::WRITE_ZEROES ? u32(0x10000) << (ns.lba_shift - 9) : 0u,
			.max_segments = MAX_SEGMENTS,
			.virt_boundary_mask = PAGE - 1,
			.write_cache = volatile_write_cache_,
			.fua = volatile_write_cache_,
		};
		auto qd = TRY(Box<NvmeOps::QueueData>::make(gfp::KERNEL, NvmeOps::QueueData{this, ns.nsid, ns.lba_shift}));
		auto disk = TRY(block::GenDisk<NvmeOps>::create(KCPP_LOCK_CLASS("kcpp_nvme_disk"), *tagset_, config, move(qd)));
		dev_.info("{}: {} MiB", name, (ns.blocks << ns.lba_shift) >> 20);
		return disks_.push(move(disk), gfp::KERNEL);
	}

	Result<void> delete_queue(u8 opcode, u16 qid)
	{
		nvme::Command cmd{};
		cmd.opcode = opcode;
		cmd.cdw10 = qid;
		TRY(admin(cmd));
		return {};
	}

	void delete_io_queues()
	{
		for (usize i = io_queues_.len(); i > 0; --i) {
			const u16 qid = io_queues_[i - 1]->qid();
			(void)delete_queue(nvme::admin::DELETE_SQ, qid);
			(void)delete_queue(nvme::admin::DELETE_CQ, qid);
		}
		io_queues_.clear();
	}

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

public:
	// Runs one admin command and waits for its completion (timeout_ms 0: the module's
	// default). The completion's status is for the caller to judge.
	Result<AdminResult> admin_raw(nvme::Command cmd, u32 timeout_ms = 0)
	{
		auto serial = admin_lock_.lock(); // one admin command at a time
		cmd.command_id = ++*serial;
		*result_.lock() = AdminResult{};
		done_.reinit();

		asq_[sq_tail_] = cmd;
		sq_tail_ = static_cast<u16>((sq_tail_ + 1) % ADMIN_DEPTH);
		// x86 keeps the entry's stores ordered before the doorbell's uncached store.
		doorbell(0, sq_tail_);

		const u32 ms = timeout_ms ? timeout_ms : kcpp_param::admin_timeout_ms.get();
		if (!done_.wait_timeout(time::msecs_to_jiffies(ms))) {
			dev_.err("admin command {:#x} (id {}) timed out (CSTS {:#x})", cmd.opcode, cmd.command_id,
				 bar_.read32<nvme::reg::CSTS>());
			return code::ETIMEDOUT;
		}
		const AdminResult r = *result_.lock();
		if (r.command_id != cmd.command_id) {
			dev_.err("admin completion for id {}, expected {}", r.command_id, cmd.command_id);
			return code::EIO;
		}
		return r;
	}

private:
	// Runs one admin command; an error status is EIO. Returns the result dword.
	Result<u32> admin(nvme::Command cmd)
	{
		const AdminResult r = TRY(admin_raw(cmd));
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
		doorbell(1, cq_head_);
		done_.complete();
		return irq::Return::Handled;
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
	const int instance_;
	u64 cap_ = 0;
	u32 db_stride_ = 4;
	bool volatile_write_cache_ = false;
	u16 oncs_ = 0;
	u16 sq_tail_ = 0;
	u16 cq_head_ = 0; // only the interrupt handler touches the completion side
	u16 cq_phase_ = 1;
	Mutex<u16> admin_lock_{KCPP_LOCK_CLASS("kcpp_nvme_admin"), u16(0)};
	SpinLockIrq<AdminResult> result_{KCPP_LOCK_CLASS("kcpp_nvme_admin_result")};
	Completion done_;
	Vec<NamespaceInfo> namespaces_;
	// Released before the members above them, in reverse order.
	Optional<pci::IrqVectors> vectors_;
	irq::Registration<Controller> irq_;
	Vec<Box<IoQueue>> io_queues_;
	Optional<Arc<block::TagSet<NvmeOps>>> tagset_;
	Vec<block::GenDisk<NvmeOps>> disks_;
	char chardev_name_[16] = {};
	miscdev::Registration<CtrlDev> chardev_;
};

namespace {

// An admin passthrough command from user space: validated, its data bounced through a
// coherent buffer (with a PRP list when it spans more than two pages), run on the admin
// queue; the NVMe status (0 on success) is the ioctl's return value, as in the C driver.
template <typename Cmd> Result<long> admin_passthru(Controller &ctrl, uptr arg)
{
	if (!miscdev::caller_is_admin())
		return code::EACCES;
	Cmd user = TRY(UserSlice(arg, sizeof(Cmd)).reader().template read<Cmd>());
	if (user.flags != 0 || user.metadata_len != 0 || user.metadata != 0) {
		ctrl.device().warn("passthrough: flags and metadata are not supported (opcode {:#x})", user.opcode);
		return code::EINVAL;
	}
	if (user.data_len > nvme::uapi::MAX_DATA) {
		ctrl.device().warn("passthrough: {} bytes of data, at most {}", user.data_len, nvme::uapi::MAX_DATA);
		return code::EINVAL;
	}

	nvme::Command cmd{};
	cmd.opcode = user.opcode;
	cmd.nsid = user.nsid;
	cmd.cdw2 = user.cdw2;
	cmd.cdw3 = user.cdw3;
	cmd.cdw10 = user.cdw10;
	cmd.cdw11 = user.cdw11;
	cmd.cdw12 = user.cdw12;
	cmd.cdw13 = user.cdw13;
	cmd.cdw14 = user.cdw14;
	cmd.cdw15 = user.cdw15;

	// Data direction from the opcode's two low bits (NVMe: 01 to the controller, 10 from it).
	const bool to_device = user.opcode & 1;
	const bool from_device = user.opcode & 2;
	const usize pages = (usize(user.data_len) + PAGE - 1) / PAGE;
	Optional<dma::CoherentAllocation<u8>> data;
	Optional<dma::CoherentAllocation<u64>> prp_list;
	if (user.data_len > 0) {
		data = TRY(dma::CoherentAllocation<u8>::alloc(ctrl.device(), pages * PAGE, gfp::KERNEL | gfp::ZERO));
		if (to_device)
			TRY(UserSlice(user.addr, user.data_len).reader().read_raw(data->data(), user.data_len));
		cmd.prp1 = data->dma_handle();
		if (pages == 2) {
			cmd.prp2 = data->dma_handle(PAGE);
		} else if (pages > 2) {
			prp_list = TRY(dma::CoherentAllocation<u64>::alloc(ctrl.device(), pages - 1, gfp::KERNEL));
			for (usize i = 1; i < pages; ++i)
				(*prp_list)[i - 1] = data->dma_handle(i * PAGE);
			cmd.prp2 = prp_list->dma_handle();
		}
	}

	const AdminResult r = TRY(ctrl.admin_raw(cmd, user.timeout_ms));
	if (from_device && user.data_len > 0)
		TRY(UserSlice(user.addr, user.data_len).writer().write_raw(data->data(), user.data_len));
	user.result = r.result;
	// Only the result field goes back, as the C driver writes only that.
	TRY(UserSlice(arg + __builtin_offsetof(Cmd, result), sizeof(user.result)).writer().write(user.result));
	return static_cast<long>(nvme::status_code(r.status));
}

} // namespace

Result<long> CtrlDev::ioctl(File &f, u32 cmd, uptr arg)
{
	switch (cmd) {
	case nvme::uapi::IOCTL_ADMIN_CMD:
		return admin_passthru<nvme::uapi::PassthruCmd>(f.ctrl, arg);
	case nvme::uapi::IOCTL_ADMIN64_CMD:
		return admin_passthru<nvme::uapi::PassthruCmd64>(f.ctrl, arg);
	default:
		return code::ENOTTY;
	}
}

void IoQueue::ring(SqState &sq)
{
	if (sq.tail != sq.rung) {
		ctrl_.doorbell(2 * qid_, sq.tail);
		sq.rung = sq.tail;
	}
}

void IoQueue::submit(const nvme::Command &cmd, bool ring_now)
{
	auto sq = sq_state_.lock();
	sq_[sq->tail] = cmd;
	sq->tail = static_cast<u16>((sq->tail + 1) % depth_);
	if (ring_now)
		ring(*sq);
}

void IoQueue::commit()
{
	auto sq = sq_state_.lock();
	ring(*sq);
}

irq::Return IoQueue::process_completions()
{
	bool any = false;
	for (;;) {
		const u16 status = cq_.read_volatile(cq_head_, &nvme::Completion::status);
		if ((status & 1) != cq_phase_)
			break;
		io::dma_rmb();
		const nvme::Completion cqe = cq_[cq_head_];
		if (++cq_head_ == depth_) {
			cq_head_ = 0;
			cq_phase_ ^= 1;
		}
		any = true;
		// A completion for a tag that is not in flight is the device's bug: drop it.
		Optional<block::Request> rq = ctrl_.tagset().request(qid_ - 1u, cqe.command_id);
		if (!rq) {
			ctrl_.device().warn("queue {}: completion for unknown command {}", qid_, cqe.command_id);
			continue;
		}
		NvmeOps::RequestData &pdu = rq->data<NvmeOps::RequestData>();
		pdu.status = cqe.status >> 1;
		pdu.device_done.store_release(true);
		if (rq->should_fake_timeout())
			continue; // fault injection: this interrupt is "lost"; the timeout recovers it
		rq->complete();
	}
	if (!any)
		return irq::Return::None;
	ctrl_.doorbell(2 * qid_ + 1, cq_head_);
	return irq::Return::Handled;
}

block::Status NvmeOps::queue_rq(QueueData &ns, block::HwQueue hctx, block::Request rq, bool last)
{
	IoQueue &q = ns.ctrl->io_queue(hctx.index());
	RequestData &pdu = rq.data<RequestData>();
	pdu.status = 0;
	pdu.mapped = false;
	pdu.device_done.store_relaxed(false);

	nvme::Command cmd{};
	cmd.command_id = static_cast<u16>(rq.tag());
	cmd.nsid = ns.nsid;
	switch (rq.op()) {
	case block::Op::Read:
	case block::Op::Write: {
		Result<usize> mapped = rq.map_dma(ns.ctrl->device(), pdu.sg);
		if (mapped.is_err())
			return mapped.error() == code::ENOMEM ? block::Status::Resource : block::Status::IoErr;
		pdu.mapped = true;
		if (nvme::build_prps(cmd, pdu.sg, mapped.value(), rq.bytes(), q.prp_list(cmd.command_id), PRP_ENTRIES,
				     q.prp_list_dma(cmd.command_id))
			    .is_err()) {
			ns.ctrl->device().err("request {}: data not describable by PRPs", rq.tag());
			rq.unmap_dma(ns.ctrl->device(), pdu.sg);
			pdu.mapped = false;
			return block::Status::IoErr;
		}
		const u64 slba = rq.sector() >> (ns.lba_shift - block::SECTOR_SHIFT);
		const u32 nlb = rq.bytes() >> ns.lba_shift;
		cmd.opcode = rq.op() == block::Op::Read ? nvme::io::READ : nvme::io::WRITE;
		cmd.cdw10 = static_cast<u32>(slba);
		cmd.cdw11 = static_cast<u32>(slba >> 32);
		cmd.cdw12 = (nlb - 1) | (rq.is_fua() ? nvme::io::RW_FUA : 0);
		break;
	}
	case block::Op::Flush:
		cmd.opcode = nvme::io::FLUSH;
		break;
	case block::Op::Discard: {
		// One range, in the tag's PRP page (the disk allows one discard segment).
		auto *range = reinterpret_cast<nvme::DsmRange *>(q.prp_list(cmd.command_id));
		range->attributes = 0;
		range->length = rq.bytes() >> ns.lba_shift;
		range->slba = rq.sector() >> (ns.lba_shift - block::SECTOR_SHIFT);
		cmd.opcode = nvme::io::DATASET_MANAGEMENT;
		cmd.prp1 = q.prp_list_dma(cmd.command_id);
		cmd.cdw10 = 0; // number of ranges - 1
		cmd.cdw11 = nvme::io::DSM_DEALLOCATE;
		break;
	}
	case block::Op::WriteZeroes: {
		const u64 slba = rq.sector() >> (ns.lba_shift - block::SECTOR_SHIFT);
		cmd.opcode = nvme::io::WRITE_ZEROES;
		cmd.cdw10 = static_cast<u32>(slba);
		cmd.cdw11 = static_cast<u32>(slba >> 32);
		cmd.cdw12 = (rq.bytes() >> ns.lba_shift) - 1;
		break;
	}
	default:
		return block::Status::NotSupported;
	}
	rq.start();
	q.submit(cmd, last);
	return block::Status::Ok;
}

void NvmeOps::commit_rqs(QueueData &ns, block::HwQueue hctx)
{
	ns.ctrl->io_queue(hctx.index()).commit();
}

// A request blk-mq gave up waiting for. If the controller did post its completion (its
// interrupt went missing: FAIL_IO_TIMEOUT makes that happen), finish it now. A command the
// controller never completed needs an abort or a controller reset, which this driver does
// not do yet: it keeps waiting and says so.
block::TimeoutAction NvmeOps::timeout(block::Request rq)
{
	RequestData &pdu = rq.data<RequestData>();
	auto *ns = static_cast<QueueData *>(rq.queuedata());
	if (pdu.device_done.load_acquire()) {
		ns->ctrl->device().warn("command {} timed out but had completed: recovered", rq.tag());
		rq.complete();
		return block::TimeoutAction::Done;
	}
	ns->ctrl->device().warn("command {} timed out without a completion; waiting (no abort or reset yet)",
				rq.tag());
	return block::TimeoutAction::ResetTimer;
}

void NvmeOps::complete(block::Request rq)
{
	RequestData &pdu = rq.data<RequestData>();
	auto *ns = static_cast<QueueData *>(rq.queuedata());
	if (pdu.mapped)
		rq.unmap_dma(ns->ctrl->device(), pdu.sg);
	rq.end(pdu.status == 0 ? block::Status::Ok : block::Status::IoErr);
}

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
		// PRPs describe any segment length: let the block layer merge freely.
		TRY(dma::set_max_segment_size(pdev.as_device(), 0xffffffff));
		auto asq = TRY(dma::CoherentAllocation<nvme::Command>::alloc(pdev.as_device(), ADMIN_DEPTH, gfp::KERNEL));
		auto acq = TRY(dma::CoherentAllocation<nvme::Completion>::alloc(pdev.as_device(), ADMIN_DEPTH,
										gfp::KERNEL | gfp::ZERO));
		auto ident = TRY(dma::CoherentAllocation<u8>::alloc(pdev.as_device(), nvme::identify::SIZE, gfp::KERNEL));
		auto ctrl = TRY(Box<Controller>::make(gfp::KERNEL, pdev, move(enabled), move(regions), move(bar), move(asq),
						      move(acq), move(ident)));
		TRY(ctrl->bring_up(pdev));
		TRY(ctrl->identify());
		TRY(ctrl->setup_io());
		return ctrl;
	}
};

KCPP_PCI_MODULE(kcpp_nvme_tbl, "GPL", NvmeDriver);
KCPP_MODULE_AUTHOR("kcpp developers");
KCPP_MODULE_DESCRIPTION("NVMe PCI driver in C++ (kcpp), controller bring-up");
