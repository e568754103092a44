// SPDX-License-Identifier: GPL-2.0
/*
 * Generates kcpp/gen/layout.h (asm-offsets style, see kcpp.mk): the sizes and alignments of
 * the kernel structures C++ embeds by value, and the config-dependent constants C++ needs,
 * read from the headers of the kernel being built against. Never linked into a module.
 */
#include <linux/kbuild.h>
#include <linux/blk-mq.h>
#include <linux/blkdev.h>
#include <linux/completion.h>
#include <linux/gfp.h>
#include <linux/lockdep.h>
#include <linux/mod_devicetable.h>
#include <linux/moduleparam.h>
#include <linux/pci.h>
#include <linux/phy.h>
#include <linux/scatterlist.h>
#include <linux/mutex.h>
#include <linux/refcount.h>
#include <linux/spinlock.h>
#include <linux/stddef.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <linux/fcntl.h>
#include <linux/mm.h>
#include <linux/rbtree.h>
#include <linux/version.h>
#ifdef CONFIG_KUNIT
#include <kunit/test.h>
#endif
#include "../task/work_types.h"
#include "../block/mq_types.h"
#include "../fs/misc_types.h"

#define LAYOUT(name, type)                              \
	DEFINE(KCPP_SIZEOF_##name, sizeof(type));       \
	DEFINE(KCPP_ALIGNOF_##name, __alignof__(type))

int main(void);
int main(void)
{
	COMMENT("Storage of kernel structures embedded in C++ objects");
	LAYOUT(SPINLOCK, spinlock_t);
	LAYOUT(MUTEX, struct mutex);
	LAYOUT(WAIT_QUEUE_HEAD, wait_queue_head_t);
	LAYOUT(COMPLETION, struct completion);
	LAYOUT(REFCOUNT, refcount_t);
	LAYOUT(LOCK_CLASS_KEY, struct lock_class_key);
	LAYOUT(WORK, struct kcpp_work);
	LAYOUT(DELAYED_WORK, struct kcpp_delayed_work);
	BLANK();

	COMMENT("struct kernel_param, mirrored by kcpp/params.h");
	LAYOUT(KERNEL_PARAM, struct kernel_param);
	OFFSET(KCPP_OFFSETOF_KERNEL_PARAM_NAME, kernel_param, name);
	OFFSET(KCPP_OFFSETOF_KERNEL_PARAM_MOD, kernel_param, mod);
	OFFSET(KCPP_OFFSETOF_KERNEL_PARAM_OPS, kernel_param, ops);
	OFFSET(KCPP_OFFSETOF_KERNEL_PARAM_PERM, kernel_param, perm);
	OFFSET(KCPP_OFFSETOF_KERNEL_PARAM_LEVEL, kernel_param, level);
	OFFSET(KCPP_OFFSETOF_KERNEL_PARAM_FLAGS, kernel_param, flags);
	OFFSET(KCPP_OFFSETOF_KERNEL_PARAM_ARG, kernel_param, arg);
	BLANK();

#ifdef CONFIG_KUNIT
	COMMENT("KUnit suites and cases, filled in by src/kunit");
	DEFINE(KCPP_HAVE_KUNIT, 1);
	LAYOUT(KUNIT_SUITE, struct kunit_suite);
	LAYOUT(KUNIT_CASE, struct kunit_case);
#else
	DEFINE(KCPP_HAVE_KUNIT, 0);
	DEFINE(KCPP_SIZEOF_KUNIT_SUITE, 8);
	DEFINE(KCPP_ALIGNOF_KUNIT_SUITE, 8);
	DEFINE(KCPP_SIZEOF_KUNIT_CASE, 8);
	DEFINE(KCPP_ALIGNOF_KUNIT_CASE, 8);
#endif
	BLANK();

	COMMENT("Allocation flags (their bit values depend on the configuration)");
	DEFINE(KCPP_GFP_KERNEL, (__force unsigned int)GFP_KERNEL);
	DEFINE(KCPP_GFP_ATOMIC, (__force unsigned int)GFP_ATOMIC);
	DEFINE(KCPP_GFP_NOWAIT, (__force unsigned int)GFP_NOWAIT);
	DEFINE(KCPP_GFP_NOIO, (__force unsigned int)GFP_NOIO);
	DEFINE(KCPP_GFP_NOFS, (__force unsigned int)GFP_NOFS);
	DEFINE(KCPP_GFP_DMA32, (__force unsigned int)GFP_DMA32);
	DEFINE(KCPP_GFP_ZERO, (__force unsigned int)__GFP_ZERO);
	DEFINE(KCPP_GFP_NOWARN, (__force unsigned int)__GFP_NOWARN);
	DEFINE(KCPP_GFP_RETRY_MAYFAIL, (__force unsigned int)__GFP_RETRY_MAYFAIL);
	DEFINE(KCPP_GFP_ACCOUNT, (__force unsigned int)__GFP_ACCOUNT);
	BLANK();

	COMMENT("phylib: enum phy_state, driver flags, struct mdio_device_id");
	DEFINE(KCPP_PHY_STATE_DOWN, PHY_DOWN);
	DEFINE(KCPP_PHY_STATE_READY, PHY_READY);
	DEFINE(KCPP_PHY_STATE_HALTED, PHY_HALTED);
	DEFINE(KCPP_PHY_STATE_ERROR, PHY_ERROR);
	DEFINE(KCPP_PHY_STATE_UP, PHY_UP);
	DEFINE(KCPP_PHY_STATE_RUNNING, PHY_RUNNING);
	DEFINE(KCPP_PHY_STATE_NOLINK, PHY_NOLINK);
	DEFINE(KCPP_PHY_STATE_CABLETEST, PHY_CABLETEST);
	DEFINE(KCPP_PHY_IS_INTERNAL, PHY_IS_INTERNAL);
	LAYOUT(MDIO_DEVICE_ID, struct mdio_device_id);
	BLANK();

	COMMENT("blk-mq: statuses, request ops and the fields C++ reads inline on the I/O path");
	LAYOUT(TAG_SET, struct kcpp_tag_set);
	DEFINE(KCPP_SIZEOF_REQUEST, sizeof(struct request));
	DEFINE(KCPP_SIZEOF_REQUEST_CMD_FLAGS, sizeof_field(struct request, cmd_flags));
	DEFINE(KCPP_SIZEOF_REQUEST_SECTOR, sizeof_field(struct request, __sector));
	DEFINE(KCPP_SIZEOF_REQUEST_DATA_LEN, sizeof_field(struct request, __data_len));
	DEFINE(KCPP_SIZEOF_REQUEST_TAG, sizeof_field(struct request, tag));
	DEFINE(KCPP_SIZEOF_HCTX_QUEUE_NUM, sizeof_field(struct blk_mq_hw_ctx, queue_num));
	OFFSET(KCPP_OFFSETOF_REQUEST_CMD_FLAGS, request, cmd_flags);
	OFFSET(KCPP_OFFSETOF_REQUEST_SECTOR, request, __sector);
	OFFSET(KCPP_OFFSETOF_REQUEST_DATA_LEN, request, __data_len);
	OFFSET(KCPP_OFFSETOF_REQUEST_TAG, request, tag);
	OFFSET(KCPP_OFFSETOF_REQUEST_Q, request, q);
	OFFSET(KCPP_OFFSETOF_REQUEST_MQ_HCTX, request, mq_hctx);
	OFFSET(KCPP_OFFSETOF_REQUEST_RQ_NEXT, request, rq_next);
	LAYOUT(RQ_LIST, struct rq_list);
	OFFSET(KCPP_OFFSETOF_RQ_LIST_HEAD, rq_list, head);
	OFFSET(KCPP_OFFSETOF_RQ_LIST_TAIL, rq_list, tail);
	LAYOUT(IO_COMP_BATCH, struct io_comp_batch);
	OFFSET(KCPP_OFFSETOF_IO_COMP_BATCH_REQ_LIST, io_comp_batch, req_list);
	OFFSET(KCPP_OFFSETOF_IO_COMP_BATCH_NEED_TS, io_comp_batch, need_ts);
	OFFSET(KCPP_OFFSETOF_IO_COMP_BATCH_COMPLETE, io_comp_batch, complete);
	OFFSET(KCPP_OFFSETOF_QUEUE_QUEUEDATA, request_queue, queuedata);
	OFFSET(KCPP_OFFSETOF_HCTX_QUEUE, blk_mq_hw_ctx, queue);
	OFFSET(KCPP_OFFSETOF_HCTX_QUEUE_NUM, blk_mq_hw_ctx, queue_num);
	LAYOUT(BLK_MQ_QUEUE_DATA, struct blk_mq_queue_data);
	OFFSET(KCPP_OFFSETOF_QUEUE_DATA_RQ, blk_mq_queue_data, rq);
	OFFSET(KCPP_OFFSETOF_QUEUE_DATA_LAST, blk_mq_queue_data, last);
	DEFINE(KCPP_REQ_OP_MASK, (__force unsigned int)REQ_OP_MASK);
	DEFINE(KCPP_REQ_OP_READ, (__force unsigned int)REQ_OP_READ);
	DEFINE(KCPP_REQ_OP_WRITE, (__force unsigned int)REQ_OP_WRITE);
	DEFINE(KCPP_REQ_OP_FLUSH, (__force unsigned int)REQ_OP_FLUSH);
	DEFINE(KCPP_REQ_OP_DISCARD, (__force unsigned int)REQ_OP_DISCARD);
	DEFINE(KCPP_REQ_OP_WRITE_ZEROES, (__force unsigned int)REQ_OP_WRITE_ZEROES);
	DEFINE(KCPP_REQ_OP_DRV_IN, (__force unsigned int)REQ_OP_DRV_IN);
	DEFINE(KCPP_REQ_OP_DRV_OUT, (__force unsigned int)REQ_OP_DRV_OUT);
	DEFINE(KCPP_REQ_FUA, (__force unsigned int)REQ_FUA);
	DEFINE(KCPP_REQ_PREFLUSH, (__force unsigned int)REQ_PREFLUSH);
	DEFINE(KCPP_REQ_FAILFAST_MASK, (__force unsigned int)REQ_FAILFAST_MASK);
	DEFINE(KCPP_BLK_STS_OK, (__force unsigned int)BLK_STS_OK);
	DEFINE(KCPP_BLK_STS_NOTSUPP, (__force unsigned int)BLK_STS_NOTSUPP);
	DEFINE(KCPP_BLK_STS_TIMEOUT, (__force unsigned int)BLK_STS_TIMEOUT);
	DEFINE(KCPP_BLK_STS_NOSPC, (__force unsigned int)BLK_STS_NOSPC);
	DEFINE(KCPP_BLK_STS_TRANSPORT, (__force unsigned int)BLK_STS_TRANSPORT);
	DEFINE(KCPP_BLK_STS_TARGET, (__force unsigned int)BLK_STS_TARGET);
	DEFINE(KCPP_BLK_STS_MEDIUM, (__force unsigned int)BLK_STS_MEDIUM);
	DEFINE(KCPP_BLK_STS_RESOURCE, (__force unsigned int)BLK_STS_RESOURCE);
	DEFINE(KCPP_BLK_STS_IOERR, (__force unsigned int)BLK_STS_IOERR);
	DEFINE(KCPP_BLK_STS_AGAIN, (__force unsigned int)BLK_STS_AGAIN);
	DEFINE(KCPP_BLK_STS_DEV_RESOURCE, (__force unsigned int)BLK_STS_DEV_RESOURCE);
	DEFINE(KCPP_BLK_STS_OFFLINE, (__force unsigned int)BLK_STS_OFFLINE);
	DEFINE(KCPP_BLK_STS_INVAL, (__force unsigned int)BLK_STS_INVAL);
	DEFINE(KCPP_BLK_EH_DONE, BLK_EH_DONE);
	DEFINE(KCPP_BLK_EH_RESET_TIMER, BLK_EH_RESET_TIMER);
	DEFINE(KCPP_BLK_MQ_F_SHOULD_MERGE, BLK_MQ_F_SHOULD_MERGE);
	DEFINE(KCPP_BLK_MQ_F_BLOCKING, BLK_MQ_F_BLOCKING);
	DEFINE(KCPP_SECTOR_SHIFT, SECTOR_SHIFT);
	LAYOUT(SCATTERLIST, struct scatterlist);
	OFFSET(KCPP_OFFSETOF_SG_DMA_ADDRESS, scatterlist, dma_address);
#ifdef CONFIG_NEED_SG_DMA_LENGTH
	OFFSET(KCPP_OFFSETOF_SG_DMA_LEN, scatterlist, dma_length);
#else
	OFFSET(KCPP_OFFSETOF_SG_DMA_LEN, scatterlist, length);
#endif
	BLANK();

	COMMENT("PCI: struct pci_device_id (mirrored by kcpp/pci.h), IRQ vector types");
	LAYOUT(PCI_DEVICE_ID, struct pci_device_id);
	OFFSET(KCPP_OFFSETOF_PCI_DEVICE_ID_DRIVER_DATA, pci_device_id, driver_data);
	OFFSET(KCPP_OFFSETOF_PCI_DEVICE_ID_OVERRIDE_ONLY, pci_device_id, override_only);
	DEFINE(KCPP_PCI_ANY_ID, PCI_ANY_ID);
	DEFINE(KCPP_PCI_IRQ_INTX, PCI_IRQ_INTX);
	DEFINE(KCPP_PCI_IRQ_MSI, PCI_IRQ_MSI);
	DEFINE(KCPP_PCI_IRQ_MSIX, PCI_IRQ_MSIX);
	BLANK();

	COMMENT("Misc character devices");
	LAYOUT(MISCDEV, struct kcpp_miscdev);
	BLANK();

	COMMENT("Binder-facing areas: red-black trees (mirrored by kcpp/rbtree.h), VMA flags, open flags");
	LAYOUT(RB_NODE, struct rb_node);
	OFFSET(KCPP_OFFSETOF_RB_NODE_PARENT_COLOR, rb_node, __rb_parent_color);
	OFFSET(KCPP_OFFSETOF_RB_NODE_RIGHT, rb_node, rb_right);
	OFFSET(KCPP_OFFSETOF_RB_NODE_LEFT, rb_node, rb_left);
	LAYOUT(RB_ROOT, struct rb_root);
	DEFINE(KCPP_VM_READ, VM_READ);
	DEFINE(KCPP_VM_WRITE, VM_WRITE);
	DEFINE(KCPP_VM_EXEC, VM_EXEC);
	DEFINE(KCPP_VM_SHARED, VM_SHARED);
	DEFINE(KCPP_VM_MAYREAD, VM_MAYREAD);
	DEFINE(KCPP_VM_MAYWRITE, VM_MAYWRITE);
	DEFINE(KCPP_VM_MAYEXEC, VM_MAYEXEC);
	DEFINE(KCPP_VM_MAYSHARE, VM_MAYSHARE);
	DEFINE(KCPP_VM_DONTCOPY, VM_DONTCOPY);
	DEFINE(KCPP_VM_DONTEXPAND, VM_DONTEXPAND);
	DEFINE(KCPP_VM_MIXEDMAP, VM_MIXEDMAP);
	DEFINE(KCPP_VM_DONTDUMP, VM_DONTDUMP);
	DEFINE(KCPP_O_CLOEXEC, O_CLOEXEC);
	DEFINE(KCPP_O_NONBLOCK, O_NONBLOCK);
	DEFINE(KCPP_GFP_HIGHMEM, (__force unsigned int)__GFP_HIGHMEM);
	BLANK();

	COMMENT("Kernel facts");
	DEFINE(KCPP_HZ, HZ);
	DEFINE(KCPP_PAGE_SIZE, PAGE_SIZE);
	DEFINE(KCPP_PAGE_SHIFT, PAGE_SHIFT);
	DEFINE(KCPP_MAX_ERRNO, MAX_ERRNO);
	DEFINE(KCPP_LINUX_VERSION_CODE, LINUX_VERSION_CODE);
#ifdef CONFIG_LOCKDEP
	DEFINE(KCPP_HAVE_LOCKDEP, 1);
#else
	DEFINE(KCPP_HAVE_LOCKDEP, 0);
#endif
	return 0;
}
