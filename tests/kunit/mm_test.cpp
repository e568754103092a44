// SPDX-License-Identifier: GPL-2.0
// kcpp_mm: address spaces, the mmap lock guards and VMA lookups on the KUnit test thread's
// own mm (Test::alloc_user attaches one and maps anonymous memory in it). Inserting pages
// needs a VMA made by a kcpp mmap (tests/qemu/mapper.sh does that from user space); here:
// lookups, the guards, zapping (anonymous memory reads back as zeros afterwards, as after
// MADV_DONTNEED) and the checks insert_page makes before calling the kernel.
#include "common.h"

#include <kcpp/mm.h>

using namespace kcpp;
using namespace kcpp_test;

static constexpr usize N = Page::SIZE;

static void kernel_thread_has_no_mm(Test &t)
{
	// Each case runs in a fresh kthread; nothing mapped user memory yet.
	Result<ARef<mm::Mm>> mm = mm::Mm::current();
	KCPP_EXPECT_ERR(t, mm, code::ESRCH);
}

static void lookup_finds_the_mapping(Test &t)
{
	const uptr addr = t.alloc_user(4 * N);
	KCPP_ASSERT_NE(t, addr, 0ul);
	Result<ARef<mm::Mm>> made = mm::Mm::current();
	KCPP_ASSERT_OK(t, made);
	ARef<mm::Mm> mm = move(made).take();
	ARef<mm::Mm> copy = mm; // another mmgrab of the same mm
	KCPP_EXPECT_TRUE(t, *copy == *mm);

	Optional<mm::MmUser> user = mm->get_user();
	KCPP_ASSERT_TRUE(t, user.has_value());
	bool found, inside, rw, mixed, ours, nothing_at_zero;
	usize size;
	{
		mm::MmapReadGuard g = user->read_lock();
		mm::VmArea *vma = g.vma_lookup(addr + N + 123);
		found = vma != nullptr;
		inside = found && vma->start() <= addr && addr + 4 * N <= vma->end();
		size = found ? vma->size() : 0;
		rw = found && (vma->flags() & (mm::vm::READ | mm::vm::WRITE)) == (mm::vm::READ | mm::vm::WRITE);
		mixed = found && (vma->flags() & mm::vm::MIXEDMAP);
		ours = found && vma->is_mapping_of(t); // not made by a kcpp mmap
		nothing_at_zero = g.vma_lookup(0) == nullptr;
		KCPP_EXPECT_TRUE(t, !found || vma->mm() == *mm);
	}
	KCPP_EXPECT_TRUE(t, found);
	KCPP_EXPECT_TRUE(t, inside);
	KCPP_EXPECT_GE(t, size, 4 * N);
	KCPP_EXPECT_TRUE(t, rw);
	KCPP_EXPECT_FALSE(t, mixed);
	KCPP_EXPECT_FALSE(t, ours);
	KCPP_EXPECT_TRUE(t, nothing_at_zero);
}

static void write_lock_excludes_readers(Test &t)
{
	const uptr addr = t.alloc_user(N);
	KCPP_ASSERT_NE(t, addr, 0ul);
	Result<ARef<mm::Mm>> made = mm::Mm::current();
	KCPP_ASSERT_OK(t, made);
	ARef<mm::Mm> mm = move(made).take();
	Optional<mm::MmUser> user = mm->get_user();
	KCPP_ASSERT_TRUE(t, user.has_value());
	bool read_while_written, found_under_write;
	{
		mm::MmapWriteGuard w = user->write_lock();
		found_under_write = w.vma_lookup(addr) != nullptr;
		read_while_written = user->try_read_lock().has_value();
	}
	bool read_after, second_reader;
	{
		Optional<mm::MmapReadGuard> r = user->try_read_lock();
		read_after = r.has_value();
		second_reader = user->try_read_lock().has_value(); // readers share
	}
	KCPP_EXPECT_TRUE(t, found_under_write);
	KCPP_EXPECT_FALSE(t, read_while_written);
	KCPP_EXPECT_TRUE(t, read_after);
	KCPP_EXPECT_TRUE(t, second_reader);
}

static void zap_discards_anonymous_pages(Test &t)
{
	const uptr addr = t.alloc_user(2 * N);
	KCPP_ASSERT_NE(t, addr, 0ul);
	const u64 marks[2] = {0x1111, 0x2222};
	KCPP_ASSERT_OK(t, UserSlice(addr + 8, 8).writer().write(marks[0]));
	KCPP_ASSERT_OK(t, UserSlice(addr + N + 8, 8).writer().write(marks[1]));
	Result<ARef<mm::Mm>> made = mm::Mm::current();
	KCPP_ASSERT_OK(t, made);
	ARef<mm::Mm> mm = move(made).take();
	Optional<mm::MmUser> user = mm->get_user();
	KCPP_ASSERT_TRUE(t, user.has_value());
	bool found;
	{
		mm::MmapReadGuard g = user->read_lock();
		mm::VmArea *vma = g.vma_lookup(addr);
		found = vma != nullptr;
		if (found)
			vma->zap_range(addr, N); // the first page only
	}
	KCPP_EXPECT_TRUE(t, found);
	Result<u64> first = UserSlice(addr + 8, 8).reader().read<u64>();
	Result<u64> second = UserSlice(addr + N + 8, 8).reader().read<u64>();
	KCPP_ASSERT_OK(t, first);
	KCPP_ASSERT_OK(t, second);
	KCPP_EXPECT_EQ(t, first.value(), 0ull);       // zapped: a fresh zero page on the next fault
	KCPP_EXPECT_EQ(t, second.value(), marks[1]); // untouched
}

static void insert_page_checks_before_the_kernel(Test &t)
{
	const uptr addr = t.alloc_user(2 * N);
	KCPP_ASSERT_NE(t, addr, 0ul);
	Result<Page> page = Page::alloc(gfp::KERNEL | gfp::ZERO);
	KCPP_ASSERT_OK(t, page);
	Result<ARef<mm::Mm>> made = mm::Mm::current();
	KCPP_ASSERT_OK(t, made);
	ARef<mm::Mm> mm = move(made).take();
	Optional<mm::MmUser> user = mm->get_user();
	KCPP_ASSERT_TRUE(t, user.has_value());
	Result<void> unaligned = code::ENOENT, not_mixed = code::ENOENT, outside = code::ENOENT;
	{
		mm::MmapReadGuard g = user->read_lock();
		if (mm::VmArea *vma = g.vma_lookup(addr)) {
			unaligned = vma->insert_page(addr + 8, page.value());
			not_mixed = vma->insert_page(addr, page.value()); // anonymous VMA: no MIXEDMAP
			outside = vma->insert_page(vma->end(), page.value());
		}
	}
	KCPP_EXPECT_ERR(t, move(unaligned), code::EINVAL);
	KCPP_EXPECT_ERR(t, move(not_mixed), code::EINVAL);
	KCPP_EXPECT_ERR(t, move(outside), code::EINVAL);
}

KCPP_KUNIT_SUITE(kcpp_mm,
		 KCPP_KUNIT_CASE(kernel_thread_has_no_mm),
		 KCPP_KUNIT_CASE(lookup_finds_the_mapping),
		 KCPP_KUNIT_CASE(write_lock_excludes_readers),
		 KCPP_KUNIT_CASE(zap_discards_anonymous_pages),
		 KCPP_KUNIT_CASE(insert_page_checks_before_the_kernel));
