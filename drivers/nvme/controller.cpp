// SPDX-License-Identifier: GPL-2.0
// kcpp_nvme: bringing a controller up, resetting it when it fails, tearing it down.
#include "controller.h"
#include "identify.h"

namespace kcpp_nvme {

namespace {

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

} // namespace

Controller::Controller(pci::Device pdev, const Config &config, pci::Enabled enabled, pci::Regions regions,
		       pci::Bar<BAR_MIN> bar, dma::CoherentAllocation<nvme::Command> asq,
		       dma::CoherentAllocation<nvme::Completion> acq, dma::CoherentAllocation<u8> identify)
	: dev_(pdev.as_device()), pdev_(pdev), config_(config), enabled_(move(enabled)), regions_(move(regions)),
	  bar_(move(bar)), asq_(move(asq)), acq_(move(acq), ADMIN_DEPTH), identify_(move(identify)),
	  instance_(next_instance.fetch_add_relaxed(1))
{
}

// Disks go first (del_gendisk flushes their I/O through the queues), then the I/O queues,
// then the controller is shut down; the members release the rest. A controller that is gone
// (surprise removal) or dead completes nothing: its outstanding I/O is failed first, so
// deleting the disks does not wait for completions that never come.
Controller::~Controller()
{
	chardev_.deregister(); // no new opens
	if (link_)
		(*link_)->revoke(); // waits for a passthrough ioctl under way; later ones get ENODEV
	if (tagset_ && (!pdev_.is_present() || health() == Health::Dead)) {
		auto resets = resets_.lock();
		health_.store_release(static_cast<u8>(Health::Dead));
		dev_.warn("controller gone or dead: failing its outstanding I/O");
		fail_all_io();
	}
	disks_.clear();
	reset_work_.cancel_sync();
	tagset_.reset();
	if (health() != Health::Dead) {
		delete_io_queues();
		shutdown();
	}
	irq_.release();
}

Result<void> Controller::bring_up()
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
	const u32 want = 1 + min(config_.max_io_queues, task::online_cpus());
	// The I/O queues' vectors are spread over the CPUs, and the tag set maps each CPU to the
	// queue whose interrupt it takes, so completions arrive where I/O was submitted.
	vectors_ = TRY(pdev_.alloc_irq_vectors_spread(1, want, pci::irq_types::ALL, /*pre_vectors=*/1));
	TRY(irq_.request(TRY(vectors_->irq(0)), *this, "kcpp_nvme", /*shared=*/true));
	return enable();
}

// AQA/ASQ/ACQ, then CC: enable with the NVM command set, 4 KiB pages, 64-byte SQ and 16-byte
// CQ entries; waits for RDY (or CFS: fatal). The admin queues must be empty.
Result<void> Controller::enable()
{
	bar_.write32<nvme::reg::AQA>((u32(ADMIN_DEPTH - 1) << 16) | (ADMIN_DEPTH - 1));
	bar_.write64<nvme::reg::ASQ>(asq_.dma_handle());
	bar_.write64<nvme::reg::ACQ>(acq_.dma_handle());
	bar_.write32<nvme::reg::CC>(nvme::cc::ENABLE | nvme::cc::CSS_NVM | nvme::cc::MPS_4K | nvme::cc::AMS_RR |
				      nvme::cc::IOSQES_64 | nvme::cc::IOCQES_16);
	return wait_ready(true);
}

Result<void> Controller::identify()
{
	auto admin_guard = admin_lock_.lock();
	TRY(admin(admin_guard, nvme::identify_command(nvme::identify::CNS_CONTROLLER, 0, identify_.dma_handle())));
	char model[41], serial[21], firmware[9];
	identify_string(model, &identify_[nvme::identify::CTRL_MODEL], nvme::identify::CTRL_MODEL_LEN);
	identify_string(serial, &identify_[nvme::identify::CTRL_SERIAL], nvme::identify::CTRL_SERIAL_LEN);
	identify_string(firmware, &identify_[nvme::identify::CTRL_FIRMWARE], nvme::identify::CTRL_FIRMWARE_LEN);
	const u32 nn = nvme::load_le<u32>(&identify_[nvme::identify::CTRL_NN]);
	volatile_write_cache_ = identify_[nvme::identify::CTRL_VWC] & 1;
	oncs_ = nvme::load_le<u16>(&identify_[nvme::identify::CTRL_ONCS]);
	const u32 vs = bar_.read32<nvme::reg::VS>();
	dev_.info("{} (serial {}, firmware {}), NVMe {}.{}, up to {} namespaces, interrupts: {}", model, serial,
		  firmware, vs >> 16, (vs >> 8) & 0xff, nn, vectors_->kind());

	TRY(admin(admin_guard, nvme::identify_command(nvme::identify::CNS_ACTIVE_NAMESPACES, 0, identify_.dma_handle())));
	constexpr usize MAX_NAMESPACES = 16;
	u32 nsids[MAX_NAMESPACES];
	// The parsers read identify::SIZE bytes: the size of identify_.
	const nvme::ActiveList list = nvme::parse_active_list(&identify_[0], nn, nsids, MAX_NAMESPACES);
	if (list.error != nvme::IdentifyError::None) {
		dev_.err("malformed active namespace list: id {} after {} (NN {})", list.bad,
			 list.count ? nsids[list.count - 1] : 0, nn);
		return code::EIO;
	}
	const usize count = list.count;
	for (usize i = 0; i < count; ++i) {
		TRY(admin(admin_guard, nvme::identify_command(nvme::identify::CNS_NAMESPACE, nsids[i], identify_.dma_handle())));
		const nvme::NamespaceGeometry g = nvme::parse_namespace(&identify_[0]);
		switch (g.error) {
		case nvme::IdentifyError::None:
			break;
		case nvme::IdentifyError::FormatOutOfRange:
			dev_.err("namespace {}: LBA format {} out of range", nsids[i], g.format);
			return code::EIO;
		case nvme::IdentifyError::BlockSize:
			dev_.err("namespace {}: unsupported block size 2^{}", nsids[i], g.lba_shift);
			return code::EIO;
		default:
			dev_.err("namespace {}: implausible size of {} blocks", nsids[i], g.blocks);
			return code::EIO;
		}
		dev_.info("namespace {}: {} blocks of {} bytes ({} MiB)", nsids[i], g.blocks, 1u << g.lba_shift,
			  (g.blocks << g.lba_shift) >> 20);
		TRY(namespaces_.push(NamespaceInfo{nsids[i], g.blocks, g.lba_shift}, gfp::KERNEL));
	}
	dev_.info("{} active namespace(s)", count);
	return {};
}

// I/O queue pairs (one per vector beyond the admin one, or one sharing it), the tag set, a
// disk per namespace and the character device.
Result<void> Controller::setup_io()
{
	{
		auto admin_guard = admin_lock_.lock();
		const u32 vectors = vectors_->count();
		const u32 wanted = vectors > 1 ? vectors - 1 : 1;
		const u32 nq = nvme::granted_queue_pairs(wanted, TRY(admin(admin_guard, nvme::request_queues(wanted))));
		const u32 depth = min(config_.io_queue_depth, nvme::cap::mqes(cap_));
		if (bar_.len() < nvme::reg::DOORBELLS + usize(2 * (nq + 1)) * db_stride_) {
			dev_.err("BAR too small for {} queues' doorbells", nq);
			return code::ENODEV;
		}
		for (u32 qid = 1; qid <= nq; ++qid)
			TRY(create_io_queue(admin_guard, static_cast<u16>(qid), static_cast<u16>(depth),
					    static_cast<u16>(vectors > 1 ? qid : 0)));
		dev_.info("{} I/O queue(s) of depth {}, {}", nq, depth,
			  vectors > 1 ? "one vector each" : "sharing the admin vector");

		// A queue of N entries holds N - 1 commands (full when the tail would meet the head).
		block::TagSet<NvmeOps>::Config set_config = {
			.nr_hw_queues = nq, .queue_depth = depth - 1, .timeout_ms = config_.io_timeout_ms};
		if (vectors > 1) {
			set_config.pci_map = pci::Device(pdev_);
			set_config.pci_map_first_vector = 1;
		}
		tagset_ = TRY(block::TagSet<NvmeOps>::create(gfp::KERNEL, set_config));
	}
	link_ = TRY(Arc<Revocable<Controller>>::make(gfp::KERNEL, KCPP_LOCK_CLASS("kcpp_nvme_link"), *this));
	// Transfers no longer than the DMA layer maps well: with swiotlb bouncing, a longer
	// contiguous segment could never be mapped (as the C driver caps max_hw_sectors).
	max_transfer_ = static_cast<u32>(min<usize>(MAX_TRANSFER, dma::opt_mapping_size(dev_)) & ~usize(PAGE - 1));
	if (max_transfer_ < MAX_TRANSFER)
		dev_.info("transfers capped at {} KiB by the DMA layer", max_transfer_ >> 10);
	for (const NamespaceInfo &ns : namespaces_)
		TRY(add_disk(ns));

	FormatBuffer name(chardev_name_, sizeof(chardev_name_));
	format_to(name, "kcppnvme{}", instance_);
	TRY(chardev_.register_device(chardev_name_, *link_, 0600));
	return {};
}

Result<void> Controller::create_io_queue(AdminGuard &admin_guard, u16 qid, u16 depth, u16 vector)
{
	auto sq = TRY(dma::CoherentAllocation<nvme::Command>::alloc(dev_, depth, gfp::KERNEL));
	auto cq = TRY(dma::CoherentAllocation<nvme::Completion>::alloc(dev_, depth, gfp::KERNEL | gfp::ZERO));
	auto prps = TRY(dma::CoherentAllocation<u64>::alloc(dev_, usize(depth) * PRP_ENTRIES, gfp::KERNEL));
	// SAFETY (the doorbell registers): io_queues_ is destroyed before bar_ (declared after it).
	auto q = TRY(Box<IoQueue>::make(gfp::KERNEL, *this, qid, depth, vector, TRY(doorbell_register(2 * qid)),
					TRY(doorbell_register(2 * qid + 1)), move(sq), move(cq), move(prps)));
	TRY(q->request_irq(TRY(vectors_->irq(vector)), /*shared=*/true));
	TRY(activate_io_queue(admin_guard, *q));
	return io_queues_.push(move(q), gfp::KERNEL);
}

// Creates the controller's side of a queue pair: completion queue first, then submission.
Result<void> Controller::activate_io_queue(AdminGuard &admin_guard, IoQueue &q)
{
	TRY(admin(admin_guard, nvme::create_cq(q.qid(), q.depth(), q.cq_dma(), q.vector())));
	if (admin(admin_guard, nvme::create_sq(q.qid(), q.depth(), q.sq_dma(), q.qid())).is_err()) {
		(void)admin(admin_guard, nvme::delete_queue(nvme::admin::DELETE_CQ, q.qid()));
		return code::EIO;
	}
	return {};
}

Result<void> Controller::add_disk(const NamespaceInfo &ns)
{
	char name[32];
	FormatBuffer fmt(name, sizeof(name));
	format_to(fmt, "kcppnvme{}n{}", instance_, ns.nsid);
	const u32 bs = 1u << ns.lba_shift;
	const block::DiskConfig disk_config = {
		.name = name,
		.capacity_sectors = ns.blocks << (ns.lba_shift - block::SECTOR_SHIFT),
		.logical_block_size = bs,
		.physical_block_size = bs,
		.max_hw_sectors = max_transfer_ >> block::SECTOR_SHIFT,
		.max_discard_sectors = oncs_ & nvme::oncs::DSM ? 0x400000u : 0u, // 2 GiB per discard
		.max_write_zeroes_sectors = oncs_ & nvme::oncs::WRITE_ZEROES ? u32(0x10000) << (ns.lba_shift - 9) : 0u,
		.max_segments = MAX_SEGMENTS,
		.virt_boundary_mask = PAGE - 1,
		.dma_alignment = 3, // NVMe needs dword-aligned data, as the C driver says
		.write_cache = volatile_write_cache_,
		.fua = volatile_write_cache_,
	};
	auto qd = TRY(Box<NvmeOps::QueueData>::make(gfp::KERNEL, NvmeOps::QueueData{this, *link_, ns.nsid, ns.lba_shift}));
	auto disk = TRY(block::GenDisk<NvmeOps>::create(KCPP_LOCK_CLASS("kcpp_nvme_disk"), *tagset_, disk_config, move(qd)));
	dev_.info("{}: {} MiB", name, (ns.blocks << ns.lba_shift) >> 20);
	return disks_.push(move(disk), gfp::KERNEL);
}

void Controller::delete_io_queues()
{
	auto admin_guard = admin_lock_.lock();
	for (usize i = io_queues_.len(); i > 0; --i) {
		const u16 qid = io_queues_[i - 1]->qid();
		(void)admin(admin_guard, nvme::delete_queue(nvme::admin::DELETE_SQ, qid));
		(void)admin(admin_guard, nvme::delete_queue(nvme::admin::DELETE_CQ, qid));
	}
	io_queues_.clear();
}

Result<AdminResult> Controller::admin_raw(const nvme::Command &cmd, u32 timeout_ms)
{
	auto serial = admin_lock_.lock();
	return admin_locked(serial, cmd, timeout_ms);
}

Result<AdminResult> Controller::admin_locked(AdminGuard &serial, nvme::Command cmd, u32 timeout_ms)
{
	if (health() == Health::Dead)
		return code::ENODEV;
	cmd.command_id = ++*serial;
	*result_.lock() = AdminResult{};
	done_.reinit();

	asq_[sq_tail_] = cmd;
	sq_tail_ = static_cast<u16>((sq_tail_ + 1) % ADMIN_DEPTH);
	// x86 keeps the entry's stores ordered before the doorbell's uncached store.
	doorbell(0, sq_tail_);

	const u32 ms = timeout_ms ? timeout_ms : config_.admin_timeout_ms;
	if (!done_.wait_timeout(time::msecs_to_jiffies(ms))) {
		dev_.err("admin command {:#x} (id {}) timed out (CSTS {:#x})", cmd.opcode, cmd.command_id, csts());
		return code::ETIMEDOUT;
	}
	const AdminResult r = *result_.lock();
	if (r.command_id != cmd.command_id) {
		dev_.err("admin completion for id {}, expected {}", r.command_id, cmd.command_id);
		return code::EIO;
	}
	return r;
}

Result<u32> Controller::admin(AdminGuard &serial, const nvme::Command &cmd)
{
	const AdminResult r = TRY(admin_locked(serial, cmd, 0));
	if (nvme::status_code(r.status) != 0) {
		dev_.err("admin command {:#x} failed: status {:#x}", cmd.opcode, nvme::status_code(r.status));
		return code::EIO;
	}
	return r.result;
}

Result<void> Controller::abort(u16 qid, u16 cid)
{
	const AdminResult r = TRY(admin_raw(nvme::abort(qid, cid)));
	// Result bit 0 set: the command was not aborted (it may have completed, or the
	// controller could not find it). Either way the timeout handler waits once more.
	dev_.warn("abort of command {:#x} on queue {}: status {:#x}, {}", cid, qid, nvme::status_code(r.status),
		  r.result & 1 ? "not aborted" : "aborted");
	return {};
}

// Interrupt context: consume every new admin completion entry.
irq::Return Controller::process_admin_completions()
{
	const bool any = acq_.consume([&](const nvme::Completion &cqe) {
		*result_.lock() = AdminResult{true, cqe.command_id, cqe.status, cqe.result};
	});
	if (!any)
		return irq::Return::None;
	doorbell(1, acq_.head());
	done_.complete();
	return irq::Return::Handled;
}

// Clears EN, and SHN with it: a controller left shut down does not start again otherwise.
Result<void> Controller::disable()
{
	const u32 cc = bar_.read32<nvme::reg::CC>();
	if (cc & (nvme::cc::ENABLE | nvme::cc::SHN_MASK))
		bar_.write32<nvme::reg::CC>(cc & ~(nvme::cc::ENABLE | nvme::cc::SHN_MASK));
	return wait_ready(false);
}

Result<void> Controller::wait_ready(bool ready)
{
	const unsigned int timeout = nvme::cap::timeout_ms(cap_);
	auto status = bar_.poll32<nvme::reg::CSTS>(nvme::csts::READY, ready ? nvme::csts::READY : 0, timeout);
	if (status.is_err()) {
		dev_.err("controller not {} after {} ms (CSTS {:#x})", ready ? "ready" : "disabled", timeout, csts());
		return status.error();
	}
	if (ready && (status.value() & nvme::csts::FATAL)) {
		dev_.err("controller fatal status while enabling");
		return code::EIO;
	}
	return {};
}

// The shutdown notification, so the controller can flush before power goes away.
void Controller::shutdown()
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

bool Controller::schedule_reset(const char *why)
{
	if (!health_.compare_exchange(static_cast<u8>(Health::Live), static_cast<u8>(Health::Resetting)))
		return false;
	dev_.warn("{}: resetting the controller", why);
	reset_work_.queue();
	return true;
}

Result<void> Controller::reset_sync()
{
	if (!schedule_reset("reset requested"))
		return code::EBUSY;
	reset_work_.flush();
	if (health() != Health::Live)
		return code::ENETRESET;
	return {};
}

void Controller::reset_work(Work &w) { Work::owner(&w, &Controller::reset_work_)->reset(); }

// A reset, as the specification describes it: disable the controller (which deletes its I/O
// queues and forgets every command), finish what it did complete, cancel the rest (retried
// after the reset unless they ran out of retries), then enable it again and recreate the
// queues. No queue_rq runs meanwhile (the tag set is quiesced). If the controller does not
// come back it is dead, and all its I/O fails from then on.
void Controller::reset()
{
	auto resets = resets_.lock();
	if (health() != Health::Resetting)
		return;
	const block::TagSet<NvmeOps> &set = tagset();
	set.quiesce();
	Result<void> back = code::ENODEV;
	{
		auto admin_guard = admin_lock_.lock();
		if (pdev_.is_present())
			(void)disable();
		for (Box<IoQueue> &q : io_queues_)
			q->reap(); // what it completed before it stopped
		{
			// The admin queues start over empty too (the irq handler owns their head).
			auto masked = irq_.mask();
			acq_.reset();
			sq_tail_ = 0;
		}
		cancel_all_requests();
		for (Box<IoQueue> &q : io_queues_)
			q->reset_state();
		if (pdev_.is_present()) {
			back = enable();
			if (back.is_ok())
				back = start_io_queues(admin_guard);
		}
		if (back.is_ok()) {
			health_.store_release(static_cast<u8>(Health::Live));
			++*resets;
		} else {
			health_.store_release(static_cast<u8>(Health::Dead));
			if (pdev_.is_present())
				(void)disable();
		}
	}
	set.unquiesce(); // requeued requests go out again, or fail if the controller is dead
	if (back.is_ok())
		dev_.info("reset done (resets so far: {})", *resets);
	else
		dev_.err("controller did not come back after a reset ({}): failing its I/O", back.error());
}

Result<void> Controller::start_io_queues(AdminGuard &admin_guard)
{
	const u32 nq = nvme::granted_queue_pairs(static_cast<u32>(io_queues_.len()),
						 TRY(admin(admin_guard, nvme::request_queues(static_cast<u32>(io_queues_.len())))));
	if (nq < io_queues_.len()) {
		dev_.err("controller now grants {} I/O queues, had {}", nq, io_queues_.len());
		return code::EIO;
	}
	for (Box<IoQueue> &q : io_queues_)
		TRY(activate_io_queue(admin_guard, *q));
	return {};
}

void Controller::cancel_all_requests()
{
	const block::TagSet<NvmeOps> &set = tagset();
	unsigned cancelled = 0;
	set.for_each_busy([&](block::Request rq) {
		if (rq.is_completed())
			return;
		rq.data<NvmeOps::RequestData>().status = nvme::status::HOST_ABORTED;
		rq.complete();
		++cancelled;
	});
	set.wait_completed();
	if (cancelled)
		dev_.warn("cancelled {} outstanding command(s)", cancelled);
}

// The controller is dead (or gone): nothing it still holds will complete. Called with
// resets_ held and health Dead, so that NvmeOps::complete fails what this cancels.
void Controller::fail_all_io()
{
	const block::TagSet<NvmeOps> &set = tagset();
	set.quiesce();
	{
		auto admin_guard = admin_lock_.lock();
		if (pdev_.is_present())
			(void)disable();
		for (Box<IoQueue> &q : io_queues_)
			q->reap();
		cancel_all_requests();
	}
	set.unquiesce();
}

} // namespace kcpp_nvme
