/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kcpp/gen/layout.h for the HOST unit tests (tests/host). In a kernel build this header is
 * generated per kernel from src/layout/layout.c; here it is written by hand, with the same
 * macros. The storage sizes are those of the host shims' types (tests/host/host_shims.cpp,
 * which static_asserts each one); the GFP values, phylib constants and struct kernel_param
 * layout are those of Debian 12's x86-64 kernel, so C++ sees the same numbers as in a
 * module.
 */
#ifndef KCPP_GEN_LAYOUT_H
#define KCPP_GEN_LAYOUT_H

/* Storage of the host shims' structures embedded in C++ objects */
#define KCPP_SIZEOF_SPINLOCK 48		/* HostSpinLock: pthread_mutex_t + state */
#define KCPP_ALIGNOF_SPINLOCK 8
#define KCPP_SIZEOF_MUTEX 48		/* HostMutex: pthread_mutex_t + state */
#define KCPP_ALIGNOF_MUTEX 8
#define KCPP_SIZEOF_WAIT_QUEUE_HEAD 112	/* HostWaitQueue: mutex + cond + waiter list */
#define KCPP_ALIGNOF_WAIT_QUEUE_HEAD 8
#define KCPP_SIZEOF_COMPLETION 96	/* HostCompletion: mutex + cond + count */
#define KCPP_ALIGNOF_COMPLETION 8
#define KCPP_SIZEOF_REFCOUNT 4		/* int, atomic builtins */
#define KCPP_ALIGNOF_REFCOUNT 4
#define KCPP_SIZEOF_LOCK_CLASS_KEY 0	/* as in a kernel without lockdep */
#define KCPP_ALIGNOF_LOCK_CLASS_KEY 1
#define KCPP_SIZEOF_WORK 56		/* HostWork */
#define KCPP_ALIGNOF_WORK 8
#define KCPP_SIZEOF_DELAYED_WORK 56	/* HostWork too (a due time instead of a timer) */
#define KCPP_ALIGNOF_DELAYED_WORK 8

/* struct kernel_param, mirrored by kcpp/params.h (x86-64) */
#define KCPP_SIZEOF_KERNEL_PARAM 40
#define KCPP_ALIGNOF_KERNEL_PARAM 8
#define KCPP_OFFSETOF_KERNEL_PARAM_NAME 0
#define KCPP_OFFSETOF_KERNEL_PARAM_MOD 8
#define KCPP_OFFSETOF_KERNEL_PARAM_OPS 16
#define KCPP_OFFSETOF_KERNEL_PARAM_PERM 24
#define KCPP_OFFSETOF_KERNEL_PARAM_LEVEL 26
#define KCPP_OFFSETOF_KERNEL_PARAM_FLAGS 27
#define KCPP_OFFSETOF_KERNEL_PARAM_ARG 32

/* KUnit: the host has no struct kunit_suite; the host shims keep their own records */
#define KCPP_HAVE_KUNIT 0
#define KCPP_SIZEOF_KUNIT_SUITE 8
#define KCPP_ALIGNOF_KUNIT_SUITE 8
#define KCPP_SIZEOF_KUNIT_CASE 8
#define KCPP_ALIGNOF_KUNIT_CASE 8

/* Allocation flags (Debian 12 x86-64 values) */
#define KCPP_GFP_KERNEL 3264
#define KCPP_GFP_ATOMIC 2080
#define KCPP_GFP_NOWAIT 10240
#define KCPP_GFP_NOIO 3072
#define KCPP_GFP_NOFS 3136
#define KCPP_GFP_DMA32 4
#define KCPP_GFP_ZERO 256
#define KCPP_GFP_NOWARN 8192
#define KCPP_GFP_RETRY_MAYFAIL 16384
#define KCPP_GFP_ACCOUNT 4194304

/* phylib: enum phy_state, driver flags, struct mdio_device_id */
#define KCPP_PHY_STATE_DOWN 0
#define KCPP_PHY_STATE_READY 1
#define KCPP_PHY_STATE_HALTED 2
#define KCPP_PHY_STATE_ERROR 3
#define KCPP_PHY_STATE_UP 4
#define KCPP_PHY_STATE_RUNNING 5
#define KCPP_PHY_STATE_NOLINK 6
#define KCPP_PHY_STATE_CABLETEST 7
#define KCPP_PHY_IS_INTERNAL 1
#define KCPP_SIZEOF_MDIO_DEVICE_ID 8
#define KCPP_ALIGNOF_MDIO_DEVICE_ID 4

/* blk-mq and PCI (Debian 12 x86-64 values): the host has no shims for them; the values are
 * here so that every header compiles against this layout as against a generated one. */
#define KCPP_SIZEOF_TAG_SET 312
#define KCPP_ALIGNOF_TAG_SET 8
#define KCPP_SIZEOF_REQUEST 248
#define KCPP_SIZEOF_REQUEST_CMD_FLAGS 4
#define KCPP_SIZEOF_REQUEST_SECTOR 8
#define KCPP_SIZEOF_REQUEST_DATA_LEN 4
#define KCPP_SIZEOF_REQUEST_TAG 4
#define KCPP_SIZEOF_HCTX_QUEUE_NUM 4
#define KCPP_OFFSETOF_REQUEST_CMD_FLAGS 24
#define KCPP_OFFSETOF_REQUEST_SECTOR 48
#define KCPP_OFFSETOF_REQUEST_DATA_LEN 44
#define KCPP_OFFSETOF_REQUEST_TAG 32
#define KCPP_OFFSETOF_REQUEST_Q 0
#define KCPP_OFFSETOF_REQUEST_MQ_HCTX 16
#define KCPP_OFFSETOF_REQUEST_RQ_NEXT 72
#define KCPP_SIZEOF_RQ_LIST 16
#define KCPP_ALIGNOF_RQ_LIST 8
#define KCPP_OFFSETOF_RQ_LIST_HEAD 0
#define KCPP_OFFSETOF_RQ_LIST_TAIL 8
#define KCPP_SIZEOF_IO_COMP_BATCH 32
#define KCPP_ALIGNOF_IO_COMP_BATCH 8
#define KCPP_OFFSETOF_IO_COMP_BATCH_REQ_LIST 0
#define KCPP_OFFSETOF_IO_COMP_BATCH_NEED_TS 16
#define KCPP_OFFSETOF_IO_COMP_BATCH_COMPLETE 24
#define KCPP_OFFSETOF_QUEUE_QUEUEDATA 0
#define KCPP_OFFSETOF_HCTX_QUEUE 184
#define KCPP_OFFSETOF_HCTX_QUEUE_NUM 340
#define KCPP_SIZEOF_BLK_MQ_QUEUE_DATA 16
#define KCPP_ALIGNOF_BLK_MQ_QUEUE_DATA 8
#define KCPP_OFFSETOF_QUEUE_DATA_RQ 0
#define KCPP_OFFSETOF_QUEUE_DATA_LAST 8
#define KCPP_REQ_OP_MASK 255
#define KCPP_REQ_OP_READ 0
#define KCPP_REQ_OP_WRITE 1
#define KCPP_REQ_OP_FLUSH 2
#define KCPP_REQ_OP_DISCARD 3
#define KCPP_REQ_OP_WRITE_ZEROES 9
#define KCPP_REQ_OP_DRV_IN 34
#define KCPP_REQ_OP_DRV_OUT 35
#define KCPP_REQ_FUA 131072
#define KCPP_REQ_PREFLUSH 262144
#define KCPP_REQ_FAILFAST_MASK 1792
#define KCPP_BLK_STS_OK 0
#define KCPP_BLK_STS_NOTSUPP 1
#define KCPP_BLK_STS_TIMEOUT 2
#define KCPP_BLK_STS_NOSPC 3
#define KCPP_BLK_STS_TRANSPORT 4
#define KCPP_BLK_STS_TARGET 5
#define KCPP_BLK_STS_MEDIUM 7
#define KCPP_BLK_STS_RESOURCE 9
#define KCPP_BLK_STS_IOERR 10
#define KCPP_BLK_STS_AGAIN 12
#define KCPP_BLK_STS_DEV_RESOURCE 13
#define KCPP_BLK_STS_OFFLINE 16
#define KCPP_BLK_STS_INVAL 19
#define KCPP_BLK_EH_DONE 0
#define KCPP_BLK_EH_RESET_TIMER 1
#define KCPP_BLK_MQ_F_SHOULD_MERGE 1
#define KCPP_BLK_MQ_F_BLOCKING 16
#define KCPP_SECTOR_SHIFT 9
#define KCPP_SIZEOF_SCATTERLIST 32
#define KCPP_ALIGNOF_SCATTERLIST 8
#define KCPP_OFFSETOF_SG_DMA_ADDRESS 16
#define KCPP_OFFSETOF_SG_DMA_LEN 24
#define KCPP_SIZEOF_PCI_DEVICE_ID 40
#define KCPP_ALIGNOF_PCI_DEVICE_ID 8
#define KCPP_OFFSETOF_PCI_DEVICE_ID_DRIVER_DATA 24
#define KCPP_OFFSETOF_PCI_DEVICE_ID_OVERRIDE_ONLY 32
#define KCPP_PCI_ANY_ID -1
#define KCPP_PCI_IRQ_INTX 1
#define KCPP_PCI_IRQ_MSI 2
#define KCPP_PCI_IRQ_MSIX 4

/* Misc character devices (Debian 6.12 values) */
#define KCPP_SIZEOF_MISCDEV 360
#define KCPP_ALIGNOF_MISCDEV 8

/* Binder-facing areas (Debian 6.12 x86-64 values): struct rb_node/rb_root (the host rbtree
 * shims use the same mirror), VMA flags, open flags, __GFP_HIGHMEM */
#define KCPP_SIZEOF_RB_NODE 24
#define KCPP_ALIGNOF_RB_NODE 8
#define KCPP_OFFSETOF_RB_NODE_PARENT_COLOR 0
#define KCPP_OFFSETOF_RB_NODE_RIGHT 8
#define KCPP_OFFSETOF_RB_NODE_LEFT 16
#define KCPP_SIZEOF_RB_ROOT 8
#define KCPP_ALIGNOF_RB_ROOT 8
#define KCPP_VM_READ 1
#define KCPP_VM_WRITE 2
#define KCPP_VM_EXEC 4
#define KCPP_VM_SHARED 8
#define KCPP_VM_MAYREAD 16
#define KCPP_VM_MAYWRITE 32
#define KCPP_VM_MAYEXEC 64
#define KCPP_VM_MAYSHARE 128
#define KCPP_VM_DONTCOPY 131072
#define KCPP_VM_DONTEXPAND 262144
#define KCPP_VM_MIXEDMAP 268435456
#define KCPP_VM_DONTDUMP 67108864
#define KCPP_O_CLOEXEC 524288
#define KCPP_O_NONBLOCK 2048
#define KCPP_GFP_HIGHMEM 2

/* Kernel facts (HZ=250 as Debian's kernel, so jiffy rounding is exercised) */
#define KCPP_HZ 250
#define KCPP_PAGE_SIZE 4096
#define KCPP_PAGE_SHIFT 12
#define KCPP_MAX_ERRNO 4095
#define KCPP_LINUX_VERSION_CODE 393472	/* KERNEL_VERSION(6, 1, 0) */
#define KCPP_HAVE_LOCKDEP 0

#endif
