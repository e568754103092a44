/* SPDX-License-Identifier: GPL-2.0 */
/* The C layout of kcpp's work items: the kernel's work item plus the C++ callback. Seen only
 * by C (the shims and the layout generator); C++ holds opaque storage of this size. */
#ifndef KCPP_WORK_TYPES_H
#define KCPP_WORK_TYPES_H

#include <linux/workqueue.h>
#include <kcpp/bindings.h>

struct kcpp_work {
	struct work_struct work;
	kcpp_work_fn fn;
};

struct kcpp_delayed_work {
	struct delayed_work dwork;
	kcpp_work_fn fn;
};

#endif
