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

/*
 * SAFETY: only UserSliceReader::read<T> and UserSliceWriter::write<T> call these, with the
 * address of a T and n == sizeof(T) fixed at compile time, so the kernel range is one whole
 * object by construction, which is all __check_object_size() would verify. _copy_*_user keep
 * access_ok, fault handling, zeroing on a short read and the KASAN/KCSAN instrumentation.
 */
unsigned long kcpp_copy_object_from_user(void *to, kcpp_uptr_t from, unsigned long n)
{
	return _copy_from_user(to, (const void __user *)from, n);
}

unsigned long kcpp_copy_object_to_user(kcpp_uptr_t to, const void *from, unsigned long n)
{
	return _copy_to_user((void __user *)to, from, n);
}

unsigned long kcpp_clear_user(kcpp_uptr_t to, unsigned long n)
{
	return clear_user((void __user *)to, n);
}
