// SPDX-License-Identifier: GPL-2.0
// kcpp_nvme's objects: a controller, its I/O queue pairs, the blk-mq operations of its disks
// and its character device. controller.cpp brings a controller up, resets and tears it
// down; io.cpp is the I/O path; ioctl.cpp the passthrough ioctls.
#pragma once

#include <kcpp/atomic.h>
#include <kcpp/block/mq.h>
#include <kcpp/completion.h>
#include <kcpp/dma.h>
#include <kcpp/irq.h>
#include <kcpp/kcpp.h>
#include <kcpp/miscdev.h>
#include <kcpp/optional.h>
#include <kcpp/pci.h>
#include <kcpp/revocable.h>
#include <kcpp/workqueue.h>

#include "commands.h"

namespace kcpp_nvme {

using namespace kcpp;

inline constexpr u16 ADMIN_DEPTH = 32;
inline constexpr usize BAR_MIN = 0x1000 + 8; // registers and the admin queue's two doorbells
inline constexpr u32 PAGE = 4096;            // the controller page size we configure (CC.MPS = 0)
inline constexpr usize MAX_SEGMENTS = 128;
inline constexpr u32 MAX_TRANSFER = MAX_SEGMENTS * PAGE;
// A PRP list slot per tag, reserved with the queue so the I/O path never allocates (the C
// driver takes list pages from a DMA pool per request instead). The largest transfer touches
// MAX_SEGMENTS + 1 pages when it starts mid-page; PRP1 names the first, so the list needs
// MAX_SEGMENTS entries: 1 KiB, and 1 KiB-aligned slots never cross a page, as a PRP list
// must not (without chaining).
inline constexpr usize PRP_ENTRIES = MAX_SEGMENTS;
static_assert(PAGE % (PRP_ENTRIES * sizeof(u64)) == 0, "PRP list slots must not straddle pages");
inline constexpr unsigned MAX_RETRIES = 5;               // as the C driver's nvme_core.max_retries

// What the module parameters say, fixed at probe.
struct Config {
	u32 admin_timeout_ms;
	u32 max_io_queues;
	u32 io_queue_depth;
	u32 io_timeout_ms;
};

class Controller;

// A completion queue's host side: the ring the controller writes, and where its next entry is
// expected (head and phase tag). Belongs to the queue's interrupt handler, or to a reset with
// that interrupt masked.
class CompletionQueue {
public:
	CompletionQueue(dma::CoherentAllocation<nvme::Completion> ring, u16 depth) : ring_(move(ring)), depth_(depth) {}

	dma::Addr dma_handle() const { return ring_.dma_handle(); }
	u16 head() const { return head_; }

	// Calls on_entry(entry) for every entry the controller has posted since, in order, and
	// says whether there was any (then the head doorbell must be written).
	template <typename F> bool consume(F &&on_entry)
	{
		bool any = false;
		for (;;) {
			const u16 status = ring_.read_volatile(head_, &nvme::Completion::status);
			if ((status & 1) != phase_)
				break;
			io::dma_rmb(); // read the rest of the entry only after seeing its phase
			const nvme::Completion entry = ring_[head_];
			if (++head_ == depth_) {
				head_ = 0;
				phase_ ^= 1;
			}
			any = true;
			on_entry(entry);
		}
		return any;
	}

	// Empty again, as a disabled controller leaves its queues.
	void reset()
	{
		for (usize i = 0; i < depth_; ++i)
			ring_[i] = nvme::Completion{};
		head_ = 0;
		phase_ = 1;
	}

private:
	dma::CoherentAllocation<nvme::Completion> ring_;
	const u16 depth_;
	u16 head_ = 0;
	u16 phase_ = 1;
};

// blk-mq operations: one disk per namespace.
struct NvmeOps {
	// Owned by the disk, which may outlive the controller while its block device is open:
	// the I/O path uses ctrl (no I/O reaches a removed disk), ioctls go through link.
	struct QueueData {
		Controller *ctrl;
		Arc<Revocable<Controller>> link;
		u32 nsid;
		u32 lba_shift;
	};
	struct RequestData {
		block::SgTable<MAX_SEGMENTS> sg;
		u16 command_id;  // tag and generation of the command in flight
		u16 qid;         // the submission queue it went to
		u16 status;      // NVMe status field of the completion
		u8 generation;   // bumped at every issue (see nvme::make_cid)
		u8 retries;
		bool requeued;   // set when a reset gave the request back to blk-mq
		bool mapped;
		bool aborted;    // the timeout handler sent an Abort for it
		nvme::Command cmd;      // what queue_rq issues; for Op::DrvIn/DrvOut, the ioctl's
					// command from user space to start from
		u32 result;             // the completion's result dword (for passthrough)
		Atomic<bool> device_done; // the controller posted its completion (IRQ vs timeout)
	};
	static block::Status queue_rq(QueueData &ns, block::HwQueue hctx, block::Request rq, bool last);
	static void commit_rqs(QueueData &ns, block::HwQueue hctx);
	static void queue_rqs(block::RequestList &rqs);
	static void complete(block::Request rq);
	static void release(block::Request rq);
	static block::TimeoutAction timeout(block::Request rq);
	static Result<long> ioctl(QueueData &ns, block::Queue q, const block::IoctlContext &ctx, u32 cmd, uptr arg);
};

// One I/O submission/completion queue pair, with its interrupt and a PRP list page per tag.
class IoQueue : Pinned {
public:
	// The doorbells are registers of the controller's BAR, which outlives its queues.
	IoQueue(Controller &ctrl, u16 qid, u16 depth, u16 vector, pci::Reg32 sq_doorbell, pci::Reg32 cq_doorbell,
		dma::CoherentAllocation<nvme::Command> sq, dma::CoherentAllocation<nvme::Completion> cq,
		dma::CoherentAllocation<u64> prps)
		: ctrl_(ctrl), qid_(qid), depth_(depth), vector_(vector), sq_doorbell_(sq_doorbell),
		  cq_doorbell_(cq_doorbell), sq_(move(sq)), cq_(move(cq), depth), prps_(move(prps))
	{
	}

	u16 qid() const { return qid_; }
	u16 depth() const { return depth_; }
	u16 vector() const { return vector_; }
	dma::Addr sq_dma() const { return sq_.dma_handle(); }
	dma::Addr cq_dma() const { return cq_.dma_handle(); }
	u64 *prp_list(u16 tag) { return &prps_[usize(tag) * PRP_ENTRIES]; }
	dma::Addr prp_list_dma(u16 tag) const { return prps_.dma_handle(usize(tag) * PRP_ENTRIES); }

	// Queues a command; rings the doorbell now if `ring`, else at the next commit().
	void submit(const nvme::Command &cmd, bool ring);
	// Queues the prepared command (RequestData::cmd) of every request on the list, in
	// order, and rings the doorbell once. Empties the list.
	void submit_all(block::RequestList &rqs);
	void commit();

	[[nodiscard]] Result<void> request_irq(int irq, bool shared) { return irq_.request(irq, *this, "kcpp_nvme", shared); }
	static irq::Return handle_irq(IoQueue &q) { return q.process_completions(); }

	// For a reset, with the controller disabled: consume what it did complete, then start
	// over with empty queues. The interrupt is masked meanwhile.
	void reap()
	{
		auto masked = irq_.mask();
		(void)process_completions();
	}
	void reset_state();

private:
	struct SqState {
		u16 tail = 0;
		u16 rung = 0; // the tail the controller was last told about
	};
	void push(SqState &sq, const nvme::Command &cmd)
	{
		sq_[sq.tail] = cmd;
		if (++sq.tail == depth_)
			sq.tail = 0;
	}
	// x86 keeps the entries' stores ordered before the doorbell's uncached store.
	void ring(SqState &sq)
	{
		if (sq.tail != sq.rung) {
			sq_doorbell_.write(sq.tail);
			sq.rung = sq.tail;
		}
	}
	irq::Return process_completions();
	void complete_one(nvme::Completion cqe, block::CompletionBatch<NvmeOps> &batch);

	Controller &ctrl_;
	const u16 qid_;
	const u16 depth_;
	const u16 vector_;
	const pci::Reg32 sq_doorbell_;
	const pci::Reg32 cq_doorbell_;
	dma::CoherentAllocation<nvme::Command> sq_;
	CompletionQueue cq_;
	dma::CoherentAllocation<u64> prps_;
	SpinLock<SqState> sq_state_{KCPP_LOCK_CLASS("kcpp_nvme_sq")}; // never taken in interrupts
	u32 corrupted_ = 0; // completions the inject_corrupt_completions hook spoiled
	irq::Registration<IoQueue> irq_; // released first
};

// The controller character device (/dev/kcppnvme<C>): passthrough for nvme-cli.
// Open files reach the controller through a Revocable: unbinding revokes it, so an ioctl
// on a file still open afterwards fails with ENODEV instead of touching freed memory.
struct CtrlDev {
	using Shared = Arc<Revocable<Controller>>;
	struct File {
		Shared ctrl;
	};
	static Result<Box<File>> open(Shared &link) { return Box<File>::make(gfp::KERNEL, File{link}); }
	static Result<long> ioctl(File &f, u32 cmd, uptr arg);
};

struct NamespaceInfo {
	u32 nsid;
	u64 blocks;
	u32 lba_shift;
};

// What the interrupt handler hands the waiting admin command.
struct AdminResult {
	bool done = false;
	u16 command_id = 0;
	u16 status = 0;
	u32 result = 0;
};

class Controller : Pinned {
public:
	// The controller's health. Live: I/O flows. Resetting: a reset owns the controller; I/O
	// waits (the queues are quiesced). Dead: it did not come back; all I/O fails.
	enum class Health : u8 { Live, Resetting, Dead };

	Controller(pci::Device pdev, const Config &config, pci::Enabled enabled, pci::Regions regions,
		   pci::Bar<BAR_MIN> bar, dma::CoherentAllocation<nvme::Command> asq,
		   dma::CoherentAllocation<nvme::Completion> acq, dma::CoherentAllocation<u8> identify);
	~Controller();

	// Probe, in order.
	[[nodiscard]] Result<void> bring_up();
	[[nodiscard]] Result<void> identify();
	[[nodiscard]] Result<void> setup_io();

	DeviceRef device() const { return dev_; }
	const Config &config() const { return config_; }
	const block::TagSet<NvmeOps> &tagset() const { return **tagset_; }
	IoQueue &io_queue(u32 index) { return *io_queues_[index]; }
	Health health() const { return static_cast<Health>(health_.load_acquire()); }
	u32 csts() { return bar_.read32<nvme::reg::CSTS>(); }
	// Doorbell `index` (0: admin SQ tail, 1: admin CQ head, then 2*qid, 2*qid + 1).
	void doorbell(u32 index, u32 value)
	{
		// The BAR was checked to hold every doorbell of the queues created (setup_io).
		(void)bar_.try_write32(nvme::reg::DOORBELLS + index * db_stride_, value);
	}
	[[nodiscard]] Result<pci::Reg32> doorbell_register(u32 index) const
	{
		return bar_.reg32(nvme::reg::DOORBELLS + index * db_stride_);
	}

	// Runs one admin command and waits for its completion (timeout_ms 0: the module's
	// default). The completion's status is for the caller to judge. ENODEV once dead.
	[[nodiscard]] Result<AdminResult> admin_raw(const nvme::Command &cmd, u32 timeout_ms = 0);
	// Asks the controller to abort command `cid` of queue `qid` (for a timed-out request).
	[[nodiscard]] Result<void> abort(u16 qid, u16 cid);
	// Starts a reset unless one is under way or the controller is dead; false then.
	bool schedule_reset(const char *why);
	// NVME_IOCTL_RESET: resets now and says whether the controller came back.
	[[nodiscard]] Result<void> reset_sync();

	static irq::Return handle_irq(Controller &c) { return c.process_admin_completions(); }

private:
	using AdminGuard = MutexGuard<u16>;
	[[nodiscard]] Result<AdminResult> admin_locked(AdminGuard &serial, nvme::Command cmd, u32 timeout_ms);
	// Runs one admin command; an error status is EIO. Returns the result dword.
	[[nodiscard]] Result<u32> admin(AdminGuard &serial, const nvme::Command &cmd);
	irq::Return process_admin_completions();

	[[nodiscard]] Result<void> enable();
	[[nodiscard]] Result<void> disable();
	[[nodiscard]] Result<void> wait_ready(bool ready);
	void shutdown();
	[[nodiscard]] Result<void> create_io_queue(AdminGuard &admin, u16 qid, u16 depth, u16 vector);
	[[nodiscard]] Result<void> activate_io_queue(AdminGuard &admin, IoQueue &q);
	[[nodiscard]] Result<void> start_io_queues(AdminGuard &admin);
	void delete_io_queues();
	[[nodiscard]] Result<void> add_disk(const NamespaceInfo &ns);

	static void reset_work(Work &w);
	void reset();
	// With the controller disabled: every request still in flight is completed as cancelled
	// (NvmeOps::complete then requeues or fails it).
	void cancel_all_requests();
	// The controller is dead or gone: stop it if it is there and fail everything in flight.
	void fail_all_io();

	DeviceRef dev_;
	pci::Device pdev_;
	const Config config_;
	pci::Enabled enabled_;
	pci::Regions regions_;
	pci::Bar<BAR_MIN> bar_;
	dma::CoherentAllocation<nvme::Command> asq_;
	CompletionQueue acq_;
	dma::CoherentAllocation<u8> identify_;
	const int instance_;
	u64 cap_ = 0;
	u32 db_stride_ = 4;
	bool volatile_write_cache_ = false;
	u16 oncs_ = 0;
	u32 max_transfer_ = MAX_TRANSFER; // bytes per request: MAX_TRANSFER or the DMA layer's limit
	u16 sq_tail_ = 0; // admin submission side: under admin_lock_
	Atomic<u8> health_{static_cast<u8>(Health::Live)};
	Mutex<u16> admin_lock_{KCPP_LOCK_CLASS("kcpp_nvme_admin"), u16(0)}; // one admin command at a time
	SpinLockIrq<AdminResult> result_{KCPP_LOCK_CLASS("kcpp_nvme_admin_result")};
	Completion done_;
	Mutex<u32> resets_{KCPP_LOCK_CLASS("kcpp_nvme_reset"), 0u}; // resets done; held by the one running
	Work reset_work_{KCPP_LOCK_CLASS("kcpp_nvme_reset_work"), &Controller::reset_work};
	Vec<NamespaceInfo> namespaces_;
	// Released before the members above them, in reverse order.
	Optional<pci::IrqVectors> vectors_;
	irq::Registration<Controller> irq_;
	Vec<Box<IoQueue>> io_queues_;
	Optional<Arc<block::TagSet<NvmeOps>>> tagset_;
	Vec<block::GenDisk<NvmeOps>> disks_;
	Optional<Arc<Revocable<Controller>>> link_; // what open files of the chardev hold
	char chardev_name_[16] = {};
	miscdev::Registration<CtrlDev> chardev_;
};

} // namespace kcpp_nvme

namespace kcpp_param {
// Test hook (see nvme.cpp): completions to drop as if the controller had lost the command.
extern kcpp::ModuleParam<unsigned int> inject_lost_completions;
// Test hook: completions to make malformed (wrong queue, stale command id).
extern kcpp::ModuleParam<unsigned int> inject_corrupt_completions;
} // namespace kcpp_param
