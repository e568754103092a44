// SPDX-License-Identifier: GPL-2.0
/* The kernel's own C versions of helpers that kcpp/io.h and kcpp/block/mq.h implement inline
 * in C++: KUnit tests compare the two. Linked into test modules only. */
#include <linux/blk-mq.h>
#include <linux/io.h>
#include <kcpp/bindings.h>

unsigned int kcpp_c_readl(const volatile void *addr)
{
	return readl((const volatile void __iomem *)addr);
}

void kcpp_c_writel(unsigned int val, volatile void *addr)
{
	writel(val, (volatile void __iomem *)addr);
}

unsigned long long kcpp_c_readq(const volatile void *addr)
{
	return readq((const volatile void __iomem *)addr);
}

void kcpp_c_writeq(unsigned long long val, volatile void *addr)
{
	writeq(val, (volatile void __iomem *)addr);
}

/* SAFETY: rq is test memory of at least sizeof(struct request) bytes, never given to blk-mq. */
void kcpp_c_request_init(struct kcpp_request *rq, unsigned long long sector, unsigned int bytes,
			 unsigned int cmd_flags, int tag, struct kcpp_blk_mq_hw_ctx *hctx)
{
	struct request *r = (struct request *)rq;

	memset(r, 0, sizeof(*r));
	r->__sector = sector;
	r->__data_len = bytes;
	r->cmd_flags = (__force blk_opf_t)cmd_flags;
	r->tag = tag;
	r->mq_hctx = (struct blk_mq_hw_ctx *)hctx;
}

void kcpp_c_rq_list_add_tail(struct kcpp_rq_list *list, struct kcpp_request *rq)
{
	rq_list_add_tail((struct rq_list *)list, (struct request *)rq);
}

struct kcpp_request *kcpp_c_rq_list_pop(struct kcpp_rq_list *list)
{
	return (struct kcpp_request *)rq_list_pop((struct rq_list *)list);
}
