// SPDX-License-Identifier: GPL-2.0
// kcpp_block: kcpp/block/mq.h's inline request readers and RequestList against the kernel's
// own fields and rq_list helpers (kcpp_c_* in src/kunit/oracles.c), on test memory shaped as
// struct request (never given to blk-mq).
#include <kcpp/block/mq.h>

#include "common.h"

using namespace kcpp;
using namespace kcpp_test;

namespace {

struct Pdu {
	u64 cookie;
};

// N zeroed requests, each followed by a Pdu as blk-mq lays out per-request data.
template <usize N> struct FakeRequests {
	static constexpr usize stride = (KCPP_SIZEOF_REQUEST + sizeof(Pdu) + 63) & ~usize(63);
	FakeRequests() { mem = static_cast<u8 *>(kcpp_kmalloc(N * stride, gfp::KERNEL.bits())); }
	~FakeRequests() { kcpp_kfree(mem); }
	bool ok() const { return mem != nullptr; }
	kcpp_request *raw(usize i) const { return reinterpret_cast<kcpp_request *>(mem + i * stride); }
	block::Request rq(usize i) const { return block::Request(raw(i)); }
	u8 *mem;
};

// The C list behind a C++ RequestList: the same struct rq_list (queue_rqs hands C++ one).
kcpp_rq_list *as_c(block::RequestList &l) { return reinterpret_cast<kcpp_rq_list *>(&l); }

} // namespace

static void request_readers_match_c_fields(Test &t)
{
	FakeRequests<1> m;
	KCPP_ASSERT_TRUE(t, m.ok());
	auto *hctx = reinterpret_cast<kcpp_blk_mq_hw_ctx *>(m.mem + 8); // any address: only compared
	kcpp_c_request_init(m.raw(0), 0x123456789ull, 8192, KCPP_REQ_OP_WRITE | KCPP_REQ_FUA, 17, hctx);
	block::Request rq = m.rq(0);
	KCPP_EXPECT_EQ(t, rq.sector(), 0x123456789ull);
	KCPP_EXPECT_EQ(t, rq.bytes(), 8192u);
	KCPP_EXPECT_EQ(t, rq.sectors(), 16u);
	KCPP_EXPECT_EQ(t, rq.tag(), 17);
	KCPP_EXPECT_TRUE(t, rq.op() == block::Op::Write);
	KCPP_EXPECT_TRUE(t, rq.is_fua());
	KCPP_EXPECT_FALSE(t, rq.is_preflush());
	KCPP_EXPECT_FALSE(t, rq.is_failfast());
	KCPP_EXPECT_TRUE(t, rq.hw_queue().raw() == hctx);
	// blk_mq_rq_to_pdu(): right after struct request.
	KCPP_EXPECT_TRUE(t, reinterpret_cast<u8 *>(&rq.data<Pdu>()) == m.mem + KCPP_SIZEOF_REQUEST);

	kcpp_c_request_init(m.raw(0), 0, 0, KCPP_REQ_OP_DRV_IN | KCPP_REQ_PREFLUSH, 0, nullptr);
	KCPP_EXPECT_TRUE(t, rq.op() == block::Op::DrvIn);
	KCPP_EXPECT_TRUE(t, rq.is_preflush());
	KCPP_EXPECT_FALSE(t, rq.is_fua());
}

static void request_list_pops_what_c_added(Test &t)
{
	FakeRequests<4> m;
	KCPP_ASSERT_TRUE(t, m.ok());
	block::RequestList list;
	for (usize i = 0; i < 4; ++i)
		kcpp_c_rq_list_add_tail(as_c(list), m.raw(i));
	KCPP_EXPECT_FALSE(t, list.empty());
	usize seen = 0;
	list.for_each([&](block::Request rq) { seen += rq.raw() == m.raw(seen); });
	KCPP_EXPECT_EQ(t, seen, 4u);
	for (usize i = 0; i < 4; ++i) {
		Optional<block::Request> rq = list.pop();
		KCPP_ASSERT_TRUE(t, rq.has_value());
		KCPP_EXPECT_TRUE(t, rq->raw() == m.raw(i));
	}
	KCPP_EXPECT_TRUE(t, list.empty());
	KCPP_EXPECT_FALSE(t, list.pop().has_value());
	// Emptied, the list takes requests again (its tail was cleared with its head).
	kcpp_c_rq_list_add_tail(as_c(list), m.raw(2));
	KCPP_EXPECT_TRUE(t, list.pop()->raw() == m.raw(2));
	KCPP_EXPECT_TRUE(t, list.empty());
}

static void c_pops_what_request_list_pushed(Test &t)
{
	FakeRequests<3> m;
	KCPP_ASSERT_TRUE(t, m.ok());
	block::RequestList list;
	list.push_back(m.rq(1));
	list.push_back(m.rq(0));
	list.push_back(m.rq(2));
	KCPP_EXPECT_TRUE(t, kcpp_c_rq_list_pop(as_c(list)) == m.raw(1));
	// A request popped in the middle of the list, then pushed again, goes to its end.
	list.push_back(m.rq(1));
	KCPP_EXPECT_TRUE(t, kcpp_c_rq_list_pop(as_c(list)) == m.raw(0));
	KCPP_EXPECT_TRUE(t, kcpp_c_rq_list_pop(as_c(list)) == m.raw(2));
	KCPP_EXPECT_TRUE(t, kcpp_c_rq_list_pop(as_c(list)) == m.raw(1));
	KCPP_EXPECT_TRUE(t, kcpp_c_rq_list_pop(as_c(list)) == nullptr);
	KCPP_EXPECT_TRUE(t, list.empty());
}

// What queue_rqs does with a list: splits it, and hands back the part it did not take.
static void request_list_assignment_hands_back_a_list(Test &t)
{
	FakeRequests<4> m;
	KCPP_ASSERT_TRUE(t, m.ok());
	block::RequestList list;
	for (usize i = 0; i < 4; ++i)
		list.push_back(m.rq(i));
	block::RequestList kept, back;
	while (Optional<block::Request> rq = list.pop())
		((rq->raw() == m.raw(1) || rq->raw() == m.raw(3)) ? back : kept).push_back(*rq);
	list = back;
	KCPP_EXPECT_TRUE(t, kcpp_c_rq_list_pop(as_c(list)) == m.raw(1));
	KCPP_EXPECT_TRUE(t, kcpp_c_rq_list_pop(as_c(list)) == m.raw(3));
	KCPP_EXPECT_TRUE(t, kcpp_c_rq_list_pop(as_c(list)) == nullptr);
	KCPP_EXPECT_TRUE(t, kept.pop()->raw() == m.raw(0));
	KCPP_EXPECT_TRUE(t, kept.pop()->raw() == m.raw(2));
	KCPP_EXPECT_TRUE(t, kept.empty());
}

KCPP_KUNIT_SUITE(kcpp_block, KCPP_KUNIT_CASE(request_readers_match_c_fields),
		 KCPP_KUNIT_CASE(request_list_pops_what_c_added), KCPP_KUNIT_CASE(c_pops_what_request_list_pushed),
		 KCPP_KUNIT_CASE(request_list_assignment_hands_back_a_list));
