// SPDX-License-Identifier: GPL-2.0
// kcpp/page.h — Page: one owned page of memory (alloc_page / __free_page), with bounds-
// checked copies in and out at offsets, from kernel buffers and straight from user slices
// (Rust-for-Linux's kernel::page). Area `mm`.
//
//     Page page = TRY(Page::alloc(gfp::KERNEL | gfp::HIGHMEM | gfp::ZERO));
//     TRY(page.copy_from_user(reader, offset, n));   // user memory -> page, no bounce buffer
//     TRY(page.write_raw(&hdr, 0, sizeof(hdr)));
//     TRY(vma.insert_page(addr, page));              // kcpp/mm.h: map it into user space too
//
// The page is never mapped for C++: every copy goes through a shim that maps it for the copy
// only (kmap_local_page), so highmem pages work and no address escapes. A copy that does not
// fit in the page (offset + len > Page::SIZE) is EINVAL and copies nothing. User copies may
// fault and sleep (process context); kernel-buffer copies work in any context.
#pragma once

#include <kcpp/error.h>
#include <kcpp/new.h>
#include <kcpp/uaccess.h>

namespace kcpp {

namespace gfp {
inline constexpr Gfp HIGHMEM{KCPP_GFP_HIGHMEM};
} // namespace gfp

namespace mm {
class VmArea;
}

class Page {
public:
	static constexpr usize SIZE = KCPP_PAGE_SIZE;
	static constexpr usize SHIFT = KCPP_PAGE_SHIFT;

	// ENOMEM. Add gfp::ZERO when the contents may reach user space.
	[[nodiscard]] static Result<Page> alloc(Gfp flags)
	{
		kcpp_page *p = kcpp_page_alloc(flags.bits());
		if (p == nullptr)
			return code::ENOMEM;
		return Page(p);
	}
	Page(Page &&o) : page_(exchange(o.page_, nullptr)) {}
	Page &operator=(Page &&o)
	{
		Page tmp(move(o));
		swap(page_, tmp.page_);
		return *this;
	}
	Page(const Page &) = delete;
	Page &operator=(const Page &) = delete;
	// Drops this reference (a VMA the page was inserted into keeps its own until zapped).
	~Page()
	{
		if (page_ != nullptr)
			kcpp_page_free(page_);
	}

	// page[offset, offset + len) -> dst
	[[nodiscard]] Result<void> read_raw(void *dst, usize offset, usize len) const
	{
		TRY(check(offset, len));
		kcpp_page_read(page_, dst, offset, len);
		return {};
	}
	// src -> page[offset, offset + len)
	[[nodiscard]] Result<void> write_raw(const void *src, usize offset, usize len)
	{
		TRY(check(offset, len));
		kcpp_page_write(page_, src, offset, len);
		return {};
	}
	[[nodiscard]] Result<void> fill_zero(usize offset, usize len)
	{
		TRY(check(offset, len));
		kcpp_page_zero(page_, offset, len);
		return {};
	}
	// The next len bytes of `in` -> page[offset, ...); `in` advances only if all were copied
	// (EFAULT otherwise: the page may hold part of the data).
	[[nodiscard]] Result<void> copy_from_user(UserSliceReader &in, usize offset, usize len)
	{
		TRY(check(offset, len));
		return in.advance(len, [&](uptr from) { return kcpp_page_copy_from_user(page_, offset, from, len); });
	}
	// page[offset, offset + len) -> the next len bytes of `out`.
	[[nodiscard]] Result<void> copy_to_user(UserSliceWriter &out, usize offset, usize len) const
	{
		TRY(check(offset, len));
		return out.advance(len, [&](uptr to) { return kcpp_page_copy_to_user(page_, offset, to, len); });
	}

private:
	friend class mm::VmArea;
	explicit Page(kcpp_page *p) : page_(p) {}
	static Result<void> check(usize offset, usize len)
	{
		if (offset > SIZE || len > SIZE - offset)
			return code::EINVAL;
		return {};
	}
	kcpp_page *page_;
};

} // namespace kcpp
