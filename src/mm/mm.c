// SPDX-License-Identifier: GPL-2.0
/*
 * Address spaces, the mmap lock and VMAs for kcpp/mm.h (area mm).
 *
 * SAFETY: a struct kcpp_mm is an mm_struct on which C++ holds an mmgrab reference (ARef<Mm>)
 * and, for the mmap lock and VMA operations, an mmget reference (MmUser), so the mm_struct
 * and its address space are alive. A struct kcpp_vma reaches C++ only from vma_lookup under
 * an mmap guard or as the argument of a misc device's mmap operation (kcpp/mm.h), and C++
 * uses it only while that lock is held or that call runs: the mmap lock rules that
 * vma_lookup, vm_insert_page, zap_page_range_single and vm_flags_mod require.
 */
#include <linux/mm.h>
#include <linux/mmap_lock.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <kcpp/bindings.h>

#define MM(m) ((struct mm_struct *)(m))
#define VMA(v) ((struct vm_area_struct *)(v))

struct kcpp_mm *kcpp_mm_grab_current(void)
{
	struct mm_struct *mm = current->mm;

	if (!mm)
		return NULL;
	mmgrab(mm);
	return (struct kcpp_mm *)mm;
}

void kcpp_mm_grab(struct kcpp_mm *mm)
{
	mmgrab(MM(mm));
}

void kcpp_mm_drop(struct kcpp_mm *mm)
{
	mmdrop(MM(mm));
}

int kcpp_mm_get_not_zero(struct kcpp_mm *mm)
{
	return mmget_not_zero(MM(mm));
}

void kcpp_mm_put_async(struct kcpp_mm *mm)
{
	mmput_async(MM(mm));
}

void kcpp_mmap_read_lock(struct kcpp_mm *mm)
{
	mmap_read_lock(MM(mm));
}

int kcpp_mmap_read_trylock(struct kcpp_mm *mm)
{
	return mmap_read_trylock(MM(mm));
}

void kcpp_mmap_read_unlock(struct kcpp_mm *mm)
{
	mmap_read_unlock(MM(mm));
}

void kcpp_mmap_write_lock(struct kcpp_mm *mm)
{
	mmap_write_lock(MM(mm));
}

void kcpp_mmap_write_unlock(struct kcpp_mm *mm)
{
	mmap_write_unlock(MM(mm));
}

struct kcpp_vma *kcpp_vma_lookup(struct kcpp_mm *mm, unsigned long addr)
{
	return (struct kcpp_vma *)vma_lookup(MM(mm), addr);
}

unsigned long kcpp_vma_start(const struct kcpp_vma *vma)
{
	return VMA(vma)->vm_start;
}

unsigned long kcpp_vma_end(const struct kcpp_vma *vma)
{
	return VMA(vma)->vm_end;
}

unsigned long kcpp_vma_flags(const struct kcpp_vma *vma)
{
	return VMA(vma)->vm_flags;
}

unsigned long kcpp_vma_pgoff(const struct kcpp_vma *vma)
{
	return VMA(vma)->vm_pgoff;
}

struct kcpp_mm *kcpp_vma_mm(const struct kcpp_vma *vma)
{
	return (struct kcpp_mm *)VMA(vma)->vm_mm;
}

void kcpp_vma_flags_mod(struct kcpp_vma *vma, unsigned long set, unsigned long clear)
{
	vm_flags_mod(VMA(vma), set, clear);
}

int kcpp_vma_insert_page(struct kcpp_vma *vma, unsigned long addr, struct kcpp_page *page)
{
	return vm_insert_page(VMA(vma), addr, (struct page *)page);
}

void kcpp_vma_zap(struct kcpp_vma *vma, unsigned long addr, unsigned long size)
{
	zap_page_range_single(VMA(vma), addr, size, NULL);
}
