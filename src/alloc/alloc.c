// SPDX-License-Identifier: GPL-2.0
/* Allocation shims: kmalloc and friends with the caller's GFP flags, and the test hook that
 * makes the current task's allocations fail through the kernel's own fault injection. */
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <kcpp/bindings.h>

void *kcpp_kmalloc(size_t size, kcpp_gfp_t flags)
{
	return kmalloc(size, (__force gfp_t)flags);
}

void *kcpp_krealloc(const void *ptr, size_t size, kcpp_gfp_t flags)
{
	return krealloc(ptr, size, (__force gfp_t)flags);
}

void kcpp_kfree(const void *ptr)
{
	kfree(ptr);
}

void *kcpp_kvmalloc(size_t size, kcpp_gfp_t flags)
{
	return kvmalloc(size, (__force gfp_t)flags);
}

void kcpp_kvfree(const void *ptr)
{
	kvfree(ptr);
}

/*
 * With failslab/fail_page_alloc configured for task-filter mode (see
 * Documentation/fault-injection), only tasks with make_it_fail set see injected failures.
 */
int kcpp_fault_inject_current(int enable)
{
#ifdef CONFIG_FAULT_INJECTION
	current->make_it_fail = !!enable;
	return 0;
#else
	return -EOPNOTSUPP;
#endif
}
