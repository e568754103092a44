// SPDX-License-Identifier: GPL-2.0
/*
 * Build-time checks that what C++ believes about the kernel is what the kernel says:
 * every errno in kcpp/errno_list.h, and the sizes and alignments of the structures C++
 * embeds (the generated header was made for this very kernel).
 */
#include <linux/build_bug.h>
#include <linux/completion.h>
#include <linux/errno.h>
#include <linux/lockdep.h>
#include <linux/mutex.h>
#include <linux/refcount.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <kcpp/bindings.h>
#include <kcpp/gen/layout.h>
#include "../task/work_types.h"

#define KCPP_ERRNO(name, value) static_assert(name == value, "kcpp errno " #name " differs");
#include <kcpp/errno_list.h>
#undef KCPP_ERRNO

#define KCPP_CHECK_LAYOUT(NAME, type)                                                  \
	static_assert(sizeof(type) == KCPP_SIZEOF_##NAME, #type " size changed");       \
	static_assert(__alignof__(type) == KCPP_ALIGNOF_##NAME, #type " alignment changed")

KCPP_CHECK_LAYOUT(SPINLOCK, spinlock_t);
KCPP_CHECK_LAYOUT(MUTEX, struct mutex);
KCPP_CHECK_LAYOUT(WAIT_QUEUE_HEAD, wait_queue_head_t);
KCPP_CHECK_LAYOUT(COMPLETION, struct completion);
KCPP_CHECK_LAYOUT(REFCOUNT, refcount_t);
KCPP_CHECK_LAYOUT(LOCK_CLASS_KEY, struct lock_class_key);
KCPP_CHECK_LAYOUT(WORK, struct kcpp_work);
KCPP_CHECK_LAYOUT(DELAYED_WORK, struct kcpp_delayed_work);
static_assert(MAX_ERRNO == KCPP_MAX_ERRNO, "MAX_ERRNO changed");
