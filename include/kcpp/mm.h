// SPDX-License-Identifier: GPL-2.0
// kcpp/mm.h — address spaces (struct mm_struct), the mmap lock and VMAs, with the locking
// rules in the types (Rust-for-Linux's kernel::mm and mm::virt). Area `mm`.
//
//     // at open: remember the opener's address space without keeping it alive
//     ARef<mm::Mm> mm = TRY(mm::Mm::current());                  // mmgrab
//     // later, from any task of the process or a worker:
//     Optional<mm::MmUser> user = mm->get_user();                // mmget_not_zero
//     if (!user) return code::ESRCH;                             // the process has exited
//     mm::MmapReadGuard guard = user->read_lock();               // mmap_read_lock
//     mm::VmArea *vma = guard.vma_lookup(addr);                  // valid while guard lives
//     if (vma == nullptr || !vma->is_mapping_of(file_obj)) return code::ESRCH;
//     TRY(vma->insert_page(addr, page));                         // vm_insert_page
//     ...
//     vma->zap_range(addr, Page::SIZE);                          // zap_page_range_single
//
// Types and the rules they carry:
//  - ARef<Mm>: an mmgrab reference. Keeps the mm_struct, not the address space: the mappings
//    may be torn down at any time. Cheap; hold it as long as you like.
//  - MmUser: an mmget reference (mm_users), taken only while the address space is alive; its
//    mappings stay until it is dropped. Dropped with mmput_async, so dropping it never runs
//    exit_mmap in the caller (allowed under the driver's locks). Hold it briefly.
//  - MmapReadGuard / MmapWriteGuard: the mmap lock, from an MmUser. Sleeping locks: process
//    context, no spinlock held while taking them.
//  - VmArea: a VMA. C++ can reach one only through a guard's vma_lookup or as the VmAreaNew
//    argument of a misc device's mmap operation; it is valid only while that guard lives or
//    that call runs. Never store the pointer.
#pragma once

#include <kcpp/aref.h>
#include <kcpp/error.h>
#include <kcpp/optional.h>
#include <kcpp/page.h>

namespace kcpp::mm {

// VMA flags (vm_flags_t bits; values from the kernel headers).
namespace vm {
inline constexpr unsigned long READ = KCPP_VM_READ;
inline constexpr unsigned long WRITE = KCPP_VM_WRITE;
inline constexpr unsigned long EXEC = KCPP_VM_EXEC;
inline constexpr unsigned long SHARED = KCPP_VM_SHARED;
inline constexpr unsigned long MAYREAD = KCPP_VM_MAYREAD;
inline constexpr unsigned long MAYWRITE = KCPP_VM_MAYWRITE;
inline constexpr unsigned long MAYEXEC = KCPP_VM_MAYEXEC;
inline constexpr unsigned long MAYSHARE = KCPP_VM_MAYSHARE;
inline constexpr unsigned long DONTCOPY = KCPP_VM_DONTCOPY;	// not inherited by fork
inline constexpr unsigned long DONTEXPAND = KCPP_VM_DONTEXPAND;	// mremap cannot grow it
inline constexpr unsigned long MIXEDMAP = KCPP_VM_MIXEDMAP;	// pages inserted by the driver
inline constexpr unsigned long DONTDUMP = KCPP_VM_DONTDUMP;
} // namespace vm

class MmUser;
class MmapReadGuard;
class MmapWriteGuard;

class Mm : KernelObject {
public:
	// The current task's address space, grabbed (mmgrab). ESRCH in a kernel thread.
	[[nodiscard]] static Result<ARef<Mm>> current()
	{
		kcpp_mm *mm = kcpp_mm_grab_current();
		if (mm == nullptr)
			return code::ESRCH;
		return ARef<Mm>::adopt(&kernel_object<Mm>(mm));
	}
	// An mmget reference if the address space is still alive (mmget_not_zero).
	Optional<MmUser> get_user() const;
	bool operator==(const Mm &o) const { return this == &o; }

	static void inc_ref(const Mm &m) { kcpp_mm_grab(m.raw()); }
	static void dec_ref(const Mm &m) { kcpp_mm_drop(m.raw()); }
	kcpp_mm *raw() const { return raw_object<kcpp_mm>(*this); }
};

class VmArea : KernelObject {
public:
	uptr start() const { return kcpp_vma_start(raw()); }
	uptr end() const { return kcpp_vma_end(raw()); }
	usize size() const { return end() - start(); }
	unsigned long flags() const { return kcpp_vma_flags(raw()); }
	// The mmap offset in pages (vm_pgoff).
	unsigned long pgoff() const { return kcpp_vma_pgoff(raw()); }
	Mm &mm() const { return kernel_object<Mm>(kcpp_vma_mm(raw())); }

	// Whether this VMA was created by the mmap operation of a kcpp misc device of this module
	// for the open file whose per-file object is `file` (so a lookup by address found the
	// driver's own mapping, not something user space mapped there after unmapping it).
	// Needs area `misc` too (the vm_operations live there).
	template <typename F> bool is_mapping_of(const F &file) const
	{
		return kcpp_vma_kcpp_file_data(raw()) == static_cast<const void *>(&file);
	}

	// Maps `page` at user address addr (page aligned, inside the VMA) with vm_insert_page:
	// the VMA takes its own reference on the page, so `page` may be dropped while mapped (the
	// memory is freed once it is zapped too). EINVAL outside the VMA, unaligned, or if the VMA
	// lacks vm::MIXEDMAP (set it in mmap: without it vm_insert_page needs the mmap lock for
	// writing, and would BUG under a read guard); EBUSY if a page is already mapped there;
	// ENOMEM.
	[[nodiscard]] Result<void> insert_page(uptr addr, const Page &page) const
	{
		if (addr % Page::SIZE != 0 || addr < start() || addr >= end() || !(flags() & vm::MIXEDMAP))
			return code::EINVAL;
		return to_result(kcpp_vma_insert_page(raw(), addr, page.page_));
	}
	// Unmaps whatever is mapped in [addr, addr + size) of this VMA (zap_page_range_single);
	// the range is clipped to the VMA.
	void zap_range(uptr addr, usize size) const
	{
		const uptr lo = max(addr, start());
		const uptr hi = (addr + size < addr) ? end() : min(addr + size, end());
		if (lo < hi)
			kcpp_vma_zap(raw(), lo, hi - lo);
	}

	kcpp_vma *raw() const { return raw_object<kcpp_vma>(*this); }
};

// The VMA being created, inside a misc device's mmap operation: the mmap lock is held for
// writing, so its flags may be changed.
class VmAreaNew : public VmArea {
public:
	// vm_flags_mod: sets `set`, clears `clear` (binder: set DONTCOPY | MIXEDMAP, clear MAYWRITE).
	void set_flags(unsigned long set, unsigned long clear) const { kcpp_vma_flags_mod(raw(), set, clear); }
};

// An mmget reference: the address space and its mappings stay until it is dropped.
class MmUser {
public:
	MmUser(MmUser &&o) : mm_(exchange(o.mm_, nullptr)) {}
	MmUser(const MmUser &) = delete;
	MmUser &operator=(const MmUser &) = delete;
	~MmUser()
	{
		if (mm_ != nullptr)
			kcpp_mm_put_async(mm_->raw());
	}
	Mm &mm() const { return *mm_; }

	// mmap_read_lock (sleeps).
	MmapReadGuard read_lock() const;
	// mmap_read_trylock: empty if the lock is contended (for reclaim paths that must not wait).
	Optional<MmapReadGuard> try_read_lock() const;
	// mmap_write_lock (sleeps).
	MmapWriteGuard write_lock() const;

private:
	friend class Mm;
	explicit MmUser(Mm *mm) : mm_(mm) {}
	Mm *mm_;
};

class [[nodiscard]] MmapReadGuard {
public:
	MmapReadGuard(MmapReadGuard &&o) : mm_(exchange(o.mm_, nullptr)) {}
	MmapReadGuard(const MmapReadGuard &) = delete;
	MmapReadGuard &operator=(const MmapReadGuard &) = delete;
	~MmapReadGuard()
	{
		if (mm_ != nullptr)
			kcpp_mmap_read_unlock(mm_->raw());
	}
	// The VMA containing addr (vma_lookup), or nullptr; valid while this guard lives.
	VmArea *vma_lookup(uptr addr) const
	{
		kcpp_vma *v = kcpp_vma_lookup(mm_->raw(), addr);
		return v == nullptr ? nullptr : &kernel_object<VmArea>(v);
	}

private:
	friend class MmUser;
	explicit MmapReadGuard(Mm *mm) : mm_(mm) {}
	Mm *mm_;
};

class [[nodiscard]] MmapWriteGuard {
public:
	MmapWriteGuard(MmapWriteGuard &&o) : mm_(exchange(o.mm_, nullptr)) {}
	MmapWriteGuard(const MmapWriteGuard &) = delete;
	MmapWriteGuard &operator=(const MmapWriteGuard &) = delete;
	~MmapWriteGuard()
	{
		if (mm_ != nullptr)
			kcpp_mmap_write_unlock(mm_->raw());
	}
	VmArea *vma_lookup(uptr addr) const
	{
		kcpp_vma *v = kcpp_vma_lookup(mm_->raw(), addr);
		return v == nullptr ? nullptr : &kernel_object<VmArea>(v);
	}

private:
	friend class MmUser;
	explicit MmapWriteGuard(Mm *mm) : mm_(mm) {}
	Mm *mm_;
};

inline Optional<MmUser> Mm::get_user() const
{
	if (!kcpp_mm_get_not_zero(raw()))
		return {};
	return MmUser(const_cast<Mm *>(this));
}
inline MmapReadGuard MmUser::read_lock() const
{
	kcpp_mmap_read_lock(mm_->raw());
	return MmapReadGuard(mm_);
}
inline Optional<MmapReadGuard> MmUser::try_read_lock() const
{
	if (!kcpp_mmap_read_trylock(mm_->raw()))
		return {};
	return MmapReadGuard(mm_);
}
inline MmapWriteGuard MmUser::write_lock() const
{
	kcpp_mmap_write_lock(mm_->raw());
	return MmapWriteGuard(mm_);
}

} // namespace kcpp::mm
