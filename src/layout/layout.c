// SPDX-License-Identifier: GPL-2.0
/*
 * Generates kcpp/gen/layout.h (asm-offsets style, see kcpp.mk): the sizes and alignments of
 * the kernel structures C++ embeds by value, and the config-dependent constants C++ needs,
 * read from the headers of the kernel being built against. Never linked into a module.
 */
#include <linux/kbuild.h>
#include <linux/completion.h>
#include <linux/gfp.h>
#include <linux/lockdep.h>
#include <linux/mod_devicetable.h>
#include <linux/moduleparam.h>
#include <linux/phy.h>
#include <linux/mutex.h>
#include <linux/refcount.h>
#include <linux/spinlock.h>
#include <linux/stddef.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <linux/version.h>
#ifdef CONFIG_KUNIT
#include <kunit/test.h>
#endif
#include "../task/work_types.h"

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
