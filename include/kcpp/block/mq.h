// SPDX-License-Identifier: GPL-2.0
// kcpp/block/mq.h — block drivers on blk-mq: operations, tag sets, disks, requests.
//
// A driver describes its operations as a type; only what it defines reaches struct
// blk_mq_ops:
//
//     struct MyOps {
//         struct QueueData { ... };                  // per disk, owned by the GenDisk
//         struct RequestData { ... };                // optional: per request (the PDU)
//         static Status queue_rq(QueueData &, HwQueue, Request rq, bool last);
//         static void commit_rqs(QueueData &, HwQueue);          // optional
//         static void queue_rqs(RequestList &rqs);               // optional: a plug's batch
//         static void complete(Request rq);                      // optional
//         static void release(Request rq);  // with complete: for CompletionBatch (below)
//         static TimeoutAction timeout(Request rq);              // optional
//         static Result<long> ioctl(QueueData &, Queue, const IoctlContext &,
//                                   u32 cmd, uptr arg);                  // optional: the disk's
//     };
//     auto set = TRY(TagSet<MyOps>::create(gfp::KERNEL, {.nr_hw_queues = 2, .queue_depth = 64}));
//     auto disk = TRY(GenDisk<MyOps>::create(KCPP_LOCK_CLASS("mydisk"), move(set), config,
//                                            TRY(Box<MyOps::QueueData>::make(gfp::KERNEL))));
//
// Request field reads on the I/O path (operation, sector, length, tag, per-request data)
// and request lists are inline, at offsets from kcpp/gen/layout.h, rather than shim calls;
// each names the kernel accessor it mirrors. tests/kunit/block_test.cpp compares them with
// the C ones.
#pragma once

#include <kcpp/arc.h>
#include <kcpp/box.h>
#include <kcpp/device.h>
#include <kcpp/error.h>
#include <kcpp/lock_class.h>
#include <kcpp/optional.h>
#include <kcpp/pci.h>

namespace kcpp::block {

// blk_status_t values.
enum class Status : u8 {
	Ok = KCPP_BLK_STS_OK,
	NotSupported = KCPP_BLK_STS_NOTSUPP,
	Timeout = KCPP_BLK_STS_TIMEOUT,
	NoSpace = KCPP_BLK_STS_NOSPC,
	Transport = KCPP_BLK_STS_TRANSPORT,
	Target = KCPP_BLK_STS_TARGET,
	Medium = KCPP_BLK_STS_MEDIUM,
	Resource = KCPP_BLK_STS_RESOURCE,
	IoErr = KCPP_BLK_STS_IOERR,
	Again = KCPP_BLK_STS_AGAIN,
	DevResource = KCPP_BLK_STS_DEV_RESOURCE,
	Offline = KCPP_BLK_STS_OFFLINE,
	Invalid = KCPP_BLK_STS_INVAL,
};

// The block status for an errno, as the kernel's errno_to_blk_status() maps them.
constexpr Status to_status(Error e)
{
	switch (e.code()) {
	case code::EOPNOTSUPP.code(): return Status::NotSupported;
	case code::ETIMEDOUT.code(): return Status::Timeout;
	case code::ENOSPC.code(): return Status::NoSpace;
	case code::ENOLINK.code(): return Status::Transport;
	case code::EREMOTEIO.code(): return Status::Target;
	case code::ENODATA.code(): return Status::Medium;
	case code::ENOMEM.code(): return Status::Resource;
	case code::EAGAIN.code(): return Status::Again;
	case code::ENODEV.code(): return Status::Offline;
	case code::EINVAL.code(): return Status::Invalid;
	default: return Status::IoErr;
	}
}

// The operation of a request (REQ_OP_*); other values are ops a driver did not ask for.
enum class Op : u32 {
	Read = KCPP_REQ_OP_READ,
	Write = KCPP_REQ_OP_WRITE,
	Flush = KCPP_REQ_OP_FLUSH,
	Discard = KCPP_REQ_OP_DISCARD,
	WriteZeroes = KCPP_REQ_OP_WRITE_ZEROES,
	DrvIn = KCPP_REQ_OP_DRV_IN,   // driver-private command, data from the device (passthrough)
	DrvOut = KCPP_REQ_OP_DRV_OUT, // driver-private command, data to the device
};

enum class TimeoutAction : int { Done = KCPP_BLK_EH_DONE, ResetTimer = KCPP_BLK_EH_RESET_TIMER };

inline constexpr unsigned SECTOR_SHIFT = KCPP_SECTOR_SHIFT;

static_assert(KCPP_SIZEOF_REQUEST_CMD_FLAGS == sizeof(u32));
static_assert(KCPP_SIZEOF_REQUEST_SECTOR == sizeof(u64));
static_assert(KCPP_SIZEOF_REQUEST_DATA_LEN == sizeof(u32));
static_assert(KCPP_SIZEOF_REQUEST_TAG == sizeof(int));
static_assert(KCPP_SIZEOF_HCTX_QUEUE_NUM == sizeof(u32));

namespace detail {
// SAFETY: reads a field of a live kernel object at the offset generated from this kernel's
// headers, with the size static_asserted above; blk-mq guarantees the object outlives the
// callback that received it.
template <typename T> inline T field(const void *obj, usize offset)
{
	return *reinterpret_cast<const T *>(static_cast<const u8 *>(obj) + offset);
}
template <typename T> inline T &field_ref(void *obj, usize offset)
{
	return *reinterpret_cast<T *>(static_cast<u8 *>(obj) + offset);
}
} // namespace detail

template <usize N> struct SgTable;
class HwQueue;

// A request blk-mq handed to the driver. A plain handle: the request lives until the
// driver ends or completes it.
class Request {
public:
	explicit Request(kcpp_request *raw) : raw_(raw) {}

	// req_op(): cmd_flags & REQ_OP_MASK.
	Op op() const { return static_cast<Op>(cmd_flags() & KCPP_REQ_OP_MASK); }
	bool is_fua() const { return cmd_flags() & KCPP_REQ_FUA; }
	bool is_preflush() const { return cmd_flags() & KCPP_REQ_PREFLUSH; }
	// blk_noretry_request(): the submitter asked for no retries (REQ_FAILFAST_*).
	bool is_failfast() const { return cmd_flags() & KCPP_REQ_FAILFAST_MASK; }
	// blk_rq_pos(), blk_rq_bytes(), blk_rq_sectors().
	u64 sector() const { return detail::field<u64>(raw_, KCPP_OFFSETOF_REQUEST_SECTOR); }
	u32 bytes() const { return detail::field<u32>(raw_, KCPP_OFFSETOF_REQUEST_DATA_LEN); }
	u32 sectors() const { return bytes() >> SECTOR_SHIFT; }
	int tag() const { return detail::field<int>(raw_, KCPP_OFFSETOF_REQUEST_TAG); }
	// rq->q->queuedata: the QueueData of the disk the request is for.
	void *queuedata() const
	{
		const void *q = detail::field<const void *>(raw_, KCPP_OFFSETOF_REQUEST_Q);
		return detail::field<void *>(q, KCPP_OFFSETOF_QUEUE_QUEUEDATA);
	}
	// rq->mq_hctx: the hardware queue the request was allocated on.
	HwQueue hw_queue() const;

	// blk_mq_rq_to_pdu(): the driver's per-request data, right after struct request.
	template <typename T> T &data() const
	{
		// SAFETY: the tag set reserved cmd_size = sizeof(Ops::RequestData) bytes after every
		// request, suitably aligned; T is that type, trivially constructible and destructible
		// (TagSet checks), so the raw bytes are a T for the driver to fill in queue_rq.
		return *reinterpret_cast<T *>(reinterpret_cast<u8 *>(raw_) + KCPP_SIZEOF_REQUEST);
	}

	void start() { kcpp_blk_mq_start_request(raw_); }
	// Maps the data for DMA by `dev` into `sg` (see SgTable); the number of mapped entries.
	template <usize N> [[nodiscard]] Result<usize> map_dma(DeviceRef dev, SgTable<N> &sg) const;
	template <usize N> void unmap_dma(DeviceRef dev, SgTable<N> &sg) const;
	void end(Status s) { kcpp_blk_mq_end_request(raw_, static_cast<u8>(s)); }
	// Completes through the complete() operation, on the submitting CPU if needed.
	void complete() { kcpp_blk_mq_complete_request(raw_); }
	// Drivers ask this before completing: true when FAIL_IO_TIMEOUT fault injection wants the
	// completion dropped (as if the interrupt were lost), so the timeout path gets tested.
	bool should_fake_timeout() const { return kcpp_blk_should_fake_timeout(raw_); }
	// blk_mq_request_completed(): already completed (by the driver or a cancellation).
	bool is_completed() const { return kcpp_blk_mq_request_completed(raw_); }
	// Gives the request back to blk-mq to be dispatched again (after a controller reset);
	// the driver must have undone its mapping first.
	void requeue() { kcpp_blk_mq_requeue_request(raw_); }
	kcpp_request *raw() const { return raw_; }

private:
	u32 cmd_flags() const { return detail::field<u32>(raw_, KCPP_OFFSETOF_REQUEST_CMD_FLAGS); }
	kcpp_request *raw_;
};

// Room for N scatterlist entries inside per-request data, and what map_dma made of them.
// Plain storage: put it in Ops::RequestData; map_dma initialises it. A request whose data is
// one segment is mapped without the scatterlist (as the C nvme driver maps it).
template <usize N> struct SgTable {
	kcpp_rq_dma map;
	RawOpaque<KCPP_SIZEOF_SCATTERLIST * N, KCPP_ALIGNOF_SCATTERLIST> entries;

	// sg_dma_address()/sg_dma_len() of mapped entry i (< what map_dma returned).
	u64 dma_address(usize i) const
	{
		if (map.nents == 0)
			return map.single_addr;
		return detail::field<u64>(entries.bytes + i * KCPP_SIZEOF_SCATTERLIST, KCPP_OFFSETOF_SG_DMA_ADDRESS);
	}
	u32 dma_len(usize i) const
	{
		if (map.nents == 0)
			return map.single_len;
		return detail::field<u32>(entries.bytes + i * KCPP_SIZEOF_SCATTERLIST, KCPP_OFFSETOF_SG_DMA_LEN);
	}
};

// Inline (as the declarations above): one shim call on every I/O, nothing more.
template <usize N> [[gnu::always_inline]] inline Result<usize> Request::map_dma(DeviceRef dev, SgTable<N> &sg) const
{
	const int mapped = TRY(to_result_value(kcpp_blk_rq_map_dma(raw_, dev.raw(), &sg.map, sg.entries.bytes, N)));
	return static_cast<usize>(mapped);
}
template <usize N> void Request::unmap_dma(DeviceRef dev, SgTable<N> &sg) const
{
	kcpp_blk_rq_unmap_dma(raw_, dev.raw(), &sg.map, sg.entries.bytes);
}

// A hardware queue (struct blk_mq_hw_ctx), as queue_rq and commit_rqs see it.
class HwQueue {
public:
	explicit HwQueue(kcpp_blk_mq_hw_ctx *raw) : raw_(raw) {}
	// hctx->queue_num.
	u32 index() const { return detail::field<u32>(raw_, KCPP_OFFSETOF_HCTX_QUEUE_NUM); }
	// hctx->queue->queuedata: the GenDisk's QueueData.
	void *queuedata() const
	{
		const void *q = detail::field<const void *>(raw_, KCPP_OFFSETOF_HCTX_QUEUE);
		return detail::field<void *>(q, KCPP_OFFSETOF_QUEUE_QUEUEDATA);
	}
	kcpp_blk_mq_hw_ctx *raw() const { return raw_; }

private:
	kcpp_blk_mq_hw_ctx *raw_;
};

inline HwQueue Request::hw_queue() const
{
	return HwQueue(detail::field<kcpp_blk_mq_hw_ctx *>(raw_, KCPP_OFFSETOF_REQUEST_MQ_HCTX));
}

static_assert(KCPP_SIZEOF_RQ_LIST == 2 * sizeof(void *) && KCPP_OFFSETOF_RQ_LIST_HEAD == 0 &&
	      KCPP_OFFSETOF_RQ_LIST_TAIL == sizeof(void *));

// A singly linked list of requests through rq->rq_next (struct rq_list, mirrored): what
// blk-mq hands queue_rqs. A plain value: the requests are not owned by the list.
class RequestList {
public:
	RequestList() = default;
	bool empty() const { return head_ == nullptr; }
	// rq_list_pop(): the first request, unlinked.
	Optional<Request> pop()
	{
		kcpp_request *rq = head_;
		if (rq == nullptr)
			return {};
		head_ = next(rq);
		if (head_ == nullptr)
			tail_ = nullptr;
		next(rq) = nullptr;
		return Request(rq);
	}
	// rq_list_add_tail().
	void push_back(Request rq)
	{
		next(rq.raw()) = nullptr;
		if (tail_ != nullptr)
			next(tail_) = rq.raw();
		else
			head_ = rq.raw();
		tail_ = rq.raw();
	}
	// Calls f(Request) for each request, in order; f must not unlink them.
	template <typename F> void for_each(F &&f) const
	{
		for (kcpp_request *rq = head_; rq != nullptr; rq = next(rq))
			f(Request(rq));
	}

private:
	// SAFETY: rq_next is the request's link while it is on a list; blk-mq gives a request to
	// one list at a time, and the list's holder owns it until it hands the request on.
	static kcpp_request *&next(kcpp_request *rq)
	{
		return detail::field_ref<kcpp_request *>(rq, KCPP_OFFSETOF_REQUEST_RQ_NEXT);
	}
	kcpp_request *head_ = nullptr;
	kcpp_request *tail_ = nullptr;
};

namespace detail {
// struct io_comp_batch, mirrored (offsets checked).
struct IoCompBatch {
	RequestList req_list;
	bool need_ts;
	void (*complete)(kcpp_io_comp_batch *);
};
static_assert(sizeof(IoCompBatch) == KCPP_SIZEOF_IO_COMP_BATCH);
static_assert(__builtin_offsetof(IoCompBatch, req_list) == KCPP_OFFSETOF_IO_COMP_BATCH_REQ_LIST);
static_assert(__builtin_offsetof(IoCompBatch, need_ts) == KCPP_OFFSETOF_IO_COMP_BATCH_NEED_TS);
static_assert(__builtin_offsetof(IoCompBatch, complete) == KCPP_OFFSETOF_IO_COMP_BATCH_COMPLETE);

// A batch's end: the driver releases each request, then blk-mq ends them all with success.
template <typename Ops> void end_batch(kcpp_io_comp_batch *iob)
{
	// SAFETY: only CompletionBatch<Ops> calls this, with its own IoCompBatch.
	reinterpret_cast<IoCompBatch *>(iob)->req_list.for_each([](Request rq) { Ops::release(rq); });
	kcpp_blk_mq_end_request_batch(iob);
}
} // namespace detail

// Completions from an interrupt handler, ended together as C drivers end them
// (blk_mq_add_to_batch / blk_mq_end_request_batch: one pass over the tags and statistics for
// the whole batch instead of blk_mq_end_request per request). Live for one pass over the
// device's completion queue; the requests it took are ended when it goes out of scope:
//
//     block::CompletionBatch<MyOps> batch;
//     for (each completion the device posted)
//         batch.complete(rq, status_ok);
//
// Ops::complete(rq) handles what cannot be batched (failures, which may be retried);
// Ops::release(rq) undoes queue_rq's work (DMA mappings) for a request the batch ends with
// success.
template <typename Ops> class CompletionBatch : Pinned {
	static_assert(requires(Request rq) {
		Ops::complete(rq);
		Ops::release(rq);
	}, "CompletionBatch needs Ops::complete(Request) and Ops::release(Request)");

public:
	CompletionBatch() = default;
	~CompletionBatch()
	{
		if (!batch_.req_list.empty())
			detail::end_batch<Ops>(raw());
	}

	// A request the device completed (ok: successfully). Honours FAIL_IO_TIMEOUT fault
	// injection (the completion is dropped, as if its interrupt were lost, for the timeout
	// handler to find), completes on the submitting CPU where blk-mq wants that, else
	// batches it or, if it failed, calls Ops::complete here.
	void complete(Request rq, bool ok)
	{
		if (kcpp_blk_mq_complete_batched(rq.raw(), raw(), !ok, &detail::end_batch<Ops>) ==
		    KCPP_COMPLETED_LOCAL)
			Ops::complete(rq);
	}

private:
	// SAFETY: IoCompBatch mirrors struct io_comp_batch (checked above).
	kcpp_io_comp_batch *raw() { return reinterpret_cast<kcpp_io_comp_batch *>(&batch_); }
	detail::IoCompBatch batch_{};
};

namespace detail {

// struct blk_mq_queue_data, mirrored (offsets checked).
struct QueueRqData {
	kcpp_request *rq;
	bool last;
};
static_assert(sizeof(QueueRqData) == KCPP_SIZEOF_BLK_MQ_QUEUE_DATA);
static_assert(__builtin_offsetof(QueueRqData, rq) == KCPP_OFFSETOF_QUEUE_DATA_RQ);
static_assert(__builtin_offsetof(QueueRqData, last) == KCPP_OFFSETOF_QUEUE_DATA_LAST);

template <typename Ops> u8 queue_rq(kcpp_blk_mq_hw_ctx *raw, const void *bd)
{
	// SAFETY: blk-mq passes a struct blk_mq_queue_data, mirrored by QueueRqData; the
	// queuedata of a GenDisk<Ops> is always its Ops::QueueData.
	const auto *data = static_cast<const QueueRqData *>(bd);
	HwQueue hctx(raw);
	auto *qd = static_cast<typename Ops::QueueData *>(hctx.queuedata());
	return static_cast<u8>(Ops::queue_rq(*qd, hctx, Request(data->rq), data->last));
}
template <typename Ops> void commit_rqs(kcpp_blk_mq_hw_ctx *raw)
{
	HwQueue hctx(raw);
	Ops::commit_rqs(*static_cast<typename Ops::QueueData *>(hctx.queuedata()), hctx);
}
template <typename Ops> void queue_rqs(kcpp_rq_list *list)
{
	// SAFETY: RequestList mirrors struct rq_list (checked above).
	Ops::queue_rqs(*reinterpret_cast<RequestList *>(list));
}
template <typename Ops> void complete(kcpp_request *rq) { Ops::complete(Request(rq)); }
template <typename Ops> int timeout(kcpp_request *rq) { return static_cast<int>(Ops::timeout(Request(rq))); }

template <typename Ops> constexpr kcpp_blk_mq_ops_desc describe()
{
	kcpp_blk_mq_ops_desc d{};
	d.queue_rq = &queue_rq<Ops>;
	if constexpr (requires { &Ops::commit_rqs; })
		d.commit_rqs = &commit_rqs<Ops>;
	if constexpr (requires { &Ops::queue_rqs; })
		d.queue_rqs = &queue_rqs<Ops>;
	if constexpr (requires { &Ops::complete; })
		d.complete = &complete<Ops>;
	if constexpr (requires { &Ops::timeout; })
		d.timeout = &timeout<Ops>;
	return d;
}

struct NoRequestData {};
template <typename Ops> struct RequestDataOf {
	using type = NoRequestData;
};
template <typename Ops>
	requires requires { typename Ops::RequestData; }
struct RequestDataOf<Ops> {
	using type = typename Ops::RequestData;
};

} // namespace detail

template <typename Ops> class GenDisk;

// A blk-mq tag set: hardware queues, queue depth, per-request data.
template <typename Ops> class TagSet : Pinned {
public:
	using RequestData = typename detail::RequestDataOf<Ops>::type;
	static_assert(is_trivially_destructible_v<RequestData> && __is_trivially_constructible(RequestData),
		      "per-request data is raw memory blk-mq never constructs or destroys: keep it plain");

	struct Config {
		u32 nr_hw_queues = 1;
		u32 queue_depth = 64;
		u32 flags = KCPP_BLK_MQ_F_SHOULD_MERGE;
		u32 timeout_ms = 0; // 0: the block layer's default (30 s)
		// Map each CPU to the hardware queue whose interrupt goes to it (C drivers'
		// blk_mq_pci_map_queues): the device whose spread vectors serve the queues
		// (pci::Device::alloc_irq_vectors_spread) and the vector of queue 0. Unset: blk-mq's
		// default mapping.
		Optional<pci::Device> pci_map;
		u32 pci_map_first_vector = 0;
	};

	[[nodiscard]] static Result<Arc<TagSet>> create(Gfp gfp, const Config &config)
	{
		Arc<TagSet> set = TRY(Arc<TagSet>::make(gfp));
		TRY(set->init(config));
		return set;
	}
	~TagSet()
	{
		if (live_)
			kcpp_tag_set_free(raw());
	}

	kcpp_tag_set *raw() const { return const_cast<kcpp_tag_set *>(storage_.as<kcpp_tag_set>()); }
	// blk_mq_tag_to_rq: the request a tag of hardware queue `hctx` stands for, if in use.
	Optional<Request> request(u32 hctx, u32 tag) const
	{
		kcpp_request *rq = kcpp_blk_mq_tag_to_rq(raw(), hctx, tag);
		if (rq == nullptr)
			return {};
		return Request(rq);
	}

	// Recovery: no queue_rq of any disk on this set runs between quiesce() and unquiesce().
	void quiesce() const { kcpp_tag_set_quiesce(raw()); }
	void unquiesce() const { kcpp_tag_set_unquiesce(raw()); }
	// Calls f(Request) for every started request (in flight or completing).
	template <typename F> void for_each_busy(F &&f) const
	{
		using Fn = typename remove_reference<F>::type;
		kcpp_tag_set_busy_iter(
			raw(),
			[](kcpp_request *rq, void *ctx) -> int {
				// SAFETY: ctx is the F below, alive for the whole iteration.
				(*static_cast<Fn *>(ctx))(Request(rq));
				return 1;
			},
			&f);
	}
	// Waits until requests completed by for_each_busy's callers have been ended.
	void wait_completed() const { kcpp_tag_set_wait_completed(raw()); }

private:
	static constexpr kcpp_blk_mq_ops_desc ops_ = detail::describe<Ops>();

	// Runs once, right after construction, before the Arc is shared.
	Result<void> init(const Config &c) const
	{
		constexpr u32 cmd_size = is_same_v<RequestData, detail::NoRequestData> ? 0 : sizeof(RequestData);
		TRY(to_result(kcpp_tag_set_init(raw(), &ops_, c.nr_hw_queues, c.queue_depth, cmd_size, c.flags,
						c.timeout_ms, c.pci_map ? c.pci_map->raw() : nullptr,
						c.pci_map_first_vector)));
		live_ = true;
		return {};
	}

	Opaque<KCPP_SIZEOF_TAG_SET, KCPP_ALIGNOF_TAG_SET> storage_;
	mutable bool live_ = false;
};

struct DiskConfig {
	const char *name;
	u64 capacity_sectors;
	u32 logical_block_size = 512;
	u32 physical_block_size = 512;
	u32 max_hw_sectors = 0;
	u32 max_discard_sectors = 0;
	u32 max_write_zeroes_sectors = 0;
	u32 max_segments = 0;
	unsigned long virt_boundary_mask = 0;
	u32 dma_alignment = 0; // mask a user buffer must meet to be mapped without bouncing (0: 511)
	bool rotational = false;
	bool write_cache = false;
	bool fua = false;
};

// Who called a disk's ioctl: whether the block device is open for writing, and whether it is
// a partition rather than the whole disk (drivers restrict passthrough on partitions).
struct IoctlContext {
	bool open_for_write;
	bool partition;
};

class PassthroughRequest;

// A disk's request queue, for driver-private (passthrough) requests from an ioctl.
class Queue {
public:
	explicit Queue(kcpp_request_queue *raw) : raw_(raw) {}
	// A request for a driver-private command (REQ_OP_DRV_OUT if data goes to the device, else
	// REQ_OP_DRV_IN); waits for a tag. ENODEV once the disk is going away.
	[[nodiscard]] Result<PassthroughRequest> alloc_passthrough(bool to_device) const;

private:
	kcpp_request_queue *raw_;
};

// An owned passthrough request: map user data, fill the driver's per-request data, execute
// and wait, read the result; freed (and its user mapping undone) on destruction.
class PassthroughRequest {
public:
	PassthroughRequest(PassthroughRequest &&o) : rq_(exchange(o.rq_, nullptr)), bio_(exchange(o.bio_, nullptr)) {}
	PassthroughRequest(const PassthroughRequest &) = delete;
	PassthroughRequest &operator=(const PassthroughRequest &) = delete;
	~PassthroughRequest()
	{
		(void)unmap_user();
		if (rq_ != nullptr)
			kcpp_blk_mq_free_request(rq_);
	}

	// Maps `len` bytes of user memory at `addr` as the request's data (blk_rq_map_user:
	// EFAULT for a bad address, EINVAL beyond the queue's limits).
	[[nodiscard]] Result<void> map_user(uptr addr, u32 len)
	{
		if (bio_ != nullptr)
			return code::EBUSY;
		return to_result(kcpp_blk_rq_map_user(rq_, addr, len, &bio_));
	}
	// Undoes map_user after execute(). A buffer the block layer bounced is copied to user
	// memory only here: EFAULT then means the data did not reach the caller.
	[[nodiscard]] Result<void> unmap_user()
	{
		if (bio_ == nullptr)
			return {};
		return to_result(kcpp_blk_rq_unmap_user(exchange(bio_, nullptr)));
	}
	void set_timeout_ms(u32 ms) { kcpp_blk_rq_set_timeout(rq_, ms); }
	// The driver's per-request data: fill it before execute(), read it after.
	template <typename T> T &data() { return Request(rq_).data<T>(); }
	// Issues the request and waits for it to end.
	Status execute() { return static_cast<Status>(kcpp_blk_execute_rq(rq_)); }

private:
	friend class Queue;
	explicit PassthroughRequest(kcpp_request *rq) : rq_(rq) {}
	kcpp_request *rq_;
	kcpp_bio *bio_ = nullptr;
};

inline Result<PassthroughRequest> Queue::alloc_passthrough(bool to_device) const
{
	int err = 0;
	kcpp_request *rq = kcpp_blk_alloc_passthrough(raw_, to_device, &err);
	if (rq == nullptr)
		return Error::from_errno(err);
	return PassthroughRequest(rq);
}

namespace detail {
template <typename Ops>
long disk_ioctl(void *queuedata, kcpp_request_queue *q, int open_for_write, int partition, unsigned int cmd,
		unsigned long arg)
{
	// SAFETY: queuedata is the disk's Ops::QueueData, alive until the disk's last reference
	// goes (free_disk), so at least for this call on an open block device.
	const IoctlContext ctx{open_for_write != 0, partition != 0};
	Result<long> r = Ops::ioctl(*static_cast<typename Ops::QueueData *>(queuedata), Queue(q), ctx, cmd, arg);
	return r.is_ok() ? r.value() : r.error().to_errno();
}
template <typename Ops> void release_queuedata(void *queuedata)
{
	// SAFETY: queuedata came from Box::into_raw in GenDisk::create; free_disk runs once.
	Box<typename Ops::QueueData>::from_raw(static_cast<typename Ops::QueueData *>(queuedata));
}
} // namespace detail

// A disk on a tag set. Keeps the tag set alive; destroying it removes the disk (del_gendisk
// waits for outstanding I/O). Its QueueData belongs to the disk and is freed when the disk's
// last reference goes: an ioctl on a block device still open after removal still finds it
// (so it must not reach anything that removal frees without a Revocable or an Arc).
template <typename Ops> class GenDisk {
public:
	using QueueData = typename Ops::QueueData;

	[[nodiscard]] static Result<GenDisk> create(LockClass cls, Arc<TagSet<Ops>> set, const DiskConfig &cfg,
						    Box<QueueData> queuedata)
	{
		long (*ioctl)(void *, kcpp_request_queue *, int, int, unsigned int, unsigned long) = nullptr;
		if constexpr (requires { &Ops::ioctl; })
			ioctl = &detail::disk_ioctl<Ops>;
		const kcpp_disk_config c = {cfg.name, cfg.capacity_sectors, cfg.logical_block_size,
					    cfg.physical_block_size, cfg.max_hw_sectors, cfg.max_discard_sectors,
					    cfg.max_write_zeroes_sectors, cfg.max_segments, cfg.virt_boundary_mask,
					    cfg.dma_alignment, cfg.rotational, cfg.write_cache, cfg.fua, ioctl,
					    &detail::release_queuedata<Ops>};
		QueueData *qd = move(queuedata).into_raw(); // the disk owns it from here, even on failure
		kcpp_gendisk *disk = nullptr;
		TRY(to_result(kcpp_gendisk_create(set->raw(), &c, qd, cls.key->raw(), &disk)));
		return GenDisk(disk, move(set), qd);
	}

	GenDisk(GenDisk &&o) : disk_(exchange(o.disk_, nullptr)), set_(move(o.set_)), queuedata_(o.queuedata_) {}
	GenDisk(const GenDisk &) = delete;
	GenDisk &operator=(const GenDisk &) = delete;
	~GenDisk()
	{
		if (disk_ != nullptr)
			kcpp_gendisk_destroy(disk_);
	}

	QueueData &queuedata() const { return *queuedata_; }

private:
	GenDisk(kcpp_gendisk *disk, Arc<TagSet<Ops>> set, QueueData *qd) : disk_(disk), set_(move(set)), queuedata_(qd) {}
	kcpp_gendisk *disk_;
	Arc<TagSet<Ops>> set_;
	QueueData *queuedata_; // owned by the disk (see above)
};

} // namespace kcpp::block
