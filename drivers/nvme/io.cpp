// SPDX-License-Identifier: GPL-2.0
// kcpp_nvme's I/O path: submission and completion queues, the blk-mq operations, timeouts.
#include "controller.h"
#include "prp.h"

namespace kcpp_nvme {

namespace {

// The block status for an NVMe status field, as the C driver's nvme_error_status() maps the
// ones this driver can meet.
block::Status to_block_status(u16 field)
{
	switch (nvme::status::code_and_type(field)) {
	case nvme::status::SUCCESS:
		return block::Status::Ok;
	case nvme::status::INVALID_OPCODE:
	case nvme::status::INVALID_FIELD:
		return block::Status::NotSupported;
	case nvme::status::LBA_RANGE:
		return block::Status::Target;
	case nvme::status::HOST_ABORTED:
		return block::Status::Transport;
	default:
		return block::Status::IoErr;
	}
}

} // namespace

void IoQueue::submit(const nvme::Command &cmd, bool ring_now)
{
	auto sq = sq_state_.lock();
	push(*sq, cmd);
	if (ring_now)
		ring(*sq);
}

[[gnu::always_inline]] inline void IoQueue::submit_all(block::RequestList &rqs)
{
	if (rqs.empty())
		return;
	auto sq = sq_state_.lock();
	while (Optional<block::Request> rq = rqs.pop())
		push(*sq, rq->data<NvmeOps::RequestData>().cmd);
	ring(*sq);
}

void IoQueue::commit()
{
	auto sq = sq_state_.lock();
	ring(*sq);
}

void IoQueue::reset_state()
{
	auto masked = irq_.mask();
	auto sq = sq_state_.lock();
	sq->tail = sq->rung = 0;
	cq_.reset();
}

// Interrupt context (or a reset with the interrupt masked): consume new completion entries.
// Successful completions are ended as one batch after the head doorbell is written.
irq::Return IoQueue::process_completions()
{
	block::CompletionBatch<NvmeOps> batch;
	if (!cq_.consume([this, &batch](const nvme::Completion &cqe) { complete_one(cqe, batch); }))
		return irq::Return::None;
	cq_doorbell_.write(cq_.head());
	return irq::Return::Handled;
}

// A completion entry is device input: one naming a queue or command that is not ours (a
// malformed entry, or a late one for a command a reset already cancelled) is logged and
// dropped. Inline in process_completions: it runs for every I/O.
[[gnu::always_inline]] inline void IoQueue::complete_one(nvme::Completion cqe, block::CompletionBatch<NvmeOps> &batch)
{
	// Test hook: make the next completions malformed, alternately naming another queue and
	// an old generation of the command, as a faulty controller might.
	if (kcpp_param::inject_corrupt_completions.try_decrement()) {
		if (corrupted_++ & 1)
			cqe.command_id ^= 0x8000;
		else
			cqe.sq_id = 0xffff;
	}
	Optional<block::Request> rq = ctrl_.tagset().request(qid_ - 1u, nvme::cid_tag(cqe.command_id));
	if (!rq || cqe.sq_id != qid_) {
		ctrl_.device().warn("queue {}: completion for unknown command {:#x} (queue {})", qid_, cqe.command_id,
				    cqe.sq_id);
		return;
	}
	NvmeOps::RequestData &pdu = rq->data<NvmeOps::RequestData>();
	if (pdu.command_id != cqe.command_id) {
		ctrl_.device().warn("queue {}: stale completion for command {:#x} (in flight: {:#x})", qid_,
				    cqe.command_id, pdu.command_id);
		return;
	}
	if (kcpp_param::inject_lost_completions.try_decrement()) {
		ctrl_.device().warn("queue {}: dropping the completion of command {:#x} (inject_lost_completions)", qid_,
				    cqe.command_id);
		return;
	}
	pdu.status = cqe.status >> 1;
	pdu.result = cqe.result;
	pdu.device_done.store_release(true);
	batch.complete(*rq, pdu.status == 0); // FAIL_IO_TIMEOUT may drop it: the timeout recovers it
}

// Maps the request's data for DMA and describes it in cmd with PRPs (a PRP list in the tag's
// page when it spans more than two pages). Inline: it is on every read and write.
[[gnu::always_inline]] static inline block::Status map_data(Controller &ctrl, IoQueue &q, block::Request rq,
							     nvme::Command &cmd)
{
	NvmeOps::RequestData &pdu = rq.data<NvmeOps::RequestData>();
	Result<usize> mapped = rq.map_dma(ctrl.device(), pdu.sg);
	if (mapped.is_err())
		return mapped.error() == code::ENOMEM ? block::Status::Resource : block::Status::IoErr;
	pdu.mapped = true;
	if (nvme::build_simple_prps(cmd, pdu.sg, mapped.value(), rq.bytes()))
		return block::Status::Ok;
	const u16 tag = static_cast<u16>(rq.tag());
	if (nvme::build_prps(cmd, pdu.sg, mapped.value(), rq.bytes(), q.prp_list(tag), PRP_ENTRIES, q.prp_list_dma(tag))
		    .is_err()) {
		ctrl.device().err("request {}: data not describable by PRPs", tag);
		rq.unmap_dma(ctrl.device(), pdu.sg);
		pdu.mapped = false;
		return block::Status::IoErr;
	}
	return block::Status::Ok;
}

// Builds the request's command in its per-request data, maps its data and starts it: what
// queue_rq and queue_rqs do before queueing the command. Inline in both: every I/O runs it.
[[gnu::always_inline]] static inline block::Status prepare(NvmeOps::QueueData &ns, IoQueue &q, block::Request rq)
{
	Controller &ctrl = *ns.ctrl;
	if (ctrl.health() == Controller::Health::Dead)
		return block::Status::IoErr;
	NvmeOps::RequestData &pdu = rq.data<NvmeOps::RequestData>();
	if (!pdu.requeued)
		pdu.retries = 0; // a new request (blk-mq zeroes the per-request data once, at allocation)
	pdu.status = 0;
	pdu.mapped = false;
	pdu.aborted = false;
	pdu.qid = q.qid();
	pdu.device_done.store_relaxed(false);
	pdu.generation = nvme::next_generation(pdu.generation);
	const u16 tag = static_cast<u16>(rq.tag());

	nvme::Command &cmd = pdu.cmd;
	switch (rq.op()) {
	case block::Op::Read:
	case block::Op::Write: {
		const u64 slba = rq.sector() >> (ns.lba_shift - block::SECTOR_SHIFT);
		cmd = nvme::read_write(rq.op() == block::Op::Write, ns.nsid, slba, rq.bytes() >> ns.lba_shift, rq.is_fua());
		if (const block::Status st = map_data(ctrl, q, rq, cmd); st != block::Status::Ok)
			return st;
		break;
	}
	case block::Op::Flush:
		cmd = nvme::flush(ns.nsid);
		break;
	case block::Op::Discard: {
		// One range, in the tag's PRP page (the disk allows one discard segment).
		auto *range = reinterpret_cast<nvme::DsmRange *>(q.prp_list(tag));
		range->attributes = 0;
		range->length = rq.bytes() >> ns.lba_shift;
		range->slba = rq.sector() >> (ns.lba_shift - block::SECTOR_SHIFT);
		cmd = nvme::deallocate(ns.nsid, q.prp_list_dma(tag), 1);
		break;
	}
	case block::Op::DrvIn:
	case block::Op::DrvOut:
		// cmd is the ioctl's, validated there (ioctl.cpp); only its data pointers are ours.
		if (rq.bytes() > 0)
			if (const block::Status st = map_data(ctrl, q, rq, cmd); st != block::Status::Ok)
				return st;
		break;
	case block::Op::WriteZeroes:
		cmd = nvme::write_zeroes(ns.nsid, rq.sector() >> (ns.lba_shift - block::SECTOR_SHIFT),
					 rq.bytes() >> ns.lba_shift);
		break;
	default:
		return block::Status::NotSupported;
	}
	cmd.command_id = pdu.command_id = nvme::make_cid(tag, pdu.generation);
	pdu.requeued = false; // only now: a request prepare() failed on keeps its retry count
	rq.start();
	return block::Status::Ok;
}

block::Status NvmeOps::queue_rq(QueueData &ns, block::HwQueue hctx, block::Request rq, bool last)
{
	IoQueue &q = ns.ctrl->io_queue(hctx.index());
	if (const block::Status st = prepare(ns, q, rq); st != block::Status::Ok)
		return st;
	q.submit(rq.data<RequestData>().cmd, last);
	return block::Status::Ok;
}

void NvmeOps::commit_rqs(QueueData &ns, block::HwQueue hctx)
{
	ns.ctrl->io_queue(hctx.index()).commit();
}

// A plug's worth of requests at once (all for one disk): each is prepared, and each queue's
// run of them goes to its submission queue under one lock with one doorbell write. Requests
// that could not be prepared go back on the list for blk-mq to issue one by one (through
// queue_rq, which then reports their error).
void NvmeOps::queue_rqs(block::RequestList &rqs)
{
	block::RequestList ready, retry;
	IoQueue *q = nullptr;
	while (Optional<block::Request> rq = rqs.pop()) {
		QueueData &ns = *static_cast<QueueData *>(rq->queuedata());
		IoQueue &rq_queue = ns.ctrl->io_queue(rq->hw_queue().index());
		if (q != nullptr && q != &rq_queue)
			q->submit_all(ready);
		q = &rq_queue;
		if (prepare(ns, *q, *rq) == block::Status::Ok)
			ready.push_back(*rq);
		else
			retry.push_back(*rq);
	}
	if (q != nullptr)
		q->submit_all(ready);
	rqs = retry;
}

// A request blk-mq gave up waiting for, as the C driver handles it: if the controller did
// post its completion (the interrupt went missing: FAIL_IO_TIMEOUT makes that happen),
// finish it; if the controller has failed, reset it; otherwise abort the command, and if it
// times out again after the abort, reset the controller. A reset cancels the request, and
// it is retried once the controller is back.
block::TimeoutAction NvmeOps::timeout(block::Request rq)
{
	RequestData &pdu = rq.data<RequestData>();
	Controller &ctrl = *static_cast<QueueData *>(rq.queuedata())->ctrl;
	if (pdu.device_done.load_acquire()) {
		ctrl.device().warn("command {} timed out but had completed: recovered", rq.tag());
		rq.complete();
		return block::TimeoutAction::Done;
	}
	switch (ctrl.health()) {
	case Controller::Health::Resetting:
		return block::TimeoutAction::ResetTimer; // the reset cancels it
	case Controller::Health::Dead:
		pdu.status = nvme::status::HOST_ABORTED;
		rq.complete();
		return block::TimeoutAction::Done;
	case Controller::Health::Live:
		break;
	}
	const u32 csts = ctrl.csts();
	if (nvme::controller_failed(csts)) {
		ctrl.device().err("command {:#x} timed out and the controller has failed (CSTS {:#x})", pdu.command_id,
				  csts);
		(void)ctrl.schedule_reset("controller failed");
		return block::TimeoutAction::ResetTimer;
	}
	if (!pdu.aborted) {
		pdu.aborted = true;
		ctrl.device().warn("command {:#x} on queue {} timed out: aborting it", pdu.command_id, pdu.qid);
		if (ctrl.abort(pdu.qid, pdu.command_id).is_err())
			(void)ctrl.schedule_reset("abort failed");
		return block::TimeoutAction::ResetTimer;
	}
	(void)ctrl.schedule_reset("command still not completed after an abort");
	return block::TimeoutAction::ResetTimer;
}

// Undoes the data's DMA mapping.
void NvmeOps::release(block::Request rq)
{
	RequestData &pdu = rq.data<RequestData>();
	if (pdu.mapped) {
		rq.unmap_dma(static_cast<QueueData *>(rq.queuedata())->ctrl->device(), pdu.sg);
		pdu.mapped = false;
	}
}

// Unmaps the data, then retries a command a reset cancelled (or that failed without
// do-not-retry) up to MAX_RETRIES times, else ends the request with the mapped status.
void NvmeOps::complete(block::Request rq)
{
	release(rq);
	RequestData &pdu = rq.data<RequestData>();
	Controller &ctrl = *static_cast<QueueData *>(rq.queuedata())->ctrl;
	const bool dead = ctrl.health() == Controller::Health::Dead;
	const bool passthru = rq.op() == block::Op::DrvIn || rq.op() == block::Op::DrvOut; // never retried
	if (nvme::disposition(pdu.status, pdu.retries, MAX_RETRIES, rq.is_failfast() || passthru, dead) ==
	    nvme::Disposition::Retry) {
		++pdu.retries;
		pdu.requeued = true;
		rq.requeue();
		return;
	}
	rq.end(to_block_status(pdu.status));
}

} // namespace kcpp_nvme
