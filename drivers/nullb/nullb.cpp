// SPDX-License-Identifier: GPL-2.0
// kcpp_nullb — a null block device in C++: the counterpart of the kernel's null_blk with
// irqmode=0 and of Rust's rnull. No backing memory: every request completes at once,
// successfully, in queue_rq (direct completion). It isolates the cost of kcpp's blk-mq layer
// from any device. Disks are named kcppnullbN so that they never collide with null_blk's.
#include <kcpp/block/mq.h>
#include <kcpp/kcpp.h>

using namespace kcpp;
using namespace kcpp::block;

static constexpr bool valid_block_size(const unsigned int &bs)
{
	return bs == 512 || bs == 1024 || bs == 2048 || bs == 4096;
}

KCPP_MODULE_PARAM(unsigned int, queues, 1, 0444, "number of hardware queues (1-64)", param::range<1u, 64u>);
KCPP_MODULE_PARAM(unsigned int, depth, 64, 0444, "queue depth of each hardware queue (1-4096)",
		  param::range<1u, 4096u>);
KCPP_MODULE_PARAM(unsigned int, block_size, 512, 0444, "logical block size in bytes (512, 1024, 2048, 4096)",
		  valid_block_size);
KCPP_MODULE_PARAM(unsigned long, capacity_mb, 250, 0444, "capacity in MiB (1-16777216)",
		  param::range<1ul, 1ul << 24>);

struct NullOps {
	struct QueueData {};

	static Status queue_rq(QueueData &, HwQueue, Request rq, bool)
	{
		rq.start();
		rq.end(Status::Ok);
		return Status::Ok;
	}

	// Nothing is batched: there is no doorbell to ring.
	static void commit_rqs(QueueData &, HwQueue) {}
};

class NullBlk {
public:
	static Result<Box<NullBlk>> init()
	{
		const unsigned int bs = kcpp_param::block_size.get();
		auto set = TRY(TagSet<NullOps>::create(gfp::KERNEL, {.nr_hw_queues = kcpp_param::queues.get(),
								     .queue_depth = kcpp_param::depth.get()}));
		const DiskConfig config = {
			.name = "kcppnullb0",
			.capacity_sectors = u64(kcpp_param::capacity_mb.get()) << (20 - SECTOR_SHIFT),
			.logical_block_size = bs,
			.physical_block_size = bs,
		};
		auto disk = TRY(GenDisk<NullOps>::create(KCPP_LOCK_CLASS("kcpp_nullb_disk"), move(set), config,
							  TRY(Box<NullOps::QueueData>::make(gfp::KERNEL))));
		pr_info("kcppnullb0: {} MiB, {}-byte blocks, {} queue(s) of depth {}", kcpp_param::capacity_mb.get(),
			bs, kcpp_param::queues.get(), kcpp_param::depth.get());
		return Box<NullBlk>::make(gfp::KERNEL, move(disk));
	}

	explicit NullBlk(GenDisk<NullOps> disk) : disk_(move(disk)) {}

private:
	GenDisk<NullOps> disk_;
};

KCPP_MODULE(NullBlk, "GPL");
KCPP_MODULE_AUTHOR("kcpp developers");
KCPP_MODULE_DESCRIPTION("null block device in C++ (kcpp), memory-less with direct completion");
