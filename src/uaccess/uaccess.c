// SPDX-License-Identifier: GPL-2.0
/* User memory copies. SAFETY: `from`/`to` are user addresses given by user space; the
 * copy_*_user helpers check access_ok and fault safely, so no address can hurt the kernel.
 * The kernel pointers are C++ buffers of at least n bytes (UserSlice checks lengths). */
#include <linux/uaccess.h>
#include <kcpp/bindings.h>

unsigned long kcpp_copy_from_user(void *to, kcpp_uptr_t from, unsigned long n)
{
	return copy_from_user(to, (const void __user *)from, n);
}

unsigned long kcpp_copy_to_user(kcpp_uptr_t to, const void *from, unsigned long n)
{
	return copy_to_user((void __user *)to, from, n);
}

unsigned long kcpp_clear_user(kcpp_uptr_t to, unsigned long n)
{
	return clear_user((void __user *)to, n);
}
