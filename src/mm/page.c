// SPDX-License-Identifier: GPL-2.0
/*
 * Pages for kcpp/page.h (area mm): allocation and copies at offsets within one page.
 *
 * SAFETY: struct kcpp_page is a struct page from kcpp_page_alloc, owned by a C++ Page until
 * kcpp_page_free. C++ checks offset + len <= PAGE_SIZE before every copy (Page::check), and
 * the page is mapped only for the duration of one copy (kmap_local_page), so no kernel address
 * of it reaches C++. copy_{from,to}_user may fault and sleep under kmap_local_page, which is
 * allowed (local mappings survive preemption and page faults).
 */
#include <linux/gfp.h>
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/uaccess.h>
#include <kcpp/bindings.h>

#define PAGE_OF(p) ((struct page *)(p))

struct kcpp_page *kcpp_page_alloc(kcpp_gfp_t flags)
{
	return (struct kcpp_page *)alloc_page((__force gfp_t)flags);
}

void kcpp_page_free(struct kcpp_page *page)
{
	__free_page(PAGE_OF(page));
}

void kcpp_page_read(struct kcpp_page *page, void *dst, kcpp_size_t offset, kcpp_size_t len)
{
	memcpy_from_page(dst, PAGE_OF(page), offset, len);
}

void kcpp_page_write(struct kcpp_page *page, const void *src, kcpp_size_t offset, kcpp_size_t len)
{
	memcpy_to_page(PAGE_OF(page), offset, src, len);
}

void kcpp_page_zero(struct kcpp_page *page, kcpp_size_t offset, kcpp_size_t len)
{
	memzero_page(PAGE_OF(page), offset, len);
}

unsigned long kcpp_page_copy_from_user(struct kcpp_page *page, kcpp_size_t offset,
				       kcpp_uptr_t from, kcpp_size_t len)
{
	void *kaddr = kmap_local_page(PAGE_OF(page));
	unsigned long left = copy_from_user(kaddr + offset, (const void __user *)from, len);

	kunmap_local(kaddr);
	return left;
}

unsigned long kcpp_page_copy_to_user(struct kcpp_page *page, kcpp_size_t offset,
				     kcpp_uptr_t to, kcpp_size_t len)
{
	void *kaddr = kmap_local_page(PAGE_OF(page));
	unsigned long left = copy_to_user((void __user *)to, kaddr + offset, len);

	kunmap_local(kaddr);
	return left;
}
